/**
 * The redirect through VS Code's own URI handler: `${uriScheme}://mcp-lens.mcp-lens/oauth/callback`,
 * made reachable by `env.asExternalUri` (on desktop it stays a private-use scheme, RFC 8252 §7.1;
 * in code-server and remote windows it becomes an http(s) URL that the workbench forwards to the
 * extension's UriHandler). Several flows may wait at once: callbacks are routed by `state`, and a
 * callback whose state is unknown, stale or already used is dropped.
 */
import * as vscode from 'vscode';
import { OAuthFlowError } from '../../core/auth/errors';
import type { CallbackParams, PreparedRedirect, PrepareRequest, RedirectStrategy } from '../../core/auth/types';
import type { Logger } from '../../core/logger';
import type { UriRouter } from '../uriRouter';

export const OAUTH_CALLBACK_PATH = '/oauth/callback';
export const EXTENSION_AUTHORITY = 'mcp-lens.mcp-lens';

interface Waiter {
  resolve(params: CallbackParams): void;
  reject(error: Error): void;
}

export class UriHandlerRedirect implements RedirectStrategy, vscode.Disposable {
  readonly name = 'uri-handler';
  private readonly waiters = new Map<string, Waiter>();
  private readonly route: vscode.Disposable;

  constructor(
    router: UriRouter,
    private readonly logger: Logger,
  ) {
    this.route = router.register(OAUTH_CALLBACK_PATH, (uri) => this.onCallback(uri));
  }

  async prepare(request: PrepareRequest): Promise<PreparedRedirect> {
    const local = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_AUTHORITY}${OAUTH_CALLBACK_PATH}`);
    const fresh = toRedirectUri(await vscode.env.asExternalUri(local));
    // code-server's callback URL carries a new `vscode-reqid` at every call, but any of them
    // reaches this handler: keep the registered one so the registration stays valid.
    const redirectUri =
      request.preferredRedirectUri && sameEndpoint(request.preferredRedirectUri, fresh)
        ? request.preferredRedirectUri
        : fresh;
    let waiter!: Waiter;
    const received = new Promise<CallbackParams>((resolve, reject) => (waiter = { resolve, reject }));
    this.waiters.set(request.state, waiter);
    return {
      redirectUri,
      waitForCallback: (signal) => {
        if (signal.aborted) waiter.reject(abortError(signal));
        else signal.addEventListener('abort', () => waiter.reject(abortError(signal)), { once: true });
        return received;
      },
      dispose: () => {
        if (this.waiters.get(request.state) === waiter) this.waiters.delete(request.state);
      },
    };
  }

  dispose(): void {
    this.route.dispose();
    for (const waiter of this.waiters.values()) {
      waiter.reject(new OAuthFlowError('cancelled', 'MCP Lens was closed during the sign-in.'));
    }
    this.waiters.clear();
  }

  private onCallback(uri: vscode.Uri): void {
    const params = new URLSearchParams(uri.query);
    const state = params.get('state');
    const waiter = state ? this.waiters.get(state) : undefined;
    if (!state || !waiter) {
      // RFC 6749 §10.12: a response that does not belong to a flow we started is dropped.
      this.logger.warn('Ignored an OAuth callback whose state is missing, unknown or already used.');
      void vscode.window.showWarningMessage(
        'MCP Lens ignored a sign-in response that does not belong to a sign-in in progress (it may be stale or a duplicate).',
      );
      return;
    }
    this.waiters.delete(state);
    waiter.resolve(params);
  }
}

/**
 * The externalized callback as a redirect URI. code-server's callback URL wraps ours in query
 * parameters; `vscode-query` is dropped so that the parameters the authorization server appends
 * (`code`, `state`, `iss`) become the query the handler receives.
 */
export function toRedirectUri(external: vscode.Uri): string {
  const url = new URL(external.toString(true));
  url.searchParams.delete('vscode-query');
  return url.toString();
}

/** Same origin and path, ignoring the query (code-server's per-call request id). */
function sameEndpoint(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return (
      x.protocol === y.protocol &&
      x.host === y.host &&
      x.pathname === y.pathname &&
      x.searchParams.get('vscode-authority') === y.searchParams.get('vscode-authority')
    );
  } catch {
    return false;
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new OAuthFlowError('cancelled', 'The sign-in was cancelled.');
}
