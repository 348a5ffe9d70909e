import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConnectionConfig } from '../../../src/core/config';
import { ChecksFileError, type CheckSpec, parseChecksFile, toConnectionConfig } from '../../../src/core/checks/index';
import {
  addCheckToFile,
  checksConnectionFor,
  defaultChecksFile,
  findChecksFiles,
  matchSavedConnection,
  saveCheck,
} from '../../../src/core/checks/workspace';

const echo: CheckSpec = {
  name: 'echo',
  kind: 'tool',
  tool: 'echo',
  arguments: { message: 'hi' },
  expect: { status: 'ok' },
};

describe('saved checks in the workspace', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-checks-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a saved connection without its secrets: secret headers and stdio env become ${env:NAME}', () => {
    const http: ConnectionConfig = {
      id: 'c-1',
      name: 'remote',
      transport: 'streamable-http',
      url: 'https://example.com/mcp',
      headers: { 'X-Team': 'blue' },
      secretHeaders: ['Authorization', 'x-api-key'],
      protocol: '2025',
    };
    assert.deepEqual(checksConnectionFor(http), {
      name: 'remote',
      url: 'https://example.com/mcp',
      transport: 'http',
      headers: { 'X-Team': 'blue', Authorization: '${env:AUTHORIZATION}', 'x-api-key': '${env:X_API_KEY}' },
      protocol: '2025',
    });
    const stdio: ConnectionConfig = {
      id: 'c-2',
      name: 'local',
      transport: 'stdio',
      command: 'node',
      args: ['server.js'],
      env: { API_TOKEN: 'secret-value' },
    };
    const written = checksConnectionFor(stdio);
    assert.deepEqual(written, {
      name: 'local',
      command: 'node',
      args: ['server.js'],
      env: { API_TOKEN: '${env:API_TOKEN}' },
    });
    assert.doesNotMatch(JSON.stringify(written), /secret-value/);
    // What it writes is a valid file that CI can run with the variable set.
    const file = parseChecksFile(JSON.stringify({ version: 1, connection: written, checks: [echo] }), 'f.json');
    const config = toConnectionConfig(file.connection, dir, { API_TOKEN: 't' }, 'f.json');
    assert.equal(config.transport === 'stdio' && config.env?.API_TOKEN, 't');
  });

  it('finds the saved connection a file stands for: same server, and the same name when the file names one', () => {
    const saved: ConnectionConfig[] = [
      { id: 'a', name: 'Everything', transport: 'stdio', command: 'node', args: ['e.js', 'stdio'] },
      { id: 'b', name: 'Other', transport: 'stdio', command: 'node', args: ['e.js', 'stdio'] },
      { id: 'c', name: 'Web', transport: 'auto', url: 'http://127.0.0.1:3001/mcp' },
    ];
    assert.equal(
      matchSavedConnection({ command: 'node', args: ['e.js', 'stdio'], name: 'everything' }, saved)?.id,
      'a',
    );
    assert.equal(matchSavedConnection({ command: 'node', args: ['e.js', 'stdio'], name: 'Nope' }, saved), undefined);
    // Unnamed: only when one saved connection is that server.
    assert.equal(matchSavedConnection({ command: 'node', args: ['e.js', 'stdio'] }, saved), undefined);
    assert.equal(matchSavedConnection({ url: 'http://127.0.0.1:3001/mcp' }, saved)?.id, 'c');
    assert.equal(matchSavedConnection({ url: 'http://127.0.0.1:3002/mcp', name: 'Web' }, saved), undefined);
    assert.equal(matchSavedConnection({ command: 'node', args: ['other.js'], name: 'Everything' }, saved), undefined);
  });

  it('creates a file, then appends to it keeping what the user wrote; refuses a used name and a broken file', () => {
    const connection = { name: 'local', command: 'node' };
    const created = addCheckToFile(undefined, 'f.json', connection, echo);
    assert.deepEqual(JSON.parse(created), { version: 1, connection, checks: [echo] });
    const edited = JSON.stringify({ $schema: 'x', ...JSON.parse(created) });
    const second = { ...echo, name: 'echo again' };
    const appended = JSON.parse(addCheckToFile(edited, 'f.json', connection, second));
    assert.equal(appended.$schema, 'x');
    assert.deepEqual(
      appended.checks.map((c: CheckSpec) => c.name),
      ['echo', 'echo again'],
    );
    assert.throws(() => addCheckToFile(created, 'f.json', connection, echo), /a check named "echo" already exists/);
    assert.throws(() => addCheckToFile('{ "version": 2 }', 'f.json', connection, echo), ChecksFileError);
    assert.throws(
      () => addCheckToFile(undefined, 'f.json', connection, { ...echo, kind: 'resource' }),
      /f\.json: checks\[0\] "echo"/,
    );
  });

  it('saves into <folder>/.vscode/mcp-lens/<connection name>.json and finds the files there', () => {
    const file = defaultChecksFile(dir, 'my/server: "dev"');
    assert.equal(file, path.join(dir, '.vscode', 'mcp-lens', 'my-server- -dev-.json'));
    saveCheck(file, { command: 'node' }, echo);
    saveCheck(file, { command: 'node' }, { ...echo, name: 'two' });
    assert.equal(parseChecksFile(fs.readFileSync(file, 'utf8'), file).checks.length, 2);
    fs.writeFileSync(path.join(dir, '.vscode', 'mcp-lens', 'notes.txt'), 'not a checks file');
    assert.deepEqual(findChecksFiles([dir, path.join(dir, 'missing')]), [file]);
  });
});
