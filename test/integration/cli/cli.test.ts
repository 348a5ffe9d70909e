/**
 * The bundled `mcp-lens` CLI against the real @modelcontextprotocol/server-everything over stdio,
 * SSE and Streamable HTTP, all on 127.0.0.1; plus usage errors, failures and exit codes.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { formatCommandLine } from '../../../src/core/config';
import {
  REPO_ROOT,
  everythingStdioCommand,
  freePort,
  startEverything,
  type RunningServer,
} from '../../support/everything';
import { cli, cliBundle, processesWithMarker, startCli } from './harness';
import { version } from '../../../package.json';

/** A stdio target whose command line carries a unique marker, so its processes can be found in /proc. */
function stdioTarget(marker = `mcp-lens-test-${randomUUID()}`): { args: string[]; marker: string } {
  const { command, args } = everythingStdioCommand();
  // server-everything reads only its first argument (the transport); the marker is ignored by it.
  return { args: ['--stdio', formatCommandLine([command, ...args, marker])], marker };
}

describe('cli: mcp-lens', function () {
  this.timeout(60_000);

  before(async function () {
    this.timeout(120_000);
    await cliBundle();
  });

  describe('help, version and usage errors', () => {
    it('--help prints the usage with the exit codes and exits 0', async () => {
      const r = await cli(['--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Usage:/);
      assert.match(r.stdout, /mcp-lens call \(<url> \| --stdio "<command line>"\) <tool>/);
      assert.match(r.stdout, /Exit codes:[\s\S]*2\s+usage error[\s\S]*3\s+authorization required/);
      assert.equal((await cli(['help'])).stdout, r.stdout);
    });

    it('--version prints the package version', async () => {
      const r = await cli(['--version']);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `mcp-lens ${version}\n`);
    });

    const seeHelp = /\nRun `mcp-lens --help` for usage\.\n$/;
    const passJson = /\nPass a JSON object, for example '\{"message": "hi"\}'/;
    const usageCases: Array<[string[], RegExp, RegExp]> = [
      [[], /^mcp-lens: No command given\./, seeHelp],
      [['frobnicate', 'http://127.0.0.1:9/mcp'], /^mcp-lens: Unknown command "frobnicate"/, seeHelp],
      [['tools'], /^mcp-lens: "tools" needs a target/, seeHelp],
      [
        ['tools', 'ftp://127.0.0.1/x'],
        /^mcp-lens: Invalid target: The URL must start with http:\/\/ or https:\/\//,
        seeHelp,
      ],
      [
        ['call', 'http://127.0.0.1:9/mcp', 'echo', '{message:'],
        /^mcp-lens: Tool arguments are not valid JSON: /,
        passJson,
      ],
      [
        ['call', 'http://127.0.0.1:9/mcp', 'echo', '[1]'],
        /^mcp-lens: Tool arguments must be a JSON object, not an array\./,
        passJson,
      ],
      [
        ['call', 'http://127.0.0.1:9/mcp'],
        /^mcp-lens: "call" needs <tool> after the target\./,
        /\nUsage: mcp-lens call /,
      ],
      [['tools', 'http://127.0.0.1:9/mcp', '--bogus'], /^mcp-lens: Unknown option --bogus\./, seeHelp],
      [
        ['tools', 'http://127.0.0.1:9/mcp', '--timeout', 'x'],
        /^mcp-lens: --timeout must be a positive number of seconds/,
        seeHelp,
      ],
    ];
    for (const [args, message, hint] of usageCases) {
      it(`exits 2 for: mcp-lens ${args.join(' ') || '(nothing)'}`, async () => {
        const r = await cli(args);
        assert.equal(r.code, 2, `stderr: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, message);
        assert.match(r.stderr, hint);
        assert.equal(r.stderr.trimEnd().split('\n').length, 2, 'one line for the problem, one for the hint');
      });
    }
  });

  const transports: Array<{ name: string; target: () => string[]; setup?: () => Promise<RunningServer> }> = [
    { name: 'stdio', target: () => stdioTarget().args },
    { name: 'Streamable HTTP', target: () => [], setup: () => startEverything('streamableHttp') },
    { name: 'SSE', target: () => [], setup: () => startEverything('sse') },
  ];

  for (const transport of transports) {
    describe(`against server-everything over ${transport.name}`, () => {
      let server: RunningServer | undefined;
      let target: () => string[];

      before(async function () {
        this.timeout(30_000);
        if (transport.setup) {
          server = await transport.setup();
          const url = server.url;
          // SSE is reached through `auto` (Streamable HTTP first, then the fallback) and explicitly.
          target = () => [url];
        } else {
          target = transport.target;
        }
      });

      after(async () => {
        await server?.stop();
      });

      it('lists the tools (human)', async () => {
        const r = await cli(['tools', ...target()]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^\d+ tools:\n\n/);
        assert.match(r.stdout, /^ {2}echo +Echoes back the input string$/m);
        assert.match(r.stdout, /^ {2}echo +Echoes back the input string\n +· message: string \(required\)$/m);
        assert.match(r.stdout, /^ {2}get-sum +Returns the sum of two numbers$/m);
        assert.match(
          r.stdout,
          /^ {2}get-sum +Returns the sum of two numbers\n +· a: number \(required\)\n +· b: number \(required\)$/m,
        );
      });

      it('lists the tools (--json)', async () => {
        const r = await cli(['tools', ...target(), '--json']);
        assert.equal(r.code, 0, r.stderr);
        const parsed = JSON.parse(r.stdout) as { tools: Array<{ name: string; inputSchema: { required?: string[] } }> };
        const echo = parsed.tools.find((t) => t.name === 'echo');
        assert.ok(echo, 'echo is listed');
        assert.deepEqual(echo.inputSchema.required, ['message']);
        assert.ok(parsed.tools.some((t) => t.name === 'get-sum'));
        assert.equal(r.stderr, '');
      });

      it('calls echo', async () => {
        const r = await cli(['call', ...target(), 'echo', '{"message": "hello from mcp-lens"}']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'Echo: hello from mcp-lens\n');
      });

      it('calls get-sum (--json prints the raw result)', async () => {
        const r = await cli(['call', ...target(), 'get-sum', '{"a": 2, "b": 40}', '--json']);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { content: [{ type: 'text', text: 'The sum of 2 and 40 is 42.' }] });
      });

      it('lists resources and templates, and reads a resource', async () => {
        const list = await cli(['resources', ...target()]);
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /^\d+ resources:$/m);
        assert.match(
          list.stdout,
          /^ {2}demo:\/\/resource\/static\/document\/features\.md +features\.md \(text\/markdown\)$/m,
        );
        assert.match(list.stdout, /^\d+ resource templates:$/m);
        assert.match(list.stdout, /^ {2}demo:\/\/resource\/dynamic\/text\/\{resourceId\} +Dynamic Text Resource/m);

        const json = await cli(['resources', ...target(), '--json']);
        const parsed = JSON.parse(json.stdout) as {
          resources: Array<{ uri: string }>;
          resourceTemplates: Array<{ uriTemplate: string }>;
        };
        assert.ok(parsed.resources.some((r) => r.uri === 'demo://resource/static/document/features.md'));
        assert.ok(parsed.resourceTemplates.some((t) => t.uriTemplate === 'demo://resource/dynamic/text/{resourceId}'));

        const read = await cli(['read', ...target(), 'demo://resource/static/document/features.md']);
        assert.equal(read.code, 0, read.stderr);
        assert.match(read.stdout, /^# Everything Server - Features\n/);

        const readJson = await cli(['read', ...target(), 'demo://resource/dynamic/text/3', '--json']);
        assert.equal(readJson.code, 0, readJson.stderr);
        const contents = (JSON.parse(readJson.stdout) as { contents: Array<{ uri: string; text?: string }> }).contents;
        assert.equal(contents[0].uri, 'demo://resource/dynamic/text/3');
        assert.match(contents[0].text ?? '', /Resource 3/);
      });

      it('lists prompts and gets args-prompt with arguments', async () => {
        const list = await cli(['prompts', ...target()]);
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /^ {2}args-prompt +A prompt with two arguments, one required and one optional$/m);
        assert.match(list.stdout, /^ +· city \(required\) — Name of the city$/m);

        const prompt = await cli(['prompt', ...target(), 'args-prompt', '{"city": "Paris", "state": "Île-de-France"}']);
        assert.equal(prompt.code, 0, prompt.stderr);
        assert.equal(prompt.stdout, "user: What's weather in Paris, Île-de-France?\n");

        const json = await cli(['prompt', ...target(), 'args-prompt', '{"city": "Oslo"}', '--json']);
        assert.deepEqual((JSON.parse(json.stdout) as { messages: unknown[] }).messages, [
          { role: 'user', content: { type: 'text', text: "What's weather in Oslo?" } },
        ]);
      });

      it('reports a tool error with exit 1 and the error text', async () => {
        const r = await cli(['call', ...target(), 'echo', '{"message": 42}']);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^mcp-lens: the tool "echo" reported an error: .*expected string/m);
      });

      it('prints progress notifications on stderr during a call', async () => {
        const r = await cli(['call', ...target(), 'trigger-long-running-operation', '{"duration": 0.6, "steps": 3}']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'Long running operation completed. Duration: 0.6 seconds, Steps: 3.\n');
        // Every notification is printed, in order, including the last one, which can arrive in the
        // same chunk as the result (the trace transport settles responses a microtask late for that).
        assert.equal(r.stderr, 'progress 1/3\nprogress 2/3\nprogress 3/3\n');
      });

      it('Ctrl+C during a call sends notifications/cancelled and exits 130', async () => {
        const t = target();
        const p = await startCli([
          'call',
          ...t,
          'trigger-long-running-operation',
          '{"duration": 20, "steps": 20}',
          '--verbose',
        ]);
        await p.waitFor(/^progress 1\/20$/m);
        const interruptedAt = Date.now();
        p.child.kill('SIGINT');
        const r = await p.done;
        assert.equal(r.code, 130, r.stderr);
        assert.ok(Date.now() - interruptedAt < 5000, 'exits promptly');
        assert.match(r.stderr, /^→ notification notifications\/cancelled \{.*"requestId":\d+/m);
        assert.match(r.stderr, /mcp-lens: interrupted\.\n$/);
        assert.equal(r.stdout, '');
      });
    });
  }

  describe('transports and targets', () => {
    let sse: RunningServer;
    before(async () => {
      sse = await startEverything('sse');
    });
    after(async () => {
      await sse.stop();
    });

    it('--transport sse talks SSE directly; --transport http to an SSE endpoint fails clearly', async () => {
      const ok = await cli(['call', sse.url, '--transport', 'sse', 'echo', '{"message": "direct"}']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, 'Echo: direct\n');
      const wrong = await cli(['tools', sse.url, '--transport', 'http']);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /^mcp-lens: .*127\.0\.0\.1.*HTTP 4\d\d/m);
    });

    it('sends --header values with every request', async () => {
      const seen: Array<string | string[] | undefined> = [];
      const server = http.createServer((req, res) => {
        seen.push(req.headers['x-lens-test']);
        res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
        const r = await cli(['tools', url, '--transport', 'http', '-H', 'X-Lens-Test: hello']);
        assert.equal(r.code, 1);
        assert.ok(seen.length > 0 && seen.every((v) => v === 'hello'), `headers seen: ${JSON.stringify(seen)}`);
      } finally {
        server.close();
      }
    });

    it('passes --env to a stdio server', async () => {
      const target = stdioTarget();
      const r = await cli(['call', ...target.args, '--env', 'MCP_LENS_CLI_TEST=some value', 'get-env', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const text = (JSON.parse(r.stdout) as { content: Array<{ text: string }> }).content[0].text;
      assert.equal((JSON.parse(text) as Record<string, string>).MCP_LENS_CLI_TEST, 'some value');
    });
  });

  describe('results that break their outputSchema', () => {
    const fixture = () => [
      '--stdio',
      formatCommandLine([
        process.execPath,
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'test/fixtures/outputSchemaStdioServer.ts'),
      ]),
    ];

    it('prints the result, then each validation error, and exits 1 (human)', async () => {
      const r = await cli(['call', ...fixture(), 'weather_bad']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, 'hot <b>and</b> humid\n', 'the result is shown as the server sent it');
      assert.match(
        r.stderr,
        /^mcp-lens: the result of "weather_bad" fails the tool's output schema: structuredContent does not match the tool's outputSchema \(3 errors\)\.$/m,
      );
      assert.match(r.stderr, /^ {2}\/temperature: must be number$/m);
      assert.match(r.stderr, /^ {2}\/conditions: is required$/m);
      assert.match(r.stderr, /^ {2}\/humidity: is not allowed \(additionalProperties\)$/m);
      assert.match(r.stderr, /^hint: Fix the tool on the server/m);
    });

    it('prints the raw result with the verdict, and exits 1 (--json)', async () => {
      const r = await cli(['call', ...fixture(), 'weather_bad', '--json']);
      assert.equal(r.code, 1, r.stderr);
      const result = JSON.parse(r.stdout) as {
        structuredContent: unknown;
        outputSchemaCheck: { ok: boolean; status: string; errors: Array<{ path: string }> };
      };
      assert.deepEqual(result.structuredContent, { temperature: 'hot', humidity: 90 });
      assert.equal(result.outputSchemaCheck.ok, false);
      assert.equal(result.outputSchemaCheck.status, 'invalid');
      assert.deepEqual(result.outputSchemaCheck.errors.map((e) => e.path).sort(), [
        '/conditions',
        '/humidity',
        '/temperature',
      ]);
      assert.match(r.stderr, /fails the tool's output schema/);
    });

    it('exits 1 when the structuredContent is missing, and 0 when it matches', async () => {
      const missing = await cli(['call', ...fixture(), 'weather_missing']);
      assert.equal(missing.code, 1);
      assert.equal(missing.stdout, 'no structure here\n');
      assert.match(missing.stderr, /declares an outputSchema but returned no structuredContent/);
      const ok = await cli(['call', ...fixture(), 'weather_ok']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, '21.5 °C, sunny\n');
      assert.equal(ok.stderr, '');
    });
  });

  describe('failures', () => {
    it('an unreachable URL exits 1 with a clear message and a hint', async () => {
      const port = await freePort();
      const r = await cli(['tools', `http://127.0.0.1:${port}/mcp`]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        `mcp-lens: Nothing is listening at 127.0.0.1:${port} (connection refused).\nhint: Is the server running on that port? Check the host and the port.\n`,
      );
    });

    it('port 1 exits 1 and says fetch blocks that port, not "fetch failed"', async () => {
      for (const transport of ['http', 'sse', 'auto']) {
        const r = await cli(['tools', 'http://127.0.0.1:1/mcp', '--transport', transport]);
        assert.equal(r.code, 1);
        assert.equal(
          r.stderr,
          'mcp-lens: fetch never connects to port 1 (the Fetch standard blocks it as a "bad port"), so nothing was sent to 127.0.0.1:1.\n' +
            'hint: Run the server on another port, for example 3000, and change the URL.\n',
          transport,
        );
      }
    });

    it('an HTML 502 page exits 1 with the status line and the page title, not the HTML', async () => {
      const server = http.createServer((_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end(
          '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n',
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
        const r = await cli(['tools', url]);
        assert.equal(r.code, 1);
        assert.equal(
          r.stderr,
          `mcp-lens: ${url} answered HTTP 502 Bad Gateway during initialize, with an HTML page: "502 Bad Gateway"\n` +
            'hint: A proxy or gateway got no good answer from the MCP server behind it: check that the server runs.\n',
        );
      } finally {
        server.close();
      }
    });

    it('a stdio server that writes non-JSON to stdout: the error says so and quotes the line', async () => {
      const fixture = formatCommandLine([
        process.execPath,
        '--import',
        'tsx',
        'test/fixtures/bannerStdioServer.ts',
        'Starting weather server...',
        '--no-newline',
      ]);
      const r = await cli(['tools', '--stdio', fixture, '--timeout', '3']);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /^mcp-lens: The server wrote non-JSON to stdout \(stdout is reserved for MCP messages; log to stderr instead\); the first line was "Starting weather server\.\.\.\{\\"result\\":.*\. The server did not finish initializing within 3 s\.\nhint: Make the server log to stderr/,
      );
    });

    it('a stdio command that does not exist exits 1', async () => {
      const r = await cli(['tools', '--stdio', 'mcp-lens-no-such-command-xyz --flag']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^mcp-lens: .*mcp-lens-no-such-command-xyz/m);
    });

    it('a request slower than --timeout exits 1 and names the timeout', async () => {
      const target = stdioTarget();
      const started = Date.now();
      // --timeout covers every request, initialize too: leave the server ample time to start.
      const r = await cli([
        'call',
        ...target.args,
        'trigger-long-running-operation',
        '{"duration": 10, "steps": 1}',
        '--timeout',
        '2.5',
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(Date.now() - started < 8000, 'gives up at the timeout, not when the tool ends');
      assert.match(
        r.stderr,
        /^mcp-lens: The server did not answer tools\/call within (2\.5 s|2500 ms)\.\nhint: .*--timeout <seconds>/m,
      );
      // The CLI waits for the server's process tree to exit before it exits itself.
      assert.deepEqual(processesWithMarker(target.marker), []);
    });

    it('a 401-protected server exits 3 (authorization required)', async () => {
      const server = http.createServer((_req, res) => {
        res.writeHead(401, {
          'WWW-Authenticate': 'Bearer realm="test", error="invalid_token"',
          'Content-Type': 'application/json',
        });
        res.end(JSON.stringify({ error: 'invalid_token' }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
        const r = await cli(['tools', url, '--non-interactive']);
        assert.equal(r.code, 3, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^mcp-lens: Authorization required: /m);
      } finally {
        server.close();
      }
    });
  });

  describe('stdio servers are always shut down', () => {
    it('after a command, no server process is left', async () => {
      const target = stdioTarget();
      const r = await cli(['tools', ...target.args]);
      assert.equal(r.code, 0, r.stderr);
      // The CLI waits for the server's process tree to exit before it exits itself.
      assert.deepEqual(processesWithMarker(target.marker), []);
    });

    it('after Ctrl+C during a call, no server process is left', async () => {
      const target = stdioTarget();
      const p = await startCli([
        'call',
        ...target.args,
        'trigger-long-running-operation',
        '{"duration": 20, "steps": 20}',
      ]);
      await p.waitFor(/^progress 1\/20$/m);
      // The CLI's own command line holds the marker too; the server is another process.
      assert.ok(processesWithMarker(target.marker, [p.child.pid]).length >= 1, 'the server runs during the call');
      p.child.kill('SIGINT');
      const r = await p.done;
      assert.equal(r.code, 130);
      // The CLI waits for the server's process tree to exit before it exits itself.
      assert.deepEqual(processesWithMarker(target.marker), []);
    });

    it('after a failing call, no server process is left', async () => {
      const target = stdioTarget();
      const r = await cli(['call', ...target.args, 'no-such-tool']);
      assert.equal(r.code, 1);
      // The CLI waits for the server's process tree to exit before it exits itself.
      assert.deepEqual(processesWithMarker(target.marker), []);
    });
  });
});
