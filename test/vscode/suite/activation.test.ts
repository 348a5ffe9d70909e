import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/extension/commands';
import { EXTENSION_ID, activateExtension, repoRoot } from './helpers';

describe('activation', () => {
  it('activates and returns its test API', async () => {
    const api = await activateExtension();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.ok(api.manager && api.store && api.tree);
    assert.ok(api.activationMs >= 0 && api.activationMs < 5000, `activation took ${api.activationMs} ms`);
  });

  it('registers every command that package.json contributes, and no other mcpLens command', async () => {
    await activateExtension();
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
      contributes: { commands: Array<{ command: string }> };
    };
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    // VS Code adds `mcpLens.connections.focus` and friends for the view itself; ours have one segment.
    const registered = (await vscode.commands.getCommands(true)).filter((c) => /^mcpLens\.[A-Za-z]+$/.test(c)).sort();
    assert.deepEqual(contributed, [...COMMAND_IDS].sort());
    assert.deepEqual(registered, contributed);
  });

  it('contributes the view container, the Connections view and its welcome content', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: {
        viewsContainers: { activitybar: Array<{ id: string; title: string }> };
        views: Record<string, Array<{ id: string; name: string }>>;
        viewsWelcome: Array<{ view: string; contents: string }>;
      };
      activationEvents: string[];
    };
    assert.deepEqual(
      pkg.contributes.viewsContainers.activitybar.map((c) => [c.id, c.title]),
      [['mcpLens', 'MCP Lens']],
    );
    assert.deepEqual(
      pkg.contributes.views.mcpLens.map((v) => [v.id, v.name]),
      [['mcpLens.connections', 'Connections']],
    );
    assert.ok(
      pkg.contributes.viewsWelcome.some(
        (w) => w.view === 'mcpLens.connections' && w.contents.includes('(command:mcpLens.addConnection)'),
      ),
    );
    assert.ok(!pkg.activationEvents.includes('*'));
  });

  it('shows the log channel through Show Log', async () => {
    await vscode.commands.executeCommand('mcpLens.showLog');
  });
});
