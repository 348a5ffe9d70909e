import * as assert from 'node:assert/strict';
import { Connection } from '../../../src/core/connection';
import { validateWebviewMessage } from '../../../src/extension/inspector/protocolValidation';
import { toConnectionView, toDetails, toOutcome, toTraceView } from '../../../src/extension/inspector/viewModel';

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

  it("shows the server's result as sent, with the core's resultType and cache hint beside it", () => {
    const cache = { ttlMs: 30000, cacheScope: 'private' as const, receivedAt: 1500, servedFromCache: true };
    const outcome = toOutcome({ contents: [{ uri: 'a://1', text: 'x' }], resultType: 'complete', cache }, 12);
    // `cache` is MCP Lens's own: a badge, not part of the server's JSON; resultType is a wire field and stays.
    assert.deepEqual(outcome, {
      result: { contents: [{ uri: 'a://1', text: 'x' }], resultType: 'complete' },
      durationMs: 12,
      resultType: 'complete',
      cache,
    });
    // The 2025 era: no extras at all.
    assert.deepEqual(toOutcome({ content: [] }, 3), { result: { content: [] }, durationMs: 3 });
    // outputSchemaCheck stays where the core puts it: the webview reads its badge from the result.
    const check = { ok: true, status: 'valid' as const, message: 'ok', errors: [] };
    assert.deepEqual(toOutcome({ content: [], outputSchemaCheck: check }, 1).result, {
      content: [],
      outputSchemaCheck: check,
    });
  });

  it("bounds what the core's extras may carry to the webview", () => {
    const odd = toOutcome(
      {
        content: [],
        resultType: 'x'.repeat(500),
        cache: { ttlMs: 5, cacheScope: 'shared?' as never, receivedAt: 1, servedFromCache: 'yes' as never },
      },
      1,
    );
    assert.equal(odd.resultType?.length, 100);
    assert.deepEqual(odd.cache, { ttlMs: 5, cacheScope: 'private', receivedAt: 1, servedFromCache: false });
    const negative = { ttlMs: -1, cacheScope: 'public' as const, receivedAt: 1, servedFromCache: false };
    assert.equal(toOutcome({ content: [], cache: negative }, 1).cache, undefined);
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
