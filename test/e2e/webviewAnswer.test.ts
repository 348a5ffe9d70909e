/**
 * Answering the server in the inspector webview (dist/webview.js in real Chromium against the
 * harness host): the Requests tab (elicitation forms and URLs, sampling with a language-model
 * draft, roots, countdowns and timeouts, arrivals while another tab is open), hostile request
 * content staying text, the Tasks tab, running a tool as a task, argument completions, the
 * server log level and filter, and the roots editor.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type {
  JsonObject,
  ServerRequestReply,
  ServerRequestView,
  WebviewToHostMessage,
} from '../../src/shared/protocol';
import { ELICIT_URL, answerFixture, formRequest, hostileAnswerFixture } from './webviewHarness/answerFixtures';
import { XSS, baseFixture, type HarnessFixture } from './webviewHarness/fixtures';
import { CHROMIUM_ARGS, REPO_ROOT, js, openHarnessPage, startHarness, type Harness } from './webviewHarness/server';

type Answer = { connectionId: string; requestId: string; reply: ServerRequestReply };

describe('inspector webview: answering the server (harness, Chromium)', function () {
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
  const answers = (page: Page) => js<Answer[]>(page, 'window.__harness.answers');
  const card = (page: Page, kind: ServerRequestView['kind']) => page.locator(`.request-card[data-kind="${kind}"]`);
  const openRequests = async (page: Page) => {
    await page.locator('[data-tab="requests"]').click();
    await page.locator('[data-role="pending-requests"] .request-card').first().waitFor();
  };
  const waitAnswers = (page: Page, n: number) => page.waitForFunction(`window.__harness.answers.length === ${n}`);
  /**
   * A pick sets the text field's `value` at once; the toolkit (FAST) copies it into the inner <input>
   * on its next animation frame, which a loaded headless Chromium can run after our next read. So:
   * the component's value now, then the inner input once it has rendered.
   */
  const expectPicked = async (input: Locator, expected: string) => {
    const fieldValue = await input.evaluate(
      (el) => (el.getRootNode() as unknown as { host: { value: string } }).host.value,
    );
    assert.equal(fieldValue, expected, 'the pick set the text field');
    await input
      .page()
      .waitForFunction(
        ([el, value]) => (el as unknown as { value: string }).value === value,
        [await input.elementHandle(), expected] as const,
        { timeout: 5000 },
      );
  };

  it('answer: lists pending requests first (what asked, why, when, time left), then the history; the tab badge counts them', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    // The queue that was there when the panel opened is badged, not switched to.
    await page.locator('[data-count-for="requests"]', { hasText: '3' }).waitFor();
    assert.equal(await page.locator('[data-tab="tools"]').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('.conn[data-id="c-main"] [data-pending-for]').innerText(), '3 waiting');
    assert.equal(await page.locator('.conn[data-id="c-stdio"] [data-pending-for]').innerText(), '');
    await openRequests(page);
    const cards = page.locator('[data-role="pending-requests"] .request-card');
    assert.deepEqual(
      await cards.evaluateAll((els) =>
        els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.kind),
      ),
      ['elicitation-form', 'elicitation-url', 'sampling'],
    );
    const form = card(page, 'elicitation-form');
    assert.match(
      await form.locator('.request-header').innerText(),
      /Elicitation \(form\)[\s\S]*elicitation\/create[\s\S]*received \d\d:\d\d/,
    );
    assert.match(
      await form.locator('[data-role="cause"]').innerText(),
      /during tools\/call trigger-elicitation-request/,
    );
    assert.equal(await form.locator('[data-role="request-message"]').innerText(), 'Please tell us about yourself.');
    assert.match(await form.locator('[data-role="countdown"]').innerText(), /^(9:5\d|10:00) left$/);
    const history = page.locator('[data-role="request-history"] .request-row');
    assert.equal(await history.count(), 2);
    assert.equal(await history.nth(0).getAttribute('data-state'), 'answered');
    assert.match(
      await history.nth(0).innerText(),
      /Roots[\s\S]*Answered[\s\S]*answered automatically[\s\S]*answered automatically with 2 roots/,
    );
    assert.match(await history.nth(1).innerText(), /Declined[\s\S]*declined by the user/);
    await o.close();
  });

  it('answer: an elicitation form pre-fills defaults, titled enums and multi-selects, and Accept sends the content', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await openRequests(page);
    const form = card(page, 'elicitation-form');
    assert.equal(await form.locator(`[data-path='["name"]'] input`).first().inputValue(), 'Ada Lovelace');
    assert.equal(await form.locator(`[data-path='["age"]'] input`).first().inputValue(), '36');
    const color = form.locator(`vscode-dropdown[data-path='["color"]']`);
    assert.deepEqual(
      await color.locator('vscode-option').allInnerTexts(),
      ['(choose a value)', 'Red', 'Green', 'Blue'],
      'the titles of the titled enum, not its values',
    );
    assert.equal(await color.evaluate((e) => (e as unknown as { value: string }).value), '2', 'default Green');
    const checked = (value: string) =>
      form
        .locator(`vscode-checkbox[data-value="${value}"]`)
        .evaluate((e) => (e as unknown as { checked: boolean }).checked);
    assert.equal(await checked('cheese'), true, 'the multi-select default');
    assert.equal(await checked('olives'), false);
    assert.deepEqual(await form.locator(`[data-path='["tags"]'] vscode-checkbox`).allInnerTexts(), ['Alpha', 'Beta']);

    await form.locator(`[data-path='["email"]'] input`).first().fill('ada@example.com');
    await color.click();
    await color.locator('vscode-option', { hasText: /^\s*Blue\s*$/ }).click();
    await form.locator('vscode-checkbox[data-value="olives"]').click();
    await form.locator(`[data-path='["tags"]'] vscode-checkbox[data-value="b"]`).click();
    await form.locator('[data-action="accept"]').click();
    await waitAnswers(page, 1);
    const [a] = await answers(page);
    assert.equal(a.requestId, 'r-form');
    assert.deepEqual(a.reply, {
      kind: 'elicitation',
      action: 'accept',
      content: {
        name: 'Ada Lovelace',
        age: 36,
        subscribe: true,
        color: '#00f',
        size: 'M',
        toppings: ['cheese', 'olives'],
        email: 'ada@example.com',
        tags: ['b'],
      },
    });
    // The host's queue update moves it to the history.
    await page.locator('[data-role="request-history"] .request-row[data-request-id="r-form"]').waitFor();
    assert.match(
      await page.locator('[data-role="request-history"] .request-row[data-request-id="r-form"]').innerText(),
      /Answered[\s\S]*accepted with 8 fields/,
    );
    assert.equal(await card(page, 'elicitation-form').count(), 0);
    await page.locator('[data-count-for="requests"]', { hasText: '2' }).waitFor();
    await o.close();
  });

  it('answer: validation blocks a bad value; Decline and Cancel send just the action', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await openRequests(page);
    const form = card(page, 'elicitation-form');
    await form.locator(`[data-path='["email"]'] input`).first().fill('not-an-email');
    await form.locator(`[data-path='["age"]'] input`).first().fill('200');
    await form.locator('[data-action="accept"]').click();
    await form.locator('[data-role="validation-summary"] .notice').waitFor();
    assert.match(await form.locator('[data-role="validation-summary"]').innerText(), /Fix 2 problems before accepting/);
    assert.match(await form.locator(`[data-error-for='["email"]']`).innerText(), /email/);
    assert.equal((await answers(page)).length, 0, 'nothing was sent');
    await form.locator('[data-action="decline"]').click();
    await waitAnswers(page, 1);
    assert.deepEqual((await answers(page))[0].reply, { kind: 'elicitation', action: 'decline' });

    // Cancel on a fresh request.
    await js(page, `window.__harness.enqueue(${JSON.stringify(formRequest(Date.now(), { id: 'r-form-2' }))})`);
    await page.locator('.request-card[data-request-id="r-form-2"]').waitFor();
    await page.locator('.request-card[data-request-id="r-form-2"] [data-action="cancel"]').click();
    await waitAnswers(page, 2);
    const second = (await answers(page))[1];
    assert.equal(second.requestId, 'r-form-2');
    assert.deepEqual(second.reply, { kind: 'elicitation', action: 'cancel' });
    await o.close();
  });

  it('answer: a URL elicitation shows the origin first, the URL as text (never a link), and accepts only on click', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await openRequests(page);
    const url = card(page, 'elicitation-url');
    const order = await url.evaluate((el) =>
      [...el.querySelectorAll('[data-role]')].map(
        (e) => (e as unknown as { dataset: Record<string, string> }).dataset.role,
      ),
    );
    assert.ok(
      order.indexOf('url-origin') < order.indexOf('url-full') &&
        order.indexOf('url-full') < order.indexOf('request-message'),
      `origin, then URL, then message (${order.join(', ')})`,
    );
    assert.match(await url.locator('[data-role="url-origin"]').innerText(), /https:\/\/auth\.example\.com/);
    assert.equal(await url.locator('[data-role="url-full"]').innerText(), ELICIT_URL);
    assert.equal(await page.locator('a').count(), 0, 'no anchor anywhere in the page');
    assert.equal(await page.locator('body [href]').count(), 0);
    assert.equal((await answers(page)).length, 0, 'nothing is accepted before the click');
    await url.locator('[data-action="open-url"]').click();
    await waitAnswers(page, 1);
    assert.deepEqual((await answers(page))[0], {
      connectionId: 'c-main',
      requestId: 'r-url',
      reply: { kind: 'elicitation-url', action: 'accept' },
    });
    await o.close();
  });

  it('answer: sampling shows messages, media as placeholders, preferences and tools; a draft fills the editor without sending; Send sends the edit', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await openRequests(page);
    const s = card(page, 'sampling');
    const messages = s.locator('[data-role="sampling-messages"] .sampling-message');
    assert.equal(await messages.count(), 3);
    assert.match(await messages.nth(0).innerText(), /user[\s\S]*what is the capital of France\?/i);
    assert.match(await messages.nth(1).innerText(), /Image · image\/png · \d+ B \(not displayed\)/);
    assert.match(await messages.nth(2).innerText(), /Audio · audio\/wav · \d+ B \(not displayed\)/);
    assert.equal(await page.locator('img, audio').count(), 0, 'server media is not rendered');
    assert.match(await s.locator('[data-role="system-prompt"]').innerText(), /You are a helpful test server\./);
    const facts = await s.locator('[data-role="sampling-facts"]').innerText();
    assert.match(facts, /Model hints\s+claude-3-sonnet, gpt-4o/);
    assert.match(facts, /Priorities\s+cost 0\.2 · speed 0\.5 · intelligence 0\.9/);
    assert.match(facts, /Max tokens\s+100/);
    assert.match(facts, /Tools\s+get_weather — Weather for a city\./);
    assert.match(facts, /Tool choice[\s\S]*mode[\s\S]*auto/);

    // Draft with a model: the editor fills in, nothing goes to the server.
    const lm = s.locator('[data-role="lm-select"]');
    await page.waitForFunction(
      `document.querySelector('.request-card[data-kind="sampling"] [data-role="lm-select"]').options.length === 2`,
    );
    await lm.selectOption('copilot-claude');
    await s.locator('[data-action="draft"]').click();
    await s.locator('[data-role="draft-status"]', { hasText: 'Draft ready' }).waitFor();
    const generated = await js<Array<{ requestId: string; modelId?: string }>>(page, 'window.__harness.generated');
    assert.deepEqual(generated, [{ connectionId: 'c-main', requestId: 'r-sampling', modelId: 'copilot-claude' }]);
    const text = s.locator('[data-role="sampling-text"] textarea');
    assert.equal(await text.inputValue(), 'The capital of France is Paris.');
    assert.equal(await s.locator('[data-role="sampling-model"] input').inputValue(), 'gpt-4o');
    assert.equal((await answers(page)).length, 0, 'drafting sent nothing');

    await text.fill('Paris, of course.');
    await s.locator('[data-role="sampling-stop"]').selectOption('maxTokens');
    await s.locator('[data-action="send"]').click();
    await waitAnswers(page, 1);
    assert.deepEqual((await answers(page))[0].reply, {
      kind: 'sampling',
      action: 'send',
      result: {
        role: 'assistant',
        content: { type: 'text', text: 'Paris, of course.' },
        model: 'gpt-4o',
        stopReason: 'maxTokens',
      },
    });
    await o.close();
  });

  it('answer: sampling Decline sends the optional reason', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await openRequests(page);
    const s = card(page, 'sampling');
    await s.locator('[data-role="decline-reason"] input').fill('Not now');
    await s.locator('[data-action="decline"]').click();
    await waitAnswers(page, 1);
    assert.deepEqual((await answers(page))[0].reply, { kind: 'sampling', action: 'decline', reason: 'Not now' });
    await o.close();
  });

  it('answer: the countdown runs out; an answer after the deadline is refused inline with what to do; the timeout lands in the history', async () => {
    const f = answerFixture();
    f.serverRequests = { 'c-main': [] };
    const o = await open(f);
    const { page } = o;
    await page.locator('[data-tab="requests"]').click();
    // Received now, due in 2.5 s (the page's clock).
    await js(
      page,
      `(() => { const r = ${JSON.stringify(formRequest(0, { id: 'r-short' }))}; r.receivedAt = Date.now(); r.deadline = Date.now() + 2500; window.__harness.enqueue(r); })()`,
    );
    const c = page.locator('.request-card[data-request-id="r-short"]');
    await c.waitFor();
    assert.match(await c.locator('[data-role="countdown"]').innerText(), /^[123] s left$/);
    await c.locator('[data-role="countdown"]', { hasText: 'Time is up' }).waitFor({ timeout: 5000 });
    assert.equal(await c.getAttribute('class').then((x) => /expired/.test(x ?? '')), true);
    await c.locator('[data-action="decline"]').click();
    const error = c.locator('[data-role="answer-error"] .notice');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'not-found');
    assert.match(await error.innerText(), /no longer pending[\s\S]*Nothing was sent[\s\S]*Run the call again/);
    await js(page, `window.__harness.timeOut('c-main', 'r-short')`);
    const row = page.locator('[data-role="request-history"] .request-row[data-request-id="r-short"]');
    await row.waitFor();
    assert.match(await row.innerText(), /Timed out[\s\S]*timed out after 60 s/);
    assert.equal(await c.count(), 0);
    await o.close();
  });

  it('answer: a request arriving while another tab is open is announced; the view switches unless the user is typing', async () => {
    const f = answerFixture();
    f.serverRequests = { 'c-main': [] };
    const o = await open(f);
    const { page } = o;
    // The empty queue arrives first (view/select).
    await page.waitForFunction(`window.__harness.sent.some((m) => m.method === 'view/select')`);
    // Typing in a prompt argument: the view stays, the tab is badged, the arrival announced.
    await page.locator('[data-tab="prompts"]').click();
    await page.locator('[data-role="prompt-list"] .item[data-name="greet"]').click();
    await page.locator('vscode-text-field[data-arg="name"] input').click();
    await js(page, `window.__harness.enqueue(${JSON.stringify(formRequest(Date.now(), { id: 'r-1' }))})`);
    await page.locator('[data-count-for="requests"]', { hasText: '1' }).waitFor();
    assert.equal(await page.locator('[data-tab="prompts"]').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('[data-tab="requests"]').evaluate((e) => e.classList.contains('attention')), true);
    const announcer = page.locator('[data-role="request-announcer"]');
    assert.equal(await announcer.getAttribute('aria-live'), 'polite');
    assert.match(
      await announcer.innerText(),
      /Fixture server asks for information\. Open the Requests tab to answer\./,
    );

    // Not typing: it switches.
    await page.locator('[data-tab="tools"]').click();
    await js(page, `window.__harness.enqueue(${JSON.stringify(formRequest(Date.now(), { id: 'r-2' }))})`);
    await page.locator('[data-tab="requests"][aria-selected="true"]').waitFor();
    await page.locator('.request-card[data-request-id="r-2"]').waitFor();
    assert.equal(await page.locator('[data-count-for="requests"]').innerText(), '2');
    await o.close();
  });

  it("answer: the host can open the panel on one request (a notification's Open): the Requests tab, that card, focused", async () => {
    const f = answerFixture();
    f.focus = { connectionId: 'c-main', tab: 'requests', item: 'r-url' };
    const o = await open(f);
    const { page } = o;
    await page.locator('[data-tab="requests"][aria-selected="true"]').waitFor();
    await page.waitForFunction(
      `(() => { const a = document.activeElement; return !!a && !!a.closest('.request-card[data-request-id="r-url"]'); })()`,
    );
    // Focus on a request that already ended opens its history row.
    await js(page, `window.__harness.notify('focus', { connectionId: 'c-main', tab: 'requests', item: 'r-old' })`);
    await page.locator('.request-row[data-request-id="r-old"][open]').waitFor();
    await o.close();
  });

  it('answer: hostile text in every request kind, log entry, task and completion stays text', async () => {
    const o = await open(hostileAnswerFixture());
    const { page } = o;
    await openRequests(page);
    assert.equal(await page.locator('[data-role="pending-requests"] .request-card').count(), 3);
    const all = `${XSS.img}${XSS.script}${XSS.svg}`;
    // The payloads show as the text they are.
    assert.equal(await card(page, 'elicitation-form').locator('[data-role="request-message"]').innerText(), all);
    assert.match(
      await card(page, 'elicitation-form').locator('[data-role="cause"]').innerText(),
      /<img src=x onerror=/,
    );
    assert.match(await card(page, 'elicitation-url').locator('[data-role="url-origin"]').innerText(), /<img src=x/);
    assert.match(await card(page, 'sampling').locator('[data-role="sampling-messages"]').innerText(), /<script>/);
    // Drafting puts hostile model output into the editor as a value, not markup.
    const s = card(page, 'sampling');
    await page.waitForFunction(
      `!document.querySelector('.request-card[data-kind="sampling"] [data-role="lm-select"]').disabled`,
    );
    await s.locator('[data-action="draft"]').click();
    await s.locator('[data-role="draft-status"]', { hasText: 'Draft ready' }).waitFor();
    // Open every history row and JSON node.
    await page.locator('[data-role="request-history"] summary').first().click();
    assert.match(await card(page, 'elicitation-url').locator('[data-role="url-full"]').innerText(), /^javascript:/);
    await page.locator('[data-tab="log"]').click();
    await page.locator('[data-log-view="server"]').click();
    await page.locator('[data-role="server-log-list"] .server-log-row').nth(1).waitFor();
    await page.locator('[data-tab="tasks"]').click();
    await page.locator('[data-role="task-list"] .task-row').first().waitFor();
    await page.locator('[data-tab="prompts"]').click();
    await page.locator('[data-role="prompt-list"] .item[data-name="greet"]').click();
    await page.locator('vscode-text-field[data-arg="name"] input').fill('<');
    await page.locator('[data-role="completions"] [role="option"]').nth(1).waitFor();
    const verdict = await js<{
      pwned?: number;
      violations: string[];
      imgX: number;
      inserted: string[];
      scripts: number;
      svg: number;
    }>(page, 'window.__harness.verdict()');
    assert.equal(verdict.pwned, undefined, 'no payload ran');
    assert.deepEqual(verdict.violations, [], 'no CSP violation');
    assert.equal(verdict.imgX, 0, 'no <img src=x> was created');
    assert.deepEqual(verdict.inserted, [], 'no script, anchor, frame or style element was inserted');
    assert.equal(verdict.scripts, 0, 'no <script> element exists');
    assert.equal(verdict.svg, 0);
    assert.equal(await page.locator('img, audio, a').count(), 0);
    await o.close();
  });

  it('answer: the Tasks tab shows status, progress and times; Cancel and Show result work', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await page.locator('[data-tab="tasks"]').click();
    const rows = page.locator('[data-role="task-list"] .task-row');
    await rows.nth(1).waitFor();
    const running = page.locator('.task-row[data-task-id="task-running-1"]');
    assert.match(
      await running.innerText(),
      /task-running-1[\s\S]*batchJob[\s\S]*Working[\s\S]*created [\s\S]*updated[\s\S]*Crunching numbers[\s\S]*3 \/ 10 — step 3 of 10/,
    );
    assert.deepEqual(
      await running
        .locator('progress')
        .evaluate((p) => [(p as unknown as { value: number }).value, (p as unknown as { max: number }).max]),
      [3, 10],
    );
    assert.equal(await running.locator('[data-action="task-result"]').count(), 0);
    assert.equal(await page.locator('[data-count-for="tasks"]').innerText(), '1', 'one task running');
    await running.locator('[data-action="cancel-task"]').click();
    await page.locator('.task-row[data-task-id="task-running-1"][data-status="cancelled"]').waitFor();
    assert.equal(await page.locator('[data-count-for="tasks"]').innerText(), '');
    assert.deepEqual(
      requests(await o.sent(), 'tasks/cancel').map((m) => m.params),
      [{ connectionId: 'c-main', taskId: 'task-running-1' }],
    );
    const done = page.locator('.task-row[data-task-id="task-old-1"]');
    await done.locator('[data-action="task-result"]').click();
    await done.locator('.tool-result').waitFor();
    assert.match(await done.locator('.tool-result').innerText(), /Success[\s\S]*Report on Q3: 17 deals\./);
    await o.close();
  });

  it('answer: "Run as task" sends asTask and the form follows the task; a required tool says it always runs as one', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await page.locator('[data-role="tool-list"] .item[data-name="longReport"]').click();
    const box = page.locator('[data-role="tool-detail"] [data-role="run-as-task"]');
    await box.waitFor();
    await box.click();
    await page.locator('[data-role="tool-detail"] [data-action="run"]').click();
    await page.locator('[data-role="run-task"] [data-role="run-task-status"]', { hasText: 'working' }).waitFor();
    assert.match(await page.locator('[data-role="run-task"]').innerText(), /Task task-report-1/);
    await page.locator('[data-role="tool-detail"] .tool-result').waitFor();
    assert.match(await page.locator('[data-role="tool-detail"] .tool-result').innerText(), /42 deals/);
    assert.match(await page.locator('[data-role="run-task"]').innerText(), /completed[\s\S]*3 \/ 3/);
    const call = requests(await o.sent(), 'tools/call').at(-1)!;
    assert.equal((call.params as { asTask?: boolean }).asTask, true);
    assert.deepEqual((call.params as { args: JsonObject }).args, { topic: 'sales' });

    // Without the box: a plain call.
    await box.click();
    await page.locator('[data-role="tool-detail"] [data-action="run"]').click();
    await page.waitForFunction(`window.__harness.sent.filter((m) => m.method === 'tools/call').length === 2`);
    const plain = requests(await o.sent(), 'tools/call').at(-1)!;
    assert.equal((plain.params as { asTask?: boolean }).asTask, undefined);

    await page.locator('[data-role="tool-list"] .item[data-name="batchJob"]').click();
    assert.match(
      await page.locator('[data-role="tool-detail"] [data-role="task-required"]').innerText(),
      /always runs as a task/,
    );
    assert.equal(await page.locator('[data-role="tool-detail"] [data-role="run-as-task"]').count(), 0);
    await page.locator('[data-role="tool-detail"] [data-action="run"]').click();
    await page.locator('[data-role="tool-detail"] .tool-result').waitFor();
    assert.equal((requests(await o.sent(), 'tools/call').at(-1)!.params as { asTask?: boolean }).asTask, true);
    // The Tasks tab knows it too.
    await page.locator('[data-tab="tasks"]').click();
    await page.locator('.task-row[data-task-id="task-batch-1"][data-status="completed"]').waitFor();
    await o.close();
  });

  it('answer: completions are offered while typing a prompt argument or template variable and picked with the keyboard', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await page.locator('[data-tab="prompts"]').click();
    await page.locator('[data-role="prompt-list"] .item[data-name="greet"]').click();
    await page.locator('vscode-text-field[data-arg="style"] input').fill('form');
    const name = page.locator('vscode-text-field[data-arg="name"] input');
    await name.fill('Ad');
    const list = page.locator('.field[data-arg="name"] [data-role="completions"]');
    await list.locator('[role="option"]').nth(1).waitFor();
    assert.deepEqual(await list.locator('[role="option"]').allInnerTexts(), ['Ada', 'Adele']);
    const call = requests(await o.sent(), 'completion/complete').at(-1)!;
    assert.deepEqual(call.params, {
      connectionId: 'c-main',
      ref: { type: 'ref/prompt', name: 'greet' },
      argument: { name: 'name', value: 'Ad' },
      context: { style: 'form' },
    });
    await name.press('ArrowDown');
    await name.press('ArrowDown');
    assert.equal(await list.locator('[aria-selected="true"]').innerText(), 'Adele');
    await name.press('Enter');
    await expectPicked(name, 'Adele');
    assert.equal(await list.isHidden(), true);
    await page.locator('[data-action="get"]').click();
    await page.waitForFunction(`window.__harness.sent.some((m) => m.method === 'prompts/get')`);
    assert.deepEqual((requests(await o.sent(), 'prompts/get').at(-1)!.params as { args: JsonObject }).args, {
      name: 'Adele',
      style: 'form',
    });
    // A failing completion is only a quiet hint.
    await page.locator('[data-tab="resources"]').click();
    await page.locator('.item[data-key="t:test://items/{id}{?verbose}"]').click();
    const id = page.locator('vscode-text-field[data-var="id"] input');
    await id.fill('1');
    const ids = page.locator('[data-role="completions"]:visible [role="option"]');
    await ids.nth(1).waitFor();
    assert.deepEqual(await ids.allInnerTexts(), ['100', '101']);
    await id.press('ArrowUp');
    await id.press('Enter');
    await expectPicked(id, '101');
    assert.equal(await page.locator('[data-role="expanded-uri"]').innerText(), 'test://items/101');
    const resourceCall = requests(await o.sent(), 'completion/complete').at(-1)!;
    assert.deepEqual((resourceCall.params as { ref: JsonObject }).ref, {
      type: 'ref/resource',
      uri: 'test://items/{id}{?verbose}',
    });
    await page.locator('vscode-text-field[data-var="verbose"] input').fill('y');
    await page.locator('[data-role="completion-hint"]', { hasText: 'No suggestions' }).waitFor();
    await o.close();
  });

  it('answer: no completion request without the completions capability', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await page.locator('[data-tab="prompts"]').click();
    await page.locator('[data-role="prompt-list"] .item[data-name="greet"]').click();
    await page.locator('vscode-text-field[data-arg="name"] input').fill('Ad');
    await page.waitForTimeout(400);
    assert.equal(requests(await o.sent(), 'completion/complete').length, 0);
    await o.close();
  });

  it('answer: the server log level select sends logging/setLevel, and the level filter hides lower levels', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await page.locator('[data-tab="log"]').click();
    await page.locator('[data-log-view="server"]').click();
    const rows = page.locator('[data-role="server-log-list"] .server-log-row');
    await rows.nth(3).waitFor();
    assert.equal(await page.locator('[data-role="server-log-level"]').inputValue(), 'info', 'the current level');
    assert.match(await rows.nth(1).innerText(), /info[\s\S]*http[\s\S]*event/);
    assert.match(await rows.nth(0).innerText(), /debug[\s\S]*db[\s\S]*connection pool warmed up/);
    await page.locator('[data-role="server-log-level"]').selectOption('warning');
    await page.locator('[data-role="server-log-status"]', { hasText: 'now sends warning' }).waitFor();
    assert.deepEqual(
      requests(await o.sent(), 'logging/setLevel').map((m) => m.params),
      [{ connectionId: 'c-main', level: 'warning' }],
    );
    await page.locator('[data-role="server-log-filter"]').selectOption('warning');
    assert.deepEqual(
      await rows.evaluateAll((els) =>
        els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.level),
      ),
      ['warning', 'error'],
    );
    assert.equal(await page.locator('[data-role="server-log-count"]').innerText(), '2 of 4 messages');
    // New messages obey the filter.
    await js(
      page,
      `window.__harness.notify('serverLog/added', { connectionId: 'c-main', entries: [
        { time: Date.now(), level: 'info', data: 'hidden' }, { time: Date.now(), level: 'critical', data: 'disk full' } ] })`,
    );
    await page.locator('[data-role="server-log-list"] .server-log-row[data-level="critical"]').waitFor();
    assert.equal(await rows.count(), 3);
    await o.close();
  });

  it('answer: the roots editor sends roots/set, keeps unsaved edits when the details refresh, and resets to the workspace', async () => {
    const o = await open(answerFixture());
    const { page } = o;
    await page.locator('[data-tab="server"]').click();
    const editor = page.locator('[data-role="roots-editor"]');
    await editor.locator('.root-row').nth(1).waitFor();
    assert.match(await editor.locator('[data-role="roots-source"]').innerText(), /From the workspace folders \(2\)/);
    await editor.locator('.root-row').nth(1).locator('[data-action="remove-root"]').click();
    await editor.locator('[data-action="add-root"]').click();
    const uri = editor.locator('.root-row').nth(1).locator('[data-role="root-uri"] input');
    await uri.fill('file:///srv/data');
    await editor.locator('.root-row').nth(1).locator('[data-role="root-name"] input').fill('data');
    // The details refresh under the editor (the host re-sent them): the edits stay, the focus too.
    await uri.focus();
    await js(page, `document.querySelectorAll('[data-role="roots-editor"] .root-row')[1].dataset.mark = 'before'`);
    await js(page, `window.__harness.notify('connection/details', window.__harness.fixture.details['c-main'])`);
    await page.locator('[data-role="server-facts"]').waitFor();
    assert.equal(await uri.inputValue(), 'file:///srv/data');
    assert.equal(
      await js(page, `document.querySelectorAll('[data-role="roots-editor"] .root-row')[1].dataset.mark`),
      'before',
      'the row being edited was not rebuilt',
    );
    assert.equal(
      await js(page, `document.activeElement && document.activeElement.getAttribute('data-role')`),
      'root-uri',
      'the focus stayed in the field',
    );
    assert.equal(await editor.locator('[data-role="roots-moved"]').count(), 0, 'the same list: nothing to say');
    // The workspace folders change underneath: the edits stay, and the editor says so.
    await js(
      page,
      `(() => { const d = JSON.parse(JSON.stringify(window.__harness.fixture.details['c-main']));
        d.roots.roots.push({ uri: 'file:///home/ada/new', name: 'new' });
        window.__harness.notify('connection/details', d); })()`,
    );
    await editor.locator('[data-role="roots-moved"]').waitFor();
    assert.equal(await uri.inputValue(), 'file:///srv/data');
    // A bad root is refused before anything is sent.
    await editor.locator('[data-action="add-root"]').click();
    await editor.locator('.root-row').nth(2).locator('[data-role="root-uri"] input').fill('https://example.com');
    await editor.locator('[data-action="save-roots"]').click();
    assert.match(await editor.locator('.root-row').nth(2).locator('.field-error').innerText(), /file:\/\/ URIs/);
    assert.equal(requests(await o.sent(), 'roots/set').length, 0);
    await editor.locator('.root-row').nth(2).locator('[data-action="remove-root"]').click();
    await editor.locator('[data-action="save-roots"]').click();
    await editor.locator('[data-role="roots-saved"]').waitFor();
    assert.deepEqual(requests(await o.sent(), 'roots/set').at(-1)!.params, {
      connectionId: 'c-main',
      roots: [
        { uri: 'file:///home/ada/project', name: 'project' },
        { uri: 'file:///srv/data', name: 'data' },
      ],
    });
    assert.match(await editor.locator('[data-role="roots-source"]').innerText(), /Edited for this connection \(2\)/);
    await editor.locator('[data-action="reset-roots"]').click();
    await editor.locator('[data-role="roots-source"]', { hasText: 'From the workspace folders (2)' }).waitFor();
    assert.deepEqual(requests(await o.sent(), 'roots/set').at(-1)!.params, { connectionId: 'c-main', roots: null });
    assert.equal(
      await editor.locator('.root-row').nth(1).locator('[data-role="root-uri"] input').inputValue(),
      'file:///home/ada/lib',
    );
    await o.close();
  });

  it('answer: saves screenshots of the Requests, Tasks, server log and roots views in light and dark themes', async () => {
    const dir = path.join(REPO_ROOT, '.test-output/screenshots');
    fs.mkdirSync(dir, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      const fixture = answerFixture();
      fixture.theme = theme;
      const o = await openHarnessPage(browser, harness, fixture, {
        ready: '.conn',
        viewport: { width: 1200, height: 900 },
      });
      const { page } = o;
      await openRequests(page);
      await page.screenshot({ path: path.join(dir, `answer-${theme}-requests.png`), fullPage: true });
      await card(page, 'sampling').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(dir, `answer-${theme}-sampling.png`) });
      await page.locator('[data-tab="tasks"]').click();
      await page.locator('[data-role="task-list"] .task-row').nth(1).waitFor();
      await page.screenshot({ path: path.join(dir, `answer-${theme}-tasks.png`) });
      await page.locator('[data-tab="log"]').click();
      await page.locator('[data-log-view="server"]').click();
      await page.locator('[data-role="server-log-list"] .server-log-row').nth(3).waitFor();
      await page.screenshot({ path: path.join(dir, `answer-${theme}-server-log.png`) });
      await page.locator('[data-tab="server"]').click();
      await page.locator('[data-role="roots-editor"] .root-row').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(dir, `answer-${theme}-roots.png`) });
      await page.locator('[data-tab="prompts"]').click();
      await page.locator('[data-role="prompt-list"] .item[data-name="greet"]').click();
      await page.locator('vscode-text-field[data-arg="name"] input').fill('A');
      await page.locator('[data-role="completions"] [role="option"]').nth(1).waitFor();
      await page.locator('vscode-text-field[data-arg="name"] input').press('ArrowDown');
      await page.screenshot({ path: path.join(dir, `answer-${theme}-completions.png`) });
      await o.close();
    }
  });
});
