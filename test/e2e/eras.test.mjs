/* global describe, it, before, after, afterEach -- mocha globals */
// End to end, both protocol eras in code-server (real VS Code) driven by Debian's Chromium: add a
// modern-only server (MCP 2026-07-28 only) through the "Add MCP Connection" wizard with nothing but its
// URL (protocol Auto), see its version in the Connections view, call `echo` from the inspector, and read
// the era, the negotiation and the Mcp-Method header check in the Server and Log tabs. Then add a dual
// server pinned to 2025 through the wizard's "Advanced: protocol…" item and see it speak the 2025 era.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import {
  EXTENSION_ID,
  ROOT,
  TEST_OUTPUT_DIR,
  cleanEnv,
  launchChromium,
  openWorkbench,
  runCommand,
  startCodeServer,
} from '../../scripts/codeServer.mjs';

const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
const ERAS_HTTP_SERVER = path.join(ROOT, 'test/fixtures/eras/erasHttpServer.ts');

/**
 * Starts the eras HTTP fixture in its own process (tsx runs the TypeScript; this file is plain .mjs) and
 * resolves with its URL, read off the first stdout line ("listening on http://127.0.0.1:PORT/mcp").
 */
function startErasFixture(mode) {
  const child = spawn(process.execPath, ['--import', 'tsx', ERAS_HTTP_SERVER, '--mode', mode], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the ${mode} fixture printed no URL within 30 s: ${stderr}`));
    }, 30000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${mode} fixture exited (${code}) before printing its URL: ${stderr}`));
    });
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const url = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(line)?.[1];
      if (url) resolve({ url, child });
      else reject(new Error(`unexpected first line from the ${mode} fixture: ${line}`));
    });
  });
}

async function stopFixture(fixture) {
  if (!fixture || fixture.child.exitCode !== null) return;
  const exited = new Promise((r) => fixture.child.once('exit', r));
  fixture.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (fixture.child.exitCode === null) fixture.child.kill('SIGKILL');
}

