import { strict as assert } from 'node:assert';
import { startLaunchRedirect } from '../../../src/core/auth/launchRedirect';

describe('auth: launch redirect for the system browser', () => {
  const target =
    'http://127.0.0.1:9/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback%3Fvscode-reqid%3D1%26vscode-scheme%3Dcode-oss&state=s%2B1';

  it('redirects once to the exact URL, byte for byte, then refuses and closes', async () => {
    const launch = await startLaunchRedirect(target);
    assert.match(launch.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp-lens\/launch\/[0-9a-f]{32}$/);
    const first = await fetch(launch.url, { redirect: 'manual' });
    assert.equal(first.status, 302);
    assert.equal(first.headers.get('location'), target);
    assert.equal(await launch.used, true);
    await assert.rejects(
      fetch(launch.url, { redirect: 'manual', signal: AbortSignal.timeout(2000) }).then((r) =>
        r.status === 410 ? Promise.reject(new Error('gone')) : r,
      ),
    );
  });

  it('answers through a forwarder that adds a path prefix (code-server /proxy/PORT)', async () => {
    const launch = await startLaunchRedirect(target);
    const { origin, pathname } = new URL(launch.url);
    const res = await fetch(`${origin}/proxy/1234${pathname}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    launch.close();
  });

  it('does not answer a guessed path, and refuses non-http targets', async () => {
    const launch = await startLaunchRedirect(target);
    const res = await fetch(`${new URL(launch.url).origin}/mcp-lens/launch/guess`, { redirect: 'manual' });
    assert.equal(res.status, 404);
    launch.close();
    assert.equal(await launch.used, false);
    await assert.rejects(startLaunchRedirect('javascript:alert(1)'), /Refusing to open a javascript: URL/);
  });

  it('closes by itself after the timeout', async () => {
    const launch = await startLaunchRedirect(target, 50);
    assert.equal(await launch.used, false);
  });
});
