/**
 * The protocol eras in the inspector webview (dist/webview.js in real Chromium against the harness
 * host): the era badge, the Server tab's negotiation and discover result, the Log tab's Mcp
 * headers and their check, result types and cache hints, the cache-bypassing refreshes, and
 * hostile era data staying text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { WebviewToHostMessage } from '../../src/shared/protocol';
import { HUGE, XSS, baseFixture, eraFixture, hostileEraFixture, type HarnessFixture } from './webviewHarness/fixtures';
import { CHROMIUM_ARGS, REPO_ROOT, js, openHarnessPage, startHarness, type Harness } from './webviewHarness/server';

describe('inspector webview: protocol eras (harness, Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let harness: Harness;

  before(async () => {
    assert.ok(
      fs.existsSync(path.join(REPO_ROOT, 'dist/webview.js')),
      'dist/webview.js is missing: run node esbuild.mjs',
    );
    harness = await startHarness();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  const open = (fixture: HarnessFixture) => openHarnessPage(browser, harness, fixture, { ready: '.conn' });
  const requests = (sent: WebviewToHostMessage[], method: string) =>
    sent.filter((m) => m.kind === 'request' && m.method === method) as Array<
      Extract<WebviewToHostMessage, { kind: 'request' }>
    >;

  it('era: badges the connections with the era spoken and the pin, and says nothing for a 2025-only view', async () => {
    const o = await open(eraFixture());
    const { page } = o;
    const mainBadge = page.locator('.conn[data-id="c-main"] [data-role="era-badge"]');
    assert.equal((await mainBadge.innerText()).trim(), '2026-07-28');
    assert.equal(await mainBadge.getAttribute('data-era'), 'modern');
    assert.match((await mainBadge.getAttribute('title')) ?? '', /Speaking MCP 2026-07-28, negotiated \(auto\)/);
    // Disconnected and pinned: the pin alone.
    const stdioBadge = page.locator('.conn[data-id="c-stdio"] [data-role="era-badge"]');
    assert.equal((await stdioBadge.innerText()).trim(), '2025');
    assert.equal(await stdioBadge.getAttribute('data-pinned'), '2025');
    assert.equal(await stdioBadge.locator('.codicon-pinned').count(), 1);
    assert.equal(await page.locator('.conn[data-id="c-auth"] [data-role="era-badge"]').count(), 0);
    assert.equal(await page.locator('[data-role="main-header"] [data-role="era-badge"]').count(), 1);
    await o.close();

    // Before the core reports an era (or on a host without it), no badge appears anywhere.
    const plain = await open(baseFixture());
    assert.equal(await plain.page.locator('[data-role="era-badge"]').count(), 0);
    await plain.close();
  });

  it('era: the Server tab shows era, version, negotiation, the setting and the discover result as a JSON tree', async () => {
    const o = await open(eraFixture());
    const { page } = o;
    await page.locator('[data-tab="server"]').click();
    const facts = await page.locator('[data-panel="server"] [data-role="server-facts"]').innerText();
    assert.match(facts, /Protocol\s+2026-07-28/);
    assert.match(facts, /Era\s+Modern \(MCP 2026-07-28\)/);
    assert.match(facts, /Negotiation\s+server\/discover offered 2026-07-28; chosen \(auto\)\./);
    assert.match(facts, /Protocol setting\s+Auto \(negotiate\)/);
    const discover = page.locator('[data-panel="server"] [data-role="discover"]');
    assert.equal(await discover.locator('.json-tree').count(), 1);
    assert.match(await discover.innerText(), /supportedVersions[\s\S]*2026-07-28[\s\S]*fixture-server/);
    // A disconnected, pinned connection: the pin, and no stale negotiation.
    await page.locator('.conn[data-id="c-stdio"]').click();
    await page.locator('[data-panel="server"] [data-role="server-facts"]', { hasText: 'Pinned to 2025' }).waitFor();
    assert.equal(
      (await page.locator('[data-panel="server"] [data-role="discover"]').innerText()).trim(),
      'Known after connecting.',
    );
    await o.close();
  });

  it('era: the Log tab shows Mcp-Method/Mcp-Name and the check, marks mismatches and filters them', async () => {
    const o = await open(eraFixture());
    const { page } = o;
    await page.locator('[data-tab="log"]').click();
    const rows = page.locator('[data-role="log-list"] .log-row');
    await rows.nth(7).waitFor();
    assert.equal(await rows.count(), 8);
    assert.equal(await page.locator('[data-role="log-list"] [data-role="log-header-mark"]').count(), 2);
    await page.locator('[data-role="log-header-problems"]').click();
    assert.equal(await rows.count(), 2, 'the mismatch and the missing header');
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-seq'))), ['12', '13']);

    await rows.first().click();
    const http = page.locator('[data-role="log-detail"] [data-role="log-http"]');
    await http.waitFor();
    assert.equal(await http.getAttribute('data-check'), 'mismatch');
    assert.match(await http.innerText(), /Mcp-Method\s+tools\/call\s+Mcp-Name\s+delete_all\s+Check\s+mismatch/);
    assert.match(await http.innerText(), /Mcp-Name is "delete_all" but params\.name is "echo"\./);
    // The _meta envelope is in the message itself.
    await page.locator('[data-role="log-detail"] .json-tree').waitFor();
    assert.match(await page.locator('[data-role="log-detail"]').innerText(), /_meta[\s\S]*2026-07-28/);

    await rows.nth(1).click();
    await page.locator('[data-role="log-detail"] [data-role="log-http"][data-check="missing"]').waitFor();
    assert.match(await page.locator('[data-role="log-http"]').innerText(), /Mcp-Name\s+\(not sent\)/);

    await page.locator('[data-role="log-header-problems"]').click();
    await page.locator('[data-role="log-search"] input').fill('delete_all');
    assert.equal(await rows.count(), 1, 'the search looks at the headers too');
    await page.locator('[data-role="log-search"] input').fill('');
    await rows.nth(5).click();
    await page.locator('[data-role="log-http"][data-check="ok"]').waitFor();
    assert.match(await page.locator('[data-role="log-http-check"]').innerText(), /ok: the headers agree with the body/);
    await o.close();
  });

  it('era: results show resultType and the cache hint; Refresh bypasses the cache for a read and the lists', async () => {
    const o = await open(eraFixture());
    const { page } = o;
    await page.locator('[data-role="tool-list"] .item[data-name="weather"]').click();
    await page.locator('[data-role="tool-detail"] [data-action="run"]').click();
    await page.locator('.tool-result [data-role="result-type"]').waitFor();
    assert.equal(await page.locator('.tool-result [data-role="result-type"]').innerText(), 'complete');
    assert.equal(await page.locator('.tool-result [data-role="cache-hint"]').count(), 0);

    await page.locator('[data-tab="resources"]').click();
    await page.locator('[data-role="resource-list"] .item', { hasText: 'README.md' }).click();
    await page.locator('[data-role="resource-detail"] [data-action="read"]').click();
    const hint = page.locator('[data-role="resource-detail"] [data-role="cache-hint"]');
    await hint.waitFor();
    assert.match((await hint.innerText()).trim(), /^served from cache, 1[12] s left · public$/);
    assert.equal(await hint.getAttribute('data-cached'), 'true');

    await page.locator('[data-role="resource-detail"] [data-action="read-refresh"]').click();
    await page.locator('[data-role="resource-detail"] .result-header', { hasText: 'cache bypassed' }).waitFor();
    assert.equal((await hint.innerText()).trim(), 'fresh for 30 s · private');
    const reads = requests(await o.sent(), 'resources/read').map((r) => r.params as { uri: string; cache?: string });
    assert.deepEqual(
      reads.map((r) => [r.uri, r.cache]),
      [
        ['file:///project/README.md', undefined],
        ['file:///project/README.md', 'refresh'],
      ],
    );

    await page.locator('[data-role="resource-list"] [data-action="lists-refresh"]').click();
    await page.locator('[data-role="lists-status"]', { hasText: 'Lists refreshed' }).waitFor();
    assert.deepEqual(
      requests(await o.sent(), 'lists/refresh').map((r) => r.params),
      [{ connectionId: 'c-main', cache: 'refresh' }],
    );
    await o.close();

    // The 2025 era has no cache: no Refresh (bypass cache) buttons.
    const plain = await open(baseFixture());
    await plain.page.locator('[data-tab="resources"]').click();
    await plain.page.locator('[data-role="resource-list"] .item', { hasText: 'README.md' }).click();
    await plain.page.locator('[data-role="resource-detail"] [data-action="read"]').waitFor();
    assert.equal(await plain.page.locator('[data-action="read-refresh"], [data-action="lists-refresh"]').count(), 0);
    await plain.close();
  });

  it('era: hostile versions, negotiation, discover fields, header values and result types stay inert text', async () => {
    const o = await open(hostileEraFixture());
    const { page } = o;
    const startUrl = page.url();
    const badge = page.locator('.conn[data-id="c-main"] [data-role="era-badge"]');
    assert.equal((await badge.innerText()).trim(), '2025');
    assert.ok(((await badge.getAttribute('title')) ?? '').length < 200, 'the version is clipped in the badge title');

    await page.locator('[data-tab="server"]').click();
    const facts = page.locator('[data-panel="server"] [data-role="server-facts"]');
    assert.ok((await facts.innerText()).includes('<script>window.__pwned'), 'the version shows as literal text');
    assert.ok((await facts.innerText()).includes('<img src=x onerror='), 'the negotiation shows as literal text');
    assert.ok((await facts.innerText()).length < 8000, 'a 1 MB version and negotiation are clipped');
    const discover = page.locator('[data-panel="server"] [data-role="discover"]');
    assert.ok((await discover.innerText()).includes('<img src=x onerror='), 'discover keys are literal text');

    await page.locator('[data-tab="log"]').click();
    await page.locator('[data-role="log-header-problems"]').click();
    await page.locator('[data-role="log-list"] .log-row').first().click();
    const http = page.locator('[data-role="log-http"]');
    await http.waitFor();
    assert.ok((await http.innerText()).includes('<script>window.__pwned'));
    assert.ok((await http.innerText()).length < 4000, 'header values and details are clipped');

    await page.locator('[data-tab="tools"]').click();
    await page.locator('[data-role="tool-list"] .item[data-name="weather"]').click();
    await page.locator('[data-role="tool-detail"] [data-action="run"]').click();
    const type = page.locator('.tool-result [data-role="result-type"]');
    await type.waitFor();
    assert.ok((await type.innerText()).startsWith('<img src=x'));
    assert.ok((await type.innerText()).length <= 61);

    await page.locator('[data-tab="resources"]').click();
    await page.locator('[data-role="resource-list"] .item', { hasText: 'README.md' }).click();
    await page.locator('[data-role="resource-detail"] [data-action="read"]').click();
    await page.locator('[data-role="resource-detail"] [data-role="cache-hint"]').waitFor();
    assert.match(
      await page.locator('[data-role="resource-detail"] [data-role="cache-hint"]').innerText(),
      / · private$/,
      'an unknown cache scope reads as private',
    );

    const verdict = await js<{ pwned?: number; violations: string[]; imgX: number; inserted: string[]; svg: number }>(
      page,
      'window.__harness.verdict()',
    );
    assert.equal(verdict.pwned, undefined, 'no payload ran');
    assert.deepEqual(verdict.violations, []);
    assert.equal(verdict.imgX, 0);
    assert.deepEqual(verdict.inserted, []);
    assert.equal(verdict.svg, 0);
    assert.equal(page.url(), startUrl, 'nothing navigated');
    assert.ok(HUGE.length === 1 << 20 && XSS.img.includes('onerror'));
    await o.close();
  });
});
