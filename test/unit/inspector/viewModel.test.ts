import * as assert from 'node:assert/strict';
import type { HttpConnectionConfig } from '../../../src/core/config';
import { Connection } from '../../../src/core/connection';
import { TraceBuffer } from '../../../src/core/trace';
import {
  buildCurl,
  defaultAuthStatus,
  displayCommand,
  displayUrl,
  toConnectionView,
  toJson,
  toToolView,
  toTraceView,
} from '../../../src/extension/inspector/viewModel';

describe('extension/inspector/viewModel (what the webview may see)', () => {
  it('masks URL credentials and every query value', () => {
    assert.equal(
      displayUrl('https://user:pw@api.example.com/mcp?key=abc&x=1'),
      'https://api.example.com/mcp?key=…&x=…',
    );
    assert.equal(displayUrl('not a url'), '(invalid URL)');
  });

  it('masks secret-looking command-line values', () => {
    assert.equal(
      displayCommand('npx', [
        '-y',
        'server',
        '--api-key',
        's3cr3t',
        '--port',
        '3000',
        'TOKEN=abc',
        '--token=xyz',
        'Bearer abc',
      ]),
      'npx -y server --api-key … --port 3000 TOKEN=… --token=… …',
    );
  });

  it('builds a connection view without headers, env or secret values', () => {
    const config: HttpConnectionConfig = {
      id: 'c1',
      name: 'API',
      transport: 'streamable-http',
      url: 'https://x.test/mcp?token=zzz',
      headers: { 'X-Team': 'blue' },
      secretHeaders: ['Authorization'],
    };
    const c = new Connection(config);
    const view = toConnectionView(c, defaultAuthStatus(c), true);
    const text = JSON.stringify(view);
    assert.ok(!text.includes('zzz') && !text.includes('blue') && !text.includes('Authorization'), text);
    assert.deepEqual(
      [view.state, view.auth, view.target],
      ['disconnected', { state: 'not-needed' }, 'https://x.test/mcp?token=…'],
    );
    const stdio = new Connection({
      id: 's',
      name: 'S',
      transport: 'stdio',
      command: 'node',
      args: ['s.js'],
      env: { API_KEY: 'topsecret' },
    });
    assert.ok(!JSON.stringify(toConnectionView(stdio, { state: 'not-needed' }, true)).includes('topsecret'));
  });

  it('maps tools to plain JSON views', () => {
    const view = toToolView({
      name: 't',
      inputSchema: { type: 'object', properties: { a: { type: 'number', default: undefined } } },
      annotations: { destructiveHint: true, title: 'T' },
    } as never);
    assert.deepEqual(view, {
      name: 't',
      title: undefined,
      description: undefined,
      inputSchema: { type: 'object', properties: { a: { type: 'number' } } },
      outputSchema: undefined,
      annotations: {
        title: 'T',
        readOnlyHint: undefined,
        destructiveHint: true,
        idempotentHint: undefined,
        openWorldHint: undefined,
      },
    });
    assert.deepEqual(toJson({ a: Number.NaN, b: () => 1, c: [undefined] }), { a: null, c: [null] });
  });

  it('sends trace entries with a bounded preview of the (already redacted) message', () => {
    const buffer = new TraceBuffer();
    const entry = buffer.add({
      time: 1,
      direction: 'out',
      kind: 'request',
      method: 'tools/call',
      id: 1,
      size: 10,
      message: { big: 'x'.repeat(5000) },
    });
    const view = toTraceView(entry);
    assert.equal(view.preview.length, 2000);
    assert.equal(view.method, 'tools/call');
  });

  describe('buildCurl', () => {
    const config: HttpConnectionConfig = {
      id: 'c',
      name: 'API',
      transport: 'streamable-http',
      url: 'https://api.test/mcp?api_key=LEAK1&region=eu',
      headers: { 'X-Team': 'blue', 'X-Api-Key': 'LEAK2', Other: 'Bearer LEAK3' },
      secretHeaders: ['Authorization', 'X-Secret'],
    };
    const message = {
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'echo', arguments: { token: 'LEAK4', text: 'hi', note: 'Bearer LEAK5' } },
    };

    it('never contains a secret: secret headers, tokens and secret query values become $VARIABLES', () => {
      const curl = buildCurl(config, message, { protocolVersion: '2025-06-18', oauth: true });
      for (const leak of ['LEAK1', 'LEAK2', 'LEAK3', 'LEAK4', 'LEAK5']) {
        assert.ok(!curl.includes(leak), `${leak} leaked:\n${curl}`);
      }
      assert.match(curl, /^curl -sS -X POST "https:\/\/api\.test\/mcp\?api_key=\$\{MCP_QUERY_API_KEY\}&region=eu"/);
      assert.match(curl, /-H 'X-Team: blue'/);
      assert.match(curl, /-H "X-Api-Key: \$MCP_HEADER_X_API_KEY"/);
      assert.match(curl, /-H "Authorization: \$MCP_HEADER_AUTHORIZATION"/);
      assert.match(curl, /-H "X-Secret: \$MCP_HEADER_X_SECRET"/);
      assert.ok(!curl.includes('$MCP_TOKEN'), 'an Authorization header is already there');
      assert.match(curl, /-H 'MCP-Protocol-Version: 2025-06-18'/);
      assert.match(curl, /-H "Mcp-Session-Id: \$MCP_SESSION_ID"/);
      assert.match(curl, /--data-raw '\{"jsonrpc":"2.0","id":3,"method":"tools\/call".*"token":"\[REDACTED\]"/);
    });

    it('adds a Bearer placeholder for OAuth, and no session for initialize', () => {
      const plain: HttpConnectionConfig = {
        id: 'p',
        name: 'P',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:3001/mcp',
      };
      const curl = buildCurl(
        plain,
        { jsonrpc: '2.0', id: 0, method: 'initialize', params: {} },
        { protocolVersion: '2025-06-18', oauth: true },
      );
      assert.match(curl, /-H "Authorization: Bearer \$MCP_TOKEN"/);
      assert.ok(!curl.includes('Mcp-Session-Id') && !curl.includes('MCP-Protocol-Version'));
      assert.match(curl, /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:3001\/mcp'/);
    });

    it('quotes single quotes in the body for the shell', () => {
      const plain: HttpConnectionConfig = {
        id: 'p',
        name: 'P',
        transport: 'streamable-http',
        url: 'http://127.0.0.1/mcp',
      };
      assert.match(buildCurl(plain, { text: "it's" }), /--data-raw '\{"text":"it'\\''s"\}'$/);
    });

    it('posts to the announced endpoint for HTTP+SSE', () => {
      assert.match(buildCurl({ ...config, transport: 'sse' }, message), /^curl -sS -X POST "\$MCP_SSE_ENDPOINT"/);
    });
  });
});
