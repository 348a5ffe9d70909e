/**
 * Loopback redirect (RFC 8252 §7.3, §8.3): an http listener on 127.0.0.1 (an IP literal, not
 * `localhost`), path /callback, single-use, closed after the callback or when the flow is aborted.
 * The listener is listening before `prepare()` resolves, so the browser is never opened first.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { untilAborted } from '../abort.js';
import { OAuthFlowError, cancelReason } from './errors.js';
import type { CallbackOutcome, CallbackParams, PreparedRedirect, PrepareRequest, RedirectStrategy } from './types.js';

export const LOOPBACK_HOST = '127.0.0.1';
export const CALLBACK_PATH = '/callback';

export interface LoopbackRedirectOptions {
  /** A fixed port, for authorization servers that need an exact pre-registered redirect URI. 0 = ephemeral (default). */
  port?: number;
  /**
   * Maps the loopback URI for remote windows (VS Code's `asExternalUri`). The result is only
   * reported as `externalUri`; the registered and sent redirect URI stays the 127.0.0.1 one unless
   * `useExternalUri` is set.
   */
  externalize?: (uri: string) => Promise<string>;
  useExternalUri?: boolean;
  /** How long the browser's request is held while the engine exchanges the code. Default 30 s. */
  pageHoldMs?: number;
}

const escapeMap: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Server-provided text is data, never HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapeMap[c] ?? c);
}

/**
 * The page shown in the browser after the callback. Everything interpolated is escaped; the CSP
 * allows only this page's nonce'd style and script (which closes the tab where the browser lets it).
 */
