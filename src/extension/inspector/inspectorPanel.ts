/**
 * The MCP Inspector webview panel (host side). It renders src/extension/inspector/html.ts with a
 * strict CSP, validates every message from the webview (src/shared/protocol.ts) before acting,
 * and pushes the connection manager's changes live: the connection list on every change, the
 * lists and trace of the connection the webview shows. A WebviewPanelSerializer brings the panel
 * back after a reload; the webview keeps its own state with getState/setState.
 */
import * as vscode from 'vscode';
import { isHttpConfig } from '../../core/config';
import type { Connection } from '../../core/connection';
import { ConnectionError } from '../../core/errors';
import { DisposableStore } from '../../core/events';
import type { ConnectionManager } from '../../core/manager';
import type { TraceEntry } from '../../core/trace';
import {
  TAB_IDS,
  type AuthStatus,
  type ServerLogView,
  type CommandMessage,
  type ErrorInfo,
  type FocusTarget,
  type HostToWebviewMessage,
  type NotificationMap,
  type NotificationMethod,
  type RequestMap,
  type RequestMessage,
  type RequestMethod,
  type TabId,
  type VaultView,
} from '../../shared/protocol';
import type { InspectorAnswers } from '../answers/serverAnswers';
import type { InspectorChecks } from '../checks/inspectorChecks';
import type { Playground } from '../playground/playground';
import { COMMANDS } from '../commands';
import type { AuthStatusProvider } from './authStatus';
import type { InspectorAuthTools } from './authTools';
import { inspectorHtml, newNonce } from './html';
import { validateWebviewMessage } from './protocolValidation';
import {
  buildCurl,
  defaultAuthStatus,
  toConnectionView,
  toDetails,
  toJson,
  toOutcome,
  toServerLogView,
  toTraceView,
} from './viewModel';

export const INSPECTOR_VIEW_TYPE = 'mcpLens.inspector';
export const OPEN_INSPECTOR_COMMAND = COMMANDS.openInspector;

export interface InspectorDeps {
  extensionUri: vscode.Uri;
  manager: ConnectionManager;
  log: vscode.LogOutputChannel;
  /** Whether the user may edit a connection (settings-defined ones are read-only). */
  isEditable(connectionId: string): boolean;
  /** The OAuth engine's view of each connection; when absent, `defaultAuthStatus`. */
  auth?: AuthStatusProvider;
  /** The Auth tab's token vault and flow debugger; when absent, the tab says OAuth is not available. */
  authTools?: InspectorAuthTools;
  /** The server-request queue, roots, language models and tasks; when absent, those requests fail and say so. */
  answers?: InspectorAnswers;
  /** The Checks tab and Save as check; when absent, those requests fail and say so. */
  checks?: InspectorChecks;
  /** Restarts of watched stdio servers, which the view announces with a way to re-run the last call. */
  devLoop?: { onDidRestart: vscode.Event<{ connectionId: string; reason: string }> };
  /** The LLM playground (Playground tab); when absent, its requests fail and say so. */
  playground?: Playground;
}

type Handlers = { [M in RequestMethod]: (params: RequestMap[M]['params']) => Promise<RequestMap[M]['result']> };

export class InspectorPanel implements vscode.Disposable {
  private static current?: InspectorPanel;
  private readonly disposables = new DisposableStore();
  private connectionSubscriptions = new DisposableStore();
  private ready = false;
  private pendingFocus?: FocusTarget;
  private selectedId?: string;
  private selectedSubscriptions?: DisposableStore;
  private readonly calls = new Map<string, AbortController>();
  /**
   * Entries waiting for the next batch, kept as the trace's own objects: the Mcp-Method/Mcp-Name headers
   * of an outgoing HTTP message are recorded on its entry only once the transport sends it, after the
   * entry was added, so the view is made when the batch goes out, not when the entry arrives.
   */
  private traceQueue: TraceEntry[] = [];
  private traceTimer?: NodeJS.Timeout;
  private changeTimer?: NodeJS.Timeout;
  /** Server log entries waiting for the next batch, per connection. */
  private serverLogQueue = new Map<string, ServerLogView[]>();
  private serverLogTimer?: NodeJS.Timeout;
  private disposed = false;

