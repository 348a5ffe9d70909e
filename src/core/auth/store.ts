/**
 * Storage of OAuth state behind `AuthStore`: the keys, a memory store (tests), and a file store
 * for the CLI (one JSON file, mode 0600, replaced atomically).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AuthStore, StoredClient } from './types.js';

const PREFIX = 'mcp-lens.oauth';

/**
 * Store keys. Registrations are per authorization server (issuer); tokens per issuer and resource,
 * so a token is never presented to a resource or an authorization server it was not issued for;
 * discovery per resource (it says which issuer the resource uses). A pre-registered client id
 * lives in the connection's settings, which cannot say which authorization server issued it: the
 * issuer each one was first accepted by is kept here, per resource, so its credentials are never
 * presented to another authorization server. `issuers` lists every authorization server a
 * resource has named, so a sign-out finds the tokens a resource that moved left behind.
 */
export const authKeys = {
  client: (issuer: string) => `${PREFIX}.client ${issuer}`,
  tokens: (issuer: string, resource: string) => `${PREFIX}.tokens ${issuer} ${resource}`,
  discovery: (resource: string) => `${PREFIX}.discovery ${resource}`,
  preRegisteredIssuers: (resource: string) => `${PREFIX}.pre-registered ${resource}`,
  issuers: (resource: string) => `${PREFIX}.issuers ${resource}`,
} as const;

export class MemoryAuthStore implements AuthStore {
  private readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  /** The keys held, for tests and diagnostics. */
  keys(): string[] {
    return [...this.values.keys()];
  }
}

/**
 * A credentials file that only the user can read: created with mode 0600 in a directory created
 * with mode 0700, and replaced by rename so a crash never leaves half a file. Writes from this
 * process are serialised; two processes writing at once keep the last write (documented gap).
 */
export class FileAuthStore implements AuthStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly filePath: string) {}

  async get(key: string): Promise<string | undefined> {
    await this.queue.catch(() => undefined);
    const data = await this.read();
    return data[key];
  }

  set(key: string, value: string): Promise<void> {
    return this.update((data) => {
      data[key] = value;
    });
  }

  delete(key: string): Promise<void> {
    return this.update((data) => {
      delete data[key];
    });
  }

  private update(change: (data: Record<string, string>) => void): Promise<void> {
    const next = this.queue
      .catch(() => undefined)
      .then(async () => {
        const data = await this.read();
        change(data);
        await this.write(data);
      });
    this.queue = next;
    return next;
  }

  private async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`The credentials file ${this.filePath} is not a JSON object.`);
    }
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') data[k] = v;
    return data;
  }

  private async write(data: Record<string, string>): Promise<void> {
    const dir = path.dirname(this.filePath);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${path.basename(this.filePath)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(data, null, 2), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // The mode given to open() is masked by the umask; make it exactly 0600.
      await fs.chmod(temp, 0o600);
      await fs.rename(temp, this.filePath);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }
}

/** Reads a JSON value written by the engine; a corrupt entry reads as absent. */
export async function readJson<T>(store: AuthStore, key: string): Promise<T | undefined> {
  const text = await store.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export async function writeJson(store: AuthStore, key: string, value: unknown): Promise<void> {
  await store.set(key, JSON.stringify(value));
}

/**
 * The dynamic registration stored for an issuer — only when it says it was made with that issuer
 * (bound by key, and checked again, as tokens are): a client id is never presented elsewhere.
 */
export async function readClient(store: AuthStore, issuer: string): Promise<StoredClient | undefined> {
  const stored = await readJson<StoredClient>(store, authKeys.client(issuer));
  return stored?.issuer === issuer ? stored : undefined;
}
