/* global describe, it, before, after, afterEach, indexedDB -- mocha globals; indexedDB in page.evaluate */
// End to end in code-server (real VS Code): the inspector's Auth tab against our loopback simple-auth
// fixture with auto-approve (the GitHub stand-in consents by itself, so no clicking in the browser).
//  1. The flow debugger, step by step: Next eight times through the real engine, the browser tab opening at
//     the Callback step; every step passes or warns, and the connection ends up connected.
//  2. The token vault: issuer, client id obtained by dynamic registration, scopes, a countdown.
//  3. Refresh now: the fixture sees a refresh grant and the expiry moves.
//  4. Copy access token: VS Code's modal warning, then the clipboard holds exactly the token the fixture
//     issued last (the token went from SecretStorage to the clipboard in the host, never through the webview).
//  5. Revoke: the fixture receives /revoke and the vault is empty. 6. Forget registration: the stored
//     registration is gone, so the next sign-in registers again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  EXTENSION_ID,
  ROOT,
  TEST_OUTPUT_DIR,
  openWorkbench,
  runCommand,
  startCodeServer,
} from '../../scripts/codeServer.mjs';
import { searchForSecrets } from './leakSearch.mjs';

const require = createRequire(import.meta.url);
/** @type {typeof import('../fixtures/simpleAuth/server.ts')} */
const { startSimpleAuthServer } = require('../fixtures/simpleAuth/server.ts');

const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
const NAME = 'GitHub demo';
const ID = 'settings:github-demo';

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

