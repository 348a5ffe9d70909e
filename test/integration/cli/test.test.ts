/**
 * `mcp-lens test` (saved checks) as CI runs it: the bundled CLI against the real
 * server-everything over stdio and Streamable HTTP on 127.0.0.1. Passing, failing and bad files,
 * a folder of files, and the JUnit report parsed back with a real XML parser.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, everythingStdioCommand, startEverything, type RunningServer } from '../../support/everything';
import { cli, cliBundle } from './harness';
import { TASKS_STDIO_SERVER_PATH } from '../../fixtures/tasks/tasksStdioServer';
import { TASK_TOOLS, TASKS_ERAS, slowResultText } from '../../fixtures/tasks/tasksTools';

// xml2js comes with @vscode/vsce (a dev dependency); it has no types of its own here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const xml2js = require('xml2js') as { parseStringPromise(xml: string): Promise<JUnitDocument> };

interface JUnitDocument {
  testsuites: {
    $: { tests: string; failures: string };
    testsuite: Array<{
      $: { name: string; tests: string; failures: string };
      testcase?: Array<{
        $: { name: string; classname: string; time: string };
        failure?: Array<{ _: string; $: { message: string } }>;
      }>;
    }>;
  };
}

const EXAMPLE = path.join(REPO_ROOT, 'docs', 'examples', 'everything.json');

type Connection = Record<string, unknown>;

function stdioConnection(): Connection {
  const { command, args } = everythingStdioCommand();
  return { command, args, name: 'everything (stdio)' };
}

/** The example's checks, on the given server (the example itself starts it with npx, which tests do not). */
function exampleOn(connection: Connection): Record<string, unknown> {
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
  return { ...example, connection };
}

const FAILING_CHECKS = [
  {
    name: 'status',
    kind: 'tool',
    tool: 'echo',
    arguments: { message: 'hi' },
    expect: { status: 'error' },
  },
  {
    name: 'json paths',
    kind: 'tool',
    tool: 'echo',
    arguments: { message: 'hi' },
    expect: {
      jsonPath: [
        { path: '$.content[0].text', contains: 'bye' },
        { path: '$.content[0].text', equals: 'Echo: bye' },
        { path: '$.content[0].text', matches: '^bye' },
        { path: '$.structuredContent', exists: true },
      ],
    },
  },
  {
    name: 'schema',
    kind: 'tool',
    tool: 'get-structured-content',
    arguments: { location: 'Chicago' },
    expect: {
      schema: {
        type: 'object',
        properties: { structuredContent: { type: 'object', required: ['windSpeed'] } },
      },
    },
  },
  {
    name: 'duration',
    kind: 'tool',
    tool: 'trigger-long-running-operation',
    arguments: { duration: 0.3, steps: 1 },
    expect: { maxDurationMs: 50 },
  },
  { name: 'json-rpc error expected ok', kind: 'prompt', prompt: 'no-such-prompt' },
  { name: 'still fine', kind: 'resource', uri: 'demo://resource/static/document/architecture.md' },
];

