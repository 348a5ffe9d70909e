import * as assert from 'node:assert/strict';
import { Connection } from '../../../src/core/connection';
import { validateWebviewMessage } from '../../../src/extension/inspector/protocolValidation';
import {
  CacheClock,
  lastTraceSeq,
  outcomeExtras,
  toConnectionView,
  toDetails,
  toTraceView,
} from '../../../src/extension/inspector/viewModel';

function connected(c: Connection): Connection {
  // The core sets the status while connecting; a test of the views only needs the state.
  Object.defineProperty(c, 'status', { value: { state: 'connected', since: 1 } });
  return c;
}

const http = { id: 'h', name: 'H', transport: 'streamable-http' as const, url: 'http://127.0.0.1:1/mcp' };

describe('inspector views of the protocol era', () => {
  it('puts the pin, era and version on the connection view, and drops the version while disconnected', () => {
    const c = new Connection({ ...http, protocol: '2026-07-28' });
    c.era = 'modern';
    c.protocolVersion = '2026-07-28';
    const offline = toConnectionView(c, { state: 'not-needed' }, true);
    assert.deepEqual([offline.protocol, offline.era, offline.protocolVersion], ['2026-07-28', undefined, undefined]);
    const online = toConnectionView(connected(c), { state: 'not-needed' }, true);
    assert.deepEqual([online.protocol, online.era, online.protocolVersion], ['2026-07-28', 'modern', '2026-07-28']);
    assert.equal(toConnectionView(new Connection(http), { state: 'not-needed' }, true).protocol, 'auto');
  });

  it('puts the era, the negotiation sentence and the discover result (as JSON data) on the server view', () => {
    const c = connected(new Connection(http));
    c.era = 'modern';
    c.negotiation = 'server/discover offered 2026-07-28';
    c.discoverResult = { supportedVersions: ['2026-07-28'], serverInfo: { name: 's' }, drop: undefined, f: () => 1 };
    const { server } = toDetails(c);
    assert.equal(server.era, 'modern');
    assert.equal(server.negotiation, 'server/discover offered 2026-07-28');
    assert.deepEqual(server.discover, { supportedVersions: ['2026-07-28'], serverInfo: { name: 's' } });
    const legacy = toDetails(new Connection(http)).server;
    assert.equal(legacy.discover, undefined);
  });

  it('passes the MCP routing headers of a trace entry, bounded, and only known check values', () => {
    const c = new Connection(http);
    const entry = c.trace.add({
      time: 1,
      direction: 'out',
      kind: 'request',
      method: 'tools/call',
      id: 1,
      size: 10,
      message: { method: 'tools/call', params: { name: 'echo' } },
      http: {
        method: 'tools/call',
        name: 'x'.repeat(5000),
        check: 'mismatch',
        detail: 'Mcp-Name is x…, the body says echo',
      },
    });
    const view = toTraceView(entry);
    assert.equal(view.http?.check, 'mismatch');
    assert.equal(view.http?.name?.length, 1000);
    const odd = c.trace.add({
      time: 2,
      direction: 'out',
      kind: 'request',
      size: 1,
      message: {},
      http: { check: '<img>' as never },
    });
    assert.equal(toTraceView(odd).http?.check, 'missing');
    assert.equal(
      toTraceView(c.trace.add({ time: 3, direction: 'in', kind: 'response', size: 1, message: {} })).http,
      undefined,
    );
  });

  it('reads resultType and the cache hints off a result', () => {
    assert.deepEqual(outcomeExtras({ content: [] }, { receivedAt: 5, servedFromCache: false }), {});
    assert.deepEqual(
      outcomeExtras(
        { resultType: 'complete', ttlMs: 30000, cacheScope: 'public' },
        { receivedAt: 5, servedFromCache: true },
      ),
      { resultType: 'complete', cache: { ttlMs: 30000, cacheScope: 'public', receivedAt: 5, servedFromCache: true } },
    );
    assert.equal(
      outcomeExtras({ ttlMs: 1, cacheScope: 'shared?' }, { receivedAt: 0, servedFromCache: false }).cache?.cacheScope,
      'private',
    );
    assert.equal(outcomeExtras({ ttlMs: -1 }, { receivedAt: 0, servedFromCache: false }).cache, undefined);
  });

  it('tells a cache hit (nothing sent) from a fetch, and dates the hit from the response of the last fetch', () => {
    const c = new Connection(http);
    const clock = new CacheClock();
    const result = { contents: [], ttlMs: 30000, cacheScope: 'private' };
    const read = (seq: number, uri: string) => ({
      time: seq * 1000,
      direction: 'out' as const,
      kind: 'request' as const,
      method: 'resources/read',
      id: seq,
      size: 1,
      message: { method: 'resources/read', params: { uri } },
    });
    const response = (id: number, time: number) => ({
      time,
      direction: 'in' as const,
      kind: 'response' as const,
      method: 'resources/read',
      id,
      size: 1,
      message: {},
    });
    let since = lastTraceSeq(c);
    c.trace.add(read(1, 'a://1'));
    c.trace.add(response(1, 1500));
    assert.deepEqual(clock.extras(c, result, since, 'resources/read', 'a://1', 1600).cache, {
      ttlMs: 30000,
      cacheScope: 'private',
      receivedAt: 1600,
      servedFromCache: false,
    });
    since = lastTraceSeq(c);
    // Another resource read on the wire meanwhile does not make this one a fetch.
    c.trace.add(read(3, 'a://2'));
    assert.deepEqual(clock.extras(c, result, since, 'resources/read', 'a://1', 13000).cache, {
      ttlMs: 30000,
      cacheScope: 'private',
      receivedAt: 1500,
      servedFromCache: true,
    });
    // Nothing sent and never fetched before (e.g. a request the trace does not show): not claimed as cached.
    since = lastTraceSeq(c);
    assert.equal(clock.extras(c, result, since, 'resources/read', 'a://9', 14000).cache?.servedFromCache, false);
    assert.equal(clock.extras(c, { content: [] }, since, 'tools/call', 'echo').cache, undefined);
  });

  it('accepts cache: use/refresh on resources/read and lists/refresh, and nothing else', () => {
    const read = (cache: unknown) =>
      validateWebviewMessage({
        kind: 'request',
        id: 1,
        method: 'resources/read',
        params: { connectionId: 'c', uri: 'a://1', callId: 'x', cache },
      });
    assert.ok(read(undefined).ok);
    assert.ok(read('refresh').ok);
    assert.ok(!read('bypass').ok);
    assert.ok(
      validateWebviewMessage({
        kind: 'request',
        id: 2,
        method: 'lists/refresh',
        params: { connectionId: 'c', cache: 'refresh' },
      }).ok,
    );
  });
});
