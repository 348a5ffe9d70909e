/**
 * The Playground tab in the inspector webview (dist/webview.js in real Chromium against the harness
 * host, which plays the host's playground session with a model like test/fixtures/lmProvider's): the
 * model picker, the transcript, a tool call card with its arguments as a JSON tree and Approve/Deny,
 * its result, Stop, and hostile model and tool text staying text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { XSS, baseFixture, type HarnessFixture } from './webviewHarness/fixtures';
import { CHROMIUM_ARGS, REPO_ROOT, js, openHarnessPage, startHarness, type Harness } from './webviewHarness/server';

function playgroundFixture(): HarnessFixture {
  const f = baseFixture();
  f.languageModels = [
    { id: 'test-echo', name: 'Test Echo', vendor: 'mcp-lens-test', family: 'mcp-lens-test' },
    { id: 'copilot-claude', name: 'Claude Sonnet', vendor: 'copilot', family: 'claude-sonnet' },
  ];
  return f;
}

describe('inspector webview: the playground tab (harness, Chromium)', function () {
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
  const tab = (page: Page) => page.locator('[data-role="playground"]');
  async function openPlayground(page: Page): Promise<void> {
    await page.locator('[data-tab="playground"]').click();
    await page.waitForFunction(`document.querySelector('[data-role="playground-model"]').options.length === 2`);
  }
  async function send(page: Page, text: string): Promise<void> {
    await tab(page).locator('[data-role="playground-input"]').fill(text);
    await tab(page).locator('[data-action="playground-send"]').click();
  }
  const entries = (page: Page) => tab(page).locator('[data-role="playground-transcript"] .pg-entry');

  it('playground: picks a model, streams the answer, and a tool call waits for Approve, then shows its result', async () => {
    const o = await open(playgroundFixture());
    const { page } = o;
    await openPlayground(page);
    assert.deepEqual(await tab(page).locator('[data-role="playground-model"] option').allInnerTexts(), [
      'Test Echo (mcp-lens-test · mcp-lens-test)',
      'Claude Sonnet (copilot · claude-sonnet)',
    ]);
    await tab(page).locator('[data-role="playground-model"]').selectOption('test-echo');

    await send(page, 'hello there');
    await entries(page).filter({ hasText: 'Draft for: hello there' }).waitFor();
    assert.deepEqual(
      await entries(page).evaluateAll((els) =>
        els.map((e) => (e as unknown as { dataset: { kind: string } }).dataset.kind),
      ),
      ['user', 'assistant'],
    );
    assert.equal(await tab(page).locator('[data-role="playground-input"]').inputValue(), '', 'the input is cleared');

    await send(page, 'call echo with {"message":"hi","nested":{"n":1}}');
    const card = tab(page).locator('.pg-tool-call[data-state="pending"]');
    await card.waitFor();
    assert.equal(await card.locator('[data-role="tool-name"]').innerText(), 'echo');
    assert.equal(await card.locator('[data-role="call-state"]').innerText(), 'Waiting for your approval');
    const args = await card.locator('[data-role="call-args"] .json-tree').innerText();
    assert.match(args, /message: "hi"/);
    assert.match(args, /nested:/);
    assert.match(
      await tab(page).locator('[data-role="playground-status"]').innerText(),
      /A tool call waits for your approval/,
    );
    // Send is off while the turn runs; Stop is on.
    assert.equal(await tab(page).locator('[data-action="playground-send"]').getAttribute('disabled'), '');
    assert.equal(await tab(page).locator('[data-action="playground-stop"]').getAttribute('disabled'), null);

    await card.locator('[data-action="approve"]').click();
    const done = tab(page).locator('.pg-tool-call[data-state="done"]');
    await done.waitFor();
    assert.match(
      await done.locator('[data-role="call-result"]').innerText(),
      /Result:\s*\{"message":"hi","nested":\{"n":1\}\}/,
    );
    await entries(page).filter({ hasText: 'Tool echo said: {"message":"hi"' }).waitFor();
    const sent = await js<Array<{ connectionId: string; text: string; modelId?: string }>>(
      page,
      'window.__harness.playgroundSent',
    );
    assert.deepEqual(
      sent.map((s) => s.modelId),
      ['test-echo', 'test-echo'],
    );
    const decisions = await js<Array<{ approve: boolean }>>(page, 'window.__harness.playgroundDecisions');
    assert.deepEqual(
      decisions.map((d) => d.approve),
      [true],
    );
    await o.close();
  });

  it('playground: Deny tells the model, Stop ends a turn, a refused send says why', async () => {
    const o = await open(playgroundFixture());
    const { page } = o;
    await openPlayground(page);
    await send(page, 'call echo with {"message":"no"}');
    const card = tab(page).locator('.pg-tool-call[data-state="pending"]');
    await card.locator('[data-action="deny"]').click();
    const denied = tab(page).locator('.pg-tool-call[data-state="denied"]');
    await denied.waitFor();
    assert.match(await denied.locator('[data-role="call-state"]').innerText(), /Denied: not sent to the server/);
    assert.match(
      await denied.locator('[data-role="call-result"]').innerText(),
      /The model was told:\s*The user denied/,
    );

    await send(page, 'hold');
    await tab(page).locator('[data-role="playground-status"]', { hasText: 'The model is answering' }).waitFor();
    // Ctrl+Enter sends from the input; while a turn runs the host refuses, and the tab says why.
    await tab(page).locator('[data-role="playground-input"]').fill('too soon');
    await tab(page).locator('[data-role="playground-input"]').press('Control+Enter');
    await tab(page)
      .locator('[data-role="playground-status"]', {
        hasText: 'Could not send: The model is still answering the last message. Wait for it, or press Stop.',
      })
      .waitFor();
    assert.equal(
      await tab(page).locator('[data-role="playground-input"]').inputValue(),
      'too soon',
      'the text is kept',
    );
    await tab(page).locator('[data-action="playground-stop"]').click();
    await entries(page).filter({ hasText: 'Stopped.' }).waitFor();
    assert.equal(await tab(page).locator('[data-action="playground-send"]').getAttribute('disabled'), null);

    await tab(page).locator('[data-action="playground-clear"]').click();
    await tab(page).locator('[data-role="playground-transcript"]', { hasText: 'No messages yet.' }).waitFor();

    // A disconnected connection has its own (empty) transcript and says its tools are not offered.
    assert.equal(await tab(page).locator('[data-role="playground-offline"]').isVisible(), false);
    await page.locator('.conn[data-id="c-stdio"]').click();
    await tab(page).locator('[data-role="playground-offline"]').waitFor();
    assert.match(await tab(page).locator('[data-role="playground-offline"]').innerText(), /Not connected/);
    assert.equal(await tab(page).locator('[data-role="playground-transcript"]').innerText(), 'No messages yet.');
    await o.close();
  });

  it('playground: model and tool text is shown as text, never markup', async () => {
    const f = playgroundFixture();
    f.tools.echo = { result: { content: [{ type: 'text', text: XSS.img }] } };
    const o = await open(f);
    const { page } = o;
    await openPlayground(page);
    await send(page, `${XSS.script} call echo with {"message":${JSON.stringify(XSS.svg)}}`);
    await tab(page).locator('.pg-tool-call[data-state="pending"] [data-action="approve"]').click();
    await tab(page).locator('.pg-tool-call[data-state="done"]').waitFor();
    assert.ok((await tab(page).innerText()).includes(XSS.script), 'the message is shown as typed');
    const verdict = await js<{ pwned?: number; inserted: string[]; imgX: number; scripts: number; svg: number }>(
      page,
      'window.__harness.verdict()',
    );
    assert.equal(verdict.pwned, undefined);
    assert.deepEqual(verdict.inserted, []);
    assert.equal(verdict.imgX, 0);
    assert.equal(verdict.svg, 0);
    await o.close();
  });
});
