import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as vscode from 'vscode';
import type { McpLensTestApi } from '../../../src/extension/extension';
import { RESULT_SCHEME } from '../../../src/extension/resultDocuments';
import type { OutputSchemaCheck } from '../../../src/shared/protocol';
import { activateExtension, repoRoot, waitFor } from './helpers';

describe('the Call Tool command with a result that breaks its outputSchema', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let id: string;

  before(async () => {
    api = await activateExtension();
    // Our fixture (low-level SDK Server) sends structuredContent that breaks the tool's own outputSchema.
    const connection = await api.addConnection(
      {
        name: 'output schema (suite)',
        transport: 'stdio',
        command: 'node',
        args: ['--import', 'tsx', path.join(repoRoot(), 'test/fixtures/outputSchemaStdioServer.ts')],
        cwd: repoRoot(),
      },
      'workspace',
    );
    id = connection.id;
  });

  after(async () => {
    if (id) await api.removeConnection(id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('returns the result and opens it with the verdict and each validation error', async () => {
    const result = await vscode.commands.executeCommand<CallToolResult & { outputSchemaCheck?: OutputSchemaCheck }>(
      'mcpLens.callTool',
      id,
      'weather_bad',
      {},
    );
    assert.ok(result, 'the result is returned, not hidden behind an error');
    assert.deepEqual(result.structuredContent, { temperature: 'hot', humidity: 90 });
    assert.equal(result.outputSchemaCheck?.status, 'invalid');

    const editor = await waitFor(
      'the result editor',
      () => vscode.window.activeTextEditor?.document.uri.scheme === RESULT_SCHEME && vscode.window.activeTextEditor,
    );
    const shown = JSON.parse(editor.document.getText()) as {
      tool: string;
      outputSchemaCheck: OutputSchemaCheck;
      result: CallToolResult;
    };
    assert.equal(shown.tool, 'weather_bad');
    assert.equal(shown.outputSchemaCheck.ok, false);
    assert.match(shown.outputSchemaCheck.message, /does not match the tool's outputSchema \(3 errors\)/);
    assert.deepEqual(shown.outputSchemaCheck.errors.map((e) => e.path).sort(), [
      '/conditions',
      '/humidity',
      '/temperature',
    ]);
    assert.deepEqual(shown.result, result);
  });
});
