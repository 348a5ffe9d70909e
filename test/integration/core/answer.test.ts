/**
 * Answering the server (issue 11): the client capabilities a Connection declares from its
 * ServerRequestHandler, and elicitation (form, URL), sampling and roots answered through the
 * ServerRequestQueue, on both wires: 2025 server→client requests and 2026-07-28 input_required
 * rounds. Against the answer fixture (v2 server SDK) over stdio and HTTP on both eras, and against
 * the real server-everything (2025).
 */
import { strict as assert } from 'node:assert';
import { CLIENT_CAPABILITIES_META_KEY } from '@modelcontextprotocol/server';
import type { ConnectionConfig } from '../../../src/core/config';
import { Connection } from '../../../src/core/connection';
import { ConnectionError } from '../../../src/core/errors';
import { ServerRequestQueue } from '../../../src/core/serverRequestQueue';
import type { ClientCapabilityChoice } from '../../../src/core/serverRequests';
import type { JsonObject, RootView, ServerRequestView } from '../../../src/shared/protocol';
import { ASK_URL, ITEM_TEMPLATE } from '../../fixtures/answer/answerFactory';
import { startAnswerHttpServer, type AnswerHttpServer } from '../../fixtures/answer/answerHttpServer';
import { ANSWER_STDIO_SERVER_PATH } from '../../fixtures/answer/answerStdioServer';
import { startLateStreamHttpServer, type LateStreamHttpServer } from '../../fixtures/answer/lateStreamHttpServer';
import { ERAS_STDIO_SERVER_PATH } from '../../fixtures/eras/erasStdioServer';
import { everythingStdioCommand } from '../../support/everything';

type Era = '2025' | '2026-07-28';
type Via = 'stdio' | 'http';

const ALL: ClientCapabilityChoice = {
  elicitation: { form: true, url: true },
  sampling: { tools: false, context: false },
  roots: { listChanged: true },
};
/**
 * The fixture's stdio server starts through tsx, which on a loaded machine may take longer than the
 * default 5 s the server/discover probe waits for a pinned 2026-07-28 stdio server: these tests are
 * about answering the server, not about the probe.
 */
const PATIENT = { stdioProbeTimeoutMs: 30_000 };
const SAMPLE = { role: 'assistant', model: 'test-model', content: { type: 'text', text: 'hi from the model' } };

let counter = 0;
const nextId = () => `answer-${++counter}`;

function firstText(result: { content?: unknown[] }): string {
  const block = result.content?.find((c) => typeof (c as { text?: unknown }).text === 'string') as
    { text: string } | undefined;
  return block?.text ?? '';
}

function answerConfig(via: Via, protocol: Era, url?: string, extraArgs: string[] = []): ConnectionConfig {
  return via === 'stdio'
    ? {
        id: nextId(),
        name: `answer-stdio-${protocol}`,
        transport: 'stdio',
        command: process.execPath,
        args: ['--import', 'tsx', ANSWER_STDIO_SERVER_PATH, ...extraArgs],
        protocol,
      }
    : { id: nextId(), name: `answer-http-${protocol}`, transport: 'streamable-http', url: url!, protocol };
}

/** Waits for the next request the queue starts waiting on. */
function nextEnqueued(queue: ServerRequestQueue, timeoutMs = 15_000): Promise<ServerRequestView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('no server request arrived in time'));
    }, timeoutMs);
    const sub = queue.onDidEnqueue((view) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(view);
    });
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The client capabilities as they went over the wire: in `initialize` (2025) or each request's `_meta` (2026-07-28). */
function declaredCapabilities(connection: Connection): unknown {
  for (const entry of connection.trace.entries()) {
    if (entry.direction !== 'out') continue;
    const message = entry.message as { method?: string; params?: Record<string, unknown> };
    if (message.method === 'initialize') return message.params?.capabilities;
    if (message.method === 'tools/list') {
      return (message.params?._meta as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY];
    }
  }
  return undefined;
}

