/**
 * The dev loop for stdio servers in VS Code: a connection's `watch` globs restart its server when
 * its sources change, and "Debug Server" restarts it with a debugger attached (Node's inspector,
 * Python's debugpy) through `vscode.debug.startDebugging`. The decisions (how to launch, which
 * stderr line names the inspector, when to restart) live in src/core/devLoop.ts.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StdioConnectionConfig } from '../../core/config';
import type { Connection } from '../../core/connection';
import {
  type DebugRuntime,
  RestartScheduler,
  debuggableLaunch,
  inspectorPort,
  isExcludedFromWatch,
} from '../../core/devLoop';
import { DisposableStore } from '../../core/events';
import type { ConnectionManager } from '../../core/manager';

export interface ServerRestart {
  connectionId: string;
  /** What changed, as shown to the user ("src/server.ts changed"). */
  reason: string;
}

/** Marks the debug sessions started for a connection (debug configurations carry extra properties through). */
const CONNECTION_KEY = '__mcpLensConnectionId';

interface Watching {
  /** The config's watch globs and base, to know when the watchers must be rebuilt. */
  key: string;
  subscriptions: DisposableStore;
  scheduler: RestartScheduler;
}

interface Debugging {
  runtime: DebugRuntime;
  subscriptions: DisposableStore;
  /** Inspector ports already attached to (Node announces each process's port once). */
  attachedPorts: Set<number>;
  pythonPort?: number;
  /** Attaches under way (from the listening check to startDebugging settling): a restart waits for them. */
  attaching: Set<Promise<void>>;
}

export type StdioConnection = Connection & { config: StdioConnectionConfig };

export function isStdio(connection: Connection): connection is StdioConnection {
  return connection.config.transport === 'stdio';
}

/**
 * Linux stamps files from a coarse clock that runs up to a few milliseconds behind `Date.now()`: a
 * file saved just after watching started can carry an earlier mtime. Only writes older than this
 * margin count as written before watching (one extra restart beats a missed one).
 */
const MTIME_CLOCK_MARGIN_MS = 25;

