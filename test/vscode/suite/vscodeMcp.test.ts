import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as vscode from 'vscode';
import type { McpLensTestApi } from '../../../src/extension/extension';
import type { TreeNode } from '../../../src/extension/connectionsTree';
import { activateExtension, everythingStdio, pidsWithEnv, waitFor } from './helpers';

/** What the tree shows under "VS Code MCP servers" (undefined while the group is absent). */
function vscodeGroupChildren(api: McpLensTestApi): TreeNode[] | undefined {
  const group = api.tree.getChildren().find((n) => n.kind === 'vscodeServers');
  return group ? api.tree.getChildren(group) : undefined;
}

/** A stateless Streamable HTTP MCP server on loopback that records the Authorization header of every request. */
async function startHeaderRecordingServer(): Promise<{ url: string; authorizations: string[]; http: Server }> {
  const authorizations: string[] = [];
  const http = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization ?? ''));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const server = new McpServer({ name: 'header-recorder', version: '1.0.0' });
      server.tool('ping-back', async () => ({ content: [{ type: 'text', text: 'pong' }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      const text = Buffer.concat(chunks).toString('utf8');
      void server
        .connect(transport)
        .then(() => transport.handleRequest(req, res, text ? JSON.parse(text) : undefined))
        .catch(() => res.end());
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, authorizations, http };
}

/** The input box MCP Lens shows for a promptString input, once it is on screen. */
function inputBoxOnScreen(api: McpLensTestApi): vscode.InputBox | undefined {
  const widget = api.vscodeMcp.pendingInput;
  return widget && 'password' in widget ? widget : undefined;
}

describe("VS Code's own MCP servers (mcp.json)", function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let folder: vscode.WorkspaceFolder;
  let mcpJson: vscode.Uri;
  const secret = `suite-input-${process.pid}-${Date.now()}`;
  let savedId: string | undefined;

  before(async () => {
    api = await activateExtension();
    const folders = vscode.workspace.workspaceFolders;
    assert.ok(folders?.length, 'the suite runs with a workspace folder');
    folder = folders[0];
    mcpJson = vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json');
    const { command, args } = everythingStdio();
    // JSONC as people write it: comments and trailing commas; the secret comes from a password input.
    const text = [
      '// MCP servers of the suite workspace',
      '{',
      '  "inputs": [',
      '    { "type": "promptString", "id": "suite-secret", "description": "Suite secret", "password": true },',
      '  ],',
      '  "servers": {',
      '    /* server-everything over stdio */',
      '    "suite-everything": {',
      '      "type": "stdio",',
      `      "command": ${JSON.stringify(command)},`,
      `      "args": ${JSON.stringify(args)},`,
      '      "cwd": "${workspaceFolder}",',
      '      "env": { "SUITE_SECRET": "${input:suite-secret}", "SUITE_FOLDER": "${workspaceFolderBasename}" },',
      '    },',
      '    "suite-broken": { "type": "websocket", "url": "ws://127.0.0.1:9" },',
      '  },',
      '}',
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(mcpJson, new TextEncoder().encode(text));
  });

  after(async () => {
    if (savedId) await api.removeConnection(savedId).catch(() => undefined);
    await vscode.workspace.fs.delete(mcpJson).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reads the user mcp.json from the User folder next to globalStorage, and "Add to VS Code" can write there', async () => {
    const userDir = api.vscodeMcp.userDirectory();
    assert.equal(path.basename(userDir.fsPath), 'User');
    assert.ok(fs.existsSync(path.join(userDir.fsPath, 'globalStorage')), `${userDir.fsPath} is the user data folder`);
    const userMcpJson = vscode.Uri.joinPath(userDir, 'mcp.json');
    const { command, args } = everythingStdio();
    const connection = await api.addConnection(
      { name: 'suite user target', transport: 'stdio', command, args },
      'user',
    );
    try {
      const name = await vscode.commands.executeCommand<string | undefined>(
        'mcpLens.addToVsCode',
        connection.id,
        'user',
      );
      assert.equal(name, 'suite user target');
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(userMcpJson));
      assert.match(text, /"suite user target": \{\n\s+"type": "stdio"/);
      const item = await waitFor('the user server in the group', () => {
        const n = vscodeGroupChildren(api)?.find((c) => api.tree.getTreeItem(c).label === 'suite user target');
        return n ? api.tree.getTreeItem(n) : undefined;
      });
      assert.match(String(item.description), /stdio · user mcp\.json/);
    } finally {
      await api.removeConnection(connection.id);
      await vscode.workspace.fs.delete(userMcpJson).then(undefined, () => undefined);
    }
    // The file went away (the watcher, or the save hook, reads it again).
    await waitFor(
      'the user server to go',
      () => vscodeGroupChildren(api)?.every((c) => api.tree.getTreeItem(c).label !== 'suite user target') ?? true,
    );
  });

  it('lists the workspace servers in their own group, with the broken one saying why', async () => {
    const children = await waitFor('the VS Code MCP servers group', () => {
      const c = vscodeGroupChildren(api);
      return c && c.length >= 2 ? c : undefined;
    });
    const items = children.map((n) => api.tree.getTreeItem(n));
    const everything = items.find((i) => i.label === 'suite-everything');
    assert.ok(everything, `labels: ${items.map((i) => String(i.label)).join(', ')}`);
    assert.equal(everything.contextValue, 'vscodeServer');
    assert.match(String(everything.description), /stdio · workspace mcp\.json/);
    assert.equal(everything.command?.command, 'mcpLens.inspectVsCodeServer', 'one click inspects it');
    const broken = items.find((i) => i.label === 'suite-broken');
    assert.ok(broken);
    assert.equal(broken.contextValue, 'vscodeServer.problem');
    assert.match(String(broken.description), /cannot start/);
    // appendText escapes the text for Markdown (spaces become &nbsp;).
    const tooltip = (broken.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
    assert.match(tooltip, /Unknown type "websocket"/);
    // Not copied into MCP Lens's own list.
    assert.ok(!api.store.list().some((c) => c.config.name === 'suite-everything'));
  });

  it('refuses to open a server that cannot start, and does not connect it', async () => {
    const node = vscodeGroupChildren(api)!.find((n) => api.tree.getTreeItem(n).label === 'suite-broken')!;
    const result = await vscode.commands.executeCommand<string | undefined>('mcpLens.inspectVsCodeServer', node);
    assert.equal(result, undefined);
    assert.equal(api.manager.get(node.connectionId), undefined);
  });

  it('inspects a server in one click: asks the input once (masked), connects, lists tools, opens the inspector', async () => {
    const node = vscodeGroupChildren(api)!.find((n) => api.tree.getTreeItem(n).label === 'suite-everything')!;
    const opened = vscode.commands.executeCommand<string | undefined>('mcpLens.inspectVsCodeServer', node);
    const box = await waitFor('the input box for ${input:suite-secret}', () => inputBoxOnScreen(api));
    assert.equal(box.password, true, 'a password input is masked');
    assert.match(String(box.title), /suite-everything.*Suite secret/);
    box.value = secret;
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const id = await opened;
    assert.ok(id, 'the command returns the connection id');
    const connection = api.manager.get(id);
    assert.ok(connection);
    assert.equal(connection.status.state, 'connected', connection.status.message);
    assert.ok(
      connection.tools.some((t) => t.name === 'echo'),
      `tools: ${connection.tools.map((t) => t.name).join(', ')}`,
    );

    // The variables reached the process: the input in its environment, ${workspaceFolder} as its working directory.
    const [pid] = pidsWithEnv('SUITE_SECRET', secret);
    assert.ok(pid, 'the server process has the input value in its environment');
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes(`SUITE_FOLDER=${folder.name}`));
    assert.equal(fs.realpathSync(`/proc/${pid}/cwd`), fs.realpathSync(folder.uri.fsPath));

    // Under the group, now as a live connection (read-only: it belongs to VS Code's file).
    const item = await waitFor('the connected node under the group', () => {
      const n = vscodeGroupChildren(api)?.find((c) => c.kind === 'connection' && c.connectionId === id);
      return n ? api.tree.getTreeItem(n) : undefined;
    });
    assert.equal(item.contextValue, 'connection.connected.vscode.stdio');
    assert.match(String(item.description), /workspace mcp\.json/);
    assert.ok(!api.tree.getChildren().some((n) => n.connectionId === id), 'not a root of the tree');
    assert.ok(
      vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview)),
      'the inspector is open',
    );

    // The value is in SecretStorage, not in settings, state or the file.
    assert.equal(await api.vscodeMcp.hasStoredInput(mcpJson.toString(), 'suite-secret'), true);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('mcpLens')).includes(secret));
    assert.ok(!JSON.stringify(api.store.list()).includes(secret));
    assert.ok(!new TextDecoder().decode(await vscode.workspace.fs.readFile(mcpJson)).includes(secret));

    // Asked once: closed and opened again, it connects without a prompt.
    await api.manager.remove(id);
    const again = await vscode.commands.executeCommand<string | undefined>('mcpLens.inspectVsCodeServer', id);
    assert.equal(again, id);
    assert.equal(api.manager.get(id)?.status.state, 'connected');
  });

  it('forgets the input values on request', async () => {
    const count = await vscode.commands.executeCommand<number>('mcpLens.forgetVsCodeInputs');
    assert.ok(count >= 1, `forgot ${count}`);
    assert.equal(await api.vscodeMcp.hasStoredInput(mcpJson.toString(), 'suite-secret'), false);
  });

  it('"Add to VS Code" writes a connection into the workspace mcp.json, secrets as password inputs', async () => {
    const { command, args } = everythingStdio();
    const apiKey = `suite-key-${Date.now()}`;
    const connection = await api.addConnection(
      { name: 'suite lens server', transport: 'stdio', command, args, env: { SUITE_API_KEY: apiKey, MODE: 'plain' } },
      'workspace',
    );
    savedId = connection.id;
    const name = await vscode.commands.executeCommand<string | undefined>(
      'mcpLens.addToVsCode',
      connection.id,
      'workspace',
    );
    assert.equal(name, 'suite lens server');

    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(mcpJson));
    assert.ok(!text.includes(apiKey), 'the secret is not written');
    assert.ok(text.startsWith('// MCP servers of the suite workspace\n'), 'comments are kept');
    assert.ok(text.includes('/* server-everything over stdio */'));
    assert.match(text, /"SUITE_API_KEY": "\$\{input:suite-lens-server-suite-api-key\}"/);
    assert.match(text, /"MODE": "plain"/);
    assert.match(text, /"id": "suite-lens-server-suite-api-key",\s*"description": "[^"]*",\s*"password": true/);
    assert.equal(await api.vscodeMcp.hasStoredInput(mcpJson.toString(), 'suite-lens-server-suite-api-key'), true);

    const added = await waitFor('the new server in the group', () =>
      vscodeGroupChildren(api)?.find((n) => api.tree.getTreeItem(n).label === 'suite lens server'),
    );
    // Its secret was stored with it: it opens without asking.
    const id = await vscode.commands.executeCommand<string | undefined>('mcpLens.inspectVsCodeServer', added);
    assert.ok(id);
    assert.equal(api.manager.get(id)?.status.state, 'connected');
    assert.ok(pidsWithEnv('SUITE_API_KEY', apiKey).length > 0, 'the stored secret reached the new server');
  });

  it('an http server: a password input becomes a secret Authorization header (sent, never shown); a pickString offers its default', async () => {
    const recorder = await startHeaderRecordingServer();
    try {
      const token = `suite-token-${Date.now()}`;
      const before = new TextDecoder().decode(await vscode.workspace.fs.readFile(mcpJson));
      const after = before
        .replace(
          '  "inputs": [\n',
          '  "inputs": [\n    { "type": "promptString", "id": "suite-token", "description": "Suite token", "password": true },\n    { "type": "pickString", "id": "suite-mode", "description": "Suite mode", "options": ["thorough", "fast"], "default": "fast" },\n',
        )
        .replace(
          '    "suite-broken":',
          `    "suite-http": { "type": "http", "url": ${JSON.stringify(recorder.url)}, "headers": { "Authorization": "Bearer \${input:suite-token}", "X-Suite": "plain", "X-Mode": "\${input:suite-mode}" } },\n    "suite-broken":`,
        );
      assert.notEqual(after, before);
      await vscode.workspace.fs.writeFile(mcpJson, new TextEncoder().encode(after));
      const node = await waitFor('the http server in the group', () =>
        vscodeGroupChildren(api)?.find((n) => api.tree.getTreeItem(n).label === 'suite-http'),
      );
      const opened = vscode.commands.executeCommand<string | undefined>('mcpLens.inspectVsCodeServer', node);
      const box = await waitFor('the input box for ${input:suite-token}', () => inputBoxOnScreen(api));
      assert.equal(box.password, true);
      box.value = token;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      // Then the pickString: its default (the second option) is in focus, and Enter takes it.
      const pick = await waitFor('the pick for ${input:suite-mode}', () => {
        const p = api.vscodeMcp.pendingInput;
        return p && 'items' in p ? p : undefined;
      });
      assert.deepEqual(
        pick.items.map((i) => [i.label, i.description]),
        [
          ['thorough', undefined],
          ['fast', 'default'],
        ],
      );
      // The pick replaces the input box on screen; an accept that reaches the workbench before the pick is
      // shown there is lost, so accept until the pick is gone.
      await waitFor('the pick to be accepted', async () => {
        if (api.vscodeMcp.pendingInput !== pick) return true;
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 200));
        return false;
      });
      const id = await opened;
      assert.ok(id);
      const connection = api.manager.get(id)!;
      assert.equal(connection.status.state, 'connected', connection.status.message);
      assert.ok(connection.tools.some((t) => t.name === 'ping-back'));
      assert.ok(recorder.authorizations.includes(`Bearer ${token}`), 'the server received the header');
      const config = connection.config;
      assert.ok(config.transport !== 'stdio');
      assert.equal(config.transport, 'auto', 'VS Code\'s "http" is Streamable HTTP with SSE fallback');
      assert.deepEqual(config.headers, { 'X-Suite': 'plain', 'X-Mode': 'fast' });
      assert.deepEqual(config.secretHeaders, ['Authorization']);
      const item = api.tree.getTreeItem(
        vscodeGroupChildren(api)!.find((n) => n.kind === 'connection' && n.connectionId === id)!,
      );
      assert.ok(!JSON.stringify(item).includes(token), 'the tree item does not show the token');
      await api.manager.remove(id);
    } finally {
      // Kept-alive client sockets would hold close() open.
      recorder.http.closeAllConnections();
      await new Promise((resolve) => recorder.http.close(resolve));
    }
  });

  it("follows VS Code's development mode: dev.watch restarts the inspected server when a watched file changes", async () => {
    const { command, args } = everythingStdio();
    const trigger = path.join(folder.uri.fsPath, 'suite-dev-trigger.txt');
    fs.writeFileSync(trigger, 'v1\n');
    const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(mcpJson));
    const entry = `    "suite-dev": { "command": ${JSON.stringify(command)}, "args": ${JSON.stringify(args)}, "dev": { "watch": "suite-dev-trigger.txt", "debug": { "type": "node" } } },`;
    const withDev = original.replace('  "servers": {\n', `  "servers": {\n${entry}\n`);
    assert.notEqual(withDev, original);
    const restarts: string[] = [];
    let id: string | undefined;
    const subscription = api.devLoop.onDidRestart((r) => r.connectionId === id && restarts.push(r.reason));
    try {
      await vscode.workspace.fs.writeFile(mcpJson, new TextEncoder().encode(withDev));
      const node = await waitFor('the suite-dev server in the group', () =>
        vscodeGroupChildren(api)?.find((n) => api.tree.getTreeItem(n).label === 'suite-dev'),
      );
      id = await vscode.commands.executeCommand<string | undefined>('mcpLens.inspectVsCodeServer', node);
      assert.ok(id);
      const connection = api.manager.get(id);
      assert.equal(connection?.status.state, 'connected', connection?.status.message);
      assert.deepEqual((connection.config as { watch?: string[] }).watch, ['suite-dev-trigger.txt']);
      assert.ok(api.devLoop.isWatching(id), 'dev.watch is watched');
      // VS Code sets the file watcher up after createFileSystemWatcher returns, with no ready signal.
      await new Promise((r) => setTimeout(r, 1000));
      fs.writeFileSync(trigger, 'v2\n');
      await waitFor('the restart after the change', () => restarts.length === 1, 30_000);
      assert.deepEqual(restarts, ['suite-dev-trigger.txt changed']);
      await api.devLoop.settled(id);
      assert.equal(connection.status.state, 'connected', connection.status.message);
      assert.equal(api.store.get(id), undefined, 'nothing copied into our own list');
    } finally {
      subscription.dispose();
      if (id) await api.manager.remove(id);
      await vscode.workspace.fs.writeFile(mcpJson, new TextEncoder().encode(original));
      fs.rmSync(trigger, { force: true });
    }
  });

  it('follows the file: a deleted mcp.json closes its servers and removes the group', async () => {
    const open = api.manager.list().filter((c) => c.id.startsWith('vscode-mcp:'));
    assert.ok(open.length >= 1);
    await vscode.workspace.fs.delete(mcpJson);
    await waitFor('the group to go', () => vscodeGroupChildren(api) === undefined);
    await waitFor('the servers to close', () => !api.manager.list().some((c) => c.id.startsWith('vscode-mcp:')));
  });
});
