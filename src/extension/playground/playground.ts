/**
 * The playground of every connection: one PlaygroundSession per connection (made when first used,
 * dropped with the connection), its tool calls going through `connection.callTool` (the inspector's
 * path, so they are traced), and one change event the inspector panel forwards as `playground/changed`.
 */
import { ConnectionError } from '../../core/errors';
import { Emitter, type Disposable } from '../../core/events';
import type { ConnectionManager } from '../../core/manager';
import type { JsonObject, PlaygroundView } from '../../shared/protocol';
import { PlaygroundSession, type PlaygroundModel } from './session';

export interface PlaygroundDeps {
  manager: ConnectionManager;
  /** The chat model to use (see ./vscodeModel's resolvePlaygroundModel). */
  resolveModel(modelId: string | undefined, serverName: string): Promise<PlaygroundModel>;
}

export class Playground implements Disposable {
  private readonly sessions = new Map<string, PlaygroundSession>();
  private readonly changes = new Emitter<PlaygroundView>();
  readonly onDidChange = this.changes.event;
  private readonly subscription: Disposable;
  /** The end of each connection's running turn (tests wait for it). */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(private readonly deps: PlaygroundDeps) {
    this.subscription = deps.manager.onDidChange(({ connection, kind }) => {
      if (kind !== 'removed') return;
      this.sessions.get(connection.id)?.dispose();
      this.sessions.delete(connection.id);
    });
  }

  view(connectionId: string): PlaygroundView {
    return this.session(connectionId).view();
  }

  send(connectionId: string, text: string, modelId?: string): PlaygroundView {
    const session = this.session(connectionId);
    const { done } = session.send(text, modelId);
    this.turns.set(connectionId, done);
    return session.view();
  }

  /** Settles when the connection's current (or last) turn has ended. */
  async settled(connectionId: string): Promise<void> {
    await this.turns.get(connectionId);
  }

  decide(connectionId: string, entryId: string, approve: boolean): PlaygroundView {
    const session = this.session(connectionId);
    session.decide(entryId, approve);
    return session.view();
  }

  cancel(connectionId: string): PlaygroundView {
    const session = this.session(connectionId);
    session.cancel();
    return session.view();
  }

  clear(connectionId: string): PlaygroundView {
    const session = this.session(connectionId);
    session.clear();
    return session.view();
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.subscription.dispose();
    this.changes.dispose();
  }

  private session(connectionId: string): PlaygroundSession {
    const existing = this.sessions.get(connectionId);
    if (existing) return existing;
    const connection = this.deps.manager.get(connectionId);
    if (!connection) throw new ConnectionError('invalid-config', 'That connection no longer exists.');
    const session = new PlaygroundSession({
      connectionId,
      resolveModel: (modelId) => this.deps.resolveModel(modelId, connection.config.name),
      tools: () => (connection.status.state === 'connected' ? connection.tools : []),
      callTool: (name, args: JsonObject, signal) => connection.callTool(name, args, { signal }),
      onDidChange: (view) => this.changes.fire(view),
    });
    this.sessions.set(connectionId, session);
    return session;
  }
}
