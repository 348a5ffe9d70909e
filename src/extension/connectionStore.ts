/**
 * Where connection configs live:
 * - user scope: `ExtensionContext.globalState` (this machine's profile, every window);
 * - workspace scope: `ExtensionContext.workspaceState` (this workspace only);
 * - settings: the read-only `mcpLens.connections` setting (see settingsConnections.ts).
 * Secret header values never enter these stores: they go to `SecretStorage` under typed keys
 * (`mcpLens.secretHeader.<connectionId>.<headerName>`), and configs only list the header names.
 * Only `import type` from vscode, so the store is unit-tested with plain fakes.
 */
import type { Memento, SecretStorage } from 'vscode';
import { type ConnectionConfig, type HttpConnectionConfig, isHttpConfig, validateConfig } from '../core/config';
import { Emitter, type Event } from '../core/events';
import type { Logger } from '../core/logger';
import { parseSettingsConnections } from './settingsConnections';

export type SavedScope = 'user' | 'workspace';
export type ConnectionScope = SavedScope | 'settings';

export interface StoredConnection {
  config: ConnectionConfig;
  scope: ConnectionScope;
}

/** The memento key; versioned so a later format can migrate. */
export const CONNECTIONS_STATE_KEY = 'mcpLens.connections.v1';

/** SecretStorage key of the client secret of a connection's pre-registered OAuth client. */
export function oauthClientSecretKey(connectionId: string): string {
  return `mcpLens.oauthClientSecret.${connectionId}`;
}

export function secretHeaderKey(connectionId: string, headerName: string): string {
  return `mcpLens.secretHeader.${connectionId}.${headerName}`;
}

export class ConnectionStore {
  private readonly onDidChangeEmitter = new Emitter<void>();
  /** Fires when any scope changes (a save, a removal, the settings). */
  readonly onDidChange: Event<void> = this.onDidChangeEmitter.event;
  private settingsConfigs: ConnectionConfig[] = [];

  constructor(
    private readonly userState: Memento,
    private readonly workspaceState: Memento,
    private readonly secrets: SecretStorage,
    private readonly readSettings: () => unknown,
    private readonly logger: Logger,
  ) {
    this.reloadSettings(false);
  }

  /** Every connection: user, then workspace, then settings. */
  list(): StoredConnection[] {
    return [
      ...this.saved('user').map((config) => ({ config, scope: 'user' as const })),
      ...this.saved('workspace').map((config) => ({ config, scope: 'workspace' as const })),
      ...this.settingsConfigs.map((config) => ({ config, scope: 'settings' as const })),
    ];
  }

  get(id: string): StoredConnection | undefined {
    return this.list().find((c) => c.config.id === id);
  }

  /** Re-reads the `mcpLens.connections` setting (call on configuration change). */
  reloadSettings(fire = true): void {
    const saved = [...this.saved('user'), ...this.saved('workspace')];
    const { configs, warnings } = parseSettingsConnections(this.readSettings(), saved);
    for (const warning of warnings) this.logger.warn(warning);
    this.settingsConfigs = configs;
    if (fire) this.onDidChangeEmitter.fire();
  }

  /**
   * Saves (adds or replaces) a connection in a scope. `secretValues` holds values for the
   * header names in `config.secretHeaders`; names without a value keep their stored secret
   * (an edit that leaves a secret untouched). Secrets of headers no longer listed are deleted.
   */
  async save(config: ConnectionConfig, scope: SavedScope, secretValues: Record<string, string> = {}): Promise<void> {
    const existing = this.get(config.id);
    if (existing?.scope === 'settings') {
      throw new Error(`"${config.name}" comes from the mcpLens.connections setting; edit it in settings.`);
    }
    const others = this.list()
      .filter((c) => c.config.id !== config.id)
      .map((c) => c.config);
    const problems = validateConfig(config, others);
    if (problems.length) throw new Error(problems.join(' '));

    const clean = sanitize(config);
    if (isHttpConfig(clean)) {
      for (const name of clean.secretHeaders ?? []) {
        const value = secretValues[name];
        if (value !== undefined) await this.secrets.store(secretHeaderKey(clean.id, name), value);
      }
    }
    // Secrets the previous version had but this one does not list any more.
    if (existing && isHttpConfig(existing.config)) {
      const keep = new Set(isHttpConfig(clean) ? (clean.secretHeaders ?? []) : []);
      for (const name of existing.config.secretHeaders ?? []) {
        if (!keep.has(name)) await this.secrets.delete(secretHeaderKey(clean.id, name));
      }
    }
    if (existing && existing.scope !== scope) {
      await this.write(
        existing.scope,
        this.saved(existing.scope).filter((c) => c.id !== config.id),
      );
    }
    const list = this.saved(scope);
    const index = list.findIndex((c) => c.id === config.id);
    if (index >= 0) list[index] = clean;
    else list.push(clean);
    await this.write(scope, list);
    this.onDidChangeEmitter.fire();
  }

  /** Removes a saved connection and its secrets. */
  async remove(id: string): Promise<void> {
    const existing = this.get(id);
    if (!existing) return;
    if (existing.scope === 'settings') {
      throw new Error(`"${existing.config.name}" comes from the mcpLens.connections setting; remove it there.`);
    }
    if (isHttpConfig(existing.config)) {
      for (const name of existing.config.secretHeaders ?? []) await this.secrets.delete(secretHeaderKey(id, name));
      await this.secrets.delete(oauthClientSecretKey(id));
    }
    await this.write(
      existing.scope,
      this.saved(existing.scope).filter((c) => c.id !== id),
    );
    this.onDidChangeEmitter.fire();
  }

  /** The values of a connection's secret headers, read from secret storage. */
  async secretHeaders(config: HttpConnectionConfig): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of config.secretHeaders ?? []) {
      const value = await this.secrets.get(secretHeaderKey(config.id, name));
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
  }

  private saved(scope: SavedScope): ConnectionConfig[] {
    const memento = scope === 'user' ? this.userState : this.workspaceState;
    const value = memento.get<unknown>(CONNECTIONS_STATE_KEY);
    return Array.isArray(value) ? (value as ConnectionConfig[]).map((c) => ({ ...c })) : [];
  }

  private async write(scope: SavedScope, configs: ConnectionConfig[]): Promise<void> {
    const memento = scope === 'user' ? this.userState : this.workspaceState;
    await memento.update(CONNECTIONS_STATE_KEY, configs);
  }
}

/**
 * A copy fit for the memento: plain data only, and no value for a header the config marks
 * secret, even if a caller left one in `headers` by mistake.
 */
function sanitize(config: ConnectionConfig): ConnectionConfig {
  const copy = JSON.parse(JSON.stringify(config)) as ConnectionConfig;
  if (isHttpConfig(copy) && copy.headers && copy.secretHeaders?.length) {
    const secret = new Set(copy.secretHeaders.map((n) => n.toLowerCase()));
    for (const name of Object.keys(copy.headers)) if (secret.has(name.toLowerCase())) delete copy.headers[name];
  }
  return copy;
}
