/**
 * The OAuth engine in front of an MCP 2026-07-28 server (the eras fixture, modern only, on the v2
 * server SDK): the first request of a modern client is `server/discover`, and it is the one that
 * gets the 401. A v2 `Client` (version negotiation `auto`) talks through the engine's authorized
 * fetch: sign-in end to end with the headless browser, a tool call, then the resource moves to a
 * second authorization server (and back), checked against what each authorization server saw.
 */
import * as assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { MemoryAuthStore, authKeys } from '../../../src/core/auth/store.js';
import type { StoredClient, StoredTokens } from '../../../src/core/auth/types.js';
import { startErasOAuthServer, type ErasOAuthServerOptions } from '../../fixtures/eras/erasOAuthServer.js';
import type { RecordedRequest } from './fixtures/mockAuthServer.js';
import { makeHarness, type Harness } from './helpers.js';

function carried(requests: RecordedRequest[]): string {
  return JSON.stringify(requests.map((r) => ({ path: r.path, params: r.params, headers: r.headers })));
}

async function connectModern(h: Harness, url: string): Promise<Client> {
  const client = new Client({ name: 'mcp-lens-test', version: '0.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      fetch: h.engine.authorizedFetch(url, { interactive: true }),
    }),
  );
  return client;
}

async function echo(client: Client, value: string): Promise<string> {
  const result = await client.callTool({ name: 'echo', arguments: { text: value } });
  const first = (result.content as { type: string; text?: string }[])[0];
  return first?.text ?? '';
}

