import { strict as assert } from 'node:assert';
import { mcpHeadersView } from '../../../src/core/connection';

describe('connection: Mcp-Method / Mcp-Name checked against the body', () => {
  const headers = (h: Record<string, string>) => new Headers(h);

  it('ok when both agree with the body (name for tools/call and prompts/get, uri for resources/read)', () => {
    assert.deepEqual(
      mcpHeadersView('tools/call', { name: 'echo' }, headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 'echo' }), true),
      { method: 'tools/call', name: 'echo', check: 'ok' },
    );
    assert.equal(
      mcpHeadersView(
        'resources/read',
        { uri: 'a://b' },
        headers({ 'mcp-method': 'resources/read', 'mcp-name': 'a://b' }),
        true,
      ).check,
      'ok',
    );
    assert.equal(mcpHeadersView('tools/list', {}, headers({ 'mcp-method': 'tools/list' }), true).check, 'ok');
  });

  it('mismatch when a header disagrees, with a sentence that says which', () => {
    const method = mcpHeadersView(
      'tools/call',
      { name: 'echo' },
      headers({ 'mcp-method': 'tools/list', 'mcp-name': 'echo' }),
      true,
    );
    assert.equal(method.check, 'mismatch');
    assert.match(method.detail ?? '', /Mcp-Method is "tools\/list" but the body's method is "tools\/call"/);
    const name = mcpHeadersView(
      'prompts/get',
      { name: 'greet' },
      headers({ 'mcp-method': 'prompts/get', 'mcp-name': 'other' }),
      true,
    );
    assert.equal(name.check, 'mismatch');
    assert.match(name.detail ?? '', /body's params\.name is "greet"/);
  });

  it('missing on the modern era when a required header is absent; not-applicable on 2025', () => {
    assert.equal(mcpHeadersView('tools/list', {}, headers({}), true).check, 'missing');
    const noName = mcpHeadersView(
      'resources/read',
      { uri: 'a://b' },
      headers({ 'mcp-method': 'resources/read' }),
      true,
    );
    assert.equal(noName.check, 'missing');
    assert.match(noName.detail ?? '', /Mcp-Name/);
    assert.deepEqual(mcpHeadersView('tools/call', { name: 'echo' }, headers({}), false), { check: 'not-applicable' });
  });
});
