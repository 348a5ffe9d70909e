/**
 * "Debug Server" on a Python stdio server, in a real extension host: MCP Lens restarts the server
 * under `python -m debugpy --listen 127.0.0.1:<port>` (Debian's python3-debugpy) and attaches a
 * `debugpy` debug session to it. A breakpoint in the tool's handler stops the call until Continue,
 * and the attach is made again when the server restarts (a watched file changed).
 *
 * The Python Debugger extension cannot be installed here (no marketplace); the test-only extension
 * test/fixtures/debugpyAdapter stands in for it, pointing VS Code at the port debugpy serves the
 * Debug Adapter Protocol on. The debugger and the server process are real.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as vscode from 'vscode';
import type { Connection } from '../../../src/core/connection';
import type { McpLensTestApi } from '../../../src/extension/extension';
import {
  activateExtension,
  callThroughBreakpoint,
  type DebugStop,
  repoRoot,
  waitFor,
  writtenBeforeWatching,
} from './helpers';

/** Debian's interpreter, where python3-debugpy is installed (.ci/run); not whatever `python3` is first on PATH. */
const PYTHON = '/usr/bin/python3';
const BREAK_MARKER = 'paused_here = "BREAK_HERE"';

function text(result: unknown): string {
  return (result as CallToolResult).content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('the dev loop for a Python stdio server: debugpy attach', function () {
  this.timeout(120_000);
  let api: McpLensTestApi;
  let connection: Connection;
  let dir: string;
  let serverFile: string;
  let line: number;
  const restarts: string[] = [];
  const stops: DebugStop[] = [];
  const subscriptions: vscode.Disposable[] = [];

  before(async function () {
    const probe = spawnSync(PYTHON, ['-c', 'import debugpy']);
    assert.equal(probe.status, 0, `${PYTHON} cannot import debugpy (apt-get install python3-debugpy): ${probe.stderr}`);
    api = await activateExtension();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs with a workspace folder');
    dir = path.join(folder.uri.fsPath, `devloop-py-${Date.now()}`);
    fs.mkdirSync(dir, { recursive: true });
    serverFile = path.join(dir, 'server.py');
    fs.copyFileSync(path.join(repoRoot(), 'test/fixtures/pythonServer/server.py'), serverFile);
    writtenBeforeWatching(serverFile);
    line = fs
      .readFileSync(serverFile, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(BREAK_MARKER));
    assert.ok(line > 0, 'the fixture marks its breakpoint line');
    subscriptions.push(
      api.devLoop.onDidRestart((r) => r.connectionId === connection?.id && restarts.push(r.reason)),
      vscode.debug.registerDebugAdapterTrackerFactory('debugpy', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: { type: string; event?: string; body?: { threadId?: number } }) => {
            if (m.type === 'event' && m.event === 'stopped') stops.push({ session, threadId: m.body?.threadId ?? 0 });
          },
        }),
      }),
    );
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(serverFile), new vscode.Position(line, 0))),
    ]);
    connection = await api.addConnection(
      { name: 'python fixture', transport: 'stdio', command: PYTHON, args: [serverFile], cwd: dir, watch: ['*.py'] },
      'workspace',
    );
    assert.equal(connection.status.state, 'connected', connection.status.message);
  });

  after(async () => {
    subscriptions.forEach((d) => d.dispose());
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    if (connection) await api.removeConnection(connection.id);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Calls whoami through the breakpoint (see callThroughBreakpoint) and returns its text. */
  async function whoamiThroughBreakpoint(): Promise<string> {
    const result = await callThroughBreakpoint(() => connection.callTool('whoami', {}), stops, {
      line: line + 1,
      file: 'server.py',
    });
    return text(result);
  }

  it('Debug Server runs the server under debugpy and attaches: a breakpoint in the tool stops the call until Continue', async () => {
    const debugging = await vscode.commands.executeCommand<boolean>('mcpLens.debugServer', connection.id, 'python');
    assert.equal(debugging, true);
    assert.equal(connection.status.state, 'connected', connection.status.message);
    const sessions = api.devLoop.sessionsOf(connection.id);
    assert.equal(sessions.length, 1, 'one debugpy session, attached when the command returns');
    assert.equal(sessions[0].type, 'debugpy');
    const port = (sessions[0].configuration.connect as { host: string; port: number }).port;
    assert.equal((sessions[0].configuration.connect as { host: string }).host, '127.0.0.1');
    assert.ok(port > 0);
    assert.match(await whoamiThroughBreakpoint(), /^py1 pid \d+ BREAK_HERE$/);
  });

  it('attaches again when the server restarts while debugging, and Stop Debugging Server lets calls through', async () => {
    const first = api.devLoop.sessionsOf(connection.id)[0];
    const pidBefore = /pid (\d+)/.exec(await whoamiThroughBreakpoint())?.[1];
    // Wait for the watcher VS Code sets up in the server process (no ready signal) before the edit.
    await new Promise((r) => setTimeout(r, 1000));
    fs.appendFileSync(serverFile, '# touched\n');
    await waitFor('the restart after the edit', () => restarts.length === 1, 30_000);
    assert.deepEqual(restarts, ['server.py changed']);
    await api.devLoop.settled(connection.id);
    const second = await waitFor(
      'a new debugpy session for the new process',
      () => api.devLoop.sessionsOf(connection.id).find((s) => s.id !== first.id),
      30_000,
    );
    assert.equal(second.type, 'debugpy');
    const after = await whoamiThroughBreakpoint();
    assert.match(after, /^py1 pid \d+ BREAK_HERE$/);
    assert.notEqual(/pid (\d+)/.exec(after)?.[1], pidBefore, 'a new process answers');

    await vscode.commands.executeCommand('mcpLens.stopDebuggingServer', connection.id);
    assert.equal(api.devLoop.isDebugging(connection.id), false);
    await waitFor('the debug sessions ended', () => api.devLoop.sessionsOf(connection.id).length === 0, 20_000);
    assert.equal(connection.status.state, 'connected', connection.status.message);
    const stopsBefore = stops.length;
    assert.match(
      text(await connection.callTool('whoami', {})),
      /^py1 pid/,
      'without the debugger the call is answered',
    );
    assert.equal(stops.length, stopsBefore, 'no debugger stops it any more');
  });
});
