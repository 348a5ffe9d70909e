/**
 * Answering the server, host side: the one queue of server requests (elicitation, sampling,
 * roots) every connection shares, the roots each connection offers, the task runner of each
 * connection, and the language models that draft sampling replies. The inspector panel reads and
 * answers through `InspectorAnswers`; when a request arrives while the panel does not show its
 * connection, a notification says so and opens the panel on the connection's Requests tab.
 */
import * as vscode from 'vscode';
import type { Connection } from '../../core/connection';
import { ConnectionError } from '../../core/errors';
import { DisposableStore, Emitter, type Event } from '../../core/events';
import type { ConnectionManager } from '../../core/manager';
import { ServerRequestQueue } from '../../core/serverRequestQueue';
import type { ClientCapabilityChoice } from '../../core/serverRequests';
import { TaskRunner } from '../../core/tasks';
import type {
  FocusTarget,
  JsonObject,
  LanguageModelView,
  RootsView,
  RootView,
  ServerRequestReply,
  ServerRequestState,
  ServerRequestView,
  TabId,
  TaskView,
} from '../../shared/protocol';
import { inertText } from '../commands/shared';

/** The inspector's tab where the person answers a connection's requests. */
const REQUESTS_TAB: TabId = 'requests';
import { draftSamplingReply, listLanguageModels } from './languageModels';
import { httpOrigin, requestSummary, toServerRequestViews } from './requestViews';
import type { RootsStore } from './roots';

/** What the extension's queue answers: forms and URLs, sampling (with tools and context), roots with change notifications. */
export const EXTENSION_CAPABILITIES: ClientCapabilityChoice = {
  elicitation: { form: true, url: true },
  sampling: { tools: true, context: true },
  roots: { listChanged: true },
};

/** What the inspector panel needs to show and answer server requests, roots, models and tasks. */
export interface InspectorAnswers {
  readonly onDidChangeRequests: Event<string>;
  readonly onDidChangeRoots: Event<string | undefined>;
  readonly onDidChangeTasks: Event<{ connectionId: string; tasks: TaskView[] }>;
  requests(connectionId: string): ServerRequestView[];
  /** Sends the person's answer; for an accepted URL request, opens the URL first (http/https only). */
  answer(connectionId: string, requestId: string, reply: ServerRequestReply): Promise<ServerRequestState>;
  models(): Promise<LanguageModelView[]>;
  draft(connectionId: string, requestId: string, modelId: string | undefined, signal: AbortSignal): Promise<JsonObject>;
  roots(connectionId: string): RootsView;
  setRoots(connectionId: string, roots: RootView[] | null): Promise<RootsView>;
  tasksFor(connection: Connection): TaskRunner;
}

export interface ServerAnswersDeps {
  roots: RootsStore;
  log: vscode.LogOutputChannel;
  /** Whether the inspector shows this connection now (then no notification is needed). */
  inspectorShows(connectionId: string): boolean;
  /** Opens the inspector on a connection's tab. */
  openInspector(target: FocusTarget): void;
}