describe('e2e: both protocol eras through the wizard and the inspector', function () {
  this.timeout(240000);
  let server;
  let browser;
  let page;
  let modernOnly;
  let dual;
  const workspace = path.join(TEST_OUTPUT_DIR, 'e2e-eras-workspace');

  before(async () => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    [modernOnly, dual] = await Promise.all([startErasFixture('modern-only'), startErasFixture('dual')]);
    server = await startCodeServer({ workspace, extensionDevelopmentPath: ROOT });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath: ROOT });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'eras-failure.png') }).catch(() => undefined);
      fs.writeFileSync(path.join(SCREENSHOTS, 'eras-failure.html'), await page.content().catch(() => ''));
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await Promise.all([stopFixture(modernOnly), stopFixture(dual)]);
  });

  const quickInput = () => page.locator('.quick-input-widget');
  const quickInputBox = () => page.locator('.quick-input-widget .quick-input-box input');
  const quickRows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const connectionsView = () =>
    page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
  const webview = () =>
    page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');

  async function waitForStep(step, total) {
    await quickInput().waitFor({ state: 'visible' });
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Add MCP Connection' })
      .waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget', { hasText: `${step}/${total}` }).waitFor({ state: 'visible' });
  }

  async function pickRow(text) {
    const row = quickRows().filter({ hasText: text }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /**
   * The wizard for a Streamable HTTP server: transport, URL, name, then the headers list, where
   * `onHeaders` may open the protocol choice before Done, then the scope.
   */
  async function addHttpConnection(url, name, onHeaders = async () => undefined) {
    await runCommand(page, 'MCP Lens: Add MCP Connection');
    await waitForStep(1, 5);
    await quickRows()
      .filter({ hasText: /^Streamable HTTP/ })
      .first()
      .click();
    await waitForStep(2, 5);
    await quickInputBox().fill(url);
    await page.keyboard.press('Enter');
    await waitForStep(3, 5);
    await quickInputBox().fill(name);
    await page.keyboard.press('Enter');
    await waitForStep(4, 5);
    await onHeaders();
    await pickRow('Done');
    await waitForStep(5, 5);
    await pickRow('Workspace');
    await quickInput().waitFor({ state: 'hidden' });
  }

  /** Clicks a connection in the inspector's list and waits until its header says it is connected. */
  async function selectInInspector(name) {
    const frame = webview();
    const conn = frame.locator('.conn', { hasText: name });
    await conn.filter({ hasText: 'Connected' }).waitFor({ timeout: 60000 });
    await conn.click();
    await frame.locator('[data-role="main-header"]', { hasText: name }).waitFor({ timeout: 10000 });
    return conn;
  }

  it('adds a modern-only server with only its URL (Auto) and shows 2026-07-28 in the Connections view', async () => {
    await page.locator('.activitybar .action-item [aria-label^="MCP Lens"]').first().click();
    await addHttpConnection(modernOnly.url, 'eras modern');

    const view = connectionsView();
    const row = view.locator('.monaco-list-row', { hasText: 'eras modern' }).first();
    await row.waitFor({ state: 'visible', timeout: 30000 });
    // Auto negotiated the modern era: the description carries the version, and no pin.
    await view
      .locator('.monaco-list-row', { hasText: /eras modern.*Streamable HTTP · connected · 2026-07-28$/ })
      .waitFor({ state: 'visible', timeout: 30000 });
    assert.doesNotMatch(await row.innerText(), /pinned|2025/);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
    const toolsRow = view
      .locator('.monaco-list-row')
      .filter({ hasText: /^Tools \(\d+\)/ })
      .first();
    await toolsRow.waitFor({ state: 'visible', timeout: 30000 });
    await toolsRow.click();
    await view.locator('.monaco-list-row').filter({ hasText: /^echo/ }).first().waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eras-modern-tree.png') });
  });

  it('calls echo from the inspector on 2026-07-28 and shows the era, the negotiation and the header check', async () => {
    await runCommand(page, 'MCP Lens: Open Inspector', { timeoutMs: 60000 });
    const frame = webview();
    const conn = await selectInInspector('eras modern');
    const badge = conn.locator('[data-role="era-badge"]');
    assert.equal((await badge.innerText()).trim(), '2026-07-28');
    assert.equal(await badge.getAttribute('data-era'), 'modern');

    await frame.locator('[data-role="tool-list"] .item[data-name="echo"]').click({ timeout: 30000 });
    await frame
      .locator(`[data-path='["text"]'] textarea, [data-path='["text"]'] input`)
      .first()
      .fill('hello from the modern era');
    await frame.locator('[data-action="run"]').click();
    await frame.locator('.tool-result', { hasText: 'echo: hello from the modern era' }).waitFor({ timeout: 30000 });
    assert.equal((await frame.locator('.tool-result [data-role="result-type"]').innerText()).trim(), 'complete');

    await frame.locator('[data-tab="server"]').click();
    const facts = frame.locator('[data-panel="server"] [data-role="server-facts"]');
    await facts.waitFor();
    const factsText = await facts.innerText();
    assert.match(factsText, /Protocol\s+2026-07-28/);
    assert.match(factsText, /Era\s+Modern \(MCP 2026-07-28\)/);
    assert.match(factsText, /Negotiation\s+server\/discover offered 2026-07-28 \(auto\)/);
    assert.match(factsText, /Protocol setting\s+Auto/);
    assert.match(await frame.locator('[data-panel="server"] [data-role="discover"]').innerText(), /2026-07-28/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eras-modern-server-tab.png') });

    await frame.locator('[data-tab="log"]').click();
    const call = frame.locator('[data-role="log-list"] .log-row.dir-out', { hasText: 'tools/call' }).last();
    await call.waitFor({ timeout: 10000 });
    await call.click();
    const http = frame.locator('[data-role="log-detail"] [data-role="log-http"]');
    await http.waitFor();
    assert.equal(await http.getAttribute('data-check'), 'ok');
    assert.match(await http.innerText(), /Mcp-Method\s+tools\/call\s+Mcp-Name\s+echo/);
    assert.match(
      await frame.locator('[data-role="log-http-check"]').innerText(),
      /^\s*ok: the headers agree with the body/,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eras-modern-log-tab.png') });
  });

  it('adds a dual server pinned to 2025 through "Advanced: protocol…" and shows the 2025 era', async () => {
    await addHttpConnection(dual.url, 'eras dual', async () => {
      // The list says the current choice, Auto; the protocol sub-step stays on step 4.
      await pickRow('Advanced: protocol… Auto');
      await page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: '2026-07-28 only' })
        .waitFor({ state: 'visible' });
      await pickRow('2025 only');
      await waitForStep(4, 5);
      await quickRows().filter({ hasText: 'Advanced: protocol… 2025 only' }).waitFor({ state: 'visible' });
    });

    const view = connectionsView();
    const row = view
      .locator('.monaco-list-row', {
        hasText: /eras dual.*Streamable HTTP · connected · 2025-\d\d-\d\d \(2025 era\) · pinned 2025$/,
      })
      .first();
    await row.waitFor({ state: 'visible', timeout: 30000 });
    // The modern connection is unchanged beside it.
    await view
      .locator('.monaco-list-row', { hasText: /eras modern.*connected · 2026-07-28$/ })
      .waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eras-dual-2025-tree.png') });

    // The inspector: the 2025 badge with the pin, the Server tab's era and negotiation, and echo on 2025.
    await runCommand(page, 'MCP Lens: Open Inspector', { timeoutMs: 60000 });
    const frame = webview();
    const conn = await selectInInspector('eras dual');
    const badge = conn.locator('[data-role="era-badge"]');
    assert.match((await badge.innerText()).trim(), /^2025/);
    assert.equal(await badge.getAttribute('data-era'), 'legacy');
    assert.equal(await badge.getAttribute('data-pinned'), '2025');

    await frame.locator('[data-tab="server"]').click();
    const facts = frame.locator('[data-panel="server"] [data-role="server-facts"]', { hasText: 'eras-fixture-dual' });
    await facts.waitFor({ timeout: 10000 });
    const factsText = await facts.innerText();
    assert.match(factsText, /Protocol\s+2025-\d\d-\d\d/);
    assert.match(factsText, /Era\s+2025 \(initialize\)/);
    assert.match(factsText, /Negotiation\s+pinned to 2025: initialize negotiated 2025-\d\d-\d\d/);
    assert.match(factsText, /Protocol setting\s+Pinned to 2025/);
    assert.match(
      await frame.locator('[data-panel="server"] [data-role="discover"]').innerText(),
      /None: the 2025 era negotiates with initialize/,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eras-dual-2025-server-tab.png') });

    await frame.locator('[data-tab="tools"]').click();
    await frame.locator('[data-role="tool-list"] .item[data-name="echo"]').click({ timeout: 30000 });
    await frame
      .locator(`[data-path='["text"]'] textarea, [data-path='["text"]'] input`)
      .first()
      .fill('hello from 2025');
    await frame.locator('[data-action="run"]').click();
    await frame.locator('.tool-result', { hasText: 'echo: hello from 2025' }).waitFor({ timeout: 30000 });

    // On 2025 no Mcp-Method header goes out, so the Log tab has no header check for the call.
    await frame.locator('[data-tab="log"]').click();
    const call = frame.locator('[data-role="log-list"] .log-row.dir-out', { hasText: 'tools/call' }).last();
    await call.waitFor({ timeout: 10000 });
    await call.click();
    await frame.locator('[data-role="log-detail"] .json-tree').first().waitFor();
    assert.equal(await frame.locator('[data-role="log-detail"] [data-role="log-http"][data-check="ok"]').count(), 0);
  });
});
