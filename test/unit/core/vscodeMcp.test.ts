import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parseDotenv } from '../../../src/core/vscodeMcp/dotenv';
import {
  isVsCodeMcpId,
  parseMcpJson,
  resolveMcpJsonServer,
  type McpJsonSource,
  type ResolveContext,
} from '../../../src/core/vscodeMcp/mcpJson';
import { addToMcpJson, existingNames, toMcpJsonAddition } from '../../../src/core/vscodeMcp/writeBack';

const WORKSPACE: McpJsonSource = {
  uri: 'file:///work/app/.vscode/mcp.json',
  scope: 'workspace',
  label: 'workspace folder app',
  workspaceFolder: '/work/app',
};

function context(overrides: Partial<ResolveContext> = {}): ResolveContext {
  return {
    userHome: '/home/me',
    env: { HOME: '/home/me', REGION: 'eu' },
    inputs: {},
    readFile: (file) => {
      throw new Error(`ENOENT: no such file, open '${file}'`);
    },
    resolvePath: (base, p) => path.posix.resolve(base, p),
    ...overrides,
  };
}

describe('vscodeMcp: parsing mcp.json', () => {
  it('reads JSONC (comments, trailing commas), inputs and both server kinds', () => {
    const file = parseMcpJson(
      `// MCP servers of this project
{
  "inputs": [
    { "type": "promptString", "id": "api-key", "description": "API key", "password": true },
    { "type": "pickString", "id": "mode", "options": ["fast", { "label": "Slow", "value": "slow" }], "default": "fast" },
  ],
  "servers": {
    /* local */
    "everything": { "type": "stdio", "command": "node", "args": ["\${workspaceFolder}/server.js"], "env": { "KEY": "\${input:api-key}" } },
    "remote": { "type": "http", "url": "https://example.com/mcp", "headers": { "X-Mode": "\${input:mode}" } },
    "old": { "type": "sse", "url": "http://127.0.0.1:9/sse" },
  },
}`,
      WORKSPACE,
    );
    assert.deepEqual(file.problems, []);
    assert.deepEqual(
      file.inputs.map((i) => [i.id, i.type, i.password]),
      [
        ['api-key', 'promptString', true],
        ['mode', 'pickString', false],
      ],
    );
    assert.deepEqual(file.inputs[1].options, [
      { label: 'fast', value: 'fast' },
      { label: 'Slow', value: 'slow' },
    ]);
    assert.deepEqual(
      file.servers.map((s) => [s.name, s.kind, s.problems, s.inputIds, s.line]),
      [
        ['everything', 'stdio', [], ['api-key'], 9],
        ['remote', 'http', [], ['mode'], 10],
        ['old', 'sse', [], [], 11],
      ],
    );
  });

  it('infers the type from command or url, as VS Code does', () => {
    const file = parseMcpJson('{"servers":{"a":{"command":"x"},"b":{"url":"http://127.0.0.1:1/mcp"}}}', WORKSPACE);
    assert.deepEqual(
      file.servers.map((s) => s.kind),
      ['stdio', 'http'],
    );
  });

  it('reports each bad server on its own and keeps the good ones', () => {
    const file = parseMcpJson(
      JSON.stringify({
        servers: {
          good: { type: 'stdio', command: 'node' },
          weird: { type: 'websocket', url: 'ws://x' },
          noCommand: { type: 'stdio', args: ['a'] },
          noUrl: { type: 'http' },
          missingInput: { command: 'node', env: { TOKEN: '${input:nope}' } },
          unknownVariable: { command: '${fileDirname}/x' },
          badArgs: { command: 'x', args: 'not an array' },
        },
      }),
      WORKSPACE,
    );
    const byName = Object.fromEntries(file.servers.map((s) => [s.name, s.problems.join(' ')]));
    assert.equal(byName.good, '');
    assert.match(byName.weird, /Unknown type "websocket": use "stdio", "http" or "sse"/);
    assert.match(byName.noCommand, /A stdio server needs "command"/);
    assert.match(byName.noUrl, /An http server needs "url"/);
    assert.match(byName.missingInput, /\$\{input:nope\} is used but no entry of "inputs" has the id "nope"/);
    assert.match(byName.unknownVariable, /\$\{fileDirname\} is not a variable MCP Lens knows/);
    assert.match(byName.badArgs, /"args" must be an array of strings/);
  });

  it('says where a syntax error is (line and column) and still lists what it could read', () => {
    const file = parseMcpJson(
      '{\n  "servers": {\n    "a": { "command": "node" }\n    "b": { "command": "x" }\n  }\n}',
      WORKSPACE,
    );
    assert.equal(file.problems.length, 1);
    assert.match(file.problems[0], /A comma is expected at line 4, column 5/);
    assert.deepEqual(
      file.servers.map((s) => s.name),
      ['a', 'b'],
    );
  });

  it('reports a file that is not an object, bad inputs, and the Claude-style "mcpServers" key', () => {
    assert.match(parseMcpJson('[]', WORKSPACE).problems[0], /must hold a JSON object/);
    assert.match(parseMcpJson('{"mcpServers":{}}', WORKSPACE).problems[0], /names them under "servers"/);
    const bad = parseMcpJson(
      '{"inputs":[{"type":"command","id":"c"},{"type":"promptString"}],"servers":{}}',
      WORKSPACE,
    );
    assert.match(bad.problems[0], /"command"; MCP Lens asks for promptString and pickString inputs only/);
    assert.match(bad.problems[1], /inputs\[1\] has no "id"/);
    assert.deepEqual(parseMcpJson('', WORKSPACE).problems, []);
  });
});

