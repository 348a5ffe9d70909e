import * as assert from 'node:assert/strict';
import type { Memento, SecretStorage, SecretStorageChangeEvent } from 'vscode';
import type { HttpConnectionConfig } from '../../../src/core/config';
import { silentLogger } from '../../../src/core/logger';
import { CONNECTIONS_STATE_KEY, ConnectionStore, secretHeaderKey } from '../../../src/extension/connectionStore';

/** In-memory stand-ins with the same contracts as VS Code's Memento and SecretStorage. */
class FakeMemento implements Memento {
  readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.data.has(key) ? (JSON.parse(JSON.stringify(this.data.get(key))) as T) : defaultValue;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

class FakeSecrets implements SecretStorage {
  readonly data = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.data.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }
  onDidChange = (() => ({ dispose() {} })) as unknown as SecretStorage['onDidChange'];
  declare _event?: SecretStorageChangeEvent;
}

describe('ConnectionStore', () => {
  let user: FakeMemento;
  let workspace: FakeMemento;
  let secrets: FakeSecrets;
  let settings: unknown;
  const make = () => new ConnectionStore(user, workspace, secrets, () => settings, silentLogger);

  beforeEach(() => {
    user = new FakeMemento();
    workspace = new FakeMemento();
    secrets = new FakeSecrets();
    settings = [];
  });

  const http: HttpConnectionConfig = {
    id: 'h1',
    name: 'remote',
    transport: 'streamable-http',
    url: 'https://mcp.example.test/mcp',
    headers: { Accept: 'application/json', Authorization: 'Bearer leaked?' },
    secretHeaders: ['Authorization'],
  };

  it('keeps user connections in the user memento and workspace ones in the workspace memento', async () => {
    const store = make();
    await store.save(http, 'user', { Authorization: 'Bearer s3cret-token' });
    await store.save({ id: 's1', name: 'local', transport: 'stdio', command: 'node', args: ['x.js'] }, 'workspace');
    assert.deepEqual((user.data.get(CONNECTIONS_STATE_KEY) as unknown[]).length, 1);
    assert.deepEqual((workspace.data.get(CONNECTIONS_STATE_KEY) as unknown[]).length, 1);
    const reopened = make();
    assert.deepEqual(
      reopened.list().map((c) => [c.config.id, c.scope]),
      [
        ['h1', 'user'],
        ['s1', 'workspace'],
      ],
    );
  });

  it('never writes a secret header value to a memento', async () => {
    const store = make();
    await store.save(http, 'user', { Authorization: 'Bearer s3cret-token' });
    const raw = JSON.stringify([...user.data.values(), ...workspace.data.values()]);
    assert.ok(!raw.includes('s3cret-token') && !raw.includes('leaked?'), raw);
    assert.equal(secrets.data.get(secretHeaderKey('h1', 'Authorization')), 'Bearer s3cret-token');
    assert.equal(secretHeaderKey('h1', 'Authorization'), 'mcpLens.secretHeader.h1.Authorization');
    assert.deepEqual(await make().secretHeaders(http), { Authorization: 'Bearer s3cret-token' });
  });

  it('keeps an untouched secret on edit, deletes dropped ones, and moves between scopes', async () => {
    const store = make();
    await store.save(http, 'user', { Authorization: 'Bearer one' });
    await store.save({ ...http, name: 'renamed' }, 'workspace');
    assert.equal(secrets.data.get(secretHeaderKey('h1', 'Authorization')), 'Bearer one');
    assert.deepEqual(
      store.list().map((c) => [c.config.name, c.scope]),
      [['renamed', 'workspace']],
    );
    await store.save({ ...http, secretHeaders: [] }, 'workspace');
    assert.equal(secrets.data.size, 0);
  });

  it('removes a connection with its secrets', async () => {
    const store = make();
    await store.save(http, 'user', { Authorization: 'Bearer one' });
    let fired = 0;
    store.onDidChange(() => fired++);
    await store.remove('h1');
    assert.deepEqual(store.list(), []);
    assert.equal(secrets.data.size, 0);
    assert.equal(fired, 1);
  });

  it('refuses invalid configs and duplicate names', async () => {
    const store = make();
    await store.save(http, 'user');
    await assert.rejects(store.save({ ...http, id: 'h2', name: 'REMOTE' }, 'user'), /already exists/);
    await assert.rejects(store.save({ ...http, id: 'h3', name: 'x', url: 'nope' }, 'user'), /not a valid URL/);
  });

  it('merges read-only connections from settings', async () => {
    settings = [{ name: 'demo', transport: 'stdio', command: 'node', args: ['demo.js'] }];
    const store = make();
    assert.deepEqual(
      store.list().map((c) => [c.config.id, c.scope]),
      [['settings:demo', 'settings']],
    );
    await assert.rejects(store.remove('settings:demo'), /setting/);
    settings = [];
    store.reloadSettings();
    assert.deepEqual(store.list(), []);
  });

  it('keeps the protocol pin across a reload, and refuses 2026-07-28 over SSE', async () => {
    const store = make();
    await store.save({ ...http, protocol: '2026-07-28' }, 'user', { Authorization: 'Bearer s3cret-token' });
    await store.save(
      { id: 's1', name: 'local', transport: 'stdio', command: 'node', args: [], protocol: '2025' },
      'user',
    );
    const reopened = make();
    assert.equal(reopened.get('h1')?.config.protocol, '2026-07-28');
    assert.equal(reopened.get('s1')?.config.protocol, '2025');
    await assert.rejects(
      reopened.save(
        { id: 'e1', name: 'old', transport: 'sse', url: 'http://127.0.0.1:1/sse', protocol: '2026-07-28' },
        'user',
      ),
      /MCP 2026-07-28 is not spoken over SSE/,
    );
    assert.equal(reopened.get('e1'), undefined);
  });
});
