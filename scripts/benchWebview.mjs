#!/usr/bin/env node
/**
 * Inspector webview performance, measured in real Chromium on the Playwright harness
 * (test/e2e/webviewHarness) with the built dist/webview.js:
 * - 2,000 tools: time until the list is rendered, and per keystroke of a filter query the
 *   main-thread time of the input handler plus the style/layout it causes (budget: 100 ms);
 * - a 5 MB tool result (JSON text, then plain text): time until it shows, and every long task
 *   (PerformanceObserver 'longtask') on the way (budget: none over 200 ms);
 * - the size of dist/webview.js, and of a production (minified) build of the same entry, gzipped.
 *
 * `benchWebview()` returns the figures (scripts/bench.ts prints them); run directly, this file
 * prints them and exits 1 when a budget is exceeded. Needs `node esbuild.mjs` first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { require as tsxRequire } from 'tsx/cjs/api';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUDGETS = { keystrokeMs: 100, longTaskMs: 200 };

const WORDS = [
  'database',
  'query',
  'file',
  'search',
  'index',
  'user',
  'account',
  'image',
  'render',
  'network',
  'cache',
  'token',
  'report',
  'export',
  'schedule',
  'message',
];

function manyTools(n) {
  return Array.from({ length: n }, (_, i) => ({
    name: `tool_${i}`,
    title: `Tool ${i} ${WORDS[i % WORDS.length]}`,
    description: `Does ${WORDS[(i * 7) % WORDS.length]} work on ${WORDS[(i * 3) % WORDS.length]} ${WORDS[(i * 5) % WORDS.length]} items, number ${i}.`,
    inputSchema: {
      type: 'object',
      properties: { q: { type: 'string' }, limit: { type: 'integer', minimum: 1 } },
      required: ['q'],
    },
    annotations: i % 10 === 0 ? { readOnlyHint: true } : undefined,
  }));
}

function bigJsonText(bytes) {
  const rows = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const row = { id: i, name: `row ${i}`, tags: ['a', 'b', 'c'], nested: { value: i * 1.5, note: 'x'.repeat(40) } };
    size += JSON.stringify(row).length + 1;
    rows.push(row);
  }
  return JSON.stringify(rows);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function bundleSizes() {
  const devFile = path.join(ROOT, 'dist/webview.js');
  const dev = fs.readFileSync(devFile);
  const prod = await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const min = prod.outputFiles[0].contents;
  return { devBytes: dev.length, minifiedBytes: min.length, minifiedGzipBytes: gzipSync(min).length };
}

export async function benchWebview() {
  if (!fs.existsSync(path.join(ROOT, 'dist/webview.js'))) {
    throw new Error('dist/webview.js is missing: run node esbuild.mjs');
  }
  const { startHarness, CHROMIUM_ARGS } = tsxRequire('../test/e2e/webviewHarness/server.ts', import.meta.url);
  const { baseFixture } = tsxRequire('../test/e2e/webviewHarness/fixtures.ts', import.meta.url);
  const harness = await startHarness();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    // ---- 2,000 tools ----
    const fixture = baseFixture();
    const tools = manyTools(2000);
    fixture.details['c-main'].tools = tools;
    fixture.connections[0].counts.tools = tools.length;
    const JSON5MB = bigJsonText(5 * 1024 * 1024);
    const TEXT5MB = 'lorem ipsum dolor sit amet, '.repeat(Math.ceil((5 * 1024 * 1024) / 28)).slice(0, 5 * 1024 * 1024);
    fixture.details['c-main'].tools.push(
      { name: 'bigJson', description: 'returns 5 MB of JSON text', inputSchema: { type: 'object', properties: {} } },
      { name: 'bigText', description: 'returns 5 MB of plain text', inputSchema: { type: 'object', properties: {} } },
    );
    fixture.tools.bigJson = { result: { content: [{ type: 'text', text: JSON5MB }] } };
    fixture.tools.bigText = { result: { content: [{ type: 'text', text: TEXT5MB }] } };

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(`window.__harnessFixture = ${JSON.stringify(fixture)};`);
    await page.addInitScript(`
      window.__longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
    `);
    await page.goto(harness.url);
    await page.waitForFunction('document.querySelectorAll("[data-role=tool-list] .item").length === 2002', undefined, {
      timeout: 60_000,
    });
    const listReadyMs = await page.evaluate('performance.now()');
    const loadLongTasks = await page.evaluate('window.__longTasks.map((t) => Math.round(t.duration))');

    // Per keystroke: set the field's value as typing does, dispatch input, force style + layout.
    const query = 'tool 12 search';
    const keystrokes = await page.evaluate(`(async () => {
      const field = document.querySelector('[data-role="tool-filter"]');
      const out = [];
      const step = async (value) => {
        const t0 = performance.now();
        field.value = value;
        field.dispatchEvent(new Event('input', { bubbles: true }));
        void document.body.offsetHeight;
        const sync = performance.now() - t0;
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        out.push({ value, syncMs: sync, frameMs: performance.now() - t0, visible: document.querySelectorAll('[data-role="tool-list"] .item:not([hidden])').length });
      };
      const q = ${JSON.stringify(query)};
      for (let i = 1; i <= q.length; i++) await step(q.slice(0, i));
      for (let i = q.length - 1; i >= 0; i--) await step(q.slice(0, i));
      return out;
    })()`);
    // And through real key events (Playwright keyboard), watching for long tasks.
    await page.evaluate('window.__longTasks.length = 0');
    await page.locator('[data-role="tool-filter"] input').click();
    const typedStart = Date.now();
    await page.keyboard.type('network cache', { delay: 0 });
    const typedMs = Date.now() - typedStart;
    const typingLongTasks = await page.evaluate('window.__longTasks.map((t) => Math.round(t.duration))');
    await page.locator('[data-role="tool-filter"] input').fill('');

    // ---- 5 MB results ----
    const big = {};
    for (const name of ['bigJson', 'bigText']) {
      await page.locator(`[data-role="tool-list"] .item[data-name="${name}"]`).click();
      await page.evaluate('window.__longTasks.length = 0');
      const t0 = await page.evaluate('performance.now()');
      await page.locator('[data-action="run"]').click();
      await page.locator('[data-role="result"] .tool-result').waitFor({ timeout: 60_000 });
      const shownMs = (await page.evaluate('performance.now()')) - t0;
      await page.waitForTimeout(300); // let trailing tasks (history, state save) finish and be observed
      const longTasks = await page.evaluate('window.__longTasks.map((t) => Math.round(t.duration))');
      big[name] = {
        bytes: name === 'bigJson' ? JSON5MB.length : TEXT5MB.length,
        shownMs: Math.round(shownMs),
        longTasksMs: longTasks,
        maxLongTaskMs: Math.max(0, ...longTasks),
      };
    }
    await context.close();

    const sync = keystrokes.map((k) => k.syncMs);
    const frame = keystrokes.map((k) => k.frameMs);
    const result = {
      tools: 2000,
      listReadyMs: Math.round(listReadyMs),
      loadLongTasksMs: loadLongTasks,
      keystroke: {
        count: keystrokes.length,
        syncMedianMs: +median(sync).toFixed(2),
        syncMaxMs: +Math.max(...sync).toFixed(2),
        toNextFrameMedianMs: +median(frame).toFixed(2),
        toNextFrameMaxMs: +Math.max(...frame).toFixed(2),
        visibleAfterQuery: keystrokes[query.length - 1].visible,
        perKeySyncMs: process.env.BENCH_VERBOSE
          ? keystrokes.map((k) => `${k.value}:${k.syncMs.toFixed(1)}/${k.visible}`)
          : undefined,
      },
      typing: { keys: 'network cache'.length, totalMs: typedMs, longTasksMs: typingLongTasks },
      bigResult: big,
      bundle: await bundleSizes(),
    };
    result.withinBudget =
      result.keystroke.toNextFrameMaxMs < BUDGETS.keystrokeMs &&
      Object.values(big).every((b) => b.maxLongTaskMs <= BUDGETS.longTaskMs);
    return result;
  } finally {
    await browser.close();
    await harness.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const result = await benchWebview();
  console.log(JSON.stringify(result, null, 2));
  if (!result.withinBudget) {
    console.error(`Over budget: keystroke < ${BUDGETS.keystrokeMs} ms, long tasks <= ${BUDGETS.longTaskMs} ms.`);
    process.exitCode = 1;
  }
}
