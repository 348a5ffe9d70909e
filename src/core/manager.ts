/**
 * The set of connections the user has, keyed by config id. The manager creates and disposes
 * connections and merges their events into one stream for views (tree, panel, CLI).
 */
import type { ConnectionConfig } from './config';
import { Connection, type ConnectionOptions } from './connection';
import { DisposableStore, Emitter, type Disposable, type Event } from './events';

export type ConnectionManagerOptions = ConnectionOptions;

export type ConnectionChangeKind = 'added' | 'removed' | 'status' | 'list' | 'config';

export interface ConnectionChange {
  connection: Connection;
  kind: ConnectionChangeKind;
}

export class ConnectionManager implements Disposable {
  private readonly connections = new Map<string, { connection: Connection; subscriptions: DisposableStore }>();
  private readonly changeEmitter = new Emitter<ConnectionChange>();
  readonly onDidChange: Event<ConnectionChange> = this.changeEmitter.event;

  constructor(private readonly options: ConnectionManagerOptions = {}) {}

  list(): Connection[] {
    return [...this.connections.values()].map((e) => e.connection);
  }

  get(id: string): Connection | undefined {
    return this.connections.get(id)?.connection;
  }

  findByName(name: string): Connection | undefined {
    const wanted = name.trim().toLowerCase();
    return this.list().find((c) => c.config.name.trim().toLowerCase() === wanted);
  }

  add(config: ConnectionConfig): Connection {
    if (this.connections.has(config.id)) throw new Error(`A connection with id ${config.id} already exists.`);
    const connection = new Connection(config, this.options);
    const subscriptions = new DisposableStore();
    subscriptions.add(connection.onDidChangeStatus(() => this.changeEmitter.fire({ connection, kind: 'status' })));
    subscriptions.add(connection.onDidChangeList(() => this.changeEmitter.fire({ connection, kind: 'list' })));
    this.connections.set(config.id, { connection, subscriptions });
    this.changeEmitter.fire({ connection, kind: 'added' });
    return connection;
  }

  /**
   * Replaces a connection's config. A connected connection whose target changed reconnects,
   * so what the user sees always matches what they saved.
   */
  async update(config: ConnectionConfig): Promise<Connection> {
    const connection = this.get(config.id);
    if (!connection) return this.add(config);
    const targetChanged = JSON.stringify(targetOf(connection.config)) !== JSON.stringify(targetOf(config));
    connection.setConfig(config);
    this.changeEmitter.fire({ connection, kind: 'config' });
    if (targetChanged && connection.status.state !== 'disconnected') {
      await connection.reconnect().catch(() => undefined); // the status carries the error
    }
    return connection;
  }

  async remove(id: string): Promise<void> {
    const entry = this.connections.get(id);
    if (!entry) return;
    this.connections.delete(id);
    entry.subscriptions.dispose();
    await entry.connection.dispose();
    this.changeEmitter.fire({ connection: entry.connection, kind: 'removed' });
  }

  /** Disconnects everything (ending stdio process trees) and releases the manager. */
  async disposeAsync(): Promise<void> {
    const entries = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      entries.map(async ({ connection, subscriptions }) => {
        subscriptions.dispose();
        await connection.dispose();
      }),
    );
    this.changeEmitter.dispose();
  }

  dispose(): void {
    void this.disposeAsync();
  }
}

/** The parts of a config that decide where the connection goes (not its name, nor which files the dev loop watches). */
function targetOf(config: ConnectionConfig): unknown {
  const { name: _name, ...rest } = config;
  if (rest.transport === 'stdio') delete (rest as { watch?: string[] }).watch;
  return rest;
}
