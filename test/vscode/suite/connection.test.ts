import * as assert from 'node:assert/strict';
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/connectionsTree';
import { RESULT_SCHEME } from '../../../src/extension/resultDocuments';
import type { McpLensTestApi } from '../../../src/extension/extension';
import { activateExtension, everythingStdio, pidsWithEnv, waitFor } from './helpers';

describe('a stdio connection to server-everything', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let id: string;
  // Passed in the server's environment (env merge) so the test can find the process afterwards.
  const marker = `suite-${process.pid}-${Date.now()}`;

  before(async () => {
    api = await activateExtension();
    const { command, args } = everythingStdio();
    const connection = await api.addConnection(
      { name: 'everything (suite)', transport: 'stdio', command, args, env: { MCP_LENS_SUITE_MARKER: marker } },
      'workspace',
    );
    id = connection.id;
  });

  after(async () => {
    if (id) await api.removeConnection(id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('connects and lists its tools', () => {
    const connection = api.manager.get(id);
    assert.ok(connection);
    assert.equal(connection.status.state, 'connected', connection.status.message);
    assert.equal(connection.activeTransport, 'stdio');
    assert.ok(
      connection.tools.some((t) => t.name === 'echo'),
      `tools: ${connection.tools.map((t) => t.name).join(', ')}`,
    );
  });

  it('shows the connection, its groups with counts and its tools in the tree', async () => {
    const roots = api.tree.getChildren();
    const node = roots.find((n) => n.connectionId === id);
    assert.ok(node, 'the connection is a root of the tree');
    const item = api.tree.getTreeItem(node);
    assert.equal(item.label, 'everything (suite)');
    assert.equal(item.contextValue, 'connection.connected.editable.stdio');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.match(String(item.description), /stdio · connected/);
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);

    const groups = api.tree.getChildren(node);
    const labels = groups.map((g) => api.tree.getTreeItem(g).label);
    const connection = api.manager.get(id)!;
    assert.ok(labels.includes(`Tools (${connection.tools.length})`), `groups: ${labels.join(', ')}`);
    assert.ok(labels.some((l) => String(l).startsWith('Resources (')));
    assert.ok(labels.includes(`Prompts (${connection.prompts.length})`));

    const toolsGroup = groups.find((g) => g.kind === 'group' && g.group === 'tools');
    assert.ok(toolsGroup);
    const tools = api.tree.getChildren(toolsGroup);
    const echo = tools.find((t) => t.kind === 'tool' && t.tool.name === 'echo');
    assert.ok(echo, 'echo is listed under Tools');
    const echoItem = api.tree.getTreeItem(echo);
    assert.equal(echoItem.contextValue, 'tool');
    const tooltip = echoItem.tooltip as vscode.MarkdownString;
    assert.ok(tooltip instanceof vscode.MarkdownString);
    assert.equal(tooltip.isTrusted, false);
    assert.equal(tooltip.supportHtml, false);
    assert.match(tooltip.value, /```json\n[\s\S]*"message"/, 'the tooltip shows the input schema in a JSON code block');
  });

  it('updates the tree when the connection changes state', async () => {
    const connection = api.manager.get(id)!;
    const changes: Array<TreeNode | undefined> = [];
    const sub = api.tree.onDidChangeTreeData((e) => changes.push(e ?? undefined));
    try {
      await vscode.commands.executeCommand('mcpLens.disconnect', id);
      assert.equal(connection.status.state, 'disconnected');
      const node = api.tree.getChildren().find((n) => n.connectionId === id)!;
      assert.equal(api.tree.getTreeItem(node).contextValue, 'connection.disconnected.editable.stdio');
      assert.deepEqual(api.tree.getChildren(node), []);
      await vscode.commands.executeCommand('mcpLens.connect', id);
      assert.equal(connection.status.state, 'connected');
      assert.ok(
        changes.some((c) => c?.kind === 'connection' && c.connectionId === id),
        'the connection node was refreshed',
      );
    } finally {
      sub.dispose();
    }
  });

  it('calls echo through the Call Tool command and opens the result as a read-only JSON document', async () => {
    const result = await vscode.commands.executeCommand<CallToolResult>('mcpLens.callTool', id, 'echo', {
      message: 'hello from the suite',
    });
    assert.ok(result, 'the command returned the result');
    assert.equal(result.isError ?? false, false);
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    assert.match(text, /hello from the suite/);

    const editor = await waitFor(
      'the result editor',
      () => vscode.window.activeTextEditor?.document.uri.scheme === RESULT_SCHEME && vscode.window.activeTextEditor,
    );
    const doc = editor.document;
    assert.equal(doc.languageId, 'json');
    const shown = JSON.parse(doc.getText()) as { tool: string; arguments: unknown; result: CallToolResult };
    assert.equal(shown.tool, 'echo');
    assert.deepEqual(shown.arguments, { message: 'hello from the suite' });
    assert.deepEqual(shown.result, result);
    // Typing into the editor (what a user does) changes nothing: content-provider documents open read-only.
    const before = doc.getText();
    await vscode.window.showTextDocument(doc, { preserveFocus: false });
    await vscode.commands.executeCommand('type', { text: 'typed' });
    assert.equal(doc.getText(), before, 'the result document is read-only');
    assert.equal(doc.isDirty, false);
    // The same typing does change an ordinary document, so the check above means something.
    const scratch = await vscode.workspace.openTextDocument({ content: '', language: 'plaintext' });
    await vscode.window.showTextDocument(scratch, { preserveFocus: false });
    await vscode.commands.executeCommand('type', { text: 'typed' });
    assert.equal(scratch.getText(), 'typed');
  });

  it('reads a resource and gets a prompt through the commands', async () => {
    const connection = api.manager.get(id)!;
    const resource = connection.resources[0];
    assert.ok(resource, 'server-everything lists resources');
    const read = await vscode.commands.executeCommand<ReadResourceResult>('mcpLens.readResource', id, resource.uri);
    assert.ok(read && read.contents.length > 0);
    assert.equal(read.contents[0].uri, resource.uri);

    const simple = connection.prompts.find((p) => !p.arguments?.some((a) => a.required));
    assert.ok(simple, 'a prompt without required arguments');
    const prompt = await vscode.commands.executeCommand<GetPromptResult>('mcpLens.getPrompt', id, simple.name, {});
    assert.ok(prompt && prompt.messages.length > 0);
  });

  it('logs the protocol trace (redacted summary lines) for the connection', async () => {
    const connection = api.manager.get(id)!;
    const entries = connection.trace.entries();
    assert.ok(entries.some((e) => e.method === 'tools/call' && e.direction === 'out'));
    assert.ok(entries.some((e) => e.method === 'tools/call' && e.direction === 'in' && e.durationMs !== undefined));
  });

  it('removes the connection and ends its process', async () => {
    const connection = api.manager.get(id)!;
    const linux = process.platform === 'linux';
    if (linux) {
      assert.ok(
        pidsWithEnv('MCP_LENS_SUITE_MARKER', marker).length > 0,
        'the server process runs with the configured environment',
      );
    }
    await api.removeConnection(id);
    if (linux) {
      await waitFor(
        'the server process to exit',
        () => pidsWithEnv('MCP_LENS_SUITE_MARKER', marker).length === 0,
        10000,
      );
    }
    assert.equal(api.manager.get(id), undefined);
    assert.equal(api.store.get(id), undefined);
    assert.equal(connection.status.state, 'disconnected');
    assert.ok(!api.tree.getChildren().some((n) => n.connectionId === id));
    id = '';
  });
});
