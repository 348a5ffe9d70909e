import { strict as assert } from 'node:assert';
import { ConnectionError } from '../../../src/core/errors';
import { ServerRequestQueue, checkFormReply } from '../../../src/core/serverRequestQueue';
import { ServerRequestRefused, type ServerRequest } from '../../../src/core/serverRequests';
import type { JsonObject, ServerRequestView } from '../../../src/shared/protocol';

const ALL = {
  elicitation: { form: true, url: true },
  sampling: { tools: false, context: false },
  roots: { listChanged: true },
};

const FORM_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 5, default: 'Ada' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    score: { type: 'number', maximum: 10 },
    color: {
      type: 'string',
      oneOf: [
        { const: 'red', title: 'Red' },
        { const: 'green', title: 'Green' },
      ],
    },
    size: { type: 'string', enum: ['s', 'm'] },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 1 },
    ok: { type: 'boolean', default: true },
  },
  required: ['name', 'color'],
};

let n = 0;
function request(kind: ServerRequest['kind'], params: JsonObject = {}, connectionId = 'c1'): ServerRequest {
  const method: ServerRequest['method'] =
    kind === 'sampling' ? 'sampling/createMessage' : kind === 'roots' ? 'roots/list' : 'elicitation/create';
  return { id: `r${++n}`, connectionId, kind, method, wire: 'request', params, receivedAt: 1000 };
}

function invalidReply(pattern: RegExp) {
  return (e: unknown) => e instanceof ConnectionError && e.code === 'invalid-reply' && pattern.test(e.message);
}