for (const via of ['stdio', 'http'] as const) {
  for (const era of ['2025', '2026-07-28'] as const) {
    const wire = era === '2025' ? 'request' : 'input-required';

    describe(`answering the server: answer fixture over ${via}, ${era}`, function () {
      this.timeout(60_000);
      let http: AnswerHttpServer | undefined;
      let queue: ServerRequestQueue;
      let connection: Connection;
      let roots: RootView[] = [{ uri: 'file:///work/one', name: 'One' }];

      before(async () => {
        if (via === 'http') http = await startAnswerHttpServer();
        queue = new ServerRequestQueue({ capabilities: ALL, rootsFor: () => roots, timeoutMs: 60_000 });
        connection = new Connection(answerConfig(via, era, http?.url), { ...PATIENT, serverRequests: queue });
        await connection.connect();
      });

      after(async () => {
        await connection?.dispose();
        queue?.dispose();
        await http?.close();
      });

      it('declares the capabilities of its handler, and the asking tools are listed', () => {
        assert.equal(connection.era, era === '2025' ? 'legacy' : 'modern');
        assert.deepEqual(declaredCapabilities(connection), {
          elicitation: { form: { applyDefaults: true }, url: {} },
          sampling: {},
          roots: { listChanged: true },
        });
        const names = connection.tools.map((t) => t.name);
        for (const name of ['ask-form', 'ask-url', 'ask-sample', 'list-roots']) assert.ok(names.includes(name), name);
      });

      it('form elicitation: the accepted content (with defaults) reaches the tool; the request says where it came from', async () => {
        const message = 'Who are you? <script>alert("x")</script><img src=x onerror=alert(1)>';
        const asked = nextEnqueued(queue);
        const call = connection.callTool('ask-form', { message });
        const view = await asked;
        assert.equal(view.kind, 'elicitation-form');
        assert.equal(view.method, 'elicitation/create');
        assert.equal(view.wire, wire);
        assert.deepEqual(view.cause, { method: 'tools/call', name: 'ask-form' });
        assert.equal(view.connectionId, connection.id);
        // Server text is data: verbatim, HTML and all.
        assert.equal(view.params.message, message);
        const schema = view.params.requestedSchema as {
          properties: Record<string, { oneOf?: Array<{ title: string }> }>;
        };
        assert.equal(schema.properties.color.oneOf?.[0].title, 'Red <b>hot</b>');
        assert.throws(
          () => queue.reply(connection.id, view.id, { kind: 'elicitation', action: 'accept', content: { name: 'B' } }),
          (e: unknown) => e instanceof ConnectionError && e.code === 'invalid-reply' && /"name"/.test(e.message),
        );
        const state = queue.reply(connection.id, view.id, {
          kind: 'elicitation',
          action: 'accept',
          content: { name: 'Bob', toppings: ['basil', 'olives'] },
        });
        assert.equal(state, 'answered');
        const result = await call;
        assert.equal(
          firstText(result),
          'form: accepted {"name":"Bob","toppings":["basil","olives"],"age":36,"color":"green","subscribe":true}',
        );
        assert.equal(queue.requests(connection.id)[0].outcome, 'accepted with 5 fields');
        // What the wire carried: an input_required result on 2026-07-28, a server→client request on 2025.
        const incoming = connection.trace.entries().filter((e) => e.direction === 'in');
        const inputRequired = incoming.filter(
          (e) => (e.message as { result?: { resultType?: unknown } }).result?.resultType === 'input_required',
        );
        const serverRequests = incoming.filter((e) => e.kind === 'request' && e.method === 'elicitation/create');
        assert.equal(inputRequired.length > 0, era === '2026-07-28');
        assert.equal(serverRequests.length > 0, era === '2025');
      });

      it('a handler that accepts a form without fields gets the schema defaults filled in (SEP-1034)', async () => {
        // Not the queue (which fills them itself): a bare handler, as a CLI may have, relies on applyDefaults.
        const handler = {
          capabilities: { elicitation: { form: true, url: false } },
          answer: async () => ({ action: 'accept', content: {} }),
        };
        const plain = new Connection(answerConfig(via, era, http?.url), { ...PATIENT, serverRequests: handler });
        try {
          await plain.connect();
          assert.equal(
            firstText(await plain.callTool('ask-form', {})),
            'form: accepted {"name":"Ada","age":36,"color":"green","subscribe":true}',
          );
        } finally {
          await plain.dispose();
        }
      });

      it('a handler reply of the wrong shape is not sent: the server gets an error that says so', async () => {
        const handler = {
          capabilities: { elicitation: { form: true, url: false } },
          answer: async () => ({ action: 'maybe' }),
        };
        const plain = new Connection(answerConfig(via, era, http?.url), { ...PATIENT, serverRequests: handler });
        try {
          await plain.connect();
          const expected =
            /MCP Lens could not answer elicitation\/create: the reply's action is not "accept", "decline" or "cancel"/;
          if (era === '2025') {
            const result = await plain.callTool('ask-form', {});
            assert.equal(result.isError, true);
            assert.match(firstText(result), expected);
          } else {
            await assert.rejects(
              plain.callTool('ask-form', {}),
              (e: unknown) =>
                e instanceof ConnectionError &&
                e.code === 'protocol' &&
                e.message.startsWith('tools/call stopped: ') &&
                expected.test(e.message),
            );
          }
        } finally {
          await plain.dispose();
        }
      });

      it('form elicitation: decline and cancel reach the tool as such', async () => {
        for (const action of ['decline', 'cancel'] as const) {
          const asked = nextEnqueued(queue);
          const call = connection.callTool('ask-form', {});
          const view = await asked;
          queue.reply(connection.id, view.id, { kind: 'elicitation', action });
          assert.equal(firstText(await call), `form: ${action}`);
        }
      });

      it('URL elicitation: the origin is shown, consent is sent, and on 2025 the completion is announced', async () => {
        const completed: string[] = [];
        const sub = connection.onElicitationComplete((id) => completed.push(id));
        try {
          const asked = nextEnqueued(queue);
          const call = connection.callTool('ask-url', {});
          const view = await asked;
          assert.equal(view.kind, 'elicitation-url');
          assert.equal(view.params.url, ASK_URL);
          assert.equal(view.urlOrigin, 'https://auth.example.com');
          assert.match(String(view.params.message), /<script>alert\(1\)<\/script>/);
          queue.reply(connection.id, view.id, { kind: 'elicitation-url', action: 'accept' });
          assert.equal(firstText(await call), 'url: accepted {}');
          if (era === '2025') {
            assert.equal(view.params.elicitationId, 'elicit-url-1');
            await until(() => completed.length > 0, 'notifications/elicitation/complete');
            assert.deepEqual(completed, ['elicit-url-1']);
          } else {
            assert.deepEqual(completed, [], '2026-07-28 has no elicitation/complete');
          }
        } finally {
          sub.dispose();
        }
      });

      it('sampling: the reply reaches the tool; a decline is refused', async () => {
        let asked = nextEnqueued(queue);
        let call = connection.callTool('ask-sample', { prompt: 'Say <b>hi</b>' });
        let view = await asked;
        assert.equal(view.kind, 'sampling');
        assert.equal(view.wire, wire);
        assert.deepEqual((view.params.messages as JsonObject[])[0], {
          role: 'user',
          content: { type: 'text', text: 'Say <b>hi</b>' },
        });
        queue.reply(connection.id, view.id, { kind: 'sampling', action: 'send', result: SAMPLE });
        assert.equal(firstText(await call), 'sample from test-model: hi from the model');

        asked = nextEnqueued(queue);
        call = connection.callTool('ask-sample', {});
        view = await asked;
        assert.equal(queue.reply(connection.id, view.id, { kind: 'sampling', action: 'decline' }), 'declined');
        if (era === '2025') {
          // The server gets the JSON-RPC error; the v2 server SDK turns it into an isError result.
          const result = await call;
          assert.equal(result.isError, true);
          assert.match(firstText(result), /The user declined the sampling request/);
        } else {
          // On 2026-07-28 a refused input request ends the call that asked (the client stops its rounds).
          await assert.rejects(
            call,
            (e: unknown) =>
              e instanceof ConnectionError &&
              e.code === 'cancelled' &&
              /tools\/call stopped: MCP Lens refused what the server asked for \(The user declined the sampling request\)/.test(
                e.message,
              ),
          );
        }
        assert.ok(connection.isConnected);
      });

      it('roots: answered from rootsFor without asking; a change is announced on 2025 and seen by the next call', async () => {
        let enqueued = 0;
        const sub = queue.onDidEnqueue(() => enqueued++);
        try {
          assert.equal(
            firstText(await connection.callTool('list-roots', {})),
            'roots: [{"uri":"file:///work/one","name":"One"}]',
          );
          roots = [{ uri: 'file:///work/two' }];
          const before = connection.trace.entries().length;
          await connection.notifyRootsChanged();
          const sent = connection.trace
            .entries()
            .slice(before)
            .filter((e) => e.direction === 'out' && e.method === 'notifications/roots/list_changed');
          assert.equal(sent.length, era === '2025' ? 1 : 0);
          assert.equal(firstText(await connection.callTool('list-roots', {})), 'roots: [{"uri":"file:///work/two"}]');
          assert.equal(enqueued, 0, 'roots are never put to the person when rootsFor answers them');
          const view = queue.requests(connection.id).find((v) => v.kind === 'roots')!;
          assert.equal(view.state, 'answered');
          assert.equal(view.outcome, 'sent 1 root');
          assert.equal(view.wire, wire);
        } finally {
          sub.dispose();
        }
      });

      it('completions: values for a prompt argument and a template variable', async () => {
        assert.deepEqual(
          await connection.complete({ type: 'ref/prompt', name: 'greet-in' }, { name: 'language', value: 'es' }),
          { values: ['esperanto', 'estonian'], total: 2, hasMore: false },
        );
        assert.deepEqual(
          (await connection.complete({ type: 'ref/resource', uri: ITEM_TEMPLATE }, { name: 'id', value: 'al' })).values,
          ['alpha', 'alpine'],
        );
      });

      it('logging: the level set is kept and filters the messages', async () => {
        assert.equal(connection.loggingLevel, undefined);
        await connection.setLoggingLevel('error');
        assert.equal(connection.loggingLevel, 'error');
        const seen: string[] = [];
        const sub = connection.onServerLog((entry) => seen.push(`${entry.level} ${String(entry.data)}`));
        try {
          await connection.callTool('log-all', { message: '<i>hi</i>' });
          await until(() => seen.length >= 4, 'the log messages');
          await new Promise((r) => setTimeout(r, 100));
          assert.deepEqual(seen, [
            'error error: <i>hi</i>',
            'critical critical: <i>hi</i>',
            'alert alert: <i>hi</i>',
            'emergency emergency: <i>hi</i>',
          ]);
        } finally {
          sub.dispose();
        }
      });

      it('a request left unanswered times out in the queue; the elicitation goes back as cancel', async () => {
        const shortQueue = new ServerRequestQueue({ capabilities: ALL, timeoutMs: 300 });
        const short = new Connection(answerConfig(via, era, http?.url), { ...PATIENT, serverRequests: shortQueue });
        try {
          await short.connect();
          const result = await short.callTool('ask-form', {});
          assert.equal(firstText(result), 'form: cancel');
          const [view] = shortQueue.requests(short.id);
          assert.equal(view.state, 'timed-out');
          assert.equal(view.outcome, 'timed out after 300 ms without an answer');
        } finally {
          await short.dispose();
          shortQueue.dispose();
        }
      });

      if (era === '2026-07-28') {
        it('cancelling the call that asked cancels its request in the queue', async () => {
          const abort = new AbortController();
          const asked = nextEnqueued(queue);
          const call = connection.callTool('ask-form', {}, { signal: abort.signal });
          const view = await asked;
          abort.abort();
          await assert.rejects(call, (e: unknown) => e instanceof ConnectionError && e.code === 'cancelled');
          await until(
            () => queue.requests(connection.id).find((v) => v.id === view.id)?.state === 'cancelled',
            'the request to be cancelled',
          );
          assert.match(
            queue.requests(connection.id).find((v) => v.id === view.id)!.outcome!,
            /^cancelled: the call that asked for it ended/,
          );
          assert.ok(connection.isConnected);
        });
      } else {
        it('the server cancelling its request cancels it in the queue', async () => {
          const server = via === 'http' ? await startAnswerHttpServer({ roundTimeoutMs: 400 }) : undefined;
          const patientQueue = new ServerRequestQueue({ capabilities: ALL });
          const impatient = new Connection(answerConfig(via, era, server?.url, ['--round-timeout-ms', '400']), {
            ...PATIENT,
            serverRequests: patientQueue,
          });
          try {
            await impatient.connect();
            const asked = nextEnqueued(patientQueue);
            const call = impatient.callTool('ask-form', {});
            const view = await asked;
            const result = await call;
            assert.equal(result.isError, true, 'the shim gives up with an isError result');
            await until(
              () => patientQueue.requests(impatient.id).find((v) => v.id === view.id)?.state === 'cancelled',
              'the request to be cancelled',
            );
            assert.match(
              patientQueue.requests(impatient.id).find((v) => v.id === view.id)!.outcome!,
              /^cancelled: the server cancelled the request/,
            );
          } finally {
            await impatient.dispose();
            patientQueue.dispose();
            await server?.close();
          }
        });
      }

      if (via === 'http') {
        it('disconnecting cancels what is pending in the queue', async () => {
          const ownQueue = new ServerRequestQueue({ capabilities: ALL });
          const own = new Connection(answerConfig(via, era, http?.url), { ...PATIENT, serverRequests: ownQueue });
          try {
            await own.connect();
            const asked = nextEnqueued(ownQueue);
            const failed = own.callTool('ask-sample', {}).then(
              () => undefined,
              (e: unknown) => e,
            );
            const view = await asked;
            await own.disconnect();
            assert.ok((await failed) instanceof Error, 'the call fails');
            const ended = ownQueue.requests(own.id).find((v) => v.id === view.id)!;
            assert.equal(ended.state, 'cancelled');
            assert.equal(ended.outcome, 'cancelled: the connection closed');
          } finally {
            await own.dispose();
            ownQueue.dispose();
          }
        });
      }

      it('without a handler: no capabilities, the tools still list, and asking fails with a clear message', async () => {
        const bare = new Connection(answerConfig(via, era, http?.url), PATIENT);
        try {
          await bare.connect();
          assert.ok(bare.tools.some((t) => t.name === 'ask-form'));
          const declared = declaredCapabilities(bare);
          assert.ok(declared === undefined || Object.keys(declared as object).length === 0, JSON.stringify(declared));
          if (era === '2025') {
            const result = await bare.callTool('ask-form', {});
            assert.equal(result.isError, true);
            assert.match(firstText(result), /did not declare the required capability/);
          } else {
            await assert.rejects(
              bare.callTool('ask-form', {}),
              (e: unknown) =>
                e instanceof ConnectionError &&
                e.code === 'protocol' &&
                /The server asked for elicitation to complete tools\/call .*which MCP Lens cannot answer yet/.test(
                  e.message,
                ),
            );
          }
        } finally {
          await bare.dispose();
        }
      });
    });
  }
}

