/* global describe, it, before, after, afterEach -- mocha globals */
// End to end in code-server (real VS Code): a pre-configured stdio server-everything connects on
// start; "MCP Lens: Open Inspector" opens the webview panel, and, as a user would, we fill the
// forms of server-everything's tools (enum dropdowns, a boolean, numbers, free text), run them and
// see the results (an image, structured content checked against its output schema), read a
// resource and get a prompt, all through the real extension host and the real engine.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EXTENSION_ID,
  ROOT,
  TEST_OUTPUT_DIR,
  launchChromium,
  openWorkbench,
  runCommand,
  startCodeServer,
} from '../../scripts/codeServer.mjs';

const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
const EVERYTHING = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
// server-everything has no tool with a nested object or an array: this fixture has one.
const FORMS_FIXTURE = path.join(ROOT, 'test/fixtures/formsStdioServer.ts');

describe('e2e: the inspector panel in code-server', function () {
  this.timeout(240000);
  let server;
  let browser;
  let page;
  const workspace = path.join(TEST_OUTPUT_DIR, 'e2e-inspector-workspace');

  before(async () => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startCodeServer({
      workspace,
      extensionDevelopmentPath: ROOT,
      // stdio only: nothing listens on a network interface.
      userSettings: {
        'mcpLens.connections': [
          { name: 'everything', transport: 'stdio', command: 'node', args: [EVERYTHING, 'stdio'] },
          { name: 'orders', transport: 'stdio', command: 'node', args: ['--import', 'tsx', FORMS_FIXTURE], cwd: ROOT },
        ],
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath: ROOT });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page
        .screenshot({ path: path.join(SCREENSHOTS, 'inspector-code-server-failure.png') })
        .catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  const webview = () =>
    page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');

  async function choose(frame, pathSegs, text) {
    const dd = frame.locator(`vscode-dropdown[data-path='${JSON.stringify(pathSegs)}']`);
    await dd.click();
    await dd.locator('vscode-option', { hasText: text }).click();
  }

  it('opens from the command palette and shows the connection live', async () => {
    await runCommand(page, 'MCP Lens: Open Inspector', { timeoutMs: 60000 });
    const frame = webview();
    await frame.locator('.conn[data-id="settings:everything"]').waitFor({ timeout: 60000 });
    await frame.locator('.conn[data-id="settings:everything"]', { hasText: 'Connected' }).waitFor({ timeout: 60000 });
    await frame.locator('[data-role="tool-list"] .item[data-name="echo"]').waitFor({ timeout: 30000 });
    assert.match(
      (await frame.locator('[data-role="main-header"]').textContent()) ?? '',
      /everything[\s\S]*Connected[\s\S]*node .*index\.js stdio/,
    );
  });

  it('fills and runs tool forms: free text, numbers, an enum and a boolean', async () => {
    const frame = webview();
    await frame.locator('[data-role="tool-list"] .item[data-name="echo"]').click();
    // "message" reads as free text, so it is a multi-line box.
    await frame.locator(`[data-path='["message"]'] textarea`).fill('hello from the inspector');
    await frame.locator('[data-action="run"]').click();
    await frame.locator('.tool-result', { hasText: 'Echo: hello from the inspector' }).waitFor({ timeout: 30000 });

    await frame.locator('[data-role="tool-list"] .item[data-name="get-sum"]').click();
    await frame.locator(`[data-path='["a"]'] input`).fill('2.5');
    await frame.locator(`[data-path='["b"]'] input`).fill('4');
    await frame.locator('[data-action="run"]').click();
    await frame.locator('.tool-result', { hasText: '6.5' }).waitFor({ timeout: 30000 });

    await frame.locator('[data-role="tool-list"] .item[data-name="get-annotated-message"]').click();
    await choose(frame, ['messageType'], 'success');
    await frame.locator(`vscode-checkbox[data-path='["includeImage"]']`).click();
    await frame.locator('[data-action="run"]').click();
    const result = frame.locator('.tool-result');
    await result.locator('img.result-image').waitFor({ timeout: 30000 });
    assert.match((await result.locator('img.result-image').getAttribute('src')) ?? '', /^data:image\/png;base64,/);

    await frame.locator('[data-role="tool-list"] .item[data-name="get-structured-content"]').click();
    await choose(frame, ['location'], 'Chicago');
    await frame.locator('[data-action="run"]').click();
    await frame.locator('[data-schema-check="valid"]').waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspector-code-server-tools.png') });
  });

  it('fills a nested object, an array of objects, an array of strings and an enum, and sends exactly that', async () => {
    const frame = webview();
    await frame.locator('.conn[data-id="settings:orders"]', { hasText: 'Connected' }).click({ timeout: 60000 });
    await frame.locator('[data-role="tool-list"] .item[data-name="create_order"]').click({ timeout: 60000 });
    const input = (segs) =>
      frame
        .locator(`[data-path='${JSON.stringify(segs)}'] input, [data-path='${JSON.stringify(segs)}'] textarea`)
        .first();
    await input(['customer', 'name']).fill('Ada Lovelace');
    await input(['customer', 'address', 'city']).fill('London');
    await input(['customer', 'address', 'zip']).fill('123');
    // Inline validation on the nested field: the schema's pattern is five digits.
    await frame
      .locator(`[data-path='${JSON.stringify(['customer', 'address', 'zip'])}'] .field-error`)
      .waitFor({ timeout: 10000 });
    await input(['customer', 'address', 'zip']).fill('12345');
    const addItem = frame.locator(`[data-path='["items"]'] [data-action="add-item"]`).first();
    // minItems: 1, so the form starts with one line item to fill.
    assert.ok(
      (await frame.locator(`[data-path='${JSON.stringify(['items', 0, 'sku'])}']`).count()) > 0,
      'one item to start with',
    );
    assert.equal(await frame.locator(`[data-path='${JSON.stringify(['items', 1, 'sku'])}']`).count(), 0, 'only one');
    await input(['items', 0, 'sku']).fill('PEN-1');
    await input(['items', 0, 'quantity']).fill('3');
    await addItem.click();
    await input(['items', 1, 'sku']).fill('INK-2');
    await input(['items', 1, 'quantity']).fill('1');
    const addTag = frame.locator(`[data-path='["tags"]'] [data-action="add-item"]`).first();
    await addTag.click();
    await input(['tags', 0]).fill('gift');
    await choose(frame, ['priority'], 'urgent');
    await frame.locator('[data-action="run"]').click();
    const result = frame.locator('.tool-result', { hasText: 'Order received' });
    await result.waitFor({ timeout: 30000 });
    const sent = JSON.parse(/Order received: (\{.*\})/.exec((await result.textContent()) ?? '')?.[1] ?? 'null');
    assert.deepEqual(sent, {
      customer: { name: 'Ada Lovelace', address: { city: 'London', zip: '12345' } },
      items: [
        { sku: 'PEN-1', quantity: 3 },
        { sku: 'INK-2', quantity: 1 },
      ],
      tags: ['gift'],
      priority: 'urgent',
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspector-code-server-nested-form.png') });
    await frame.locator('.conn[data-id="settings:everything"]').click();
  });

  it('reads a resource and gets a prompt', async () => {
    const frame = webview();
    await frame.locator('[data-tab="resources"]').click();
    await frame.locator('[data-role="resource-list"] .item').first().click();
    await frame.locator('[data-role="resource-detail"] [data-action="read"]').click();
    await frame.locator('[data-role="resource-detail"] .resource-contents').waitFor({ timeout: 30000 });

    await frame.locator('[data-tab="prompts"]').click();
    await frame.locator('[data-role="prompt-list"] .item[data-name="args-prompt"]').click();
    await frame.locator('vscode-text-field[data-arg="city"] input').fill('Paris');
    await frame.locator('[data-action="get"]').click();
    await frame.locator('.prompt-messages', { hasText: 'Paris' }).waitFor({ timeout: 30000 });

    await frame.locator('[data-tab="history"]').click();
    const history = (await frame.locator('[data-role="history-list"]').textContent()) ?? '';
    for (const name of ['echo', 'get-sum', 'get-annotated-message', 'get-structured-content', 'args-prompt']) {
      assert.ok(history.includes(name), `${name} in history: ${history}`);
    }
    await frame.locator('[data-tab="log"]').click();
    await frame.locator('[data-role="log-list"] .log-row').first().waitFor({ timeout: 10000 });
    assert.ok(
      (await frame.locator('[data-role="log-list"] .log-row').count()) >= 10,
      'the trace of this session is listed',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspector-code-server-log.png') });
  });
});
