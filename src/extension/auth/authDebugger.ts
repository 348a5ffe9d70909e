/**
 * The host side of the OAuth flow debugger and the token vault. A debug run is
 * the engine's sign-in with a stepper (AuthService.debugSignIn): in step mode each step waits for
 * Next; Continue releases the rest; Cancel aborts (the engine cleans up as on any cancel). The
 * last trace of each connection is kept, masked (src/core/auth/flowReport.ts sanitizeTrace), in
 * the workspace's Memento, so it survives a reload of the window. Secrets never go there.
 */
import * as vscode from 'vscode';
import { OAuthFlowError } from '../../core/auth/errors';
import { flowTraceToJson, flowTraceToMarkdown, sanitizeTrace, type FlowTrace } from '../../core/auth/flowReport';
import type { FlowStepInfo, FlowStepResult, FlowStepper } from '../../core/auth/flowSteps';
import type { VaultInfo } from '../../core/auth/vault';
import { isHttpConfig, type HttpConnectionConfig } from '../../core/config';
import type { Connection } from '../../core/connection';
import { Emitter } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { FlowMode, FlowTraceView, JsonObject, VaultView } from '../../shared/protocol';
import type { InspectorAuthTools } from '../inspector/authTools';
import { toJson } from '../inspector/viewModel';
import type { AuthService } from './authService';

export const TRACE_KEY = (connectionId: string) => `mcpLens.authTrace.${connectionId}`;

/** What the debugger and the vault need of the AuthService (a narrow seam, so the session logic can be tested alone). */
export type DebuggerAuth = Pick<
  AuthService,
  'debugSignIn' | 'vault' | 'refreshNow' | 'signOut' | 'forgetClientRegistration' | 'copyAccessToken'
>;

interface Session {
  mode: FlowMode;
  abort: AbortController;
  release?: () => void;
  trace: FlowTrace;
}

function httpConfig(connection: Connection): HttpConnectionConfig {
  const config = connection.config;
  if (!isHttpConfig(config)) {
    throw new Error(`"${config.name}" is a stdio connection: OAuth applies to HTTP connections.`);
  }
  return config;
}

export function toVaultView(connectionId: string, v: VaultInfo): VaultView {
  return {
    connectionId,
    state: v.state,
    resource: v.resource,
    scopes: v.scopes,
    hasRefreshToken: v.hasRefreshToken,
    ...(v.issuer ? { issuer: v.issuer } : {}),
    ...(v.clientId ? { clientId: v.clientId } : {}),
    ...(v.clientSource ? { clientSource: v.clientSource } : {}),
    ...(v.obtainedAt !== undefined ? { obtainedAt: v.obtainedAt } : {}),
    ...(v.expiresAt !== undefined ? { expiresAt: v.expiresAt } : {}),
    ...(v.tokenFormat ? { tokenFormat: v.tokenFormat } : {}),
    ...(v.jwt
      ? { jwt: { header: toJson(v.jwt.header) as JsonObject, payload: toJson(v.jwt.payload) as JsonObject } }
      : {}),
    ...(v.registration ? { registration: v.registration } : {}),
    ...(v.revocationEndpoint ? { revocationEndpoint: v.revocationEndpoint } : {}),
  };
}

export class AuthDebugger implements InspectorAuthTools, vscode.Disposable {
  private readonly sessions = new Map<string, Session>();
  private readonly changed = new Emitter<{ connectionId: string; trace: FlowTraceView }>();
  readonly onDidChangeTrace = this.changed.event;

  constructor(
    private readonly auth: DebuggerAuth,
    private readonly memento: vscode.Memento,
    private readonly logger: Logger,
    /** The connection's header values kept in secret storage: the first request sends them, as the transport does. */
    private readonly secretHeadersFor: (
      config: HttpConnectionConfig,
    ) => Promise<Record<string, string>> = async () => ({}),
  ) {}

  /**
   * A removed connection takes its debugger with it: a running sign-in is cancelled and the kept
   * trace deleted, so nothing of it outlives the connection in the workspace state.
   */
  async forgetConnection(connectionId: string): Promise<void> {
    this.cancel(connectionId);
    this.sessions.delete(connectionId);
    await this.memento.update(TRACE_KEY(connectionId), undefined);
  }

  dispose(): void {
    for (const s of this.sessions.values()) {
      s.abort.abort(new OAuthFlowError('cancelled', 'The sign-in was cancelled.'));
    }
    this.sessions.clear();
    this.changed.dispose();
  }

  // ---- vault ----

  async vault(connection: Connection): Promise<VaultView | null> {
    if (!isHttpConfig(connection.config)) return null;
    return toVaultView(connection.id, await this.auth.vault(connection.config));
  }

  async refreshNow(connection: Connection): Promise<void> {
    await this.auth.refreshNow(httpConfig(connection));
  }

