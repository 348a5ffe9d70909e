/**
 * The host's checks of the webview messages that answer the server (server requests, sampling
 * drafts, roots, completions, logging, tasks): every documented shape passes, and wrong kinds,
 * actions, types, lengths and extra fields are refused before any handler runs.
 */
import * as assert from 'node:assert/strict';
import { REQUEST_METHODS, validateWebviewMessage } from '../../../src/extension/inspector/protocolValidation';

let nextId = 1;
function check(method: string, params: unknown) {
  return validateWebviewMessage({ kind: 'request', id: nextId++, method, params });
}
function ok(method: string, params: unknown): void {
  const r = check(method, params);
  assert.ok(r.ok, `expected ${method} ${JSON.stringify(params)} to pass: ${r.ok ? '' : r.error}`);
}
function bad(method: string, params: unknown, pattern: RegExp): void {
  const r = check(method, params);
  assert.equal(r.ok, false, `expected ${method} ${JSON.stringify(params)} to be refused`);
  if (!r.ok) {
    assert.match(r.error, pattern);
    // Refused requests are still answered: the id comes back with the error.
    assert.equal(typeof r.id, 'number');
  }
}

describe('inspector protocolValidation: answering the server', () => {
  it('knows every new request method', () => {
    for (const m of [
      'serverRequest/answer',
      'sampling/models',
      'sampling/generate',
      'roots/set',
      'completion/complete',
      'logging/setLevel',
      'serverLog/list',
      'tasks/list',
      'tasks/cancel',
      'tasks/result',
    ]) {
      assert.ok((REQUEST_METHODS as string[]).includes(m), m);
    }
  });

  it('accepts each documented answer to a server request, and refuses answers of the wrong shape', () => {
    const base = { connectionId: 'c', requestId: 'c#1' };
    ok('serverRequest/answer', {
      ...base,
      reply: { kind: 'elicitation', action: 'accept', content: { name: 'Ada', age: 36, ok: true, tags: ['a', 'b'] } },
    });
    ok('serverRequest/answer', { ...base, reply: { kind: 'elicitation', action: 'decline' } });
    ok('serverRequest/answer', { ...base, reply: { kind: 'elicitation', action: 'cancel' } });
    ok('serverRequest/answer', { ...base, reply: { kind: 'elicitation-url', action: 'accept' } });
    ok('serverRequest/answer', {
      ...base,
      reply: { kind: 'sampling', action: 'send', result: { role: 'assistant', content: { type: 'text', text: 'hi' } } },
    });
    ok('serverRequest/answer', { ...base, reply: { kind: 'sampling', action: 'decline', reason: 'no' } });
    ok('serverRequest/answer', { ...base, reply: { kind: 'sampling', action: 'decline' } });
    ok('serverRequest/answer', { ...base, reply: { kind: 'roots', action: 'send' } });

    bad('serverRequest/answer', { ...base, reply: { kind: 'shell', action: 'run' } }, /reply\.kind must be one of/);
    bad(
      'serverRequest/answer',
      { ...base, reply: { kind: 'elicitation', action: 'maybe' } },
      /reply\.action must be one of/,
    );
    // An accept carries content; a decline carries none.
    bad(
      'serverRequest/answer',
      { ...base, reply: { kind: 'elicitation', action: 'accept' } },
      /content must be an object/,
    );
    bad(
      'serverRequest/answer',
      { ...base, reply: { kind: 'elicitation', action: 'decline', content: {} } },
      /unknown field "content"/,
    );
    bad(
      'serverRequest/answer',
      { ...base, reply: { kind: 'elicitation', action: 'accept', content: { nested: { a: 1 } } } },
      /content\.nested must be a string, number, boolean or list of strings/,
    );
    bad(
      'serverRequest/answer',
      { ...base, reply: { kind: 'elicitation', action: 'accept', content: { n: Number.POSITIVE_INFINITY } } },
      /finite number/,
    );
    bad('serverRequest/answer', { ...base, reply: { kind: 'sampling', action: 'send' } }, /result must be an object/);
    bad('serverRequest/answer', { ...base, reply: { kind: 'elicitation-url', action: 'open' } }, /must be one of/);
    bad(
      'serverRequest/answer',
      { ...base, requestId: '', reply: { kind: 'roots', action: 'send' } },
      /requestId is empty/,
    );
    bad(
      'serverRequest/answer',
      { connectionId: 'c', reply: { kind: 'roots', action: 'send' } },
      /requestId must be a string/,
    );
  });

  it('checks sampling, roots, completions, logging and task requests', () => {
    ok('sampling/models', {});
    bad('sampling/models', { all: true }, /unknown field "all"/);
    ok('sampling/generate', { connectionId: 'c', requestId: 'r' });
    ok('sampling/generate', { connectionId: 'c', requestId: 'r', modelId: 'copilot-gpt' });
    bad('sampling/generate', { connectionId: 'c', requestId: 'r', modelId: '' }, /modelId is empty/);

    ok('roots/set', { connectionId: 'c', roots: null });
    ok('roots/set', { connectionId: 'c', roots: [] });
    ok('roots/set', { connectionId: 'c', roots: [{ uri: 'file:///work', name: 'work' }, { uri: 'file:///tmp' }] });
    bad('roots/set', { connectionId: 'c' }, /roots must be an array/);
    bad('roots/set', { connectionId: 'c', roots: [{ uri: '' }] }, /roots\[0\]\.uri is empty/);
    bad('roots/set', { connectionId: 'c', roots: [{ uri: 'file:///a', path: '/a' }] }, /unknown field "path"/);
    bad(
      'roots/set',
      { connectionId: 'c', roots: Array.from({ length: 101 }, (_, i) => ({ uri: `file:///r${i}` })) },
      /more than 100 items/,
    );

    ok('completion/complete', {
      connectionId: 'c',
      ref: { type: 'ref/prompt', name: 'p' },
      argument: { name: 'a', value: '' },
      context: { other: 'x' },
    });
    ok('completion/complete', {
      connectionId: 'c',
      ref: { type: 'ref/resource', uri: 'test://{id}' },
      argument: { name: 'id', value: '1' },
    });
    bad(
      'completion/complete',
      { connectionId: 'c', ref: { type: 'ref/tool', name: 'x' }, argument: { name: 'a', value: '' } },
      /ref\.type must be one of ref\/prompt, ref\/resource/,
    );
    bad(
      'completion/complete',
      { connectionId: 'c', ref: { type: 'ref/prompt', uri: 'x' }, argument: { name: 'a', value: '' } },
      /unknown field "uri"/,
    );
    bad(
      'completion/complete',
      { connectionId: 'c', ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: 'x'.repeat(70000) } },
      /value is too long/,
    );
    bad(
      'completion/complete',
      {
        connectionId: 'c',
        ref: { type: 'ref/prompt', name: 'p' },
        argument: { name: 'a', value: '' },
        context: { n: 1 },
      },
      /context\.n must be a string/,
    );

    ok('logging/setLevel', { connectionId: 'c', level: 'debug' });
    ok('logging/setLevel', { connectionId: 'c', level: 'emergency' });
    bad('logging/setLevel', { connectionId: 'c', level: 'verbose' }, /level must be one of debug, info/);
    ok('serverLog/list', { connectionId: 'c' });

    ok('tasks/list', { connectionId: 'c' });
    ok('tasks/cancel', { connectionId: 'c', taskId: 't-1' });
    ok('tasks/result', { connectionId: 'c', taskId: 't-1' });
    bad('tasks/cancel', { connectionId: 'c', taskId: '' }, /taskId is empty/);
    bad('tasks/result', { connectionId: 'c', taskId: 'x'.repeat(2000) }, /taskId is too long/);

    ok('tools/call', { connectionId: 'c', name: 't', args: {}, callId: 'x', asTask: true });
    bad(
      'tools/call',
      { connectionId: 'c', name: 't', args: {}, callId: 'x', asTask: 'yes' },
      /asTask must be true or false/,
    );
  });
});
