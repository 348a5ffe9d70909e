/**
 * The extension's answering services with the fake vscode module: the notification for a request
 * the inspector does not show (and its Open), the URL consent (only http/https is ever opened, and
 * only after the person accepted), drafts from a VS Code language model (messages, maxTokens,
 * the errors people see), roots changes reaching connected servers, one task runner per connection.
 */
import { fakeVscode, ui } from './fakeVscode';
import { lmCalls, opened, setModels } from './fakeVscodeAnswers';
import * as assert from 'node:assert/strict';
import type { Memento } from 'vscode';
import type { Connection } from '../../../src/core/connection';
import { Emitter } from '../../../src/core/events';
import type { ConnectionChange, ConnectionManager } from '../../../src/core/manager';
import type { ServerRequest } from '../../../src/core/serverRequests';
import { RootsStore } from '../../../src/extension/answers/roots';
import { ServerAnswers, timeLeft } from '../../../src/extension/answers/serverAnswers';
import type { FocusTarget, JsonObject } from '../../../src/shared/protocol';

const none = { dispose: () => undefined };

function model(id: string, reply: string | Error) {
  return {
    id,
    name: `Model ${id}`,
    vendor: 'test',
    family: id,
    sendRequest: async (messages: Array<{ role: string; text: string }>, options: unknown) => {
      lmCalls.push({ messages, options });
      if (reply instanceof Error) throw reply;
      return {
        text: (async function* () {
          yield reply.slice(0, 3);
          yield reply.slice(3);
        })(),
      };
    },
  };
}

class MemoryMemento {
  private data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown) {
    this.data.set(key, value);
  }
  keys() {
    return [...this.data.keys()];
  }
}

let n = 0;
function request(kind: ServerRequest['kind'], params: JsonObject): ServerRequest {
  return {
    id: `c1#${++n}`,
    connectionId: 'c1',
    kind,
    method: kind === 'sampling' ? 'sampling/createMessage' : kind === 'roots' ? 'roots/list' : 'elicitation/create',
    wire: 'request',
    params,
    receivedAt: Date.now(),
  };
}

