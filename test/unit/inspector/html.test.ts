import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, inspectorHtml, newNonce } from '../../../src/extension/inspector/html';

describe('extension/inspector/html', () => {
  it('has a strict CSP: nothing by default, nonce scripts, own-origin styles and fonts, data: images', () => {
    const csp = contentSecurityPolicy('https://res.test', 'n0nce0123456789abcdef');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-n0nce0123456789abcdef'; style-src https://res.test 'nonce-n0nce0123456789abcdef'; font-src https://res.test; img-src https://res.test data:; media-src data:; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'",
    );
    assert.ok(!csp.includes('unsafe'));
  });

  it('renders the page with the nonce on every script and no inline code', () => {
    const nonce = newNonce();
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.notEqual(nonce, newNonce());
    const html = inspectorHtml({
      cspSource: 'https://res.test',
      nonce,
      scriptUri: 'https://res.test/dist/webview.js',
      styleUris: ['https://res.test/a.css'],
      preScriptUris: ['https://res.test/h.js'],
    });
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.match(s, new RegExp(`nonce="${nonce}" src="https://res\\.test/`));
    assert.ok(!/<script[^>]*>[^<]+<\/script>/.test(html), 'no inline script bodies');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline handlers');
    assert.match(html, /<meta property="csp-nonce" content="[0-9a-f]{32}">/);
    assert.throws(
      () => inspectorHtml({ cspSource: 'x', nonce: "'; script-src *", scriptUri: 'x', styleUris: [] }),
      /nonce/,
    );
  });

  it('escapes resource URIs in attributes', () => {
    const html = inspectorHtml({
      cspSource: 'https://r',
      nonce: newNonce(),
      scriptUri: 'https://r/x.js?a="><b>',
      styleUris: [],
    });
    assert.ok(html.includes('src="https://r/x.js?a=&quot;&gt;&lt;b&gt;"'));
  });
});
