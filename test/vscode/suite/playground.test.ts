/**
 * The LLM playground with the test model (issue 12): the test-only chat model provider in
 * test/fixtures/lmProvider answers `call <tool> with <json>` with a tool call and reads tool results
 * back ("Tool <name> said: …"); the playground drives it against server-everything over stdio through
 * the inspector's own requests (validation included). Approved calls reach the server (the trace shows
 * the tools/call); denied ones never do, and the model is told.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Connection } from '../../../src/core/connection';
import type { McpLensTestApi } from '../../../src/extension/extension';
import { deniedText } from '../../../src/extension/playground/session';
import type { PlaygroundEntryView, PlaygroundView } from '../../../src/shared/protocol';
import { activateExtension, everythingStdio, waitFor } from './helpers';

interface LmProviderFixture {
  modelId: string;
  holdMarker: string;
  stats: { started: number; cancelled: number; toolCalls: number; requests: Array<{ tools: string[] }> };
  setModelOffered(value: boolean): void;
}

const LM_PROVIDER_ID = 'mcp-lens-test.lm-provider';
type ToolCallEntry = Extract<PlaygroundEntryView, { kind: 'tool-call' }>;

describe('the playground with the test model (server-everything over stdio)', function () {
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
      { name: 'everything (playground)', transport: 'stdio', command, args },
      'workspace',
    );
    await waitFor('the tools of server-everything', () => connection.tools.length > 0);
  });

  after(async () => {
    provider?.setModelOffered(false);
    if (connection) await api.removeConnection(connection.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  beforeEach(async () => {
    await api.inspectorRequest('playground/clear', { connectionId: connection.id });
  });

  const view = (): Promise<PlaygroundView> => api.inspectorRequest('playground/get', { connectionId: connection.id });
  const toolCallsSent = () =>
    connection.trace.entries().filter((e) => e.direction === 'out' && e.method === 'tools/call').length;
  async function pendingCall(): Promise<ToolCallEntry> {
    return waitFor('a tool call waiting for a decision', async () => {
      const v = await view();
      return v.state === 'waiting'
        ? (v.entries.find((e) => e.kind === 'tool-call' && e.state === 'pending') as ToolCallEntry | undefined)
        : undefined;
    });
  }
  const assistantTexts = (v: PlaygroundView) =>
    v.entries.filter((e) => e.kind === 'assistant').map((e) => (e as { text: string }).text);

  it('lists the test model in playground/models', async () => {
    const { models } = await api.inspectorRequest('playground/models', {});
    assert.ok(
      models.some((m) => m.id === provider.modelId),
      `models: ${JSON.stringify(models)}`,
    );
  });

  it('approve: the model’s echo call runs on the server and the model reads its result', async () => {
    const before = toolCallsSent();
    const started = await api.inspectorRequest('playground/send', {
      connectionId: connection.id,
      text: 'call echo with {"message":"hi"}',
      modelId: provider.modelId,
    });
    assert.deepEqual(started.entries[0], {
      id: started.entries[0].id,
      kind: 'user',
      text: 'call echo with {"message":"hi"}',
    });
    const call = await pendingCall();
    assert.equal(call.tool, 'echo');
    assert.deepEqual(call.args, { message: 'hi' });
    // The model was offered the connection's tools.
    assert.ok(provider.stats.requests.at(-1)?.tools.includes('echo'));
    assert.equal(toolCallsSent(), before, 'nothing reached the server before the approval');

    await api.inspectorRequest('playground/decide', { connectionId: connection.id, entryId: call.id, approve: true });
    await api.playground.settled(connection.id);
    const v = await view();
    assert.equal(v.state, 'idle');
    assert.equal(v.modelId, provider.modelId);
    const done = v.entries.find((e) => e.id === call.id) as ToolCallEntry;
    assert.equal(done.state, 'done');
    assert.equal(done.resultText, 'Echo: hi');
    assert.equal(toolCallsSent(), before + 1, 'the approved call went to the server once (traced)');
    assert.deepEqual(assistantTexts(v), ['Calling echo.', 'Tool echo said: Echo: hi']);
    assert.deepEqual(
      v.entries.map((e) => e.kind),
      ['user', 'assistant', 'tool-call', 'assistant'],
    );
  });

  it('deny: no call reaches the server and the model is told the user denied it', async () => {
    const before = toolCallsSent();
    await api.inspectorRequest('playground/send', {
      connectionId: connection.id,
      text: 'call echo with {"message":"secret"}',
      modelId: provider.modelId,
    });
    const call = await pendingCall();
    await api.inspectorRequest('playground/decide', { connectionId: connection.id, entryId: call.id, approve: false });
    await api.playground.settled(connection.id);
    const v = await view();
    assert.equal((v.entries.find((e) => e.id === call.id) as ToolCallEntry).state, 'denied');
    assert.equal(toolCallsSent(), before, 'a denied call never reaches the server');
    assert.deepEqual(assistantTexts(v), ['Calling echo.', `Tool echo said: ${deniedText('echo')}`]);
    // A decision on a call that is no longer pending is refused.
    await assert.rejects(
      api.inspectorRequest('playground/decide', { connectionId: connection.id, entryId: call.id, approve: true }),
      /no longer waiting/,
    );
  });

  it('plain text is answered without tools, and Stop cancels a held request', async () => {
    await api.inspectorRequest('playground/send', {
      connectionId: connection.id,
      text: 'hello',
      modelId: provider.modelId,
    });
    await api.playground.settled(connection.id);
    assert.deepEqual(assistantTexts(await view()), ['Draft for: hello']);

    const { started, cancelled } = provider.stats;
    await api.inspectorRequest('playground/send', {
      connectionId: connection.id,
      text: `wait ${provider.holdMarker}`,
      modelId: provider.modelId,
    });
    await assert.rejects(
      api.inspectorRequest('playground/send', {
        connectionId: connection.id,
        text: 'again',
        modelId: provider.modelId,
      }),
      /still answering/,
    );
    // Stopped once the model holds the request (a token cancelled before the provider runs never fires).
    await waitFor('the model to start the request', () => provider.stats.started > started);
    await api.inspectorRequest('playground/cancel', { connectionId: connection.id });
    await api.playground.settled(connection.id);
    await waitFor('the model to see the cancellation', () => provider.stats.cancelled > cancelled);
    const v = await view();
    assert.equal(v.state, 'idle');
    assert.deepEqual(v.entries.at(-1), { id: v.entries.at(-1)!.id, kind: 'notice', text: 'Stopped.' });
  });

  it('says so when the chosen model is gone, as a transcript entry', async () => {
    await api.inspectorRequest('playground/send', {
      connectionId: connection.id,
      text: 'hello',
      modelId: 'no-such-model',
    });
    await api.playground.settled(connection.id);
    const last = (await view()).entries.at(-1);
    assert.equal(last?.kind, 'error');
    assert.match((last as { message: string }).message, /The language model "no-such-model" is not available any more/);
  });
});
