/* global describe, it, before, after, afterEach -- mocha globals */
// End to end in code-server (real VS Code): a workspace with a `.vscode/mcp.json` (VS Code's own format,
// with comments, `${workspaceFolder}` and a password `${input:…}`). The MCP Lens view shows its server under
// "VS Code MCP servers"; one click asks for the input in a masked box, connects, and opens the inspector on
// it. The secret reaches the server's environment and lands nowhere in the user data folder or the file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EXTENSION_ID,
  ROOT,
  TEST_OUTPUT_DIR,
  launchChromium,
  openWorkbench,
  startCodeServer,
} from '../../scripts/codeServer.mjs';
import { searchForSecrets } from './leakSearch.mjs';

const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
const EVERYTHING = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** Linux: ids of the processes whose environment holds `NAME=value`. */
function pidsWithEnv(name, value) {
  const needle = `${name}=${value}`;
  return fs.readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      return fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle);
    } catch {
      return false;
    }
  });
}

describe("e2e: VS Code's own MCP servers (a workspace with an mcp.json)", function () {
  this.timeout(240000);
  let server;
  let browser;
  let page;
  const workspace = path.join(TEST_OUTPUT_DIR, 'e2e-vscode-mcp-workspace');
  const mcpJson = path.join(workspace, '.vscode', 'mcp.json');
  const secret = `e2e_input_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 12)}`;
  let original = '';

  before(async () => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(mcpJson), { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    original = [
      '// The servers VS Code starts for this folder',
      '{',
      '  "inputs": [',
      '    { "type": "promptString", "id": "demo-token", "description": "Demo token", "password": true },',
      '  ],',
      '  "servers": {',
      '    "everything": {',
      '      "type": "stdio",',
      '      "command": "node",',
      `      "args": [${JSON.stringify(EVERYTHING)}, "stdio"],`,
      '      "cwd": "${workspaceFolder}",',
      '      "env": { "DEMO_TOKEN": "${input:demo-token}" },',
      '    },',
      '  },',
      '}',
      '',
    ].join('\n');
    fs.writeFileSync(mcpJson, original);
    server = await startCodeServer({ workspace, extensionDevelopmentPath: ROOT });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath: ROOT });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'vscode-mcp-failure.png') }).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  const webview = () =>
    page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');

  it('shows the mcp.json server in its own group and inspects it in one click, asking the input masked', async () => {
    await page.locator('.activitybar .action-item [aria-label^="MCP Lens"]').first().click();
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
    const rows = view.locator('.monaco-list-row');
    await rows.filter({ hasText: 'VS Code MCP servers' }).first().waitFor({ state: 'visible', timeout: 60000 });
    const serverRow = rows.filter({ hasText: /^everything/ }).first();
    await serverRow.waitFor({ state: 'visible' });
    assert.match((await serverRow.textContent()) ?? '', /stdio · workspace mcp\.json/);

    await serverRow.click();
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Demo token' }).waitFor({ state: 'visible', timeout: 30000 });
    assert.equal(await box.getAttribute('type'), 'password', 'the password input is masked');
    await box.fill(secret);
    await page.keyboard.press('Enter');

    // Connected, under the group, and the inspector shows it.
    await rows
      .filter({ hasText: /^everything/ })
      .filter({ hasText: 'stdio · connected' })
      .first()
      .waitFor({ state: 'visible', timeout: 60000 });
    // Opened, it is a connection like any other: expanded, with its groups.
    await rows
      .filter({ hasText: /^Tools \(\d+\)/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    const frame = webview();
    await frame.locator('[data-role="main-header"]', { hasText: 'everything' }).waitFor({ timeout: 60000 });
    await frame.locator('[data-role="tool-list"] .item[data-name="echo"]').waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'vscode-mcp.png') });

    const pids = pidsWithEnv('DEMO_TOKEN', secret);
    assert.ok(pids.length > 0, 'the input value reached the server environment');
    assert.equal(fs.realpathSync(`/proc/${pids[0]}/cwd`), fs.realpathSync(workspace), '${workspaceFolder} is the cwd');
  });

  it('keeps the input value out of the file and the user data folder', () => {
    assert.equal(fs.readFileSync(mcpJson, 'utf8'), original, 'mcp.json is untouched');
    const { hits, files } = searchForSecrets([server.userDataDir, workspace], [secret]);
    assert.ok(files > 0);
    assert.deepEqual(hits, [], 'no input value on disk');
  });
});
