/* global describe, it, before, after, afterEach -- mocha globals */
// End to end, as a new user: in code-server (real VS Code) driven by Debian's Chromium, run
// "MCP Lens: Add MCP Connection" from the command palette, fill in every step of the wizard for a
// stdio server-everything, and check that the Connections view shows the server and, under Tools, `echo`.
// Then reload the window and check that the saved connection comes back (workspace state survives).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ROOT,
  TEST_OUTPUT_DIR,
  findFiles,
  launchChromium,
  openWorkbench,
  runCommand,
  startCodeServer,
} from '../../scripts/codeServer.mjs';

const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
const EVERYTHING = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

describe('e2e: Add MCP Connection from the command palette', function () {
  this.timeout(240000);
  let server;
  let browser;
  let page;
  const workspace = path.join(TEST_OUTPUT_DIR, 'e2e-add-connection-workspace');

  before(async () => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    // A fresh user-data-dir per run (startCodeServer makes one). The extension loads from the repo, or,
    // with MCP_LENS_E2E_VSIX=path/to/mcp-lens.vsix, is installed from the package as a user would.
    const vsixPath = process.env.MCP_LENS_E2E_VSIX ? path.resolve(process.env.MCP_LENS_E2E_VSIX) : undefined;
    const extension = vsixPath ? {} : { extensionDevelopmentPath: ROOT };
    server = await startCodeServer({ workspace, vsixPath, ...extension });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace, extension);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'add-connection-failure.png') }).catch(() => undefined);
      const html = await page.content().catch(() => '');
      fs.writeFileSync(path.join(SCREENSHOTS, 'add-connection-failure.html'), html);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  const quickInput = () => page.locator('.quick-input-widget');
  const quickInputBox = () => page.locator('.quick-input-widget .quick-input-box input');
  const quickRows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

  /** Waits for a wizard step: the title and the "n/total" counter VS Code renders for `step`/`totalSteps`. */
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

  it('adds a stdio server through the wizard and shows its tools in the Connections view', async () => {
    // A new user opens the MCP Lens view first: it is empty and offers to add a connection.
    await page.locator('.activitybar .action-item [aria-label^="MCP Lens"]').first().click();
    await page
      .locator('.welcome-view-content .monaco-button', { hasText: 'Add MCP Connection' })
      .waitFor({ state: 'visible', timeout: 30000 });

    // The command palette (F1), as a user would open it.
    await runCommand(page, 'MCP Lens: Add MCP Connection');

    // 1/5 transport
    await waitForStep(1, 5);
    await pickRow('stdio');

    // 2/5 command line: a broken one is refused inline with the reason, then the real one.
    await waitForStep(2, 5);
    await quickInputBox().fill('node "unterminated');
    await page
      .locator('.quick-input-widget .quick-input-message', { hasText: 'Unterminated double quote.' })
      .waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await waitForStep(2, 5); // Enter did not move on
    await quickInputBox().fill(`node ${EVERYTHING} stdio`);
    await page.keyboard.press('Enter');

    // 3/5 name. Back first: step 2 comes back with the command line kept, then on again.
    await waitForStep(3, 5);
    await page.locator('.quick-input-widget [aria-label^="Back"]').first().click();
    await waitForStep(2, 5);
    assert.equal(await quickInputBox().inputValue(), `node ${EVERYTHING} stdio`);
    await page.keyboard.press('Enter');
    await waitForStep(3, 5);
    // An empty name is refused inline; then keep the suggested default.
    const suggested = await quickInputBox().inputValue();
    await quickInputBox().fill('   ');
    await page
      .locator('.quick-input-widget .quick-input-message', { hasText: 'Enter a name for the connection.' })
      .waitFor({ state: 'visible' });
    await quickInputBox().fill(suggested);
    assert.ok(suggested.trim().length > 0, 'a default name is suggested');
    await page.keyboard.press('Enter');

    // 4/5 environment: none, Done.
    await waitForStep(4, 5);
    await pickRow('Done');

    // 5/5 scope: this workspace.
    await waitForStep(5, 5);
    await pickRow('Workspace');
    await quickInput().waitFor({ state: 'hidden' });

    // The view opens on the new connection; it connects and lists its groups.
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
    const tree = view.locator('.monaco-list-row');
    const connectionRow = tree.filter({ hasText: suggested }).first();
    await connectionRow.waitFor({ state: 'visible', timeout: 30000 });
    await view
      .locator('.monaco-list-row', { hasText: 'stdio · connected' })
      .waitFor({ state: 'visible', timeout: 30000 });
    // Expanded by default once connected; a user would click it open otherwise.
    if ((await connectionRow.getAttribute('aria-expanded')) === 'false') await connectionRow.click();
    const toolsRow = tree.filter({ hasText: /^Tools \(\d+\)/ }).first();
    await toolsRow.waitFor({ state: 'visible', timeout: 30000 });
    await toolsRow.click();
    const echoRow = tree.filter({ hasText: /^echo/ }).first();
    await echoRow.waitFor({ state: 'visible', timeout: 15000 });
    await echoRow.hover();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'add-connection.png') });
    assert.ok(fs.statSync(path.join(SCREENSHOTS, 'add-connection.png')).size > 10000);
  });

  it('calls echo from its inline action, asking for the message, and shows the result as JSON', async () => {
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
    const echoRow = view.locator('.monaco-list-row').filter({ hasText: /^echo/ }).first();
    await echoRow.hover();
    await echoRow.locator('[aria-label^="Call Tool"]').click();
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Call Tool: echo' })
      .waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget', { hasText: 'message (string, required)' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await page
      .locator('.quick-input-widget .quick-input-message', { hasText: 'message is required.' })
      .waitFor({ state: 'visible' });
    await quickInputBox().fill('hello from e2e');
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: /tool-echo-\d+\.json/ }).waitFor({ state: 'visible', timeout: 30000 });
    const editorText = page.locator('.editor-instance .monaco-editor .view-lines').first();
    // Monaco renders spaces as no-break spaces.
    await page.waitForFunction(
      (el) => el?.textContent?.replace(/\u00a0/g, ' ').includes('"text": "Echo: hello from e2e"'),
      await editorText.elementHandle(),
      {
        timeout: 15000,
      },
    );
    await page
      .locator('.statusbar-item', { hasText: /^\{ \} JSON$|^JSON$/ })
      .first()
      .waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'call-tool-result.png') });
  });

  it('cancels a long-running tool call from the progress notification', async () => {
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
    const row = view
      .locator('.monaco-list-row')
      .filter({ hasText: /^trigger-long-running-operation/ })
      .first();
    await row.hover();
    await row.locator('[aria-label^="Call Tool"]').click();
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Call Tool: trigger-long-running-operation' })
      .waitFor({ state: 'visible' });
    // duration and steps: a 30 s operation in 30 steps, long enough to cancel in the middle.
    await page.locator('.quick-input-widget', { hasText: 'duration (number' }).waitFor({ state: 'visible' });
    await quickInputBox().fill('30');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'steps (number' }).waitFor({ state: 'visible' });
    await quickInputBox().fill('30');
    await page.keyboard.press('Enter');
    // code-server runs with the smoke-test driver, which never shows toasts: the notification center
    // lists the same notifications, with the same buttons.
    await runCommand(page, 'Notifications: Show Notifications');
    const center = page.locator('.notifications-center');
    const item = center.locator('.monaco-list-row', { hasText: 'calling trigger-long-running-operation' });
    // Progress notifications from the server reach the notification ("1/30", "2/30", …).
    await item.filter({ hasText: /\b\d+\/30\b/ }).waitFor({ state: 'visible', timeout: 15000 });
    await item.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await center
      .locator('.monaco-list-row', { hasText: 'The call of trigger-long-running-operation was cancelled.' })
      .waitFor({ state: 'visible', timeout: 10000 });
    await page.keyboard.press('Escape');
    // The cancel reached the server as notifications/cancelled (MCP spec, cancellation): the MCP Lens log
    // channel carries the protocol trace.
    const deadline = Date.now() + 10000;
    const logText = () =>
      findFiles(server.userDataDir, /^MCP Lens\.log$/)
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n');
    while (!/→ notification notifications\/cancelled/.test(logText())) {
      assert.ok(Date.now() < deadline, 'no notifications/cancelled in the MCP Lens log');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The connection stays usable.
    await view.locator('.monaco-list-row', { hasText: 'stdio · connected' }).waitFor({ state: 'visible' });
  });

  it('keeps the connection across a window reload', async () => {
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForLoadState('domcontentloaded');
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60000 });
    // The MCP Lens container was the visible one before the reload, so it is restored with its view.
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
    await view
      .locator('.monaco-list-row', { hasText: 'stdio · connected' })
      .waitFor({ state: 'visible', timeout: 60000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'add-connection-after-reload.png') });
  });
});
