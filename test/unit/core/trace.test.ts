import { strict as assert } from 'node:assert';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { TraceBuffer, TracingTransport, redact } from '../../../src/core/trace';

describe('trace: redaction', () => {
  it('redacts secret keys at any depth, and keeps protocol fields such as progressToken', () => {
    const out = redact({
      headers: { Authorization: 'Bearer abc.def', 'X-Api-Key': 'k123', Accept: 'application/json' },
      body: {
        access_token: 'at',
        refresh_token: 'rt',
        client_secret: 'cs',
        code_verifier: 'cv',
        nested: [{ password: 'p' }],
      },
      params: { _meta: { progressToken: 7 }, cursor: 'next' },
    }) as Record<string, Record<string, unknown>>;
    assert.deepEqual(out.headers, {
      Authorization: '[REDACTED]',
      'X-Api-Key': '[REDACTED]',
      Accept: 'application/json',
    });
    assert.deepEqual(out.body, {
      access_token: '[REDACTED]',
      refresh_token: '[REDACTED]',
      client_secret: '[REDACTED]',
      code_verifier: '[REDACTED]',
      nested: [{ password: '[REDACTED]' }],
    });
    assert.deepEqual(out.params, { _meta: { progressToken: 7 }, cursor: 'next' });
  });

  it('scrubs bearer credentials and known secret values inside strings', () => {
    assert.equal(
      redact('curl -H "Authorization: Bearer eyJhbGciOi.x.y"'),
      'curl -H "Authorization: [REDACTED]"'.replace('[REDACTED]', 'Bearer [REDACTED]'),
    );
    assert.equal(redact('key is s3cr3t-value!', ['s3cr3t-value']), 'key is [REDACTED]!');
  });

  it('does not change the input', () => {
    const input = { token: 'x' };
    redact(input);
    assert.equal(input.token, 'x');
  });
});

describe('trace: ring buffer', () => {
  const entry = (n: number) => ({
    time: n,
    direction: 'out' as const,
    kind: 'notification' as const,
    method: `m${n}`,
    size: 10,
    message: {},
  });

  it('keeps at most `capacity` entries, oldest first', () => {
    const buffer = new TraceBuffer({ capacity: 3 });
    for (let i = 1; i <= 5; i++) buffer.add(entry(i));
    assert.deepEqual(
      buffer.entries().map((e) => e.method),
      ['m3', 'm4', 'm5'],
    );
    assert.deepEqual(
      buffer.entries().map((e) => e.seq),
      [3, 4, 5],
    );
  });

  it('is bounded in bytes too', () => {
    const buffer = new TraceBuffer({ capacity: 100, maxBytes: 35 });
    for (let i = 1; i <= 10; i++) buffer.add(entry(i));
    assert.ok(buffer.storedBytes <= 35);
    assert.equal(buffer.entries().at(-1)?.method, 'm10');
  });
});