export function renderCallbackPage(
  kind: 'success' | 'failure',
  serverName: string,
  detail?: string,
): { html: string; csp: string } {
  const nonce = randomBytes(16).toString('base64');
  const title = kind === 'success' ? 'Signed in' : 'Sign-in failed';
  const heading =
    kind === 'success'
      ? `You are signed in to ${escapeHtml(serverName)}.`
      : `Signing in to ${escapeHtml(serverName)} did not work.`;
  const body =
    kind === 'success'
      ? '<p>MCP Lens received the authorization. You can close this tab and return to MCP Lens.</p>'
      : `<p class="detail">${escapeHtml(detail ?? 'The authorization response was not accepted.')}</p><p>Return to MCP Lens to try again.</p>`;
  const script =
    kind === 'success' ? `<script nonce="${nonce}">setTimeout(function () { window.close(); }, 1500);</script>` : '';
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MCP Lens — ${title}</title>
<style nonce="${nonce}">body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}.detail{font-family:monospace;white-space:pre-wrap;background:#f6f8fa;padding:.5rem}</style>
</head><body><h1>${heading}</h1>${body}${script}</body></html>`;
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  return { html, csp };
}

interface PendingFlow {
  state: string;
  serverName: string;
  resolve: (params: CallbackParams) => void;
  reject: (error: Error) => void;
  settled: boolean;
  /** The browser's response, held until the engine reports the outcome. */
  response?: http.ServerResponse;
  holdTimer?: NodeJS.Timeout;
}

/** One listening socket; several flows may share it when the port is fixed. */
class LoopbackListener {
  readonly flows = new Map<string, PendingFlow>();
  private closed = false;

  private constructor(
    readonly server: http.Server,
    readonly port: number,
    private readonly dedicated: boolean,
    private readonly pageHoldMs: number,
    private readonly onEmpty: () => void,
  ) {
    server.on('request', (req, res) => this.handle(req, res));
  }

  static async listen(
    port: number,
    dedicated: boolean,
    pageHoldMs: number,
    onEmpty: () => void,
  ): Promise<LoopbackListener> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: LOOPBACK_HOST, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const actual = (server.address() as AddressInfo).port;
    return new LoopbackListener(server, actual, dedicated, pageHoldMs, onEmpty);
  }

  private send(
    res: http.ServerResponse,
    status: number,
    kind: 'success' | 'failure',
    serverName: string,
    detail?: string,
  ): void {
    if (res.headersSent || res.writableEnded) return;
    const page = renderCallbackPage(kind, serverName, detail);
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': page.csp,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'close',
    });
    res.end(page.html);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}:${this.port}`);
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('Not found');
      return;
    }
    const params = url.searchParams;
    const state = params.get('state');
    const flow = state ? this.flows.get(state) : undefined;
    if (!flow || flow.settled) {
      // RFC 6749 §10.12 / MCP checklist: a callback with a missing, unknown or already used state is dropped.
      this.send(
        res,
        400,
        'failure',
        'the MCP server',
        'This sign-in response does not belong to a sign-in in progress (unknown, expired or already used state). It was ignored.',
      );
      if (this.dedicated) {
        // A dedicated listener serves one flow: the browser that was sent for it came back wrong.
        for (const pending of this.flows.values()) {
          if (!pending.settled) {
            pending.settled = true;
            pending.reject(
              new OAuthFlowError(
                'state-mismatch',
                'The authorization response had a missing or unexpected state parameter; it was rejected (RFC 6749 §10.12).',
              ),
            );
          }
        }
      }
      return;
    }
    flow.settled = true;
    flow.response = res;
    flow.holdTimer = setTimeout(
      () => this.finish(flow, { ok: false, message: 'MCP Lens did not finish the sign-in in time.' }),
      this.pageHoldMs,
    );
    flow.holdTimer.unref?.();
    flow.resolve(new URLSearchParams(params));
  }

  finish(flow: PendingFlow, outcome: CallbackOutcome): void {
    if (flow.holdTimer) clearTimeout(flow.holdTimer);
    const res = flow.response;
    flow.response = undefined;
    if (res) {
      if (outcome.ok) this.send(res, 200, 'success', flow.serverName);
      else this.send(res, 400, 'failure', flow.serverName, outcome.message);
    }
  }

  remove(state: string): void {
    const flow = this.flows.get(state);
    if (flow?.response) this.finish(flow, { ok: false, message: 'The sign-in was stopped.' });
    this.flows.delete(state);
    if (this.flows.size === 0) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onEmpty();
    this.server.close();
    this.server.closeAllConnections?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

export class LoopbackRedirect implements RedirectStrategy {
  readonly name = 'loopback';
  /** Shared listeners of fixed ports, keyed by port; ephemeral listeners are never shared. */
  private readonly shared = new Map<number, LoopbackListener>();
  private readonly open = new Set<LoopbackListener>();

  constructor(private readonly options: LoopbackRedirectOptions = {}) {}

  /** Number of sockets currently listening (for tests: a finished or aborted flow leaves none). */
  get listeningCount(): number {
    return this.open.size;
  }

  async prepare(request: PrepareRequest): Promise<PreparedRedirect> {
    const listener = await this.listenerFor(request);
    if (listener.flows.has(request.state)) throw new Error('A sign-in with this state is already waiting.');
    let resolveFn!: (params: CallbackParams) => void;
    let rejectFn!: (error: Error) => void;
    const received = new Promise<CallbackParams>((resolve, reject) => {
      resolveFn = resolve;
      rejectFn = reject;
    });
    // Avoid an unhandled rejection when nobody is waiting yet; waitForCallback re-observes it.
    received.catch(() => undefined);
    const flow: PendingFlow = {
      state: request.state,
      serverName: request.serverName,
      resolve: resolveFn,
      reject: rejectFn,
      settled: false,
    };
    listener.flows.set(request.state, flow);

    let redirectUri = `http://${LOOPBACK_HOST}:${listener.port}${CALLBACK_PATH}`;
    if (this.options.externalize) {
      const external = await this.options.externalize(redirectUri);
      if (this.options.useExternalUri) redirectUri = external;
    }
    let disposed = false;
    const dispose = () => {
      if (disposed) return;
      disposed = true;
      if (!flow.settled) {
        flow.settled = true;
        flow.reject(new OAuthFlowError('cancelled', 'The sign-in was stopped.'));
      }
      listener.remove(request.state);
    };
    return {
      redirectUri,
      // A cancel or timeout stops the wait and frees the state at once.
      waitForCallback: (signal: AbortSignal) =>
        untilAborted(received, signal, () => {
          dispose();
          return cancelReason(signal);
        }),
      complete: (outcome: CallbackOutcome) => listener.finish(flow, outcome),
      dispose,
    };
  }

  private async listenerFor(request: PrepareRequest): Promise<LoopbackListener> {
    const hold = this.options.pageHoldMs ?? 30_000;
    const fixed = this.options.port ?? 0;
    if (fixed !== 0) {
      const existing = this.shared.get(fixed);
      if (existing && !existing.isClosed) return existing;
      const listener = await LoopbackListener.listen(fixed, false, hold, () => {
        this.shared.delete(fixed);
        this.open.delete(listener);
      });
      this.shared.set(fixed, listener);
      this.open.add(listener);
      return listener;
    }
    // Reuse the port of an existing registration when free, so the registration stays valid on
    // authorization servers that compare loopback redirect URIs exactly (despite RFC 8252 §7.3).
    const preferredPort = portOf(request.preferredRedirectUri);
    if (preferredPort) {
      try {
        const listener = await LoopbackListener.listen(preferredPort, true, hold, () => this.open.delete(listener));
        this.open.add(listener);
        return listener;
      } catch {
        // busy: fall through to an ephemeral port (the engine then registers again)
      }
    }
    const listener = await LoopbackListener.listen(0, true, hold, () => this.open.delete(listener));
    this.open.add(listener);
    return listener;
  }
}

function portOf(uri: string | undefined): number | undefined {
  if (!uri) return undefined;
  try {
    const url = new URL(uri);
    if (url.protocol !== 'http:' || url.hostname !== LOOPBACK_HOST || url.pathname !== CALLBACK_PATH || !url.port) {
      return undefined;
    }
    return Number(url.port);
  } catch {
    return undefined;
  }
}
