import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HttpConnectionConfig } from '../../../src/core/config';
import type { McpLensTestApi } from '../../../src/extension/extension';
import { toolTooltip } from '../../../src/extension/connectionsTree';
import { activateExtension, waitFor } from './helpers';

describe('connection configs', function () {
  this.timeout(60000);
  let api: McpLensTestApi;

  before(async () => {
    api = await activateExtension();
  });

  it('persists user and workspace connections, with secret headers only in secret storage', async () => {
    const secret = 'Bearer suite-secret-value-1234';
    // Port 9 (discard) on loopback: nothing listens, so the connect fails fast, and nothing leaves the machine.
    const userConfig: HttpConnectionConfig = {
      id: 'suite-user-http',
      name: 'suite user http',
      transport: 'streamable-http',
      url: 'http://127.0.0.1:9/mcp',
      headers: { 'X-Plain': 'visible', Authorization: secret },
      secretHeaders: ['Authorization'],
    };
    await api.store.save(userConfig, 'user', { Authorization: secret });
    await api.store.save(
      { id: 'suite-ws-stdio', name: 'suite workspace stdio', transport: 'stdio', command: 'node', args: ['-e', '0'] },
      'workspace',
    );
    try {
      const reopened = api.reopenStore();
      const user = reopened.get('suite-user-http');
      const ws = reopened.get('suite-ws-stdio');
      assert.equal(user?.scope, 'user');
      assert.equal(ws?.scope, 'workspace');
      const saved = user!.config as HttpConnectionConfig;
      assert.deepEqual(saved.headers, { 'X-Plain': 'visible' }, 'the secret header value is not in the config');
      assert.deepEqual(saved.secretHeaders, ['Authorization']);
      assert.ok(!JSON.stringify(reopened.list()).includes('suite-secret-value'), 'no secret in the stored configs');
      assert.deepEqual(await reopened.secretHeaders(saved), { Authorization: secret });
      const settingsText = JSON.stringify(vscode.workspace.getConfiguration('mcpLens'));
      assert.ok(!settingsText.includes('suite-secret-value'), 'no secret in settings');
    } finally {
      await api.store.remove('suite-user-http');
      await api.store.remove('suite-ws-stdio');
    }
    const after = api.reopenStore();
    assert.equal(after.get('suite-user-http'), undefined);
    assert.deepEqual(await after.secretHeaders(userConfig), {}, 'removing a connection deletes its secrets');
  });

  it('shows connections from the mcpLens.connections setting, read-only, without secret headers', async () => {
    const config = vscode.workspace.getConfiguration('mcpLens');
    await config.update(
      'connections',
      [
        {
          name: 'from settings',
          transport: 'streamable-http',
          url: 'http://127.0.0.1:9/mcp',
          headers: { Authorization: 'Bearer nope', 'X-Team': 'lens' },
        },
      ],
      vscode.ConfigurationTarget.Workspace,
    );
    try {
      const stored = await waitFor('the settings connection', () =>
        api.store.list().find((c) => c.config.name === 'from settings'),
      );
      assert.equal(stored.scope, 'settings');
      assert.deepEqual((stored.config as HttpConnectionConfig).headers, { 'X-Team': 'lens' });
      const node = await waitFor('its tree node', () =>
        api.tree.getChildren().find((n) => n.connectionId === stored.config.id),
      );
      const item = api.tree.getTreeItem(node);
      assert.match(String(item.contextValue), /^connection\.[a-z-]+\.settings\.(http|stdio)$/);
      assert.match(String(item.description), /settings/);
      await assert.rejects(api.store.remove(stored.config.id), /setting/);
    } finally {
      await config.update('connections', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor(
      'the settings connection to go',
      () => !api.manager.list().some((c) => c.config.name === 'from settings'),
    );
  });

  it('escapes server text in tooltips (no HTML, no command links)', () => {
    const md = toolTooltip({
      name: 'evil',
      description: '<img src=x onerror=alert(1)> [run](command:workbench.action.reloadWindow)',
      inputSchema: { type: 'object', properties: { a: { type: 'string', description: '```\n[x](command:y)' } } },
    });
    assert.equal(md.isTrusted, false);
    assert.equal(md.supportHtml, false);
    assert.ok(!md.value.includes('[run](command:'), md.value);
    assert.ok(md.value.includes('\\[run\\]'), md.value);
    // The schema stays inside one fence: JSON.stringify escapes the newline, so "```" cannot start a line.
    assert.equal(md.value.match(/^```/gm)?.length, 2, md.value);
  });
});
