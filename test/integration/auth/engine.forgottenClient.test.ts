/**
 * An authorization server that forgets its registered clients: the simple-auth fixture keeps its
 * registrations in memory, so stopping it and starting it again on the same port loses them. The
 * engine must find out before it opens the browser (a pre-flight of the authorization URL, RFC 6749
 * §4.1.2.1), or at the token endpoint (invalid_client), and register again by itself; a
 * pre-registered client the server does not know fails at once, naming the client id.
 */
import * as assert from 'node:assert/strict';
import { OAuthFlowError } from '../../../src/core/auth/errors.js';
import { MemoryAuthStore, authKeys } from '../../../src/core/auth/store.js';
import { AuthRequiredError } from '../../../src/core/errors.js';
import { startSimpleAuthServer, type SimpleAuthServer } from '../../fixtures/simpleAuth/server.js';
import { makeHarness } from './helpers.js';

const OAUTH_PATHS = /^\/(register|authorize|token|revoke|\.well-known\/.*)$/;

describe('OAuth engine and an authorization server that forgot its client (simple-auth, restarted)', function () {
  this.timeout(30_000);
  let server: SimpleAuthServer | undefined;

  async function start(port = 0): Promise<SimpleAuthServer> {
    server = await startSimpleAuthServer({
      githubClientId: 'demo-client',
      githubClientSecret: 'demo-secret',
      autoApprove: true,
      port,
    });
    return server;
  }

  /** Stops the server and starts a new one on the same port: same issuer, no registrations, no tokens. */
  async function restart(s: SimpleAuthServer): Promise<SimpleAuthServer> {
    const port = Number(new URL(s.url).port);
    await s.close();
    server = undefined;
    // Let this process's fetch see its keep-alive sockets to the old server close, so a POST is not
    // sent on a dead socket (undici does not retry those).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await start(port);
    assert.equal(again.issuer, s.issuer);
    assert.equal(again.controls.counts().clients, 0, 'the restarted server lost its registrations');
    return again;
  }

  /** The OAuth requests the server received, in order, as "METHOD /path status". */
  function sequence(s: SimpleAuthServer): string[] {
    return s.stats.filter({ path: OAUTH_PATHS }).map((r) => `${r.method} ${r.path} ${r.status}`);
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a second sign-in after a restart registers again once (pre-flight, register, authorize, token) and succeeds', async () => {
    const first = await start();
    const store = new MemoryAuthStore();
    const h = makeHarness({ store });
    const one = await h.engine.signIn(first.mcpUrl);
    assert.deepEqual(
      sequence(first).filter((l) => !l.includes('.well-known')),
      ['POST /register 201', 'GET /authorize 302', 'POST /token 200'],
    );

    const s = await restart(first);
    const two = await h.engine.signIn(s.mcpUrl);

    assert.deepEqual(
      sequence(s),
      ['GET /authorize 400', 'POST /register 201', 'GET /authorize 302', 'POST /token 200'],
      'discovery is cached; one pre-flight, one registration',
    );
    assert.notEqual(two.clientId, one.clientId);
    assert.equal(s.controls.counts().clients, 1);
    assert.equal(h.browserOpens.length, 2);
    const stored = JSON.parse((await store.get(authKeys.client(s.issuer)))!) as { clientId: string };
    assert.equal(stored.clientId, two.clientId);
    assert.equal((await h.engine.status(s.mcpUrl)).state, 'signed-in');

    const preflights = h.exchanges.filter((e) => e.step === 'authorization-preflight');
    assert.equal(preflights.length, 1);
    assert.equal(preflights[0]!.response?.status, 400);
    assert.ok(
      h.logs.some((l) => l.includes(`no longer knew the client ${one.clientId}; registered again as ${two.clientId}`)),
      h.logs.join('\n'),
    );

    // A third sign-in with the new registration: the pre-flight finds it known; nothing is registered.
    s.stats.reset();
    await h.engine.signIn(s.mcpUrl);
    assert.deepEqual(sequence(s), ['GET /authorize 302', 'GET /authorize 302', 'POST /token 200']);
  });

  it('a refresh refused with invalid_client forgets the registration and tokens; the next sign-in registers without a pre-flight', async () => {
    const first = await start();
    const store = new MemoryAuthStore();
    const h = makeHarness({ store });
    const one = await h.engine.signIn(first.mcpUrl);
    assert.ok(one.hasRefreshToken);

    const s = await restart(first);
    await assert.rejects(h.engine.refreshNow(s.mcpUrl), (e: unknown) => {
      assert.ok(e instanceof AuthRequiredError, String(e));
      assert.equal(e.details.error, 'invalid_client');
      assert.match(e.message, new RegExp(`no longer knows the client ${one.clientId}`));
      return true;
    });
    assert.equal(await store.get(authKeys.client(s.issuer)), undefined, 'the forgotten registration is deleted');
    assert.equal((await h.engine.status(s.mcpUrl)).state, 'none');

    s.stats.reset();
    const two = await h.engine.signIn(s.mcpUrl);
    assert.deepEqual(sequence(s), ['POST /register 201', 'GET /authorize 302', 'POST /token 200']);
    assert.notEqual(two.clientId, one.clientId);
  });

  it('a pre-registered client the server does not know fails at once, naming the client id, not by timing out', async () => {
    const s = await start();
    const opened: string[] = [];
    // A real browser would show the server's error page and never come back: the opener does nothing.
    const h = makeHarness({ timeoutMs: 4000, openBrowser: async (url) => void opened.push(url) });
    const started = performance.now();
    await assert.rejects(
      h.engine.signIn(s.mcpUrl, { preRegistered: { clientId: 'lens-desktop-app' } }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthFlowError, String(e));
        assert.equal(e.code, 'unknown-client', e.message);
        assert.match(e.message, /does not know the client id "lens-desktop-app"/);
        assert.match(e.message, /Check the client id in the connection's settings/);
        return true;
      },
    );
    assert.ok(performance.now() - started < 3000, 'failed before the sign-in timeout');
    assert.deepEqual(opened, [], 'the browser was not opened');
    assert.deepEqual(
      sequence(s).filter((l) => !l.includes('.well-known')),
      ['GET /authorize 400'],
      'no registration for a pre-registered client',
    );
  });
});