/** "45 s", "10 min": how long is left to answer, rounded for a notification. */
export function timeLeft(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

export class ServerAnswers implements InspectorAnswers, vscode.Disposable {
  /** Handed to every connection as `ConnectionOptions.serverRequests`. */
  readonly queue: ServerRequestQueue;
  private readonly disposables = new DisposableStore();
  private readonly elicitationSubscriptions = new Map<string, { dispose(): void }>();
  private readonly runners = new Map<string, { runner: TaskRunner; subscription: { dispose(): void } }>();
  private readonly tasksEmitter = new Emitter<{ connectionId: string; tasks: TaskView[] }>();
  private manager?: ConnectionManager;

  readonly onDidChangeRequests: Event<string>;
  readonly onDidChangeRoots: Event<string | undefined>;
  readonly onDidChangeTasks = this.tasksEmitter.event;

  constructor(private readonly deps: ServerAnswersDeps) {
    this.queue = new ServerRequestQueue({
      capabilities: EXTENSION_CAPABILITIES,
      rootsFor: (connectionId) => deps.roots.rootsFor(connectionId),
    });
    this.onDidChangeRequests = this.queue.onDidChange;
    this.onDidChangeRoots = deps.roots.onDidChange;
    this.disposables.add(this.queue.onDidEnqueue((view) => this.announce(view)));
    this.disposables.add(deps.roots.onDidChange((connectionId) => this.rootsChanged(connectionId)));
  }

  /** Connects the services to the manager once it exists (the manager is built with `queue`). */
  bind(manager: ConnectionManager): void {
    this.manager = manager;
    for (const connection of manager.list()) this.followElicitations(connection);
    this.disposables.add(
      manager.onDidChange(({ connection, kind }) => {
        if (kind === 'added') this.followElicitations(connection);
        if (kind !== 'removed') return;
        this.elicitationSubscriptions.get(connection.id)?.dispose();
        this.elicitationSubscriptions.delete(connection.id);
        this.queue.clear(connection.id);
        const entry = this.runners.get(connection.id);
        entry?.subscription.dispose();
        entry?.runner.dispose();
        this.runners.delete(connection.id);
        void this.deps.roots.forget(connection.id);
      }),
    );
  }

  /** A URL elicitation's `notifications/elicitation/complete` is noted on its request in the queue. */
  private followElicitations(connection: Connection): void {
    if (this.elicitationSubscriptions.has(connection.id)) return;
    this.elicitationSubscriptions.set(
      connection.id,
      connection.onElicitationComplete((elicitationId) => {
        this.queue.completeUrlElicitation(connection.id, elicitationId);
      }),
    );
  }

  requests(connectionId: string): ServerRequestView[] {
    return toServerRequestViews(this.queue.requests(connectionId));
  }

  private pending(connectionId: string, requestId: string): ServerRequestView {
    const view = this.queue.requests(connectionId).find((r) => r.id === requestId);
    if (!view || view.state !== 'pending') {
      throw new ConnectionError(
        'not-found',
        view
          ? `That request is no longer waiting for an answer (${view.state}).`
          : 'That request is no longer in the queue.',
        'Look at the Requests tab for the ones still waiting.',
      );
    }
    return view;
  }

  async answer(connectionId: string, requestId: string, reply: ServerRequestReply): Promise<ServerRequestState> {
    const view = this.pending(connectionId, requestId);
    const kindOfReply = reply.kind === 'elicitation' ? ['elicitation-form'] : [reply.kind];
    if (!kindOfReply.includes(view.kind)) {
      throw new ConnectionError(
        'invalid-config',
        `A ${reply.kind} answer does not fit this ${view.kind} request.`,
        'Reload the inspector and answer again.',
      );
    }
    if (reply.kind === 'elicitation-url' && reply.action === 'accept') {
      // The person's accept in the webview is the consent; only web pages are opened, never other schemes.
      const url = view.params.url;
      if (!httpOrigin(url)) {
        throw new ConnectionError(
          'refused',
          'The server asked to open something that is not an http or https URL; MCP Lens does not open it.',
          'Decline the request.',
        );
      }
      const opened = await vscode.env.openExternal(vscode.Uri.parse(url as string, true));
      if (!opened) {
        throw new ConnectionError('refused', 'VS Code did not open the page.', 'Try again, or decline the request.');
      }
    }
    return this.queue.reply(connectionId, requestId, reply);
  }

  models(): Promise<LanguageModelView[]> {
    return listLanguageModels();
  }

  async draft(
    connectionId: string,
    requestId: string,
    modelId: string | undefined,
    signal: AbortSignal,
  ): Promise<JsonObject> {
    const view = this.pending(connectionId, requestId);
    if (view.kind !== 'sampling') {
      throw new ConnectionError('invalid-config', 'Only sampling requests can be drafted with a language model.');
    }
    const name = this.manager?.get(connectionId)?.config.name ?? 'The server';
    return draftSamplingReply(view.params, modelId, name, signal);
  }

  roots(connectionId: string): RootsView {
    return this.deps.roots.view(connectionId);
  }

  setRoots(connectionId: string, roots: RootView[] | null): Promise<RootsView> {
    return this.deps.roots.set(connectionId, roots);
  }

  tasksFor(connection: Connection): TaskRunner {
    const existing = this.runners.get(connection.id);
    if (existing) return existing.runner;
    // The 2026-07-28 tasks extension asks its questions through the runner: the same queue answers them.
    const runner = new TaskRunner(connection, { serverRequests: this.queue });
    const subscription = runner.onDidChangeTasks((tasks) =>
      this.tasksEmitter.fire({ connectionId: connection.id, tasks }),
    );
    this.runners.set(connection.id, { runner, subscription });
    return runner;
  }

  /** Tells the servers whose roots changed (connected ones; the others ask when they connect). */
  private rootsChanged(connectionId: string | undefined): void {
    const connections = this.manager?.list() ?? [];
    for (const c of connections) {
      if (connectionId !== undefined ? c.id !== connectionId : !this.deps.roots.usesWorkspace(c.id)) continue;
      if (!c.isConnected) continue;
      c.notifyRootsChanged().catch((e) =>
        this.deps.log.warn(`[${c.config.name}] roots/list_changed failed: ${(e as Error).message}`),
      );
    }
  }

  /** A request the person must answer arrived: say so unless the inspector already shows its connection. */
  private announce(view: ServerRequestView): void {
    if (view.state !== 'pending' || view.kind === 'roots') return;
    if (this.deps.inspectorShows(view.connectionId)) return;
    const name = this.manager?.get(view.connectionId)?.config.name ?? 'An MCP server';
    const deadline = view.deadline ? ` (answer within ${timeLeft(view.deadline - Date.now())})` : '';
    const text = inertText(`${name} asks: ${requestSummary(view)}${deadline}`);
    void vscode.window.showInformationMessage(text, 'Open').then((choice) => {
      if (choice === 'Open') {
        this.deps.openInspector({ connectionId: view.connectionId, tab: REQUESTS_TAB, item: view.id });
      }
    });
  }

  dispose(): void {
    for (const { runner, subscription } of this.runners.values()) {
      subscription.dispose();
      runner.dispose();
    }
    this.runners.clear();
    for (const subscription of this.elicitationSubscriptions.values()) subscription.dispose();
    this.elicitationSubscriptions.clear();
    this.tasksEmitter.dispose();
    this.disposables.dispose();
    this.queue.dispose();
  }
}
