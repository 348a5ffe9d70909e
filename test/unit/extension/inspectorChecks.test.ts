import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConnectionConfig } from '../../../src/core/config';
import { ConnectionManager } from '../../../src/core/manager';
import { ChecksService } from '../../../src/extension/checks/checksService';
import { InspectorChecks, defaultMaxDurationMs } from '../../../src/extension/checks/inspectorChecks';
import { validateWebviewMessage } from '../../../src/extension/inspector/protocolValidation';
import { everythingStdioCommand } from '../../support/everything';

/** The inspector's checks/list, checks/save and checks/run handlers, against the real server-everything over stdio. */
describe('inspector host: saved checks handlers', function () {
  this.timeout(60000);
  let folder: string;
  let manager: ConnectionManager;
  let handlers: InspectorChecks;
  let opened: string[];
  const everything: ConnectionConfig = {
    id: 'c-everything',
    name: 'everything',
    transport: 'stdio',
    ...everythingStdioCommand(),
  };
  const other: ConnectionConfig = { id: 'c-other', name: 'other', transport: 'stdio', command: 'node', args: ['x.js'] };
  const save = (overrides: Partial<Parameters<InspectorChecks['save']>[0]> = {}) =>
    handlers.save({
      connectionId: everything.id,
      file: '.vscode/mcp-lens/everything.json',
      name: 'echo answers',
      kind: 'tool',
      target: 'echo',
      args: { message: 'hello' },
      status: 'ok',
      durationMs: 3.2,
      ...overrides,
    });

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-inspector-checks-'));
    manager = new ConnectionManager({ clientInfo: { name: 'test', version: '0' } });
    manager.add(everything);
    manager.add(other);
    opened = [];
    const service = new ChecksService({
      manager,
      workspaceFolders: () => [folder],
      ensureConnected: async (c) => {
        await c.connect();
        return true;
      },
      requestTimeoutMs: () => 30000,
      clientInfo: { name: 'test', version: '0' },
    });
    handlers = new InspectorChecks({
      service,
      manager,
      workspaceFolders: () => [folder],
      openFile: async (file) => {
        opened.push(file);
      },
    });
  });
  afterEach(async () => {
    await manager.disposeAsync();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('saves a call as a check (observed status, a duration bound), opens the file, and lists it', async () => {
    assert.deepEqual(handlers.list({ connectionId: everything.id }), {
      files: [],
      defaultFile: '.vscode/mcp-lens/everything.json',
    });
    const saved = await save();
    assert.deepEqual(saved, {
      file: '.vscode/mcp-lens/everything.json',
      check: { name: 'echo answers', kind: 'tool', target: 'echo' },
    });
    const file = path.join(folder, '.vscode', 'mcp-lens', 'everything.json');
    assert.deepEqual(opened, [file]);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), {
      version: 1,
      connection: {
        name: 'everything',
        command: everythingStdioCommand().command,
        args: everythingStdioCommand().args,
      },
      checks: [
        {
          name: 'echo answers',
          kind: 'tool',
          tool: 'echo',
          arguments: { message: 'hello' },
          expect: { status: 'ok', maxDurationMs: 5000 },
        },
      ],
    });
    await save({
      name: 'readme',
      kind: 'resource',
      target: 'demo://resource/static/document/architecture.md',
      args: { uri: 'x' },
      status: 'error',
    });
    const listed = handlers.list({ connectionId: everything.id });
    assert.deepEqual(listed.files, [
      {
        file: '.vscode/mcp-lens/everything.json',
        checks: [
          { name: 'echo answers', kind: 'tool', target: 'echo' },
          { name: 'readme', kind: 'resource', target: 'demo://resource/static/document/architecture.md' },
        ],
      },
    ]);
    // A resource check has no arguments; the other connection has no files.
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).checks[1].arguments, undefined);
    assert.deepEqual(handlers.list({ connectionId: other.id }).files, []);
    assert.equal(defaultMaxDurationMs(2400), 12000);
  });

  it('refuses a file outside .vscode/mcp-lens/, a file of another server, a used name; lists a broken file', async () => {
    for (const file of ['../escape.json', '.vscode/mcp-lens/sub/x.json', '.vscode/mcp-lens/x.txt', 'x.json']) {
      await assert.rejects(save({ file }), /checks files are \.json files directly in \.vscode\/mcp-lens\//);
    }
    await save();
    await assert.rejects(save(), /a check named "echo answers" already exists; choose another name/);
    await assert.rejects(
      handlers.save({
        connectionId: other.id,
        file: '.vscode/mcp-lens/everything.json',
        name: 'x',
        kind: 'tool',
        target: 't',
        args: {},
        status: 'ok',
        durationMs: 1,
      }),
      /\.vscode\/mcp-lens\/everything\.json checks another server \(its "connection" is not "other"\); choose another file/,
    );
    fs.writeFileSync(path.join(folder, '.vscode', 'mcp-lens', 'broken.json'), '{ nope');
    const listed = handlers.list({ connectionId: other.id });
    assert.equal(listed.files.length, 1);
    assert.match(listed.files[0].error ?? '', /^\.vscode\/mcp-lens\/broken\.json: not valid JSON/);
    assert.equal(opened.length, 1);
  });

  it('runs all of the connection checks, or one, on its live connection: ✔ and ✘ with the failed assertion', async () => {
    await save();
    const file = path.join(folder, '.vscode', 'mcp-lens', 'everything.json');
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    document.checks.push({
      name: 'echo says goodbye',
      kind: 'tool',
      tool: 'echo',
      arguments: { message: 'hello' },
      expect: { jsonPath: [{ path: '$.content[0].text', contains: 'goodbye' }] },
    });
    fs.writeFileSync(file, JSON.stringify(document));

    const all = await handlers.run({ connectionId: everything.id });
    assert.equal(all.passed, 1);
    assert.equal(all.failed, 1);
    assert.deepEqual(
      all.results.map((r) => [r.file, r.name, r.passed]),
      [
        ['.vscode/mcp-lens/everything.json', 'echo answers', true],
        ['.vscode/mcp-lens/everything.json', 'echo says goodbye', false],
      ],
    );
    assert.match(
      all.results[1].failures[0],
      /^\$\.content\[0\]\.text: expected to contain 'goodbye', got '.*hello.*'$/,
    );
    assert.equal(manager.get(everything.id)?.status.state, 'connected', 'the saved connection was connected and used');

    const one = await handlers.run({
      connectionId: everything.id,
      file: '.vscode/mcp-lens/everything.json',
      name: 'echo answers',
    });
    assert.deepEqual(
      one.results.map((r) => r.name),
      ['echo answers'],
    );
    assert.equal(one.passed, 1);
    await assert.rejects(
      handlers.run({ connectionId: other.id }),
      /No checks file of the workspace stands for this connection/,
    );
    await assert.rejects(
      handlers.run({ connectionId: everything.id, file: '.vscode/mcp-lens/everything.json', name: 'gone' }),
      /There is no check "gone"/,
    );
  });

  it('validates the webview messages of checks/save and checks/run', () => {
    const message = (method: string, params: unknown) => ({ kind: 'request', id: 1, method, params });
    const valid = {
      connectionId: 'c',
      file: 'f.json',
      name: 'n',
      kind: 'tool',
      target: 't',
      args: {},
      status: 'ok',
      durationMs: 3,
    };
    assert.equal(validateWebviewMessage(message('checks/save', valid)).ok, true);
    assert.equal(validateWebviewMessage(message('checks/save', { ...valid, kind: 'shell' })).ok, false);
    assert.equal(validateWebviewMessage(message('checks/save', { ...valid, status: 'maybe' })).ok, false);
    assert.equal(validateWebviewMessage(message('checks/save', { ...valid, durationMs: -1 })).ok, false);
    assert.equal(validateWebviewMessage(message('checks/save', { ...valid, extra: 1 })).ok, false);
    assert.equal(validateWebviewMessage(message('checks/run', { connectionId: 'c', name: 'n' })).ok, true);
    assert.equal(validateWebviewMessage(message('checks/run', { connectionId: 'c', file: 3 })).ok, false);
    assert.equal(validateWebviewMessage(message('checks/list', { connectionId: 'c' })).ok, true);
  });
});