describe('ServerRequestQueue', () => {
  let queue: ServerRequestQueue;
  afterEach(() => queue?.dispose());

  it('queues a form elicitation, announces it, and sends the accepted content with defaults filled in', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL, now: () => 5000, timeoutMs: 60_000 });
    const enqueued: ServerRequestView[] = [];
    const changed: string[] = [];
    queue.onDidEnqueue((v) => enqueued.push(v));
    queue.onDidChange((id) => changed.push(id));
    const r = request('elicitation-form', { message: 'Who?', requestedSchema: FORM_SCHEMA });
    const answer = queue.answer(r, new AbortController().signal);
    assert.equal(enqueued.length, 1);
    assert.equal(enqueued[0].id, r.id);
    assert.equal(enqueued[0].state, 'pending');
    assert.equal(enqueued[0].deadline, 65_000);
    assert.deepEqual(changed, ['c1']);
    assert.equal(queue.requests('c1')[0].state, 'pending');

    const state = queue.reply('c1', r.id, { kind: 'elicitation', action: 'accept', content: { color: 'red' } });
    assert.equal(state, 'answered');
    assert.deepEqual(await answer, { action: 'accept', content: { color: 'red', name: 'Ada', ok: true } });
    const [view] = queue.requests('c1');
    assert.equal(view.state, 'answered');
    assert.equal(view.outcome, 'accepted with 3 fields');
    assert.equal(view.answeredAt, 5000);
  });

  it('rejects a form reply that does not fit the schema, naming the field, and keeps the request pending', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const r = request('elicitation-form', { message: 'Who?', requestedSchema: FORM_SCHEMA });
    const answer = queue.answer(r, new AbortController().signal);
    const bad: Array<[JsonObject, RegExp]> = [
      [{ name: 'Bo' }, /"color" is required/],
      [{ color: 'blue' }, /"color" must be one of "red", "green"/],
      [{ color: 'red', name: 'B' }, /"name" must be at least 2 characters/],
      [{ color: 'red', name: 'Bobbyyy' }, /"name" must be at most 5 characters/],
      [{ color: 'red', name: 7 }, /"name" must be text/],
      [{ color: 'red', age: 1.5 }, /"age" must be a whole number/],
      [{ color: 'red', age: -1 }, /"age" must be at least 0/],
      [{ color: 'red', score: 11 }, /"score" must be at most 10/],
      [{ color: 'red', score: '3' }, /"score" must be a number/],
      [{ color: 'red', size: 'xl' }, /"size" must be one of "s", "m"/],
      [{ color: 'red', tags: ['c'] }, /"tags" has "c"/],
      [{ color: 'red', tags: ['a', 'b'] }, /"tags" allows at most 1 choice/],
      [{ color: 'red', ok: 'yes' }, /"ok" must be true or false/],
      [{ color: 'red', extra: 1 }, /"extra" is not part of the form/],
    ];
    for (const [content, pattern] of bad) {
      assert.throws(
        () => queue.reply('c1', r.id, { kind: 'elicitation', action: 'accept', content }),
        invalidReply(pattern),
      );
    }
    assert.equal(queue.requests('c1')[0].state, 'pending');
    assert.throws(
      () => queue.reply('c1', r.id, { kind: 'sampling', action: 'decline' }),
      invalidReply(/does not answer/),
    );
    queue.reply('c1', r.id, { kind: 'elicitation', action: 'accept', content: { color: 'green', tags: ['b'] } });
    assert.deepEqual(((await answer) as { content: JsonObject }).content.tags, ['b']);
  });

  it('sends decline and cancel as elicitation actions', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const a = request('elicitation-form', { requestedSchema: FORM_SCHEMA });
    const b = request('elicitation-form', { requestedSchema: FORM_SCHEMA });
    const pa = queue.answer(a, new AbortController().signal);
    const pb = queue.answer(b, new AbortController().signal);
    assert.deepEqual(
      queue.requests('c1').map((v) => v.id),
      [a.id, b.id],
      'pending in arrival order',
    );
    assert.equal(queue.reply('c1', a.id, { kind: 'elicitation', action: 'decline' }), 'declined');
    assert.equal(queue.reply('c1', b.id, { kind: 'elicitation', action: 'cancel' }), 'cancelled');
    assert.deepEqual(await pa, { action: 'decline' });
    assert.deepEqual(await pb, { action: 'cancel' });
    assert.deepEqual(
      queue.requests('c1').map((v) => [v.id, v.state, v.outcome]),
      [
        [b.id, 'cancelled', 'cancelled by the user'],
        [a.id, 'declined', 'declined'],
      ],
      'ended ones most recent first',
    );
  });

  it('gives a URL elicitation its origin, and refuses a URL that is not http(s) without queueing it', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const r = request('elicitation-url', { mode: 'url', url: 'https://Auth.Example.com:8443/x?y=1', message: 'go' });
    const answer = queue.answer(r, new AbortController().signal);
    assert.equal(queue.requests('c1')[0].urlOrigin, 'https://auth.example.com:8443');
    queue.reply('c1', r.id, { kind: 'elicitation-url', action: 'accept' });
    assert.deepEqual(await answer, { action: 'accept' });
    assert.match(queue.requests('c1')[0].outcome!, /consented to open the page on https:\/\/auth\.example\.com:8443/);

    for (const url of ['javascript:alert(1)', 'not a url', 42]) {
      const bad = request('elicitation-url', { mode: 'url', url, message: 'go' });
      await assert.rejects(
        queue.answer(bad, new AbortController().signal),
        (e: unknown) => e instanceof ServerRequestRefused && /not an http\(s\) URL/.test(e.message),
      );
      const view = queue.requests('c1').find((v) => v.id === bad.id)!;
      assert.equal(view.state, 'failed');
      assert.equal(view.urlOrigin, undefined);
    }
  });

  it('sends a sampling result, and declines with ServerRequestRefused code -1', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const a = request('sampling', { messages: [] });
    const pa = queue.answer(a, new AbortController().signal);
    assert.throws(
      () => queue.reply('c1', a.id, { kind: 'sampling', action: 'send', result: { role: 'assistant', content: {} } }),
      invalidReply(/must name its model/),
    );
    const result = { role: 'assistant', model: 'm', content: { type: 'text', text: 'hi' } };
    queue.reply('c1', a.id, { kind: 'sampling', action: 'send', result });
    assert.deepEqual(await pa, result);

    const b = request('sampling', { messages: [] });
    const pb = queue.answer(b, new AbortController().signal);
    assert.equal(queue.reply('c1', b.id, { kind: 'sampling', action: 'decline', reason: 'not now' }), 'declined');
    await assert.rejects(pb, (e: unknown) => {
      assert.ok(e instanceof ServerRequestRefused);
      assert.equal(e.message, 'The user declined the sampling request');
      assert.equal(e.code, -1);
      return true;
    });
    assert.equal(queue.requests('c1')[0].outcome, 'declined: not now');
  });

  it('answers roots at once from rootsFor, without queueing or announcing them', async () => {
    const seen: string[] = [];
    queue = new ServerRequestQueue({
      capabilities: ALL,
      rootsFor: (id) => {
        seen.push(id);
        return [{ uri: 'file:///a', name: 'A' }, { uri: 'file:///b' }];
      },
    });
    let enqueued = 0;
    queue.onDidEnqueue(() => enqueued++);
    const r = request('roots', {}, 'c2');
    assert.deepEqual(await queue.answer(r, new AbortController().signal), {
      roots: [{ uri: 'file:///a', name: 'A' }, { uri: 'file:///b' }],
    });
    assert.deepEqual(seen, ['c2']);
    assert.equal(enqueued, 0);
    const [view] = queue.requests('c2');
    assert.equal(view.state, 'answered');
    assert.equal(view.outcome, 'sent 2 roots');
  });

  it('without rootsFor, queues roots for the person, who may decline', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const r = request('roots');
    const answer = queue.answer(r, new AbortController().signal);
    assert.equal(queue.reply('c1', r.id, { kind: 'roots', action: 'decline' }), 'declined');
    await assert.rejects(answer, ServerRequestRefused);
  });

  it('cancels a pending request when its signal aborts, saying why', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const abort = new AbortController();
    const r = request('sampling', { messages: [] });
    const answer = queue.answer(r, abort.signal);
    abort.abort(new Error('The server cancelled the request (user gave up).'));
    await assert.rejects(answer, /The server cancelled the request/);
    const [view] = queue.requests('c1');
    assert.equal(view.state, 'cancelled');
    assert.equal(view.outcome, 'cancelled: the server cancelled the request (user gave up)');
    assert.throws(
      () => queue.reply('c1', r.id, { kind: 'sampling', action: 'decline' }),
      (e: unknown) =>
        e instanceof ConnectionError && e.code === 'not-found' && /no longer pending: cancelled/.test(e.message),
    );
  });

  it('times out: an elicitation is sent as cancel, anything else is refused', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL, timeoutMs: 30 });
    const form = queue.answer(
      request('elicitation-form', { requestedSchema: FORM_SCHEMA }),
      new AbortController().signal,
    );
    const sample = queue.answer(request('sampling', { messages: [] }), new AbortController().signal);
    assert.deepEqual(await form, { action: 'cancel' });
    await assert.rejects(
      sample,
      (e: unknown) => e instanceof ServerRequestRefused && /No answer within 30 ms/.test(e.message),
    );
    const views = queue.requests('c1');
    assert.deepEqual(
      views.map((v) => v.state),
      ['timed-out', 'timed-out'],
    );
    assert.equal(views[0].outcome, 'timed out after 30 ms without an answer');
  });

  it('throws not-found for an unknown request, and keeps each connection apart', () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    void queue.answer(request('sampling', {}, 'other'), new AbortController().signal).catch(() => undefined);
    assert.equal(queue.requests('c1').length, 0);
    assert.throws(
      () => queue.reply('c1', 'nope', { kind: 'roots', action: 'send' }),
      (e: unknown) =>
        e instanceof ConnectionError && e.code === 'not-found' && /There is no server request nope/.test(e.message),
    );
  });

  it('bounds the history per connection', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL, historyLimit: 3, rootsFor: () => [] });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = request('roots');
      ids.push(r.id);
      await queue.answer(r, new AbortController().signal);
    }
    assert.deepEqual(
      queue.requests('c1').map((v) => v.id),
      ids.slice(2).reverse(),
    );
  });

  it('clear() and dispose() refuse what is pending', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const a = queue.answer(request('sampling', {}), new AbortController().signal);
    queue.clear('c1');
    await assert.rejects(a, ServerRequestRefused);
    assert.deepEqual(queue.requests('c1'), []);
    const b = queue.answer(request('sampling', {}), new AbortController().signal);
    queue.dispose();
    await assert.rejects(b, /closing/);
    await assert.rejects(queue.answer(request('sampling', {}), new AbortController().signal), /closing/);
  });

  it('keeps server text as data: the view is a copy, and HTML stays verbatim', async () => {
    queue = new ServerRequestQueue({ capabilities: ALL });
    const message = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const r = request('elicitation-form', { message, requestedSchema: FORM_SCHEMA });
    void queue.answer(r, new AbortController().signal).catch(() => undefined);
    const view = queue.requests('c1')[0];
    assert.equal(view.params.message, message);
    (view.params as { message: string }).message = 'changed';
    assert.equal(queue.requests('c1')[0].params.message, message);
  });

  it('checkFormReply fills defaults only for fields left out', () => {
    assert.deepEqual(checkFormReply(FORM_SCHEMA, { color: 'red', name: 'Bob', ok: false }), {
      color: 'red',
      name: 'Bob',
      ok: false,
    });
  });
});
