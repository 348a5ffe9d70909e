/**
 * `perRequestSignal`: each fetch made under a long-lived signal gets a signal of its own, so the
 * long-lived one keeps a single `abort` listener however many requests it covers, and aborting it
 * still ends every request in flight. Real fetch (undici) against a real HTTP server on 127.0.0.1,
 * with real garbage collections (the request signals are held weakly: fetch must keep them alive).
 */
import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import { createServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { perRequestSignal, trackedRequestSignals } from '../../../src/core/abort';
import { Connection } from '../../../src/core/connection';
import { startEverything, type RunningServer } from '../../support/everything';

/**
 * Full garbage collections, each in a task of its own (a weak reference read in the same task stays
 * alive through it) and followed by a pause in which finalizers run: fetch lets go of a request's
 * signal in a finalizer, so the signal itself goes in the next collection.
 */
async function collectGarbage(times = 3): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < times; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A signal already given to one request, as a transport's is by its first: perRequestSignal returns
 * a signal it sees the first time as it is, and makes request signals from the second time on.
 */
function longLivedSignal(): AbortController {
  const session = new AbortController();
  assert.equal(perRequestSignal(session.signal), session.signal);
  return session;
}

function countWarnings(): { readonly count: number; stop(): void } {
  let count = 0;
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') count++;
  };
  process.on('warning', onWarning);
  return {
    get count() {
      return count;
    },
    stop: () => process.off('warning', onWarning),
  };
}

describe('core: a signal per request under a long-lived signal (perRequestSignal)', function () {
  this.timeout(60_000);
  let http: HttpServer;
  let base: string;
  /** Responses held open by /stream and /slow, ended in after(). */
  const open = new Set<ServerResponse>();
  const closedEarly: string[] = [];

  before(async () => {
    http = createServer((req, res) => {
      res.on('close', () => {
        if (!res.writableEnded) closedEarly.push(req.url ?? '');
        open.delete(res);
      });
      if (req.url === '/stream') {
        // Headers and a first chunk, then nothing: a response body still streaming.
        open.add(res);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
      } else if (req.url === '/slow') {
        // No headers at all until the client gives up.
        open.add(res);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const res of open) res.end();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it('keeps one abort listener on the long-lived signal across 2000 requests, and warns of none', async () => {
    const session = new AbortController();
    const warnings = countWarnings();
    try {
      for (let i = 0; i < 2000; i++) {
        const response = await fetch(`${base}/json`, { signal: perRequestSignal(session.signal) });
        assert.deepEqual(await response.json(), { ok: true });
      }
      await new Promise((resolve) => setImmediate(resolve));
      // Ours, and fetch's own for the first request (which had the signal itself) until it is collected.
      assert.ok(getEventListeners(session.signal, 'abort').length <= 2);
      await collectGarbage();
      assert.equal(getEventListeners(session.signal, 'abort').length, 1);
      assert.equal(warnings.count, 0);
    } finally {
      warnings.stop();
    }
  });

  it('ends a response still streaming when the long-lived signal aborts, even after garbage collections', async () => {
    const session = longLivedSignal();
    const signal = perRequestSignal(session.signal);
    assert.notEqual(signal, session.signal);
    const response = await fetch(`${base}/stream`, { signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.match(new TextDecoder().decode(first.value), /data: first/);
    // Nothing of ours holds the request's signal now: only the request in flight does.
    await collectGarbage();
    const reason = new Error('the session closed');
    session.abort(reason);
    await assert.rejects(reader.read(), (e) => e === reason);
    await waitFor(() => closedEarly.includes('/stream'), 'the server saw the stream closed');
  });

  it('rejects a request still waiting for its response headers when the long-lived signal aborts', async () => {
    const session = longLivedSignal();
    const pending = fetch(`${base}/slow`, { signal: perRequestSignal(session.signal) });
    await waitFor(() => open.size > 0, 'the server received the request');
    await collectGarbage();
    session.abort();
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
    await waitFor(() => closedEarly.includes('/slow'), 'the server saw the request abandoned');
  });

  it('gives an aborted signal, with the same reason, once the long-lived signal has aborted', () => {
    const session = longLivedSignal();
    const reason = new Error('closed before');
    session.abort(reason);
    const signal = perRequestSignal(session.signal);
    assert.notEqual(signal, session.signal);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, reason);
  });

  it('returns a signal made for one request as it is, without listening on it', () => {
    // What the v2 SDK gives a 2026-07-28 request over HTTP: Node keeps such a signal alive for as
    // long as it has an abort listener, so one of ours would keep every request's signal.
    const transport = new AbortController();
    const request = new AbortController();
    const composite = AbortSignal.any([transport.signal, request.signal]);
    assert.equal(perRequestSignal(composite), composite);
    assert.equal(getEventListeners(composite, 'abort').length, 0);
    assert.equal(trackedRequestSignals(composite), 0);
  });

  it('stops tracking the signals of finished requests once they are collected', async () => {
    const session = new AbortController();
    let most = 0;
    for (let i = 0; i < 4000; i++) {
      const response = await fetch(`${base}/json`, { signal: perRequestSignal(session.signal) });
      await response.arrayBuffer();
      most = Math.max(most, trackedRequestSignals(session.signal));
      if (i % 200 === 199) await collectGarbage(2);
    }
    // Collected every 200 requests, at most 400 are alive at a sweep (the newest, and those fetch
    // has not let go of yet), so the next sweep comes by 800. Without sweeps this would be 4000.
    assert.ok(most <= 800, `${most} signals tracked at most`);
  });

  describe('through a Connection over Streamable HTTP (server-everything)', () => {
    let everything: RunningServer;
    before(async () => {
      everything = await startEverything('streamableHttp');
    });
    after(async () => {
      await everything?.stop();
    });

    it('gives each of its requests a signal of its own, and ends its open GET stream when disposed', async () => {
      const seen: Array<{ method: string; signal: AbortSignal | undefined }> = [];
      const connection = new Connection(
        { id: 'signals', name: 'signals', transport: 'streamable-http', url: everything.url, protocol: '2025' },
        {
          // What reaches the network: the fetch under the connection's own wrapping.
          fetchFor: () => (input, init) => {
            seen.push({ method: init?.method ?? 'GET', signal: init?.signal ?? undefined });
            return fetch(input, init);
          },
        },
      );
      const calls = 500;
      try {
        await connection.connect();
        for (let i = 0; i < calls; i++) await connection.callTool('echo', { message: `call ${i}` });
        const posts = seen.filter((r) => r.method === 'POST');
        assert.ok(posts.length >= calls, `${posts.length} POSTs`);
        assert.ok(
          posts.every((r) => r.signal !== undefined),
          'every POST can be aborted',
        );
        assert.equal(new Set(posts.map((r) => r.signal)).size, posts.length, 'no two POSTs share a signal');
        const stream = seen.find((r) => r.method === 'GET');
        assert.ok(stream?.signal, 'the connection opened its GET stream with a signal');
        assert.equal(stream.signal.aborted, false);
        await connection.dispose();
        assert.equal(stream.signal.aborted, true, 'dispose ends the GET stream');
      } finally {
        await connection.dispose();
      }
    });
  });
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
