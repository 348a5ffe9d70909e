/**
 * Serves the inspector page for Playwright on 127.0.0.1 (port 0): the same HTML and CSP as the
 * real panel (src/extension/inspector/html.ts), with harness.js (the host side of the protocol)
 * loaded before dist/webview.js. Only files under a few prefixes are served.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { inspectorHtml, newNonce } from '../../../src/extension/inspector/html';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

const ALLOWED = ['dist/', 'media/', 'test/e2e/webviewHarness/'];
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

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
    if (!ALLOWED.some((p) => rel.startsWith(p)) || !file.startsWith(REPO_ROOT + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
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

/** Chromium flags from /work/shared/docs/real-vscode-testing.md (offline, headless, no sandbox in containers). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
