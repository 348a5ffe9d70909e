/**
 * The queue's requests as the webview gets them (JSON copies, URL origins) and as a notification
 * says them ("<server> asks: …"), from a real ServerRequestQueue.
 */
import * as assert from 'node:assert/strict';
import { ServerRequestQueue } from '../../../src/core/serverRequestQueue';
import type { ServerRequest } from '../../../src/core/serverRequests';
import {
  httpOrigin,
  requestSummary,
  shortText,
  toServerRequestViews,
} from '../../../src/extension/answers/requestViews';
import type { ServerRequestView } from '../../../src/shared/protocol';

let n = 0;
function request(kind: ServerRequest['kind'], params: ServerRequest['params']): ServerRequest {
  return {
    id: `c1#${++n}`,
    connectionId: 'c1',
    kind,
    method: kind === 'sampling' ? 'sampling/createMessage' : kind === 'roots' ? 'roots/list' : 'elicitation/create',
    wire: 'request',
    cause: { method: 'tools/call', name: 'trigger' },
    params,
    receivedAt: 1000,
  };
}

describe('server request views (queue → webview, queue → notification)', () => {
  let queue: ServerRequestQueue;
  afterEach(() => queue?.dispose());

  it('maps pending requests first, then answered ones, as JSON copies with the URL origin', async () => {
    queue = new ServerRequestQueue({
      capabilities: { elicitation: { form: true, url: true }, roots: { listChanged: true } },
      rootsFor: () => [{ uri: 'file:///work', name: 'work' }],
      now: () => 5000,
      timeoutMs: 60_000,
    });
    const controller = new AbortController();
    const form = queue.answer(
      request('elicitation-form', { message: 'Your name?', requestedSchema: { type: 'object', properties: {} } }),
      controller.signal,
    );
    void queue
      .answer(
        request('elicitation-url', {
          mode: 'url',
          message: 'Sign in',
          url: 'https://auth.example.com/x?y=1',
          elicitationId: 'e1',
        }),
        controller.signal,
      )
      .catch(() => undefined);
    assert.deepEqual(await queue.answer(request('roots', {}), controller.signal), {
      roots: [{ uri: 'file:///work', name: 'work' }],
    });

    const views = toServerRequestViews(queue.requests('c1'));
    assert.deepEqual(
      views.map((v) => [v.kind, v.state]),
      [
        ['elicitation-form', 'pending'],
        ['elicitation-url', 'pending'],
        ['roots', 'answered'],
      ],
    );
    assert.equal(views[1].urlOrigin, 'https://auth.example.com');
    assert.equal(views[0].deadline, 65_000);
    assert.deepEqual(views[0].cause, { method: 'tools/call', name: 'trigger' });
    // A copy: changing what the webview got changes nothing in the queue.
    (views[0].params as { message: string }).message = 'changed';
    assert.equal(queue.requests('c1')[0].params.message, 'Your name?');
    assert.deepEqual(JSON.parse(JSON.stringify(views)), views, 'plain JSON only');

    queue.reply('c1', views[0].id, { kind: 'elicitation', action: 'decline' });
    assert.deepEqual(await form, { action: 'decline' });
    const after = toServerRequestViews(queue.requests('c1'));
    assert.deepEqual(
      after.map((v) => [v.kind, v.state]),
      [
        ['elicitation-url', 'pending'],
        ['elicitation-form', 'declined'],
        ['roots', 'answered'],
      ],
    );
    controller.abort();
  });

  it('computes the origin of a URL request the queue left without one, and never for non-web URLs', () => {
    const view: ServerRequestView = {
      id: 'x',
      connectionId: 'c1',
      kind: 'elicitation-url',
      method: 'elicitation/create',
      wire: 'request',
      params: { url: 'http://127.0.0.1:8080/consent' },
      receivedAt: 1,
      state: 'pending',
    };
    assert.equal(toServerRequestViews([view])[0].urlOrigin, 'http://127.0.0.1:8080');
    assert.equal(httpOrigin('javascript:alert(1)'), undefined);
    assert.equal(httpOrigin('file:///etc/passwd'), undefined);
    assert.equal(httpOrigin(42), undefined);
  });

  it('says what is asked in one short line of plain text', () => {
    const base = { id: 'x', connectionId: 'c1', wire: 'request' as const, receivedAt: 1, state: 'pending' as const };
    assert.equal(
      requestSummary({
        ...base,
        kind: 'elicitation-form',
        method: 'elicitation/create',
        params: { message: 'Your\n  name?' },
      }),
      'Your name?',
    );
    assert.equal(
      requestSummary({
        ...base,
        kind: 'elicitation-url',
        method: 'elicitation/create',
        params: { message: 'Sign in', url: 'https://a.example/x' },
      }),
      'Sign in (opens https://a.example)',
    );
    assert.equal(
      requestSummary({
        ...base,
        kind: 'sampling',
        method: 'sampling/createMessage',
        params: { messages: [{ role: 'user', content: { type: 'text', text: 'Write a haiku' } }], maxTokens: 10 },
      }),
      'a language model reply to "Write a haiku"',
    );
    const long = shortText('x'.repeat(500));
    assert.equal(long.length, 140);
    assert.ok(long.endsWith('…'));
  });
});
