/**
 * MCP 2026-07-28 authorization, against MockAuthServer: `application_type` in the registration
 * (SEP-837), credentials bound to the authorization server that issued them (SEP-2352) — stored
 * registrations, tokens and a pre-registered client id — re-registration when a resource moves to
 * another authorization server, and the RFC 9207 `iss` rules.
 */
import * as assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { AuthRequiredError } from '../../../src/core/errors.js';
import { OAuthFlowError } from '../../../src/core/auth/errors.js';
import { MemoryAuthStore, authKeys } from '../../../src/core/auth/store.js';
import type { PreparedRedirect, RedirectStrategy, StoredClient, StoredTokens } from '../../../src/core/auth/types.js';
import { MachineAuthServer } from './fixtures/machineAuthServer.js';
import { MockAuthServer, type MockAuthOptions, type RecordedRequest } from './fixtures/mockAuthServer.js';
import { makeHarness } from './helpers.js';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<OAuthFlowError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OAuthFlowError, `expected OAuthFlowError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected a rejection with ${code}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every value a request carried (parameters and headers), to check that a credential never reached a server. */
function carried(requests: RecordedRequest[]): string {
  return JSON.stringify(requests.map((r) => ({ path: r.path, params: r.params, headers: r.headers })));
}

describe('OAuth engine: issuer-bound credentials (MCP 2026-07-28)', function () {
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

  describe('application_type in the dynamic registration (SEP-837)', () => {
    it('is "native" for the loopback redirect', async () => {
      const m = await mock();
      await makeHarness().engine.signIn(m.mcpUrl);
      assert.equal(m.last('/register')!.params.application_type, 'native');
    });

    it('is "web" for an https redirect that is not loopback', async () => {
      const m = await mock();
      // A redirect strategy with an https URI (as VS Code's asExternalUri gives on the web); the
      // sign-in stops after the registration, since nothing answers at that URI.
      const httpsRedirect: RedirectStrategy = {
        name: 'https redirect',
        prepare: async (): Promise<PreparedRedirect> => ({
          redirectUri: 'https://lens.example/oauth/callback',
          waitForCallback: async () => {
            throw new OAuthFlowError('cancelled', 'no callback in this test');
          },
          dispose: () => undefined,
        }),
      };
      const h = makeHarness({ strategies: [httpsRedirect], openBrowser: async () => undefined });
      await rejectsWith(h.engine.signIn(m.mcpUrl), 'cancelled');
      const reg = m.last('/register')!;
      assert.deepEqual(reg.params.redirect_uris, ['https://lens.example/oauth/callback'] as unknown as string);
      assert.equal(reg.params.application_type, 'web');
      assert.ok(!h.contacted.some((u) => u.includes('lens.example')));
    });
  });

  describe('a resource that moves to another authorization server (SEP-2352)', () => {
    it('discovers and registers again with the new server, never sends it the old client or tokens, and finds the old ones when it moves back', async () => {
      const resource = await mock({ prmScopes: ['mcp'] });
      const other = await mock();
      const store = new MemoryAuthStore();
      const h = makeHarness({ store });
      const fetch = h.engine.authorizedFetch(resource.mcpUrl, { interactive: true });

      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
      const first = JSON.parse((await store.get(authKeys.tokens(resource.issuer, resource.mcpUrl)))!) as StoredTokens;
      const firstClient = (await store.get(authKeys.client(resource.issuer)))!;
      const firstClientId = (JSON.parse(firstClient) as StoredClient).clientId;
      const authorizeAtFirst = resource.count('/authorize');

      resource.authorizationServer = other;
      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
      // The new server got a registration of its own and issued the token the resource accepted.
      assert.equal(other.count('/register'), 1);
      assert.equal(other.count('/authorize'), 1);
      const second = JSON.parse((await store.get(authKeys.tokens(other.issuer, resource.mcpUrl)))!) as StoredTokens;
      assert.notEqual(second.clientId, firstClientId);
      assert.ok(other.accessTokens.has(second.accessToken));
      assert.equal((await h.engine.status(resource.mcpUrl)).issuer, other.issuer);
      // Nothing of the first server's reached the new one: client id, refresh token, access token.
      const seen = carried(other.requests);
      assert.ok(!seen.includes(firstClientId), 'the old client_id was sent to the new authorization server');
      assert.ok(!seen.includes(first.refreshToken!), 'the old refresh token was sent to the new authorization server');
      assert.ok(!seen.includes(first.accessToken), 'the old access token was sent to the new authorization server');
      // No refresh was attempted at the server the resource left.
      assert.equal(resource.requests.filter((r) => r.params.grant_type === 'refresh_token').length, 0);
      // The first server's registration and tokens are untouched.
      assert.equal(await store.get(authKeys.client(resource.issuer)), firstClient);
      assert.deepEqual(
        JSON.parse((await store.get(authKeys.tokens(resource.issuer, resource.mcpUrl)))!) as StoredTokens,
        first,
      );

      // Back to the first server: its stored token works again, without a browser.
      resource.authorizationServer = resource;
      const opens = h.browserOpens.length;
      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
      assert.equal(h.browserOpens.length, opens);
      assert.equal(resource.count('/authorize'), authorizeAtFirst);
      assert.equal(resource.count('/register'), 1);
      assert.equal(resource.last('/mcp')!.headers.authorization, `Bearer ${first.accessToken}`);
      // The new server's token went to the resource only, never to the first server's OAuth endpoints.
      assert.ok(!carried(resource.requests.filter((r) => r.path !== '/mcp')).includes(second.accessToken));
    });

    it('without interactive sign-in (the extension), the move asks for a sign-in, which goes to the new server', async () => {
      const resource = await mock();
      const other = await mock();
      const h = makeHarness();
      await h.engine.signIn(resource.mcpUrl);
      const fetch = h.engine.authorizedFetch(resource.mcpUrl);
      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
      resource.authorizationServer = other;
      let required: AuthRequiredError | undefined;
      await fetch(resource.mcpUrl, { method: 'POST', body: '{}' }).catch((error: unknown) => {
        if (error instanceof AuthRequiredError) required = error;
      });
      assert.ok(required, 'expected AuthRequiredError');
      assert.equal((await h.engine.status(resource.mcpUrl)).state, 'none');
      const info = await h.engine.signIn(resource.mcpUrl, { challenge: required.details });
      assert.equal(info.issuer, other.issuer);
      assert.equal(other.count('/register'), 1);
      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
    });

    it('a sign-out also deletes the tokens the first server issued (locally: they are sent nowhere)', async () => {
      const resource = await mock();
      const other = await mock();
      const store = new MemoryAuthStore();
      const h = makeHarness({ store });
      const fetch = h.engine.authorizedFetch(resource.mcpUrl, { interactive: true });
      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
      const first = JSON.parse((await store.get(authKeys.tokens(resource.issuer, resource.mcpUrl)))!) as StoredTokens;
      resource.authorizationServer = other;
      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
      assert.ok(await store.get(authKeys.tokens(resource.issuer, resource.mcpUrl)));

      await h.engine.signOut(resource.mcpUrl);
      assert.equal(await store.get(authKeys.tokens(other.issuer, resource.mcpUrl)), undefined);
      assert.equal(await store.get(authKeys.tokens(resource.issuer, resource.mcpUrl)), undefined);
      // The new server revoked its own tokens; the first server's were not sent to it.
      assert.ok(other.count('/revoke') > 0);
      assert.ok(!carried(other.requests).includes(first.refreshToken!));
      // Moving back finds nothing to use: a sign-in is needed.
      resource.authorizationServer = resource;
      await assert.rejects(
        h.engine.authorizedFetch(resource.mcpUrl)(resource.mcpUrl, { method: 'POST', body: '{}' }),
        (error: unknown) => error instanceof AuthRequiredError,
      );
    });

    it('a stored registration that names another issuer than its key is never used', async () => {
      const m = await mock();
      const store = new MemoryAuthStore();
      // It lists a redirect URI the loopback listener can take, so only its issuer disqualifies it.
      const foreign: StoredClient = {
        issuer: 'https://as.elsewhere.example',
        clientId: 'client-of-elsewhere',
        redirectUris: [`http://127.0.0.1:${await freePort()}/callback`],
        registeredAt: 0,
      };
      await store.set(authKeys.client(m.issuer), JSON.stringify(foreign));
      const h = makeHarness({ store });
      const info = await h.engine.signIn(m.mcpUrl);
      assert.notEqual(info.clientId, foreign.clientId);
      assert.equal(m.count('/register'), 1);
      assert.ok(!carried(m.requests).includes(foreign.clientId));
    });

    it('a refresh never goes to another server than the token issuer, and keeps the old tokens', async () => {
      const resource = await mock();
      const other = await mock();
      const store = new MemoryAuthStore();
      // Discovery is never reused, so the refresh sees the move.
      const h = makeHarness({ store, discoveryTtlMs: 0 });
      await h.engine.signIn(resource.mcpUrl);
      const before = await store.get(authKeys.tokens(resource.issuer, resource.mcpUrl));
      resource.authorizationServer = other;
      await assert.rejects(h.engine.refreshNow(resource.mcpUrl), (error: unknown) => {
        assert.ok(error instanceof AuthRequiredError, String(error));
        assert.match(error.message, /another authorization server/);
        return true;
      });
      assert.equal(other.count('/token'), 0);
      assert.equal(resource.requests.filter((r) => r.params.grant_type === 'refresh_token').length, 0);
      assert.equal(await store.get(authKeys.tokens(resource.issuer, resource.mcpUrl)), before);
    });
  });

  describe('a pre-registered client is bound to the first authorization server that accepted it', () => {
    const preRegistered = { clientId: 'lens-pre', clientSecret: 'pre-secret-0123456789' };

    it('refuses, naming both servers, to present it to the server the resource moved to', async () => {
      const resource = await mock({ preRegistered: { 'lens-pre': 'pre-secret-0123456789' } });
      // The new server would accept the same id: only the binding stops it.
      const other = await mock({ preRegistered: { 'lens-pre': 'pre-secret-0123456789' } });
      const store = new MemoryAuthStore();
      const h = makeHarness({ store });
      const fetch = h.engine.authorizedFetch(resource.mcpUrl, { interactive: true, preRegistered });
      assert.equal((await fetch(resource.mcpUrl, { method: 'POST', body: '{}' })).status, 200);
      assert.equal(resource.count('/register'), 0);

      resource.authorizationServer = other;
      const error = await rejectsWith(fetch(resource.mcpUrl, { method: 'POST', body: '{}' }), 'client-issuer-mismatch');
      assert.ok(error.message.includes(resource.issuer), error.message);
      assert.ok(error.message.includes(other.issuer), error.message);
      assert.match(error.message, /lens-pre/);
      assert.match(error.message, /connection's settings/);
      assert.ok(!error.message.includes(preRegistered.clientSecret));
      // The new server saw discovery only: no authorization (not even the pre-flight check), no token request.
      assert.equal(other.count('/authorize') + other.count('/token') + other.count('/register'), 0);
      assert.ok(!carried(other.requests).includes('lens-pre'));
      assert.ok(!carried(other.requests).includes(preRegistered.clientSecret));
      // The same through signIn.
      await rejectsWith(h.engine.signIn(resource.mcpUrl, { preRegistered }), 'client-issuer-mismatch');
      assert.equal(other.count('/authorize') + other.count('/token'), 0);

      // Another client id (registered with the new server) is not bound, and signs in there.
      await h.engine.signIn(resource.mcpUrl, { preRegistered: { clientId: 'lens-other' } }).catch(() => undefined);
      assert.equal(other.last('/authorize')?.params.client_id, 'lens-other');

      // "Forget client registration" forgets the binding too: the user said the move is expected.
      await h.engine.forgetClientRegistration(resource.mcpUrl);
      const info = await h.engine.signIn(resource.mcpUrl, { preRegistered });
      assert.equal(info.issuer, other.issuer);
      assert.equal(info.clientId, 'lens-pre');
    });

    it('is not bound by a sign-in that failed', async () => {
      const first = await mock({ preRegistered: { 'lens-pre': 'pre-secret-0123456789' }, deny: true });
      const h = makeHarness();
      await rejectsWith(h.engine.signIn(first.mcpUrl, { preRegistered }), 'authorization-denied');
      const other = await mock({ preRegistered: { 'lens-pre': 'pre-secret-0123456789' } });
      first.authorizationServer = other;
      const info = await h.engine.signIn(first.mcpUrl, { preRegistered, rediscover: true });
      assert.equal(info.issuer, other.issuer);
    });
  });

  describe('the client of a grant without a browser is bound the same way', () => {
    const machineServers: MachineAuthServer[] = [];
    afterEach(async () => {
      await Promise.all(machineServers.splice(0).map((s) => s.close()));
    });

    it('records the issuer of the first token, and refuses the client at another issuer before any token request', async () => {
      const secret = 'svc-secret-0123456789';
      const s = await MachineAuthServer.start({ clients: { svc: { method: 'client_secret_basic', secret } } });
      machineServers.push(s);
      const store = new MemoryAuthStore();
      const h = makeHarness({ store });
      await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: secret });
      const key = authKeys.preRegisteredIssuers(s.mcpUrl);
      assert.deepEqual(JSON.parse((await store.get(key))!), { svc: s.issuer });

      // As if the client had been used with another authorization server before this one.
      await store.set(key, JSON.stringify({ svc: 'https://as.elsewhere.example' }));
      const tokenRequests = s.count('/token');
      const error = await rejectsWith(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: secret }),
        'client-issuer-mismatch',
      );
      assert.ok(error.message.includes('https://as.elsewhere.example') && error.message.includes(s.issuer));
      assert.equal(s.count('/token'), tokenRequests);
      assert.ok(!h.contacted.some((u) => u.includes('elsewhere.example')));
    });
  });

  describe('RFC 9207 iss', () => {
    it('on a mismatch, shows neither the received iss nor the error description', async () => {
      const m = await mock({ iss: 'wrong', deny: true });
      const error = await rejectsWith(makeHarness().engine.signIn(m.mcpUrl), 'iss-mismatch');
      assert.ok(!error.message.includes('attacker.invalid'), error.message);
      assert.ok(!/user said no|script|access_denied/.test(error.message), error.message);
      assert.ok(error.message.includes(m.issuer));
      assert.equal(m.count('/token'), 0);
    });

    it('accepts an exact iss, and rejects a missing one only when the server promises it', async () => {
      const exact = await mock({
        iss: 'correct',
        metadataOverrides: { authorization_response_iss_parameter_supported: true },
      });
      await makeHarness().engine.signIn(exact.mcpUrl);
      const absentUnpromised = await mock({ iss: 'none' });
      await makeHarness().engine.signIn(absentUnpromised.mcpUrl);
      const absentPromised = await mock({
        iss: 'none',
        metadataOverrides: { authorization_response_iss_parameter_supported: true },
      });
      await rejectsWith(makeHarness().engine.signIn(absentPromised.mcpUrl), 'iss-mismatch');
      assert.equal(absentPromised.count('/token'), 0);
    });
  });
});
