import * as assert from 'node:assert/strict';
import { parseBearerChallenge } from '../../../src/core/auth/engine.js';
import { maskBody, maskHeaders, maskUrl } from '../../../src/core/auth/redact.js';

describe('auth redaction and challenge parsing', () => {
  it('masks secret query parameters and userinfo, keeps the rest', () => {
    const out = maskUrl('http://user:pw@127.0.0.1:5/callback?code=abc&state=xyz&iss=https%3A%2F%2Fas');
    assert.ok(!out.includes('abc') && !out.includes('pw'));
    assert.match(out, /state=xyz/);
    assert.match(out, /code=\*\*\*/);
  });

  it('masks Authorization and cookies but keeps the scheme', () => {
    const h = maskHeaders(
      new Headers({ Authorization: 'Bearer secret-token', Cookie: 'a=b', Accept: 'application/json' }),
    );
    assert.equal(h.authorization, 'Bearer ***');
    assert.equal(h.cookie, '***');
    assert.equal(h.accept, 'application/json');
  });

  it('masks the code in a redirect Location, absolute or relative', () => {
    const abs = maskHeaders(new Headers({ Location: 'http://127.0.0.1:5/callback?code=C0DE&state=s1' })).location!;
    assert.ok(!abs.includes('C0DE'));
    assert.match(abs, /^http:\/\/127\.0\.0\.1:5\/callback\?code=\*\*\*&state=s1$/);
    assert.equal(maskHeaders(new Headers({ Location: '/callback?code=C0DE&x=1' })).location, '/callback?code=***&x=1');
    assert.equal(maskHeaders(new Headers({ Location: '/login' })).location, '/login');
  });

  it('masks secrets in a fragment (implicit and hybrid responses), keeps a plain anchor', () => {
    const out = maskHeaders(
      new Headers({ Location: 'http://127.0.0.1:5/cb#access_token=T0KEN&token_type=Bearer&code=C0DE&state=s1' }),
    ).location!;
    assert.ok(!out.includes('T0KEN') && !out.includes('C0DE'), out);
    assert.equal(out, 'http://127.0.0.1:5/cb#access_token=***&token_type=Bearer&code=***&state=s1');
    assert.equal(maskUrl('http://127.0.0.1:5/docs#section-2'), 'http://127.0.0.1:5/docs#section-2');
  });

  it('masks tokens, secrets, codes and verifiers in JSON and form bodies', () => {
    const json = maskBody(
      JSON.stringify({
        access_token: 'A',
        refresh_token: 'R',
        client_secret: 'S',
        nested: { id_token: 'I' },
        scope: 'x',
      }),
      'application/json',
    )!;
    for (const s of ['"A"', '"R"', '"S"', '"I"']) assert.ok(!json.includes(s), s);
    assert.match(json, /"scope":"x"/);
    const form = maskBody(
      'grant_type=authorization_code&code=C0DE&code_verifier=VER&client_secret=SEC&resource=https%3A%2F%2Fr',
      'application/x-www-form-urlencoded',
    )!;
    for (const s of ['C0DE', 'VER', 'SEC']) assert.ok(!form.includes(s), s);
    assert.match(form, /grant_type=authorization_code/);
    assert.match(form, /resource=/);
  });

  it('parses WWW-Authenticate Bearer challenges (RFC 6750 §3, RFC 9728 §5.1)', () => {
    assert.deepEqual(
      parseBearerChallenge(
        'Bearer resource_metadata="https://a/.well-known/oauth-protected-resource/mcp", scope="a b"',
      ),
      {
        resourceMetadataUrl: 'https://a/.well-known/oauth-protected-resource/mcp',
        scope: 'a b',
      },
    );
    assert.deepEqual(
      parseBearerChallenge('Bearer error="insufficient_scope", scope="x", error_description="need \\"x\\""'),
      {
        error: 'insufficient_scope',
        scope: 'x',
      },
    );
    assert.deepEqual(parseBearerChallenge('Bearer error=invalid_token'), { error: 'invalid_token' });
    assert.deepEqual(parseBearerChallenge('Basic realm="x"'), {});
    assert.deepEqual(parseBearerChallenge(null), {});
  });
});
