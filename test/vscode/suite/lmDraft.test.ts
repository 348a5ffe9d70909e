/**
 * Drafting a sampling reply with a real VS Code language model (issue 11): the test-only chat model
 * provider in test/fixtures/lmProvider (loaded by scripts/test-vscode.mjs as a second development
 * extension) registers a model through `vscode.lm.registerLanguageModelChatProvider`; MCP Lens finds
 * it with `vscode.lm.selectChatModels`, drafts server-everything's sampling request with it, and
 * nothing reaches the server until the person sends the (edited) draft through the queue.
 */
import * as assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as vscode from 'vscode';
import type { Connection } from '../../../src/core/connection';
import type { McpLensTestApi } from '../../../src/extension/extension';
import type { ServerRequestView } from '../../../src/shared/protocol';
import { activateExtension, everythingStdio, waitFor } from './helpers';

/** What test/fixtures/lmProvider/extension.cjs returns from activate(). */
interface LmProviderFixture {
  vendor: string;
  modelId: string;
  holdMarker: string;
  stats: { started: number; cancelled: number };
  setModelOffered(value: boolean): void;
}

const LM_PROVIDER_ID = 'mcp-lens-test.lm-provider';

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('drafting a sampling reply with a VS Code language model (test provider, server-everything over stdio)', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let provider: LmProviderFixture;
  let connection: Connection;

  before(async () => {
    const extension = vscode.extensions.getExtension<LmProviderFixture>(LM_PROVIDER_ID);
    assert.ok(extension, `${LM_PROVIDER_ID} is not loaded (scripts/test-vscode.mjs loads test/fixtures/lmProvider)`);
    provider = await extension.activate();
    provider.setModelOffered(true);
    api = await activateExtension();
    const { command, args } = everythingStdio();
    connection = await api.addConnection(
      { name: 'everything (language model)', transport: 'stdio', command, args },
      'workspace',
    );
    await waitFor('the tools of server-everything', () => connection.tools.length > 0);
  });

  after(async () => {
    // The other suites see an editor without models again (answer.test.ts's "no language model" case).
    provider?.setModelOffered(false);
    if (connection) await api.removeConnection(connection.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  function pending(): Promise<ServerRequestView> {
    return waitFor('a pending sampling request', () =>
      api.answers.requests(connection.id).find((r) => r.kind === 'sampling' && r.state === 'pending'),
    );
  }

  it('lists the provider’s model in sampling/models', async () => {
    const { models } = await api.inspectorRequest('sampling/models', {});
    const model = models.find((m) => m.id === provider.modelId);
    assert.ok(model, `models: ${JSON.stringify(models)}`);
    assert.deepEqual(model, {
      id: 'mcp-lens-test-echo',
      name: 'MCP Lens Test Echo',
      vendor: 'mcp-lens-test',
      family: 'mcp-lens-test',
    });
  });

  it('drafts the reply with the model without answering the server, then sends the edited draft', async () => {
    let settled = false;
    const call = connection
      .callTool('trigger-sampling-request', { prompt: 'Name a tide pool animal', maxTokens: 30 })
      .finally(() => (settled = true));
    const request = await pending();

    const { result: draft } = await api.inspectorRequest('sampling/generate', {
      connectionId: connection.id,
      requestId: request.id,
      modelId: provider.modelId,
    });
    // The model saw the server's prompt (its last user message) and its streamed parts were joined.
    assert.deepEqual(draft, {
      role: 'assistant',
      content: {
        type: 'text',
        text: 'Draft for: Resource trigger-sampling-request context: Name a tide pool animal',
      },
      model: 'mcp-lens-test-echo',
      stopReason: 'endTurn',
    });

    // Nothing went to the server: the request still waits for the person, and the tool call has not returned.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(api.answers.requests(connection.id).find((r) => r.id === request.id)?.state, 'pending');
    assert.equal(settled, false, 'the tool call returned before the draft was sent');

    const content = draft.content as { type: string; text: string };
    const edited = { ...draft, content: { ...content, text: `${content.text} (a sea anemone, edited)` } };
    assert.deepEqual(
      await api.inspectorRequest('serverRequest/answer', {
        connectionId: connection.id,
        requestId: request.id,
        reply: { kind: 'sampling', action: 'send', result: edited },
      }),
      { state: 'answered' },
    );
    const output = text(await call);
    assert.match(output, /LLM sampling result/);
    assert.ok(
      output.includes(
        'Draft for: Resource trigger-sampling-request context: Name a tide pool animal (a sea anemone, edited)',
      ),
      output,
    );
    assert.match(output, /"model": "mcp-lens-test-echo"/);
  });

  it('cancels a draft in progress: the model’s request is cancelled and the server request stays pending', async () => {
    const call = connection.callTool('trigger-sampling-request', {
      prompt: `Take your time ${provider.holdMarker}`,
      maxTokens: 10,
    });
    const request = await pending();
    const { started, cancelled } = provider.stats;
    // The panel's call/cancel aborts this signal (InspectorPanel.withCall); the draft is driven the same way here.
    const abort = new AbortController();
    const drafting = api.answers.draft(connection.id, request.id, provider.modelId, abort.signal);
    await waitFor('the model to start the request', () => provider.stats.started > started);
    abort.abort();
    await assert.rejects(drafting, /Drafting the reply was cancelled/);
    await waitFor('the model to see the cancellation', () => provider.stats.cancelled > cancelled);
    assert.equal(api.answers.requests(connection.id).find((r) => r.id === request.id)?.state, 'pending');
    await api.inspectorRequest('serverRequest/answer', {
      connectionId: connection.id,
      requestId: request.id,
      reply: { kind: 'sampling', action: 'decline', reason: 'draft cancelled' },
    });
    await call.catch(() => undefined);
  });

  it('says which model is gone when the draft asks for one VS Code does not offer, and leaves the request pending', async () => {
    const call = connection.callTool('trigger-sampling-request', { prompt: 'Unknown model', maxTokens: 10 });
    const request = await pending();
    await assert.rejects(
      api.inspectorRequest('sampling/generate', {
        connectionId: connection.id,
        requestId: request.id,
        modelId: 'no-such-model',
      }),
      /The language model "no-such-model" is not available any more/,
    );
    assert.equal(api.answers.requests(connection.id).find((r) => r.id === request.id)?.state, 'pending');
    await api.inspectorRequest('serverRequest/answer', {
      connectionId: connection.id,
      requestId: request.id,
      reply: { kind: 'sampling', action: 'decline', reason: 'wrong model' },
    });
    const result = await call.then(
      (r) => text(r),
      (e: Error) => e.message,
    );
    assert.match(result, /declin|refus|wrong model/i);
  });
});
