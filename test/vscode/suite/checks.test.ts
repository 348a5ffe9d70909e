import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { McpLensTestApi } from '../../../src/extension/extension';
import type { ChecksRun } from '../../../src/extension/checks/checksService';
import { activateExtension, everythingStdio } from './helpers';

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
});
