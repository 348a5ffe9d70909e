/**
 * The inspector's Auth tab in real Chromium against the harness host: the token
 * vault (issuer, client id and its source, scopes, a live countdown, JWT claims, its actions as
 * requests — the token never reaches the page) and the flow debugger, whose eight steps are
 * recorded from the real engine against the simple-auth fixture (and the defective wrong-issuer
 * server for a refusal). Step by step, straight through, cancel, the trace after a reload, export.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { WebviewToHostMessage } from '../../src/shared/protocol';
import {
  jwtVault,
  recordSuccessfulFlow,
  recordWrongIssuerFlow,
  type AuthFlowFixture,
} from './webviewHarness/authFlows';
import { XSS, baseFixture, type HarnessFixture } from './webviewHarness/fixtures';
import { CHROMIUM_ARGS, REPO_ROOT, js, openHarnessPage, startHarness, type Harness } from './webviewHarness/server';

const SCREENSHOTS = path.join(REPO_ROOT, '.test-output/screenshots');

describe('inspector webview: Auth tab (harness, Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let harness: Harness;
  let success: AuthFlowFixture & { issuedTokens: string[] };
  let wrongIssuer: AuthFlowFixture;

  before(async () => {
    assert.ok(
      fs.existsSync(path.join(REPO_ROOT, 'dist/webview.js')),
      'dist/webview.js is missing: run node esbuild.mjs',
    );
    success = await recordSuccessfulFlow();
    wrongIssuer = await recordWrongIssuerFlow();
    harness = await startHarness();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  function fixture(flow: AuthFlowFixture = success): HarnessFixture {
    const f = baseFixture();
    f.authVaults = { 'c-main': jwtVault('c-main', 'http://127.0.0.1:3001/mcp') };
    f.authFlow = flow;
    f.focus = { connectionId: 'c-main', tab: 'auth' as never };
    return f;
  }

  const open = (f: HarnessFixture) =>
    openHarnessPage(browser, harness, f, {
      ready: '[data-role="vault"] [data-field="issuer"]',
      viewport: { width: 1280, height: 900 },
    });

  const step = (page: Page, id: string) => page.locator(`[data-role="flow-steps"] [data-step="${id}"]`);
  const requests = (sent: WebviewToHostMessage[], method: string) =>
    sent.filter((m) => m.kind === 'request' && m.method === method);
  const commands = (sent: WebviewToHostMessage[]) =>
    sent
      .filter((m) => m.kind === 'command' && m.method.startsWith('auth/debug/'))
      .map((m) => (m as { method: string; params: unknown }).method);

  it('shows the vault: issuer, client id and how it was obtained, scopes, a live countdown and the JWT claims', async () => {
    const o = await open(fixture());
    const { page } = o;
    const vault = page.locator('[data-role="vault"]');
    assert.equal(await vault.locator('[data-field="issuer"]').innerText(), 'http://127.0.0.1:3001/');
    assert.equal(await vault.locator('[data-field="client-id"]').innerText(), 'dcr-7f3a');
    assert.equal(
      await vault.locator('[data-field="client-source"]').innerText(),
      'dynamic client registration (RFC 7591)',
    );
    assert.equal(await vault.locator('[data-field="scopes"]').innerText(), 'mcp:tools mcp:resources');
    const countdown = vault.locator('[data-role="countdown"]');
    const first = await countdown.innerText();
    assert.match(first, /^in 5[34] min \d\d s$/);
    // The page's CSP forbids eval, so poll from here rather than with waitForFunction.
    for (let deadline = Date.now() + 3000; (await countdown.innerText()) === first;) {
      assert.ok(Date.now() < deadline, 'the countdown did not change within 3 s');
      await page.waitForTimeout(100);
    }
    assert.match(await countdown.innerText(), /^in 5[34] min \d\d s$/, 'it counts down every second');
    const jwt = vault.locator('[data-role="jwt"]');
    assert.match(await jwt.innerText(), /RS256[\s\S]*at\+jwt[\s\S]*octo-demo/);
    assert.match(await vault.locator('[data-field="refresh"]').innerText(), /^yes/);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'auth-vault.png') });
    await o.close();
  });

  it('reads the vault (secret storage, in the host) only while the Auth tab is shown', async () => {
    const o = await openHarnessPage(
      browser,
      harness,
      { ...fixture(), focus: { connectionId: 'c-main', tab: 'tools' } },
      { ready: '[data-role="tool-list"] .item' },
    );
    const { page } = o;
    const vaultReads = async () => requests(await o.sent(), 'auth/vault').length;
    const connectionsChanged = () =>
      js(page, `window.__harness.notify('connections/changed', { connections: window.__harness.fixture.connections })`);
    for (let i = 0; i < 3; i++) await connectionsChanged();
    await page.waitForTimeout(200);
    assert.equal(await vaultReads(), 0, 'a hidden Auth tab reads nothing');
    await page.locator('[data-tab="auth"]').click();
    await page.locator('[data-role="vault"] [data-field="issuer"]').waitFor();
    assert.equal(await vaultReads(), 1, 'shown: read once');
    await connectionsChanged();
    for (let deadline = Date.now() + 3000; (await vaultReads()) < 2;) {
      assert.ok(Date.now() < deadline, 'a visible Auth tab follows changes');
      await page.waitForTimeout(50);
    }
    await o.close();
  });

  it('runs the vault actions as requests to the host: refresh (expiry moves), copy (host-side), revoke, forget', async () => {
    const o = await open(fixture());
    const { page } = o;
    const countdown = page.locator('[data-role="countdown"]');
    const before = Number(await countdown.getAttribute('data-expires-at'));
    await page.locator('[data-action="vault-refresh"]').click();
    await page.locator('[data-role="vault-message"]', { hasText: 'refreshed' }).waitFor();
    const after = Number(await countdown.getAttribute('data-expires-at'));
    assert.ok(after > before, `the expiry moved (${before} → ${after})`);
    assert.match(await countdown.innerText(), /^in (59|60) min|^in 1 h 00 min$/);

    await page.locator('[data-action="vault-copy"]').click();
    await page.locator('[data-role="vault-message"]', { hasText: 'clipboard' }).waitFor();
    assert.deepEqual(
      await js(page, 'window.__harness.clipboard'),
      [],
      'the webview never writes a token to the clipboard itself',
    );

    await page.locator('[data-action="vault-revoke"]').click();
    await page.locator('[data-role="vault-empty"]').waitFor();
    assert.match(await page.locator('[data-role="vault-message"]').innerText(), /Signed out/);
    await page.locator('[data-action="vault-forget"]').click();
    await page.locator('[data-role="vault-message"]', { hasText: 'forgotten' }).waitFor();
    assert.equal(await page.locator('[data-role="vault"] [data-field="registration"]').count(), 0);

    const sent = await o.sent();
    for (const method of ['auth/refreshNow', 'auth/copyToken', 'auth/revoke', 'auth/forgetRegistration']) {
      assert.deepEqual(
        requests(sent, method).map((m) => (m as { params: unknown }).params),
        [{ connectionId: 'c-main' }],
        method,
      );
    }
    assert.ok(!sent.some((m) => m.kind === 'command' && m.method === 'clipboard/write'));
    await o.close();
  });

  it('steps through the sign-in: each Next reveals one step with its exchanges, timing, checks and spec citations', async () => {
    const o = await open(fixture());
    const { page } = o;
    await page.locator('[data-action="debug-step"]').click();
    const state = page.locator('[data-role="debug-state"]');
    await state.locator('text=/Paused before step 1: 401 challenge/').waitFor();
    assert.equal(await step(page, 'challenge').getAttribute('data-status'), 'waiting');
    assert.equal(await step(page, 'token').getAttribute('data-status'), 'pending');

    const expected: Record<string, { summary: RegExp; exchange?: RegExp; check: RegExp; spec: RegExp }> = {
      challenge: {
        summary: /HTTP 401 with resource_metadata/,
        exchange: /POST http:\/\/127\.0\.0\.1:\d+\/mcp[\s\S]*HTTP 401/,
        check: /HTTP 401 without a token/,
        spec: /RFC 6750 §3/,
      },
      'resource-metadata': {
        summary: /authorization server http:\/\/127\.0\.0\.1:\d+\//,
        exchange: /GET http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp[\s\S]*HTTP 200/,
        check: /is this server/,
        spec: /RFC 9728 §3\.3/,
      },
      'authorization-server-metadata': {
        summary: /Issuer http:\/\/127\.0\.0\.1:\d+\//,
        exchange: /\.well-known\/oauth-authorization-server[\s\S]*HTTP 200/,
        check: /PKCE S256 is advertised/,
        spec: /RFC 8414 §3\.3/,
      },
      registration: {
        summary: /dynamic-registration/,
        exchange: /POST http:\/\/127\.0\.0\.1:\d+\/register[\s\S]*HTTP 201/,
        check: /redirect URI http:\/\/127\.0\.0\.1:\d+\/callback was accepted/,
        spec: /RFC 7591 §3/,
      },
      authorization: {
        summary: /Opens http:\/\/127\.0\.0\.1:\d+\/authorize in the system browser/,
        exchange: /Opened in the system browser/,
        check: /PKCE with S256/,
        spec: /RFC 8707 §2/,
      },
      callback: { summary: /Code received/, check: /state matches/, spec: /RFC 6749 §10\.12/ },
      token: {
        summary: /Token issued for "user"/,
        exchange: /POST http:\/\/127\.0\.0\.1:\d+\/token[\s\S]*HTTP 200/,
        check: /refresh token was issued/,
        spec: /RFC 6749 §6/,
      },
      initialize: {
        summary: /Connected to /,
        exchange: /authorization: Bearer \*\*\*[\s\S]*HTTP 200/,
        check: /Authorization header, never in the URL/,
        spec: /RFC 6750 §2\.1/,
      },
    };
    const ids = Object.keys(expected);
    for (const [i, id] of ids.entries()) {
      await page.locator('[data-action="debug-next"]').click();
      const item = step(page, id);
      await item.locator('details').waitFor();
      assert.equal(await item.getAttribute('data-status'), success.steps[i].status, `${id} status`);
      if (i + 1 < ids.length) await state.locator(`text=/Paused before step ${i + 2}/`).waitFor();
      const text = await item.innerText();
      const e = expected[id];
      assert.match(text, e.summary, `${id} summary`);
      assert.match(text, new RegExp(`${i + 1}\\. `));
      assert.match(text, /\d+ ms|<1 ms|\d\.\d+ s/, `${id} shows its timing`);
      assert.match(await item.locator('[data-role="checks"]').innerText(), e.check, `${id} check`);
      assert.match(
        await item
          .locator('[data-role="checks"] [data-role="spec"]')
          .allInnerTexts()
          .then((t) => t.join(' | ')),
        e.spec,
        `${id} spec`,
      );
      assert.ok(
        (await item.locator('[data-role="checks"] .codicon[role="img"]').count()) >= 1,
        'status icons with a label',
      );
      if (e.exchange) {
        assert.match(
          await item
            .locator('[data-role="exchange"]')
            .allInnerTexts()
            .then((t) => t.join('\n')),
          e.exchange,
          `${id} exchange`,
        );
      }
      // Step results open by themselves while stepping, and stay open.
      assert.equal(await item.locator('details').getAttribute('open'), '');
    }
    await state.locator('text=/Signed in/').waitFor();

    // The authorization request's parameters, explained; state masked.
    const params = step(page, 'authorization').locator('[data-role="params"]');
    assert.equal(await params.locator('[data-param="state"] td').nth(1).innerText(), '***');
    assert.equal(await params.locator('[data-param="code_challenge_method"] td').nth(1).innerText(), 'S256');
    assert.match(await params.locator('[data-param="resource"] td').nth(2).innerText(), /RFC 8707/);
    assert.match(await step(page, 'callback').innerText(), /code: \*\*\*[\s\S]*state: \*\*\*/);
    // The token response body is shown, masked.
    const tokenText = await step(page, 'token').innerText();
    assert.match(tokenText, /"access_token":"\*\*\*"/);
    const page_ = await page.content();
    for (const secret of success.issuedTokens) assert.ok(!page_.includes(secret), 'no issued token in the page');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'auth-debugger-steps.png'), fullPage: true });

    // Export: the host writes its own masked copy; the page only asks.
    await page.locator('[data-action="export-markdown"]').click();
    await page.locator('[data-action="export-json"]').click();
    for (let deadline = Date.now() + 3000; (await js<string[]>(page, 'window.__harness.authExports')).length < 2;) {
      assert.ok(Date.now() < deadline, 'both exports were requested');
      await page.waitForTimeout(50);
    }
    assert.deepEqual(await js(page, 'window.__harness.authExports'), ['markdown', 'json']);
    await page.locator('[data-role="debug-message"]', { hasText: 'Exported as JSON (secrets removed).' }).waitFor();
    assert.deepEqual(commands(await o.sent()), ['auth/debug/start', ...ids.map(() => 'auth/debug/next')]);

    // The last trace survives a reload (the host keeps it).
    await page.reload();
    await page.locator('[data-role="vault"] [data-field="issuer"]').waitFor();
    await page.locator('[data-role="debug-state"]', { hasText: 'Signed in' }).waitFor();
    assert.equal(
      await page
        .locator('[data-role="flow-steps"] [data-status="pass"], [data-role="flow-steps"] [data-status="warn"]')
        .count(),
      8,
    );
    await o.close();
  });

  it('continues straight through after a pause, and cancels', async () => {
    const o = await open(fixture());
    const { page } = o;
    await page.locator('[data-action="debug-step"]').click();
    await page.locator('[data-action="debug-next"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Paused before step 2' }).waitFor();
    await page.locator('[data-action="debug-continue"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Signed in' }).waitFor();
    assert.equal(await page.locator('[data-role="flow-steps"] details').count(), 8);

    await page.locator('[data-action="debug-step"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Paused before step 1' }).waitFor();
    await page.locator('[data-action="debug-cancel"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Cancelled' }).waitFor();
    assert.equal(await page.locator('[data-role="flow-steps"] [data-status="pending"]').count(), 8);
    assert.deepEqual(commands(await o.sent()), [
      'auth/debug/start',
      'auth/debug/next',
      'auth/debug/continue',
      'auth/debug/start',
      'auth/debug/cancel',
    ]);

    await page.locator('[data-action="debug-run"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Signed in' }).waitFor();
    await o.close();
  });

  it('shows a refused sign-in: the wrong issuer fails step 3 with RFC 8414 §3.3 and the later steps never run', async () => {
    const o = await open(fixture(wrongIssuer));
    const { page } = o;
    await page.locator('[data-action="debug-run"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Failed' }).waitFor();
    assert.match(await page.locator('[data-role="debug-state"]').innerText(), /names the issuer .*some-other-issuer/);
    const asm = step(page, 'authorization-server-metadata');
    assert.equal(await asm.getAttribute('data-status'), 'fail');
    await asm.locator('summary').click();
    assert.match(await asm.locator('[data-check="fail"]').innerText(), /RFC 8414 §3\.3/);
    for (const id of ['registration', 'authorization', 'callback', 'token', 'initialize']) {
      assert.equal(await step(page, id).getAttribute('data-status'), 'pending', id);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'auth-debugger-wrong-issuer.png'), fullPage: true });
    await o.close();
  });

  it('says why an export failed, and clears the message on the next run', async () => {
    const o = await open({
      ...fixture(wrongIssuer),
      authExportError: 'EACCES: permission denied, open /readonly/trace.md',
    });
    const { page } = o;
    await page.locator('[data-action="debug-run"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Failed' }).waitFor();
    await page.locator('[data-action="export-markdown"]').click();
    const message = page.locator('[data-role="debug-message"]');
    await message.waitFor();
    assert.equal(
      await message.innerText(),
      'The trace could not be exported: EACCES: permission denied, open /readonly/trace.md',
    );
    await page.locator('[data-action="debug-run"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Failed' }).waitFor();
    assert.equal(await message.count(), 0);
    await o.close();
  });

  it('renders hostile trace and claim content as text', async () => {
    const f = fixture();
    const steps = JSON.parse(JSON.stringify(success.steps)) as AuthFlowFixture['steps'];
    steps[0].summary = XSS.img;
    steps[0].checks[0].summary = XSS.script;
    steps[0].checks[0].spec = XSS.svg;
    steps[0].exchanges[0].response!.body = `${XSS.img}${XSS.script}`;
    steps[0].exchanges[0].request.url = XSS.js;
    f.authFlow = { ...success, steps };
    f.authVaults!['c-main'].jwt!.payload = { [XSS.img]: XSS.script, sub: XSS.svg };
    f.authVaults!['c-main'].issuer = XSS.img;
    const o = await open(f);
    const { page } = o;
    await page.locator('[data-action="debug-run"]').click();
    await page.locator('[data-role="debug-state"]', { hasText: 'Signed in' }).waitFor();
    await step(page, 'challenge').locator('summary').click();
    assert.ok((await step(page, 'challenge').innerText()).includes('<script>window.__pwned'));
    assert.equal(await page.locator('[data-role="vault"] [data-field="issuer"]').innerText(), XSS.img);
    const verdict = await js<{ pwned?: number; violations: string[]; inserted: string[]; imgX: number; svg: number }>(
      page,
      'window.__harness.verdict()',
    );
    assert.equal(verdict.pwned, undefined);
    assert.deepEqual(verdict.violations, []);
    assert.deepEqual(verdict.inserted, []);
    assert.equal(verdict.imgX, 0);
    assert.equal(verdict.svg, 0);
    await o.close();
  });
});
