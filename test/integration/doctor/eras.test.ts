/**
 * The connection doctor's protocol-era checks against real servers on 127.0.0.1: the SDK v2 server
 * serving both eras or 2026-07-28 only (nothing false reported), one era defect at a time
 * (test/fixtures/defective/eras.ts: exactly the check that owns it fails or warns, with a fix), and the
 * shared eras fixtures (test/fixtures/eras), also behind OAuth.
 */
import * as assert from 'node:assert/strict';
import { diagnose, toMarkdown, type CheckId, type CheckStatus } from '../../../src/core/doctor/index.js';
import { ERA_FIXTURE_NAME, startEraDefectiveServer, type EraDefect } from '../../fixtures/defective/eras.js';
import { startErasHttpServer } from '../../fixtures/eras/erasHttpServer.js';
import { erasServerName } from '../../fixtures/eras/erasFactory.js';
import { startErasOAuthServer } from '../../fixtures/eras/erasOAuthServer.js';
import { assertVerdicts, check } from './helpers.js';

const OPTS = { timeoutMs: 5000 };
/** The checks that run on a server without authorization, past the era checks: all skipped. */
const NO_AUTH: Partial<Record<CheckId, CheckStatus>> = {
  challenge: 'skip',
  'resource-metadata': 'skip',
  'authorization-server-metadata': 'skip',
  pkce: 'skip',
  registration: 'skip',
  'token-endpoint-auth': 'skip',
  refresh: 'skip',
  'invalid-token': 'skip',
};
const MODERN_PASS: Partial<Record<CheckId, CheckStatus>> = { 'mcp-method': 'pass', 'cache-hints': 'pass' };

async function withServer<T>(defect: EraDefect, run: (url: string, requests: string[]) => Promise<T>): Promise<T> {
  const server = await startEraDefectiveServer(defect);
  try {
    return await run(server.mcpUrl, server.requests);
  } finally {
    await server.close();
  }
}

