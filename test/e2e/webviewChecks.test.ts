/**
 * Saved checks in the inspector webview (dist/webview.js in real Chromium against the harness host):
 * Save as check under a tool result (the file and name asked, the request saved with its observed
 * status and duration), and the Checks tab (the connection's files, Run all and Run one, ✔/✘ with
 * duration and failed assertions, a file that cannot be used). File and server text stays text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RequestMap } from '../../src/shared/protocol';
import { XSS, baseFixture, type HarnessFixture } from './webviewHarness/fixtures';
import { CHROMIUM_ARGS, REPO_ROOT, js, openHarnessPage, startHarness, type Harness } from './webviewHarness/server';

describe('inspector webview: saved checks (harness, Chromium)', function () {
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
  const savedChecks = (page: Page) =>
    js<Array<RequestMap['checks/save']['params']>>(page, 'window.__harness.savedChecks');
  const checkRuns = (page: Page) => js<Array<RequestMap['checks/run']['params']>>(page, 'window.__harness.checkRuns');
  const runEcho = async (page: Page, message: string) => {
    await page.locator('[data-role="tool-list"] .item[data-name="echo"]').click();
    await page.locator('[data-role="tool-detail"] [data-action="run"]').waitFor();
    // A free-text string is a text area.
    const messageField = `[data-path='${JSON.stringify(['message'])}']`;
    await page.locator(`${messageField} input, ${messageField} textarea`).first().fill(message);
    await page.locator('[data-role="tool-detail"] [data-action="run"]').click();
    await page.locator('.tool-result').waitFor();
  };

  it('Save as check: asks the file (default from the host) and the name, saves the call with its status and duration', async () => {
    const fixture = baseFixture();
    fixture.checks = { files: {}, defaultFile: '.vscode/mcp-lens/Fixture server.json' };
    const o = await open(fixture);
    const { page } = o;
    await runEcho(page, 'hi');
    await page.locator('[data-role="result"] [data-action="save-check"]').click();
    const fileField = page.locator('[data-role="save-check-file"]');
    await fileField.waitFor();
    assert.equal(await fileField.inputValue(), '.vscode/mcp-lens/Fixture server.json');
    assert.equal(await page.locator('[data-role="save-check-name"]').inputValue(), 'echo answers');
    await page.locator('[data-role="save-check-name"]').fill('echo says hi');
    await page.locator('[data-action="save-check-confirm"]').click();
    await page.locator('[data-role="save-check-done"]').waitFor();
    assert.match(
      await page.locator('[data-role="save-check-done"]').innerText(),
      /Saved "echo says hi" to \.vscode\/mcp-lens\/Fixture server\.json/,
    );
    assert.deepEqual(await savedChecks(page), [
      {
        connectionId: 'c-main',
        file: '.vscode/mcp-lens/Fixture server.json',
        name: 'echo says hi',
        kind: 'tool',
        target: 'echo',
        args: { message: 'hi' },
        status: 'ok',
        durationMs: 12,
      },
    ]);
    // The Checks tab lists it.
    await page.locator('[data-tab="checks"]').click();
    const row = page.locator('.checks-file[data-file=".vscode/mcp-lens/Fixture server.json"] .check-row');
    await row.waitFor();
    assert.match(await row.innerText(), /echo says hi[\s\S]*echo/);
    await o.close();
  });

  it('Save as check: says why a save failed, and says so when there is no workspace folder', async () => {
    const fixture = baseFixture();
    fixture.checks = { files: {}, saveError: 'a check named "echo answers" already exists; choose another name.' };
    const o = await open(fixture);
    const { page } = o;
    await runEcho(page, 'hi');
    await page.locator('[data-action="save-check"]').click();
    await page.locator('[data-action="save-check-confirm"]').click();
    await page.locator('[data-role="save-check-status"]', { hasText: 'Not saved' }).waitFor();
    assert.match(
      await page.locator('[data-role="save-check-status"]').innerText(),
      /Not saved: a check named "echo answers" already exists; choose another name\./,
    );
    await o.close();

    const noFolder = baseFixture();
    noFolder.checks = { files: {}, defaultFile: null };
    const o2 = await open(noFolder);
    await runEcho(o2.page, 'hi');
    await o2.page.locator('[data-action="save-check"]').click();
    await o2.page.locator('[data-role="save-check-status"]', { hasText: 'Open a folder first' }).waitFor();
    assert.equal(await o2.page.locator('[data-role="save-check-file"]').count(), 0);
    assert.equal((await savedChecks(o2.page)).length, 0);
    await o2.close();
  });

  it('Checks tab: the connection files, Run all and Run one with ✔/✘, duration and the failed assertions as text', async () => {
    const fixture = baseFixture();
    const file = '.vscode/mcp-lens/main.json';
    fixture.checks = {
      files: {
        'c-main': [
          {
            file,
            checks: [
              { name: 'echo says it back', kind: 'tool', target: 'echo' },
              { name: `sum ${XSS.img}`, kind: 'tool', target: 'get-sum' },
              { name: 'readme', kind: 'resource', target: 'file:///readme.md' },
            ],
          },
          {
            file: `.vscode/mcp-lens/broken${XSS.script}.json`,
            checks: [],
            error: `broken: ${XSS.svg} is not valid JSON`,
          },
        ],
      },
      results: {
        'echo says it back': { passed: true, durationMs: 8.4, failures: [] },
        [`sum ${XSS.img}`]: {
          passed: false,
          durationMs: 15,
          failures: [`$.content[0].text: expected to contain '5', got '${XSS.img}'`, 'took 15 ms, more than 10 ms'],
        },
        readme: { passed: true, durationMs: 3, failures: [] },
      },
    };
    const o = await open(fixture);
    const { page } = o;
    await page.locator('[data-tab="checks"]').click();
    const section = page.locator(`.checks-file[data-file="${file}"]`);
    await section.locator('.check-row').first().waitFor();
    assert.equal(await section.locator('.check-row').count(), 3);
    assert.match(
      await page.locator('[data-role="checks-file-error"]').innerText(),
      /broken: <svg onload=.*> is not valid JSON/,
    );

    await page.locator('[data-action="run-all-checks"]').click();
    await page.locator('[data-role="checks-status"]', { hasText: '2 passed, 1 failed' }).waitFor();
    assert.deepEqual(await checkRuns(page), [{ connectionId: 'c-main' }]);
    const echoRow = section.locator('.check-row[data-check="echo says it back"]');
    assert.equal(await echoRow.locator('[data-role="check-verdict"]').getAttribute('data-passed'), 'true');
    assert.match(await echoRow.innerText(), /✔ passed[\s\S]*8(\.4)? ms/);
    const sumRow = section.locator('.check-row').nth(1);
    assert.equal(await sumRow.locator('[data-role="check-verdict"]').getAttribute('data-passed'), 'false');
    assert.deepEqual(await sumRow.locator('[data-role="check-failures"] li').allInnerTexts(), [
      `$.content[0].text: expected to contain '5', got '${XSS.img}'`,
      'took 15 ms, more than 10 ms',
    ]);
    // Server and file text stays text: no element was made from it, no script ran.
    assert.equal(
      await page.locator('[data-role="checks"] img, [data-role="checks"] svg, [data-role="checks"] script').count(),
      0,
    );
    assert.equal(await js(page, 'window.__pwned'), undefined);

    // Run one: only that check is asked for.
    await echoRow.locator('[data-action="run-check"]').click();
    await page.locator('[data-role="checks-status"]', { hasText: '1 passed, 0 failed' }).waitFor();
    assert.deepEqual((await checkRuns(page))[1], { connectionId: 'c-main', file, name: 'echo says it back' });
    await o.close();
  });

  it('Checks tab: says there are none yet for a connection without files', async () => {
    const fixture = baseFixture();
    fixture.checks = { files: {} };
    const o = await open(fixture);
    await o.page.locator('[data-tab="checks"]').click();
    await o.page.locator('[data-role="checks-empty"]').waitFor();
    assert.match(await o.page.locator('[data-role="checks-empty"]').innerText(), /No saved checks for this connection/);
    await o.close();
  });
});
