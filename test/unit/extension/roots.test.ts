/** The roots a connection offers: the workspace folders by default, or a custom list kept in globalState. */
import * as assert from 'node:assert/strict';
import type { Memento } from 'vscode';
import { ROOTS_STATE_KEY, RootsStore, workspaceRoots, type FolderLike } from '../../../src/extension/answers/roots';

class MemoryMemento {
  readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.data.has(key) ? (JSON.parse(JSON.stringify(this.data.get(key))) as T) : fallback;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const folder = (path: string, name: string, scheme = 'file'): FolderLike => ({
  uri: { scheme, toString: () => `${scheme}://${path}` },
  name,
});

describe('roots (workspace folders by default, custom per connection)', () => {
  it('offers the file:// workspace folders with their names, and leaves out other schemes', () => {
    assert.deepEqual(workspaceRoots([folder('/work/app', 'app'), folder('/repo', 'remote', 'vscode-vfs')]), [
      { uri: 'file:///work/app', name: 'app' },
    ]);
    assert.deepEqual(workspaceRoots(undefined), []);
  });

  it('follows the workspace until a connection gets its own list, and goes back with null', async () => {
    const state = new MemoryMemento();
    let folders: FolderLike[] = [folder('/work/app', 'app')];
    const store = new RootsStore(state as unknown as Memento, () => folders);
    const changes: Array<string | undefined> = [];
    store.onDidChange((id) => changes.push(id));

    assert.deepEqual(store.view('c1'), { source: 'workspace', roots: [{ uri: 'file:///work/app', name: 'app' }] });
    folders = [...folders, folder('/work/lib', 'lib')];
    assert.equal(store.rootsFor('c1').length, 2, 'the workspace roots are read when asked, not copied');

    const custom = await store.set('c1', [{ uri: 'file:///data', name: 'data' }, { uri: 'file:///tmp' }]);
    assert.deepEqual(custom, {
      source: 'custom',
      roots: [{ uri: 'file:///data', name: 'data' }, { uri: 'file:///tmp' }],
    });
    assert.deepEqual(store.view('c2').source, 'workspace', 'other connections keep the workspace');
    assert.equal(store.usesWorkspace('c1'), false);
    // Kept in globalState, so a reloaded window (a new store over the same memento) has it.
    const reloaded = new RootsStore(state as unknown as Memento, () => folders);
    assert.deepEqual(reloaded.view('c1'), custom);
    assert.ok(state.get(ROOTS_STATE_KEY));

    // An empty list is a choice too (offer nothing), unlike null.
    assert.deepEqual(await store.set('c1', []), { source: 'custom', roots: [] });
    assert.equal((await store.set('c1', null)).source, 'workspace');
    store.workspaceChanged();
    assert.deepEqual(changes, ['c1', 'c1', 'c1', undefined]);
  });

  it('refuses roots that are not file:// URIs and forgets a removed connection', async () => {
    const state = new MemoryMemento();
    const store = new RootsStore(state as unknown as Memento, () => []);
    await assert.rejects(store.set('c1', [{ uri: 'https://example.com/x' }]), /not a file:\/\/ URI/);
    await assert.rejects(store.set('c1', [{ uri: 'not a uri' }]), /is not a URI/);
    assert.equal(store.view('c1').source, 'workspace', 'a refused list changes nothing');
    await store.set('c1', [{ uri: 'file:///a' }]);
    await store.forget('c1');
    assert.equal(store.view('c1').source, 'workspace');
  });

  it('reads a stored list defensively (another version may have written it)', () => {
    const state = new MemoryMemento();
    state.data.set(ROOTS_STATE_KEY, { c1: [{ uri: 'file:///ok' }, { uri: 5 }, { uri: 'http://x/' }, 'junk'], c2: 'x' });
    const store = new RootsStore(state as unknown as Memento, () => []);
    assert.deepEqual(store.view('c1'), { source: 'custom', roots: [{ uri: 'file:///ok' }] });
    assert.equal(store.view('c2').source, 'workspace');
  });
});
