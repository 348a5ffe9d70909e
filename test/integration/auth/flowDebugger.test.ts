/**
 * The flow debugger's engine against the simple-auth fixture: one flow, with or
 * without a stepper. The normal sign-in (an SDK client over `authorizedFetch` in interactive
 * mode, as the CLI does) and the stepped flow send the same requests in the same order; the
 * stepped flow reports eight steps with masked exchanges and spec checks; a pause sends nothing;
 * a cancel between any two steps leaves no listener, no token and no running sign-in.
 */
import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { runAuthFlow } from '../../../src/core/auth/flow.js';
import {
  FLOW_STEP_ORDER,
  type FlowStepInfo,
  type FlowStepResult,
  type FlowStepper,
  type InitializeOutcome,
} from '../../../src/core/auth/flowSteps.js';
import { flowTraceToJson, flowTraceToMarkdown, type FlowTrace } from '../../../src/core/auth/flowReport.js';
import { OAuthFlowError } from '../../../src/core/auth/errors.js';
import { MemoryAuthStore } from '../../../src/core/auth/store.js';
import type { FetchLike } from '../../../src/core/auth/types.js';
import { startSimpleAuthServer, type SimpleAuthServer } from '../../fixtures/simpleAuth/server.js';
import { makeHarness, type Harness } from './helpers.js';

async function connect(server: SimpleAuthServer, fetchFn: FetchLike): Promise<Client> {
  const client = new Client({ name: 'mcp-lens-test', version: '0.0.0' });
  const transport =
    server.transport === 'sse'
      ? new SSEClientTransport(new URL(server.mcpUrl), { fetch: fetchFn })
      : new StreamableHTTPClientTransport(new URL(server.mcpUrl), { fetch: fetchFn });
  await client.connect(transport);
  return client;
}

/** The fixture's request log as "METHOD /path STATUS", without the event stream GET a client opens on its own schedule. */
function sequence(server: SimpleAuthServer): string[] {
  return server.stats.all
    .filter((r) => !(r.method === 'GET' && r.path === new URL(server.mcpUrl).pathname && r.status !== 401))
    .map((r) => `${r.method} ${r.path} ${r.status}`);
}

function recordingStepper(): FlowStepper & { before: FlowStepInfo[]; after: FlowStepResult[] } {
  const before: FlowStepInfo[] = [];
  const after: FlowStepResult[] = [];
  return {
    before,
    after,
    beforeStep: async (s) => void before.push(s),
    afterStep: (r) => void after.push(r),
  };
}