describe('vscodeMcp: resolving a server', () => {
  it('substitutes workspaceFolder, userHome, env and input variables; a workspace server starts in its folder', () => {
    const file = parseMcpJson(
      JSON.stringify({
        inputs: [{ type: 'promptString', id: 'key', password: true }],
        servers: {
          s: {
            type: 'stdio',
            command: 'node',
            args: [
              '${workspaceFolder}/srv.js',
              '--home=${userHome}',
              '--region=${env:REGION}',
              '${workspaceFolderBasename}',
            ],
            env: { API_KEY: '${input:key}', EMPTY: '${env:NOT_SET}' },
          },
        },
      }),
      WORKSPACE,
    );
    const resolved = resolveMcpJsonServer(file, file.servers[0], context({ inputs: { key: 's3cret' } }));
    assert.deepEqual(resolved.problems, []);
    assert.ok(resolved.config && resolved.config.transport === 'stdio');
    assert.ok(isVsCodeMcpId(resolved.config.id));
    assert.deepEqual(resolved.config.args, ['/work/app/srv.js', '--home=/home/me', '--region=eu', 'app']);
    assert.deepEqual(resolved.config.env, { API_KEY: 's3cret', EMPTY: '' });
    assert.equal(resolved.config.cwd, '/work/app');
  });

  it('loads envFile (relative to the workspace folder) under env, and explains a missing one', () => {
    const file = parseMcpJson(
      JSON.stringify({ servers: { s: { command: 'x', envFile: '${workspaceFolder}/.env', env: { B: 'from env' } } } }),
      WORKSPACE,
    );
    const read: string[] = [];
    const resolved = resolveMcpJsonServer(
      file,
      file.servers[0],
      context({
        readFile: (f) => {
          read.push(f);
          return 'A=1\nB=from file\n';
        },
      }),
    );
    assert.deepEqual(read, ['/work/app/.env']);
    assert.deepEqual(resolved.config && resolved.config.transport === 'stdio' && resolved.config.env, {
      A: '1',
      B: 'from env',
    });
    const relative = parseMcpJson(
      JSON.stringify({ servers: { s: { command: 'x', envFile: 'conf/.env' } } }),
      WORKSPACE,
    );
    const missing = resolveMcpJsonServer(relative, relative.servers[0], context());
    assert.equal(missing.config, undefined);
    assert.match(missing.problems[0], /envFile \/work\/app\/conf\/\.env could not be read: ENOENT/);
  });

  it('maps http to auto (Streamable HTTP with SSE fallback) and keeps credential headers secret', () => {
    const file = parseMcpJson(
      JSON.stringify({
        inputs: [
          { type: 'promptString', id: 'tok', password: true },
          { type: 'promptString', id: 'org' },
        ],
        servers: {
          h: {
            type: 'http',
            url: 'https://example.com/mcp',
            headers: { Authorization: 'Bearer ${input:tok}', 'X-Org': '${input:org}', 'X-Custom': 'k-${input:tok}' },
          },
        },
      }),
      WORKSPACE,
    );
    const resolved = resolveMcpJsonServer(file, file.servers[0], context({ inputs: { tok: 't0k', org: 'acme' } }));
    assert.ok(resolved.config && resolved.config.transport !== 'stdio');
    assert.equal(resolved.config.transport, 'auto');
    assert.deepEqual(resolved.config.headers, { 'X-Org': 'acme' });
    assert.deepEqual(resolved.config.secretHeaders, ['Authorization', 'X-Custom']);
    assert.deepEqual(resolved.secretHeaderValues, { Authorization: 'Bearer t0k', 'X-Custom': 'k-t0k' });
  });

  it("takes VS Code's development mode (dev.watch) as the server's watch globs, and oauth.clientId as its client", () => {
    const file = parseMcpJson(
      JSON.stringify({
        servers: {
          one: { command: 'node', args: ['build/index.js'], dev: { watch: 'build/**/*.js', debug: { type: 'node' } } },
          many: { command: 'node', dev: { watch: ['src/**/*.ts', '${workspaceFolderBasename}.json'] } },
          none: { command: 'node' },
          remote: { type: 'http', url: 'https://example.com/mcp', oauth: { clientId: 'app-123' } },
        },
      }),
      WORKSPACE,
    );
    assert.deepEqual(
      file.servers.map((x) => x.problems),
      [[], [], [], []],
    );
    const watchOf = (i: number) => {
      const config = resolveMcpJsonServer(file, file.servers[i], context()).config;
      assert.ok(config && config.transport === 'stdio');
      return config.watch;
    };
    assert.deepEqual(watchOf(0), ['build/**/*.js']);
    assert.deepEqual(watchOf(1), ['src/**/*.ts', 'app.json']);
    assert.equal(watchOf(2), undefined);
    const remote = resolveMcpJsonServer(file, file.servers[3], context()).config;
    assert.ok(remote && remote.transport !== 'stdio');
    assert.equal(remote.oauthClientId, 'app-123');
  });

  it('reports a malformed dev or oauth entry on its server', () => {
    const file = parseMcpJson(
      JSON.stringify({
        servers: {
          a: { command: 'node', dev: 'watch' },
          b: { command: 'node', dev: { watch: 42 } },
          c: { command: 'node', dev: { watch: '/etc/**' } },
          d: { type: 'http', url: 'https://example.com/mcp', oauth: {} },
        },
      }),
      WORKSPACE,
    );
    assert.match(file.servers[0].problems.join(' '), /"dev" must be an object/);
    assert.match(file.servers[1].problems.join(' '), /"dev.watch" must be a glob or a list of globs/);
    assert.deepEqual(file.servers[2].problems, []);
    const c = resolveMcpJsonServer(file, file.servers[2], context());
    assert.equal(c.config, undefined);
    assert.match(c.problems.join(' '), /^dev\.watch: /);
    assert.match(file.servers[3].problems.join(' '), /"oauth" must give "clientId"/);
  });

  it('refuses a server whose input has no value, or whose workspaceFolder has no folder (user file)', () => {
    const file = parseMcpJson(
      JSON.stringify({
        inputs: [{ type: 'promptString', id: 'k' }],
        servers: { s: { command: '${workspaceFolder}/x', env: { K: '${input:k}' } } },
      }),
      { uri: 'file:///home/me/.config/Code/User/mcp.json', scope: 'user', label: 'user' },
    );
    const resolved = resolveMcpJsonServer(file, file.servers[0], context());
    assert.equal(resolved.config, undefined);
    assert.deepEqual(resolved.problems, [
      'command: ${workspaceFolder} needs an open workspace folder.',
      'No value was given for ${input:k}.',
    ]);
  });
});

