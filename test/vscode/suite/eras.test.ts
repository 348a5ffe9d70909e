import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import * as vscode from 'vscode';
import type { McpLensTestApi } from '../../../src/extension/extension';
import type { Connection, ResultExtras } from '../../../src/core/connection';
import { RESULT_SCHEME } from '../../../src/extension/resultDocuments';
import type { CacheHintView } from '../../../src/shared/protocol';
import { activateExtension, repoRoot, waitFor } from './helpers';

interface RunningFixture {
  url: string;
  child: ChildProcess;
}

/**
 * Starts the eras HTTP fixture as its own process (`node` from the extension host's PATH, with tsx), and
 * reads its URL off the first stdout line. A separate process rather than an import: the suite is one
 * esbuild bundle, and the fixture's v2 server SDK is not part of what that bundle is meant to carry.
 */
function startErasFixture(mode: 'modern-only' | 'dual'): Promise<RunningFixture> {
  const root = repoRoot();
  const child = spawn(
    'node',
    ['--import', 'tsx', path.join(root, 'test/fixtures/eras/erasHttpServer.ts'), '--mode', mode],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the ${mode} fixture printed no URL within 20 s: ${stderr}`));
    }, 20000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${mode} fixture exited (${code}) before printing its URL: ${stderr}`));
    });
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const url = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(line)?.[1];
      if (url) resolve({ url, child });
      else reject(new Error(`unexpected first line from the ${mode} fixture: ${line}`));
    });
  });
}

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

