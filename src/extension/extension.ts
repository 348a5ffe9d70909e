/**
 * MCP Lens entry point. `activate` wires the core (connection manager) to VS Code: the config
 * store, the Connections tree, the commands, the result documents and the log channel. Every
 * registration goes into `context.subscriptions`; `deactivate` ends every connection (and so
 * every stdio process tree).
 */
import * as vscode from 'vscode';
import { type ConnectionConfig, newConnectionId } from '../core/config';
import type { Connection } from '../core/connection';
import { ConnectionManager } from '../core/manager';
import type { TraceEntry } from '../core/trace';
import type { RequestMap, RequestMethod } from '../shared/protocol';
import { AuthDebugger } from './auth/authDebugger';
import { AuthService } from './auth/authService';
import { RootsStore } from './answers/roots';
import { ServerAnswers } from './answers/serverAnswers';
import { ChecksService } from './checks/checksService';
import { InspectorChecks } from './checks/inspectorChecks';
import { registerCommands } from './commandHandlers';
import { COMMANDS } from './commands';
import { InspectorPanel, OPEN_INSPECTOR_COMMAND, registerInspector } from './inspector/inspectorPanel';
import { Playground } from './playground/playground';
import { resolvePlaygroundModel } from './playground/vscodeModel';
import { inspectorAuthStatus } from './auth/inspectorAuthStatus';
import { ConnectionStore, type SavedScope } from './connectionStore';
import { ConnectionsTreeProvider } from './connectionsTree';
import { DevLoop } from './devLoop/devLoop';
import { ResultDocuments } from './resultDocuments';
import { UriRouter } from './uriRouter';
import { VsCodeMcpServers, isVsCodeMcpId } from './vscodeMcpServers';

/** A config without an id yet (one is made when saved). Distributes over the union so each variant keeps its fields. */
export type NewConnectionConfig = ConnectionConfig extends infer C
  ? C extends ConnectionConfig
    ? Omit<C, 'id'> & { id?: string }
    : never
  : never;

/** What `activate` returns in development and test runs, so suites can drive the extension without UI. */
export interface McpLensTestApi {
  manager: ConnectionManager;
  store: ConnectionStore;
  tree: ConnectionsTreeProvider;
  results: ResultDocuments;
  log: vscode.LogOutputChannel;
  uriRouter: UriRouter;
  auth: AuthService;
  /** The server-request queue, roots, task runners and language-model drafts. */
  answers: ServerAnswers;
  roots: RootsStore;
  /** Watched stdio servers and server debugging. */
  devLoop: DevLoop;
  /** VS Code's own mcp.json servers (the "VS Code MCP servers" group). */
  vscodeMcp: VsCodeMcpServers;
  /** The LLM playground's sessions (the Playground tab drives them through inspectorRequest). */
  playground: Playground;
  /** Opens (or reveals) the inspector and runs one webview request through its validation and handler. */
  inspectorRequest<M extends RequestMethod>(
    method: M,
    params: RequestMap[M]['params'],
  ): Promise<RequestMap[M]['result']>;
  /** Saves a config (an id is made when missing), adds it to the manager and connects. */
  addConnection(
    config: NewConnectionConfig,
    scope?: SavedScope,
    secretValues?: Record<string, string>,
  ): Promise<Connection>;
  removeConnection(id: string): Promise<void>;
  /** A second store over the same mementos and secrets: what a reloaded window would read. */
  reopenStore(): ConnectionStore;
  /** The workspace's saved checks (.vscode/mcp-lens/*.json). */
  checks: ChecksService;
  /** Milliseconds the body of `activate` took. */
  activationMs: number;
}

let manager: ConnectionManager | undefined;

function traceLine(name: string, entry: TraceEntry): string {
  const arrow = entry.direction === 'out' ? '→' : '←';
  const what = [entry.kind, entry.method, entry.id !== undefined ? `#${entry.id}` : undefined]
    .filter(Boolean)
    .join(' ');
  const duration = entry.durationMs !== undefined ? ` ${entry.durationMs} ms` : '';
  return `[${name}] ${arrow} ${what}${duration} (${entry.size} B)`;
}

