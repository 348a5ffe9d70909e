import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileAuthStore, MemoryAuthStore } from '../../../src/core/auth/store.js';

describe('auth stores', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mcp-lens-auth-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('MemoryAuthStore gets, sets and deletes', async () => {
    const s = new MemoryAuthStore();
    assert.equal(await s.get('k'), undefined);
    await s.set('k', 'v');
    assert.equal(await s.get('k'), 'v');
    await s.delete('k');
    assert.equal(await s.get('k'), undefined);
  });

  it('FileAuthStore writes a 0600 file in a 0700 directory, and survives a new instance', async () => {
    const file = path.join(dir, 'sub', 'credentials.json');
    const s = new FileAuthStore(file);
    await s.set('a', '1');
    await s.set('b', '2');
    await s.delete('a');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(path.dirname(file))).mode & 0o777, 0o700);
    const again = new FileAuthStore(file);
    assert.equal(await again.get('a'), undefined);
    assert.equal(await again.get('b'), '2');
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['credentials.json'], 'no temp files left');
  });

  it('FileAuthStore serialises concurrent writes (none lost)', async () => {
    const file = path.join(dir, 'c.json');
    const s = new FileAuthStore(file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set(`k${i}`, String(i))));
    const data = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
    assert.equal(Object.keys(data).length, 20);
  });

  it('FileAuthStore keeps 0600 even with a permissive umask', async () => {
    const file = path.join(dir, 'u.json');
    const old = process.umask(0o000);
    try {
      await new FileAuthStore(file).set('x', 'y');
    } finally {
      process.umask(old);
    }
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });
});