describe('connection doctor: protocol eras', function () {
  this.timeout(60_000);

  it('a dual-era server: both eras reported, with their versions and serverInfo, and they agree', () =>
    withServer('dual', async (url, requests) => {
      const report = await diagnose(url, OPTS);
      assertVerdicts(report, { ...NO_AUTH, ...MODERN_PASS });
      assert.equal(report.ok, true);
      assert.deepEqual(report.eras?.speaks, ['modern', 'legacy']);
      assert.deepEqual(report.eras?.supportedVersions, ['2026-07-28']);
      assert.equal(report.eras?.modernServerInfo?.name, ERA_FIXTURE_NAME);
      assert.equal(report.eras?.legacyServerInfo?.name, ERA_FIXTURE_NAME);
      assert.match(report.eras?.legacyVersion ?? '', /^2025-/);
      assert.equal(report.eras?.agree, true);
      assert.match(check(report, 'eras').summary, /Speaks both eras \(2026-07-28 and 2025-/);
      assert.match(check(report, 'discover').summary, /offers 2026-07-28/);
      assert.match(check(report, 'mcp-method').summary, /HTTP 400, JSON-RPC error -32020/);
      assert.match(check(report, 'cache-hints').summary, /ttlMs 0, cacheScope "private"/);
      // The probe is the SDK v2 client's: Mcp-Method header naming the body's method.
      assert.ok(requests.includes('POST server/discover server/discover 200'), requests.join('\n'));
      assert.ok(requests.includes('POST prompts/list tools/list 400'), 'the mismatch probe reached the server');
      const probe = check(report, 'discover').exchanges?.[0];
      assert.equal(probe?.request.headers['mcp-protocol-version'], '2026-07-28');
      assert.match(probe?.request.body ?? '', /"io\.modelcontextprotocol\/protocolVersion":"2026-07-28"/);
      assert.match(toMarkdown(report), /\| 8 \| Protocol eras \| ✅ PASS \|/);
      assert.match(
        toMarkdown(report),
        /^- \*\*Protocol eras:\*\* 2026-07-28 .*offers 2026-07-28.* and 2025 .*2025-.*same server$/m,
      );
    }));

  it('a 2026-07-28-only server refusing 2025 clients with -32022: nothing false reported', () =>
    withServer('modern-only', async (url) => {
      const report = await diagnose(url, OPTS);
      assertVerdicts(report, { ...NO_AUTH, ...MODERN_PASS });
      assert.deepEqual(report.eras?.speaks, ['modern']);
      assert.equal(report.eras?.agree, undefined);
      assert.match(check(report, 'initialize').summary, /HTTP 400 and JSON-RPC error -32022/);
      assert.match(check(report, 'transport').summary, /2026-07-28, found by server\/discover/);
      assert.match(check(report, 'challenge').summary, /server\/discover succeeded without a token/);
    }));

  const brokenFallbacks: Array<[EraDefect, RegExp]> = [
    ['legacy-fallback-500', /initialize answered HTTP 500/],
    ['legacy-fallback-405', /initialize answered HTTP 405/],
    ['legacy-fallback-html', /initialize answered HTTP 200, but the answer is not a JSON-RPC response/],
  ];
  for (const [defect, summary] of brokenFallbacks) {
    it(`${defect}: check 7 fails with the legacy-fallback fix, and only check 7`, () =>
      withServer(defect, async (url) => {
        const report = await diagnose(url, OPTS);
        assertVerdicts(report, { ...NO_AUTH, ...MODERN_PASS, initialize: 'fail' });
        const init = check(report, 'initialize');
        assert.match(init.summary, /speaks 2026-07-28, but its answer to 2025 clients is broken/);
        assert.match(init.summary, summary);
        assert.match(init.fix ?? '', /-32022/);
        assert.match(init.fix ?? '', /legacy: "stateless"/);
        assert.deepEqual(report.eras?.speaks, ['modern']);
      }));
  }

  it('discover-invalid: check 5 fails (no supportedVersions, no resultType); the 2025 era still works', () =>
    withServer('discover-invalid', async (url) => {
      const report = await diagnose(url, OPTS);
      assertVerdicts(report, { ...NO_AUTH, discover: 'fail' });
      const discover = check(report, 'discover');
      assert.match(discover.summary, /not with a valid DiscoverResult/);
      assert.match(discover.summary, /supportedVersions/);
      assert.match(discover.summary, /resultType/);
      assert.match(discover.fix ?? '', /resultType: "complete"/);
      assert.deepEqual(report.eras?.speaks, ['legacy']);
    }));

  it('probe-500: a 2025 server answering server/discover with HTTP 500 fails check 5', () =>
    withServer('probe-500', async (url) => {
      const report = await diagnose(url, OPTS);
      assertVerdicts(report, { ...NO_AUTH, discover: 'fail' });
      assert.match(check(report, 'discover').summary, /HTTP 500/);
      assert.match(check(report, 'discover').fix ?? '', /JSON-RPC error/);
      assert.deepEqual(report.eras?.speaks, ['legacy']);
    }));

  it('probe-hang: a server that never answers server/discover fails check 5 within the time limit', () =>
    withServer('probe-hang', async (url) => {
      const started = Date.now();
      const report = await diagnose(url, { timeoutMs: 1500 });
      assert.ok(Date.now() - started < 10_000, 'bounded by the time limit');
      assertVerdicts(report, { ...NO_AUTH, discover: 'fail' });
      assert.match(check(report, 'discover').summary, /got no answer: No answer within 1500 ms/);
      assert.deepEqual(report.eras?.speaks, ['legacy']);
    }));

  it('no-mcp-method-check: a header/body mismatch that is served fails check 9', () =>
    withServer('no-mcp-method-check', async (url) => {
      const report = await diagnose(url, OPTS);
      assertVerdicts(report, { ...NO_AUTH, 'mcp-method': 'fail', 'cache-hints': 'pass' });
      assert.match(check(report, 'mcp-method').summary, /not rejected: HTTP 200, with a result/);
      assert.match(check(report, 'mcp-method').fix ?? '', /-32020/);
    }));

  it('no-cache-hints: tools/list without ttlMs and cacheScope warns on check 10', () =>
    withServer('no-cache-hints', async (url) => {
      const report = await diagnose(url, OPTS);
      assertVerdicts(report, { ...NO_AUTH, 'mcp-method': 'pass', 'cache-hints': 'warn' });
      assert.equal(report.ok, true, 'a warning does not fail the run');
      assert.match(check(report, 'cache-hints').summary, /no valid ttlMs or cacheScope/);
    }));

  it('eras-disagree: different version and capabilities per era warn on check 8', () =>
    withServer('eras-disagree', async (url) => {
      const report = await diagnose(url, OPTS);
      assertVerdicts(report, { ...NO_AUTH, ...MODERN_PASS, eras: 'warn' });
      assert.equal(report.eras?.agree, false);
      const eras = check(report, 'eras');
      assert.match(eras.summary, /version: "1\.0\.0" \(2026-07-28\) vs "0\.9\.0" \(2025\)/);
      assert.match(eras.summary, /capabilities: prompts, tools \(2026-07-28\) vs tools \(2025\)/);
    }));

  it('protocol 2025 sends no 2026-07-28 request', () =>
    withServer('dual', async (url, requests) => {
      const report = await diagnose(url, { ...OPTS, protocol: '2025' });
      assertVerdicts(report, { ...NO_AUTH, discover: 'skip' });
      assert.deepEqual(report.eras?.speaks, ['legacy']);
      assert.ok(!requests.some((r) => r.includes('server/discover') || r.includes('tools/list')), requests.join('\n'));
    }));
});

describe('connection doctor: the eras fixtures (SDK v2 server)', function () {
  this.timeout(60_000);

  for (const mode of ['dual', 'modern-only'] as const) {
    it(`${mode}: nothing false reported, the eras and the fixture's serverInfo`, async () => {
      const server = await startErasHttpServer({ mode });
      try {
        const report = await diagnose(server.url, OPTS);
        assertVerdicts(report, { ...NO_AUTH, ...MODERN_PASS });
        assert.deepEqual(report.eras?.speaks, mode === 'dual' ? ['modern', 'legacy'] : ['modern']);
        assert.equal(report.eras?.modernServerInfo?.name, erasServerName(mode));
        if (mode === 'dual') assert.equal(report.eras?.agree, true);
        // The doctor's probe is what the fixture records of a v2 client: Mcp-Method and the 2026-07-28 version.
        assert.ok(
          server.requests.some(
            (r) => r.mcpMethod === 'server/discover' && r.protocolVersion === '2026-07-28' && r.status === 200,
          ),
        );
      } finally {
        await server.close();
      }
    });
  }

  it('an OAuth-protected 2026-07-28 server: the probe gets 401, the era checks wait for a sign-in, OAuth checks run', async () => {
    const server = await startErasOAuthServer({ mode: 'modern-only' });
    try {
      const report = await diagnose(server.url, { ...OPTS, probeRegistration: false });
      assert.equal(report.authorizationRequired, true);
      assert.equal(check(report, 'discover').status, 'pass');
      assert.match(check(report, 'discover').summary, /answered 401/);
      for (const id of ['eras', 'mcp-method', 'cache-hints'] as const) assert.equal(check(report, id).status, 'skip');
      assert.equal(check(report, 'challenge').status, 'pass');
      assert.equal(check(report, 'resource-metadata').status, 'pass');
    } finally {
      await server.close();
    }
  });
});
