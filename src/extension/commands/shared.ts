/**
 * What every command handler needs: the extension's services (`CommandContext`, given by
 * extension.ts) and the helpers built on them (`CommandDeps`): reporting an error, picking a
 * connection, connecting and signing in because the user asked to.
 */
import * as vscode from 'vscode';
import { AuthRequiredError, ConnectionError } from '../../core/errors';
import { isHttpConfig, type ConnectionConfig, type HttpConnectionConfig } from '../../core/config';
import type { Connection } from '../../core/connection';
import type { ConnectionManager } from '../../core/manager';
import type { TaskRunner } from '../../core/tasks';
import type { AuthService } from '../auth/authService';
import type { ChecksService } from '../checks/checksService';
import { COMMANDS, type CommandId } from '../commands';
import type { ConnectionStore, SavedScope } from '../connectionStore';
import { type ConnectionsTreeProvider, STATE_LABELS, type TreeNode } from '../connectionsTree';
import type { DevLoop } from '../devLoop/devLoop';
import type { ResultDocuments } from '../resultDocuments';
import type { FlowTraceView } from '../../shared/protocol';
import type { VsCodeMcpServers } from '../vscodeMcpServers';

export interface CommandContext {
  manager: ConnectionManager;
  store: ConnectionStore;
  tree: ConnectionsTreeProvider;
  results: ResultDocuments;
  log: vscode.LogOutputChannel;
  auth: AuthService;
  /** Saves a config and brings the manager in line with the store. */
  saveConnection(
    config: ConnectionConfig,
    scope: SavedScope,
    secretValues: Record<string, string>,
  ): Promise<Connection>;
  removeConnection(id: string): Promise<void>;
  /** Shows a connection in the Connections view (opening the view if needed). */
  revealConnection(id: string): Promise<void>;
  /** VS Code's own mcp.json servers. */
  vscodeMcp: VsCodeMcpServers;
  /** The connection's task runner (tools that must run as tasks); absent: such tools cannot be called. */
  tasksFor?(connection: Connection): TaskRunner;
  /** The workspace's saved checks (Run Saved Checks). */
  checks: ChecksService;
  /** Watching stdio servers' sources and debugging them; absent: those commands say it is unavailable. */
  devLoop?: DevLoop;
  /** The connection's last OAuth sign-in debugger run (masked), for session exports. */
  oauthTrace?(connectionId: string): FlowTraceView | undefined;
  /** This extension's version, written into exported files. */
  extensionVersion?: string;
}

export type Handler = (...args: unknown[]) => unknown;

/** The handlers of some of the commands (the inspector registers its own). */
export type HandlerTable<K extends Exclude<CommandId, typeof COMMANDS.openInspector>> = Record<K, Handler>;

export type HttpConnection = Connection & { config: HttpConnectionConfig };

export interface CommandDeps extends CommandContext {
  showError(prefix: string, e: unknown): Promise<void>;
  /** A connection from a node, an id, or a pick (only the ones `filter` allows). */
  resolveConnection(
    arg: unknown,
    placeHolder: string,
    filter?: (c: Connection) => boolean,
  ): Promise<Connection | undefined>;
  connectInteractive(connection: Connection, how?: 'connect' | 'reconnect'): Promise<boolean>;
  ensureConnected(connection: Connection): Promise<boolean>;
  signIn(connection: Connection, scope?: string): Promise<boolean>;
  /** The connection when it is an HTTP one; otherwise says that stdio connections do not use OAuth. */
  httpConnection(connection: Connection | undefined): HttpConnection | undefined;
}

/**
 * Text from servers can end up in notifications, which render `[label](target)` as a link.
 * Breaking the `](` sequence keeps such text inert (it is data, never a command link).
 */
export function inertText(text: string, max = 500): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return clipped.replace(/\]\(/g, '] (');
}

export function errorText(e: unknown): string {
  if (e instanceof ConnectionError) return e.fullMessage;
  return e instanceof Error ? e.message : String(e);
}

export function isTreeNode(arg: unknown): arg is TreeNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg && 'connectionId' in arg;
}

/** The scope a 403 `insufficient_scope` challenge asks for (MCP authorization: step-up), if any. */
export function stepUpScope(e: ConnectionError): string | undefined {
  const cause = e.cause;
  return cause instanceof AuthRequiredError && cause.details.error === 'insufficient_scope'
    ? cause.details.scope
    : undefined;
}

export function commandDeps(ctx: CommandContext): CommandDeps {
  const { manager, log } = ctx;

  async function showError(prefix: string, e: unknown): Promise<void> {
    const message = `${prefix}: ${inertText(errorText(e))}`;
    log.error(message);
    const choice = await vscode.window.showErrorMessage(message, 'Show Log');
    if (choice === 'Show Log') log.show(true);
  }

  /** A connection from a node, an id, or a pick (only the ones `filter` allows). */
  async function resolveConnection(
    arg: unknown,
    placeHolder: string,
    filter: (c: Connection) => boolean = () => true,
  ): Promise<Connection | undefined> {
    if (isTreeNode(arg)) return manager.get(arg.connectionId);
    if (typeof arg === 'string') {
      const found = manager.get(arg) ?? manager.findByName(arg);
      if (!found) throw new Error(`There is no connection "${arg}".`);
      return found;
    }
    const candidates = manager.list().filter(filter);
    if (!candidates.length) {
      const choice = await vscode.window.showInformationMessage(
        'There is no matching MCP connection.',
        'Add MCP Connection',
      );
      if (choice) await vscode.commands.executeCommand(COMMANDS.addConnection);
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const picked = await vscode.window.showQuickPick(
      candidates.map((c) => ({ label: c.config.name, description: STATE_LABELS[c.status.state], connection: c })),
      { placeHolder },
    );
    return picked?.connection;
  }

  /**
   * Connects because the user asked to. When the server needs a sign-in, the browser sign-in starts
   * at once: the user is at the keyboard. (Background connects never open a browser; they leave the
   * connection in `auth-required` with a Sign In action.)
   */
  async function connectInteractive(
    connection: Connection,
    how: 'connect' | 'reconnect' = 'connect',
  ): Promise<boolean> {
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Connecting to ${connection.config.name}…` },
        () => (how === 'reconnect' ? connection.reconnect() : connection.connect()),
      );
      return true;
    } catch (e) {
      if (e instanceof ConnectionError && e.code === 'auth-required' && isHttpConfig(connection.config)) {
        return signIn(connection, stepUpScope(e));
      }
      await showError(`Could not connect to ${connection.config.name}`, e);
      return false;
    }
  }

  /** Requests need a live session: connect first when the user asked for something on a disconnected server. */
  async function ensureConnected(connection: Connection): Promise<boolean> {
    return connection.status.state === 'connected' || connectInteractive(connection);
  }

  /** Browser sign-in for a connection, then reconnect. False when cancelled or failed (already reported). */
  async function signIn(connection: Connection, scope?: string): Promise<boolean> {
    try {
      return await ctx.auth.signIn(connection, scope);
    } catch (e) {
      await showError(`Signing in to ${connection.config.name} failed`, e);
      return false;
    }
  }

  function httpConnection(connection: Connection | undefined): HttpConnection | undefined {
    if (!connection) return undefined;
    if (!isHttpConfig(connection.config)) {
      void vscode.window.showInformationMessage(
        `"${connection.config.name}" is a stdio connection: it does not use OAuth.`,
      );
      return undefined;
    }
    return connection as HttpConnection;
  }

  return { ...ctx, showError, resolveConnection, connectInteractive, ensureConnected, signIn, httpConnection };
}
