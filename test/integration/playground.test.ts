/**
 * The playground's conversation loop (src/extension/playground, no VS Code) against the real
 * server-everything over stdio: a scripted chat model stands in for `vscode.lm` (the model is not
 * an MCP peer; the server is real). Covers what the code-server suite does not: the 8-round limit,
 * a failing tool call, a tool name the model invented, a model error rolling the conversation back,
 * tool names the model may be given, and the text a tool result gives the model.
 */
import { strict as assert } from 'node:assert';
import type { Connection } from '../../src/core/connection';
import { ConnectionError } from '../../src/core/errors';
import { ConnectionManager } from '../../src/core/manager';
import { validateWebviewMessage } from '../../src/extension/inspector/protocolValidation';
import { Playground } from '../../src/extension/playground/playground';
import {
  MAX_ROUNDS,
  modelToolNames,
  toolResultText,
  type PlaygroundMessage,
  type PlaygroundModel,
  type PlaygroundModelTool,
  type PlaygroundToolCallRequest,
} from '../../src/extension/playground/session';
import type { PlaygroundEntryView, PlaygroundView } from '../../src/shared/protocol';
import { everythingStdioCommand } from '../support/everything';

type Reply = { text?: string; toolCalls?: PlaygroundToolCallRequest[] } | Error;

/** A chat model that answers from a script, and records what each request was sent. */
class ScriptedModel implements PlaygroundModel {
  readonly id = 'scripted';
  readonly name = 'Scripted Model';
  readonly requests: Array<{ messages: PlaygroundMessage[]; tools: string[] }> = [];
  constructor(private readonly next: (round: number) => Reply) {}
  async respond(
    messages: readonly PlaygroundMessage[],
    tools: readonly PlaygroundModelTool[],
    onText: (text: string) => void,
  ): Promise<{ toolCalls: PlaygroundToolCallRequest[] }> {
    this.requests.push({ messages: JSON.parse(JSON.stringify(messages)), tools: tools.map((t) => t.name) });
    const reply = this.next(this.requests.length);
    if (reply instanceof Error) throw reply;
    if (reply.text) onText(reply.text);
    return { toolCalls: reply.toolCalls ?? [] };
  }
}

