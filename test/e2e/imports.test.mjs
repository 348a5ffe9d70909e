/* global describe, it, before, after, afterEach -- mocha globals */
// End to end, as a user moving over from Claude Code: in code-server driven by Chromium, run
// "MCP Lens: Import MCP Servers…" from the command palette, pick the project's .mcp.json (the sample config
// in test/fixtures/imports, copied unchanged) in the file dialog, check the preview (what will be added, the
// invalid entry counted as skipped, the secret header named but its value not shown), leave the two remote
// servers out, save to the workspace, and connect the imported server-everything
// (`npx -y @modelcontextprotocol/server-everything`). A registry server.json copied to the clipboard is previewed
// the same way ("From the clipboard"). Then "MCP Lens: Export Connection…" writes the imported server back as
// Cursor JSON in a new document, and "Export Session Trace…" saves its session through the save dialog, which
// "MCP Lens: Open Session Trace…" opens back as a read-only timeline.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ROOT,
  TEST_OUTPUT_DIR,
  launchChromium,
  openWorkbench,
  runCommand,
  startCodeServer,
} from '../../scripts/codeServer.mjs';

const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
const SAMPLE = path.join(ROOT, 'test/fixtures/imports/claude-code.mcp.json');

describe('e2e: Import MCP Servers from a Claude Code .mcp.json, export it and its session trace', function () {
  this.timeout(240000);
  let server;
  let browser;
  let page;
  // The imported stdio server runs `npx -y @modelcontextprotocol/server-everything` with no working directory
  // of its own, so from the extension host's, which code-server inherits from this test (the repo): npx finds
  // the package in this repo's node_modules and downloads nothing.
  const workspace = path.join(TEST_OUTPUT_DIR, 'e2e-imports-workspace');
  const configFile = path.join(workspace, '.mcp.json');

  before(async () => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.copyFileSync(SAMPLE, configFile);
    server = await startCodeServer({ workspace, extensionDevelopmentPath: ROOT });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath: ROOT });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'imports-failure.png') }).catch(() => undefined);
      const html = await page.content().catch(() => '');
      fs.writeFileSync(path.join(SCREENSHOTS, 'imports-failure.html'), html);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  const quickInput = () => page.locator('.quick-input-widget');
  const quickInputBox = () => page.locator('.quick-input-widget .quick-input-box input');
  const quickRows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const view = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });

  /** Whether a multi-select quick pick row is checked (a native checkbox or, in newer workbenches, a toggle). */
  async function isChecked(row) {
    return row.evaluate((el) => {
      const box = el.querySelector('input[type=checkbox], [role=checkbox]');
      if (!box) throw new Error('the row has no checkbox');
      return box.tagName === 'INPUT' ? box.checked : box.getAttribute('aria-checked') === 'true';
    });
  }

  async function pickRow(text) {
    const row = quickRows().filter({ hasText: text }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /**
   * Types `file` into code-server's simple file dialog (a quick input that takes a path) and presses Enter,
   * until `done` shows. The dialog lists its folder first and then types that folder into the box, which
   * overwrites a path typed before: so wait for the listing, and type again if the dialog is still asking.
   */
  async function answerFileDialog(title, file, done) {
    const dialogTitle = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
    await dialogTitle.waitFor({ state: 'visible', timeout: 20000 });
    await quickRows().first().waitFor({ state: 'visible', timeout: 20000 });
    for (let attempt = 0; ; attempt++) {
      await quickInputBox().fill(file);
      // The dialog completes what is typed as it goes: wait until the box holds exactly the path.
      for (const deadline = Date.now() + 10000; (await quickInputBox().inputValue()) !== file;) {
        assert.ok(Date.now() < deadline, `the file dialog shows ${await quickInputBox().inputValue()}`);
        await page.waitForTimeout(100);
      }
      await page.keyboard.press('Enter');
      const finished = await done()
        .then(() => true)
        .catch(() => false);
      if (finished) return;
      assert.ok(attempt < 3 && (await dialogTitle.isVisible()), `the file dialog "${title}" did not take ${file}`);
    }
  }

  it('previews the sample .mcp.json, adds the checked entries and the imported stdio server connects', async () => {
    await page.locator('.activitybar .action-item [aria-label^="MCP Lens"]').first().click();
    await runCommand(page, 'MCP Lens: Import MCP Servers…');
    await pickRow('From a file…');
    const previewTitle = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Import from Claude Code' });
    await answerFileDialog('MCP server config to import', configFile, () =>
      previewTitle.waitFor({ state: 'visible', timeout: 5000 }),
    );

    // The preview: the three importable entries checked, the invalid one counted, the secret header named.
    // The count is in the input's placeholder (an attribute, not text).
    const placeholder = String(await quickInputBox().getAttribute('placeholder'));
    assert.match(placeholder, /^3 server\(s\) in .*\.mcp\.json · 1 skipped/);
    const rowOf = (name) =>
      quickRows()
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) })
        .first();
    await rowOf('everything').waitFor({ state: 'visible' });
    assert.match(await rowOf('everything').innerText(), /npx -y @modelcontextprotocol\/server-everything/);
    assert.match(await rowOf('sentry').innerText(), /https:\/\/mcp\.sentry\.dev\/mcp/);
    assert.match(await rowOf('asana').innerText(), /secret: X-API-Key/);
    assert.equal(await rowOf('bad-args').count(), 0, 'the entry with invalid args is not offered');
    assert.ok(!(await quickInput().innerText()).includes('asana-fixture-secret'), 'the secret value is not shown');
    // Everything is checked to begin with.
    for (const name of ['everything', 'sentry', 'asana']) {
      assert.equal(await isChecked(rowOf(name)), true, `${name} starts checked`);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'imports-preview.png') });
    // Leave the two remote servers out (clicking a row toggles its checkbox).
    for (const name of ['sentry', 'asana']) {
      await rowOf(name).click();
      assert.equal(await isChecked(rowOf(name)), false, `${name} unchecked`);
    }
    await page.keyboard.press('Enter');

    await page
      .locator(
        '.quick-input-widget .quick-input-box input[placeholder="Where should the imported connections be saved?"]',
      )
      .waitFor({ state: 'visible' });
    await pickRow('Workspace');
    await quickInput().waitFor({ state: 'hidden' });

    const row = view()
      .locator('.monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: /^everything$/ }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: 30000 });
    for (const left of ['sentry', 'asana']) {
      assert.equal(
        await view().locator('.monaco-list-row', { hasText: left }).count(),
        0,
        `the unchecked ${left} is not added`,
      );
    }
    await row.hover();
    await row.locator('[aria-label^="Connect"]').first().click();
    await view()
      .locator('.monaco-list-row', { hasText: 'stdio · connected' })
      .waitFor({ state: 'visible', timeout: 60000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
    await view()
      .locator('.monaco-list-row')
      .filter({ hasText: /^Tools \(\d+\)/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'imports-connected.png') });
  });

  it('previews a registry server.json pasted from the clipboard', async () => {
    // The workbench reads the clipboard through the browser: let the page use it, and copy the sample there.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const sample = fs.readFileSync(path.join(ROOT, 'test/fixtures/imports/server.json'), 'utf8');
    await page.evaluate((text) => navigator.clipboard.writeText(text), sample);
    await runCommand(page, 'MCP Lens: Import MCP Servers…');
    await pickRow('From the clipboard');
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Import from MCP registry server.json' })
      .waitFor({ state: 'visible', timeout: 20000 });
    const placeholder = String(await quickInputBox().getAttribute('placeholder'));
    // npm, PyPI, OCI and the remote; the NuGet package, the templated HTTP package and the unknown remote type are skipped.
    assert.match(placeholder, /^4 server\(s\) in the clipboard · 3 skipped/);
    const rows = await quickRows().allInnerTexts();
    const text = rows.join('\n');
    // The npm package runs through npx at its version, the remote is an HTTP connection with its secret header.
    assert.match(text, /npx -y @example\/weather-mcp@1\.2\.0/);
    assert.match(text, /https:\/\/weather\.example\.com\/mcp · secret: Authorization/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'imports-clipboard-preview.png') });
    // Leave without adding anything.
    await page.keyboard.press('Escape');
    await quickInput().waitFor({ state: 'hidden' });
    assert.equal(
      await view().locator('.monaco-list-row', { hasText: 'weather' }).count(),
      0,
      'nothing is added when the preview is dismissed',
    );
  });

  it('exports the imported connection as Cursor JSON in a new document', async () => {
    // From the connection's context menu (VS Code renders it in an open shadow root, which locators pierce).
    const row = view()
      .locator('.monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: /^everything$/ }) })
      .first();
    await row.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Export Connection…' }).first();
    await item.waitFor({ state: 'visible' });
    // The menu ignores a click that lands right after it opens (it guards against the right click's own
    // mouse-up): click again while the menu is still there and the export's quick pick is not.
    for (let attempt = 0; ; attempt++) {
      if (await item.isVisible()) await item.click().catch(() => undefined);
      const asked = await quickInput()
        .waitFor({ state: 'visible', timeout: 2000 })
        .then(() => true)
        .catch(() => false);
      if (asked) break;
      assert.ok(attempt < 5, 'Export Connection… from the context menu did not open its quick pick');
    }
    await pickRow('Cursor');
    await pickRow('New JSON document');
    const editorText = page.locator('.editor-instance .monaco-editor .view-lines').first();
    // Monaco renders spaces as no-break spaces.
    await page.waitForFunction(
      (el) => {
        const text = el?.textContent?.replace(/\u00a0/g, ' ') ?? '';
        return text.includes('"everything": {') && text.includes('"@modelcontextprotocol/server-everything"');
      },
      await editorText.elementHandle(),
      { timeout: 15000 },
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'imports-export.png') });
  });

  it('exports the session trace from the context menu and opens it back as a timeline', async () => {
    const sessionFile = path.join(workspace, 'session.json');
    const row = view()
      .locator('.monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: /^everything$/ }) })
      .first();
    await row.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Export Session Trace…' }).first();
    await item.waitFor({ state: 'visible' });
    // As above: a click right after the menu opens may be ignored.
    for (let attempt = 0; ; attempt++) {
      if (await item.isVisible()) await item.click().catch(() => undefined);
      const asked = await quickInput()
        .waitFor({ state: 'visible', timeout: 2000 })
        .then(() => true)
        .catch(() => false);
      if (asked) break;
      assert.ok(attempt < 5, 'Export Session Trace… from the context menu did not open the save dialog');
    }
    await answerFileDialog('Export the session trace of everything', sessionFile, async () => {
      for (const deadline = Date.now() + 5000; !fs.existsSync(sessionFile);) {
        if (Date.now() > deadline) throw new Error('not written');
        await page.waitForTimeout(100);
      }
    });
    await page.waitForTimeout(300); // the write completes after the file appears
    const trace = JSON.parse(fs.readFileSync(sessionFile, 'utf8'));
    assert.equal(trace.log._mcpLens.connection.name, 'everything');
    assert.ok(
      trace.log.entries.some((e) => e._method === 'tools/list' && e.response),
      'the tools/list exchange is in the session',
    );

    await runCommand(page, 'MCP Lens: Open Session Trace…');
    const editorText = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await answerFileDialog('MCP Lens session trace to open', sessionFile, () =>
      page.locator('.tab', { hasText: /session-everything-\d+\.txt/ }).waitFor({ state: 'visible', timeout: 5000 }),
    );
    await page.waitForFunction(
      (el) => {
        const text = el?.textContent?.replace(/\u00a0/g, ' ') ?? '';
        return text.includes('MCP Lens session trace (recorded, read-only) — everything');
      },
      await editorText.elementHandle(),
      { timeout: 15000 },
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'imports-session-trace.png') });
  });
});
