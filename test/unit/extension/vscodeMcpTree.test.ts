import * as assert from 'node:assert/strict';
import './fakeVscode';
import type { ConnectionConfig } from '../../../src/core/config';
import type { Connection } from '../../../src/core/connection';
import type { ConnectionManager } from '../../../src/core/manager';
import { parseMcpJson, vscodeMcpConnectionId } from '../../../src/core/vscodeMcp/mcpJson';
import type { ConnectionStore } from '../../../src/extension/connectionStore';
import { ConnectionsTreeProvider, type TreeNode } from '../../../src/extension/connectionsTree';
import type { VsCodeMcpServers } from '../../../src/extension/vscodeMcpServers';

const noEvent = () => ({ dispose() {} });

const source = {
  uri: 'file:///w/.vscode/mcp.json',
  scope: 'workspace' as const,
  label: 'workspace',
  workspaceFolder: '/w',
};
// One syntax error (an empty array slot) gives the file a problem of its own; its servers still parse.
const file = parseMcpJson(
  JSON.stringify({
    inputs: [{ type: 'promptString', id: 'key', password: true }],
    servers: {
      local: {
        type: 'stdio',
        command: 'node',
        args: ['${workspaceFolder}/s.js'],
        env: { KEY: '${input:key}', LITERAL: 'hush' },
      },
      opened: { type: 'http', url: 'http://127.0.0.1:1/mcp' },
      broken: { type: 'pipe' },
    },
    extra: 1,
  }).replace('"servers"', '"inputs2": [,], "servers"'),
  source,
);

function connection(config: ConnectionConfig): Connection {
  return {
    id: config.id,
    config,
    status: { state: 'connected', since: 0 },
    tools: [],
    resources: [],
    resourceTemplates: [],
    prompts: [],
  } as unknown as Connection;
}

function makeTree() {
  const saved = connection({ id: 'c-1', name: 'mine', transport: 'stdio', command: 'node', args: [] });
  const openedId = vscodeMcpConnectionId(source, 'opened');
  const opened = connection({ id: openedId, name: 'opened', transport: 'auto', url: 'http://127.0.0.1:1/mcp' });
  const connections = [saved, opened];
  const manager = {
    list: () => connections,
    get: (id: string) => connections.find((c) => c.id === id),
    onDidChange: noEvent,
  } as unknown as ConnectionManager;
  const store = {
    get: (id: string) => (id === 'c-1' ? { config: saved.config, scope: 'user' } : undefined),
    onDidChange: noEvent,
  } as unknown as ConnectionStore;
  const entries = file.servers.map((server) => ({
    file,
    server,
    connectionId: vscodeMcpConnectionId(source, server.name),
  }));
  const vscodeMcp = {
    list: () => [file],
    entries: () => entries,
    entry: (id: string) => entries.find((e) => e.connectionId === id),
    onDidChange: noEvent,
  } as unknown as VsCodeMcpServers;
  return { tree: new ConnectionsTreeProvider(manager, store, vscodeMcp), openedId };
}

describe('Connections tree: the VS Code MCP servers group', () => {
  it('lists our connections at the root, then the group; VS Code servers only inside it', () => {
    const { tree, openedId } = makeTree();
    const roots = tree.getChildren();
    assert.deepEqual(
      roots.map((n) => n.kind),
      ['connection', 'vscodeServers'],
    );
    assert.equal(roots[0].connectionId, 'c-1');
    const group = roots[1];
    assert.equal(tree.getTreeItem(group).label, 'VS Code MCP servers');
    const children = tree.getChildren(group);
    assert.deepEqual(
      children.map((n) => n.kind),
      ['vscodeFileProblem', 'vscodeServer', 'connection', 'vscodeServer'],
    );
    assert.equal(children[2].connectionId, openedId);
    assert.equal(tree.getParent(children[2]), group, 'an opened server reveals under the group');
    assert.equal(tree.getParent(children[1]), group);
    tree.dispose();
  });

  it('shows a server that is not open with a click that inspects it, its definition as written and no env values', () => {
    const { tree } = makeTree();
    const group = tree.getChildren().find((n) => n.kind === 'vscodeServers')!;
    const [problem, local, opened, broken] = tree.getChildren(group).map((n: TreeNode) => tree.getTreeItem(n));
    assert.match(String(problem.label), /A value is expected at line 1/);
    assert.equal(local.label, 'local');
    assert.equal(local.contextValue, 'vscodeServer');
    assert.equal(local.description, 'stdio · workspace mcp.json');
    assert.equal((local as { command?: { command: string } }).command?.command, 'mcpLens.inspectVsCodeServer');
    const tooltip = (local.tooltip as { value: string }).value;
    assert.match(tooltip, /\$\{workspaceFolder\}\/s\.js/);
    assert.match(tooltip, /Environment: KEY, LITERAL/);
    assert.ok(!tooltip.includes('hush'), 'environment values are not shown');
    assert.match(tooltip, /Asks once for: key/);
    assert.equal(opened.contextValue, 'connection.connected.vscode.http');
    assert.match(String(opened.description), /workspace mcp\.json$/);
    assert.match((opened.tooltip as { value: string }).value, /Saved in: VS Code's workspace mcp\.json/);
    assert.equal(broken.contextValue, 'vscodeServer.problem');
    assert.match(String(broken.description), /unknown type · workspace mcp\.json · cannot start/);
    assert.match((broken.tooltip as { value: string }).value, /Unknown type "pipe"/);
    tree.dispose();
  });
});
