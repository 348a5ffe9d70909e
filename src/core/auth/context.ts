/**
 * What the parts of the OAuth engine share: the options, the HTTP client (every request timed,
 * masked, counted and reported), the logger and clock, the per-resource state (the last challenge,
 * the running refreshes and sign-ins), the discovery cache, and the bounds of one sign-in.
 * Nothing here imports `vscode`.
 */
import { randomBytes } from 'node:crypto';
import { isHttpsUrl } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { discover, discoverProtectedResource } from './discovery.js';
import { OAuthFlowError } from './errors.js';
import { onFlowPause, recordFlowExchange } from './flowSteps.js';
import { AuthHttpClient, anySignal } from './http.js';
import { authKeys, readJson, writeJson } from './store.js';
import type {
  AuthChallenge,
  AuthStore,
  DiscoveryPurpose,
  DiscoveryState,
  FetchLike,
  HttpExchange,
  RedirectStrategy,
  StoredTokens,
  TokenInfo,
} from './types.js';

export interface OAuthEngineOptions {
  store: AuthStore;
  logger?: Logger;
  /** Opens the system browser (RFC 8252 §4: never an embedded view). Called after the redirect listener is ready. */
  openBrowser: (url: string) => Promise<void>;
  /** Tried in order; the next one is used when the authorization server rejects a redirect URI at registration. */
  redirectStrategies: RedirectStrategy[];
  /** `client_name` in dynamic registrations. Default "MCP Lens". */
  clientName?: string;
  /** Limit of one interactive sign-in. Default 5 minutes. */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Clock, for tests. Epoch milliseconds. */
  now?: () => number;
  /** Client ID Metadata Document URL (an https URL with a path), used when the AS advertises support. */
  cimdUrl?: string;
  /** Every OAuth HTTP request of the engine, secrets masked. */
  onHttpExchange?: (exchange: HttpExchange) => void;
  /** How long discovery results are reused without asking again. Default 1 hour. */
  discoveryTtlMs?: number;
  /** Refresh this long before `expiresAt`. Default 60 s. */
  refreshSkewMs?: number;
  /** Interactive sign-ins one request may trigger in `interactive` mode (401 + step-ups). Default 3. */
  maxAuthorizationsPerRequest?: number;
}

export const DEFAULTS = {
  clientName: 'MCP Lens',
  timeoutMs: 5 * 60_000,
  discoveryTtlMs: 60 * 60_000,
  refreshSkewMs: 60_000,
  maxAuthorizations: 3,
};

export function randomState(): string {
  return randomBytes(32).toString('base64url');
}