function setup(options: { shows?: boolean } = {}) {
  const changes = new Emitter<ConnectionChange>();
  const notified: string[] = [];
  const elicitationComplete = new Emitter<string>();
  const connection = {
    id: 'c1',
    config: { id: 'c1', name: 'Srv', transport: 'stdio', command: 'x', args: [] },
    isConnected: true,
    notifyRootsChanged: async () => {
      notified.push('c1');
    },
    onNotification: () => none,
    onDidChangeStatus: () => none,
    onElicitationComplete: elicitationComplete.event,
  } as unknown as Connection;
  const manager = {
    onDidChange: changes.event,
    list: () => [connection],
    get: (id: string) => (id === 'c1' ? connection : undefined),
  } as unknown as ConnectionManager;
  const roots = new RootsStore(new MemoryMemento() as unknown as Memento, () => []);
  const focused: FocusTarget[] = [];
  const answers = new ServerAnswers({
    roots,
    log: { warn: () => undefined, info: () => undefined } as never,
    inspectorShows: () => options.shows ?? false,
    openInspector: (target) => focused.push(target),
  });
  answers.bind(manager);
  return { answers, connection, changes, notified, focused, roots, elicitationComplete };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('extension answering services (ServerAnswers)', () => {
  let current: ReturnType<typeof setup> | undefined;
  beforeEach(() => {
    ui.reset([]);
    opened.length = 0;
    lmCalls.length = 0;
    setModels([]);
  });
  afterEach(() => current?.answers.dispose());

  it('declares elicitation (form and url), sampling (tools, context) and roots with listChanged', () => {
    current = setup();
    assert.deepEqual(current.answers.queue.capabilities, {
      elicitation: { form: true, url: true },
      sampling: { tools: true, context: true },
      roots: { listChanged: true },
    });
  });

  it('announces a request the inspector does not show, as text, with Open going to the Requests tab', async () => {
    current = setup();
    const shown: Array<{ text: string; items: string[] }> = [];
    const original = fakeVscode.window.showInformationMessage;
    fakeVscode.window.showInformationMessage = (async (text: string, ...items: string[]) => {
      shown.push({ text, items });
      return 'Open';
    }) as never;
    try {
      const controller = new AbortController();
      const asked = request('elicitation-form', { message: 'See [this](command:evil) now', requestedSchema: {} });
      void current.answers.queue.answer(asked, controller.signal).catch(() => undefined);
      await flush();
      assert.equal(shown.length, 1);
      assert.match(shown[0].text, /^Srv asks: See \[this\] \(command:evil\) now \(answer within 10 min\)$/);
      assert.deepEqual(shown[0].items, ['Open']);
      assert.deepEqual(current.focused, [{ connectionId: 'c1', tab: 'requests', item: asked.id }]);
      // Roots are answered without the person: nothing to announce.
      await current.answers.queue.answer(request('roots', {}), controller.signal);
      await flush();
      assert.equal(shown.length, 1);
      controller.abort();
    } finally {
      fakeVscode.window.showInformationMessage = original;
    }
  });

  it('rounds the time left to answer for the notification', () => {
    assert.equal(timeLeft(45_200), '45 s');
    assert.equal(timeLeft(-5), '1 s');
    assert.equal(timeLeft(10 * 60_000 - 300), '10 min');
  });

  it('does not announce what the inspector already shows', async () => {
    current = setup({ shows: true });
    const controller = new AbortController();
    void current.answers.queue.answer(request('elicitation-form', { message: 'x' }), controller.signal).catch(() => 0);
    await flush();
    assert.equal(ui.messages.length, 0);
    controller.abort();
  });

  it('opens an elicitation URL only when the person accepts, then replies', async () => {
    current = setup({ shows: true });
    const controller = new AbortController();
    const ask = (url: string) => {
      const r = request('elicitation-url', { mode: 'url', message: 'Sign in', url, elicitationId: `e${n}` });
      const answer = current!.answers.queue.answer(r, controller.signal);
      return { id: r.id, answer };
    };
    const declined = ask('https://auth.example.com/start');
    assert.equal(
      await current.answers.answer('c1', declined.id, { kind: 'elicitation-url', action: 'decline' }),
      'declined',
    );
    assert.deepEqual(await declined.answer, { action: 'decline' });
    assert.deepEqual(opened, [], 'a decline opens nothing');

    const accepted = ask('https://auth.example.com/start?x=1');
    assert.equal(
      await current.answers.answer('c1', accepted.id, { kind: 'elicitation-url', action: 'accept' }),
      'answered',
    );
    assert.deepEqual(opened, ['https://auth.example.com/start?x=1']);
    assert.deepEqual(await accepted.answer, { action: 'accept' });

    // An answer of another kind does not fit.
    const third = ask('https://auth.example.com/again');
    await assert.rejects(
      current.answers.answer('c1', third.id, { kind: 'elicitation', action: 'accept', content: {} }),
      /does not fit this elicitation-url request/,
    );
    await assert.rejects(
      current.answers.answer('c1', 'c1#nope', { kind: 'roots', action: 'send' }),
      /no longer in the queue/,
    );
    controller.abort();
    await third.answer.catch(() => undefined);
  });

  it("notes the server's elicitation/complete on the URL request it finishes, pending or answered", async () => {
    current = setup({ shows: true });
    const controller = new AbortController();
    const r = request('elicitation-url', {
      mode: 'url',
      message: 'Sign in',
      url: 'https://a.example/x',
      elicitationId: 'flow-7',
    });
    const answer = current.answers.queue.answer(r, controller.signal);
    await current.answers.answer('c1', r.id, { kind: 'elicitation-url', action: 'accept' });
    await answer;
    current.elicitationComplete.fire('another-flow');
    assert.doesNotMatch(current.answers.requests('c1')[0].outcome ?? '', /elicitation\/complete/);
    current.elicitationComplete.fire('flow-7');
    const [view] = current.answers.requests('c1');
    assert.equal(view.state, 'answered');
    assert.match(view.outcome ?? '', /reported the flow complete \(elicitation\/complete\)/);
    controller.abort();
  });

  it('drafts a sampling reply with a VS Code language model and says what went wrong when it cannot', async () => {
    current = setup({ shows: true });
    const controller = new AbortController();
    const r = request('sampling', {
      systemPrompt: 'Be brief.',
      maxTokens: 50,
      modelPreferences: { hints: [{ name: 'beta' }] },
      messages: [{ role: 'user', content: { type: 'text', text: 'Hello?' } }],
    });
    const pending = current.answers.queue.answer(r, controller.signal).catch(() => undefined);

    await assert.rejects(
      current.answers.draft('c1', r.id, undefined, controller.signal),
      /No language model is available in VS Code to draft a reply/,
    );

    setModels([model('alpha', 'from alpha'), model('beta', 'Hi there')]);
    assert.deepEqual(await current.answers.models(), [
      { id: 'alpha', name: 'Model alpha', vendor: 'test', family: 'alpha' },
      { id: 'beta', name: 'Model beta', vendor: 'test', family: 'beta' },
    ]);
    const draft = await current.answers.draft('c1', r.id, undefined, controller.signal);
    assert.deepEqual(draft, {
      role: 'assistant',
      content: { type: 'text', text: 'Hi there' },
      model: 'beta',
      stopReason: 'endTurn',
    });
    assert.deepEqual(lmCalls[0].messages, [
      { role: 'user', text: 'System instructions from the server:\nBe brief.' },
      { role: 'user', text: 'Hello?' },
    ]);
    assert.deepEqual((lmCalls[0].options as { modelOptions: unknown }).modelOptions, { maxTokens: 50 });
    assert.equal((await current.answers.draft('c1', r.id, 'alpha', controller.signal)).model, 'alpha');
    await assert.rejects(current.answers.draft('c1', r.id, 'gone', controller.signal), /"gone" is not available/);

    const refusal = Object.assign(new Error('consent'), { name: 'LanguageModelError', code: 'NoPermissions' });
    setModels([model('gamma', refusal)]);
    await assert.rejects(current.answers.draft('c1', r.id, undefined, controller.signal), /may not use Model gamma/);
    // Drafting sends nothing: the request still waits for the person.
    assert.equal(current.answers.requests('c1')[0].state, 'pending');
    controller.abort();
    await pending;
  });

  it('tells connected servers when their roots change, and keeps one task runner per connection', async () => {
    current = setup();
    await current.answers.setRoots('c1', [{ uri: 'file:///data' }]);
    current.roots.workspaceChanged(); // c1 has its own list now: the workspace does not concern it
    await current.answers.setRoots('c1', null);
    current.roots.workspaceChanged();
    await flush();
    assert.deepEqual(current.notified, ['c1', 'c1', 'c1']);

    const runner = current.answers.tasksFor(current.connection);
    assert.equal(current.answers.tasksFor(current.connection), runner);
    current.changes.fire({ connection: current.connection, kind: 'removed' });
    assert.notEqual(current.answers.tasksFor(current.connection), runner, 'a removed connection loses its runner');
  });
});
