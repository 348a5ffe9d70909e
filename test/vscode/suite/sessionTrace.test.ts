import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as vscode from 'vscode';
import type { McpSessionEntry, SessionTrace } from '../../../src/core/sessionTrace';
import { SESSION_SCHEME } from '../../../src/extension/commands/sessionTrace';
import type { McpLensTestApi } from '../../../src/extension/extension';
import { activateExtension, everythingStdio, repoRoot, waitFor } from './helpers';

describe('session trace export and viewing', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let id: string;
  let dir: string;
  const marker = `session-${process.pid}-${Date.now()}`;
  const token = 'suite-session-token-0a1b2c3d';

  before(async () => {
    api = await activateExtension();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-session-'));
    const { command, args } = everythingStdio();
    const connection = await api.addConnection(
      { name: 'everything (session)', transport: 'stdio', command, args },
      'workspace',
    );
    id = connection.id;
  });

  after(async () => {
    if (id) await api.removeConnection(id);
    fs.rmSync(dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('exports a stdio session with the tool call in it, and no bearer credential', async () => {
    const result = await vscode.commands.executeCommand<CallToolResult>('mcpLens.callTool', id, 'echo', {
      message: `${marker} Authorization: Bearer ${token}`,
    });
    assert.ok(result, 'the tool call returned its result');
    const file = path.join(dir, 'session.json');
    const written = await vscode.commands.executeCommand<string>('mcpLens.exportSessionTrace', id, { file });
    assert.equal(written, file);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes(token), 'the bearer credential is not in the file');
    const trace = JSON.parse(text) as SessionTrace;
    assert.equal(trace.log._mcpLens.format, 'mcp-lens-session-trace');
    assert.equal(trace.log._mcpLens.connection.name, 'everything (session)');
    assert.equal(trace.log._mcpLens.connection.transport, 'stdio');
    const mcp = trace.log.entries.filter((e): e is McpSessionEntry => e._type === 'mcp');
    assert.ok(
      mcp.some((e) => e._method === 'initialize' || e._method === 'server/discover'),
      'the handshake is in the session',
    );
    const call = mcp.find((e) => e._method === 'tools/call' && JSON.stringify(e.request?.body).includes(marker));
    assert.ok(call, `the echo call is in the session: ${mcp.map((e) => e._method).join(', ')}`);
    assert.equal(call._direction, 'out');
    assert.equal(call.response?._error, false);
    assert.match(
      JSON.stringify(call.response?.body),
      new RegExp(`Echo: ${marker} Authorization: Bearer \\[REDACTED\\]`),
    );
    assert.ok(call.time >= 0);
  });

  it('opens the exported file as a read-only timeline that shows the call', async () => {
    const file = path.join(dir, 'session.json');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('mcpLens.openSessionTrace', { file });
    assert.ok(uri, 'the command opened the trace');
    assert.equal(uri.scheme, SESSION_SCHEME);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), uri.toString(), 'the timeline is the active editor');
    const text = editor.document.getText();
    assert.match(text, /^MCP Lens session trace \(recorded, read-only\) — everything \(session\)$/m);
    assert.match(text, /→ request tools\/call #\S+ → ok · \d+ ms/);
    assert.ok(text.includes(marker), 'the call arguments are shown');
    assert.ok(text.includes(`"text": "Echo: ${marker} Authorization: Bearer [REDACTED]"`), 'the result is shown');
    assert.ok(!text.includes(token));
  });

  it('refuses a file that is not a session trace, opening nothing', async () => {
    const file = path.join(dir, 'plain.har');
    fs.writeFileSync(
      file,
      JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [] } }),
    );
    const before = vscode.window.activeTextEditor?.document.uri.toString();
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mcpLens.openSessionTrace', { file });
    assert.equal(uri, undefined);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), before);
  });
});

describe('session trace export of an HTTP connection with a secret header', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let server: ChildProcess | undefined;
  let id: string | undefined;
  let dir: string;
  const secret = 'suite-session-header-secret-9f8e7d';

  before(async () => {
    api = await activateExtension();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-session-http-'));
    // server-everything over Streamable HTTP on a loopback port (the preload keeps it off other interfaces).
    const port = await new Promise<number>((resolve, reject) => {
      const probe = net.createServer().once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const root = repoRoot();
    server = spawn(
      process.execPath,
      [
        '-r',
        path.join(root, 'test/support/loopbackOnly.cjs'),
        path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'),
        'streamableHttp',
      ],
      { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' },
    );
    await waitFor(
      'server-everything to listen',
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect({ port, host: '127.0.0.1' });
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
    );
    const connection = await api.addConnection(
      {
        name: 'everything (session http)',
        transport: 'streamable-http',
        url: `http://127.0.0.1:${port}/mcp`,
        secretHeaders: ['X-Session-Secret'],
      },
      'workspace',
      { 'X-Session-Secret': secret },
    );
    id = connection.id;
    await waitFor('the HTTP connection', () => connection.status.state === 'connected');
  });

  after(async () => {
    if (id) await api.removeConnection(id);
    server?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('keeps the secret header value out of the file even when the server echoes it back', async () => {
    const result = await vscode.commands.executeCommand<CallToolResult>('mcpLens.callTool', id, 'echo', {
      message: `the header is ${secret}`,
    });
    assert.ok(result, 'the tool call returned its result');
    const file = path.join(dir, 'http-session.json');
    assert.equal(await vscode.commands.executeCommand<string>('mcpLens.exportSessionTrace', id, { file }), file);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes(secret), 'the secret header value is not in the file');
    const trace = JSON.parse(text) as SessionTrace;
    assert.equal(trace.log._mcpLens.connection.transport, 'streamable-http');
    const call = trace.log.entries.find((e): e is McpSessionEntry => e._type === 'mcp' && e._method === 'tools/call');
    assert.ok(call?.response, 'the call and its response are in the file');
    assert.match(JSON.stringify(call.request?.body), /the header is \[REDACTED\]/);
    assert.match(JSON.stringify(call.response.body), /Echo: the header is \[REDACTED\]/);
  });
});
