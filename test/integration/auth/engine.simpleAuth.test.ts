/**
 * The OAuth engine end to end against our loopback port of the python-sdk `simple-auth` scenario
 * (test/fixtures/simpleAuth): the MCP SDK client talks to the fixture through `authorizedFetch`.
 */
import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AuthRequiredError } from '../../../src/core/errors.js';
import { MemoryAuthStore, authKeys } from '../../../src/core/auth/store.js';
import type { FetchLike, StoredTokens } from '../../../src/core/auth/types.js';
import {
  startSimpleAuthServer,
  STEP_UP_TOOL,
  type SimpleAuthServer,
  type SimpleAuthServerOptions,
} from '../../fixtures/simpleAuth/server.js';
import { completeConsent } from '../../fixtures/simpleAuth/browser.js';
import { DEMO_USER } from '../../fixtures/simpleAuth/githubStandIn.js';
import { emitted, makeHarness } from './helpers.js';

const OAUTH_PATHS = /^\/(register|authorize|token|revoke|\.well-known\/.*|github\/callback)$/;

function findAuthRequired(error: unknown): AuthRequiredError | undefined {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) if (e instanceof AuthRequiredError) return e;
  return undefined;
}

async function connect(server: SimpleAuthServer, fetchFn: FetchLike): Promise<Client> {
  const client = new Client({ name: 'mcp-lens-test', version: '0.0.0' });
  const transport =
    server.transport === 'sse'
      ? new SSEClientTransport(new URL(server.mcpUrl), { fetch: fetchFn })
      : new StreamableHTTPClientTransport(new URL(server.mcpUrl), { fetch: fetchFn });
  await client.connect(transport);
  return client;
}

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

