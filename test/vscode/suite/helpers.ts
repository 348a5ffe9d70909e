/** Shared helpers for the suites that run inside the extension host. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { McpLensTestApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'mcp-lens.mcp-lens';

export async function activateExtension(): Promise<McpLensTestApi> {
  const extension = vscode.extensions.getExtension<McpLensTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
  const api = await extension.activate();
  assert.ok(api, 'activate() returned no test API (is the extension running in Test or Development mode?)');
  return api;
}

/** The repository root: the extension's own folder (the suite runs with extensionDevelopmentPath = repo). */
export function repoRoot(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  return extension.extensionUri.fsPath;
}

/**
 * server-everything over stdio, started as a user would type it: `node` from PATH (in code-server the
 * extension host's PATH comes from a login shell, so that is the machine's Node).
 */
export function everythingStdio(): { command: string; args: string[] } {
  return {
    command: 'node',
    args: [path.join(repoRoot(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'],
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Linux: ids of the processes whose environment holds `NAME=value` (finds a server we started by a marker). */
export function pidsWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/**
 * Backdates a fixture file written just before its connection starts watching it. VS Code reports
 * a write in the workspace a while after it happens, and the dev loop counts a file stamped within
 * a few milliseconds of watching as changed: the fixture's own creation would then restart the
 * server once, late, in the middle of a later step (seen on a fresh CI machine).
 */
export function writtenBeforeWatching(file: string): void {
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(file, past, past);
}

/** A `stopped` event seen by a debug adapter tracker. */
export interface DebugStop {
  session: vscode.DebugSession;
  threadId: number;
}

/**
 * Calls a tool of a server paused-on-call by a breakpoint: waits for the next stop in `stops` (filled by
 * the test's tracker), checks it is on `line` (1-based) of `file`, that the call waits while paused, then
 * continues and returns the call's result.
 */
export async function callThroughBreakpoint<T>(
  call: () => Promise<T>,
  stops: readonly DebugStop[],
  expected: { line: number; file: string },
): Promise<T> {
  const stopsBefore = stops.length;
  let answered = false;
  const pending = call().finally(() => (answered = true));
  const stop = await waitFor('the server stopped at the breakpoint', () => stops[stopsBefore], 30_000);
  const trace = (await stop.session.customRequest('stackTrace', { threadId: stop.threadId, levels: 1 })) as {
    stackFrames: { line: number; source?: { path?: string } }[];
  };
  assert.equal(trace.stackFrames[0]?.line, expected.line, 'stopped on the breakpoint’s line (1-based)');
  assert.equal(path.basename(trace.stackFrames[0]?.source?.path ?? ''), expected.file);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(answered, false, 'the call waits while the server is paused');
  await stop.session.customRequest('continue', { threadId: stop.threadId });
  return pending;
}
