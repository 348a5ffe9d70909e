/**
 * A one-shot loopback redirect to the authorization URL, for opening the system browser.
 *
 * Measured in code-server: `env.openExternal` re-encodes the query of the URL it opens (and
 * rewrites loopback URLs to its /proxy/PORT/ forwarder), which splits a `redirect_uri` that
 * carries its own encoded query, as code-server's callback URL does. A URL with no query
 * survives any such rewriting, and the browser follows a 302 `Location` byte for byte. So the
 * browser is sent to `http://127.0.0.1:<port>/mcp-lens/launch/<random>`, which answers once with
 * a redirect to the exact authorization URL, then closes.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LaunchRedirect {
  /** The URL to open in the browser. */
  readonly url: string;
  /** Resolves when the browser has been redirected (or the launch was closed). */
  readonly used: Promise<boolean>;
  close(): void;
}

export async function startLaunchRedirect(target: string, timeoutMs = 5 * 60_000): Promise<LaunchRedirect> {
  const protocol = new URL(target).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(`Refusing to open a ${protocol} URL in the browser.`);
  }
  const path = `/mcp-lens/launch/${randomBytes(16).toString('hex')}`;
  let markUsed!: (used: boolean) => void;
  const used = new Promise<boolean>((resolve) => (markUsed = resolve));
  let done = false;
  const server = http.createServer((req, res) => {
    const headers = {
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'Content-Type': 'text/plain; charset=utf-8',
    };
    // code-server's forwarder strips its /proxy/PORT prefix; match on the path suffix regardless.
    const requestPath = (req.url ?? '').split('?')[0];
    if (done || req.method !== 'GET' || !requestPath.endsWith(path)) {
      res
        .writeHead(done ? 410 : 404, headers)
        .end(done ? 'This sign-in link was already used. Start the sign-in again from MCP Lens.' : 'Not found.');
      return;
    }
    res.writeHead(302, { ...headers, Location: target }).end('Redirecting to the sign-in page…');
    close(true);
  });
  const timer = setTimeout(() => close(false), timeoutMs);
  timer.unref();
  function close(wasUsed: boolean): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    // Let the redirect response flush, then stop listening.
    setImmediate(() => server.close());
    server.closeIdleConnections?.();
    markUsed(wasUsed);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, used, close: () => close(false) };
}
