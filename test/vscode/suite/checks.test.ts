import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startSimpleAuthServer } from '../../fixtures/simpleAuth/server';
import type { McpLensTestApi } from '../../../src/extension/extension';
import type { ChecksRun } from '../../../src/extension/checks/checksService';
import { activateExtension, everythingStdio, waitFor } from './helpers';

/** Run Saved Checks against the real server-everything over stdio, from files in the workspace. */
describe('Run Saved Checks (.vscode/mcp-lens/*.json)', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let connectionId: string | undefined;
  let checksDir: string;
  const written: string[] = [];

  const checks = [
    {
      name: 'echo says it back',
      kind: 'tool',
      tool: 'echo',
      arguments: { message: 'hello' },
      expect: { status: 'ok', jsonPath: [{ path: '$.content[0].text', contains: 'hello' }], maxDurationMs: 10000 },
    },
    {
      name: 'echo says something else',
      kind: 'tool',
      tool: 'echo',
      arguments: { message: 'hello' },
      expect: { jsonPath: [{ path: '$.content[0].text', contains: 'goodbye' }] },
    },
  ];

  function writeChecksFile(name: string, connection: Record<string, unknown>): string {
    const file = path.join(checksDir, name);
    fs.mkdirSync(checksDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ version: 1, connection, checks }, null, 2));
    written.push(file);
    return file;
  }

  function assertOnePassedOneFailed(run: ChecksRun): void {
    assert.equal(run.passed, 1, run.text);
    assert.equal(run.failed, 1, run.text);
    const [passed, failed] = run.files[0].results;
    assert.equal(passed.name, 'echo says it back');
    assert.equal(passed.passed, true);
    assert.equal(failed.name, 'echo says something else');
    assert.equal(failed.passed, false);
    assert.equal(failed.failures.length, 1);
    assert.match(failed.failures[0], /^\$\.content\[0\]\.text: expected to contain 'goodbye', got '.*hello.*'$/);
    // The output reads as `mcp-lens test` prints it.
    assert.match(run.text, /^ {2}✔ echo says it back \(\d+ ms\)$/m);
    assert.match(
      run.text,
      /^ {2}✘ echo says something else \(\d+ ms\)\n {6}\$\.content\[0\]\.text: expected to contain 'goodbye'/m,
    );
    assert.match(run.text, /\n1 passed, 1 failed\n$/);
  }

  before(async () => {
    api = await activateExtension();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs with a workspace folder');
    checksDir = path.join(folder.uri.fsPath, '.vscode', 'mcp-lens');
  });

  afterEach(() => {
    for (const file of written.splice(0)) fs.rmSync(file, { force: true });
  });

  after(async () => {
    if (connectionId) await api.removeConnection(connectionId);
  });

  it('runs a file on the saved connection it names, reusing that live connection: 1 passed, 1 failed', async () => {
    const connection = await api.addConnection(
      { name: 'everything (checks)', transport: 'stdio', ...everythingStdio() },
      'workspace',
    );
    connectionId = connection.id;
    const lastSeqBefore = connection.trace.entries().at(-1)?.seq ?? -1;
    writeChecksFile('everything-checks.json', { name: 'everything (checks)', ...everythingStdio() });

    const run = await vscode.commands.executeCommand<ChecksRun>('mcpLens.runChecks');
    assert.ok(run, 'the command returns its run');
    assert.equal(run.files.length, 1);
    assert.equal(run.files[0].label, '.vscode/mcp-lens/everything-checks.json');
    assert.equal(run.files[0].reused, true, 'the open connection is used, not a second server');
    assert.equal(run.files[0].connectionName, 'everything (checks)');
    assertOnePassedOneFailed(run);
    // The two tool calls went over the saved connection (its trace has them).
    const calls = connection.trace
      .entries()
      .filter((e) => e.seq > lastSeqBefore && e.direction === 'out' && e.method === 'tools/call');
    assert.equal(calls.length, 2);
  });

  it('runs a file that names no saved connection on a server of its own, and reports a bad file', async () => {
    const own = writeChecksFile('own-server.json', { ...everythingStdio(), name: 'not a saved connection' });
    const bad = path.join(checksDir, 'broken.json');
    fs.writeFileSync(
      bad,
      '{ "version": 1, "connection": { "command": "node" }, "checks": [ { "name": "x", "kind": "tool" } ] }',
    );
    written.push(bad);

    const run = await vscode.commands.executeCommand<ChecksRun>('mcpLens.runChecks');
    assert.ok(run);
    const broken = run.files.find((f) => f.path === bad);
    assert.ok(broken?.error, 'the bad file is reported');
    assert.match(broken.error, /checks\[0\] "x" "tool": a tool check needs "tool"/);
    const ownRun = run.files.find((f) => f.path === own);
    assert.ok(ownRun);
    assert.equal(ownRun.reused, false);
    assert.equal(ownRun.connectionName, 'not a saved connection');
    assertOnePassedOneFailed({ ...run, files: [ownRun] });
    assert.match(run.text, /broken\.json\n {2}✘ .*a tool check needs "tool"/);
  });

  it('a file on an OAuth server that is not a saved connection fails each check with what to do, and starts no sign-in', async () => {
    const server = await startSimpleAuthServer({
      githubClientId: 'checks-client',
      githubClientSecret: 'checks-secret',
    });
    try {
      const file = writeChecksFile('oauth-server.json', { url: server.mcpUrl, name: 'simple-auth (not saved)' });
      const run = await vscode.commands.executeCommand<ChecksRun>('mcpLens.runChecks', file);
      assert.ok(run);
      assert.equal(run.passed, 0, run.text);
      assert.equal(run.failed, 2, run.text);
      for (const result of run.files[0].results) {
        assert.equal(result.failures.length, 1);
        assert.equal(
          result.failures[0],
          'could not connect: the server needs a sign-in: save it (Add MCP Connection) and sign in; checks then run on it.',
        );
      }
      assert.equal(server.stats.count({ path: '/authorize' }), 0, 'no sign-in was started');
      assert.equal(server.stats.count({ path: '/register' }), 0, 'no client was registered');
    } finally {
      await server.close();
    }
  });

  it('the inspector saves a tool call as a check in the workspace, opens it, lists it and runs it on the live connection', async () => {
    if (!connectionId) {
      const connection = await api.addConnection(
        { name: 'everything (checks)', transport: 'stdio', ...everythingStdio() },
        'workspace',
      );
      connectionId = connection.id;
    }
    const id = connectionId;
    const listed = await api.inspectorRequest('checks/list', { connectionId: id });
    assert.equal(listed.defaultFile, '.vscode/mcp-lens/everything (checks).json');
    const file = path.join(checksDir, 'everything (checks).json');
    written.push(file);
    const call = await api.inspectorRequest('tools/call', {
      connectionId: id,
      name: 'echo',
      args: { message: 'saved' },
      callId: 'suite-save-check',
    });
    const saved = await api.inspectorRequest('checks/save', {
      connectionId: id,
      file: listed.defaultFile,
      name: 'echo answers',
      kind: 'tool',
      target: 'echo',
      args: { message: 'saved' },
      status: call.result.isError === true ? 'error' : 'ok',
      durationMs: call.durationMs,
    });
    assert.deepEqual(saved, {
      file: '.vscode/mcp-lens/everything (checks).json',
      check: { name: 'echo answers', kind: 'tool', target: 'echo' },
    });
    const savedFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(savedFile.connection.name, 'everything (checks)');
    assert.deepEqual(savedFile.checks[0].expect, { status: 'ok', maxDurationMs: 5000 });
    // Opened for editing.
    await waitFor('the saved file in an editor', () =>
      vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath === file),
    );

    const inTab = await api.inspectorRequest('checks/list', { connectionId: id });
    assert.deepEqual(inTab.files, [
      {
        file: '.vscode/mcp-lens/everything (checks).json',
        checks: [{ name: 'echo answers', kind: 'tool', target: 'echo' }],
      },
    ]);
    const run = await api.inspectorRequest('checks/run', { connectionId: id });
    assert.deepEqual(
      run.results.map((r) => [r.name, r.passed, r.failures]),
      [['echo answers', true, []]],
    );
    // And the command runs the same file on the same live connection.
    const fromCommand = await vscode.commands.executeCommand<ChecksRun>('mcpLens.runChecks', file);
    assert.ok(fromCommand);
    assert.equal(fromCommand.files[0].reused, true);
    assert.match(fromCommand.text, /\n1 passed, 0 failed\n$/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