describe('trace: tracing transport', () => {
  class LoopbackTransport implements Transport {
    onmessage?: (m: JSONRPCMessage) => void;
    onclose?: () => void;
    onerror?: (e: Error) => void;
    sent: JSONRPCMessage[] = [];
    async start() {}
    async close() {}
    async send(m: JSONRPCMessage) {
      this.sent.push(m);
    }
  }

  it('a response that follows a notification waits for its handler (run one microtask late, as the SDK does)', async () => {
    const inner = new LoopbackTransport();
    const transport = new TracingTransport(inner, new TraceBuffer());
    const handled: string[] = [];
    transport.onmessage = (m) => {
      if ('method' in m) void Promise.resolve().then(() => handled.push(m.method));
      else handled.push(`response ${String((m as { id: number }).id)}`);
    };
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow' } });
    await transport.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'slow' } });
    // One chunk: a progress notification, then both results.
    inner.onmessage?.({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } });
    inner.onmessage?.({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    inner.onmessage?.({ jsonrpc: '2.0', id: 2, result: { content: [] } });
    assert.deepEqual(handled, [], 'nothing is settled before the notification is handled');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(handled, ['notifications/progress', 'response 1', 'response 2'], 'the server order is kept');
    await transport.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo' } });
    inner.onmessage?.({ jsonrpc: '2.0', id: 3, result: { content: [] } });
    assert.equal(handled.at(-1), 'response 3', 'with no notification waiting, a response is settled at once');
  });

  it('keeps the text a message was received as, when the transport lends it, and still redacts', async () => {
    const inner = new LoopbackTransport() as LoopbackTransport & { receivedJson?: string };
    const trace = new TraceBuffer();
    const transport = new TracingTransport(inner, trace, () => ['hunter2-secret']);
    transport.onmessage = () => {};
    const plain = '{"jsonrpc": "2.0", "id": 1, "result": {"content": []}}';
    inner.receivedJson = plain;
    inner.onmessage?.(JSON.parse(plain) as JSONRPCMessage);
    const secret = '{"jsonrpc":"2.0","id":2,"result":{"note":"hunter2-secret"}}';
    inner.receivedJson = secret;
    inner.onmessage?.(JSON.parse(secret) as JSONRPCMessage);
    const [first, second] = trace.entries();
    assert.equal(first.size, Buffer.byteLength(plain), 'the size is of the text as received');
    assert.deepEqual(first.message, JSON.parse(plain));
    assert.equal(second.size, Buffer.byteLength(secret));
    assert.deepEqual(second.message, { jsonrpc: '2.0', id: 2, result: { note: '[REDACTED]' } });
  });

  it('records both directions, matches responses to requests and redacts before storing', async () => {
    const inner = new LoopbackTransport();
    const trace = new TraceBuffer();
    const transport = new TracingTransport(inner, trace, () => ['hunter2-secret']);
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (m) => received.push(m);
    await transport.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'login', arguments: { password: 'pw', note: 'hunter2-secret' } },
    });
    inner.onmessage?.({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    assert.equal(received.length, 1, 'a response with no notification before it is delivered at once');
    inner.onmessage?.({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } });
    assert.deepEqual(
      received.map((m) => ('method' in m ? m.method : 'response')),
      ['response', 'notifications/message'],
      'a notification is delivered at once',
    );
    const [request, response, notification] = trace.entries();
    assert.equal(request.direction, 'out');
    assert.equal(request.kind, 'request');
    assert.equal(request.method, 'tools/call');
    assert.deepEqual((request.message as { params: { arguments: unknown } }).params.arguments, {
      password: '[REDACTED]',
      note: '[REDACTED]',
    });
    assert.equal(
      (inner.sent[0] as unknown as { params: { arguments: { password: string } } }).params.arguments.password,
      'pw',
      'the wire is untouched',
    );
    assert.equal(response.kind, 'response');
    assert.equal(response.method, 'tools/call');
    assert.equal(response.id, 1);
    assert.ok(typeof response.durationMs === 'number' && response.durationMs >= 0);
    assert.ok(response.size > 0);
    assert.equal(notification.kind, 'notification');
    assert.equal(notification.direction, 'in');
  });

  it('stores a preview of very large messages instead of the whole message', async () => {
    const inner = new LoopbackTransport();
    const trace = new TraceBuffer({ maxEntryBytes: 1000 });
    new TracingTransport(inner, trace);
    inner.onmessage?.({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'x'.repeat(5000) }] } });
    const [entry] = trace.entries();
    assert.ok(entry.size > 5000);
    assert.equal((entry.message as { truncated: boolean }).truncated, true);
  });

  it('counts the size in bytes of the message as sent, whether stored as it is, redacted or truncated', async () => {
    const inner = new LoopbackTransport();
    const trace = new TraceBuffer({ maxEntryBytes: 2000 });
    new TracingTransport(inner, trace, () => ['sécret-valeur']);
    const plain = { jsonrpc: '2.0' as const, id: 1, result: { text: 'naïve café ✓ 🚀' } };
    const secret = { jsonrpc: '2.0' as const, id: 2, result: { text: 'é sécret-valeur', password: 'pâss' } };
    const large = { jsonrpc: '2.0' as const, id: 3, result: { text: 'ü'.repeat(3000) } };
    for (const m of [plain, secret, large]) inner.onmessage?.(m);
    const [stored, redacted, truncated] = trace.entries();
    assert.equal(stored.size, Buffer.byteLength(JSON.stringify(plain)));
    assert.notEqual(stored.size, JSON.stringify(plain).length, 'bytes, not UTF-16 code units');
    assert.equal(redacted.size, Buffer.byteLength(JSON.stringify(secret)));
    assert.doesNotMatch(JSON.stringify(redacted), /sécret-valeur|pâss/);
    assert.equal(truncated.size, Buffer.byteLength(JSON.stringify(large)));
    assert.equal((truncated.message as { originalBytes: number }).originalBytes, truncated.size);
    assert.equal((JSON.parse(JSON.stringify(stored)) as { size: number }).size, stored.size, 'exported too');
  });

  it('hands a transport that takes JSON text the unredacted text it recorded', async () => {
    const inner = Object.assign(new LoopbackTransport(), {
      lines: [] as string[],
      sendSerialized(json: string) {
        this.lines.push(json);
        return Promise.resolve();
      },
    });
    const trace = new TraceBuffer();
    const transport = new TracingTransport(inner, trace);
    const message: JSONRPCMessage = {
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'login', arguments: { password: 'pw' } },
    };
    await transport.send(message);
    assert.deepEqual(inner.lines, [JSON.stringify(message)]);
    assert.equal(inner.sent.length, 0, 'sent once, as text');
    assert.equal(
      (trace.entries()[0].message as { params: { arguments: { password: string } } }).params.arguments.password,
      '[REDACTED]',
    );
  });

  it('records the MCP routing headers on the entry of the request (by id) and of a notification (by order)', async () => {
    const inner = new LoopbackTransport();
    const trace = new TraceBuffer();
    const transport = new TracingTransport(inner, trace);
    await transport.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo' } });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 8 } });
    assert.ok(trace.annotate({ id: 7 }, { method: 'tools/call', name: 'echo', check: 'ok' }));
    assert.ok(trace.annotate({ notification: 'notifications/cancelled' }, { method: 'x', check: 'mismatch' }));
    assert.ok(trace.annotate({ notification: 'notifications/cancelled' }, { check: 'missing' }));
    assert.ok(!trace.annotate({ id: 99 }, { check: 'ok' }), 'no entry for an unknown id');
    const [call, first, second] = trace.entries();
    assert.deepEqual(call.http, { method: 'tools/call', name: 'echo', check: 'ok' });
    assert.equal(first.http?.check, 'mismatch');
    assert.equal(second.http?.check, 'missing');
    // Kept when the entry is serialized (exports, the webview).
    assert.deepEqual((JSON.parse(JSON.stringify(call)) as { http?: unknown }).http, call.http);
  });

  it('annotates in a ring that has wrapped: the newest request of an id, the oldest notification without headers', async () => {
    const trace = new TraceBuffer({ capacity: 4 });
    const transport = new TracingTransport(new LoopbackTransport(), trace);
    // Six messages through a ring of four: the first two are gone and the oldest kept is not at index 0.
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'gone' } });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'a' } });
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'b' } });
    await transport.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'add' } });
    assert.ok(!trace.annotate({ id: 9 }, { check: 'ok' }));
    assert.ok(trace.annotate({ id: 1 }, { method: 'tools/call', check: 'ok' }));
    assert.ok(trace.annotate({ notification: 'notifications/progress' }, { check: 'missing' }));
    assert.ok(trace.annotate({ notification: 'notifications/progress' }, { check: 'mismatch' }));
    assert.ok(
      !trace.annotate({ notification: 'notifications/progress' }, { check: 'ok' }),
      'both already have headers',
    );
    const byLabel = trace
      .entries()
      .map((e) => [
        e.method,
        e.id ?? (e.message as { params: { progressToken: string } }).params.progressToken,
        e.http?.check,
      ]);
    assert.deepEqual(byLabel, [
      ['notifications/progress', 'a', 'missing'],
      ['tools/call', 1, 'ok'],
      ['notifications/progress', 'b', 'mismatch'],
      ['tools/call', 2, undefined],
    ]);
  });

  it('looks like a stdio transport to the SDK only when it wraps one', () => {
    const stdioLike = Object.assign(new LoopbackTransport(), { pid: 42, stderr: null });
    const wrappedStdio = new TracingTransport(stdioLike, new TraceBuffer());
    assert.ok('stderr' in wrappedStdio && 'pid' in wrappedStdio);
    assert.equal((wrappedStdio as unknown as { pid: number }).pid, 42);
    const wrappedHttp = new TracingTransport(new LoopbackTransport(), new TraceBuffer());
    assert.ok(!('pid' in wrappedHttp) && !('stderr' in wrappedHttp));
  });
});