describe('e2e: the token vault and the sign-in debugger in code-server', function () {
  this.timeout(240000);
  let fixture;
  let server;
  let browser;
  let context;
  let page;
  const workspace = path.join(TEST_OUTPUT_DIR, `e2e-vault-workspace-${process.pid}`);

  before(async () => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fixture = await startSimpleAuthServer({
      githubClientId: 'Iv1.e2e-vault',
      githubClientSecret: 'e2e-vault-secret',
      autoApprove: true,
      transport: 'streamable-http',
    });
    server = await startCodeServer({
      workspace,
      extensionDevelopmentPath: ROOT,
      userSettings: { 'mcpLens.connections': [{ name: NAME, transport: 'streamable-http', url: fixture.mcpUrl }] },
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: 60000,
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath: ROOT });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'vault-code-server-failure.png') }).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await fixture?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const webview = () =>
    page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');
  const vault = () => webview().locator('[data-role="vault"]');

  it('opens the Auth tab of the connection from the command palette; it needs a sign-in', async () => {
    // The only HTTP connection is chosen without a pick; the inspector opens on it, at the Auth tab.
    await runCommand(page, 'MCP Lens: Open Token Vault and Sign-in Debugger', { timeoutMs: 60000 });
    const frame = webview();
    const row = frame.locator(`.conn[data-id="${ID}"]`);
    await row.waitFor({ timeout: 60000 });
    await row.locator('text=/Sign-in required/').first().waitFor({ timeout: 60000 });
    assert.equal(await row.getAttribute('aria-selected'), 'true');
    assert.equal(await frame.locator('[data-tab="auth"]').getAttribute('aria-selected'), 'true');
    await vault().locator('[data-role="vault-empty"]').waitFor({ timeout: 30000 });
  });

  it('steps through the real sign-in with Next: eight steps, the browser at the Callback step, then connected', async () => {
    const frame = webview();
    const state = frame.locator('[data-role="debug-state"]');
    await frame.locator('[data-action="debug-step"]').click();
    const popups = [];
    context.on('page', (p) => popups.push(p));
    for (let i = 1; i <= 8; i++) {
      await state.locator(`text=/Paused before step ${i}:/`).waitFor({ timeout: 30000 });
      if (i <= 6) assert.equal(popups.length, 0, `no browser tab before the Callback step (step ${i})`);
      await frame.locator('[data-action="debug-next"]').click();
    }
    await state.locator('text=/Signed in/').waitFor({ timeout: 60000 });
    assert.equal(popups.length, 1, 'the system browser opened once');
    const statuses = await frame
      .locator('[data-role="flow-steps"] > li')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}=${e.getAttribute('data-status')}`));
    assert.equal(statuses.length, 8);
    for (const s of statuses) assert.match(s, /=(pass|warn)$/, statuses.join(' '));
    await frame.locator(`.conn[data-id="${ID}"]`, { hasText: 'Connected' }).waitFor({ timeout: 60000 });
    assert.equal(fixture.stats.count({ method: 'POST', path: '/token' }), 1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'vault-code-server-debugger.png') });
  });

  it('shows the vault: issuer, client id from dynamic registration, scopes and a countdown', async () => {
    const v = vault();
    await v.locator('[data-field="issuer"]').waitFor({ timeout: 30000 });
    assert.equal(await v.locator('[data-field="issuer"]').innerText(), fixture.issuer);
    const registered = fixture.controls.registeredClients();
    assert.equal(registered.length, 1);
    assert.equal(await v.locator('[data-field="client-id"]').innerText(), registered[0].clientId);
    assert.equal(await v.locator('[data-field="client-source"]').innerText(), 'dynamic client registration (RFC 7591)');
    assert.equal(await v.locator('[data-field="scopes"]').innerText(), 'user');
    assert.match(await v.locator('[data-role="countdown"]').innerText(), /^in (59 min \d\d s|1 h 00 min)$/);
    assert.match(await v.locator('[data-field="format"]').innerText(), /^opaque/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'vault-code-server-vault.png') });
  });

  it('refreshes now: a refresh grant reaches the fixture and the expiry moves', async () => {
    const v = vault();
    const before = Number(await v.locator('[data-role="countdown"]').getAttribute('data-expires-at'));
    const tokensBefore = fixture.stats.count({ method: 'POST', path: '/token' });
    await sleep(1100); // expiresAt has millisecond resolution, but let a second pass so the change is visible
    await v.locator('[data-action="vault-refresh"]').click();
    await v.locator('[data-role="vault-message"]', { hasText: 'refreshed' }).waitFor({ timeout: 30000 });
    const after = Number(await v.locator('[data-role="countdown"]').getAttribute('data-expires-at'));
    assert.ok(after > before + 1000, `the expiry moved (${before} → ${after})`);
    assert.equal(fixture.stats.count({ method: 'POST', path: '/token' }), tokensBefore + 1);
  });

  it('copies the access token only after a modal warning; the clipboard holds the token the fixture issued', async () => {
    await vault().locator('[data-action="vault-copy"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await dialog.innerText(), /Copy the access token of GitHub demo\?[\s\S]*Anyone who gets this token/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'vault-code-server-copy-warning.png') });
    await dialog.locator('.monaco-button', { hasText: 'Copy Token' }).click();
    await vault().locator('[data-role="vault-message"]', { hasText: 'clipboard' }).waitFor({ timeout: 30000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const accessTokens = fixture.controls
      .issuedTokenValues()
      .filter((t) => t.startsWith('mcp_') && !t.startsWith('mcp_rt_') && !t.startsWith('mcp_code_'));
    assert.equal(accessTokens.length, 2, 'one from the sign-in, one from the refresh');
    assert.equal(copied, accessTokens[accessTokens.length - 1], 'the current access token');
    // The webview never saw it.
    const html = await webview().locator('body').innerHTML();
    assert.ok(!html.includes(copied));
  });

  it('revokes: the fixture receives /revoke and the vault is empty', async () => {
    const before = fixture.stats.count({ method: 'POST', path: '/revoke' });
    await vault().locator('[data-action="vault-revoke"]').click();
    await vault().locator('[data-role="vault-empty"]').waitFor({ timeout: 30000 });
    assert.ok(fixture.stats.count({ method: 'POST', path: '/revoke' }) > before, 'RFC 7009 revocation requests');
    assert.equal(fixture.controls.counts().accessTokens, 0, 'the fixture no longer knows the access token');
  });

  it('forgets the registration: it is gone from the vault, and the next sign-in registers again', async () => {
    const v = vault();
    await v.locator('[data-field="registration"]').waitFor();
    await v.locator('[data-action="vault-forget"]').click();
    await v.locator('[data-role="vault-message"]', { hasText: 'forgotten' }).waitFor({ timeout: 30000 });
    assert.equal(await v.locator('[data-field="registration"]').count(), 0);
    const frame = webview();
    await frame.locator('[data-action="debug-run"]').click();
    await frame.locator('[data-role="debug-state"]', { hasText: 'Signed in' }).waitFor({ timeout: 60000 });
    assert.equal(fixture.controls.registeredClients().length, 2, 'a new dynamic registration');
    await v
      .locator('[data-field="client-id"]', { hasText: fixture.controls.registeredClients()[1].clientId })
      .waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'vault-code-server-after-forget.png') });
  });

  it('keeps the last trace across a window reload (the host keeps it, masked)', async () => {
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60000 });
    const frame = webview();
    const row = frame.locator(`.conn[data-id="${ID}"]`);
    // The serializer brings the panel back; open it if this code-server did not restore it.
    if (
      !(await row.waitFor({ timeout: 20000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await runCommand(page, 'MCP Lens: Open Inspector', { timeoutMs: 60000 });
      await row.waitFor({ timeout: 60000 });
    }
    await row.click();
    await frame.locator('[data-tab="auth"]').click();
    await frame.locator('[data-role="debug-state"]', { hasText: 'Signed in' }).waitFor({ timeout: 30000 });
    assert.equal(await frame.locator('[data-role="flow-steps"] details').count(), 8);
    const html = await frame.locator('body').innerHTML();
    for (const secret of fixture.controls.issuedTokenValues()) {
      assert.ok(!html.includes(secret), 'no issued token in the restored trace');
    }
    // Where the host kept the trace: the workspace state, which the web workbench keeps in the browser's
    // IndexedDB. Read all of it back: the trace is there, and no token, code or refresh token the fixture
    // ever issued is. Then the server's user-data folder (logs, global state): no secret either.
    const browserState = await page.evaluate(async () => {
      const texts = [];
      for (const { name } of await indexedDB.databases()) {
        if (!name) continue;
        const db = await new Promise((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        for (const store of Array.from(db.objectStoreNames)) {
          const tx = db.transaction(store, 'readonly').objectStore(store);
          const [keys, values] = await Promise.all(
            [tx.getAllKeys(), tx.getAll()].map(
              (r) =>
                new Promise(
                  (resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))),
                ),
            ),
          );
          const text = (v) =>
            typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : JSON.stringify(v);
          texts.push(...keys.map(text), ...values.map(text));
        }
        db.close();
      }
      return texts.join('\n');
    });
    assert.match(
      browserState,
      /mcpLens\.authTrace\./,
      'the trace is kept in the workspace state (so the search looks where it is)',
    );
    assert.match(browserState, /"title":"Token request"/, 'the values were read, not only the keys');
    const secrets = fixture.controls.issuedTokenValues();
    assert.ok(secrets.length >= 6);
    for (const [i, secret] of secrets.entries()) {
      assert.ok(
        !browserState.includes(secret),
        `issued secret #${i} (${secret.slice(0, 4)}…) is in the workbench state`,
      );
    }
    const { hits, files } = searchForSecrets([server.userDataDir], secrets);
    assert.ok(files > 0);
    assert.deepEqual(hits, [], 'no secret in user-data');
  });
});
