/**
 * Serves the inspector page for Playwright on 127.0.0.1 (port 0): the same HTML and CSP as the
 * real panel (src/extension/inspector/html.ts), with harness.js (the host side of the protocol)
 * loaded before dist/webview.js. Only files under a few prefixes are served.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { WebviewToHostMessage } from '../../../src/shared/protocol';
import { inspectorHtml, newNonce } from '../../../src/extension/inspector/html';
import type { HarnessFixture } from './fixtures';
import { CHROMIUM_ARGS as CODE_SERVER_CHROMIUM_ARGS } from '../../../scripts/codeServer.mjs';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

const ALLOWED = ['dist/', 'media/', 'test/e2e/webviewHarness/'];
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface Harness {
  url: string;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/harness.html') {
      const origin = `http://${req.headers.host}`;
      const html = inspectorHtml({
        cspSource: origin,
        nonce: newNonce(),
        scriptUri: `${origin}/dist/webview.js`,
        styleUris: [`${origin}/dist/codicons/codicon.css`, `${origin}/media/inspector.css`],
        preScriptUris: [`${origin}/test/e2e/webviewHarness/harness.js`],
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(REPO_ROOT, rel);
    if (
      !ALLOWED.some((p) => rel.startsWith(p)) ||
      !file.startsWith(REPO_ROOT + path.sep) ||
      !fs.existsSync(file) ||
      !fs.statSync(file).isFile()
    ) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The one list of Chromium flags (offline, headless, no sandbox in containers), shared with the code-server tests. */
export const CHROMIUM_ARGS = [...CODE_SERVER_CHROMIUM_ARGS];

/** Evaluates an expression in the page (strings keep DOM types out of these Node-typed files). */
export function js<T = unknown>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

export interface HarnessPage {
  page: Page;
  /** Every message the webview sent to the (harness) host so far. */
  sent(): Promise<WebviewToHostMessage[]>;
  /** Closes the page, asserting that it threw no uncaught error. */
  close(): Promise<void>;
}

/**
 * Opens the inspector in a fresh browser context with `fixture` as the host's data, and waits for
 * `ready` (a selector that shows the page has rendered what the test needs).
 */
export async function openHarnessPage(
  browser: Browser,
  harness: Harness,
  fixture: HarnessFixture,
  opts: { ready: string; viewport?: { width: number; height: number } },
): Promise<HarnessPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The fixture as a script (CDP init scripts run before the page's own, whatever its CSP).
  await page.addInitScript(`window.__harnessFixture = ${JSON.stringify(fixture)};`);
  await page.goto(harness.url);
  await page.locator(opts.ready).first().waitFor();
  return {
    page,
    sent: () => js<WebviewToHostMessage[]>(page, 'window.__harness.sent'),
    close: async () => {
      assert.deepEqual(errors, [], 'no uncaught errors in the page');
      await context.close();
    },
  };
}
