import * as assert from 'node:assert/strict';
import { flowTraceToJson, flowTraceToMarkdown, sanitizeTrace, type FlowTrace } from '../../../src/core/auth/flowReport';

function trace(): FlowTrace {
  return {
    resource: 'http://127.0.0.1:8000/mcp',
    serverName: 'demo <b>x</b>',
    mode: 'step',
    state: 'failed',
    startedAt: Date.UTC(2025, 0, 1),
    finishedAt: Date.UTC(2025, 0, 1) + 1500,
    error: 'refused [link](javascript:alert(1))',
    steps: [
      {
        id: 'authorization',
        index: 5,
        title: 'Authorization request',
        status: 'pass',
        summary: 'Opens it',
        details: [],
        params: [
          { name: 'state', value: 'raw-state-value', meaning: 'csrf' },
          { name: 'client_id', value: 'abc', meaning: 'who' },
        ],
        exchanges: [
          {
            request: {
              method: 'GET',
              url: 'http://127.0.0.1:8000/authorize?client_id=abc&state=raw-state-value&code_challenge=xyz',
              headers: {},
            },
            durationMs: 0,
          },
        ],
        checks: [{ status: 'pass', summary: 'PKCE with S256.', spec: 'OAuth 2.1 §4.1.1' }],
        startedAt: 1,
        durationMs: 3,
      },
      {
        id: 'token',
        index: 7,
        title: 'Token request',
        status: 'fail',
        summary: 'refused ```` fence',
        details: [],
        exchanges: [
          {
            request: {
              method: 'POST',
              url: 'http://127.0.0.1:8000/token',
              headers: { authorization: 'Basic c2VjcmV0', 'content-type': 'application/x-www-form-urlencoded' },
              body: 'grant_type=authorization_code&code=raw-code&code_verifier=raw-verifier&state=raw-state-value',
            },
            response: {
              status: 400,
              headers: { 'content-type': 'application/json' },
              body: '{"error":"invalid_grant","error_description":"````","access_token":"raw-token"}',
            },
            durationMs: 12,
          },
        ],
        checks: [{ status: 'fail', summary: 'The token request was refused.', spec: 'RFC 6749 §5.2' }],
        startedAt: 2,
        durationMs: 12,
      },
    ],
  };
}

describe('flow debugger trace export', () => {
  it('masks state, codes, verifiers, tokens and credentials by name, whatever was stored', () => {
    const t = sanitizeTrace(trace());
    const all = JSON.stringify(t) + flowTraceToMarkdown(trace()) + flowTraceToJson(trace());
    for (const secret of ['raw-state-value', 'raw-code', 'raw-verifier', 'raw-token', 'c2VjcmV0']) {
      assert.ok(!all.includes(secret), `${secret} leaked`);
    }
    assert.equal(t.steps[0].params?.[0].value, '***');
    assert.equal(t.steps[0].params?.[1].value, 'abc');
    assert.match(t.steps[0].exchanges[0].request.url, /code_challenge=xyz/);
    assert.equal(t.steps[1].exchanges[0].request.headers.authorization, 'Basic ***');
  });

  it('writes Markdown with a step table, checks with their spec, and server text escaped', () => {
    const md = flowTraceToMarkdown(trace());
    assert.match(md, /^# MCP Lens OAuth flow/);
    assert.match(md, /\| 5 \| Authorization request \| ✅ PASS \| 3 ms \|/);
    assert.match(md, /## 7\. Token request — ❌ FAIL/);
    assert.match(md, /- ✅ PKCE with S256\. _\(OAuth 2\.1 §4\.1\.1\)_/);
    assert.match(md, /\| state \| \\\*\\\*\\\* \| csrf \|/);
    assert.ok(md.includes('demo &lt;b&gt;x&lt;/b&gt;'), 'HTML in a server name is escaped');
    assert.ok(md.includes('refused \\[link\\](javascript:alert(1))'), 'no link can be injected');
    assert.ok(md.includes('`````http'), 'the fence is longer than any backtick run inside');
    assert.ok(md.includes('refused \\`\\`\\`\\` fence'), 'backticks in a summary are escaped');
    const json = JSON.parse(flowTraceToJson(trace())) as FlowTrace;
    assert.equal(json.steps.length, 2);
    assert.equal(json.state, 'failed');
  });
});