export function activate(context: vscode.ExtensionContext): McpLensTestApi | undefined {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('MCP Lens', { log: true });
  context.subscriptions.push(log);

  const settings = () => vscode.workspace.getConfiguration('mcpLens');
  const store = new ConnectionStore(
    context.globalState,
    context.workspaceState,
    context.secrets,
    () => settings().get<unknown>('connections'),
    log,
  );
  context.subscriptions.push(store);

  const uriRouter = new UriRouter(log);
  const auth = new AuthService(context.secrets, uriRouter, log);
  context.subscriptions.push(auth);

  // Answering the server: one queue for every connection, roots from the workspace folders (or a
  // connection's own list); a request that arrives while the inspector does not show its
  // connection is announced with a notification whose Open goes to the Requests tab.
  const roots = new RootsStore(context.globalState, () => vscode.workspace.workspaceFolders);
  const answers = new ServerAnswers({
    roots,
    log,
    inspectorShows: (connectionId) => InspectorPanel.instance?.shows(connectionId) ?? false,
    openInspector: (target) => void vscode.commands.executeCommand(OPEN_INSPECTOR_COMMAND, target),
  });
  context.subscriptions.push(
    answers,
    roots,
    vscode.workspace.onDidChangeWorkspaceFolders(() => roots.workspaceChanged()),
  );

  const connectionManager: ConnectionManager = new ConnectionManager({
    serverRequests: answers.queue,
    logger: log,
    // OAuth: Bearer on every request, silent refresh; a needed browser sign-in surfaces as `auth-required`.
    fetchFor: (config) => auth.fetchFor(config),
    requestTimeoutMs: () => Math.max(1, settings().get<number>('requestTimeoutSeconds', 60)) * 1000,
    clientInfo: { name: 'mcp-lens', version: String(context.extension.packageJSON.version ?? '0.0.0') },
    // VS Code's mcp.json servers keep their secret headers in memory (their values come from the file's inputs).
    secretHeadersFor: (config): Promise<Record<string, string>> =>
      isVsCodeMcpId(config.id) ? vscodeMcp.secretHeaders(config) : store.secretHeaders(config),
  });
  manager = connectionManager;
  const vscodeMcp: VsCodeMcpServers = new VsCodeMcpServers({
    manager: connectionManager,
    secrets: context.secrets,
    globalState: context.globalState,
    globalStorageUri: context.globalStorageUri,
    log,
  });
  context.subscriptions.push(vscodeMcp);
  answers.bind(connectionManager);
  // The LLM playground (Playground tab): a chat with a VS Code language model that calls the connection's tools.
  const playground = new Playground({ manager: connectionManager, resolveModel: resolvePlaygroundModel });
  context.subscriptions.push(playground);

  // The protocol trace goes to the log channel: one summary line per message (info), and the
  // redacted message itself at trace level. Entries are redacted by the core before they exist.
  const traceSubscriptions = new Map<string, vscode.Disposable>();
  const followTrace = (connection: Connection) => {
    if (traceSubscriptions.has(connection.id)) return;
    traceSubscriptions.set(
      connection.id,
      connection.trace.onDidAdd((entry) => {
        const name = connection.config.name;
        log.info(traceLine(name, entry));
        if (log.logLevel === vscode.LogLevel.Trace) log.trace(`[${name}] ${JSON.stringify(entry.message)}`);
      }),
    );
  };
  context.subscriptions.push(
    connectionManager.onDidChange(({ connection, kind }) => {
      if (kind === 'added') followTrace(connection);
      else if (kind === 'removed') {
        traceSubscriptions.get(connection.id)?.dispose();
        traceSubscriptions.delete(connection.id);
      } else if (kind === 'status') {
        const { state, message } = connection.status;
        log.info(`[${connection.config.name}] ${state}${message ? `: ${message}` : ''}`);
      }
    }),
    { dispose: () => traceSubscriptions.forEach((d) => d.dispose()) },
  );

  /** Brings the manager in line with the store: adds new configs, updates changed ones, removes gone ones. */
  const sync = async (): Promise<void> => {
    const wanted = new Map(store.list().map((s) => [s.config.id, s.config]));
    for (const connection of connectionManager.list()) {
      // VS Code's mcp.json servers are not in the store: they follow their files (vscodeMcpServers.ts).
      if (isVsCodeMcpId(connection.id)) continue;
      if (!wanted.has(connection.id)) await connectionManager.remove(connection.id);
    }
    for (const config of wanted.values()) {
      const current = connectionManager.get(config.id);
      if (!current) connectionManager.add(config);
      else if (JSON.stringify(current.config) !== JSON.stringify(config)) await connectionManager.update(config);
    }
  };

  const saveConnection = async (
    config: ConnectionConfig,
    scope: SavedScope,
    secretValues: Record<string, string> = {},
  ): Promise<Connection> => {
    await store.save(config, scope, secretValues);
    await sync();
    const connection = connectionManager.get(config.id);
    if (!connection) throw new Error(`The connection "${config.name}" was saved but is not loaded.`);
    return connection;
  };
  const removeConnection = async (id: string): Promise<void> => {
    await store.remove(id);
    await sync();
  };

  const tree = new ConnectionsTreeProvider(connectionManager, store, vscodeMcp);
  const inspectorAuth = inspectorAuthStatus(auth, connectionManager);
  const view = vscode.window.createTreeView('mcpLens.connections', { treeDataProvider: tree, showCollapseAll: true });
  const results = new ResultDocuments();
  // The dev loop for stdio servers: `watch` globs restart a server when its sources change; Debug Server attaches a debugger.
  const devLoop = new DevLoop(connectionManager, log);
  context.subscriptions.push(tree, view, results, devLoop);

  // The MCP Inspector webview panel: Open Inspector, and its serializer for reloads.
  // Its Auth tab: the OAuth flow debugger and the token vault.
  const authDebugger = new AuthDebugger(auth, context.workspaceState, log, (config) => store.secretHeaders(config));
  context.subscriptions.push(
    connectionManager.onDidChange((e) => {
      if (e.kind === 'removed') void authDebugger.forgetConnection(e.connection.id);
    }),
  );
  // Saved checks run on the user's live connection when a file stands for one; connecting it is
  // the Connect command's (so a needed sign-in starts as it does there).
  const checks = new ChecksService({
    manager: connectionManager,
    workspaceFolders: () => (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
    ensureConnected: async (connection) => {
      await vscode.commands.executeCommand(COMMANDS.connect, connection.id);
      return connection.status.state === 'connected';
    },
    requestTimeoutMs: () => Math.max(1, settings().get<number>('requestTimeoutSeconds', 60)) * 1000,
    clientInfo: { name: 'mcp-lens', version: String(context.extension.packageJSON.version ?? '0.0.0') },
  });

  const inspectorDeps = {
    checks: new InspectorChecks({
      service: checks,
      manager: connectionManager,
      workspaceFolders: () => (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
      openFile: async (file) => {
        await vscode.window.showTextDocument(vscode.Uri.file(file), {
          preview: false,
          viewColumn: vscode.ViewColumn.Beside,
        });
      },
    }),
    extensionUri: context.extensionUri,
    manager: connectionManager,
    log,
    auth: inspectorAuth,
    authTools: authDebugger,
    answers,
    devLoop,
    playground,
    isEditable: (id: string) => store.get(id)?.scope !== 'settings' && !isVsCodeMcpId(id),
  };
  context.subscriptions.push(inspectorAuth, authDebugger, ...registerInspector(inspectorDeps));

  context.subscriptions.push(
    ...registerCommands({
      checks,
      manager: connectionManager,
      store,
      tree,
      results,
      log,
      auth,
      saveConnection,
      removeConnection,
      revealConnection: async (id) => {
        const node = tree.connectionNode(id);
        if (node) await view.reveal(node, { select: true, focus: false });
      },
      tasksFor: (connection) => answers.tasksFor(connection),
      devLoop,
      oauthTrace: (connectionId) => authDebugger.trace(connectionId),
      extensionVersion: String(context.extension.packageJSON.version ?? 'unknown'),
      vscodeMcp,
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mcpLens.connections')) {
        store.reloadSettings();
        void sync().then(() => connectAll(connectionManager, (id) => store.get(id)?.scope === 'settings'));
      }
    }),
    // A secret changed in another window (SecretStorage is shared): reconnect so the new value is used.
    context.secrets.onDidChange((e) => {
      const match = /^mcpLens\.secretHeader\.(.+)\.[^.]+$/.exec(e.key);
      const connection = match ? connectionManager.get(match[1]) : undefined;
      if (connection?.status.state === 'connected') void connection.reconnect().catch(() => undefined);
    }),
    vscode.window.registerUriHandler(uriRouter),
  );

  // Load saved and pre-configured connections, then connect them in the background: activation
  // itself stays short, and each connection reports its own status in the tree.
  for (const { config } of store.list()) connectionManager.add(config);
  // VS Code's mcp.json files are read in the background; their servers wait for a click (inputs may be asked).
  void vscodeMcp.reload();
  if (settings().get<boolean>('autoConnect', true)) setTimeout(() => connectAll(connectionManager), 0);

  const activationMs = performance.now() - started;
  log.info(`MCP Lens activated in ${activationMs.toFixed(1)} ms`);

  if (context.extensionMode === vscode.ExtensionMode.Production) return undefined;
  return {
    manager: connectionManager,
    store,
    tree,
    results,
    log,
    uriRouter,
    auth,
    answers,
    roots,
    checks,
    devLoop,
    vscodeMcp,
    playground,
    inspectorRequest: (method, params) => InspectorPanel.show(inspectorDeps).handle(method, params),
    activationMs,
    addConnection: async (config, scope = 'user', secretValues = {}) => {
      const full = { ...config, id: config.id ?? newConnectionId() } as ConnectionConfig;
      const connection = await saveConnection(full, scope, secretValues);
      await connection.connect();
      return connection;
    },
    removeConnection,
    reopenStore: () =>
      new ConnectionStore(
        context.globalState,
        context.workspaceState,
        context.secrets,
        () => settings().get<unknown>('connections'),
        log,
      ),
  };
}

function connectAll(connectionManager: ConnectionManager, filter: (id: string) => boolean = () => true): void {
  for (const connection of connectionManager.list()) {
    if (connection.status.state === 'disconnected' && filter(connection.id)) {
      // Errors are shown on the connection's node and in the log; there is no one to throw to here.
      connection.connect().catch(() => undefined);
    }
  }
}

export async function deactivate(): Promise<void> {
  const m = manager;
  manager = undefined;
  // Ends every connection and the stdio process trees they own; VS Code waits for this promise.
  await m?.disposeAsync();
}