describe('cli: mcp-lens test (saved checks)', function () {
  this.timeout(60_000);
  let dir: string;
  let http: RunningServer;

  const write = (name: string, content: unknown): string => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };

  before(async function () {
    this.timeout(120_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-checks-'));
    await cliBundle();
    http = await startEverything('streamableHttp');
  });

  after(async () => {
    await http?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ['stdio', 'Streamable HTTP'] as const) {
    const connection = (): Connection =>
      transport === 'stdio' ? stdioConnection() : { url: http.url, transport: 'http', name: 'everything (http)' };

    describe(transport, () => {
      it('runs the documented example: every check passes, exit 0, a JUnit report', async () => {
        const file = write(`pass-${transport}.json`, exampleOn(connection()));
        const junit = path.join(dir, `pass-${transport}.xml`);
        const r = await cli(['test', file, '--junit', junit]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as { checks: Array<{ name: string }> };
        for (const { name } of example.checks) {
          assert.match(r.stdout, new RegExp(`^ {2}✔ ${escapeRegExp(name)} \\(\\d+ ms\\)$`, 'm'));
        }
        assert.match(r.stdout, new RegExp(`\\n${example.checks.length} passed, 0 failed\\n$`));
        const xml = await xml2js.parseStringPromise(fs.readFileSync(junit, 'utf8'));
        assert.equal(xml.testsuites.$.tests, String(example.checks.length));
        assert.equal(xml.testsuites.$.failures, '0');
        const [suite] = xml.testsuites.testsuite;
        assert.equal(suite!.$.name, file);
        assert.deepEqual(
          suite!.testcase!.map((c) => c.$.name),
          example.checks.map((c) => c.name),
        );
        assert.ok(suite!.testcase!.every((c) => !c.failure));
      });

      it('a failing file: one clear line per failed assertion, exit 1, failures in JUnit', async () => {
        const file = write(`fail-${transport}.json`, { version: 1, connection: connection(), checks: FAILING_CHECKS });
        const junit = path.join(dir, `fail-${transport}.xml`);
        const r = await cli(['test', file, '--junit', junit]);
        assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
        const expected = [
          /^ {2}✘ status \(\d+ ms\)\n {6}status: expected error, got ok$/m,
          new RegExp(
            [
              String.raw`^ {2}✘ json paths \(\d+ ms\)`,
              String.raw` {6}\$\.content\[0\]\.text: expected to contain 'bye', got 'Echo: hi'`,
              String.raw` {6}\$\.content\[0\]\.text: expected to equal 'Echo: bye', got 'Echo: hi'`,
              String.raw` {6}\$\.content\[0\]\.text: expected to match /\^bye/, got 'Echo: hi'`,
              String.raw` {6}\$\.structuredContent: expected to exist, found nothing$`,
            ].join('\n'),
            'm',
          ),
          /^ {2}✘ schema \(\d+ ms\)\n {6}schema: the result does not match: \/structuredContent\/windSpeed is required$/m,
          /^ {2}✘ duration \(\d+ ms\)\n {6}duration: expected at most 50 ms, took \d+ ms$/m,
          /^ {2}✘ json-rpc error expected ok \(\d+ ms\)\n {6}status: expected ok, got error \(JSON-RPC error -32602: .*no-such-prompt.*\)$/m,
          /^ {2}✔ still fine \(\d+ ms\)$/m,
          /\n1 passed, 5 failed\n$/,
        ];
        for (const pattern of expected) assert.match(r.stdout, pattern);
        const xml = await xml2js.parseStringPromise(fs.readFileSync(junit, 'utf8'));
        assert.equal(xml.testsuites.$.failures, '5');
        const cases = xml.testsuites.testsuite[0]!.testcase!;
        const jsonPaths = cases.find((c) => c.$.name === 'json paths')!;
        assert.equal(jsonPaths.failure![0]!.$.message, "$.content[0].text: expected to contain 'bye', got 'Echo: hi'");
        assert.equal(jsonPaths.failure![0]!._.split('\n').length, 4, 'every failed assertion, one a line');
        assert.equal(cases.find((c) => c.$.name === 'still fine')!.failure, undefined);
      });
    });
  }

  it('--json and --grep: only the matching checks, as JSON', async () => {
    const file = write('grep.json', exampleOn(stdioConnection()));
    const r = await cli(['test', file, '--json', '--grep', '^(echo|get-sum)']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      passed: number;
      failed: number;
      files: Array<{ file: string; results: Array<{ name: string; passed: boolean; durationMs: number }> }>;
    };
    assert.equal(report.passed, 2);
    assert.equal(report.failed, 0);
    assert.deepEqual(
      report.files[0]!.results.map((x) => x.name),
      ['echo says it back', 'get-sum adds'],
    );
    const none = await cli(['test', file, '--grep', 'nothing-like-this']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no check's name matches --grep/);
  });

  for (const era of TASKS_ERAS) {
    it(`a tool that must run as a task runs as one (${era === 'legacy' ? '2025-11-25 tasks' : '2026-07-28 tasks extension'})`, async () => {
      const file = write(`task-${era}.json`, {
        version: 1,
        connection: {
          name: `tasks (${era})`,
          command: process.execPath,
          args: ['--import', 'tsx', TASKS_STDIO_SERVER_PATH, '--era', era],
          // where `--import tsx` resolves
          cwd: REPO_ROOT,
        },
        checks: [
          {
            name: 'slow report',
            kind: 'tool',
            tool: TASK_TOOLS.slow,
            arguments: { steps: 2, stepMs: 50 },
            expect: { status: 'ok', jsonPath: [{ path: '$.content[0].text', contains: slowResultText(2) }] },
          },
          {
            name: 'plain echo',
            kind: 'tool',
            tool: TASK_TOOLS.plain,
            arguments: { text: 'hi' },
            expect: { status: 'ok' },
          },
        ],
      });
      const r = await cli(['test', file]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^ {2}✔ slow report \(\d+ ms\)$/m);
      assert.match(r.stdout, /\n2 passed, 0 failed\n$/);
    });
  }

  it('a folder: every *.json in it, a testsuite each; a failure in one fails the run', async () => {
    const folder = path.join(dir, 'workspace', '.vscode', 'mcp-lens');
    write('workspace/.vscode/mcp-lens/a-pass.json', exampleOn(stdioConnection()));
    write('workspace/.vscode/mcp-lens/b-fail.json', {
      version: 1,
      connection: { url: http.url },
      checks: [FAILING_CHECKS[0], FAILING_CHECKS[5]],
    });
    write('workspace/.vscode/mcp-lens/notes.txt', 'not a checks file');
    const junit = path.join(dir, 'folder.xml');
    const r = await cli(['test', folder, '--junit', junit]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /a-pass\.json \(everything \(stdio\)\)\n/);
    assert.match(
      r.stdout,
      /b-fail\.json \(127\.0\.0\.1:\d+\)\n {2}✘ status .*\n {6}status: expected error, got ok\n {2}✔ still fine /,
    );
    assert.match(r.stdout, /\n7 passed, 1 failed\n$/);
    const xml = await xml2js.parseStringPromise(fs.readFileSync(junit, 'utf8'));
    assert.deepEqual(
      xml.testsuites.testsuite.map((s) => [path.basename(s.$.name), s.$.tests, s.$.failures]),
      [
        ['a-pass.json', '6', '0'],
        ['b-fail.json', '2', '1'],
      ],
    );
  });

  it('a server that cannot be reached fails every check with the reason', async () => {
    const file = write('unreachable.json', {
      version: 1,
      connection: { url: 'http://127.0.0.1:9/mcp' },
      checks: [FAILING_CHECKS[5], { ...FAILING_CHECKS[0], name: 'second' }],
    });
    const r = await cli(['test', file, '--timeout', '10']);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /✘ still fine \(0 ms\)\n {6}could not connect: .*127\.0\.0\.1:9/);
    assert.match(r.stdout, /✘ second \(0 ms\)\n {6}could not connect: /);
    assert.match(r.stdout, /\n0 passed, 2 failed\n$/);
  });

  it('a bad file stops the run before anything connects: exit 2, the file, check and field named', async () => {
    const file = write('bad.json', {
      version: 1,
      connection: stdioConnection(),
      checks: [{ name: 'echo', kind: 'tool', tool: 'echo', expect: { jsonPath: [{ path: '$.content[0].text' }] } }],
    });
    const r = await cli(['test', file]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /bad\.json: checks\[0\] "echo" "expect\.jsonPath\[0\]": needs exactly one of equals, matches, contains, exists \(got none\)\.\nhint: See docs\/checks\.md/,
    );
    const notJson = await cli(['test', write('broken.json', '{"version": 1,')]);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /broken\.json: not valid JSON/);
    const missing = await cli(['test', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: no such file or directory/);
    const usage = await cli(['test']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /"test" needs a checks file/);
  });

  it('--help describes the command', async () => {
    const r = await cli(['test', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: mcp-lens test <file\.json\|dir>…/);
    const top = await cli(['--help']);
    assert.match(top.stdout, /mcp-lens test <file\.json\|dir>… \[--junit <out\.xml>\]/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