  /** Opens the panel (or reveals it) and focuses a connection, tab or item. */
  static show(deps: InspectorDeps, focus?: FocusTarget): InspectorPanel {
    const existing = InspectorPanel.current;
    if (existing) {
      existing.panel.reveal(undefined);
      if (focus) existing.focus(focus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      INSPECTOR_VIEW_TYPE,
      'MCP Inspector',
      vscode.ViewColumn.Active,
      InspectorPanel.options(deps.extensionUri),
    );
    const created = new InspectorPanel(panel, deps);
    if (focus) created.focus(focus);
    return created;
  }

  /** Called by the serializer after a reload. */
  static revive(panel: vscode.WebviewPanel, deps: InspectorDeps): InspectorPanel {
    InspectorPanel.current?.dispose();
    panel.webview.options = InspectorPanel.options(deps.extensionUri);
    return new InspectorPanel(panel, deps);
  }

  static get instance(): InspectorPanel | undefined {
    return InspectorPanel.current;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      // Only what the page loads: the bundle and the codicon font (dist/, esbuild.mjs copies codicons to dist/codicons), the stylesheet (media/).
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
      enableFindWidget: true,
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: InspectorDeps,
  ) {
    InspectorPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    const webview = panel.webview;
    const asUri = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, ...segments)).toString();
    webview.html = inspectorHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: asUri('dist', 'webview.js'),
      styleUris: [asUri('dist', 'codicons', 'codicon.css'), asUri('media', 'inspector.css')],
    });
    this.disposables.add(webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    // A hidden webview is destroyed (no retainContextWhenHidden); it sends `ready` again when shown.
    this.disposables.add(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
    this.disposables.add(
      deps.manager.onDidChange(({ connection, kind }) => {
        if (kind === 'added' || kind === 'removed') this.watchConnections();
        this.scheduleConnectionsChanged();
        if (connection.id === this.selectedId && (kind === 'list' || kind === 'status' || kind === 'config')) {
          this.scheduleDetails();
        }
      }),
    );
    if (deps.auth?.onDidChange) this.disposables.add(deps.auth.onDidChange(() => this.scheduleConnectionsChanged()));
    if (deps.authTools) this.disposables.add(deps.authTools.onDidChangeTrace((e) => this.post('auth/trace', e)));
    const answers = deps.answers;
    if (answers) {
      this.disposables.add(answers.onDidChangeRequests((connectionId) => this.postRequests(connectionId)));
      this.disposables.add(answers.onDidChangeTasks((e) => this.post('tasks/changed', e)));
      this.disposables.add(
        answers.onDidChangeRoots((connectionId) => {
          if (this.selectedId && (connectionId === undefined || connectionId === this.selectedId)) {
            this.scheduleDetails();
          }
        }),
      );
    }
    if (deps.devLoop) {
      this.disposables.add(deps.devLoop.onDidRestart((restart) => this.post('connection/restarted', restart)));
    }
    if (deps.playground) {
      this.disposables.add(deps.playground.onDidChange((view) => this.post('playground/changed', view)));
    }
    this.watchConnections();
  }

  /** Whether the panel is open, visible and showing this connection (so a new request needs no notification). */
  shows(connectionId: string): boolean {
    return !this.disposed && this.ready && this.panel.visible && this.selectedId === connectionId;
  }

  focus(target: FocusTarget): void {
    if (this.ready) this.post('focus', target);
    else this.pendingFocus = target;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (InspectorPanel.current === this) InspectorPanel.current = undefined;
    for (const controller of this.calls.values()) controller.abort();
    this.calls.clear();
    clearTimeout(this.traceTimer);
    clearTimeout(this.changeTimer);
    clearTimeout(this.serverLogTimer);
    this.selectedSubscriptions?.dispose();
    this.connectionSubscriptions.dispose();
    this.disposables.dispose();
    this.panel.dispose();
  }

  // ---- outgoing ----------------------------------------------------------------------

  private post<M extends NotificationMethod>(method: M, params: NotificationMap[M]): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage({ kind: 'notification', method, params } as HostToWebviewMessage);
  }

  private reply(message: HostToWebviewMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private async authOf(connection: Connection): Promise<AuthStatus> {
    try {
      return (await this.deps.auth?.getStatus(connection)) ?? defaultAuthStatus(connection);
    } catch (e) {
      this.deps.log.warn(`[inspector] auth status of ${connection.config.name}: ${(e as Error).message}`);
      return defaultAuthStatus(connection);
    }
  }

  private async connectionViews() {
    return Promise.all(
      this.deps.manager.list().map(async (c) => toConnectionView(c, await this.authOf(c), this.deps.isEditable(c.id))),
    );
  }

  private scheduleConnectionsChanged(): void {
    if (this.changeTimer) return;
    // Status changes come in bursts (connecting → connected + four list events): send one update.
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      void this.connectionViews().then((connections) => this.post('connections/changed', { connections }));
    }, 30);
  }

  private detailsTimer?: NodeJS.Timeout;
  private scheduleDetails(): void {
    if (this.detailsTimer) return;
    this.detailsTimer = setTimeout(() => {
      this.detailsTimer = undefined;
      const c = this.selectedId ? this.deps.manager.get(this.selectedId) : undefined;
      if (c) this.post('connection/details', this.details(c));
    }, 30);
  }

  private details(c: Connection) {
    return toDetails(c, { roots: this.deps.answers?.roots(c.id) });
  }

  private postRequests(connectionId: string): void {
    if (!this.deps.answers) return;
    this.post('serverRequests/changed', { connectionId, requests: this.deps.answers.requests(connectionId) });
  }

  /** Server log messages of every connection, batched (a chatty server can send many a second). */
  private queueServerLog(connectionId: string, entry: ServerLogView): void {
    const queued = this.serverLogQueue.get(connectionId) ?? [];
    queued.push(entry);
    this.serverLogQueue.set(connectionId, queued);
    if (this.serverLogTimer) return;
    this.serverLogTimer = setTimeout(() => {
      this.serverLogTimer = undefined;
      const batches = [...this.serverLogQueue];
      this.serverLogQueue = new Map();
      for (const [id, entries] of batches) this.post('serverLog/added', { connectionId: id, entries });
    }, 100);
  }

  /** Resource updates come from every connection (subscriptions live in the webview per connection). */
  private watchConnections(): void {
    this.connectionSubscriptions.dispose();
    this.connectionSubscriptions = new DisposableStore();
    for (const c of this.deps.manager.list()) {
      this.connectionSubscriptions.add(
        c.onResourceUpdated((uri) => this.post('resource/updated', { connectionId: c.id, uri })),
      );
      this.connectionSubscriptions.add(c.onServerLog((entry) => this.queueServerLog(c.id, toServerLogView(entry))));
    }
  }

  private select(connectionId: string | null): void {
    this.selectedSubscriptions?.dispose();
    this.selectedSubscriptions = undefined;
    this.traceQueue = [];
    this.selectedId = connectionId ?? undefined;
    const c = connectionId ? this.deps.manager.get(connectionId) : undefined;
    if (!c) return;
    const subs = new DisposableStore();
    subs.add(
      c.trace.onDidAdd((entry) => {
        this.traceQueue.push(entry);
        // Batched: a busy server can send hundreds of messages a second.
        if (!this.traceTimer) {
          this.traceTimer = setTimeout(() => {
            this.traceTimer = undefined;
            const entries = this.traceQueue.map(toTraceView);
            this.traceQueue = [];
            if (entries.length && this.selectedId === c.id) this.post('trace/added', { connectionId: c.id, entries });
          }, 100);
        }
      }),
    );
    this.selectedSubscriptions = subs;
    this.post('connection/details', this.details(c));
  }

  // ---- incoming ----------------------------------------------------------------------

  private async receive(raw: unknown): Promise<void> {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      this.deps.log.warn(`[inspector] rejected a message from the webview: ${checked.error}`);
      if (checked.id !== undefined) {
        this.reply({
          kind: 'response',
          id: checked.id,
          ok: false,
          error: { code: 'invalid-message', message: checked.error },
        });
      }
      return;
    }
    const message = checked.message;
    if (message.kind === 'ready') {
      this.ready = true;
      const focus = this.pendingFocus;
      this.pendingFocus = undefined;
      this.post('init', { connections: await this.connectionViews(), focus });
      // The queues after init: a request may be waiting since before the panel opened.
      for (const c of this.deps.manager.list()) this.postRequests(c.id);
      return;
    }
    if (message.kind === 'command') {
      await this.command(message).catch((e) =>
        this.deps.log.warn(`[inspector] ${message.method}: ${(e as Error).message}`),
      );
      return;
    }
    await this.request(message);
  }

  private connection(id: string): Connection {
    const c = this.deps.manager.get(id);
    if (!c) throw new ConnectionError('invalid-config', 'That connection no longer exists.');
    return c;
  }

  private async command(message: CommandMessage): Promise<void> {
    switch (message.method) {
      case 'connection/add':
        await vscode.commands.executeCommand('mcpLens.addConnection');
        return;
      case 'connection/connect':
        // The status (and its message) shows the outcome in the list.
        await this.connection(message.params.connectionId)
          .connect()
          .catch(() => undefined);
        return;
      case 'connection/disconnect':
        await this.connection(message.params.connectionId).disconnect();
        return;
      case 'connection/edit':
        await vscode.commands.executeCommand('mcpLens.editConnection', message.params.connectionId);
        return;
      case 'connection/signIn':
      case 'connection/signOut': {
        const c = this.connection(message.params.connectionId);
        const action = message.method === 'connection/signIn' ? this.deps.auth?.signIn : this.deps.auth?.signOut;
        if (!action) {
          void vscode.window.showWarningMessage(
            'Sign-in is not available in the inspector yet: no OAuth engine is connected to it.',
          );
          return;
        }
        try {
          await action.call(this.deps.auth, c);
        } catch (e) {
          void vscode.window.showErrorMessage(
            `${message.method === 'connection/signIn' ? 'Sign-in' : 'Sign-out'} failed: ${errorInfo(e).message}`,
          );
        }
        this.scheduleConnectionsChanged();
        return;
      }
      case 'view/select':
        this.select(message.params.connectionId);
        return;
      case 'call/cancel':
        this.calls.get(message.params.callId)?.abort();
        return;
      case 'clipboard/write':
        await vscode.env.clipboard.writeText(message.params.text);
        return;
      case 'auth/debug/start':
        try {
          this.authTools().startDebug(this.connection(message.params.connectionId), message.params.mode);
        } catch (e) {
          void vscode.window.showErrorMessage(`The sign-in debugger could not start: ${errorInfo(e).message}`);
        }
        return;
      case 'auth/debug/next':
        this.authTools().next(message.params.connectionId);
        return;
      case 'auth/debug/continue':
        this.authTools().continueRun(message.params.connectionId);
        return;
      case 'auth/debug/cancel':
        this.authTools().cancel(message.params.connectionId);
        return;
    }
  }

  private answers(): InspectorAnswers {
    if (!this.deps.answers) {
      throw new ConnectionError('invalid-config', 'Answering server requests is not available in this inspector.');
    }
    return this.deps.answers;
  }

  private checks(): InspectorChecks {
    if (!this.deps.checks) {
      throw new ConnectionError('invalid-config', 'Saved checks are not available in this inspector.');
    }
    return this.deps.checks;
  }

  private playground(connectionId: string): Playground {
    this.connection(connectionId);
    if (!this.deps.playground) {
      throw new ConnectionError('invalid-config', 'The playground is not available in this inspector.');
    }
    return this.deps.playground;
  }

  private authTools(): InspectorAuthTools {
    if (!this.deps.authTools) throw new ConnectionError('invalid-config', 'OAuth is not available in this inspector.');
    return this.deps.authTools;
  }

  /** Runs a vault action, then answers with the vault as it is now (the list's auth status follows through onDidChange). */
  private async vaultAfter(
    connectionId: string,
    action: (tools: InspectorAuthTools, c: Connection) => Promise<unknown>,
  ): Promise<{ vault: VaultView | null }> {
    const c = this.connection(connectionId);
    const tools = this.authTools();
    await action(tools, c);
    this.scheduleConnectionsChanged();
    return { vault: await tools.vault(c) };
  }

  private readonly handlers: Handlers = {
    'auth/vault': async ({ connectionId }) => ({
      vault: this.deps.authTools ? await this.deps.authTools.vault(this.connection(connectionId)) : null,
    }),
    'auth/trace': async ({ connectionId }) => ({ trace: this.deps.authTools?.trace(connectionId) ?? null }),
    'auth/refreshNow': ({ connectionId }) => this.vaultAfter(connectionId, (t, c) => t.refreshNow(c)),
    'auth/revoke': ({ connectionId }) => this.vaultAfter(connectionId, (t, c) => t.revoke(c)),
    'auth/forgetRegistration': ({ connectionId }) => this.vaultAfter(connectionId, (t, c) => t.forgetRegistration(c)),
    'auth/copyToken': async ({ connectionId }) => ({
      copied: await this.authTools().copyToken(this.connection(connectionId)),
    }),
    'auth/export': async ({ connectionId, format }) => ({
      saved: await this.authTools().exportTrace(connectionId, format),
    }),
    'tools/call': async ({ connectionId, name, args, callId, asTask }) => {
      const c = this.connection(connectionId);
      return this.withCall(callId, async (signal) => {
        const started = performance.now();
        const onProgress = (p: { progress: number; total?: number; message?: string }) =>
          this.post('call/progress', { callId, ...p });
        const result = asTask
          ? await this.answers().tasksFor(c).callToolAsTask(name, args, { signal, onProgress, callId })
          : await c.callTool(name, args, { signal, onProgress });
        return toOutcome(result, performance.now() - started);
      });
    },
    'serverRequest/answer': async ({ connectionId, requestId, reply }) => {
      this.connection(connectionId);
      return { state: await this.answers().answer(connectionId, requestId, reply) };
    },
    'sampling/models': async () => ({ models: this.deps.answers ? await this.deps.answers.models() : [] }),
    'sampling/generate': async ({ connectionId, requestId, modelId }) => {
      this.connection(connectionId);
      // Drafting stops with the panel (dispose aborts every call); a draft is keyed by its request.
      return this.withCall(`sampling:${requestId}`, async (signal) => ({
        result: await this.answers().draft(connectionId, requestId, modelId, signal),
      }));
    },
    'playground/models': async () => ({ models: this.deps.answers ? await this.deps.answers.models() : [] }),
    'playground/get': async ({ connectionId }) => this.playground(connectionId).view(connectionId),
    'playground/send': async ({ connectionId, text, modelId }) =>
      this.playground(connectionId).send(connectionId, text, modelId),
    'playground/decide': async ({ connectionId, entryId, approve }) =>
      this.playground(connectionId).decide(connectionId, entryId, approve),
    'playground/cancel': async ({ connectionId }) => this.playground(connectionId).cancel(connectionId),
    'playground/clear': async ({ connectionId }) => this.playground(connectionId).clear(connectionId),
    'roots/set': async ({ connectionId, roots }) => {
      this.connection(connectionId);
      try {
        return await this.answers().setRoots(connectionId, roots);
      } catch (e) {
        if (e instanceof ConnectionError) throw e;
        throw new ConnectionError('invalid-config', (e as Error).message, 'Roots are file:// URIs of folders.');
      }
    },
    'completion/complete': async ({ connectionId, ref, argument, context }) =>
      this.connection(connectionId).complete(ref, argument, context),
    'logging/setLevel': async ({ connectionId, level }) => {
      const c = this.connection(connectionId);
      await c.setLoggingLevel(level);
      if (connectionId === this.selectedId) this.scheduleDetails();
      return { level };
    },
    'serverLog/list': async ({ connectionId }) => ({
      entries: this.connection(connectionId).serverLog.map(toServerLogView),
    }),
    'tasks/list': async ({ connectionId }) => ({
      tasks: await this.answers().tasksFor(this.connection(connectionId)).listTasks(),
    }),
    'tasks/cancel': async ({ connectionId, taskId }) => ({
      task: await this.answers().tasksFor(this.connection(connectionId)).cancelTask(taskId),
    }),
    'tasks/result': async ({ connectionId, taskId }) => {
      const started = performance.now();
      const result = await this.answers().tasksFor(this.connection(connectionId)).getTaskResult(taskId);
      return toOutcome(result, performance.now() - started);
    },
    'resources/read': async ({ connectionId, uri, callId, cache }) => {
      const c = this.connection(connectionId);
      return this.withCall(callId, async (signal) => {
        const started = performance.now();
        // A read the person asked for again (Refresh) passes `refresh`; a plain read may be served from the cache.
        const result = await c.readResource(uri, { signal, cache: cache ?? 'use' });
        return toOutcome(result, performance.now() - started);
      });
    },
    'lists/refresh': async ({ connectionId, cache }) => {
      // The webview's refresh buttons send `refresh` (a person's explicit refresh asks the server); absent means `use`.
      await this.connection(connectionId).refreshLists(undefined, cache ?? 'use');
      return { refreshed: true };
    },
    'resources/subscribe': async ({ connectionId, uri }) => {
      await this.connection(connectionId).subscribeResource(uri);
      return { subscribed: true };
    },
    'resources/unsubscribe': async ({ connectionId, uri }) => {
      await this.connection(connectionId).unsubscribeResource(uri);
      return { subscribed: false };
    },
    'prompts/get': async ({ connectionId, name, args, callId }) => {
      const c = this.connection(connectionId);
      return this.withCall(callId, async (signal) => {
        const started = performance.now();
        const result = await c.getPrompt(name, args, { signal });
        return toOutcome(result, performance.now() - started);
      });
    },
    'trace/list': async ({ connectionId }) => ({
      entries: this.connection(connectionId).trace.entries().map(toTraceView),
    }),
    'trace/entry': async ({ connectionId, seq }) => {
      const entry = this.connection(connectionId)
        .trace.entries()
        .find((e) => e.seq === seq);
      if (!entry) {
        throw new ConnectionError(
          'invalid-config',
          'That message is no longer in the trace (it keeps the latest ones).',
        );
      }
      // The headers as they are now: they may have been recorded after the list row was sent.
      const { http } = toTraceView(entry);
      return { message: toJson(entry.message), ...(http ? { http } : {}) };
    },
    'trace/curl': async ({ connectionId, seq }) => {
      const c = this.connection(connectionId);
      const config = c.config;
      if (!isHttpConfig(config)) throw new ConnectionError('invalid-config', 'Copy as curl is for HTTP connections.');
      const entry = c.trace.entries().find((e) => e.seq === seq);
      if (!entry) throw new ConnectionError('invalid-config', 'That message is no longer in the trace.');
      if (entry.direction !== 'out') {
        throw new ConnectionError('invalid-config', 'Only messages sent to the server can be replayed.');
      }
      const auth = await this.authOf(c);
      const active =
        c.activeTransport === 'sse' || c.activeTransport === 'streamable-http' ? c.activeTransport : undefined;
      return {
        curl: buildCurl(config, entry.message, {
          protocolVersion: c.protocolVersion,
          activeTransport: active,
          oauth: auth.state === 'signed-in' || auth.state === 'expired',
        }),
      };
    },
    'checks/list': async (params) => this.checks().list(params),
    'checks/save': async (params) => this.checks().save(params),
    // One run per connection at a time; closing the panel aborts it.
    'checks/run': async (params) =>
      this.withCall(`checks:${params.connectionId}`, (signal) => this.checks().run(params, signal)),
    'history/export': async ({ json }) => {
      const target = await vscode.window.showSaveDialog({
        filters: { JSON: ['json'] },
        saveLabel: 'Export History',
        defaultUri: defaultExportUri(),
      });
      if (!target) return { saved: false };
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(json));
      return { saved: true };
    },
  };

  /**
   * Runs one request as if the webview had sent it (checked by the same validation, answered by the
   * same handler), for the extension's test API: suites drive the panel without a browser.
   */
  async handle<M extends RequestMethod>(method: M, params: RequestMap[M]['params']): Promise<RequestMap[M]['result']> {
    const checked = validateWebviewMessage({ kind: 'request', id: 0, method, params });
    if (!checked.ok) throw new ConnectionError('invalid-config', checked.error);
    const message = checked.message as RequestMessage;
    const handler = this.handlers[message.method] as (params: unknown) => Promise<RequestMap[M]['result']>;
    return handler(message.params);
  }

  private async request(message: RequestMessage): Promise<void> {
    const handler = this.handlers[message.method] as (params: unknown) => Promise<RequestMap[RequestMethod]['result']>;
    try {
      const result = await handler(message.params);
      this.reply({ kind: 'response', id: message.id, ok: true, result });
    } catch (e) {
      this.reply({ kind: 'response', id: message.id, ok: false, error: errorInfo(e) });
    }
  }

  private async withCall<T>(callId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.calls.get(callId)?.abort();
    const controller = new AbortController();
    this.calls.set(callId, controller);
    try {
      return await run(controller.signal);
    } finally {
      if (this.calls.get(callId) === controller) this.calls.delete(callId);
    }
  }
}

