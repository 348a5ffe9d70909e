import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ConnectionConfig } from '../../../src/core/config';
import type { Connection, ListKind, Progress } from '../../../src/core/connection';
import { ConnectionError } from '../../../src/core/errors';
import { ConnectionManager } from '../../../src/core/manager';
import {
  EVERYTHING_ENTRY as everythingEntry,
  REPO_ROOT as repoRoot,
  everythingStdioCommand,
  startEverything,
  type RunningServer as RunningEverything,
} from '../../support/everything';

type TextContent = { type: 'text'; text: string };
const firstText = (result: { content?: unknown[] }) =>
  (result.content?.find((c) => (c as TextContent).type === 'text') as TextContent | undefined)?.text ?? '';

function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => { dispose(): void },
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('event did not arrive in time'));
    }, timeoutMs);
    const sub = subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

let counter = 0;
const id = () => `test-${++counter}`;

describe('core: connections to the real server-everything', function () {
  this.timeout(60_000);
  let sse: RunningEverything;
  let streamable: RunningEverything;
  let manager: ConnectionManager;

  before(async () => {
    [sse, streamable] = await Promise.all([startEverything('sse'), startEverything('streamableHttp')]);
  });
  after(async () => {
    await Promise.all([sse?.stop(), streamable?.stop()]);
  });
  beforeEach(() => {
    manager = new ConnectionManager({ requestTimeoutMs: 20_000 });
  });
  afterEach(async () => {
    await manager.disposeAsync();
  });

  const targets: Array<[string, () => ConnectionConfig]> = [
    ['stdio', () => ({ id: id(), name: 'stdio', transport: 'stdio', ...everythingStdioCommand() })],
    ['SSE', () => ({ id: id(), name: 'sse', transport: 'sse', url: sse.url })],
    ['Streamable HTTP', () => ({ id: id(), name: 'http', transport: 'streamable-http', url: streamable.url })],
  ];

  for (const [label, makeConfig] of targets) {
    describe(`over ${label}`, () => {
      let connection: Connection;
      beforeEach(async () => {
        connection = manager.add(makeConfig());
        await connection.connect();
      });

      it('connects, reports server info and lists everything', () => {
        assert.equal(connection.status.state, 'connected');
        assert.match(connection.serverInfo?.name ?? '', /everything/i);
        assert.ok(connection.capabilities?.tools);
        const names = connection.tools.map((t) => t.name);
        for (const name of ['echo', 'get-sum', 'trigger-long-running-operation']) {
          assert.ok(names.includes(name), `${name} listed`);
        }
        assert.ok(connection.resources.length > 0, 'resources listed');
        assert.ok(connection.resourceTemplates.length > 0, 'resource templates listed');
        assert.ok(
          connection.prompts.some((p) => p.name === 'args-prompt'),
          'prompts listed',
        );
      });

      it('calls echo and get-sum', async () => {
        assert.match(
          firstText(await connection.callTool('echo', { message: 'hello <b>lens</b>' })),
          /hello <b>lens<\/b>/,
        );
        assert.match(firstText(await connection.callTool('get-sum', { a: 2, b: 40 })), /42/);
      });

      it('reads a resource and gets a prompt', async () => {
        const resource = connection.resources[0];
        const read = await connection.readResource(resource.uri);
        assert.equal(read.contents[0].uri, resource.uri);
        const prompt = await connection.getPrompt('args-prompt', { city: 'Lyon', state: 'Rhône' });
        assert.match(JSON.stringify(prompt.messages), /Lyon/);
      });

      it('reports progress of a long-running tool, and cancels it', async () => {
        const progress: Progress[] = [];
        const done = await connection.callTool(
          'trigger-long-running-operation',
          { duration: 1, steps: 4 },
          { onProgress: (p) => progress.push(p) },
        );
        assert.match(firstText(done), /completed/i);
        assert.ok(progress.length >= 3, `got ${progress.length} progress notifications`);
        assert.equal(progress.at(-1)?.total, 4);

        const abort = new AbortController();
        const started = Date.now();
        const call = connection.callTool(
          'trigger-long-running-operation',
          { duration: 20, steps: 20 },
          {
            signal: abort.signal,
            onProgress: () => abort.abort('user cancelled'),
          },
        );
        await assert.rejects(
          call,
          (e: unknown) =>
            e instanceof ConnectionError || (e as Error).name === 'AbortError' || /cancel/i.test(String(e)),
        );
        assert.ok(Date.now() - started < 10_000, 'cancelled long before the end');
        const cancelled = connection.trace
          .entries()
          .find((e) => e.direction === 'out' && e.method === 'notifications/cancelled');
        assert.ok(cancelled, 'notifications/cancelled was sent to the server');
        // Still usable afterwards.
        assert.match(firstText(await connection.callTool('echo', { message: 'after cancel' })), /after cancel/);
      });

      it('refreshes the resource list on list_changed', async () => {
        const before = connection.resources.length;
        const changed = nextEvent<ListKind>(
          connection.onDidChangeList,
          (k) => k === 'resources' && connection.resources.length > before,
        );
        const data = `data:text/plain;base64,${Buffer.from('hello list_changed').toString('base64')}`;
        await connection.callTool('gzip-file-as-resource', {
          name: `lc-${counter}.gz`,
          data,
          outputType: 'resourceLink',
        });
        await changed;
        assert.ok(connection.resources.some((r) => r.uri.endsWith(`lc-${counter}.gz`)));
      });

      it('traces every message with direction, method, id, duration and size', async () => {
        await connection.callTool('echo', { message: 'traced' });
        const entries = connection.trace.entries();
        const request = entries.find((e) => e.direction === 'out' && e.method === 'tools/call');
        const response = entries.find(
          (e) => e.direction === 'in' && e.kind === 'response' && e.id === request?.id && e.method === 'tools/call',
        );
        assert.ok(request && response);
        assert.ok(response.durationMs !== undefined && response.size > 0);
        assert.ok(entries.some((e) => e.method === 'initialize'));
      });

      it('pings, sets the logging level and records log notifications', async () => {
        assert.ok((await connection.ping()) >= 0);
        await connection.setLoggingLevel('debug');
        const logged = nextEvent(connection.onServerLog, () => true, 15_000);
        await connection.callTool('toggle-simulated-logging', {});
        await logged;
        assert.ok(connection.serverLog.length > 0);
        await connection.callTool('toggle-simulated-logging', {});
      });

      it('disconnects and reconnects', async () => {
        await connection.disconnect();
        assert.equal(connection.status.state, 'disconnected');
        assert.equal(connection.tools.length, 0);
        await connection.reconnect();
        assert.equal(connection.status.state, 'connected');
        assert.ok(connection.tools.length > 0);
      });
    });
  }

  it('auto: uses Streamable HTTP when the server speaks it', async () => {
    const connection = manager.add({ id: id(), name: 'auto-http', transport: 'auto', url: streamable.url });
    await connection.connect();
    assert.equal(connection.activeTransport, 'streamable-http');
  });

  it('auto: falls back to SSE on a 4xx from the POST (spec backwards compatibility)', async () => {
    const connection = manager.add({ id: id(), name: 'auto-sse', transport: 'auto', url: sse.url });
    await connection.connect();
    assert.equal(connection.activeTransport, 'sse');
    assert.ok(connection.tools.length > 0);
  });

  it('follows pagination cursors, and stops when a server repeats its cursor', async () => {
    const connection = manager.add({
      id: id(),
      name: 'paged',
      transport: 'stdio',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(repoRoot, 'test/fixtures/pagedStdioServer.ts')],
      cwd: repoRoot,
    });
    await connection.connect();
    assert.equal(connection.tools.length, 25);
    assert.equal(connection.tools.at(-1)?.name, 'tool-24');
    assert.ok(connection.prompts.length >= 1);
  });

  it('shows a result whose structuredContent breaks the outputSchema, with the verdict and each error', async () => {
    const connection = manager.add({
      id: id(),
      name: 'output-schema',
      transport: 'stdio',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(repoRoot, 'test/fixtures/outputSchemaStdioServer.ts')],
      cwd: repoRoot,
    });
    await connection.connect();
    // The listing survives a tool whose outputSchema is not a valid JSON Schema.
    assert.deepEqual(
      connection.tools.map((t) => t.name),
      ['weather_ok', 'weather_bad', 'weather_missing', 'weather_broken_schema', 'weather_error'],
    );

    const ok = await connection.callTool('weather_ok', {});
    assert.deepEqual(ok.outputSchemaCheck, {
      ok: true,
      status: 'valid',
      message: "structuredContent matches the tool's outputSchema.",
      errors: [],
    });

    const bad = await connection.callTool('weather_bad', {});
    assert.deepEqual(
      bad.structuredContent,
      { temperature: 'hot', humidity: 90 },
      'the result is returned as the server sent it',
    );
    assert.equal(firstText(bad), 'hot <b>and</b> humid');
    assert.equal(bad.outputSchemaCheck?.ok, false);
    assert.equal(bad.outputSchemaCheck?.status, 'invalid');
    assert.match(bad.outputSchemaCheck?.message ?? '', /does not match the tool's outputSchema \(3 errors\)/);
    assert.deepEqual(
      [...(bad.outputSchemaCheck?.errors ?? [])].sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: '/conditions', message: 'is required' },
        { path: '/humidity', message: 'is not allowed (additionalProperties)' },
        { path: '/temperature', message: 'must be number' },
      ],
    );

    const missing = await connection.callTool('weather_missing', {});
    assert.equal(missing.outputSchemaCheck?.status, 'missing');
    assert.match(
      missing.outputSchemaCheck?.message ?? '',
      /declares an outputSchema but returned no structuredContent/,
    );

    const broken = await connection.callTool('weather_broken_schema', {});
    assert.equal(broken.outputSchemaCheck?.status, 'bad-schema');
    assert.ok(
      broken.outputSchemaCheck?.errors.some((e) => e.path === '/properties/temperature/type'),
      JSON.stringify(broken.outputSchemaCheck),
    );

    const failed = await connection.callTool('weather_error', {});
    assert.equal(failed.isError, true);
    assert.equal(failed.outputSchemaCheck, undefined, 'isError results are not checked against the outputSchema');
    assert.equal(connection.status.state, 'connected');
  });

  it('merges the environment for stdio servers and streams stderr', async () => {
    const stderr: string[] = [];
    const connection = manager.add({
      id: id(),
      name: 'env',
      transport: 'stdio',
      ...everythingStdioCommand(),
      env: { MCP_LENS_TEST_VAR: 'from-config' },
    });
    connection.onStderr((line) => stderr.push(line));
    await connection.connect();
    const env = JSON.parse(firstText(await connection.callTool('get-env', {}))) as Record<string, string>;
    assert.equal(env.MCP_LENS_TEST_VAR, 'from-config');
    assert.equal(env.PATH, process.env.PATH, 'the parent environment is merged, not replaced');
    assert.ok(
      stderr.some((l) => /server|start/i.test(l)),
      `stderr streamed: ${stderr.join(' | ')}`,
    );
  });

  it('ends the whole stdio process tree on disconnect: no orphans', async () => {
    const connection = manager.add({
      id: id(),
      name: 'tree',
      transport: 'stdio',
      command: 'sh',
      args: ['-c', `"${process.execPath}" "${everythingEntry}" stdio; true`],
    });
    await connection.connect();
    const raw = (connection as unknown as { rawTransport: { pid: number } }).rawTransport;
    const shellPid = raw.pid;
    const children = execFileSync('pgrep', ['-P', String(shellPid)])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
    assert.ok(children.length >= 1, 'the shell has a node child');
    await connection.disconnect();
    for (const pid of [shellPid, ...children]) {
      assert.equal(await isAliveAfter(pid, 2000), false, `process ${pid} is gone`);
    }
  });
});

