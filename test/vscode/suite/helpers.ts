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
