/**
 * The OAuth engine against MockAuthServer: every checklist item, and the servers that lie.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuthRequiredError } from '../../../src/core/errors.js';
import { OAuthFlowError } from '../../../src/core/auth/errors.js';
import { LoopbackRedirect } from '../../../src/core/auth/loopback.js';
import { FileAuthStore, MemoryAuthStore, authKeys } from '../../../src/core/auth/store.js';
import type { StoredTokens } from '../../../src/core/auth/types.js';
import { MockAuthServer, type MockAuthOptions } from './fixtures/mockAuthServer.js';
import { emitted, makeHarness, type Harness } from './helpers.js';

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<OAuthFlowError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OAuthFlowError, `expected OAuthFlowError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected a rejection with ${code}`);
}

describe('OAuth engine against a mock authorization server', function () {
  this.timeout(30_000);
  const servers: MockAuthServer[] = [];
  async function mock(options: MockAuthOptions = {}): Promise<MockAuthServer> {
    const m = await MockAuthServer.start(options);
    servers.push(m);
    return m;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  function assertNoLeak(h: Harness, m: MockAuthServer): void {
    const text = emitted(h);
    for (const secret of m.issuedSecrets) assert.ok(!text.includes(secret), 'a token reached a log or an exchange');
    assert.ok(!/code-[0-9a-f]{24}/.test(text), 'an authorization code reached a log or an exchange');
    for (const e of h.exchanges) {
      if (e.request.headers.authorization) assert.match(e.request.headers.authorization, /^\w+ \*\*\*$/);
      assert.ok(!/code_verifier=(?!\*\*\*)/.test(e.request.body ?? ''), 'code_verifier not masked');
    }
  }

  it('signs in with discovery, DCR, PKCE S256, state, resource on both requests, then calls the resource', async () => {
    const m = await mock({ prmScopes: ['mcp:read', 'mcp:write'] });
    const h = makeHarness();
    const info = await h.engine.signIn(m.mcpUrl);
    assert.equal(info.issuer, m.issuer);
    assert.deepEqual(info.scopes, ['mcp:read', 'mcp:write']);
    assert.equal(info.hasRefreshToken, true);

    // Discovery order: path-aware PRM first (RFC 9728 + MCP), then AS metadata.
    assert.equal(m.requests[0]!.path, '/.well-known/oauth-protected-resource/mcp');
    const reg = m.last('/register')!;
    assert.deepEqual(reg.params.grant_types, ['authorization_code', 'refresh_token'] as unknown as string);
    assert.equal(reg.params.application_type, 'native');
    assert.equal(reg.params.token_endpoint_auth_method, 'none');
    assert.match(String(reg.params.redirect_uris), /^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const authz = m.last('/authorize')!;
    assert.equal(authz.params.code_challenge_method, 'S256');
    assert.ok(authz.params.state && authz.params.state.length >= 32);
    assert.equal(authz.params.resource, m.mcpUrl);
    assert.equal(authz.params.scope, 'mcp:read mcp:write');
    const token = m.last('/token')!;
    assert.equal(token.params.resource, m.mcpUrl);
    assert.ok(token.params.code_verifier);

    const fetch = h.engine.authorizedFetch(m.mcpUrl);
    const res = await fetch(m.mcpUrl, { method: 'POST', body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(m.last('/mcp')!.headers.authorization?.toString().startsWith('Bearer at-'), true);
    assert.equal(h.loopback.listeningCount, 0, 'the loopback listener is closed after the callback');
    assertNoLeak(h, m);
    const status = await h.engine.status(m.mcpUrl);
    assert.equal(status.state, 'signed-in');
  });

  it('a second connect (new engine, same store) makes no OAuth request and opens no browser', async () => {
    const m = await mock();
    const store = new MemoryAuthStore();
    const first = makeHarness({ store });
    await first.engine.signIn(m.mcpUrl);
    const before = m.requests.length;
    const second = makeHarness({ store });
    const res = await second.engine.authorizedFetch(m.mcpUrl)(m.mcpUrl, { method: 'POST', body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(m.requests.length - before, 1, 'only the MCP request itself');
    assert.equal(second.browserOpens.length, 0);
    assert.equal(second.exchanges.length, 0);
  });

  it('a second sign-in reuses the registration (same loopback port) and the cached discovery', async () => {
    const m = await mock();
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    await h.engine.signIn(m.mcpUrl);
    assert.equal(m.count('/register'), 1);
    assert.equal(m.count(/^\/\.well-known\//), 2, 'PRM + AS metadata once');
  });

  it('throws AuthRequiredError with the challenge when there is no token', async () => {
    const m = await mock({ requiredScope: 'mcp:read' });
    const h = makeHarness();
    await assert.rejects(h.engine.authorizedFetch(m.mcpUrl)(m.mcpUrl, { method: 'POST' }), (error: unknown) => {
      assert.ok(error instanceof AuthRequiredError);
      assert.equal(error.details.resourceMetadataUrl, m.prmUrl);
      assert.equal(error.details.scope, 'mcp:read');
      return true;
    });
    // Scope selection: the challenge's scope wins over scopes_supported.
    await h.engine.signIn(m.mcpUrl);
    assert.equal(m.last('/authorize')!.params.scope, 'mcp:read');
  });

  it('omits scope when neither the challenge nor the metadata names one', async () => {
    const m = await mock();
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    assert.equal(m.last('/authorize')!.params.scope, undefined);
  });

  it('refuses metadata whose issuer differs from the one it was requested for', async () => {
    const m = await mock({ metadataOverrides: { issuer: 'http://127.0.0.1:1/other' } });
    const h = makeHarness();
    await rejectsWith(h.engine.signIn(m.mcpUrl), 'issuer-mismatch', /RFC 8414/);
    assert.equal(m.count('/register') + m.count('/authorize'), 0);
  });

  it('refuses an authorization server that does not advertise PKCE, or not S256', async () => {
    const m1 = await mock({ metadataOverrides: { code_challenge_methods_supported: null } });
    await rejectsWith(makeHarness().engine.signIn(m1.mcpUrl), 'pkce-unsupported', /code_challenge_methods_supported/);
    const m2 = await mock({ metadataOverrides: { code_challenge_methods_supported: ['plain'] } });
    await rejectsWith(makeHarness().engine.signIn(m2.mcpUrl), 'pkce-unsupported', /S256/);
    assert.equal(m1.count('/register') + m2.count('/register'), 0);
  });

  it('refuses protected resource metadata for another resource (RFC 9728 §3.3)', async () => {
    const m = await mock({ prmResource: 'https://evil.example.com/mcp' });
    const h = makeHarness();
    await rejectsWith(h.engine.signIn(m.mcpUrl), 'resource-mismatch');
    assert.equal(m.count('/.well-known/oauth-authorization-server'), 0);
    assert.ok(!h.contacted.some((u) => u.includes('example.com')));
  });

  for (const scheme of ['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd']) {
    it(`refuses a ${scheme.split(':')[0]}: authorization endpoint`, async () => {
      const m = await mock({ metadataOverrides: { authorization_endpoint: scheme } });
      const h = makeHarness();
      await rejectsWith(h.engine.signIn(m.mcpUrl), 'insecure-url', /only http\(s\)/);
      assert.equal(h.browserOpens.length, 0);
    });
  }

  it('refuses plain-http non-loopback endpoints before contacting them', async () => {
    const m = await mock({
      metadataOverrides: {
        token_endpoint: 'http://example.com/token',
        registration_endpoint: 'http://example.com/register',
      },
    });
    const h = makeHarness();
    await rejectsWith(h.engine.signIn(m.mcpUrl), 'insecure-url', /https/);
    assert.ok(!h.contacted.some((u) => u.includes('example.com')), 'example.com was contacted');
    assert.equal(h.browserOpens.length, 0);
    // The same for an authorization server named by the resource metadata.
    const m2 = await mock({ prm: true });
    const h2 = makeHarness({
      fetch: async (url, init) => {
        h2.contacted.push(String(url));
        if (String(url) === m2.prmUrl) {
          return new Response(JSON.stringify({ resource: m2.mcpUrl, authorization_servers: ['http://example.com'] }), {
            headers: { 'Content-Type': 'application/json' },
          });
        }
        return fetch(url, init);
      },
    });
    await rejectsWith(h2.engine.signIn(m2.mcpUrl), 'insecure-url');
    assert.ok(!h2.contacted.some((u) => u.includes('example.com')));
    // And the MCP server itself.
    await rejectsWith(makeHarness().engine.signIn('http://example.com/mcp'), 'insecure-url');
  });

  it('rejects a callback whose state does not match (and never exchanges the code)', async () => {
    const m = await mock({ callbackState: 'wrong' });
    const h = makeHarness();
    await rejectsWith(h.engine.signIn(m.mcpUrl), 'state-mismatch');
    assert.equal(m.count('/token'), 0);
    assert.equal(h.loopback.listeningCount, 0);
    const m2 = await mock({ callbackState: 'missing' });
    const h2 = makeHarness();
    await rejectsWith(h2.engine.signIn(m2.mcpUrl), 'state-mismatch');
    assert.equal(m2.count('/token'), 0);
  });

  it('checks RFC 9207 iss: exact match accepted, mismatch rejected, missing rejected when promised', async () => {
    const ok = await mock({
      iss: 'correct',
      metadataOverrides: { authorization_response_iss_parameter_supported: true },
    });
    await makeHarness().engine.signIn(ok.mcpUrl);
    const wrong = await mock({ iss: 'wrong' });
    await rejectsWith(makeHarness().engine.signIn(wrong.mcpUrl), 'iss-mismatch');
    assert.equal(wrong.count('/token'), 0);
    const missing = await mock({
      iss: 'none',
      metadataOverrides: { authorization_response_iss_parameter_supported: true },
    });
    await rejectsWith(makeHarness().engine.signIn(missing.mcpUrl), 'iss-mismatch', /lacks the iss/);
    assert.equal(missing.count('/token'), 0);
  });

  it('does not follow a redirect from the token endpoint', async () => {
    const m = await mock({ tokenRedirect: true });
    const h = makeHarness();
    await rejectsWith(h.engine.signIn(m.mcpUrl), 'token-endpoint-redirect');
    assert.equal(m.count('/token-elsewhere'), 0);
  });

  it('reports a denied authorization with the text escaped on the page', async () => {
    const m = await mock({ deny: true });
    let page = '';
    const h = makeHarness({
      openBrowser: async (url) => {
        const r1 = await fetch(url, { redirect: 'manual' });
        const r2 = await fetch(r1.headers.get('location')!, { redirect: 'manual' });
        page = await r2.text();
      },
    });
    await rejectsWith(h.engine.signIn(m.mcpUrl), 'authorization-denied', /access_denied/);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!page.includes('<script>alert(1)'), 'server text rendered as HTML');
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('refreshes an expired access token (before sending) and stores the rotated refresh token', async () => {
    const m = await mock({ rotateRefreshTokens: true });
    let clock = Date.now();
    const h = makeHarness({ now: () => clock });
    await h.engine.signIn(m.mcpUrl);
    const key = authKeys.tokens(m.issuer, m.mcpUrl);
    const before = JSON.parse((await h.store.get(key))!) as StoredTokens;
    clock += 3600_000; // past expiry
    const res = await h.engine.authorizedFetch(m.mcpUrl)(m.mcpUrl, { method: 'POST', body: '{}' });
    assert.equal(res.status, 200);
    const after = JSON.parse((await h.store.get(key))!) as StoredTokens;
    assert.notEqual(after.accessToken, before.accessToken);
    assert.notEqual(after.refreshToken, before.refreshToken, 'rotated refresh token stored');
    assert.equal(m.last('/token')!.params.grant_type, 'refresh_token');
    assert.equal(m.last('/token')!.params.resource, m.mcpUrl);
    assertNoLeak(h, m);
  });

  it('refreshes on a 401 (token expired server-side), once, and concurrent requests share one refresh', async () => {
    const m = await mock({ rotateRefreshTokens: true });
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    m.expireAccessTokens();
    const f = h.engine.authorizedFetch(m.mcpUrl);
    const results = await Promise.all([
      f(m.mcpUrl, { method: 'POST', body: '1' }),
      f(m.mcpUrl, { method: 'POST', body: '2' }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200],
    );
    assert.equal(m.requests.filter((r) => r.path === '/token' && r.params.grant_type === 'refresh_token').length, 1);
  });

  it('a revoked refresh token leads back to interactive sign-in (AuthRequiredError), tokens deleted', async () => {
    const m = await mock();
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    m.revokeAll();
    await assert.rejects(h.engine.authorizedFetch(m.mcpUrl)(m.mcpUrl, { method: 'POST' }), (e: unknown) => {
      assert.ok(e instanceof AuthRequiredError);
      assert.equal(e.details.error, 'invalid_grant');
      return true;
    });
    assert.equal((await h.engine.status(m.mcpUrl)).state, 'none');
    assert.equal(h.browserOpens.length, 1, 'no surprise browser tab');
    // interactive mode signs in again and retries
    const res = await h.engine.authorizedFetch(m.mcpUrl, { interactive: true })(m.mcpUrl, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(res.status, 200);
    assert.equal(h.browserOpens.length, 2);
  });

  it('403 insufficient_scope: AuthRequiredError with the scope; signIn with it steps up keeping earlier scopes', async () => {
    const m = await mock({ requiredScope: 'mcp:read', adminScope: 'mcp:admin' });
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    const f = h.engine.authorizedFetch(m.mcpUrl);
    const admin = `${m.origin}/mcp/admin`;
    let err: AuthRequiredError | undefined;
    await f(admin, { method: 'POST' }).catch((e: unknown) => (err = e as AuthRequiredError));
    assert.ok(err instanceof AuthRequiredError);
    assert.equal(err.details.error, 'insufficient_scope');
    assert.equal(err.details.scope, 'mcp:read mcp:admin');
    await h.engine.signIn(m.mcpUrl, { challenge: err.details, scope: err.details.scope });
    assert.equal(m.last('/authorize')!.params.scope, 'mcp:read mcp:admin');
    assert.equal((await f(admin, { method: 'POST' })).status, 200);
  });

  it('interactive step-up: one extra sign-in, then the request succeeds', async () => {
    const m = await mock({ requiredScope: 'mcp:read', adminScope: 'mcp:admin' });
    const h = makeHarness();
    const f = h.engine.authorizedFetch(m.mcpUrl, { interactive: true });
    assert.equal((await f(`${m.origin}/mcp/admin`, { method: 'POST', body: '{}' })).status, 200);
    assert.equal(h.browserOpens.length, 2, '401 → sign-in, 403 → step-up');
    // No pre-flight before the step-up: its client obtained a token within this same request.
    assert.equal(m.count('/authorize'), 2, 'one /authorize request per sign-in');
  });

  it('caps sign-ins at 3 per request when the server keeps answering 403', async () => {
    const m = await mock({ adminAlwaysForbidden: true, adminScope: 'mcp:admin' });
    const h = makeHarness();
    const f = h.engine.authorizedFetch(m.mcpUrl, { interactive: true });
    await assert.rejects(f(`${m.origin}/mcp/admin`, { method: 'POST', body: '{}' }), (e: unknown) => {
      assert.ok(e instanceof AuthRequiredError);
      assert.match(e.message, /Gave up after 3 sign-ins/);
      return true;
    });
    assert.equal(h.browserOpens.length, 3);
    // Only the three browser visits: step-ups within one request check no client (the conformance suite's
    // scope-retry-limit counts every /authorize request as an authorization attempt).
    assert.equal(m.count('/authorize'), 3);
  });

  it('user cancel (AbortSignal) and timeout leave no listener and no tokens', async () => {
    const m = await mock({ authorizeDelayMs: 3000 });
    const h = makeHarness();
    const controller = new AbortController();
    const p = h.engine.signIn(m.mcpUrl, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await rejectsWith(p, 'cancelled');
    assert.equal(h.loopback.listeningCount, 0);
    const h2 = makeHarness({ timeoutMs: 400 });
    await rejectsWith(h2.engine.signIn(m.mcpUrl), 'timeout', /timed out/);
    assert.equal(h2.loopback.listeningCount, 0);
    assert.equal((await h2.engine.status(m.mcpUrl)).state, 'none');
  });

  it('runs concurrent sign-ins to two servers, each with its own state and listener', async () => {
    const [a, b] = await Promise.all([mock(), mock()]);
    const h = makeHarness();
    const [ia, ib] = await Promise.all([h.engine.signIn(a.mcpUrl), h.engine.signIn(b.mcpUrl)]);
    assert.equal(ia.issuer, a.issuer);
    assert.equal(ib.issuer, b.issuer);
    assert.notEqual(a.last('/authorize')!.params.state, b.last('/authorize')!.params.state);
    assert.equal((await h.engine.authorizedFetch(a.mcpUrl)(a.mcpUrl, { method: 'POST' })).status, 200);
    assert.equal((await h.engine.authorizedFetch(b.mcpUrl)(b.mcpUrl, { method: 'POST' })).status, 200);
    assert.equal(h.loopback.listeningCount, 0);
  });

  it('concurrent sign-ins sharing a fixed loopback port are routed by state', async () => {
    const [a, b] = await Promise.all([mock(), mock()]);
    const probe = new LoopbackRedirect();
    const prepared = await probe.prepare({ state: 'probe', serverName: 'x' });
    const port = Number(new URL(prepared.redirectUri).port);
    prepared.dispose();
    const fixed = new LoopbackRedirect({ port });
    const h = makeHarness({ strategies: [fixed] });
    const [ia, ib] = await Promise.all([h.engine.signIn(a.mcpUrl), h.engine.signIn(b.mcpUrl)]);
    assert.equal(ia.issuer, a.issuer);
    assert.equal(ib.issuer, b.issuer);
    assert.equal(fixed.listeningCount, 0);
  });

  it('tries the next redirect strategy when registration rejects a redirect URI', async () => {
    const probe = new LoopbackRedirect();
    const prepared = await probe.prepare({ state: 'probe', serverName: 'x' });
    const port = Number(new URL(prepared.redirectUri).port);
    prepared.dispose();
    const m = await mock({ rejectRedirectUris: new RegExp(`:${port}/`) });
    const first = new LoopbackRedirect({ port });
    const second = new LoopbackRedirect();
    const h = makeHarness({ strategies: [first, second] });
    await h.engine.signIn(m.mcpUrl);
    assert.equal(m.count('/register'), 2);
    assert.equal(first.listeningCount + second.listeningCount, 0);
  });

  it('uses pre-registered credentials (client_secret_basic), never DCR', async () => {
    const m = await mock({
      preRegistered: { 'pre-client': 'pre-secret' },
      metadataOverrides: {
        registration_endpoint: null,
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      },
    });
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl, { preRegistered: { clientId: 'pre-client', clientSecret: 'pre-secret' } });
    assert.equal(m.count('/register'), 0);
    assert.match(String(m.last('/token')!.headers.authorization), /^Basic /);
    assert.ok(!emitted(h).includes('pre-secret'));
    // Without credentials and without DCR the engine says what to register.
    const h2 = makeHarness();
    await rejectsWith(h2.engine.signIn(m.mcpUrl), 'no-client', /redirect URI http:\/\/127\.0\.0\.1:\d+\/callback/);
  });

  it('uses a Client ID Metadata Document URL when the server advertises support', async () => {
    const m = await mock({ metadataOverrides: { client_id_metadata_document_supported: true } });
    const h = makeHarness({ cimdUrl: 'https://client.example/mcp-lens.json' });
    await h.engine.signIn(m.mcpUrl);
    assert.equal(m.count('/register'), 0);
    assert.equal(m.last('/authorize')!.params.client_id, 'https://client.example/mcp-lens.json');
    assert.ok(!h.contacted.some((u) => new URL(u).hostname === 'client.example'));
  });

  it('2025-03-26 back-compat: no PRM → the origin is the AS (metadata there)', async () => {
    const m = await mock({ prm: false });
    const h = makeHarness();
    const info = await h.engine.signIn(m.mcpUrl);
    assert.equal(info.issuer, m.issuer);
    assert.equal(m.count('/.well-known/oauth-protected-resource/mcp'), 1);
    assert.equal(m.count('/.well-known/oauth-protected-resource'), 1);
    assert.equal(m.last('/token')!.params.resource, m.mcpUrl);
  });

  it('2025-03-26 back-compat: no metadata at all → /authorize, /token, /register on the origin', async () => {
    const m = await mock({ prm: false, asMetadata: false });
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    assert.equal(m.count('/register'), 1);
    assert.equal(m.count('/authorize'), 1);
    assert.equal(m.count('/token'), 1);
    assert.equal((await h.engine.authorizedFetch(m.mcpUrl)(m.mcpUrl, { method: 'POST' })).status, 200);
  });

  it('discovers an issuer with a path (RFC 8414 path-aware URL)', async () => {
    const m = await mock({ issuerPath: '/tenant1' });
    const info = await makeHarness().engine.signIn(m.mcpUrl);
    assert.equal(info.issuer, `${m.origin}/tenant1`);
    assert.equal(m.count('/.well-known/oauth-authorization-server/tenant1'), 1);
  });

  it('works with `localhost` URLs (loopback by name)', async () => {
    const m = await mock({ host: 'localhost' });
    const info = await makeHarness().engine.signIn(m.mcpUrl);
    assert.equal(info.issuer, m.issuer);
  });

  it('signOut revokes (RFC 7009) refresh and access token, then deletes them', async () => {
    const m = await mock();
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    await h.engine.signOut(m.mcpUrl);
    assert.equal(m.count('/revoke'), 2);
    assert.equal(m.accessTokens.size, 0);
    assert.equal(m.refreshTokens.size, 0);
    assert.equal((await h.engine.status(m.mcpUrl)).state, 'none');
    assertNoLeak(h, m);
  });

  // RFC 6749 §2.3.1: Basic carries the form-urlencoded id and secret; these need encoding.
  const ODD_ID = 'a:b c+%';
  const ODD_SECRET = 's:e c+%ret';
  const basicParts = (header: string | string[] | undefined) =>
    Buffer.from(String(header).replace(/^Basic /, ''), 'base64').toString('utf8');

  it('signOut authenticates at the revocation endpoint with the form-encoded id and secret (client_secret_basic)', async () => {
    const m = await mock({
      preRegistered: { [ODD_ID]: ODD_SECRET },
      metadataOverrides: {
        registration_endpoint: null,
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
      },
    });
    const h = makeHarness();
    const preRegistered = { clientId: ODD_ID, clientSecret: ODD_SECRET };
    await h.engine.signIn(m.mcpUrl, { preRegistered });
    assert.equal(m.last('/token')!.params.client_secret, ODD_SECRET, 'the token request used client_secret_post');
    await h.engine.signOut(m.mcpUrl, { preRegistered });
    const revokes = m.requests.filter((r) => r.path === '/revoke');
    assert.equal(revokes.length, 2);
    for (const r of revokes) {
      assert.equal(
        basicParts(r.headers.authorization),
        `${encodeURIComponent(ODD_ID)}:${encodeURIComponent(ODD_SECRET)}`,
      );
    }
    assert.equal(m.accessTokens.size, 0, 'the server accepted the client and revoked the access token');
    assert.equal(m.refreshTokens.size, 0, 'the server accepted the client and revoked the refresh token');
    assert.ok(!emitted(h).includes(ODD_SECRET));
    assertNoLeak(h, m);
  });

  it('the code exchange and the refresh use the same form-encoded client_secret_basic', async () => {
    const m = await mock({
      preRegistered: { [ODD_ID]: ODD_SECRET },
      metadataOverrides: {
        registration_endpoint: null,
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      },
    });
    const h = makeHarness();
    const preRegistered = { clientId: ODD_ID, clientSecret: ODD_SECRET };
    await h.engine.signIn(m.mcpUrl, { preRegistered });
    await h.engine.refreshNow(m.mcpUrl, { preRegistered });
    const tokens = m.requests.filter((r) => r.path === '/token');
    assert.deepEqual(
      tokens.map((r) => r.params.grant_type),
      ['authorization_code', 'refresh_token'],
    );
    for (const r of tokens) {
      assert.equal(
        basicParts(r.headers.authorization),
        `${encodeURIComponent(ODD_ID)}:${encodeURIComponent(ODD_SECRET)}`,
      );
      assert.equal(r.params.client_secret, undefined, 'the secret is not also in the body');
    }
    assert.ok(!emitted(h).includes(ODD_SECRET));
  });

  it('forgetClientRegistration makes the next sign-in register again', async () => {
    const m = await mock();
    const h = makeHarness();
    await h.engine.signIn(m.mcpUrl);
    await h.engine.forgetClientRegistration(m.mcpUrl);
    assert.equal((await h.engine.status(m.mcpUrl)).state, 'none');
    await h.engine.signIn(m.mcpUrl);
    assert.equal(m.count('/register'), 2);
  });

  it('2025-03-26 back-compat still refuses metadata whose issuer is on another origin', async () => {
    const m = await mock({ prm: false, metadataOverrides: { issuer: 'http://127.0.0.1:1' } });
    await rejectsWith(makeHarness().engine.signIn(m.mcpUrl), 'issuer-mismatch');
    assert.equal(m.count('/register'), 0);
  });

  it('tokens survive a restart with FileAuthStore (0600 file), and the file is the only place they are', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mcp-lens-engine-'));
    try {
      const file = path.join(dir, 'credentials.json');
      const m = await mock();
      const h = makeHarness({ store: new FileAuthStore(file) });
      await h.engine.signIn(m.mcpUrl);
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      const before = m.requests.length;
      const again = makeHarness({ store: new FileAuthStore(file) });
      assert.equal((await again.engine.authorizedFetch(m.mcpUrl)(m.mcpUrl, { method: 'POST' })).status, 200);
      assert.equal(m.requests.length - before, 1);
      const onDisk = await fs.readFile(file, 'utf8');
      assert.ok(m.issuedSecrets.some((t) => onDisk.includes(t)));
      assertNoLeak(h, m);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('never attaches the token to another origin', async () => {
    const a = await mock();
    const b = await mock();
    const h = makeHarness();
    await h.engine.signIn(a.mcpUrl);
    const res = await h.engine.authorizedFetch(a.mcpUrl)(b.mcpUrl, { method: 'POST' });
    assert.equal(res.status, 401);
    assert.equal(b.last('/mcp')!.headers.authorization, undefined);
  });
});