describe('playground session (scripted model, server-everything over stdio)', function () {
  this.timeout(60_000);
  let manager: ConnectionManager;
  let connection: Connection;
  let model: ScriptedModel;
  let playground: Playground;
  const views: PlaygroundView[] = [];

  before(async () => {
    manager = new ConnectionManager({ requestTimeoutMs: 20_000 });
    connection = manager.add({ id: 'pg', name: 'everything', transport: 'stdio', ...everythingStdioCommand() });
    await connection.connect();
    playground = new Playground({ manager, resolveModel: async () => model });
    playground.onDidChange((v) => views.push(v));
  });
  after(async () => {
    playground.dispose();
    await manager.disposeAsync();
  });
  beforeEach(async () => {
    playground.clear('pg');
    await playground.settled('pg');
  });

  const toolCallsSent = () =>
    connection.trace.entries().filter((e) => e.direction === 'out' && e.method === 'tools/call').length;
  const pending = async (): Promise<Extract<PlaygroundEntryView, { kind: 'tool-call' }> | undefined> => {
    for (let i = 0; i < 200; i++) {
      const v = playground.view('pg');
      const e = v.entries.find((x) => x.kind === 'tool-call' && x.state === 'pending');
      if (e && e.kind === 'tool-call') return e;
      if (v.state === 'idle') return undefined;
      await new Promise((r) => setTimeout(r, 10));
    }
    return undefined;
  };
  const callEcho = (n: number): Reply => ({
    toolCalls: [{ callId: `c${n}`, name: 'echo', input: { message: `round ${n}` } }],
  });

  it(`stops a model that keeps calling tools after ${MAX_ROUNDS} rounds`, async () => {
    model = new ScriptedModel((round) => callEcho(round));
    const before = toolCallsSent();
    playground.send('pg', 'loop forever');
    for (let call = await pending(); call; call = await pending()) playground.decide('pg', call.id, true);
    await playground.settled('pg');
    assert.equal(model.requests.length, MAX_ROUNDS);
    assert.equal(toolCallsSent() - before, MAX_ROUNDS - 1, 'the last round’s calls were not run');
    const v = playground.view('pg');
    assert.equal(v.state, 'idle');
    const last = v.entries.at(-1);
    assert.equal(last?.kind, 'error');
    assert.match((last as { message: string }).message, /still asked for tools after 8 rounds/);
    // Each round after the first carried the previous result: server-everything's echo, as text.
    const second = model.requests[1].messages.at(-1);
    assert.deepEqual(second, { role: 'tool-results', results: [{ callId: 'c1', text: 'Echo: round 1' }] });
  });

  it('a failing tool call is shown and the model is given the error; an invented tool is never called', async () => {
    model = new ScriptedModel((round): Reply =>
      round === 1
        ? {
            text: 'Trying.',
            toolCalls: [
              { callId: 'bad', name: 'get-sum', input: { a: 'not a number' } },
              { callId: 'ghost', name: 'no_such_tool', input: {} },
            ],
          }
        : { text: 'Done.' },
    );
    const before = toolCallsSent();
    playground.send('pg', 'add these');
    const call = await pending();
    assert.equal(call?.tool, 'get-sum');
    playground.decide('pg', call!.id, true);
    await playground.settled('pg');
    assert.equal(toolCallsSent() - before, 1, 'only get-sum reached the server');
    const calls = playground.view('pg').entries.filter((e) => e.kind === 'tool-call');
    assert.deepEqual(
      calls.map((c) => [c.tool, c.state, c.isError]),
      [
        ['get-sum', 'failed', true],
        ['no_such_tool', 'failed', true],
      ],
    );
    const results = model.requests[1].messages.at(-1) as Extract<PlaygroundMessage, { role: 'tool-results' }>;
    assert.match(results.results[0].text, /^Error: /);
    assert.equal(results.results[1].text, 'Error: There is no tool named no_such_tool.');
    assert.equal(playground.view('pg').entries.at(-1)?.kind, 'assistant');
  });

  it('a model error is a transcript entry, and the next message does not carry the failed one', async () => {
    model = new ScriptedModel((round) =>
      round === 1
        ? new ConnectionError('refused', 'Scripted Model refused the request: quota.', 'Wait a moment and send again.')
        : { text: 'Hello.' },
    );
    playground.send('pg', 'first');
    await playground.settled('pg');
    const error = playground.view('pg').entries.at(-1);
    assert.deepEqual(error, {
      id: error!.id,
      kind: 'error',
      message: 'Scripted Model refused the request: quota.',
      hint: 'Wait a moment and send again.',
    });
    playground.send('pg', 'second');
    await playground.settled('pg');
    assert.deepEqual(model.requests[1].messages, [{ role: 'user', text: 'second' }]);
    // The model was offered the connection's tools.
    assert.ok(model.requests[1].tools.includes('echo'));
  });

  it('New chat during a turn stops it and starts an empty conversation', async () => {
    model = new ScriptedModel((round) => (round === 1 ? callEcho(1) : { text: 'Fresh start.' }));
    playground.send('pg', 'call something');
    assert.ok(await pending());
    playground.clear('pg');
    await playground.settled('pg');
    assert.deepEqual(playground.view('pg').entries, [], 'nothing of the stopped turn is written into the new chat');
    playground.send('pg', 'again');
    await playground.settled('pg');
    assert.deepEqual(model.requests[1].messages, [{ role: 'user', text: 'again' }]);
    assert.deepEqual(
      playground.view('pg').entries.map((e) => e.kind),
      ['user', 'assistant'],
    );
  });

  it('gives the model tool names it accepts, and tool results as text', () => {
    const names = modelToolNames([
      { name: 'echo', inputSchema: {} },
      { name: 'files.read', inputSchema: {} },
      { name: 'files/read', inputSchema: {} },
    ]);
    assert.deepEqual(
      [...names],
      [
        ['echo', 'echo'],
        ['files_read', 'files.read'],
        ['files_read_2', 'files/read'],
      ],
    );
    assert.equal(
      toolResultText({
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      }),
      'a\nb',
    );
    assert.equal(toolResultText({ content: [], structuredContent: { sum: 3 } }), '{"sum":3}');
    assert.equal(
      toolResultText({ content: [{ type: 'image', mimeType: 'image/png', data: 'x' }] }),
      '[image image/png]',
    );
  });

  it('validates the playground messages from the webview', () => {
    const check = (method: string, params: unknown) =>
      validateWebviewMessage({ kind: 'request', id: 1, method, params });
    assert.ok(check('playground/send', { connectionId: 'c', text: 'hi', modelId: 'm' }).ok);
    assert.ok(check('playground/decide', { connectionId: 'c', entryId: 'p1', approve: false }).ok);
    assert.ok(check('playground/models', {}).ok);
    for (const method of ['playground/get', 'playground/cancel', 'playground/clear']) {
      assert.ok(check(method, { connectionId: 'c' }).ok, method);
    }
    const bad = (method: string, params: unknown, pattern: RegExp) => {
      const r = check(method, params);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, pattern);
    };
    bad('playground/send', { connectionId: 'c', text: '' }, /text is empty/);
    bad('playground/decide', { connectionId: 'c', entryId: 'p1', approve: 'yes' }, /approve must be true or false/);
    bad('playground/send', { connectionId: 'c', text: 'hi', tools: [] }, /unknown field "tools"/);
  });
});
