import * as assert from 'node:assert/strict';
import { OAuthFlowError } from '../../../src/core/auth/errors.js';
import { LoopbackRedirect, renderCallbackPage } from '../../../src/core/auth/loopback.js';

describe('LoopbackRedirect', () => {
  it('listens on 127.0.0.1 /callback before prepare() resolves, resolves the callback, serves a success page after complete()', async () => {
    const lb = new LoopbackRedirect();
    const p = await lb.prepare({ state: 'S1', serverName: 'Demo <b>server</b>' });
    assert.match(p.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(lb.listeningCount, 1);
    const waiting = p.waitForCallback(new AbortController().signal);
    const pageP = fetch(`${p.redirectUri}?code=C&state=S1&iss=https%3A%2F%2Fas`);
    const params = await waiting;
    assert.equal(params.get('code'), 'C');
    assert.equal(params.get('iss'), 'https://as');
    p.complete!({ ok: true });
    const page = await pageP;
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /You are signed in to Demo &lt;b&gt;server&lt;\/b&gt;\./);
    assert.match(
      page.headers.get('content-security-policy')!,
      /default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-[^']+'/,
    );
    p.dispose();
    assert.equal(lb.listeningCount, 0);
  });

  it('rejects an unknown state (dedicated listener: the flow fails with state-mismatch) and answers 400', async () => {
    const lb = new LoopbackRedirect();
    const p = await lb.prepare({ state: 'GOOD', serverName: 'x' });
    const rejected = assert.rejects(
      p.waitForCallback(new AbortController().signal),
      (e: unknown) => e instanceof OAuthFlowError && e.code === 'state-mismatch',
    );
    const res = await fetch(`${p.redirectUri}?code=C&state=EVIL`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /does not belong to a sign-in in progress/);
    await rejected;
    p.dispose();
    assert.equal(lb.listeningCount, 0);
  });

  it('is single-use: a duplicate callback is rejected and the listener closes after dispose', async () => {
    const lb = new LoopbackRedirect({ pageHoldMs: 200 });
    const p = await lb.prepare({ state: 'S', serverName: 'x' });
    const waiting = p.waitForCallback(new AbortController().signal);
    const first = fetch(`${p.redirectUri}?code=C&state=S`);
    await waiting;
    const dup = await fetch(`${p.redirectUri}?code=C2&state=S`);
    assert.equal(dup.status, 400);
    p.complete!({ ok: false, message: 'token <exchange> failed' });
    const page = await (await first).text();
    assert.match(page, /token &lt;exchange&gt; failed/);
    p.dispose();
    await assert.rejects(fetch(`${p.redirectUri}?code=C&state=S`));
  });

  it('abort rejects with cancelled and closes the listener', async () => {
    const lb = new LoopbackRedirect();
    const p = await lb.prepare({ state: 'S', serverName: 'x' });
    const c = new AbortController();
    const waiting = p.waitForCallback(c.signal);
    c.abort();
    await assert.rejects(waiting, (e: unknown) => e instanceof OAuthFlowError && e.code === 'cancelled');
    assert.equal(lb.listeningCount, 0);
    await assert.rejects(fetch(`${p.redirectUri}?state=S&code=x`));
  });

  it('a fixed port serves several flows keyed by state; unknown states do not fail them', async () => {
    const probe = new LoopbackRedirect();
    const tmp = await probe.prepare({ state: 'p', serverName: 'x' });
    const port = Number(new URL(tmp.redirectUri).port);
    tmp.dispose();
    const lb = new LoopbackRedirect({ port });
    const a = await lb.prepare({ state: 'A', serverName: 'a' });
    const b = await lb.prepare({ state: 'B', serverName: 'b' });
    assert.equal(a.redirectUri, b.redirectUri);
    assert.equal(lb.listeningCount, 1);
    const wa = a.waitForCallback(new AbortController().signal);
    const wb = b.waitForCallback(new AbortController().signal);
    assert.equal((await fetch(`${a.redirectUri}?state=ZZZ&code=x`)).status, 400);
    void fetch(`${b.redirectUri}?state=B&code=cb`);
    void fetch(`${a.redirectUri}?state=A&code=ca`);
    assert.equal((await wa).get('code'), 'ca');
    assert.equal((await wb).get('code'), 'cb');
    a.complete!({ ok: true });
    b.complete!({ ok: true });
    a.dispose();
    assert.equal(lb.listeningCount, 1);
    b.dispose();
    assert.equal(lb.listeningCount, 0);
  });

  it('only /callback with GET is served', async () => {
    const lb = new LoopbackRedirect();
    const p = await lb.prepare({ state: 'S', serverName: 'x' });
    const base = new URL(p.redirectUri);
    assert.equal((await fetch(new URL('/other?state=S&code=x', base))).status, 404);
    assert.equal((await fetch(p.redirectUri + '?state=S&code=x', { method: 'POST' })).status, 404);
    p.dispose();
  });

  it('externalize() is consulted; the 127.0.0.1 URI is registered unless useExternalUri', async () => {
    const seen: string[] = [];
    const lb = new LoopbackRedirect({ externalize: async (u) => (seen.push(u), 'https://tunnel.example/cb') });
    const p = await lb.prepare({ state: 'S', serverName: 'x' });
    assert.match(p.redirectUri, /^http:\/\/127\.0\.0\.1:/);
    assert.equal(seen.length, 1);
    p.dispose();
    const lb2 = new LoopbackRedirect({ externalize: async () => 'https://tunnel.example/cb', useExternalUri: true });
    const p2 = await lb2.prepare({ state: 'S', serverName: 'x' });
    assert.equal(p2.redirectUri, 'https://tunnel.example/cb');
    p2.dispose();
  });

  it('renders pages with everything escaped and a nonce CSP', () => {
    const { html, csp } = renderCallbackPage('failure', '"><img src=x onerror=alert(1)>', '<script>x</script>');
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('<script>x'));
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    assert.ok(html.includes(`nonce="${nonce}"`));
    assert.ok(!renderCallbackPage('failure', 'x').html.includes('<script'), 'no script on failure pages');
  });
});