describe('OAuth engine against the simple-auth fixture (GitHub stand-in)', function () {
  this.timeout(30_000);
  let server: SimpleAuthServer | undefined;
  const clients: Client[] = [];
  async function start(options: Partial<SimpleAuthServerOptions> = {}): Promise<SimpleAuthServer> {
    server = await startSimpleAuthServer({
      githubClientId: 'demo-client',
      githubClientSecret: 'demo-secret',
      autoApprove: true,
      ...options,
    });
    return server;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await server?.close();
    server = undefined;
  });

  for (const [transport, prm] of [
    ['streamable-http', true],
    ['sse', true],
    ['streamable-http', false],
    ['sse', false],
  ] as const) {
    it(`${transport}${prm ? '' : ' (2025-03-26, no PRM)'}: 401 → sign-in → get_user_profile → second connect without browser`, async () => {
      const s = await start({ transport, protectedResourceMetadata: prm });
      const store = new MemoryAuthStore();
      const h = makeHarness({ store });

      let caught: unknown;
      let reported: AuthRequiredError | undefined;
      await connect(s, h.engine.authorizedFetch(s.mcpUrl, { onAuthRequired: (e) => (reported = e) })).catch(
        (e: unknown) => (caught = e),
      );
      // The SSE transport wraps the error in an SseError with only its message; onAuthRequired keeps it.
      const authError = transport === 'sse' ? reported : findAuthRequired(caught);
      assert.ok(authError, `expected AuthRequiredError, got ${String(caught)}`);
      assert.equal(reported, authError);
      assert.match(String(caught), /requires sign-in/);
      if (prm) assert.equal(authError.details.resourceMetadataUrl, s.protectedResourceMetadataUrl);

      s.stats.reset();
      const contactedBefore = h.contacted.length;
      const started = performance.now();
      const info = await h.engine.signIn(s.mcpUrl, { challenge: authError.details, serverName: 'simple-auth' });
      const signInMs = performance.now() - started;
      assert.equal(info.issuer, s.issuer);
      assert.deepEqual(info.scopes, ['user']);
      const firstOAuth = s.stats.filter({ path: OAUTH_PATHS }).length;
      const engineRequests = h.exchanges.filter((e) => e.response).length;
      const browserHops = h.contacted.length - contactedBefore - engineRequests;

      const client = await connect(s, h.engine.authorizedFetch(s.mcpUrl));
      clients.push(client);
      const tools = await client.listTools();
      assert.ok(tools.tools.some((t) => t.name === 'get_user_profile'));
      const profile = (await client.callTool({ name: 'get_user_profile', arguments: {} })) as CallToolResult;
      assert.match(text(profile), new RegExp(DEMO_USER.login));

      // Second connect: a new engine on the same store (a restart), no browser, no OAuth request.
      s.stats.reset();
      const again = makeHarness({ store });
      const client2 = await connect(s, again.engine.authorizedFetch(s.mcpUrl));
      clients.push(client2);
      await client2.listTools();
      assert.equal(s.stats.filter({ path: OAUTH_PATHS }).length, 0, 'no discovery, registration or token request');
      assert.equal(again.browserOpens.length, 0);
      assert.equal(again.exchanges.length, 0);

      const text2 = emitted(h) + emitted(again);
      const tokens = JSON.parse((await store.get(authKeys.tokens(s.issuer, s.mcpUrl)))!) as StoredTokens;
      assert.ok(!text2.includes(tokens.accessToken) && !text2.includes(tokens.refreshToken!), 'a token was emitted');
      // The figures for the lead's note.
      console.log(
        `      figures[${transport}${prm ? '' : ', no PRM'}]: first sign-in ${signInMs.toFixed(0)} ms, ${engineRequests} engine HTTP requests ` +
          `(${JSON.stringify(h.engine.requestCounts())}) + ${browserHops} browser GETs (${firstOAuth} of them and the engine's at the fixture's OAuth paths); second connect: 0 OAuth requests, 0 browser steps`,
      );
    });
  }

  it('clicks Authorize on the consent page (non-auto-approve) and signs in', async () => {
    const s = await start({ autoApprove: false });
    let consentHtml: string | undefined;
    const h = makeHarness({
      openBrowser: async (url) => {
        const outcome = await completeConsent(s, url, 'authorize');
        consentHtml = outcome.consentPageHtml;
        const page = await fetch(outcome.redirect, { redirect: 'manual' });
        const html = await page.text();
        assert.equal(page.status, 200);
        assert.match(html, /You are signed in to simple-auth\./);
        assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      },
    });
    await h.engine.signIn(s.mcpUrl, { serverName: 'simple-auth' });
    assert.ok(consentHtml?.includes('Authorize'));
  });

  it('Deny on the consent page ends the sign-in with access_denied', async () => {
    const s = await start({ autoApprove: false });
    const h = makeHarness({
      openBrowser: async (url) => {
        const outcome = await completeConsent(s, url, 'deny');
        await fetch(outcome.redirect, { redirect: 'manual' }).then((r) => r.text());
      },
    });
    await assert.rejects(h.engine.signIn(s.mcpUrl), /access_denied/);
    assert.equal((await h.engine.status(s.mcpUrl)).state, 'none');
  });

  it('refreshes silently when the access token expires; a revoked refresh token needs a new sign-in', async () => {
    const s = await start();
    const h = makeHarness();
    await h.engine.signIn(s.mcpUrl);
    const client = await connect(s, h.engine.authorizedFetch(s.mcpUrl));
    clients.push(client);
    s.controls.expireAllAccessTokens();
    s.stats.reset();
    await client.callTool({ name: 'get_user_profile', arguments: {} });
    assert.equal(s.stats.count({ path: '/token', method: 'POST' }), 1, 'one refresh');
    assert.equal(h.browserOpens.length, 1);

    s.controls.expireAllAccessTokens();
    s.controls.revokeAllRefreshTokens();
    let caught: unknown;
    await client.callTool({ name: 'get_user_profile', arguments: {} }).catch((e: unknown) => (caught = e));
    const err = findAuthRequired(caught);
    assert.ok(err, `expected AuthRequiredError, got ${String(caught)}`);
    assert.equal(err.details.error, 'invalid_grant');
    assert.equal(h.browserOpens.length, 1, 'no surprise browser tab');
    assert.equal((await h.engine.status(s.mcpUrl)).state, 'none');
  });

  it('403 insufficient_scope on a tool → step-up sign-in with the added scope → the call succeeds', async () => {
    const s = await start({ stepUpScope: 'repo' });
    const h = makeHarness();
    await h.engine.signIn(s.mcpUrl);
    const client = await connect(s, h.engine.authorizedFetch(s.mcpUrl));
    clients.push(client);
    let caught: unknown;
    await client.callTool({ name: STEP_UP_TOOL, arguments: {} }).catch((e: unknown) => (caught = e));
    const err = findAuthRequired(caught);
    assert.ok(err, `expected AuthRequiredError, got ${String(caught)}`);
    assert.equal(err.details.error, 'insufficient_scope');
    const info = await h.engine.signIn(s.mcpUrl, { challenge: err.details, scope: err.details.scope });
    assert.deepEqual([...info.scopes].sort(), ['repo', 'user']);
    const result = (await client.callTool({ name: STEP_UP_TOOL, arguments: {} })) as CallToolResult;
    assert.ok(!result.isError, text(result));
  });

  it('interactive mode (the CLI): connect signs in by itself and steps up within the cap', async () => {
    const s = await start({ stepUpScope: 'repo' });
    const h = makeHarness();
    const client = await connect(s, h.engine.authorizedFetch(s.mcpUrl, { interactive: true }));
    clients.push(client);
    const result = (await client.callTool({ name: STEP_UP_TOOL, arguments: {} })) as CallToolResult;
    assert.ok(!result.isError);
    assert.equal(h.browserOpens.length, 2);
  });

  it('signOut revokes at /revoke and deletes the tokens', async () => {
    const s = await start();
    const h = makeHarness();
    await h.engine.signIn(s.mcpUrl);
    s.stats.reset();
    await h.engine.signOut(s.mcpUrl);
    assert.equal(s.stats.count({ path: '/revoke', method: 'POST' }), 2);
    assert.equal(s.controls.counts().refreshTokens, 0);
    assert.equal((await h.engine.status(s.mcpUrl)).state, 'none');
    let caught: unknown;
    await connect(s, h.engine.authorizedFetch(s.mcpUrl)).catch((e: unknown) => (caught = e));
    assert.ok(findAuthRequired(caught));
  });
});
