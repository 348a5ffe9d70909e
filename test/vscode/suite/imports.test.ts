import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HttpConnectionConfig, StdioConnectionConfig } from '../../../src/core/config';
import type { McpLensTestApi } from '../../../src/extension/extension';
import { activateExtension, everythingStdio, waitFor } from './helpers';

describe('importing and exporting MCP server configs', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let dir: string;
  let file: string;
  const imported: string[] = [];
  const secret = 'Bearer suite-import-secret-5678';
  const everything = () => everythingStdio();

  before(async () => {
    api = await activateExtension();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-import-'));
    file = path.join(dir, 'claude_desktop_config.json');
    // A Claude Desktop config as users have them: a stdio server with env, a secret env var, and a remote one.
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          mcpServers: {
            'everything-imported': {
              ...everything(),
              env: { MCP_LENS_IMPORT_MODE: 'suite', EVERYTHING_API_KEY: 'suite-env-secret-1234' },
            },
            'remote-imported': { url: 'http://127.0.0.1:9/mcp', headers: { Authorization: secret, 'X-Plain': 'p' } },
          },
          globalShortcut: '',
        },
        null,
        2,
      ),
    );
  });

  after(async () => {
    for (const id of imported) await api.removeConnection(id).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('imports a Claude Desktop file: the stdio server connects, secrets stay out of the stored configs', async () => {
    const ids = (await vscode.commands.executeCommand<string[]>('mcpLens.importServers', {
      file,
      selectAll: true,
      scope: 'user',
    }))!;
    imported.push(...ids);
    assert.equal(ids.length, 2, `imported: ${JSON.stringify(ids)}`);
    const stdio = api.store.get(ids[0])!.config as StdioConnectionConfig;
    assert.equal(stdio.name, 'everything-imported');
    assert.deepEqual([stdio.command, ...stdio.args], [everything().command, ...everything().args]);
    assert.deepEqual(stdio.env, { MCP_LENS_IMPORT_MODE: 'suite' }, 'the secret-looking env var is not imported');

    const remote = api.store.get(ids[1])!.config as HttpConnectionConfig;
    assert.deepEqual(remote.secretHeaders, ['Authorization']);
    assert.deepEqual(remote.headers, { 'X-Plain': 'p' });
    assert.deepEqual(await api.reopenStore().secretHeaders(remote), { Authorization: secret });
    const storedText = JSON.stringify(api.reopenStore().list());
    assert.ok(!storedText.includes('suite-import-secret') && !storedText.includes('suite-env-secret'), storedText);

    const connection = api.manager.get(ids[0])!;
    await connection.connect();
    await waitFor('the imported server to connect', () => connection.status.state === 'connected');
    assert.ok(
      connection.tools.some((t) => t.name === 'echo'),
      connection.tools.map((t) => t.name).join(', '),
    );
  });

  it('renames on a second import instead of clashing with the existing names', async () => {
    const ids = (await vscode.commands.executeCommand<string[]>('mcpLens.importServers', {
      text: fs.readFileSync(file, 'utf8'),
      selectAll: true,
      scope: 'workspace',
    }))!;
    imported.push(...ids);
    assert.deepEqual(
      ids.map((id) => api.store.get(id)?.config.name),
      ['everything-imported (2)', 'remote-imported (2)'],
    );
    assert.equal(api.store.get(ids[0])?.scope, 'workspace');
  });

  it('exports the imported connection back as Claude Desktop JSON in a new document, secrets as placeholders', async () => {
    const text = await vscode.commands.executeCommand<string>('mcpLens.exportConnection', imported[0], {
      format: 'claude-desktop',
      destination: 'document',
    });
    const parsed = JSON.parse(text!) as {
      mcpServers: Record<string, { command: string; args: string[]; env?: object }>;
    };
    assert.deepEqual(parsed.mcpServers['everything-imported'], {
      ...everything(),
      env: { MCP_LENS_IMPORT_MODE: 'suite' },
    });
    const editor = await waitFor('the exported document', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.languageId, 'json');
    assert.equal(editor.document.isUntitled, true);
    assert.equal(editor.document.getText(), text);
    // An untitled document would make closing the editors ask whether to save it.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const remoteText = await vscode.commands.executeCommand<string>('mcpLens.exportConnection', imported[1], {
      format: 'cursor',
      destination: 'clipboard',
    });
    assert.equal(await vscode.env.clipboard.readText(), remoteText);
    assert.ok(!remoteText!.includes('suite-import-secret'), remoteText);
    assert.deepEqual(JSON.parse(remoteText!).mcpServers['remote-imported'].headers, {
      'X-Plain': 'p',
      Authorization: '<set me>',
    });
  });
});