/** Text from a server shown in a message: one line, bounded, no control characters. */
export function safeText(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export function splitScope(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}

export /** An OAuth error answer, for a message: the code and the server's description, made safe. */
function describeOAuthError(error: OAuthError): string {
  return `${safeText(error.errorCode, 80)}${error.message ? `: ${safeText(error.message)}` : ''}`;
}

export class EngineContext {
  readonly http: AuthHttpClient;
  readonly logger: Logger;
  readonly now: () => number;
  readonly lastChallenge = new Map<string, AuthChallenge>();
  readonly refreshing = new Map<string, Promise<StoredTokens>>();
  readonly signingIn = new Map<string, Promise<TokenInfo>>();

  constructor(readonly options: OAuthEngineOptions) {
    if (options.redirectStrategies.length === 0) throw new Error('OAuthEngine needs at least one redirect strategy.');
    if (options.cimdUrl !== undefined && !isHttpsUrl(options.cimdUrl)) {
      throw new Error('The client ID metadata document URL must be an https URL with a path.');
    }
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.http = new AuthHttpClient({
      fetch: options.fetch ?? ((url, init) => fetch(url, init)),
      onHttpExchange: (e) => this.observe(e),
    });
  }

  /** Every OAuth exchange goes to the engine's observer and to the flow a stepper records, if any. */
  observe(exchange: HttpExchange): void {
    try {
      this.options.onHttpExchange?.(exchange);
    } catch {
      // observers must not break the flow
    }
    recordFlowExchange(exchange);
  }

  once(resource: string, start: () => Promise<TokenInfo>): Promise<TokenInfo> {
    const running = this.signingIn.get(resource);
    if (running) return running;
    const job = start().finally(() => this.signingIn.delete(resource));
    this.signingIn.set(resource, job);
    return job;
  }

  /**
   * Runs one sign-in bounded by the engine's timeout and the caller's signal, reporting which one
   * ended it. The timeout counts running time only: a debugger paused between steps stops it.
   */
  async bounded<T>(
    resource: string,
    callerSignal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULTS.timeoutMs;
    const timeout = new AbortController();
    const expire = () =>
      timeout.abort(
        new OAuthFlowError('timeout', `The sign-in to ${resource} timed out after ${Math.round(timeoutMs / 1000)} s.`),
      );
    let remaining = timeoutMs;
    let since = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(expire, remaining);
    const stopListening = onFlowPause({
      pause: () => {
        if (timer === undefined) return;
        clearTimeout(timer);
        timer = undefined;
        remaining -= performance.now() - since;
      },
      resume: () => {
        if (timer !== undefined || timeout.signal.aborted) return;
        since = performance.now();
        timer = setTimeout(expire, Math.max(0, remaining));
      },
    });
    const signal = anySignal(callerSignal, timeout.signal)!;
    try {
      return await run(signal);
    } catch (error) {
      // Whatever step was interrupted, report why: the timeout, or the user's cancel.
      if (timeout.signal.aborted) throw timeout.signal.reason as OAuthFlowError;
      if (callerSignal?.aborted && !(error instanceof OAuthFlowError && error.code === 'cancelled')) {
        throw new OAuthFlowError('cancelled', 'The sign-in was cancelled.', { cause: error });
      }
      throw error;
    } finally {
      stopListening();
      clearTimeout(timer);
    }
  }

  /**
   * Cached discovery while fresh (a second connect asks nothing), else discovery again. A
   * challenge naming another `resource_metadata` URL than the cached one forces a new discovery.
   */
  async loadDiscovery(
    resource: string,
    resourceMetadataUrl: string | undefined,
    signal: AbortSignal | undefined,
    purpose: DiscoveryPurpose = 'authorization_code',
    rediscover = false,
  ): Promise<DiscoveryState> {
    const cached = rediscover
      ? undefined
      : await readJson<DiscoveryState>(this.options.store, authKeys.discovery(resource));
    const ttl = this.options.discoveryTtlMs ?? DEFAULTS.discoveryTtlMs;
    const fresh = cached && this.now() - cached.fetchedAt < ttl;
    const sameMetadata = !resourceMetadataUrl || resourceMetadataUrl === cached?.resourceMetadataUrl;
    // Metadata checked only for the grants without a browser has not been checked for PKCE.
    const checkedEnough = purpose === 'machine' || cached?.checkedFor !== 'machine';
    if (cached && fresh && sameMetadata && checkedEnough) return cached;
    this.logger.info(`Discovering the authorization server of ${resource}.`);
    const state = await discover(this.http, resource, resourceMetadataUrl, this.now(), signal, purpose);
    return this.saveDiscovery(state);
  }

  /**
   * Stores a new discovery, and adds its issuer to the authorization servers the resource has
   * used: their tokens stay stored under their issuers after a move, and a sign-out deletes them all.
   */
  private async saveDiscovery(state: DiscoveryState): Promise<DiscoveryState> {
    await writeJson(this.options.store, authKeys.discovery(state.resource), state);
    const key = authKeys.issuers(state.resource);
    const known = (await readJson<string[]>(this.options.store, key)) ?? [];
    if (!known.includes(state.issuer)) await writeJson(this.options.store, key, [...known, state.issuer]);
    return state;
  }

  /**
   * Asks the resource again which authorization server it uses (its protected resource metadata:
   * one request), after it refused a request. When it names another server than the cached
   * discovery (MCP 2026-07-28, SEP-2352), that server is discovered again and becomes the current
   * one, so registrations and tokens are looked up under its issuer from now on; the old server's
   * entries stay stored under theirs, untouched. Returns the current issuer, or `undefined` when
   * nothing was cached (the sign-in discovers) or the resource could not be asked (the cached
   * state stays). When the new server cannot be discovered, nothing stays cached.
   */
  async revalidateIssuer(
    resource: string,
    resourceMetadataUrl: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    const key = authKeys.discovery(resource);
    const cached = await readJson<DiscoveryState>(this.options.store, key);
    if (!cached) return undefined;
    let named: string | undefined;
    try {
      const prm = await discoverProtectedResource(
        this.http,
        resource,
        resourceMetadataUrl ?? cached.resourceMetadataUrl,
        signal,
      );
      // A 2025-03-26 server (no metadata) keeps its origin as the authorization server.
      named = prm ? prm.metadata.authorization_servers?.[0] : cached.legacy ? cached.issuer : undefined;
    } catch (error) {
      this.logger.warn(
        `Could not check which authorization server ${resource} uses now (${error instanceof Error ? safeText(error.message) : 'unknown error'}).`,
      );
      return undefined;
    }
    if (named === cached.issuer) return cached.issuer;
    this.logger.info(
      `${resource} now names ${named ?? 'no authorization server'} instead of ${cached.issuer}; discovering it.`,
    );
    try {
      const purpose: DiscoveryPurpose = cached.checkedFor === 'machine' ? 'machine' : 'authorization_code';
      return (await this.loadDiscovery(resource, resourceMetadataUrl, signal, purpose, true)).issuer;
    } catch (error) {
      this.logger.warn(
        `Discovering the new authorization server of ${resource} failed (${error instanceof Error ? safeText(error.message) : 'unknown error'}).`,
      );
      // Nothing stays cached: the sign-in that follows discovers again and reports the failure,
      // instead of going to the server the resource left.
      await this.options.store.delete(key);
      return named;
    }
  }
}
