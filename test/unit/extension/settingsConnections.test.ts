import * as assert from 'node:assert/strict';
import { type ConnectionConfig, validateConfig } from '../../../src/core/config';
import { isSensitiveHeaderName, parseSettingsConnections } from '../../../src/extension/settingsConnections';

describe('mcpLens.connections setting', () => {
  it('reads HTTP and stdio entries with ids derived from their names', () => {
    const { configs, warnings } = parseSettingsConnections([
      {
        name: 'Everything (HTTP)',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:3001/mcp',
        headers: { 'X-Team': 'lens' },
      },
      {
        name: 'local',
        transport: 'stdio',
        command: 'node',
        args: ['server.js', 'stdio'],
        env: { DEBUG: '1' },
        cwd: '/tmp',
      },
      { id: 'fixed', name: 'sse one', transport: 'sse', url: 'http://127.0.0.1:3002/sse' },
    ]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(configs, [
      {
        id: 'settings:everything-http',
        name: 'Everything (HTTP)',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:3001/mcp',
        headers: { 'X-Team': 'lens' },
      },
      {
        id: 'settings:local',
        name: 'local',
        transport: 'stdio',
        command: 'node',
        args: ['server.js', 'stdio'],
        env: { DEBUG: '1' },
        cwd: '/tmp',
      },
      { id: 'settings:fixed', name: 'sse one', transport: 'sse', url: 'http://127.0.0.1:3002/sse' },
    ]);
  });

  it('drops credential headers with a warning: settings are no place for secrets', () => {
    const { configs, warnings } = parseSettingsConnections([
      {
        name: 'a',
        transport: 'auto',
        url: 'http://127.0.0.1:1/mcp',
        headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', Cookie: 'c', Accept: 'x' },
      },
    ]);
    assert.deepEqual(configs[0], {
      id: 'settings:a',
      name: 'a',
      transport: 'auto',
      url: 'http://127.0.0.1:1/mcp',
      headers: { Accept: 'x' },
    });
    assert.equal(warnings.length, 3);
    assert.ok(
      warnings.every((w) => !w.includes('Bearer abc')),
      'the warning does not repeat the secret',
    );
  });

  it('skips invalid entries and says why', () => {
    const saved = [{ id: 'u1', name: 'taken', transport: 'stdio' as const, command: 'x', args: [] }];
    const { configs, warnings } = parseSettingsConnections(
      [
        'nope',
        { transport: 'stdio', command: 'x' },
        { name: 'bad transport', transport: 'websocket', url: 'ws://x' },
        { name: 'bad url', transport: 'sse', url: 'ftp://x' },
        { name: 'no command', transport: 'stdio', command: ' ' },
        { name: 'taken', transport: 'stdio', command: 'y' },
        { name: 'twice', transport: 'stdio', command: 'y' },
        { name: 'twice', transport: 'stdio', command: 'z' },
      ],
      saved,
    );
    assert.deepEqual(
      configs.map((c) => c.name),
      ['twice'],
    );
    assert.equal(warnings.length, 7);
    assert.match(warnings[0], /\[0\] is not an object/);
    assert.match(warnings[1], /has no name/);
    assert.match(warnings[2], /websocket/);
    assert.match(warnings[3], /http:\/\/ or https:\/\//);
    assert.match(warnings[4], /command is empty/);
    assert.match(warnings[5], /already exists/);
    assert.match(warnings[6], /already used/);
    assert.deepEqual(parseSettingsConnections({}).warnings, [
      'The mcpLens.connections setting must be an array; it was ignored.',
    ]);
    assert.deepEqual(parseSettingsConnections(undefined), { configs: [], warnings: [] });
  });

  it('recognises credential header names', () => {
    for (const name of [
      'Authorization',
      'proxy-authorization',
      'Cookie',
      'X-Api-Key',
      'X-Auth-Token',
      'Client-Secret',
      'X-Session-Id',
    ]) {
      assert.ok(isSensitiveHeaderName(name), name);
    }
    for (const name of ['Accept', 'X-Team', 'Mcp-Protocol-Version', 'User-Agent']) {
      assert.ok(!isSensitiveHeaderName(name), name);
    }
  });

  it('reads the protocol pin, and refuses a bad one (or 2026-07-28 over SSE) with the words of validateConfig', () => {
    const { configs, warnings } = parseSettingsConnections([
      { name: 'modern', transport: 'streamable-http', url: 'http://127.0.0.1:1/mcp', protocol: '2026-07-28' },
      { name: 'legacy', transport: 'stdio', command: 'node', protocol: '2025' },
      { name: 'negotiated', transport: 'auto', url: 'http://127.0.0.1:1/mcp', protocol: 'auto' },
      { name: 'unset', transport: 'sse', url: 'http://127.0.0.1:1/sse' },
      { name: 'typo', transport: 'streamable-http', url: 'http://127.0.0.1:1/mcp', protocol: '2026' },
      { name: 'number', transport: 'stdio', command: 'node', protocol: 2025 },
      { name: 'sse modern', transport: 'sse', url: 'http://127.0.0.1:1/sse', protocol: '2026-07-28' },
    ]);
    assert.deepEqual(
      configs.map((c) => [c.name, c.protocol]),
      [
        ['modern', '2026-07-28'],
        ['legacy', '2025'],
        ['negotiated', 'auto'],
        ['unset', undefined],
      ],
    );
    assert.equal(warnings.length, 3, warnings.join('\n'));
    const expected = (name: string, config: object) =>
      `mcpLens.connections[${name} was ignored: ${validateConfig(config as ConnectionConfig, []).join(' ')}`;
    assert.equal(
      warnings[0],
      expected('4] ("typo")', {
        id: 'x',
        name: 'x',
        transport: 'streamable-http',
        url: 'http://127.0.0.1:1/mcp',
        protocol: '2026',
      }),
    );
    assert.match(warnings[0], /Unknown protocol "2026": use "auto", "2025", "2026-07-28"\./);
    assert.match(warnings[1], /Unknown protocol "2025"/);
    assert.match(warnings[2], /sse modern.*MCP 2026-07-28 is not spoken over SSE/);
  });
});