describe('core: failures give clear errors and leave the manager usable', function () {
  this.timeout(60_000);
  let manager: ConnectionManager;
  const servers: http.Server[] = [];

  // Short for the failures under test; long for the good connection each test ends with, whose stdio server
  // may take more than 1.5 s to start on a loaded machine (that is not what this suite checks).
  let requestTimeoutMs = 1500;
  beforeEach(() => {
    requestTimeoutMs = 1500;
    manager = new ConnectionManager({ requestTimeoutMs: () => requestTimeoutMs });
  });
  afterEach(async () => {
    // After each failure the same manager still serves a good connection.
    requestTimeoutMs = 30_000;
    const good = manager.add({ id: id(), name: `good-${counter}`, transport: 'stdio', ...everythingStdioCommand() });
    await good.connect();
    assert.equal(good.status.state, 'connected');
    await manager.disposeAsync();
    // A hung server holds its sockets open: drop them, or close() waits for ever.
    await Promise.all(
      servers.splice(0).map((s) => {
        s.closeAllConnections();
        return new Promise((r) => s.close(r));
      }),
    );
  });

  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  }

  async function expectFailure(config: ConnectionConfig, code: string, message: RegExp): Promise<ConnectionError> {
    const connection = manager.add(config);
    const error = await connection.connect().then(
      () => assert.fail('connect should fail'),
      (e: unknown) => e as ConnectionError,
    );
    assert.ok(error instanceof ConnectionError, `a ConnectionError, got ${String(error)}`);
    assert.equal(error.code, code, error.fullMessage);
    assert.match(error.fullMessage, message);
    assert.equal(connection.status.state, 'error');
    assert.equal(connection.status.message, error.fullMessage);
    return error;
  }

  it('a malformed URL', async () => {
    await expectFailure(
      { id: id(), name: 'bad url', transport: 'streamable-http', url: 'htp:/nope' },
      'invalid-config',
      /must start with http/,
    );
  });

  it('connection refused', async () => {
    const url = await serve(() => undefined);
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    await expectFailure(
      { id: id(), name: 'refused', transport: 'streamable-http', url },
      'refused',
      /connection refused.*Is the server running/,
    );
  });

  it('a stdio command that does not exist', async () => {
    await expectFailure(
      { id: id(), name: 'missing', transport: 'stdio', command: 'mcp-lens-no-such-command', args: [] },
      'spawn-failed',
      /Could not start "mcp-lens-no-such-command": command not found/,
    );
  });

  it('a stdio server that exits at start: exit code and stderr', async () => {
    await expectFailure(
      {
        id: id(),
        name: 'crash',
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', 'console.error("boom: missing API key"); process.exit(3)'],
      },
      'process-exited',
      /exited with code 3.*boom: missing API key/s,
    );
  });

  it('a server that never answers (timeout)', async () => {
    await expectFailure(
      { id: id(), name: 'hung', transport: 'streamable-http', url: await serve(() => undefined) },
      'timeout',
      /did not .*within 1\.5 s/,
    );
  });

  it('an SSE server that never sends its endpoint event (timeout)', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
    });
    await expectFailure({ id: id(), name: 'hung-sse', transport: 'sse', url }, 'timeout', /within 1\.5 s/);
  });

  it('a server that returns invalid JSON', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jsonrpc": "2.0", oops');
    });
    await expectFailure({ id: id(), name: 'garbage', transport: 'streamable-http', url }, 'protocol', /not valid JSON/);
  });

  it('a server that answers 404 names the status and hints at the path', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404).end('not here');
    });
    await expectFailure(
      { id: id(), name: '404', transport: 'streamable-http', url },
      'http',
      /HTTP 404.*Check the path/s,
    );
  });

  it('a 401 without sign-in support becomes auth-required', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="x"' }).end();
    });
    const connection = manager.add({ id: id(), name: '401', transport: 'streamable-http', url });
    await assert.rejects(connection.connect(), (e: ConnectionError) => e.code === 'auth-required');
    assert.equal(connection.status.state, 'auth-required');
  });

  it('the stdio server killed in the middle of a call', async () => {
    const connection = manager.add({ id: id(), name: 'killed', transport: 'stdio', ...everythingStdioCommand() });
    await connection.connect();
    const call = connection.callTool(
      'trigger-long-running-operation',
      { duration: 10, steps: 10 },
      { timeoutMs: 30_000 },
    );
    await new Promise((r) => setTimeout(r, 300));
    const pid = (connection as unknown as { rawTransport: { pid: number } }).rawTransport.pid;
    process.kill(pid, 'SIGKILL');
    await assert.rejects(
      call,
      (e: ConnectionError) => e.code === 'process-exited' && /killed by SIGKILL/.test(e.message),
    );
    assert.equal(connection.status.state, 'error');
    assert.match(connection.status.message ?? '', /killed by SIGKILL/);
    await connection.reconnect();
    assert.equal(connection.status.state, 'connected');
  });

  it('the HTTP server killed in the middle of a call', async () => {
    const server = await startEverything('streamableHttp');
    try {
      const connection = manager.add({ id: id(), name: 'killed-http', transport: 'streamable-http', url: server.url });
      await connection.connect();
      const call = connection.callTool(
        'trigger-long-running-operation',
        { duration: 10, steps: 10 },
        { timeoutMs: 5000 },
      );
      await new Promise((r) => setTimeout(r, 300));
      server.process.kill('SIGKILL');
      const error = await call.then(
        () => assert.fail('the call should fail'),
        (e: unknown) => e as ConnectionError,
      );
      assert.ok(error instanceof ConnectionError);
      assert.ok(['refused', 'timeout', 'process-exited'].includes(error.code), `${error.code}: ${error.message}`);
      assert.ok(error.fullMessage.length > 20);
    } finally {
      await server.stop();
    }
  });
});

/** Whether the process still runs after up to `ms` (a zombie waiting for init to reap it counts as gone). */
async function isAliveAfter(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    let alive: boolean;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      alive = stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      alive = false;
    }
    if (!alive || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}