  async revoke(connection: Connection): Promise<void> {
    await this.auth.signOut(httpConfig(connection));
  }

  async forgetRegistration(connection: Connection): Promise<void> {
    await this.auth.forgetClientRegistration(httpConfig(connection));
  }

  copyToken(connection: Connection): Promise<boolean> {
    return this.auth.copyAccessToken(httpConfig(connection));
  }

  // ---- debugger ----

  trace(connectionId: string): FlowTraceView | undefined {
    return this.sessions.get(connectionId)?.trace ?? this.memento.get<FlowTrace>(TRACE_KEY(connectionId));
  }

  startDebug(connection: Connection, mode: FlowMode): void {
    const config = httpConfig(connection);
    if (this.sessions.has(connection.id)) throw new Error(`A sign-in of ${config.name} is already being debugged.`);
    const session: Session = {
      mode,
      abort: new AbortController(),
      trace: {
        resource: config.url,
        serverName: config.name,
        mode,
        state: 'running',
        startedAt: Date.now(),
        steps: [],
      },
    };
    this.sessions.set(connection.id, session);
    const publish = () => this.changed.fire({ connectionId: connection.id, trace: session.trace });
    const stepper: FlowStepper = {
      beforeStep: (step: FlowStepInfo) => {
        session.trace = { ...session.trace, next: step, state: session.mode === 'step' ? 'paused' : 'running' };
        publish();
        if (session.mode === 'run') return Promise.resolve();
        return new Promise<void>((resolve) => {
          session.release = () => {
            session.release = undefined;
            session.trace = { ...session.trace, state: 'running' };
            publish();
            resolve();
          };
        });
      },
      afterStep: (result: FlowStepResult) => {
        session.trace = {
          ...session.trace,
          steps: [...session.trace.steps.filter((s) => s.id !== result.id), result],
          next: undefined,
        };
        publish();
      },
    };
    this.logger.info(
      `[${config.name}] debugging the sign-in (${mode === 'step' ? 'step by step' : 'straight through'}).`,
    );
    void this.secretHeadersFor(config)
      .then((secretHeaders) => this.auth.debugSignIn(connection, stepper, session.abort.signal, secretHeaders))
      .then(
        () => this.finish(connection.id, session, 'succeeded'),
        (error: unknown) => {
          const cancelled = error instanceof OAuthFlowError && error.code === 'cancelled';
          this.finish(
            connection.id,
            session,
            cancelled ? 'cancelled' : 'failed',
            cancelled ? undefined : error instanceof Error ? error.message : String(error),
          );
        },
      );
  }

  next(connectionId: string): void {
    this.sessions.get(connectionId)?.release?.();
  }

  continueRun(connectionId: string): void {
    const session = this.sessions.get(connectionId);
    if (!session) return;
    session.mode = 'run';
    session.trace = { ...session.trace, mode: 'run' };
    session.release?.();
  }

  cancel(connectionId: string): void {
    this.sessions.get(connectionId)?.abort.abort(new OAuthFlowError('cancelled', 'You cancelled the sign-in.'));
  }

  async exportTrace(connectionId: string, format: 'markdown' | 'json'): Promise<boolean> {
    const trace = this.trace(connectionId);
    if (!trace) throw new Error('There is no trace to export yet: run the debugger first.');
    const markdown = format === 'markdown';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `mcp-lens-oauth-flow-${new Date(trace.startedAt).toISOString().replace(/[:.]/g, '-')}.${markdown ? 'md' : 'json'}`;
    const target = await vscode.window.showSaveDialog({
      filters: markdown ? { Markdown: ['md'] } : { JSON: ['json'] },
      saveLabel: 'Export Trace',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    });
    if (!target) return false;
    const text = markdown ? flowTraceToMarkdown(trace) : flowTraceToJson(trace);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    void vscode.window
      .showInformationMessage(
        `The sign-in trace of ${trace.serverName} was exported to ${target.fsPath} (secrets removed).`,
        'Open',
      )
      .then((choice) => {
        if (choice === 'Open') void vscode.window.showTextDocument(target);
      });
    return true;
  }

  private finish(
    connectionId: string,
    session: Session,
    state: 'succeeded' | 'failed' | 'cancelled',
    error?: string,
  ): void {
    const current = this.sessions.get(connectionId) === session;
    if (current) this.sessions.delete(connectionId);
    session.trace = sanitizeTrace({
      ...session.trace,
      state,
      finishedAt: Date.now(),
      next: undefined,
      ...(error ? { error } : {}),
    });
    // Only the session still registered is kept: a connection removed meanwhile keeps nothing.
    if (current) void this.memento.update(TRACE_KEY(connectionId), session.trace);
    this.changed.fire({ connectionId, trace: session.trace });
    this.logger.info(`[${session.trace.serverName}] debugged sign-in ${state}${error ? `: ${error}` : ''}.`);
  }
}
