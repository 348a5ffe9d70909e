import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConnectionConfig, HttpConnectionConfig, StdioConnectionConfig } from '../../../src/core/config';
import {
  EXPORT_FORMATS,
  ExportError,
  ImportError,
  SECRET_PLACEHOLDER,
  cleanName,
  exportConnection,
  importConfigText,
  uniqueName,
  type ImportResult,
} from '../../../src/core/importExport';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'imports');

function importFixture(file: string): ImportResult {
  let n = 0;
  return importConfigText(readFileSync(path.join(FIXTURES, file), 'utf8'), { newId: () => `id-${++n}` });
}

function byName(result: ImportResult, name: string): ConnectionConfig {
  const found = result.connections.find((c) => c.config.name === name);
  assert.ok(found, `"${name}" was imported (got ${result.connections.map((c) => c.config.name).join(', ')})`);
  return found.config;
}

function skippedNames(result: ImportResult): string[] {
  return result.skipped.map((s) => s.name);
}

describe('import: Claude Desktop (mcpServers)', () => {
  const result = importFixture('claude_desktop_config.json');

  it('recognises the format and imports stdio servers with args, env and cwd', () => {
    assert.equal(result.format, 'mcpServers');
    assert.deepEqual(byName(result, 'filesystem'), {
      id: 'id-1',
      name: 'filesystem',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/alice/Desktop', '/Users/alice/Downloads'],
    });
    assert.equal((byName(result, 'sqlite') as StdioConnectionConfig).cwd, '/Users/alice');
  });

  it('drops secret-looking environment values, with a warning that names the variable, and keeps the others', () => {
    const github = byName(result, 'github') as StdioConnectionConfig;
    assert.deepEqual(github.env, { GITHUB_TOOLSETS: 'repos,issues' });
    assert.ok(!JSON.stringify(result).includes('ghp_fixtureSecretValue'), 'the token is nowhere in the result');
    assert.ok(result.warnings.some((w) => w.startsWith('github:') && w.includes('GITHUB_PERSONAL_ACCESS_TOKEN')));
  });

  it('skips entries without a command or that are not objects, saying why', () => {
    assert.deepEqual(skippedNames(result).sort(), ['broken', 'not an object']);
    assert.match(result.skipped.find((s) => s.name === 'broken')!.reason, /neither a "command".*nor a "url"/);
  });

  it('cleans hostile names and never lets a __proto__ key reach a prototype', () => {
    const evil = result.connections.find((c) => c.config.name.startsWith('evil'))!.config as StdioConnectionConfig;
    assert.equal(
      evil.name,
      'evil name [click](command:workbench.action.terminal.new)',
      'control characters become spaces',
    );
    assert.deepEqual(Object.keys(evil.env ?? {}), ['MODE'], 'invalid names and non-string values are dropped');
    assert.equal(Object.getPrototypeOf(evil.env), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(evil.env?.MODE, '<b>bold</b>', 'values are data, kept as they are');
    assert.ok(result.warnings.some((w) => w.includes('"__proto__" is not valid')));
  });
});

describe('import: Cursor, Windsurf, Cline', () => {
  it('Cursor: url without a type is auto, credential headers become secret headers, JSONC comments are accepted', () => {
    const result = importFixture('cursor-mcp.json');
    assert.equal(result.format, 'mcpServers');
    assert.deepEqual(byName(result, 'linear'), {
      id: 'id-1',
      name: 'linear',
      transport: 'auto',
      url: 'https://mcp.linear.app/sse',
    });
    const context7 = result.connections.find((c) => c.config.name === 'context7')!;
    assert.deepEqual((context7.config as HttpConnectionConfig).headers, { 'X-Client': 'cursor' });
    assert.deepEqual((context7.config as HttpConnectionConfig).secretHeaders, ['CONTEXT7_API_KEY']);
    assert.deepEqual(context7.secretValues, { CONTEXT7_API_KEY: 'ctx7-fixture-secret' });
    const auth = result.connections.find((c) => c.config.name === 'remote-with-auth')!;
    assert.equal(auth.config.transport, 'streamable-http');
    assert.ok(!JSON.stringify(auth.config).includes('fixture-bearer-token'), 'the secret is not in the config');
    assert.deepEqual(auth.secretValues, { Authorization: 'Bearer fixture-bearer-token' });
    assert.ok(
      result.warnings.some((w) => w.includes('is not a valid header')),
      'a header with CRLF is dropped',
    );
    const placeholder = result.connections.find((c) => c.config.name === 'placeholder')!;
    assert.deepEqual(placeholder.secretValues, {}, 'a ${env:…} placeholder is not stored as a secret value');
    assert.deepEqual(skippedNames(result).sort(), ['creds-in-url', 'weird-type']);
    assert.match(result.skipped.find((s) => s.name === 'weird-type')!.reason, /Unknown transport type "websocket"/);
  });

  it('Windsurf: serverUrl is read; a secret env var is dropped; a disabled empty entry is skipped without warnings', () => {
    const result = importFixture('windsurf-mcp_config.json');
    assert.equal((byName(result, 'figma') as HttpConnectionConfig).url, 'https://mcp.figma.com/sse');
    assert.equal((byName(result, 'brave-search') as StdioConnectionConfig).env, undefined);
    assert.ok(!JSON.stringify(result).includes('BSA-fixture-secret'));
    assert.deepEqual(skippedNames(result), ['neither']);
    assert.ok(!result.warnings.some((w) => w.startsWith('neither:')));
  });

  it('Cline: transportType and streamableHttp are read; disabled, autoApprove and timeout are reported as ignored', () => {
    const result = importFixture('cline_mcp_settings.json');
    assert.equal(byName(result, 'remote-sse').transport, 'sse');
    assert.equal(byName(result, 'remote-http').transport, 'streamable-http');
    assert.equal(byName(result, 'time').transport, 'stdio');
    assert.ok(result.warnings.some((w) => w.startsWith('remote-sse:') && w.includes('disabled')));
    assert.ok(result.warnings.some((w) => w.startsWith('time:') && w.includes('autoApprove')));
    assert.ok(result.warnings.some((w) => w.startsWith('remote-sse:') && w.includes('timeout')));
  });
});

describe('import: Claude Code', () => {
  it('.mcp.json: typed entries (stdio, http, sse) with secret headers; args that are not a list are skipped', () => {
    const result = importFixture('claude-code.mcp.json');
    assert.equal(result.format, 'claude-code');
    assert.equal(byName(result, 'everything').transport, 'stdio');
    assert.equal(byName(result, 'sentry').transport, 'streamable-http');
    const asana = result.connections.find((c) => c.config.name === 'asana')!;
    assert.equal(asana.config.transport, 'sse');
    assert.deepEqual(asana.secretValues, { 'X-API-Key': 'asana-fixture-secret' });
    assert.deepEqual(result.skipped, [{ name: 'bad-args', reason: '"args" must be a list of strings.' }]);
  });

  it('~/.claude.json: top-level and per-project servers, with repeated names made unique', () => {
    const result = importFixture('claude.json');
    assert.equal(result.format, 'claude-code');
    assert.deepEqual(
      result.connections.map((c) => [c.config.name, c.source]),
      [
        ['memory', 'mcpServers.memory'],
        ['memory (2)', 'projects["/home/alice/repo-a"].mcpServers.memory'],
        ['db', 'projects["/home/alice/repo-a"].mcpServers.db'],
      ],
    );
    assert.deepEqual(result.connections[2].secretValues, { Authorization: 'Bearer claude-json-secret' });
  });
});

describe('import: MCP registry server.json', () => {
  const result = importFixture('server.json');

  it('turns npm, pypi and oci packages into npx, uvx and docker commands pinned to the version', () => {
    assert.equal(result.format, 'server.json');
    const npm = byName(result, 'weather (npm)') as StdioConnectionConfig;
    assert.equal(npm.command, 'npx');
    assert.deepEqual(npm.args, ['-y', '@example/weather-mcp@1.2.0', '--units=metric']);
    assert.deepEqual(npm.env, { WEATHER_REGION: 'eu' });
    const pypi = byName(result, 'weather (pypi)') as StdioConnectionConfig;
    assert.deepEqual([pypi.command, ...pypi.args], ['uvx', 'weather-mcp==1.2.0']);
    const oci = byName(result, 'weather (oci)') as StdioConnectionConfig;
    assert.deepEqual(
      [oci.command, ...oci.args],
      ['docker', 'run', '-i', '--rm', '-e', 'WEATHER_REGION', 'docker.io/example/weather-mcp:1.2.0'],
    );
  });

  it('flags secret environment variables and arguments without values', () => {
    assert.ok(result.warnings.some((w) => w.includes('WEATHER_API_KEY') && w.includes('(required)')));
    assert.ok(result.warnings.some((w) => w.includes('<city> has no value')));
  });

  it('imports remotes with secret headers and skips unsupported registries, transports and remote types', () => {
    const remote = byName(result, 'weather (remote 1)') as HttpConnectionConfig;
    assert.equal(remote.transport, 'streamable-http');
    assert.deepEqual(remote.secretHeaders, ['Authorization']);
    assert.deepEqual(skippedNames(result).sort(), ['weather (nuget)', 'weather (npm)', 'weather (remote 2)'].sort());
  });
});

describe('import: errors and helpers', () => {
  it('says what is wrong with text that is not JSON or not a known format', () => {
    assert.throws(
      () => importConfigText('{ "mcpServers": '),
      (e: unknown) => e instanceof ImportError && /not valid JSON/.test(e.message),
    );
    assert.throws(
      () => importConfigText('{ "servers": {} }'),
      (e: unknown) => e instanceof ImportError && /mcpServers/.test(e.message),
    );
    assert.throws(() => importConfigText('[1, 2]'), ImportError);
  });

  it('does not let an inherited property name pick a transport', () => {
    const result = importConfigText(
      JSON.stringify({ mcpServers: { x: { type: 'constructor', url: 'http://127.0.0.1:1/mcp' } } }),
    );
    assert.equal(result.connections.length, 0);
    assert.match(result.skipped[0].reason, /Unknown transport type "constructor"/);
  });

  it('uniqueName and cleanName', () => {
    assert.equal(uniqueName('a', ['b']), 'a');
    assert.equal(uniqueName('A', ['a', 'a (2)']), 'A (3)');
    assert.equal(cleanName(' x\n\ty\u2028 '), 'x y');
    assert.equal(cleanName('n'.repeat(200)).length, 80);
  });
});

describe('export', () => {
  const http: HttpConnectionConfig = {
    id: 'h',
    name: 'remote',
    transport: 'sse',
    url: 'https://mcp.example.com/sse',
    headers: { 'X-Client': 'lens', 'X-Api-Token': 'plain-but-secret-looking' },
    secretHeaders: ['Authorization'],
  };
  const stdio: StdioConnectionConfig = {
    id: 's',
    name: 'weather',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', '@example/weather-mcp@1.2.0', '--units=metric'],
    env: { REGION: 'eu', WEATHER_API_KEY: 'sk-never-exported' },
  };

  it('never writes a secret value in any format', () => {
    for (const { format } of EXPORT_FORMATS) {
      for (const config of [http, stdio]) {
        const text = exportConnection(config, format);
        assert.ok(
          !text.includes('sk-never-exported') && !text.includes('plain-but-secret-looking'),
          `${format}: ${text}`,
        );
      }
      assert.ok(exportConnection(http, format).includes('Authorization'), `${format} names the secret header`);
    }
    assert.ok(exportConnection(http, 'cursor').includes(SECRET_PLACEHOLDER));
  });

  it('writes each format as its client reads it', () => {
    const parse = (format: (typeof EXPORT_FORMATS)[number]['format'], c: ConnectionConfig) =>
      JSON.parse(exportConnection(c, format)) as { mcpServers: Record<string, Record<string, unknown>> };
    assert.deepEqual(parse('claude-code', http).mcpServers.remote.type, 'sse');
    assert.equal(parse('windsurf', http).mcpServers.remote.serverUrl, http.url);
    assert.equal(parse('cline', http).mcpServers.remote.type, 'sse');
    assert.deepEqual(parse('claude-desktop', http).mcpServers.remote.args, [
      '-y',
      'mcp-remote',
      http.url,
      '--header',
      'X-Client:lens',
      '--header',
      `X-Api-Token:${SECRET_PLACEHOLDER}`,
      '--header',
      `Authorization:${SECRET_PLACEHOLDER}`,
      '--transport',
      'sse-only',
    ]);
    assert.equal(parse('claude-code', stdio).mcpServers.weather.type, 'stdio');
  });

  it('round-trips through every mcpServers format (ids and secret values aside)', () => {
    for (const { format } of EXPORT_FORMATS.filter(
      (f) => f.format !== 'claude-desktop' && f.format !== 'server.json',
    )) {
      for (const config of [http, stdio]) {
        const back = importConfigText(exportConnection(config, format), { newId: () => config.id });
        assert.equal(back.connections.length, 1, `${format}: ${JSON.stringify(back)}`);
        const expected: ConnectionConfig =
          config.transport === 'stdio'
            ? { ...stdio, env: { REGION: 'eu' } }
            : { ...http, headers: { 'X-Client': 'lens' }, secretHeaders: ['X-Api-Token', 'Authorization'] };
        // Cursor and Windsurf have no SSE marker: a bare url imports as auto-detect.
        if (config.transport === 'sse' && (format === 'cursor' || format === 'windsurf')) expected.transport = 'auto';
        assert.deepEqual(back.connections[0].config, expected, format);
        assert.deepEqual(back.connections[0].secretValues, {}, `${format}: placeholders are not imported as secrets`);
      }
    }
  });

  it('round-trips npx, uvx and docker commands and remotes through server.json', () => {
    const configs: ConnectionConfig[] = [
      { ...stdio, env: { REGION: 'eu' } },
      { id: 's', name: 'weather', transport: 'stdio', command: 'uvx', args: ['weather-mcp==1.2.0'] },
      {
        id: 's',
        name: 'weather',
        transport: 'stdio',
        command: 'docker',
        args: ['run', '-i', '--rm', 'ghcr.io/example/w:2'],
      },
      {
        id: 's',
        name: 'weather',
        transport: 'streamable-http',
        url: 'https://w.example.com/mcp',
        secretHeaders: ['Authorization'],
      },
    ];
    for (const config of configs) {
      const back = importConfigText(exportConnection(config, 'server.json'), { newId: () => 's' });
      assert.deepEqual(
        back.connections.map((c) => c.config),
        [config],
      );
    }
  });

  it('refuses a command a server.json cannot describe, saying which formats work', () => {
    assert.throws(
      () =>
        exportConnection(
          { id: 'n', name: 'local', transport: 'stdio', command: 'node', args: ['server.js'] },
          'server.json',
        ),
      (e: unknown) => e instanceof ExportError && /another format/.test(e.message),
    );
  });
});