describe('answering the server: completions need the capability', function () {
  this.timeout(60_000);
  it('complete() on a server without completions says so', async () => {
    const connection = new Connection({
      id: nextId(),
      name: 'eras-no-completions',
      transport: 'stdio',
      command: process.execPath,
      args: ['--import', 'tsx', ERAS_STDIO_SERVER_PATH, '--mode', 'dual'],
      protocol: '2025',
    });
    try {
      await connection.connect();
      await assert.rejects(
        connection.complete({ type: 'ref/prompt', name: 'greet' }, { name: 'name', value: 'a' }),
        (e: unknown) =>
          e instanceof ConnectionError && e.code === 'protocol' && /does not offer completions/.test(e.message),
      );
    } finally {
      await connection.dispose();
    }
  });
});

describe('answering the server: server-everything (2025) with a handler', function () {
  this.timeout(60_000);
  let queue: ServerRequestQueue;
  let connection: Connection;
  let roots: RootView[] = [{ uri: 'file:///everything/one', name: 'One' }];
  const responder = (view: ServerRequestView) => {
    if (view.kind === 'elicitation-form') {
      queue.reply(view.connectionId, view.id, {
        kind: 'elicitation',
        action: 'accept',
        content: { name: 'Ada Lovelace', check: true, email: 'ada@example.com', untitledMultipleSelectEnum: ['Piano'] },
      });
    } else if (view.kind === 'sampling') {
      queue.reply(view.connectionId, view.id, { kind: 'sampling', action: 'send', result: SAMPLE });
    }
  };

  before(async () => {
    queue = new ServerRequestQueue({ capabilities: ALL, rootsFor: () => roots });
    queue.onDidEnqueue(responder);
    const { command, args } = everythingStdioCommand();
    connection = new Connection(
      { id: nextId(), name: 'everything', transport: 'stdio', command, args },
      { serverRequests: queue },
    );
    await connection.connect();
  });

  after(async () => {
    await connection?.dispose();
    queue?.dispose();
  });

  it('lists its elicitation, sampling and roots tools', async () => {
    // server-everything registers them once it has seen the client's capabilities.
    await until(() => connection.tools.some((t) => t.name === 'get-roots-list'), 'the conditional tools');
    const names = connection.tools.map((t) => t.name);
    for (const name of ['trigger-elicitation-request', 'trigger-sampling-request', 'get-roots-list']) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
  });

  it('trigger-elicitation-request gets the accepted form', async () => {
    const result = await connection.callTool('trigger-elicitation-request', {});
    const text = (result.content ?? []).map((c) => (c as { text?: string }).text ?? '').join('\n');
    assert.match(text, /Ada Lovelace/);
    const view = queue.requests(connection.id).find((v) => v.kind === 'elicitation-form')!;
    assert.equal(view.state, 'answered');
    assert.deepEqual(view.cause, { method: 'tools/call', name: 'trigger-elicitation-request' });
  });

  it('trigger-sampling-request gets the sampled reply', async () => {
    const result = await connection.callTool('trigger-sampling-request', { prompt: 'hello' });
    assert.match(firstText(result), /hi from the model/);
    assert.match(firstText(result), /test-model/);
  });

  it('get-roots-list shows the roots, and asks again after roots/list_changed', async () => {
    assert.match(firstText(await connection.callTool('get-roots-list', {})), /file:\/\/\/everything\/one/);
    const asked = () => queue.requests(connection.id).filter((v) => v.kind === 'roots').length;
    const before = asked();
    roots = [{ uri: 'file:///everything/two', name: 'Two' }];
    await connection.notifyRootsChanged();
    await until(() => asked() > before, 'roots/list after list_changed');
    assert.match(firstText(await connection.callTool('get-roots-list', {})), /file:\/\/\/everything\/two/);
  });
});