/** The file's modification time and size, or undefined when it cannot be read (then it counts as changed). */
function statOf(file: string): { mtimeMs: number; size: number } | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** Whether something accepts connections on this loopback port (within a second). */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A free loopback port (debugpy needs one before it starts; Node picks its own). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class DevLoop implements vscode.Disposable {
  private readonly watching = new Map<string, Watching>();
  private readonly debugging = new Map<string, Debugging>();
  private readonly disposables = new DisposableStore();
  /** The debug sessions this loop started (their configuration names the connection). */
  private readonly sessions = new Set<vscode.DebugSession>();
  private readonly restartEmitter = new vscode.EventEmitter<ServerRestart>();
  /** A watched server was restarted because its sources changed. */
  readonly onDidRestart = this.restartEmitter.event;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
    private readonly workspaceFolders: () => readonly vscode.WorkspaceFolder[] | undefined = () =>
      vscode.workspace.workspaceFolders,
  ) {
    this.disposables.add(this.restartEmitter);
    this.disposables.add(
      manager.onDidChange(({ connection, kind }) => {
        if (kind === 'added' || kind === 'config') this.syncWatch(connection);
        else if (kind === 'removed') {
          this.unwatch(connection.id);
          void this.endDebugging(connection.id);
        }
      }),
    );
    this.disposables.add(
      vscode.debug.onDidStartDebugSession((session) => {
        if (typeof session.configuration[CONNECTION_KEY] === 'string') this.sessions.add(session);
      }),
    );
    this.disposables.add(vscode.debug.onDidTerminateDebugSession((session) => this.sessions.delete(session)));
    for (const connection of manager.list()) this.syncWatch(connection);
  }

  /** The folder a connection's watch globs are relative to: its cwd (a relative cwd is taken from the first workspace folder), else the first workspace folder. */
  watchBase(config: StdioConnectionConfig): vscode.Uri | undefined {
    const folder = this.workspaceFolders()?.[0]?.uri;
    if (config.cwd) {
      if (path.isAbsolute(config.cwd)) return vscode.Uri.file(config.cwd);
      return folder ? vscode.Uri.joinPath(folder, config.cwd) : undefined;
    }
    return folder;
  }

  isWatching(connectionId: string): boolean {
    return this.watching.has(connectionId);
  }

  isDebugging(connectionId: string): boolean {
    return this.debugging.has(connectionId);
  }

  /** Waits until no restart of the connection is running or due (tests, and commands that must not race one). */
  async settled(connectionId: string): Promise<void> {
    await this.watching.get(connectionId)?.scheduler.idle();
  }

  private syncWatch(connection: Connection): void {
    const globs = isStdio(connection) ? (connection.config.watch ?? []) : [];
    const base = isStdio(connection) && globs.length ? this.watchBase(connection.config) : undefined;
    const key = base ? JSON.stringify([base.toString(), globs]) : '';
    const current = this.watching.get(connection.id);
    if (current?.key === key) return;
    this.unwatch(connection.id);
    if (!base) {
      if (globs.length) {
        this.log.warn(
          `[${connection.config.name}] watch is set but there is no folder to watch: give the connection a cwd or open a workspace folder.`,
        );
      }
      return;
    }
    const subscriptions = new DisposableStore();
    const scheduler = new RestartScheduler({ restart: (reason) => this.restart(connection, reason) });
    subscriptions.add({ dispose: () => scheduler.dispose() });
    // File events can arrive a while after the write: a file written before watching started (so
    // before this server process started) is no change the server missed.
    const watchingSince = Date.now();
    // One save can raise several events (truncate, then write), and a loaded machine delivers the
    // later ones after the restart began: a file that looks as it did at its last event is no new change.
    const lastSeen = new Map<string, string>();
    const changed = (uri: vscode.Uri, deleted = false) => {
      const relative = path.relative(base.fsPath, uri.fsPath).split(path.sep).join('/');
      if (isExcludedFromWatch(relative)) return;
      const stat = deleted ? undefined : statOf(uri.fsPath);
      if (stat && stat.mtimeMs < watchingSince - MTIME_CLOCK_MARGIN_MS) {
        this.log.debug(`[${connection.config.name}] ${relative} was written before watching started: no restart`);
        return;
      }
      const signature = deleted ? 'deleted' : stat && `${stat.mtimeMs}:${stat.size}`;
      if (signature !== undefined && lastSeen.get(uri.fsPath) === signature) {
        this.log.debug(`[${connection.config.name}] ${relative}: a repeated event for the same write, no restart`);
        return;
      }
      if (signature !== undefined) lastSeen.set(uri.fsPath, signature);
      scheduler.changedFile(relative || uri.fsPath);
    };
    for (const glob of globs) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, glob));
      subscriptions.add(watcher);
      subscriptions.add(watcher.onDidChange((uri) => changed(uri)));
      subscriptions.add(watcher.onDidCreate((uri) => changed(uri)));
      subscriptions.add(watcher.onDidDelete((uri) => changed(uri, true)));
    }
    this.watching.set(connection.id, { key, subscriptions, scheduler });
    this.log.info(
      `[${connection.config.name}] watching ${globs.join(', ')} in ${base.fsPath}: a change restarts the server`,
    );
  }

  private unwatch(connectionId: string): void {
    this.watching.get(connectionId)?.subscriptions.dispose();
    this.watching.delete(connectionId);
  }

  private async restart(connection: Connection, reason: string): Promise<void> {
    // A disconnected server stays down: the user stopped it; it starts with the next connect anyway.
    if (connection.status.state === 'disconnected') {
      this.log.info(`[${connection.config.name}] ${reason}; not restarted (disconnected)`);
      return;
    }
    this.log.info(`[${connection.config.name}] ${reason}: restarting the server`);
    const debugging = this.debugging.get(connection.id);
    if (debugging) await this.detach(connection.id, debugging);
    try {
      await connection.reconnect();
    } finally {
      this.restartEmitter.fire({ connectionId: connection.id, reason });
    }
  }

  /**
   * Restarts the connection's server so a debugger can attach, and attaches: to each Node process
   * as it announces its inspector, or to debugpy once the server is up. Debugging lasts (across
   * restarts) until stopDebugging.
   */
  async startDebugging(connection: Connection, runtime: DebugRuntime): Promise<void> {
    if (!isStdio(connection)) {
      throw new Error(
        `"${connection.config.name}" is not a stdio server: only servers MCP Lens starts can be debugged here.`,
      );
    }
    await this.endDebugging(connection.id);
    const state: Debugging = {
      runtime,
      subscriptions: new DisposableStore(),
      attachedPorts: new Set(),
      attaching: new Set(),
    };
    if (runtime === 'python') state.pythonPort = await freeLoopbackPort();
    // Throws a clear DebugLaunchError (for example a Python server started through uv) before anything changes.
    debuggableLaunch(connection.config, runtime, state.pythonPort);
    this.debugging.set(connection.id, state);
    connection.stdioLaunch = (params) => debuggableLaunch(params, runtime, state.pythonPort);
    if (runtime === 'node') {
      // Each Node process announces its inspector on stderr as it starts. The attach waits until
      // the server is up (connected), and goes only to inspectors still listening then: a process
      // that already ended (a launcher, or a server restarted again at once) leaves js-debug
      // retrying a dead port, which it reports as an uncaught error.
      const pending = new Set<number>();
      const attachPending = () => {
        for (const port of pending) {
          pending.delete(port);
          if (state.attachedPorts.has(port)) continue;
          state.attachedPorts.add(port);
          this.track(
            state,
            isListening(port).then((listening) => {
              if (!listening || this.debugging.get(connection.id) !== state) return;
              return this.attach(connection, {
                type: 'node',
                request: 'attach',
                name: `MCP server: ${connection.config.name} (port ${port})`,
                address: '127.0.0.1',
                port,
                skipFiles: ['<node_internals>/**'],
              });
            }),
          );
        }
      };
      state.subscriptions.add(
        connection.onStderr((line) => {
          const port = inspectorPort(line);
          if (port === undefined || this.debugging.get(connection.id) !== state) return;
          pending.add(port);
          if (connection.status.state === 'connected') attachPending();
        }),
      );
      state.subscriptions.add(
        connection.onDidChangeStatus((status) => {
          if (status.state === 'connected') attachPending();
          // A new server process is starting: what the old one announced is gone with it.
          else if (status.state === 'connecting') pending.clear();
        }),
      );
    }
    if (runtime === 'python') {
      // debugpy announces nothing: attach each time the server (re)starts while debugging lasts:
      // this restart, and each one after it (a watched file changed, a reconnect).
      state.subscriptions.add(
        connection.onDidChangeStatus((status) => {
          if (status.state !== 'connected' || this.debugging.get(connection.id) !== state) return;
          this.track(
            state,
            this.attach(connection, {
              type: 'debugpy',
              request: 'attach',
              name: `MCP server: ${connection.config.name}`,
              connect: { host: '127.0.0.1', port: state.pythonPort },
              justMyCode: false,
            }),
          );
        }),
      );
    }
    await connection.reconnect();
    // The Python attach starts as the server connects: the command returns once it is done.
    if (runtime === 'python') await this.attachesSettled(state);
  }

  /** Ends debugging: stops the sessions, and restarts the server as its config says (without a debugger). */
  async stopDebugging(connection: Connection): Promise<void> {
    const was = await this.endDebugging(connection.id);
    if (was && connection.status.state !== 'disconnected') await connection.reconnect();
  }

  private async endDebugging(connectionId: string): Promise<boolean> {
    const state = this.debugging.get(connectionId);
    if (!state) return false;
    this.debugging.delete(connectionId);
    state.subscriptions.dispose();
    const connection = this.manager.get(connectionId);
    if (connection) connection.stdioLaunch = undefined;
    await this.detach(connectionId, state);
    return true;
  }

  private track(state: Debugging, attaching: Promise<void>): void {
    state.attaching.add(attaching);
    const settled = () => void state.attaching.delete(attaching);
    attaching.then(settled, settled);
  }

  private async attachesSettled(state: Debugging): Promise<void> {
    await Promise.allSettled([...state.attaching]);
  }

  /**
   * Ends the debug sessions attached to the connection's server process, once the attaches under
   * way have settled. Before a restart: js-debug left attaching to (or attached to) a process that
   * is gone retries its port for as long as the session lives, each failure an uncaught error in
   * the extension host. The new process is attached to once it is up.
   */
  private async detach(connectionId: string, state: Debugging): Promise<void> {
    await this.attachesSettled(state);
    for (const session of this.sessionsOf(connectionId)) {
      await vscode.debug.stopDebugging(session).then(undefined, () => undefined);
    }
  }

  /** The debug sessions started for a connection (the attach sessions; js-debug's children stop with them). */
  sessionsOf(connectionId: string): vscode.DebugSession[] {
    return [...this.sessions].filter((s) => s.configuration[CONNECTION_KEY] === connectionId);
  }

  private async attach(connection: Connection, configuration: vscode.DebugConfiguration): Promise<void> {
    const folder = this.workspaceFolders()?.[0];
    const started = await Promise.resolve(
      vscode.debug.startDebugging(folder, { ...configuration, [CONNECTION_KEY]: connection.id }),
    ).catch((e: unknown) => {
      this.log.error(`[${connection.config.name}] could not attach the debugger: ${(e as Error).message}`);
      return false;
    });
    if (started) {
      this.log.info(`[${connection.config.name}] debugger attached (${configuration.name})`);
      return;
    }
    const hint =
      configuration.type === 'debugpy'
        ? 'Python servers need the Python Debugger extension (ms-python.debugpy) and the debugpy package in the environment that runs the server (pip install debugpy).'
        : 'The JavaScript debugger (built into VS Code) did not start; see the Debug Console and the log for why.';
    this.log.error(`[${connection.config.name}] the debugger did not attach. ${hint}`);
    void vscode.window.showErrorMessage(`MCP Lens: could not debug "${connection.config.name}". ${hint}`);
  }

  dispose(): void {
    for (const id of [...this.watching.keys()]) this.unwatch(id);
    for (const [id, state] of this.debugging) {
      state.subscriptions.dispose();
      const connection = this.manager.get(id);
      if (connection) connection.stdioLaunch = undefined;
    }
    this.debugging.clear();
    this.disposables.dispose();
  }
}
