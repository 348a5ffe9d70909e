/* global describe, it, before, after, afterEach -- mocha globals */
// End to end in code-server (real VS Code): server-everything's own tools that ask something of the
// client. MCP Lens declares elicitation, sampling and roots, so the server lists the tools it hides
// from clients that declare none; each question lands in the inspector's Requests tab, where we answer
// it as a user would, and the tool's result shows that the server received exactly that answer. The
// roots are the workspace folder; the research tool, which requires task execution, runs as a task and
// asks a clarifying question through the same queue. A URL elicitation shows its origin and is declined:
// nothing is opened without consent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
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

describe('e2e: answering server-everything’s questions from the inspector in code-server', function () {
  this.timeout(240000);
  let server;
  let browser;
  let page;
  const workspace = path.join(TEST_OUTPUT_DIR, 'e2e-answer-workspace');

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
        ],
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath: ROOT });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'answer-failure.png') }).catch(() => undefined);
      // What the tools tab and the protocol log showed, for the report.
      for (const tab of ['tools', 'log']) {
        await webview()
          .locator(`[data-tab="${tab}"]`)
          .click({ timeout: 5000 })
          .catch(() => undefined);
        await page.screenshot({ path: path.join(SCREENSHOTS, `answer-failure-${tab}.png`) }).catch(() => undefined);
      }
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  const webview = () =>
    page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');
  const field = (frame, scope, segs) =>
    frame
      .locator(
        `${scope} [data-path='${JSON.stringify(segs)}'] input, ${scope} [data-path='${JSON.stringify(segs)}'] textarea`,
      )
      .first();

  async function openTool(name) {
    const frame = webview();
    await frame.locator('[data-tab="tools"]').click();
    await frame.locator(`[data-role="tool-list"] .item[data-name="${name}"]`).click({ timeout: 30000 });
    return frame;
  }

  /** The pending request card in the Requests tab whose message matches. */
  async function pendingRequest(frame, hasText) {
    await frame.locator('[data-tab="requests"]').click();
    const card = frame.locator('[data-role="pending-requests"] .request-card', { hasText }).first();
    await card.waitFor({ timeout: 30000 });
    return card;
  }

  it('declares the client capabilities: server-everything lists its elicitation, sampling, roots and task tools', async () => {
    await runCommand(page, 'MCP Lens: Open Inspector', { timeoutMs: 60000 });
    const frame = webview();
    await frame.locator('.conn[data-id="settings:everything"]', { hasText: 'Connected' }).waitFor({ timeout: 60000 });
    for (const name of [
      'trigger-elicitation-request',
      'trigger-url-elicitation',
      'trigger-sampling-request',
      'get-roots-list',
      'simulate-research-query',
    ]) {
      await frame.locator(`[data-role="tool-list"] .item[data-name="${name}"]`).waitFor({ timeout: 30000 });
    }
  });

  it('elicitation: the form generated from the requested schema, defaults filled in, accepted with what we typed', async () => {
    const frame = await openTool('trigger-elicitation-request');
    await frame.locator('[data-action="run"]').click();
    const card = await pendingRequest(frame, 'Please provide inputs for the following fields');
    // SEP-1034: the schema's default is already in its field.
    assert.equal(
      await field(frame, '[data-role="elicitation-form"]', ['firstLine']).inputValue(),
      'It was a dark and stormy night.',
    );
    await field(frame, '[data-role="elicitation-form"]', ['name']).fill('Ada Lovelace');
    await card.locator('[data-action="accept"]').click();
    await frame
      .locator('[data-role="request-history"] .request-row', { hasText: /accepted/i })
      .first()
      .waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'answer-elicitation.png') });

    await frame.locator('[data-tab="tools"]').click();
    const result = frame.locator('.tool-result', { hasText: 'User provided the requested information' });
    await result.waitFor({ timeout: 30000 });
    const text = (await result.textContent()) ?? '';
    assert.match(text, /Ada Lovelace/);
    assert.match(text, /It was a dark and stormy night\./);
  });

  it('URL elicitation: the origin is shown first, no link is live, and a decline opens nothing', async () => {
    const frame = await openTool('trigger-url-elicitation');
    await field(frame, '[data-panel="tools"]', ['url']).fill('http://127.0.0.1:9/consent?step=1');
    await frame.locator('[data-action="run"]').click();
    const card = await pendingRequest(frame, '127.0.0.1:9');
    // The origin comes before the message and the full URL, so it is what the user reads first.
    assert.match((await card.locator('[data-role="url-origin"]').innerText()).trim(), /http:\/\/127\.0\.0\.1:9$/);
    const cardText = await card.innerText();
    assert.ok(cardText.indexOf('http://127.0.0.1:9') <= cardText.indexOf('/consent?step=1'), cardText);
    assert.equal(await card.locator('a[href]').count(), 0, 'the URL is text, never a link');
    const pages = browser.contexts().flatMap((c) => c.pages()).length;
    await card.locator('[data-action="decline"]').click();
    await frame
      .locator('[data-role="request-history"] .request-row', { hasText: /declined/i })
      .first()
      .waitFor();
    assert.equal(browser.contexts().flatMap((c) => c.pages()).length, pages, 'no page was opened');
    await frame.locator('[data-tab="tools"]').click();
    await frame.locator('.tool-result').first().waitFor({ timeout: 30000 });
  });

  it('sampling: shows the messages, sends the reply we wrote, and the server gets it', async () => {
    const frame = await openTool('trigger-sampling-request');
    await field(frame, '[data-panel="tools"]', ['prompt']).fill('What is the capital of France?');
    await frame.locator('[data-action="run"]').click();
    const card = await pendingRequest(frame, 'What is the capital of France?');
    assert.match(await card.locator('[data-role="sampling-messages"]').innerText(), /capital of France/);
    await card.locator('[data-role="sampling-text"] textarea').fill('Paris, written by the e2e test.');
    await card.locator('[data-role="sampling-model"] input').fill('e2e-human');
    await card.locator('[data-action="send"]').click();
    await frame
      .locator('[data-role="request-history"] .request-row', { hasText: /sent|answered/i })
      .first()
      .waitFor();

    await frame.locator('[data-tab="tools"]').click();
    const result = frame.locator('.tool-result', { hasText: 'LLM sampling result' });
    await result.waitFor({ timeout: 30000 });
    const text = (await result.textContent()) ?? '';
    assert.match(text, /Paris, written by the e2e test\./);
    assert.match(text, /e2e-human/);
  });

  it('roots: the workspace folder is the root the server sees', async () => {
    const frame = await openTool('get-roots-list');
    await frame.locator('[data-action="run"]').click();
    const result = frame.locator('.tool-result', { hasText: 'Current MCP Roots' });
    await result.waitFor({ timeout: 30000 });
    const text = (await result.textContent()) ?? '';
    assert.match(text, /Current MCP Roots \(1 total\)/);
    assert.ok(text.includes(pathToFileURL(workspace).href), `the workspace folder in ${text}`);
  });

  it('tasks: the research tool runs as a task, asks its clarifying question through the queue, and completes', async () => {
    const frame = await openTool('simulate-research-query');
    await field(frame, '[data-panel="tools"]', ['topic']).fill('python');
    const ambiguous = frame.locator(`vscode-checkbox[data-path='["ambiguous"]']`);
    if ((await ambiguous.getAttribute('aria-checked')) !== 'true') await ambiguous.click();
    await frame.locator('[data-action="run"]').click();
    const card = await pendingRequest(frame, 'could have multiple interpretations');
    // A titled enum (oneOf const/title): the user picks a title, the server gets its const.
    const choice = card.locator(`vscode-dropdown[data-path='["interpretation"]']`);
    await choice.click();
    await choice.locator('vscode-option', { hasText: 'Monty Python comedy group' }).click();
    await card.locator('[data-action="accept"]').click();

    await frame.locator('[data-tab="tasks"]').click();
    const row = frame.locator('[data-role="task-list"] .task-row', { hasText: 'simulate-research-query' }).first();
    await row.locator('[data-role="task-status"]', { hasText: /completed/i }).waitFor({ timeout: 60000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'answer-task.png') });
    await frame.locator('[data-tab="tools"]').click();
    await frame.locator('.tool-result', { hasText: 'Research Report: python (comedy)' }).waitFor({ timeout: 30000 });
  });
});
