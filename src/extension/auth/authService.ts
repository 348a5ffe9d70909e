/**
 * OAuth inside VS Code: the core `OAuthEngine` with SecretStorage as its store, the system
 * browser (`env.openExternal`), and redirect methods chosen by where VS Code runs. The engine does
 * the protocol; this adapter adds the notification with Cancel, the per-connection pre-registered
 * client (its secret in SecretStorage) and the settings.
 */
import * as vscode from 'vscode';
import type { OAuthEngine } from '../../core/auth/engine';
import { OAuthFlowError } from '../../core/auth/errors';
import type { AuthFlowOutcome } from '../../core/auth/flow';
import type { FlowStepper } from '../../core/auth/flowSteps';
import { readAccessToken, readVault, type VaultInfo } from '../../core/auth/vault';
import { startLaunchRedirect } from '../../core/auth/launchRedirect';
import { LoopbackRedirect } from '../../core/auth/loopback';
import type { AuthStatus, AuthStore, PreRegisteredClient, RedirectStrategy, TokenInfo } from '../../core/auth/types';
import { isHttpConfig, type ConnectionConfig, type HttpConnectionConfig } from '../../core/config';
import type { Connection, FetchLike } from '../../core/connection';
import type { Logger } from '../../core/logger';
import { oauthClientSecretKey } from '../connectionStore';
import type { UriRouter } from '../uriRouter';
import { UriHandlerRedirect } from './uriHandlerRedirect';

export type RedirectMethod = 'auto' | 'uri-handler' | 'loopback';

/** `vscode.SecretStorage` names its setter `store`; the engine's interface says `set`. */
class SecretAuthStore implements AuthStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(key));
  }
  set(key: string, value: string): Promise<void> {
    return Promise.resolve(this.secrets.store(key, value));
  }
  delete(key: string): Promise<void> {
    return Promise.resolve(this.secrets.delete(key));
  }
}