describe('connections from settings to both protocol eras (v2 fixtures over HTTP)', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  const fixtures: RunningFixture[] = [];

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('mcpLens')
      .update('connections', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of fixtures) f.child.kill();
  });

  it('speaks 2026-07-28 to a modern-only server, and 2025 or 2026-07-28 to a dual one as the setting says', async () => {
    const [modernOnly, dual] = await Promise.all([startErasFixture('modern-only'), startErasFixture('dual')]);
    fixtures.push(modernOnly, dual);
    await vscode.workspace.getConfiguration('mcpLens').update(
      'connections',
      [
        // No protocol field: auto.
        { name: 'eras modern auto', transport: 'streamable-http', url: modernOnly.url },
        { name: 'eras modern pinned', transport: 'streamable-http', url: modernOnly.url, protocol: '2026-07-28' },
        { name: 'eras dual pinned 2025', transport: 'streamable-http', url: dual.url, protocol: '2025' },
        { name: 'eras dual auto', transport: 'streamable-http', url: dual.url, protocol: 'auto' },
      ],
      vscode.ConfigurationTarget.Workspace,
    );

    const expected: Array<[id: string, era: 'modern' | 'legacy', version: RegExp, negotiation: RegExp]> = [
      ['settings:eras-modern-auto', 'modern', /^2026-07-28$/, /server\/discover offered 2026-07-28 \(auto\)/],
      ['settings:eras-modern-pinned', 'modern', /^2026-07-28$/, /pinned to 2026-07-28/],
      ['settings:eras-dual-pinned-2025', 'legacy', /^2025-/, /pinned to 2025: initialize negotiated 2025-/],
      ['settings:eras-dual-auto', 'modern', /^2026-07-28$/, /server\/discover offered 2026-07-28 \(auto\)/],
    ];
    for (const [id, era, version, negotiation] of expected) {
      const connection: Connection = await waitFor(
        `${id} to connect`,
        () => {
          const c = api.manager.get(id);
          if (c?.status.state === 'error') throw new Error(`${id}: ${c.status.message}`);
          return c?.status.state === 'connected' && c;
        },
        30000,
      );
      assert.equal(api.store.get(id)?.scope, 'settings');
      assert.equal(connection.era, era, `${id} era`);
      assert.match(connection.protocolVersion ?? '', version, `${id} version`);
      assert.match(connection.negotiation ?? '', negotiation, `${id} negotiation`);
      assert.ok(
        connection.tools.some((t) => t.name === 'echo'),
        `${id} tools: ${connection.tools.map((t) => t.name).join(', ')}`,
      );

      // The tree says the negotiated version (and the 2025 era by name) in the connection's description.
      const node = api.tree.getChildren().find((n) => n.connectionId === id);
      assert.ok(node, `${id} is in the tree`);
      const description = String(api.tree.getTreeItem(node).description);
      assert.ok(description.includes(`connected · ${connection.protocolVersion}`), `${id}: ${description}`);
      if (era === 'legacy') assert.match(description, /\(2025 era\) · pinned 2025 · settings$/);

      const result = await vscode.commands.executeCommand<CallToolResult>('mcpLens.callTool', id, 'echo', {
        text: `hello ${id}`,
      });
      assert.ok(result, `${id}: the command returned the result`);
      assert.equal(result.isError ?? false, false, `${id}: ${text(result)}`);
      assert.equal(text(result), `echo: hello ${id}`);

      // The call went out on the era that was negotiated: with Mcp-Method/Mcp-Name on 2026-07-28 only.
      const calls = connection.trace
        .entries()
        .filter((e) => e.direction === 'out' && e.method === 'tools/call' && e.kind === 'request');
      assert.ok(calls.length > 0, `${id}: tools/call in the trace`);
      const http = calls[calls.length - 1].http;
      if (era === 'modern') {
        assert.equal(http?.method, 'tools/call', `${id}: ${JSON.stringify(http)}`);
        assert.equal(http?.name, 'echo');
        assert.equal(http?.check, 'ok');
      } else {
        assert.equal(http?.method, undefined, `${id}: no Mcp-Method on 2025: ${JSON.stringify(http)}`);
        assert.ok([undefined, 'not-applicable'].includes(http?.check), `${id}: ${JSON.stringify(http)}`);
      }
    }
  });

  it('reads a cacheable resource from the cache the second time, and asks the server on an explicit refresh', async () => {
    const id = 'settings:eras-modern-pinned';
    const connection = api.manager.get(id);
    assert.equal(connection?.status.state, 'connected', 'the previous test connected it');
    const sentReads = () =>
      connection!.trace
        .entries()
        .filter((e) => e.direction === 'out' && e.kind === 'request' && e.method === 'resources/read').length;
    type Read = ReadResourceResult & ResultExtras;
    const read = (options?: { cache: 'refresh' }) =>
      vscode.commands.executeCommand<Read>('mcpLens.readResource', id, 'eras://static/readme', options);
    const shownDocument = async () => {
      const editor = await waitFor(
        'the result editor',
        () => vscode.window.activeTextEditor?.document.uri.scheme === RESULT_SCHEME && vscode.window.activeTextEditor,
      );
      const doc = JSON.parse(editor.document.getText()) as { cache?: CacheHintView; result: Record<string, unknown> };
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      return doc;
    };

    const before = sentReads();
    const first = await read();
    assert.equal(first?.cache?.servedFromCache, false, JSON.stringify(first?.cache));
    assert.deepEqual([first.cache.ttlMs, first.cache.cacheScope], [30000, 'private']);
    const firstDoc = await shownDocument();
    // The document's header says the hint; the result below it is the server's, without MCP Lens's own field.
    assert.deepEqual(firstDoc.cache, first.cache);
    assert.equal('cache' in firstDoc.result, false, JSON.stringify(firstDoc.result));
    assert.equal(sentReads(), before + 1);

    const second = await read();
    assert.equal(second?.cache?.servedFromCache, true, 'the second read is served from the cache');
    assert.equal(second.cache.receivedAt, first.cache.receivedAt);
    assert.equal(sentReads(), before + 1, 'nothing was sent for the cached read');
    assert.equal((await shownDocument()).cache?.servedFromCache, true);

    const refreshed = await read({ cache: 'refresh' });
    assert.equal(refreshed?.cache?.servedFromCache, false, 'an explicit refresh asks the server');
    assert.equal(sentReads(), before + 2);
    await shownDocument();

    // The tree's Refresh is explicit too: the lists go to the server even though they are still fresh.
    const listsBefore = connection!.trace
      .entries()
      .filter((e) => e.direction === 'out' && e.kind === 'request' && e.method === 'tools/list').length;
    await vscode.commands.executeCommand('mcpLens.refresh', id);
    const listsAfter = connection!.trace
      .entries()
      .filter((e) => e.direction === 'out' && e.kind === 'request' && e.method === 'tools/list').length;
    assert.equal(listsAfter, listsBefore + 1, 'Refresh sent tools/list');
    assert.equal(connection!.listCache.tools?.servedFromCache, false, JSON.stringify(connection!.listCache));
  });
});