describe('answering the server: a question sent over the 2025 GET stream', function () {
  this.timeout(30_000);
  let server: LateStreamHttpServer;
  before(async () => {
    server = await startLateStreamHttpServer({ getDelayMs: 1500 });
  });
  after(async () => server?.close());

  it('connecting waits for the GET stream, so a question not tied to the call is not dropped', async () => {
    // The server answers the GET stream 1.5 s late and drops a question asked before that (the
    // v1 server SDK does): a call sent as soon as initialize is done would hang.
    const handler = {
      capabilities: { elicitation: { form: true, url: false } },
      answer: async () => ({ action: 'accept', content: {} }),
    };
    const connection = new Connection(
      { id: nextId(), name: 'late-stream', transport: 'streamable-http', url: server.url, protocol: '2025' },
      { serverRequests: handler, requestTimeoutMs: 10_000 },
    );
    try {
      const started = Date.now();
      await connection.connect();
      assert.ok(Date.now() - started >= 1400, 'connect returned before the GET stream was answered');
      assert.equal(firstText(await connection.callTool('ask-out-of-band', {})), 'accept {"name":"Ada"}');
    } finally {
      await connection.dispose();
    }
  });
});

describe('raw requests and notifications (Connection.request / onNotification)', function () {
  this.timeout(60_000);
  let http: AnswerHttpServer;
  before(async () => {
    http = await startAnswerHttpServer();
  });
  after(async () => {
    await http?.close();
  });

  for (const era of ['2025', '2026-07-28'] as const) {
    it(`${era}: a raw request returns the result as sent; a notification listener hears the params until disposed`, async () => {
      const connection = new Connection(answerConfig('http', era, http.url));
      try {
        await connection.connect();
        const result = await connection.request<{ completion: { values: string[] } }>('completion/complete', {
          ref: { type: 'ref/prompt', name: 'greet-in' },
          argument: { name: 'language', value: 'fr' },
        });
        assert.deepEqual(result.completion.values, ['french']);
        const traced = connection.trace.entries().filter((e) => e.method === 'completion/complete');
        assert.ok(traced.length >= 1, 'the raw request is traced');

        await connection.setLoggingLevel('debug');
        const heard: JsonObject[] = [];
        const sub = connection.onNotification('notifications/message', (params) => heard.push(params));
        await connection.callTool('log-all', { message: 'raw' });
        await until(() => heard.length === 8, 'eight log notifications');
        assert.deepEqual(heard[0].data, 'debug: raw');
        assert.equal(heard[0].logger, 'answer-fixture');
        sub.dispose();
        await connection.callTool('log-all', { message: 'again' });
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(heard.length, 8, 'no more after dispose');

        await assert.rejects(
          connection.request('no/such-method', {}),
          (e: unknown) => e instanceof ConnectionError && /no\/such-method/.test(e.message),
        );
      } finally {
        await connection.dispose();
      }
    });
  }
});