export class AuthService implements vscode.Disposable {
  /** Created on first use: loading the engine loads the SDK, which activation should not pay for. */
  private engineInstance?: OAuthEngine;
  private readonly uriHandler: UriHandlerRedirect;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusEmitter = new vscode.EventEmitter<string>();
  private readonly store: SecretAuthStore;
  /** Fires with the resource URL whose sign-in state changed. */
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    router: UriRouter,
    private readonly logger: Logger,
  ) {
    this.uriHandler = new UriHandlerRedirect(router, logger);
    this.store = new SecretAuthStore(secrets);
    this.disposables.push(
      this.uriHandler,
      this.statusEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mcpLens.oauth')) this.engineInstance = undefined;
      }),
      // Another window signed in or out (SecretStorage is shared between windows).
      secrets.onDidChange((e) => {
        const match = /^mcp-lens\.oauth\.tokens \S+ (\S+)$/.exec(e.key);
        if (match) this.statusEmitter.fire(match[1]);
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** The authorized fetch for an HTTP connection: Bearer header, silent refresh, AuthRequiredError otherwise. */
  fetchFor(config: HttpConnectionConfig): FetchLike {
    return async (input, init) => {
      const preRegistered = await this.preRegisteredClient(config);
      return this.engine().authorizedFetch(config.url, { preRegistered, serverName: config.name })(input, init);
    };
  }

  /**
   * Runs the browser sign-in for a connection, with a notification that has a Cancel button, then
   * reconnects. Returns false when the user cancelled; throws (with a message for people) on failure.
   */
  async signIn(connection: Connection, scope?: string): Promise<boolean> {
    const config = connection.config;
    if (!isHttpConfig(config)) throw new Error(`"${config.name}" is a stdio connection: it does not use OAuth.`);
    const preRegistered = await this.preRegisteredClient(config);
    let info: TokenInfo;
    try {
      info = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Signing in to ${config.name}…`, cancellable: true },
        async (progress, token) => {
          progress.report({ message: 'Complete the sign-in in your browser.' });
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() =>
            abort.abort(new OAuthFlowError('cancelled', 'You cancelled the sign-in.')),
          );
          try {
            return await this.engine().signIn(config.url, {
              signal: abort.signal,
              preRegistered,
              serverName: config.name,
              scope,
            });
          } finally {
            cancel.dispose();
          }
        },
      );
    } catch (e) {
      if (e instanceof OAuthFlowError && e.code === 'cancelled') {
        this.logger.info(`[${config.name}] sign-in cancelled.`);
        return false;
      }
      if (e instanceof OAuthFlowError && e.code === 'timeout') {
        // The engine says how long it waited; only the adapter knows which setting sets that.
        throw new OAuthFlowError(
          'timeout',
          `${e.message} Finish the sign-in sooner, or raise the limit with the setting mcpLens.oauth.signInTimeoutSeconds.`,
          { cause: e },
        );
      }
      throw e;
    }
    this.statusEmitter.fire(config.url);
    this.logger.info(
      `[${config.name}] signed in with ${info.issuer} (client ${info.clientId}, scopes: ${info.scopes.join(' ') || 'none'}).`,
    );
    await connection.reconnect();
    return true;
  }

  /**
   * The flow debugger's sign-in: the engine's own sign-in with a stepper, between
   * the 401 that starts it and the reconnect that ends it — the same browser, redirect and
   * reconnect as `signIn`. The stepper pauses it; `signal` cancels it.
   */
  async debugSignIn(
    connection: Connection,
    stepper: FlowStepper,
    signal: AbortSignal,
    secretHeaders: Record<string, string> = {},
  ): Promise<AuthFlowOutcome> {
    const config = connection.config;
    if (!isHttpConfig(config)) throw new Error(`"${config.name}" is a stdio connection: it does not use OAuth.`);
    const preRegistered = await this.preRegisteredClient(config);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runAuthFlow } = require('../../core/auth/flow') as typeof import('../../core/auth/flow');
    try {
      return await runAuthFlow(this.engine(), config.url, {
        stepper,
        signal,
        preRegistered,
        serverName: config.name,
        transport: config.transport,
        ...(config.headers ? { headers: config.headers } : {}),
        secretHeaders,
        connect: async () => {
          await connection.reconnect();
          return {
            serverName: connection.serverInfo?.name,
            serverVersion: connection.serverInfo?.version,
            protocolVersion: connection.protocolVersion,
            transport: connection.activeTransport,
          };
        },
      });
    } finally {
      this.statusEmitter.fire(config.url);
    }
  }

  /** What the token vault shows (no token, no secret). */
  vault(config: HttpConnectionConfig): Promise<VaultInfo> {
    return readVault(this.store, config.url);
  }

  /** Refreshes the access token now (the vault's "Refresh now"). */
  async refreshNow(config: HttpConnectionConfig): Promise<void> {
    try {
      await this.engine().refreshNow(config.url, { preRegistered: await this.preRegisteredClient(config) });
    } finally {
      this.statusEmitter.fire(config.url);
    }
  }

  /**
   * Copies the access token to the clipboard after a modal warning. The token goes from
   * SecretStorage to the clipboard here, in the extension host: never through the webview.
   */
  async copyAccessToken(config: HttpConnectionConfig): Promise<boolean> {
    const token = await readAccessToken(this.store, config.url);
    if (!token) throw new Error(`No access token is stored for ${config.name}.`);
    const choice = await vscode.window.showWarningMessage(
      `Copy the access token of ${config.name}?`,
      {
        modal: true,
        detail:
          'Anyone who gets this token can act as you on this server until it expires. It is copied to the clipboard as it is: do not paste it into chats, issues or logs, and clear the clipboard when you are done.',
      },
      'Copy Token',
    );
    if (choice !== 'Copy Token') return false;
    await vscode.env.clipboard.writeText(token);
    this.logger.info(`[${config.name}] the access token was copied to the clipboard at the user's request.`);
    return true;
  }

  async signOut(config: HttpConnectionConfig): Promise<void> {
    await this.engine().signOut(config.url, { preRegistered: await this.preRegisteredClient(config) });
    this.statusEmitter.fire(config.url);
  }

  async forgetClientRegistration(config: HttpConnectionConfig): Promise<void> {
    await this.engine().forgetClientRegistration(config.url);
    this.statusEmitter.fire(config.url);
  }

  status(config: ConnectionConfig): Promise<AuthStatus> {
    return isHttpConfig(config) ? this.engine().status(config.url) : Promise.resolve({ state: 'none' });
  }

  /** The redirect URI to register with an authorization server for a pre-registered client. */
  async redirectUriForPreRegistration(): Promise<string> {
    const strategy = this.strategies()[0];
    const prepared = await strategy.prepare({ state: `preview-${Date.now()}`, serverName: 'preview' });
    prepared.dispose();
    return prepared.redirectUri;
  }

  async setClientSecret(connectionId: string, secret: string | undefined): Promise<void> {
    if (secret) await this.secrets.store(oauthClientSecretKey(connectionId), secret);
    else await this.secrets.delete(oauthClientSecretKey(connectionId));
  }

  private async preRegisteredClient(config: HttpConnectionConfig): Promise<PreRegisteredClient | undefined> {
    if (!config.oauthClientId) return undefined;
    const clientSecret = await this.secrets.get(oauthClientSecretKey(config.id));
    return { clientId: config.oauthClientId, ...(clientSecret ? { clientSecret } : {}) };
  }

  private engine(): OAuthEngine {
    if (this.engineInstance) return this.engineInstance;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OAuthEngine } = require('../../core/auth/engine') as typeof import('../../core/auth/engine');
    const settings = vscode.workspace.getConfiguration('mcpLens.oauth');
    const cimdUrl = settings.get<string>('clientMetadataUrl', '').trim();
    const timeoutMs = Math.max(10, settings.get<number>('signInTimeoutSeconds', 300)) * 1000;
    this.engineInstance = new OAuthEngine({
      store: this.store,
      logger: this.logger,
      openBrowser: async (url) => {
        // The system browser only, never a webview (RFC 8252 §8.12), through a one-shot loopback
        // redirect so that no opener can re-encode the authorization URL (see launchRedirect.ts).
        const launch = await startLaunchRedirect(url, timeoutMs);
        const opened = await vscode.env.openExternal(vscode.Uri.parse(launch.url));
        if (!opened) {
          launch.close();
          throw new OAuthFlowError('browser-failed', 'VS Code could not open the browser for the sign-in.');
        }
      },
      redirectStrategies: this.strategies(),
      clientName: 'MCP Lens',
      timeoutMs,
      ...(cimdUrl ? { cimdUrl } : {}),
    });
    return this.engineInstance;
  }

  /**
   * Redirect methods in the order to try them, chosen from the flows below by where VS Code runs
   * and by the `redirectMethod` setting. The engine moves to the next one when the authorization
   * server rejects a redirect URI at registration.
   */
  private strategies(): RedirectStrategy[] {
    const settings = vscode.workspace.getConfiguration('mcpLens.oauth');
    const method = settings.get<RedirectMethod>('redirectMethod', 'auto');
    const loopback = new LoopbackRedirect({
      port: settings.get<number>('callbackPort', 0),
      // The listener runs beside the extension host; asExternalUri makes it reachable from the
      // browser in remote windows and code-server (its /proxy/PORT/ forwarder).
      useExternalUri: true,
      externalize: async (uri) => (await vscode.env.asExternalUri(vscode.Uri.parse(uri))).toString(true),
    });
    const environment: RedirectEnvironment =
      vscode.env.uiKind === vscode.UIKind.Web ? 'web' : vscode.env.remoteName ? 'remote' : 'desktop';
    const flows: {
      method: Exclude<RedirectMethod, 'auto'>;
      strategy: RedirectStrategy;
      worksIn: RedirectEnvironment[];
    }[] = [
      // No port to open; the URI goes through VS Code (desktop: the OS hands vscode:// to VS Code;
      // web and remote: the workbench's /callback page forwards it to the extension).
      { method: 'uri-handler', strategy: this.uriHandler, worksIn: ['desktop', 'remote', 'web'] },
      // RFC 8252 §7.3: for servers that only accept http(s) loopback redirect URIs.
      { method: 'loopback', strategy: loopback, worksIn: ['desktop', 'remote', 'web'] },
    ];
    return flows
      .filter((f) => f.worksIn.includes(environment) && (method === 'auto' || method === f.method))
      .map((f) => f.strategy);
  }
}

type RedirectEnvironment = 'desktop' | 'remote' | 'web';
