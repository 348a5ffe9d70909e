/**
 * A sign-in during a request is not the server's time (see src/core/requestDeadlines.ts): a
 * Connection with a 1 s request timeout, the OAuth engine in interactive mode (as the CLI runs it)
 * and a browser whose "person" takes 3 s at the consent page, against the simple-auth fixture (our
 * loopback port of the python-sdk example) on 127.0.0.1. The sign-in is bounded by the engine's own
 * limit, and a timeout there blames the sign-in, not the server.
 */
import { strict as assert } from 'node:assert';
import { OAuthEngine } from '../../../src/core/auth/engine';
import { OAuthFlowError } from '../../../src/core/auth/errors';
import { LoopbackRedirect } from '../../../src/core/auth/loopback';
import { MemoryAuthStore } from '../../../src/core/auth/store';
import type { HttpTransportKind } from '../../../src/core/config';
import { ConnectionError } from '../../../src/core/errors';
import { ConnectionManager } from '../../../src/core/manager';
import { STEP_UP_TOOL, startSimpleAuthServer, type SimpleAuthServer } from '../../fixtures/simpleAuth/server';

const BROWSER_DELAY_MS = 3000;
const REQUEST_TIMEOUT_MS = 1000;

/**
 * A person at a browser who approves after `delayMs`: follows the authorization URL's redirects (the
 * fixture's stand-in approves at once in autoApprove mode) to the loopback callback. Loopback only.
 */
function slowBrowser(delayMs: number, opened: string[]): (url: string) => Promise<void> {
  return async (url) => {
    opened.push(url);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    let next = new URL(url);
    for (let hop = 0; hop < 10; hop++) {
      assert.equal(next.hostname, '127.0.0.1', `the test browser stays on loopback (asked for ${next.origin})`);
      const response = await fetch(next, { redirect: 'manual' });
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) return;
      next = new URL(location, next);
    }
    throw new Error('test browser: too many redirects');
  };
}

function causes(e: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let c: unknown = e; c && chain.length < 8; c = (c as { cause?: unknown }).cause) chain.push(c);
  return chain;
}

describe('core: sign-in time does not count against the request timeout', function () {
  this.timeout(60_000);
  let server: SimpleAuthServer | undefined;
  let manager: ConnectionManager | undefined;
  let opened: string[];

  function connectionTo(s: SimpleAuthServer, transport: HttpTransportKind, signInTimeoutMs = 20_000) {
    const engine = new OAuthEngine({
      store: new MemoryAuthStore(),
      openBrowser: slowBrowser(BROWSER_DELAY_MS, opened),
      redirectStrategies: [new LoopbackRedirect({})],
      timeoutMs: signInTimeoutMs,
    });
    manager = new ConnectionManager({
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      fetchFor: (config, hooks) =>
        engine.authorizedFetch(config.url, { interactive: true, onSignIn: (signIn) => hooks.signingIn(signIn) }),
    });
    return manager.add({ id: `signin-${transport}`, name: 'simple-auth', transport, url: s.mcpUrl });
  }

  beforeEach(() => {
    opened = [];
  });
  afterEach(async () => {
    await manager?.disposeAsync();
    manager = undefined;
    await server?.close();
    server = undefined;
  });

  for (const transport of ['streamable-http', 'sse'] as const) {
    it(`${transport}: connect signs in for 3 s with a 1 s request timeout, then a step-up 403 on a tool call signs in again`, async () => {
      server = await startSimpleAuthServer({
        githubClientId: 'timeout-client',
        githubClientSecret: 'timeout-secret',
        autoApprove: true,
        transport,
        stepUpScope: 'repo',
      });
      const connection = connectionTo(server, transport);

      const started = performance.now();
      await connection.connect();
      assert.ok(performance.now() - started >= BROWSER_DELAY_MS, 'the browser step took its time');
      assert.equal(connection.status.state, 'connected', connection.status.message);
      assert.equal(opened.length, 1, 'one sign-in for initialize');
      assert.ok(connection.tools.some((t) => t.name === STEP_UP_TOOL));

      // The tool needs the scope "repo": 403 insufficient_scope → a second 3 s sign-in inside the call.
      const callStarted = performance.now();
      const result = await connection.callTool(STEP_UP_TOOL, {});
      assert.ok(performance.now() - callStarted >= BROWSER_DELAY_MS);
      assert.equal(opened.length, 2, 'the step-up signed in again');
      assert.ok(!result.isError, JSON.stringify(result.content));
      assert.equal(new URL(opened[1]).searchParams.get('scope')?.split(' ').sort().join(' '), 'repo user');

      // The request timeout still applies to the server's own time once no sign-in runs.
      const pingMs = await connection.ping();
      assert.ok(pingMs < REQUEST_TIMEOUT_MS);
    });
  }

  it('a sign-in longer than its own limit fails, and the error blames the sign-in, not the server', async () => {
    server = await startSimpleAuthServer({
      githubClientId: 'timeout-client',
      githubClientSecret: 'timeout-secret',
      autoApprove: true,
    });
    const connection = connectionTo(server, 'streamable-http', 1500);
    let caught: unknown;
    await connection.connect().catch((e: unknown) => (caught = e));
    assert.ok(caught instanceof ConnectionError, `expected a ConnectionError, got ${String(caught)}`);
    assert.doesNotMatch(caught.message, /did not finish initializing|did not answer/);
    const flow = causes(caught).find((c): c is OAuthFlowError => c instanceof OAuthFlowError);
    assert.ok(flow, `expected an OAuthFlowError in the causes of ${caught.message}`);
    assert.equal(flow.code, 'timeout');
    assert.match(flow.message, /^The sign-in to http:\/\/127\.0\.0\.1:\d+\/mcp timed out after 2 s\.$/);
    assert.equal(connection.status.state, 'error');
    assert.match(connection.status.message ?? '', /sign-in .* timed out/);
  });
});