function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof ConnectionError) return { code: e.code, message: e.message, hint: e.hint };
  return { code: 'failed', message: e instanceof Error ? e.message : String(e) };
}

function defaultExportUri(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `mcp-lens-history-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}

/** Tree items, FocusTarget-like objects or a connection id/name → what to focus. */
export function focusFromArgument(arg: unknown, manager: ConnectionManager): FocusTarget | undefined {
  if (typeof arg === 'string') {
    const c = manager.get(arg) ?? manager.findByName(arg);
    return c ? { connectionId: c.id } : undefined;
  }
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as {
    kind?: unknown;
    connectionId?: unknown;
    tab?: unknown;
    item?: unknown;
    group?: unknown;
    tool?: { name?: unknown };
    resource?: { uri?: unknown };
    template?: { uriTemplate?: unknown };
    prompt?: { name?: unknown };
  };
  if (typeof a.connectionId !== 'string' || !manager.get(a.connectionId)) return undefined;
  const connectionId = a.connectionId;
  switch (a.kind) {
    case 'tool':
      return { connectionId, tab: 'tools', item: typeof a.tool?.name === 'string' ? a.tool.name : undefined };
    case 'resource':
      return { connectionId, tab: 'resources', item: typeof a.resource?.uri === 'string' ? a.resource.uri : undefined };
    case 'resourceTemplate':
      return {
        connectionId,
        tab: 'resources',
        item: typeof a.template?.uriTemplate === 'string' ? a.template.uriTemplate : undefined,
      };
    case 'prompt':
      return { connectionId, tab: 'prompts', item: typeof a.prompt?.name === 'string' ? a.prompt.name : undefined };
    case 'group':
      return { connectionId, tab: a.group === 'prompts' ? 'prompts' : a.group === 'resources' ? 'resources' : 'tools' };
    case 'connection':
      return { connectionId };
    default: {
      const tabs: readonly TabId[] = TAB_IDS;
      return {
        connectionId,
        tab: tabs.includes(a.tab as TabId) ? (a.tab as TabId) : undefined,
        item: typeof a.item === 'string' ? a.item : undefined,
      };
    }
  }
}

/** Registers Open Inspector and the serializer that restores the panel after a reload. */
export function registerInspector(deps: InspectorDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(OPEN_INSPECTOR_COMMAND, (arg?: unknown) => {
      InspectorPanel.show(deps, arg === undefined ? undefined : focusFromArgument(arg, deps.manager));
    }),
    vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        InspectorPanel.revive(panel, deps);
      },
    }),
    { dispose: () => InspectorPanel.instance?.dispose() },
  ];
}
