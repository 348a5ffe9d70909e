/**
 * The inspector webview bundle (dist/webview.js) in real Chromium, against the harness host
 * (test/e2e/webviewHarness): forms, validation, raw JSON sync, run/cancel, result rendering,
 * resources, prompts, history, log, state restore, hostile content, and screenshots of every
 * tab in light and dark themes (.test-output/screenshots/).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { JsonObject, WebviewToHostMessage } from '../../src/shared/protocol';
import { HUGE, XSS, baseFixture, hostileFixture, type HarnessFixture } from './webviewHarness/fixtures';
import { CHROMIUM_ARGS, REPO_ROOT, js, openHarnessPage, startHarness, type Harness } from './webviewHarness/server';

const SCREENSHOTS = path.join(REPO_ROOT, '.test-output/screenshots');

describe('inspector webview (harness, Chromium)', function () {
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

  const open = (fixture: HarnessFixture, viewport?: { width: number; height: number }) =>
    openHarnessPage(browser, harness, fixture, { ready: '.conn', ...(viewport ? { viewport } : {}) });

  const requests = (sent: WebviewToHostMessage[], method: string) =>
    sent.filter((m) => m.kind === 'request' && m.method === method) as Array<
      Extract<WebviewToHostMessage, { kind: 'request' }>
    >;
  const commands = (sent: WebviewToHostMessage[], method: string) =>
    sent.filter((m) => m.kind === 'command' && m.method === method) as Array<
      Extract<WebviewToHostMessage, { kind: 'command' }>
    >;
  const field = (page: Page, pathSegs: Array<string | number>) =>
    page.locator(`[data-path='${JSON.stringify(pathSegs)}']`).first();
  const selectTool = async (page: Page, name: string) => {
    await page.locator(`[data-role="tool-list"] .item[data-name="${name}"]`).click();
    await page.locator('[data-role="tool-detail"] [data-action="run"]').waitFor();
  };
  const chooseOption = async (page: Page, pathSegs: Array<string | number>, text: string) => {
    const dd = page.locator(`vscode-dropdown[data-path='${JSON.stringify(pathSegs)}']`);
    await dd.click();
    await dd
      .locator('vscode-option', { hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
      .click();
  };
  const typeInto = async (page: Page, pathSegs: Array<string | number>, text: string) => {
    const input = page
      .locator(`[data-path='${JSON.stringify(pathSegs)}'] input, [data-path='${JSON.stringify(pathSegs)}'] textarea`)
      .first();
    await input.fill(text);
  };

  it('handshakes, lists connections with status, auth and actions, and sends actions as commands', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    const sent = await o.sent();
    assert.equal(sent[0].kind, 'ready', 'the first message is the ready handshake');
    await assert.doesNotReject(page.locator('.conn').nth(2).waitFor());
    const main = page.locator('.conn[data-id="c-main"]');
    assert.match(
      await main.innerText(),
      /Fixture server[\s\S]*Streamable HTTP · Connected[\s\S]*Signed in · mcp:tools mcp:resources · expires in 5[34] min/,
    );
    const auth = page.locator('.conn[data-id="c-auth"]');
    assert.match(await auth.innerText(), /Sign-in required/);
    assert.equal(await auth.locator('[data-action="sign-in"]').count(), 1);
    assert.equal(await auth.locator('[data-action="edit"]').count(), 0, 'settings connections are not editable');
    await page.locator('.conn[data-id="c-stdio"] [data-action="connect"]').click();
    await auth.locator('[data-action="sign-in"]').click();
    await main.locator('[data-action="sign-out"]').click();
    await main.locator('[data-action="disconnect"]').click();
    const cmds = (await o.sent()).filter((m) => m.kind === 'command' && m.method.startsWith('connection/')) as Array<{
      method: string;
      params: unknown;
    }>;
    assert.deepEqual(
      cmds.map((c) => [c.method, c.params]),
      [
        ['connection/connect', { connectionId: 'c-stdio' }],
        ['connection/signIn', { connectionId: 'c-auth' }],
        ['connection/signOut', { connectionId: 'c-main' }],
        ['connection/disconnect', { connectionId: 'c-main' }],
      ],
    );
    assert.match(await page.locator('[data-role="main-header"]').innerText(), /Fixture server[\s\S]*Connected/);
    // Live updates: a status change pushed by the host re-renders the list.
    await js(
      page,
      `window.__harness.notify('connections/changed', { connections: window.__harness.fixture.connections.map((c) => (c.id === 'c-stdio' ? { ...c, state: 'connecting' } : c)) })`,
    );
    assert.match(await page.locator('.conn[data-id="c-stdio"]').innerText(), /Connecting/);
    await o.close();
  });

  it('filters tools as you type', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    const filter = page.locator('[data-role="tool-filter"] input');
    await filter.fill('user');
    const visible = await page
      .locator('[data-role="tool-list"] .item:not([hidden])')
      .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.name));
    assert.deepEqual(visible, ['createUser']);
    await filter.fill('weather data');
    assert.deepEqual(
      await page
        .locator('[data-role="tool-list"] .item:not([hidden])')
        .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.name)),
      ['weather'],
    );
    await filter.fill('');
    assert.equal(await page.locator('[data-role="tool-list"] .item:not([hidden])').count(), 9);
    await o.close();
  });

  it('builds a form for nested objects, enums, arrays and oneOf, and sends exactly what was entered', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await selectTool(page, 'createUser');
    assert.equal(await page.locator('[data-role="tool-title"]').innerText(), 'Create user');
    // Required markers and help text.
    assert.match(await field(page, ['name']).innerText(), /Full name\s*\*[\s\S]*The name shown to other users/);
    await typeInto(page, ['name'], 'Ada Lovelace');
    await typeInto(page, ['email'], 'ada@example.com');
    await typeInto(page, ['age'], '36');
    await chooseOption(page, ['role'], 'admin');
    // Array: add three, remove the middle one; maxItems 3 disables Add.
    const addTag = field(page, ['tags']).locator('[data-action="add-item"]');
    await addTag.click();
    await typeInto(page, ['tags', 0], 'math');
    await addTag.click();
    await typeInto(page, ['tags', 1], 'delete-me');
    await addTag.click();
    await typeInto(page, ['tags', 2], 'poetry');
    assert.equal(
      await field(page, ['tags']).locator('[data-action="add-item"]').getAttribute('disabled'),
      '',
      'Add item is disabled at maxItems',
    );
    await field(page, ['tags']).locator('[data-action="remove-item"]').nth(1).click();
    // Nested object.
    await typeInto(page, ['address', 'city'], 'London');
    // oneOf: choose Phone and fill its field.
    await chooseOption(page, ['contact'], 'Phone');
    await typeInto(page, ['contact', 'number'], '+44 20 1234');
    await typeInto(page, ['notes'], 'line one\nline two');
    assert.equal(
      await page.locator(`vscode-text-area[data-path='${JSON.stringify(['notes'])}']`).count(),
      1,
      'notes is multi-line',
    );
    await page.locator('[data-action="run"]').click();
    await page.locator('.tool-result').waitFor();
    const calls = requests(await o.sent(), 'tools/call');
    assert.equal(calls.length, 1);
    assert.deepEqual((calls[0].params as { args: JsonObject }).args, {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      age: 36,
      role: 'admin',
      active: true,
      tags: ['math', 'poetry'],
      address: { city: 'London' },
      contact: { kind: 'phone', number: '+44 20 1234' },
      notes: 'line one\nline two',
    });
    assert.match(await page.locator('.tool-result').innerText(), /Success[\s\S]*12 ms/);
    await o.close();
  });

  it('validates inline and blocks Run until the arguments are valid (or the user insists)', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await selectTool(page, 'createUser');
    await typeInto(page, ['email'], 'not-an-email');
    assert.match(await field(page, ['email']).locator('.field-error').innerText(), /Must be an email address/);
    await typeInto(page, ['age'], '12a');
    assert.match(await field(page, ['age']).locator('.field-error').innerText(), /Enter a whole number/);
    await typeInto(page, ['age'], '200');
    assert.match(await field(page, ['age']).locator('.field-error').innerText(), /Must be at most 150/);
    await typeInto(page, ['address', 'zip'], '12');
    assert.match(await field(page, ['address', 'zip']).locator('.field-error').innerText(), /pattern/);
    await page.locator('[data-action="run"]').click();
    const summary = page.locator('[data-role="validation-summary"]');
    await summary.waitFor();
    assert.match(await summary.innerText(), /problems in the arguments/);
    assert.match(
      await field(page, ['name']).locator('.field-error').innerText(),
      /Required/,
      'after Run, untouched required fields show their error',
    );
    assert.equal(requests(await o.sent(), 'tools/call').length, 0, 'nothing was sent');
    await summary.locator('[data-action="run-anyway"]').click();
    await page.locator('.tool-result').waitFor();
    assert.equal(
      requests(await o.sent(), 'tools/call').length,
      1,
      'Run anyway sends the invalid arguments (to test server-side validation)',
    );
    await o.close();
  });

  it('keeps the raw JSON mode in sync with the form, both ways', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await selectTool(page, 'createUser');
    await typeInto(page, ['name'], 'Grace');
    await page.locator('[data-mode-button="json"]').click();
    const json = page.locator('[data-role="json-args"] textarea');
    assert.deepEqual(JSON.parse(await json.inputValue()), { name: 'Grace', role: 'viewer', active: true });
    await json.fill(
      '{"name":"Grace Hopper","email":"g@navy.mil","role":"editor","tags":["cobol"],"contact":{"kind":"email","address":"g@navy.mil"}}',
    );
    await json.fill('{"name": oops');
    assert.match(await page.locator('[data-role="json-error"]').innerText(), /Not valid JSON/);
    await page.locator('[data-mode-button="form"]').click();
    assert.match(await page.locator('[data-role="json-error"]').innerText(), /Fix it to go back to the form/);
    await json.fill(
      '{"name":"Grace Hopper","email":"g@navy.mil","role":"editor","tags":["cobol"],"contact":{"kind":"email","address":"g@navy.mil"}}',
    );
    await page.locator('[data-mode-button="form"]').click();
    assert.equal(await page.locator(`[data-path='["name"]'] input`).inputValue(), 'Grace Hopper');
    assert.equal(await page.locator(`[data-path='["tags",0]'] input`).inputValue(), 'cobol');
    assert.equal(
      await page
        .locator(`vscode-dropdown[data-path='["role"]']`)
        .evaluate((e) => (e as unknown as { value: string }).value),
      '2',
      'role dropdown shows editor (index 2 incl. the placeholder)',
    );
    assert.equal(
      await page
        .locator(`vscode-dropdown[data-path='["contact"]']`)
        .evaluate((e) => (e as unknown as { value: string }).value),
      '1',
      'oneOf shows the Email option',
    );
    assert.equal(await page.locator(`[data-path='["contact","address"]'] input`).inputValue(), 'g@navy.mil');
    await page.locator('[data-action="run"]').click();
    await page.locator('.tool-result').waitFor();
    assert.deepEqual((requests(await o.sent(), 'tools/call')[0].params as { args: JsonObject }).args, {
      name: 'Grace Hopper',
      email: 'g@navy.mil',
      role: 'editor',
      tags: ['cobol'],
      contact: { kind: 'email', address: 'g@navy.mil' },
    });
    await o.close();
  });

  it('asks for confirmation before running a destructive tool', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    // textContent: list rows use content-visibility: auto, and innerText skips rows not laid out yet.
    assert.match((await page.locator('.item[data-name="deleteAll"]').textContent()) ?? '', /destructive/);
    await selectTool(page, 'deleteAll');
    await page.locator('[data-action="run"]').click();
    const confirm = page.locator('[data-role="destructive-confirm"]');
    await confirm.waitFor();
    assert.equal(requests(await o.sent(), 'tools/call').length, 0);
    await confirm.locator('[data-action="confirm-cancel"]').click();
    assert.equal(await confirm.count(), 0);
    await page.locator('[data-action="run"]').click();
    await page.locator('[data-role="destructive-confirm"] [data-action="confirm-run"]').click();
    await page.locator('.tool-result').waitFor();
    assert.equal(requests(await o.sent(), 'tools/call').length, 1);
    assert.match(await page.locator('.tool-result').innerText(), /Deleted 3 records/);
    await o.close();
  });

  it('shows progress while running and cancels', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await selectTool(page, 'slowTask');
    await page.locator('[data-action="run"]').click();
    await page.locator('.run-progress-text', { hasText: '1 / 4 — step 1 of 4' }).waitFor();
    assert.equal(
      await page.locator('progress.run-progress').evaluate((p) => {
        const bar = p as unknown as { value: number; max: number };
        return `${bar.value}/${bar.max}`;
      }),
      '1/4',
    );
    assert.equal(await page.locator('[data-action="run"]').getAttribute('disabled'), '');
    await page.locator('[data-action="cancel"]').click();
    await page.locator('[data-role="call-error"][data-code="cancelled"]').waitFor();
    const call = requests(await o.sent(), 'tools/call')[0];
    const cancels = commands(await o.sent(), 'call/cancel');
    assert.deepEqual(
      cancels.map((c) => c.params),
      [{ callId: (call.params as { callId: string }).callId }],
    );
    assert.equal(await page.locator('[data-action="run"]').getAttribute('disabled'), null);
    await page.locator('[data-tab="history"]').click();
    assert.match((await page.locator('[data-role="history-list"]').textContent()) ?? '', /slowTask[\s\S]*cancelled/);
    await o.close();
  });

  it('renders results by type: text, JSON, image, audio, resource links, embedded resources, structuredContent, isError', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await selectTool(page, 'media');
    await page.locator('[data-action="run"]').click();
    const result = page.locator('.tool-result');
    await result.waitFor();
    const img = result.locator('img.result-image');
    assert.match((await img.getAttribute('src')) ?? '', /^data:image\/png;base64,iVBOR/);
    assert.equal(
      await img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth),
      2,
      'the PNG decoded',
    );
    assert.equal(await result.locator('audio[controls]').count(), 1);
    assert.match(await result.locator('.resource-link').innerText(), /README\.md[\s\S]*file:\/\/\/project\/README\.md/);
    await result.locator('[data-action="read-link"]').click();
    await result.locator('.resource-link .resource-contents').waitFor();
    assert.match(await result.locator('.resource-link .resource-contents').innerText(), /# Project/);
    assert.match(
      await result.locator('.content-block[data-type="resource"]').innerText(),
      /test:\/\/config\.json[\s\S]*application\/json[\s\S]*debug: true/,
    );
    // Copy puts the JSON of the whole result on the clipboard (through the host).
    await result.locator('[data-action="copy-result"]').click();
    const copied = await js<string | undefined>(page, 'window.__harness.clipboard.at(-1)');
    assert.equal(JSON.parse(copied ?? '{}').content.length, 5);

    await selectTool(page, 'weather');
    await page.locator('[data-action="run"]').click();
    await page.locator('[data-schema-check="valid"]').waitFor();
    assert.match(await page.locator('.tool-result').innerText(), /temperature: 21\.5/);
    await selectTool(page, 'badWeather');
    await page.locator('[data-action="run"]').click();
    await page.locator('[data-schema-check="invalid"]').waitFor();
    // The core's verdict is shown as given, with the result itself: the mark, then each error (path and message).
    assert.equal(await page.locator('[data-schema-check="invalid"]').innerText(), 'does not match outputSchema');
    assert.match(
      await page.locator('.schema-check').innerText(),
      /structuredContent does not match the tool's outputSchema \(2 errors\)/,
    );
    assert.deepEqual(await page.locator('.schema-errors li').allInnerTexts(), [
      '/temperature must be number',
      '/humidity is not allowed (additionalProperties)',
    ]);
    assert.match(await page.locator('.tool-result .structured').innerText(), /temperature: "hot"[\s\S]*humidity: 90/);
    assert.match(await page.locator('.tool-result').innerText(), /^hot$/m);
    await selectTool(page, 'missingWeather');
    await page.locator('[data-action="run"]').click();
    await page.locator('[data-schema-check="missing"]').waitFor();
    assert.match(
      await page.locator('.schema-check').innerText(),
      /declares an outputSchema but returned no structuredContent/,
    );
    assert.match(await page.locator('.tool-result').innerText(), /no structure here/);
    await selectTool(page, 'failing');
    await page.locator('[data-action="run"]').click();
    await page.locator('.tool-result[data-status="error"]').waitFor();
    assert.match(await page.locator('.tool-result').innerText(), /Tool returned an error \(isError\)[\s\S]*disk full/);
    await o.close();
  });

  it('reads resources, expands templates, subscribes and re-reads on updates', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await page.locator('[data-tab="resources"]').click();
    await page.locator('[data-role="resource-list"] .item', { hasText: 'README.md' }).click();
    await page.locator('[data-role="resource-detail"] [data-action="read"]').click();
    await page.locator('[data-role="resource-detail"] .resource-contents').waitFor();
    assert.match(
      await page.locator('[data-role="resource-detail"] .resource-contents').innerText(),
      /Hello \*\*world\*\*\. <b>not bold<\/b>/,
    );
    await page.locator('[data-role="resource-detail"] [data-action="subscribe"]').click();
    await page.locator('[data-role="updated"]', { hasText: 'Subscribed' }).waitFor();
    assert.deepEqual(
      requests(await o.sent(), 'resources/subscribe').map((r) => r.params),
      [{ connectionId: 'c-main', uri: 'file:///project/README.md' }],
    );
    const readsBefore = requests(await o.sent(), 'resources/read').length;
    await js(
      page,
      `window.__harness.notify('resource/updated', { connectionId: 'c-main', uri: 'file:///project/README.md' })`,
    );
    await page.locator('[data-role="updated"]', { hasText: 'Updated by the server' }).waitFor();
    assert.equal(requests(await o.sent(), 'resources/read').length, readsBefore + 1, 'an update re-reads the resource');
    await page.locator('[data-role="resource-detail"] [data-action="subscribe"]').click();
    await page.locator('[data-role="updated"]', { hasText: 'Unsubscribed' }).waitFor();

    await page.locator('[data-role="resource-list"] .item', { hasText: 'test://items/{id}{?verbose}' }).click();
    await page.locator('vscode-text-field[data-var="id"] input').fill('42');
    await page.locator('vscode-text-field[data-var="verbose"] input').fill('yes');
    assert.equal(await page.locator('[data-role="expanded-uri"]').innerText(), 'test://items/42?verbose=yes');
    await page.locator('[data-role="resource-detail"] [data-action="read"]').click();
    await page.locator('[data-role="resource-detail"] .resource-contents', { hasText: 'Item 42 (verbose)' }).waitFor();
    await o.close();
  });

  it('gets prompts with an argument form and shows the messages', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await page.locator('[data-tab="prompts"]').click();
    await page.locator('[data-role="prompt-list"] .item[data-name="greet"]').click();
    await page.locator('[data-role="prompt-detail"] [data-action="get"]').click();
    assert.match(await page.locator('.field[data-arg="name"] .field-error').innerText(), /Required/);
    assert.equal(requests(await o.sent(), 'prompts/get').length, 0);
    await page.locator('vscode-text-field[data-arg="name"] input').fill('Ada');
    await page.locator('[data-role="prompt-detail"] [data-action="get"]').click();
    await page.locator('.prompt-messages').waitFor();
    assert.match(
      await page.locator('.prompt-messages').innerText(),
      /user[\s\S]*Please greet Ada formally\.[\s\S]*assistant[\s\S]*Good day, Ada\./i,
    );
    assert.deepEqual(requests(await o.sent(), 'prompts/get')[0].params, {
      connectionId: 'c-main',
      name: 'greet',
      args: { name: 'Ada' },
      callId: (requests(await o.sent(), 'prompts/get')[0].params as { callId: string }).callId,
    });
    await o.close();
  });

  it('records history, re-runs an entry with the same arguments, and exports JSON', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await selectTool(page, 'echo');
    await typeInto(page, ['message'], 'hello history');
    await page.locator('[data-action="run"]').click();
    await page.locator('.tool-result').waitFor();
    await page.locator('[data-tab="history"]').click();
    await page.locator('[data-role="history-list"] .item').first().click();
    assert.match(
      await page.locator('[data-role="history-detail"]').innerText(),
      /echo[\s\S]*ok[\s\S]*Arguments[\s\S]*hello history[\s\S]*Result/,
    );
    await page.locator('[data-role="history-detail"] [data-action="rerun"]').click();
    await page.locator('[data-panel="tools"]:not([hidden]) .tool-result').waitFor();
    const calls = requests(await o.sent(), 'tools/call');
    assert.equal(calls.length, 2);
    assert.deepEqual((calls[1].params as { args: unknown }).args, { message: 'hello history' });
    await page.locator('[data-tab="history"]').click();
    await page.locator('[data-action="export"]').click();
    await page.waitForFunction('window.__harness.exported !== undefined');
    const exported = JSON.parse(await js<string>(page, 'window.__harness.exported'));
    assert.equal(exported.entries.length, 2);
    assert.deepEqual(
      exported.entries.map((e: { target: string; status: string; durationMs: number }) => [
        e.target,
        e.status,
        e.durationMs,
      ]),
      [
        ['echo', 'ok', 12],
        ['echo', 'ok', 12],
      ],
    );
    // The keyboard selects an entry too, as in every list: Space on the focused row.
    const items = page.locator('[data-role="history-list"] .item');
    assert.deepEqual(
      await items.evaluateAll((els) => els.map((e) => e.getAttribute('aria-selected'))),
      ['false', 'true'],
      'the entry clicked before (now second) is selected',
    );
    await items.nth(0).focus();
    await page.keyboard.press('Space');
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.getAttribute('aria-selected'))), [
      'true',
      'false',
    ]);
    assert.match(await page.locator('[data-role="history-detail"]').innerText(), /echo[\s\S]*hello history/);
    await o.close();
  });

  it('dev loop: a restarted server is announced (reason as text), the view keeps its place, and the last call re-runs on request', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    const notice = page.locator('[data-role="restart-notice"]');
    const restarted = (reason: string, connectionId = 'c-main') =>
      js(page, `window.__harness.notify('connection/restarted', ${JSON.stringify({ connectionId, reason })})`);
    await restarted('server.js changed');
    await notice.waitFor();
    assert.match(await notice.innerText(), /Server restarted: server\.js changed\.\s*Nothing was run on it yet/);
    assert.equal(await notice.locator('[data-action="rerun-last"]').count(), 0);

    await selectTool(page, 'echo');
    await typeInto(page, ['message'], 'before the restart');
    await page.locator('[data-action="run"]').click();
    await page.locator('.tool-result').waitFor();
    await typeInto(page, ['message'], 'a draft in progress');
    // What a restart looks like from the host: connecting, connected, then the fresh lists.
    for (const state of ['connecting', 'connected']) {
      await js(
        page,
        `window.__harness.notify('connections/changed', { connections: window.__harness.fixture.connections.map((c) => (c.id === 'c-main' ? { ...c, state: '${state}' } : c)) })`,
      );
    }
    await js(page, `window.__harness.notify('connection/details', window.__harness.fixture.details['c-main'])`);
    await restarted('<img src=x onerror="window.__pwned=1">.ts changed');
    await page.locator('[data-action="rerun-last"]').waitFor();
    assert.match(await notice.innerText(), /Server restarted: <img src=x onerror="window.__pwned=1">\.ts changed\./);
    assert.equal(await notice.locator('img').count(), 0, 'server-side file names are text');
    assert.equal(await js(page, 'window.__pwned'), undefined);
    assert.match(await page.locator('[data-action="rerun-last"]').innerText(), /Re-run last call of echo/);
    // The view kept its place: the same tab, the same tool, the draft.
    assert.equal(await page.locator('[data-tab="tools"]').getAttribute('aria-selected'), 'true');
    assert.equal(
      await page.locator(`[data-path='["message"]'] input, [data-path='["message"]'] textarea`).first().inputValue(),
      'a draft in progress',
    );
    // A restart of another connection says nothing here.
    await page.locator('[data-action="dismiss-restart"]').click();
    assert.equal(await notice.isHidden(), true);
    await restarted('other.ts changed', 'c-stdio');
    await page.waitForTimeout(200);
    assert.equal(await notice.isHidden(), true);

    await restarted('server.js changed');
    await page.locator('[data-action="rerun-last"]').click();
    await page.waitForFunction(
      `window.__harness.sent.filter((m) => m.kind === 'request' && m.method === 'tools/call').length === 2`,
    );
    const calls = requests(await o.sent(), 'tools/call');
    assert.deepEqual((calls[1].params as { args: unknown }).args, { message: 'before the restart' });
    assert.equal(await notice.isHidden(), true);
    await o.close();
  });

  it('shows the trace with filters, search, a JSON detail view and Copy as curl', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await page.locator('[data-tab="log"]').click();
    const rows = page.locator('[data-role="log-list"] .log-row');
    await rows.nth(4).waitFor();
    assert.equal(await rows.count(), 5);
    await page.locator('[data-role="log-errors"]').click();
    assert.equal(await rows.count(), 1);
    await page.locator('[data-role="log-errors"]').click();
    const dir = page.locator('[data-role="log-direction"]');
    await dir.click();
    await dir.locator('vscode-option', { hasText: 'Received' }).click();
    assert.equal(await rows.count(), 2);
    await dir.click();
    await dir.locator('vscode-option', { hasText: 'Both directions' }).click();
    await page.locator('[data-role="log-search"] input').fill('initialize');
    assert.equal(await rows.count(), 3, 'initialize request, response and notifications/initialized');
    await page.locator('[data-role="log-search"] input').fill('');
    const method = page.locator('[data-role="log-method"]');
    await method.click();
    await method.locator('vscode-option', { hasText: 'tools/call' }).click();
    assert.equal(await rows.count(), 2);
    await rows.first().click();
    await page.locator('[data-role="log-detail"] .json-tree').waitFor();
    assert.match(
      await page.locator('[data-role="log-detail"]').innerText(),
      /tools\/call[\s\S]*arguments[\s\S]*token: "\[REDACTED\]"/,
    );
    await page.locator('[data-action="copy-curl"]').click();
    await page.locator('[data-role="log-copy-status"]', { hasText: 'Copied' }).waitFor();
    const copied = await js<string | undefined>(page, 'window.__harness.clipboard.at(-1)');
    assert.match(copied ?? '', /^curl -X POST .*\$MCP_TOKEN/);
    // Live: entries pushed by the host appear at once.
    await js(
      page,
      `window.__harness.notify('trace/added', { connectionId: 'c-main', entries: [{ seq: 6, time: Date.now(), direction: 'out', kind: 'request', method: 'tools/call', id: 2, size: 10, preview: '{}' }] })`,
    );
    assert.equal(await rows.count(), 3);
    await o.close();
  });

  it('keeps the selection, drafts and history across a reload (getState/setState)', async () => {
    const o = await open(baseFixture());
    const { page } = o;
    await selectTool(page, 'echo');
    await typeInto(page, ['message'], 'draft text');
    await page.locator('[data-action="run"]').click();
    await page.locator('.tool-result').waitFor();
    await selectTool(page, 'createUser');
    await typeInto(page, ['name'], 'Kept');
    await page.waitForTimeout(300); // state is saved debounced (150 ms)
    await page.reload();
    await page.locator('[data-role="tool-detail"] [data-action="run"]').waitFor();
    assert.equal(await page.locator('[data-role="tool-title"]').innerText(), 'Create user');
    assert.equal(await page.locator(`[data-path='["name"]'] input`).inputValue(), 'Kept');
    assert.equal(await page.locator('[data-count-for="history"]').innerText(), '1');
    await o.close();
  });

  it('renders hostile server content as text: no script runs, nothing navigates, the layout holds', async () => {
    const o = await open(hostileFixture());
    const { page } = o;
    const startUrl = page.url();
    await page.locator('[data-role="tool-list"] .item').first().click();
    await page.locator('[data-action="run"]').click();
    await page.locator('.tool-result').waitFor({ timeout: 30_000 });
    assert.ok(
      (await page.locator('[data-role="tool-title"]').innerText()).includes('<script>window.__pwned'),
      'the title shows as literal text',
    );
    assert.ok(
      ((await page.locator('[data-role="tool-list"] .item').first().textContent()) ?? '').includes(
        '<script>window.__pwned',
      ),
    );
    assert.ok(
      (await page.locator('.tool-result').innerText()).includes('<script>window.__pwned'),
      'result text is literal',
    );
    assert.ok(
      (await page.locator('.schema-errors').innerText()).includes(`/${XSS.img} must be one of`),
      'schema errors are literal text',
    );
    // Links never navigate: a resource link with a javascript: URI only offers "Read" over MCP.
    assert.equal(await page.locator('a[href]').count(), 0);
    await page.locator('.tool-result [data-action="read-link"]').click();
    await page.locator('.resource-link .resource-contents').waitFor();
    // The SVG "image" is not shown inline; the bogus MIME type is rejected.
    assert.equal(await page.locator('img.result-image').count(), 0);
    for (const tab of ['resources', 'prompts', 'history', 'log', 'server'] as const) {
      await page.locator(`[data-tab="${tab}"]`).click();
      await page.locator(`[data-panel="${tab}"]`).waitFor();
    }
    await page.locator('[data-tab="resources"]').click();
    await page.locator('[data-role="resource-list"] .item').first().click();
    await page.locator('[data-role="resource-detail"] [data-action="read"]').click();
    await page.locator('[data-role="resource-detail"] .resource-contents').waitFor();
    await page.locator('[data-role="resource-list"] .item').nth(1).click();
    await page.locator('[data-tab="prompts"]').click();
    await page.locator('[data-role="prompt-list"] .item').first().click();
    await page.locator('vscode-text-field[data-arg] input').first().fill(XSS.img);
    await page.locator('[data-action="get"]').click();
    await page.locator('.prompt-messages').waitFor();
    await page.locator('[data-tab="server"]').click();
    // Expand the 1 MB instructions fully: still text.
    await page.locator('[data-panel="server"] .show-more').click();

    const verdict = await js<{
      pwned?: number;
      violations: string[];
      imgX: number;
      inserted: string[];
      scripts: number;
      svg: number;
      scrollWidth: number;
      innerWidth: number;
      sidebar: number;
      mainRight: number;
    }>(page, 'window.__harness.verdict()');
    assert.equal(verdict.pwned, undefined, 'no payload ran');
    assert.deepEqual(verdict.violations, [], 'no CSP violation: nothing even tried to load or run');
    assert.equal(verdict.imgX, 0);
    assert.deepEqual(
      verdict.inserted,
      [],
      "no script, frame, object, link or anchor element was ever inserted besides the page's own",
    );
    assert.equal(verdict.scripts, 0, 'the app replaced the body (its own two script tags) and added none');
    assert.equal(verdict.svg, 0);
    assert.ok(
      verdict.scrollWidth <= verdict.innerWidth,
      `no horizontal overflow (${verdict.scrollWidth} > ${verdict.innerWidth})`,
    );
    assert.ok(verdict.sidebar <= 261, `sidebar keeps its width (${verdict.sidebar})`);
    assert.ok(verdict.mainRight <= verdict.innerWidth + 1);
    assert.equal(page.url(), startUrl, 'nothing navigated');
    assert.ok(HUGE.length === 1 << 20);
    await o.close();
  });

  it('saves screenshots of every tab in light and dark themes', async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      const fixture = baseFixture();
      fixture.theme = theme;
      const o = await open(fixture, { width: 1200, height: 760 });
      const { page } = o;
      await selectTool(page, 'media');
      await page.locator('[data-action="run"]').click();
      await page.locator('.tool-result').waitFor();
      await selectTool(page, 'createUser');
      await typeInto(page, ['email'], 'not-an-email');
      await page.locator('[data-action="add-item"]').first().click();
      await chooseOption(page, ['contact'], 'Phone');
      await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${theme}-tools.png`) });
      await selectTool(page, 'media');
      await page.locator('[data-action="run"]').click();
      await page.locator('.tool-result').waitFor();
      await page.locator('[data-role="tool-detail"] .tool-result').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${theme}-tools-result.png`) });
      await page.locator('[data-tab="resources"]').click();
      await page.locator('[data-role="resource-list"] .item', { hasText: 'Configuration' }).click();
      await page.locator('[data-role="resource-detail"] [data-action="read"]').click();
      await page.locator('[data-role="resource-detail"] .resource-contents').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${theme}-resources.png`) });
      await page.locator('[data-tab="prompts"]').click();
      await page.locator('[data-role="prompt-list"] .item').first().click();
      await page.locator('vscode-text-field[data-arg="name"] input').fill('Ada');
      await page.locator('[data-action="get"]').click();
      await page.locator('.prompt-messages').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${theme}-prompts.png`) });
      await page.locator('[data-tab="history"]').click();
      await page.locator('[data-role="history-list"] .item').first().click();
      await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${theme}-history.png`) });
      await page.locator('[data-tab="log"]').click();
      await page.locator('[data-role="log-list"] .log-row').nth(3).click();
      await page.locator('[data-role="log-detail"] .json-tree').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${theme}-log.png`) });
      await page.locator('[data-tab="server"]').click();
      await page.screenshot({ path: path.join(SCREENSHOTS, `inspector-${theme}-server.png`) });
      await o.close();
    }
    const files = fs.readdirSync(SCREENSHOTS).filter((f) => /^inspector-(light|dark)-/.test(f));
    assert.equal(files.length, 14);
  });
});