describe('OAuth engine with an MCP 2026-07-28 server', function () {
  this.timeout(40_000);
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  /** The eras OAuth fixture: a modern-only MCP server whose metadata names AS-1 or AS-2 (RFC 9207 iss on both). */
  async function setUp(options: ErasOAuthServerOptions = {}) {
    const fixture = await startErasOAuthServer(options);
    closers.push(() => fixture.close());
    const [asA, asB] = fixture.authorizationServers;
    return {
      asA,
      asB,
      server: fixture.mcp,
      fixture,
      moveTo: (as: typeof asA) => fixture.useAuthorizationServer(as === asA ? 0 : 1),
    };
  }

  it('server/discover gets the 401; the engine signs in, and the modern session calls a tool', async () => {
    const { asA, server } = await setUp();
    const h = makeHarness();
    const client = await connectModern(h, server.url);
    closers.push(() => client.close());

    assert.equal(client.getProtocolEra(), 'modern');
    assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
    const first = server.requests[0]!;
    assert.equal(first.mcpMethod, 'server/discover');
    assert.equal(first.status, 401);
    assert.equal(first.hasAuthorization, false);
    // The same request went again with the token, after one browser sign-in.
    const second = server.requests.find((r) => r.path === '/mcp' && r.hasAuthorization)!;
    assert.equal(second.mcpMethod, 'server/discover');
    assert.equal(second.status, 200);
    assert.equal(h.browserOpens.length, 1);
    assert.equal(asA.count('/register'), 1);
    assert.equal(asA.last('/register')!.params.application_type, 'native');
    assert.equal(asA.last('/authorize')!.params.resource, server.url);
    assert.equal(asA.last('/token')!.params.resource, server.url);

    assert.equal(await echo(client, 'hello'), 'echo: hello');
    const call = server.requests.find((r) => r.mcpMethod === 'tools/call')!;
    assert.equal(call.mcpName, 'echo');
    assert.equal(call.hasAuthorization, true);
    assert.equal(call.status, 200);
    assert.ok(!server.requests.some((r) => r.mcpMethod === 'initialize'), 'a modern client never sends initialize');
  });

  it('after a move to another authorization server: discovers and registers there, sends it nothing of the first one, and moves back without a sign-in', async () => {
    const { asA, asB, server, fixture, moveTo } = await setUp();
    const store = new MemoryAuthStore();
    const h = makeHarness({ store });
    const client = await connectModern(h, server.url);
    closers.push(() => client.close());
    assert.equal(await echo(client, 'one'), 'echo: one');
    const tokensA = JSON.parse((await store.get(authKeys.tokens(asA.issuer, server.url)))!) as StoredTokens;
    const clientA = (await store.get(authKeys.client(asA.issuer)))!;
    const clientIdA = (JSON.parse(clientA) as StoredClient).clientId;

    moveTo(asB);
    assert.equal(await echo(client, 'two'), 'echo: two');
    // The new server: discovered, a registration of its own, a sign-in, a token for this resource.
    assert.equal(asB.count('/.well-known/oauth-authorization-server'), 1);
    assert.equal(asB.count('/register'), 1);
    assert.equal(asB.count('/authorize'), 1);
    const tokensB = JSON.parse((await store.get(authKeys.tokens(asB.issuer, server.url)))!) as StoredTokens;
    assert.notEqual(tokensB.clientId, clientIdA);
    assert.equal(asB.last('/token')!.params.client_id, tokensB.clientId);
    // Nothing of the first server's reached it.
    assert.deepEqual([...new Set(fixture.clientIdsSeenBy(asB))], [tokensB.clientId]);
    const seenByB = carried(asB.requests);
    assert.ok(!seenByB.includes(clientIdA), 'the first client_id reached the new authorization server');
    assert.ok(!seenByB.includes(tokensA.refreshToken!), 'the first refresh token reached the new authorization server');
    assert.ok(!seenByB.includes(tokensA.accessToken), 'the first access token reached the new authorization server');
    // The first server saw no refresh, and its entries are untouched.
    assert.equal(asA.requests.filter((r) => r.params.grant_type === 'refresh_token').length, 0);
    assert.equal(await store.get(authKeys.client(asA.issuer)), clientA);
    assert.deepEqual(JSON.parse((await store.get(authKeys.tokens(asA.issuer, server.url)))!), tokensA);
    assert.equal((await h.engine.status(server.url)).issuer, asB.issuer);

    // Back to the first server: its token is used again, with no browser and no request to either server's /authorize.
    const opens = h.browserOpens.length;
    const [authorizeA, authorizeB] = [asA.count('/authorize'), asB.count('/authorize')];
    moveTo(asA);
    assert.equal(await echo(client, 'three'), 'echo: three');
    assert.equal(h.browserOpens.length, opens);
    assert.equal(asA.count('/authorize'), authorizeA);
    assert.equal(asB.count('/authorize'), authorizeB);
    assert.ok(!carried(asA.requests).includes(tokensB.accessToken));
    assert.ok(!carried(asA.requests).includes(tokensB.clientId));
    assert.equal((await h.engine.status(server.url)).issuer, asA.issuer);
  });

  it('a pre-registered client is refused at the server the resource moved to, naming both', async () => {
    // Both servers know the id: only its binding to the first one keeps it from the second.
    const { asA, asB, server, fixture, moveTo } = await setUp({
      authorizationServer: { preRegistered: { 'lens-pre': undefined } },
    });
    const h = makeHarness();
    const fetch = h.engine.authorizedFetch(server.url, { interactive: true, preRegistered: { clientId: 'lens-pre' } });
    const client = new Client({ name: 'mcp-lens-test', version: '0.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { fetch }));
    closers.push(() => client.close());
    assert.equal(await echo(client, 'one'), 'echo: one');

    moveTo(asB);
    await assert.rejects(echo(client, 'two'), (error: unknown) => {
      const text = String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error);
      assert.ok(text.includes(asA.issuer) && text.includes(asB.issuer), text);
      return true;
    });
    assert.equal(asB.count('/authorize') + asB.count('/token') + asB.count('/register'), 0);
    assert.deepEqual(fixture.clientIdsSeenBy(asB), []);
    assert.ok(fixture.clientIdsSeenBy(asA).includes('lens-pre'));
  });
});