describe('vscodeMcp: dotenv', () => {
  it('reads comments, export, quotes and escapes, and names the lines it cannot read', () => {
    const { values, problems } = parseDotenv(
      [
        '# comment',
        'export A=1',
        'B = two words # a comment',
        "C='single $NOT #expanded'",
        'D="line\\nbreak \\"quoted\\""',
        'E="multi',
        'line"',
        'not a line',
        '1BAD=x',
        'F=',
      ].join('\n'),
    );
    assert.deepEqual(values, {
      A: '1',
      B: 'two words',
      C: 'single $NOT #expanded',
      D: 'line\nbreak "quoted"',
      E: 'multi\nline',
      F: '',
    });
    assert.deepEqual(problems, ['line 8: expected NAME=value', 'line 9: "1BAD" is not a variable name']);
  });
});

describe('vscodeMcp: writing a server back', () => {
  it('turns secret headers into password inputs and never writes their values', () => {
    const addition = toMcpJsonAddition(
      {
        id: 'c-1',
        name: 'My API',
        transport: 'streamable-http',
        url: 'https://example.com/mcp',
        headers: { 'X-Org': 'acme' },
        secretHeaders: ['Authorization'],
      },
      { Authorization: 'Bearer s3cret' },
      { servers: [], inputs: [] },
    );
    assert.equal(addition.name, 'My API');
    assert.deepEqual(addition.server, {
      type: 'http',
      url: 'https://example.com/mcp',
      headers: { 'X-Org': 'acme', Authorization: '${input:my-api-authorization}' },
    });
    assert.deepEqual(addition.inputs, [
      {
        type: 'promptString',
        id: 'my-api-authorization',
        description: 'Authorization header of My API',
        password: true,
      },
    ]);
    assert.deepEqual(addition.inputValues, { 'my-api-authorization': 'Bearer s3cret' });
    const text = addToMcpJson('', addition);
    assert.ok(!text.includes('s3cret'));
    // What we write, we read back as the same server.
    const reread = parseMcpJson(text, WORKSPACE);
    assert.deepEqual(reread.problems, []);
    assert.deepEqual(reread.servers[0].inputIds, ['my-api-authorization']);
  });

  it('makes stdio entries with secret-looking env as inputs, and names unique in the file', () => {
    const addition = toMcpJsonAddition(
      {
        id: 'c',
        name: 'x',
        transport: 'stdio',
        command: 'node',
        args: ['s.js'],
        env: { API_KEY: 'k', MODE: 'm' },
        cwd: '/w',
      },
      {},
      { servers: ['x'], inputs: ['x-2-api-key'] },
    );
    assert.equal(addition.name, 'x-2');
    assert.deepEqual(addition.server, {
      type: 'stdio',
      command: 'node',
      args: ['s.js'],
      env: { API_KEY: '${input:x-2-api-key-2}', MODE: 'm' },
      cwd: '/w',
    });
    assert.deepEqual(addition.inputValues, { 'x-2-api-key-2': 'k' });
  });

  it('writes watch globs as dev.watch (one glob, several as a brace pattern) and the OAuth client as oauth.clientId', () => {
    const NONE = { servers: [], inputs: [] };
    const stdio = (watch: string[]) =>
      toMcpJsonAddition({ id: 'c', name: 's', transport: 'stdio', command: 'node', args: [], watch }, {}, NONE).server;
    assert.deepEqual(stdio(['build/**/*.js']).dev, { watch: 'build/**/*.js' });
    assert.deepEqual(stdio(['src/**/*.ts', 'package.json']).dev, { watch: '{src/**/*.ts,package.json}' });
    assert.equal(stdio([]).dev, undefined);
    const http = toMcpJsonAddition(
      { id: 'h', name: 'h', transport: 'auto', url: 'https://example.com/mcp', oauthClientId: 'app-123' },
      {},
      NONE,
    ).server;
    assert.deepEqual(http.oauth, { clientId: 'app-123' });
  });

  it("keeps the file's comments, other entries and indentation (tabs here)", () => {
    const before = [
      '// Project MCP servers',
      '{',
      '\t// the one we always use',
      '\t"servers": {',
      '\t\t"a": { "command": "x" }, // keep me on one line',
      '\t},',
      '}',
      '',
    ].join('\n');
    const addition = toMcpJsonAddition(
      { id: 'c', name: 'b', transport: 'sse', url: 'http://127.0.0.1:1/sse', secretHeaders: ['Authorization'] },
      {},
      existingNames(before),
    );
    const after = addToMcpJson(before, addition);
    assert.ok(after.startsWith('// Project MCP servers\n{\n'));
    assert.ok(after.includes('\t// the one we always use\n'));
    assert.ok(after.includes('\t\t"a": { "command": "x" },\n\t\t"b": {\n\t\t\t"type": "sse",'));
    assert.ok(after.includes('// keep me on one line'));
    assert.ok(after.includes('\t"inputs": [\n\t\t{\n\t\t\t"type": "promptString",'));
    const reread = parseMcpJson(after, WORKSPACE);
    assert.deepEqual(reread.problems, []);
    assert.deepEqual(
      reread.servers.map((s) => [s.name, s.kind]),
      [
        ['a', 'stdio'],
        ['b', 'sse'],
      ],
    );
    assert.deepEqual(existingNames(after), { servers: ['a', 'b'], inputs: ['b-authorization'] });
  });

  it('adds to an empty servers object and appends to existing inputs', () => {
    const before = '{\n    "inputs": [\n        { "type": "promptString", "id": "q" }\n    ],\n    "servers": {}\n}\n';
    const addition = toMcpJsonAddition(
      { id: 'c', name: 'n', transport: 'auto', url: 'http://127.0.0.1:1/mcp', headers: { 'X-Api-Key': 'k' } },
      {},
      existingNames(before),
    );
    const after = addToMcpJson(before, addition);
    assert.ok(after.includes('{ "type": "promptString", "id": "q" },\n        {\n            "type": "promptString"'));
    assert.ok(after.includes('"servers": {\n        "n": {\n            "type": "http",'));
    assert.ok(!after.includes('"k"'));
    assert.deepEqual(parseMcpJson(after, WORKSPACE).problems, []);
  });

  it('refuses to edit a file with a syntax error, saying where', () => {
    const addition = toMcpJsonAddition(
      { id: 'c', name: 'n', transport: 'stdio', command: 'x', args: [] },
      {},
      { servers: [], inputs: [] },
    );
    assert.throws(() => addToMcpJson('{\n  "servers": {\n', addition), /syntax error at line 3, column 1; fix it/);
  });
});