describe('OAuth flow debugger engine (simple-auth fixture)', function () {
  this.timeout(60_000);
  let server: SimpleAuthServer | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await server?.close();
    server = undefined;
  });

  const initializeWith = (s: SimpleAuthServer, h: Harness) => async (): Promise<InitializeOutcome> => {
    const client = await connect(s, h.engine.authorizedFetch(s.mcpUrl));
    clients.push(client);
    const v = client.getServerVersion();
    return { serverName: v?.name, serverVersion: v?.version, transport: s.transport };
  };

  for (const transport of ['streamable-http', 'sse'] as const) {
    it(`${transport}: the stepped flow sends exactly the requests of a normal sign-in, in order, and reports eight masked steps`, async () => {
      const s = (server = await startSimpleAuthServer({
        githubClientId: 'demo-client',
        githubClientSecret: 'demo-secret',
        autoApprove: true,
        transport,
      }));

      // The normal sign-in: the client's first request gets the 401, the engine signs in and retries.
      const normal = makeHarness({ store: new MemoryAuthStore() });
      clients.push(await connect(s, normal.engine.authorizedFetch(s.mcpUrl, { interactive: true })));
      const normalSequence = sequence(s);
      const normalSteps = normal.exchanges.map(
        (e) => `${e.step} ${e.request.method} ${new URL(e.request.url).pathname}`,
      );
      await Promise.all(clients.splice(0).map((c) => c.close()));

      // The same flow with a stepper, from an empty store too.
      s.stats.reset();
      const stepped = makeHarness({ store: new MemoryAuthStore() });
      const stepper = recordingStepper();
      const outcome = await runAuthFlow(stepped.engine, s.mcpUrl, {
        stepper,
        transport,
        serverName: 'simple-auth',
        connect: initializeWith(s, stepped),
      });
      const steppedSequence = sequence(s);
      const steppedSteps = stepped.exchanges.map(
        (e) => `${e.step} ${e.request.method} ${new URL(e.request.url).pathname}`,
      );

      assert.ok(normalSequence.length >= 8, normalSequence.join(', '));
      assert.deepEqual(
        steppedSequence,
        normalSequence,
        'the MCP server and its authorization server saw the same requests',
      );
      assert.deepEqual(steppedSteps, normalSteps, "the engine's OAuth exchanges are the same");
      assert.equal(outcome.token.issuer, s.issuer);
      assert.ok(outcome.initialize.serverName, 'step 8 initialized with the new token');
      assert.deepEqual(normalSequence.slice(0, 2), [
        `${transport === 'sse' ? 'GET' : 'POST'} ${new URL(s.mcpUrl).pathname} 401`,
        `GET /.well-known/oauth-protected-resource${new URL(s.mcpUrl).pathname} 200`,
      ]);
      assert.ok(
        normalSequence.includes('POST /token 200') && normalSequence.includes('POST /register 201'),
        normalSequence.join(', '),
      );

      // Eight steps, each announced before it ran and reported after.
      assert.deepEqual(
        stepper.before.map((b) => b.id),
        [...FLOW_STEP_ORDER],
      );
      assert.deepEqual(
        stepper.after.map((r) => r.id),
        [...FLOW_STEP_ORDER],
      );
      for (const r of stepper.after) {
        assert.notEqual(r.status, 'fail', `${r.id}: ${r.summary} ${JSON.stringify(r.checks)}`);
      }
      const step = (id: string) => stepper.after.find((r) => r.id === id)!;
      assert.equal(step('challenge').exchanges[0].response?.status, 401);
      assert.match(step('challenge').summary, /HTTP 401 with resource_metadata/);
      assert.ok(step('resource-metadata').checks.some((c) => c.spec === 'RFC 9728 §3.3' && c.status === 'pass'));
      const asm = step('authorization-server-metadata');
      assert.ok(
        asm.details.some((d) => /oauth-authorization-server → HTTP 200/.test(d)),
        asm.details.join('\n'),
      );
      assert.ok(asm.checks.some((c) => c.spec === 'RFC 8414 §3.3'));
      assert.match(step('registration').summary, /dynamic-registration/);
      assert.equal(step('registration').exchanges[0].request.method, 'POST');
      const params = Object.fromEntries((step('authorization').params ?? []).map((p) => [p.name, p.value]));
      assert.equal(params.code_challenge_method, 'S256');
      assert.equal(params.state, '***', 'state is masked');
      assert.equal(params.resource, s.mcpUrl);
      assert.ok(step('callback').details.includes('code: ***'));
      assert.ok(step('token').checks.some((c) => /refresh token was issued/.test(c.summary)));
      assert.equal(step('token').exchanges[0].response?.status, 200);
      const init = step('initialize');
      assert.ok(init.exchanges.length >= 1);
      assert.equal(init.exchanges[0].request.headers.authorization, 'Bearer ***');
      assert.ok(init.exchanges.some((e) => e.response?.status === 200));
      for (const r of stepper.after) assert.ok(r.durationMs >= 0 && r.startedAt > 0);

      // No secret anywhere in the recorded steps or their exports.
      const trace: FlowTrace = {
        resource: s.mcpUrl,
        serverName: 'simple-auth',
        mode: 'step',
        state: 'succeeded',
        startedAt: Date.now(),
        steps: stepper.after,
      };
      const everything = JSON.stringify(stepper.after) + flowTraceToMarkdown(trace) + flowTraceToJson(trace);
      const secrets = s.controls.issuedTokenValues();
      assert.ok(secrets.length >= 4);
      for (const secret of secrets) {
        assert.ok(!everything.includes(secret), `a ${secret.slice(0, 4)}… token leaked into the trace`);
      }
      assert.doesNotMatch(everything, /[?&]code=(?!\*|%2A)/);
      assert.doesNotMatch(everything, /code_verifier=(?!\*|%2A)/);
      assert.match(flowTraceToMarkdown(trace), /## 5\. Authorization request — ✅ PASS/);
    });
  }

  it('pauses between steps: nothing is sent while a step waits for Next', async () => {
    const s = (server = await startSimpleAuthServer({
      githubClientId: 'demo-client',
      githubClientSecret: 'demo-secret',
      autoApprove: true,
    }));
    const h = makeHarness({ store: new MemoryAuthStore() });
    const waiting: Array<{ step: FlowStepInfo; go: () => void }> = [];
    let notify: (() => void) | undefined;
    const stepper: FlowStepper = {
      beforeStep: (step) =>
        new Promise<void>((resolve) => {
          waiting.push({ step, go: resolve });
          notify?.();
        }),
      afterStep: () => undefined,
    };
    const nextPause = () => new Promise<void>((resolve) => (waiting.length ? resolve() : (notify = resolve)));
    const run = runAuthFlow(h.engine, s.mcpUrl, { stepper, connect: initializeWith(s, h) });
    for (const id of FLOW_STEP_ORDER) {
      await nextPause();
      notify = undefined;
      const paused = waiting.shift()!;
      assert.equal(paused.step.id, id);
      const before = s.stats.all.length;
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(s.stats.all.length, before, `no request while paused before ${id}`);
      paused.go();
    }
    const outcome = await run;
    assert.equal(outcome.token.issuer, s.issuer);
  });

  it("sends the connection's secret headers with the first request and masks them in every step, whatever their name", async () => {
    const s = (server = await startSimpleAuthServer({
      githubClientId: 'demo-client',
      githubClientSecret: 'demo-secret',
      autoApprove: true,
    }));
    const h = makeHarness({ store: new MemoryAuthStore() });
    const apiKey = 'lens-api-key-7f3a9c2e';
    const stepper = recordingStepper();
    // Step 8 connects as the real transport does: the secret header on every request.
    const connectWithKey = async (): Promise<InitializeOutcome> => {
      const transport = new StreamableHTTPClientTransport(new URL(s.mcpUrl), {
        fetch: h.engine.authorizedFetch(s.mcpUrl),
        requestInit: { headers: { 'X-Acme-Tenant-Key': apiKey } },
      });
      const client = new Client({ name: 'mcp-lens-test', version: '0.0.0' });
      await client.connect(transport);
      clients.push(client);
      return { serverName: client.getServerVersion()?.name };
    };
    await runAuthFlow(h.engine, s.mcpUrl, {
      stepper,
      headers: { 'X-Trace-Id': 'visible-1' },
      secretHeaders: { 'X-Acme-Tenant-Key': apiKey },
      connect: connectWithKey,
    });
    const challenge = stepper.after.find((r) => r.id === 'challenge')!;
    assert.equal(
      challenge.exchanges[0].request.headers['x-acme-tenant-key'],
      '***',
      'sent with the first request, masked',
    );
    assert.equal(challenge.exchanges[0].request.headers['x-trace-id'], 'visible-1', 'plain headers stay readable');
    const init = stepper.after.find((r) => r.id === 'initialize')!;
    assert.ok(
      init.exchanges.length > 0 && init.exchanges.every((e) => e.request.headers['x-acme-tenant-key'] === '***'),
    );
    assert.ok(!JSON.stringify(stepper.after).includes(apiKey), 'the key appears in no step');
  });

  it('does not count the time a step waits for Next against the sign-in timeout, but still times out a hang', async () => {
    const s = (server = await startSimpleAuthServer({
      githubClientId: 'demo-client',
      githubClientSecret: 'demo-secret',
      autoApprove: true,
    }));
    // 1.5 s of sign-in time; the user pauses 0.6 s before each of the steps 2–7 (3.6 s in all).
    const h = makeHarness({ store: new MemoryAuthStore(), timeoutMs: 1_500 });
    const slowUser: FlowStepper = {
      beforeStep: (step) => new Promise((r) => setTimeout(r, step.index >= 2 && step.index <= 7 ? 600 : 0)),
      afterStep: () => undefined,
    };
    const started = Date.now();
    const outcome = await runAuthFlow(h.engine, s.mcpUrl, { stepper: slowUser, connect: initializeWith(s, h) });
    assert.equal(outcome.token.issuer, s.issuer);
    assert.ok(Date.now() - started > 3_000, 'the pauses really were longer than the timeout');

    // The running time is still bounded: a browser that never comes back times out.
    const hung = makeHarness({ store: new MemoryAuthStore(), timeoutMs: 1_500, openBrowser: async () => undefined });
    const error = await runAuthFlow(hung.engine, s.mcpUrl, {
      stepper: slowUser,
      connect: initializeWith(s, hung),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof OAuthFlowError && error.code === 'timeout', String(error));
    assert.equal(hung.loopback.listeningCount, 0, 'no loopback listener left');
  });

  for (const [i, id] of FLOW_STEP_ORDER.entries()) {
    it(`a cancel before step ${i + 1} (${id}) leaves a clean state`, async () => {
      const s = (server = await startSimpleAuthServer({
        githubClientId: 'demo-client',
        githubClientSecret: 'demo-secret',
        autoApprove: true,
      }));
      const store = new MemoryAuthStore();
      const h = makeHarness({ store });
      const after: FlowStepResult[] = [];
      const stepper: FlowStepper = {
        beforeStep: async (step) => {
          if (step.id === id) throw new OAuthFlowError('cancelled', 'You cancelled the sign-in.');
        },
        afterStep: (r) => void after.push(r),
      };
      const error = await runAuthFlow(h.engine, s.mcpUrl, { stepper, connect: initializeWith(s, h) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof OAuthFlowError && error.code === 'cancelled', String(error));
      assert.deepEqual(
        after.map((r) => r.id),
        FLOW_STEP_ORDER.slice(0, i),
      );
      assert.equal(h.loopback.listeningCount, 0, 'no loopback listener left');
      const tokenKeys = store.keys().filter((k) => k.includes('.tokens '));
      const status = await h.engine.status(s.mcpUrl);
      if (id === 'initialize') {
        // The sign-in itself had finished: the tokens are kept, only the connect did not happen.
        assert.equal(status.state, 'signed-in');
        assert.equal(s.stats.count({ method: 'POST', path: '/token' }), 1);
      } else {
        assert.deepEqual(tokenKeys, [], 'no token stored');
        assert.equal(status.state, 'none');
        assert.equal(s.stats.count({ path: '/token' }), 0);
      }
      // Nothing is left running: a normal sign-in starts from scratch and succeeds.
      const again = await h.engine.signIn(s.mcpUrl);
      assert.equal(again.issuer, s.issuer);
      assert.equal(h.loopback.listeningCount, 0);
    });
  }

  it('the registration step says when the authorization server had forgotten the stored client, and shows the pre-flight', async () => {
    const options = { githubClientId: 'demo-client', githubClientSecret: 'demo-secret', autoApprove: true };
    const first = (server = await startSimpleAuthServer(options));
    const h = makeHarness({ store: new MemoryAuthStore() });
    const old = await h.engine.signIn(first.mcpUrl);
    // Restarted on the same port: same issuer, registrations lost (they are kept in memory).
    await first.close();
    server = undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const s = (server = await startSimpleAuthServer({ ...options, port: Number(new URL(first.url).port) }));
    const stepper = recordingStepper();
    await runAuthFlow(h.engine, s.mcpUrl, { stepper, serverName: 'simple-auth', connect: initializeWith(s, h) });
    const registration = stepper.after.find((r) => r.id === 'registration')!;
    assert.equal(registration.status, 'warn');
    assert.match(
      registration.checks[0]!.summary,
      new RegExp(`no longer knew the stored client ${old.clientId}.*registered again as`),
    );
    assert.equal(registration.checks[0]!.spec, 'RFC 6749 §4.1.2.1');
    assert.deepEqual(
      registration.exchanges.map(
        (e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response?.status ?? ''}`,
      ),
      ['GET /authorize 400', 'POST /register 201'],
    );
    assert.equal(stepper.after.at(-1)!.id, 'initialize');
    assert.notEqual(stepper.after.at(-1)!.status, 'fail');
  });
});
