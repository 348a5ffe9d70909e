/**
 * The OAuth engine: the MCP authorization client (spec 2025-06-18 / 2025-11-25, with the 2026
 * hardening), on the MCP SDK's primitives (`startAuthorization`, `exchangeAuthorization`,
 * `refreshAuthorization`, `buildDiscoveryUrls`, schemas) plus the checks SDK 1.x leaves out.
 * See /work/shared/docs/mcp-auth.md for the checklist this implements, item by item.
 *
 * Storage (`AuthStore`), the browser (`openBrowser`) and the redirect (`RedirectStrategy`) are
 * injected, so the extension, the CLI and the tests run the same code. Nothing here imports
 * `vscode`, and no token, code, verifier or client secret ever reaches the logger or an exchange.
 */
import { randomBytes } from 'node:crypto';
import { exchangeAuthorization, isHttpsUrl, parseErrorResponse, refreshAuthorization, selectClientAuthMethod, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  OAuthClientInformationFullSchema,
  OAuthTokensSchema,
  type AuthorizationServerMetadata,
  type OAuthClientInformationMixed,
  type OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { OAuthError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { AuthRequiredError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import {
  applyClientAuthentication,
  checkSigningAlgorithm,
  selectTokenEndpointAuthMethod,
  validateClientCredentials,
  type ClientAuthMethod,
  type ClientCredentials,
  type SigningKey,
} from './clientAuth.js';
import { describeZod, discover, discoverAuthorizationServer, endpoints } from './discovery.js';
import { OAuthFlowError, cancelReason } from './errors.js';
import { flowStep, onFlowPause, recordFlowExchange, recordMcpExchange, withFlowStepper, type FlowStepper } from './flowSteps.js';
import { AuthHttpClient, anySignal } from './http.js';
import { preflightAuthorization } from './preflight.js';
import { maskUrl } from './redact.js';
import { authKeys, readJson, writeJson } from './store.js';
import type {
  AuthChallenge,
  AuthStatus,
  AuthStep,
  AuthStore,
  ClientSource,
  DiscoveryPurpose,
  DiscoveryState,
  FetchLike,
  HttpExchange,
  MachineGrant,
  PreparedRedirect,
  PreRegisteredClient,
  RedirectStrategy,
  StoredClient,
  StoredTokens,
  TokenInfo,
} from './types.js';
import { assertAuthorizationEndpoint, assertSecureUrl, canonicalResource, isLoopbackUrl } from './urls.js';

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

export interface SignInOptions {
  signal?: AbortSignal;
  /** Overrides scope selection (e.g. a step-up's scope). */
  scope?: string;
  preRegistered?: PreRegisteredClient;
  /** The 401/403 challenge that caused the sign-in (`AuthRequiredError.details`). */
  challenge?: AuthChallenge;
  /** Shown on the page after the callback. Default: the server's host. */
  serverName?: string;
  /**
   * Observes the flow and may pause it between steps (the flow debugger, issue 5 §1). The flow is
   * the same code with or without it: see ./flowSteps.ts.
   */
  stepper?: FlowStepper;
  /** Discover again even when the cached discovery is fresh (the debugger shows discovery). */
  rediscover?: boolean;
}

export interface MachineSignInOptions {
  signal?: AbortSignal;
  /** Overrides scope selection (e.g. a step-up's scope). */
  scope?: string;
  /** The 401/403 challenge that caused the sign-in (`AuthRequiredError.details`). */
  challenge?: AuthChallenge;
}

/** RFC 8693 §3 / draft-ietf-oauth-identity-assertion-authz-grant: the grant and token types of the cross-app access flow. */
const GRANT = {
  clientCredentials: 'client_credentials',
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  idJag: 'urn:ietf:params:oauth:token-type:id-jag',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
} as const;

export interface AuthorizedFetchOptions {
  preRegistered?: PreRegisteredClient;
  /**
   * Obtain tokens with this grant, never with the browser: whenever a token is missing, expired
   * or refused, and on a step-up, whether or not `interactive` is set (no person is needed).
   * Stored tokens from another client or grant are not used while a grant is given.
   */
  grant?: MachineGrant;
  /**
   * `false` (default, the extension): throw `AuthRequiredError` when a browser sign-in is needed.
   * `true` (the CLI, conformance): run `signIn` and retry, at most `maxAuthorizationsPerRequest`
   * sign-ins per request (MCP authorization "Scope Challenge Handling": cap step-up retries).
   */
  interactive?: boolean;
  signal?: AbortSignal;
  serverName?: string;
  /**
   * Called with every `AuthRequiredError` this fetch throws, before it is thrown. Needed with the
   * SDK's SSE transport: its EventSource reports a failed GET as an `SseError` carrying only the
   * message, so the error object (and its `details`) would otherwise be lost.
   */
  onAuthRequired?: (error: AuthRequiredError) => void;
}

interface ClientChoice {
  info: OAuthClientInformationMixed;
  source: ClientSource;
  /** Registered during this sign-in (RFC 7591), so the authorization server knows it. */
  registeredNow?: boolean;
  /** The stored registration the authorization server had forgotten, replaced by `info`. */
  forgottenClientId?: string;
}

const DEFAULTS = { clientName: 'MCP Lens', timeoutMs: 5 * 60_000, discoveryTtlMs: 60 * 60_000, refreshSkewMs: 60_000, maxAuthorizations: 3 };

/** Parses `WWW-Authenticate: Bearer k="v", …` (RFC 6750 §3, RFC 9728 §5.1). */
export function parseBearerChallenge(header: string | null): AuthChallenge {
  if (!header) return {};
  const match = /(?:^|,\s*)Bearer\b(.*)$/i.exec(header.trim());
  if (!match) return {};
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(match[1] ?? '')) !== null) {
    const key = m[1]!.toLowerCase();
    if (!(key in out)) out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  const challenge: AuthChallenge = {};
  if (out.resource_metadata) challenge.resourceMetadataUrl = out.resource_metadata;
  if (out.scope) challenge.scope = out.scope;
  if (out.error) challenge.error = out.error;
  return challenge;
}

function randomState(): string {
  return randomBytes(32).toString('base64url');
}

/** Text from a server shown in a message: one line, bounded, no control characters. */
function safeText(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function splitScope(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}

/** The `clientSource` of the tokens a grant obtains. */
function grantSource(grant: MachineGrant): ClientSource {
  return grant.type === 'client_credentials' ? 'client-credentials' : 'cross-app-access';
}

type MachineMetadata = AuthorizationServerMetadata & { token_endpoint_auth_signing_alg_values_supported?: string[] };

/** An OAuth error answer, for a message: the code and the server's description, made safe. */
function describeOAuthError(error: OAuthError): string {
  return `${safeText(error.errorCode, 80)}${error.message ? `: ${safeText(error.message)}` : ''}`;
}

export class OAuthEngine {
  private readonly http: AuthHttpClient;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly lastChallenge = new Map<string, AuthChallenge>();
  private readonly refreshing = new Map<string, Promise<StoredTokens>>();
  private readonly signingIn = new Map<string, Promise<TokenInfo>>();

  constructor(private readonly options: OAuthEngineOptions) {
    if (options.redirectStrategies.length === 0) throw new Error('OAuthEngine needs at least one redirect strategy.');
    if (options.cimdUrl !== undefined && !isHttpsUrl(options.cimdUrl)) {
      throw new Error('The client ID metadata document URL must be an https URL with a path.');
    }
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.http = new AuthHttpClient({ fetch: options.fetch ?? ((url, init) => fetch(url, init)), onHttpExchange: (e) => this.observe(e) });
  }

  /** Every OAuth exchange goes to the engine's observer and to the flow a stepper records, if any. */
  private observe(exchange: HttpExchange): void {
    try {
      this.options.onHttpExchange?.(exchange);
    } catch {
      // observers must not break the flow
    }
    recordFlowExchange(exchange);
  }

  /** Requests made so far, by step (the figures in the report, and tests). */
  requestCounts(): Partial<Record<AuthStep, number>> {
    return Object.fromEntries(this.http.counts) as Partial<Record<AuthStep, number>>;
  }

  // ---------------------------------------------------------------- authorized fetch

  /**
   * A fetch for the MCP transports of one server. It adds the Bearer token (header only, and only
   * to the server's own origin: MCP authorization "Token Audience Binding"), refreshes it before
   * expiry and once on a 401, and throws `AuthRequiredError` when only a browser sign-in can help
   * (no token, refresh refused, or a 403 `insufficient_scope` step-up).
   */
  authorizedFetch(resourceUrl: string, opts: AuthorizedFetchOptions = {}): FetchLike {
    const resource = canonicalResource(resourceUrl);
    const max = this.options.maxAuthorizationsPerRequest ?? DEFAULTS.maxAuthorizations;
    return async (input, init) => {
      let authorizations = 0;
      for (;;) {
        try {
          return await this.sendAuthorized(resource, input, init, opts);
        } catch (error) {
          if (!(error instanceof AuthRequiredError)) throw error;
          if (!opts.interactive && !opts.grant) throw this.reportAuthRequired(error, opts);
          if (authorizations >= max) {
            throw this.reportAuthRequired(
              new AuthRequiredError(
                `Gave up after ${authorizations} sign-ins for one request to ${resource}: the server still refuses (${error.details.error ?? 'unauthorized'}).`,
                error.details,
              ),
              opts,
            );
          }
          authorizations++;
          const scope = error.details.error === 'insufficient_scope' ? error.details.scope : undefined;
          if (opts.grant) {
            await this.once(resource, () => this.signInWithGrant(resource, opts.grant!, { signal: opts.signal, challenge: error.details, scope }));
            continue;
          }
          await this.signInOnce(resource, {
            signal: opts.signal,
            preRegistered: opts.preRegistered,
            serverName: opts.serverName,
            challenge: error.details,
            scope,
          });
        }
      }
    };
  }

  private reportAuthRequired(error: AuthRequiredError, opts: AuthorizedFetchOptions): AuthRequiredError {
    try {
      opts.onAuthRequired?.(error);
    } catch {
      // a faulty observer must not replace the error
    }
    return error;
  }

  private async sendAuthorized(resource: string, input: string | URL, init: RequestInit | undefined, opts: AuthorizedFetchOptions): Promise<Response> {
    const url = typeof input === 'string' ? input : input.href;
    const ours = new URL(url).origin === new URL(resource).origin;
    const tokens = ours ? await this.usableTokens(resource, opts) : undefined;
    let response = await this.sendWithToken(url, init, tokens?.accessToken);
    if (!ours) return response;

    if (response.status === 401 && tokens?.refreshToken) {
      // RFC 6750 §3.1 invalid_token: the access token was revoked or expired early. Refresh once and retry.
      const refreshed = await this.refreshTokens(resource, tokens, opts.preRegistered);
      await response.body?.cancel();
      response = await this.sendWithToken(url, init, refreshed.accessToken);
    }
    if (response.status === 401) {
      const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
      // The server refuses the token we hold (even a fresh one): it is of no further use.
      if (tokens) await this.deleteTokens(resource);
      await response.body?.cancel();
      this.lastChallenge.set(resource, challenge);
      throw new AuthRequiredError(`${resource} requires sign-in.`, {
        resourceUrl: resource,
        resourceMetadataUrl: challenge.resourceMetadataUrl,
        scope: challenge.scope,
        error: challenge.error,
      });
    }
    if (response.status === 403) {
      const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
      if (challenge.error === 'insufficient_scope') {
        await response.body?.cancel();
        this.lastChallenge.set(resource, challenge);
        throw new AuthRequiredError(`${resource} needs more permissions${challenge.scope ? ` (scope "${safeText(challenge.scope, 200)}")` : ''}.`, {
          resourceUrl: resource,
          resourceMetadataUrl: challenge.resourceMetadataUrl,
          scope: challenge.scope,
          error: 'insufficient_scope',
        });
      }
    }
    return response;
  }

  /**
   * Sends with the token in the Authorization header. Redirects are followed only within the
   * origin; a redirect elsewhere is returned unfollowed, so the token never travels to another host.
   */
  private async sendWithToken(url: string, init: RequestInit | undefined, accessToken: string | undefined): Promise<Response> {
    const baseFetch = this.options.fetch ?? ((u: string | URL, i?: RequestInit) => fetch(u, i));
    let current = new URL(url);
    let method = (init?.method ?? 'GET').toUpperCase();
    let body = init?.body;
    for (let hop = 0; ; hop++) {
      const headers = new Headers(init?.headers);
      if (accessToken) headers.set('Authorization', `Bearer ${accessToken}`);
      const sentAt = performance.now();
      const response = await baseFetch(current, { ...init, method, body, headers, redirect: 'manual' });
      // Steps 1 and 8 of a recorded flow (nothing happens when no stepper records this context).
      await recordMcpExchange(current.href, { method, headers, body }, response, performance.now() - sentAt);
      const location = response.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(response.status) || !location || hop >= 5) return response;
      const target = new URL(location, current);
      if (target.origin !== current.origin) return response;
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      await response.body?.cancel();
      current = target;
    }
  }

  /** The stored tokens for a resource, refreshed first when they expire within the skew. */
  private async usableTokens(resource: string, opts: AuthorizedFetchOptions): Promise<StoredTokens | undefined> {
    const tokens = await this.readTokens(resource);
    if (!tokens) return undefined;
    if (opts.grant && (tokens.clientSource !== grantSource(opts.grant) || tokens.clientId !== opts.grant.client.clientId)) {
      // Tokens of another sign-in (a person's, or another client's) are not what was asked for.
      return undefined;
    }
    const skew = this.options.refreshSkewMs ?? DEFAULTS.refreshSkewMs;
    if (tokens.expiresAt === undefined || this.now() < tokens.expiresAt - skew) return tokens;
    const expired = this.now() >= tokens.expiresAt;
    if (!tokens.refreshToken) return expired ? undefined : tokens;
    try {
      return await this.refreshTokens(resource, tokens, opts.preRegistered);
    } catch (error) {
      // A refresh that failed for a transient reason still leaves a valid access token usable.
      if (!expired && !(error instanceof AuthRequiredError)) return tokens;
      throw error;
    }
  }

  /**
   * RFC 6749 §6 refresh, single-flight per resource (so rotation does not race), with the new
   * refresh token stored when the server rotates it. A refusal (invalid_grant…) deletes the tokens
   * and throws `AuthRequiredError`; a transient failure keeps them and rethrows.
   */
  private refreshTokens(resource: string, tokens: StoredTokens, preRegistered: PreRegisteredClient | undefined): Promise<StoredTokens> {
    const key = authKeys.tokens(tokens.issuer, resource);
    const running = this.refreshing.get(key);
    if (running) return running;
    const job = this.doRefresh(resource, tokens, preRegistered).finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, job);
    return job;
  }

  private async doRefresh(resource: string, tokens: StoredTokens, preRegistered: PreRegisteredClient | undefined): Promise<StoredTokens> {
    const refreshToken = tokens.refreshToken;
    if (!refreshToken) throw new AuthRequiredError(`${resource} requires sign-in.`, { resourceUrl: resource });
    const disc = await this.loadDiscovery(resource, undefined, undefined);
    if (disc.issuer !== tokens.issuer) {
      // The resource moved to another authorization server: its tokens must not be used there.
      await this.deleteTokens(resource, tokens.issuer);
      throw new AuthRequiredError(`${resource} now uses another authorization server; sign in again.`, { resourceUrl: resource });
    }
    const client = await this.clientForRefresh(tokens, preRegistered);
    if (!client) {
      throw new AuthRequiredError(`The client registration used to sign in to ${resource} is gone; sign in again.`, { resourceUrl: resource });
    }
    this.logger.info(`Refreshing the access token for ${resource}.`);
    let fresh: OAuthTokens;
    try {
      fresh = await refreshAuthorization(disc.issuer, {
        metadata: disc.authorizationServerMetadata,
        clientInformation: client,
        refreshToken,
        resource: disc.resourceIndicator,
        addClientAuthentication: this.clientAuthentication(client, disc.authorizationServerMetadata?.token_endpoint_auth_methods_supported),
        fetchFn: this.http.fetchFor('refresh', { noRedirects: true }),
      });
    } catch (error) {
      if (error instanceof OAuthError && error.errorCode === 'invalid_client' && tokens.clientSource === 'dynamic-registration') {
        // RFC 6749 §5.2 invalid_client: the server forgot the registration (an in-memory server that
        // restarted). Its tokens are of no use either; without the registration, the next sign-in
        // registers again instead of sending the browser to a client the server does not know.
        this.logger.warn(`The authorization server ${tokens.issuer} no longer knows the client ${tokens.clientId}; its registration and the tokens for ${resource} were deleted, and the next sign-in registers again.`);
        await this.deleteTokens(resource, tokens.issuer);
        const current = await readJson<StoredClient>(this.options.store, authKeys.client(tokens.issuer));
        if (current?.clientId === tokens.clientId) await this.options.store.delete(authKeys.client(tokens.issuer));
        throw new AuthRequiredError(`The authorization server no longer knows the client ${tokens.clientId} that signed in to ${resource}; sign in again (MCP Lens registers again).`, {
          resourceUrl: resource,
          error: error.errorCode,
        });
      }
      if (error instanceof OAuthError && !(error instanceof ServerError)) {
        this.logger.warn(`The authorization server refused to refresh the token for ${resource} (${error.errorCode}); a new sign-in is needed.`);
        await this.deleteTokens(resource, tokens.issuer);
        throw new AuthRequiredError(`The sign-in for ${resource} has expired or was revoked (${error.errorCode}); sign in again.`, {
          resourceUrl: resource,
          error: error.errorCode,
        });
      }
      this.logger.warn(`Refreshing the token for ${resource} failed: ${error instanceof Error ? safeText(error.message) : 'unknown error'}.`);
      throw error;
    }
    const stored = this.toStored(fresh, { ...tokens, obtainedAt: this.now() }, tokens.scope);
    await writeJson(this.options.store, authKeys.tokens(tokens.issuer, resource), stored);
    return stored;
  }

  private async clientForRefresh(tokens: StoredTokens, preRegistered: PreRegisteredClient | undefined): Promise<OAuthClientInformationMixed | undefined> {
    switch (tokens.clientSource) {
      case 'pre-registered':
        return preRegistered && preRegistered.clientId === tokens.clientId
          ? { client_id: preRegistered.clientId, ...(preRegistered.clientSecret ? { client_secret: preRegistered.clientSecret } : {}) }
          : undefined;
      case 'client-id-metadata-document':
        return { client_id: tokens.clientId };
      case 'dynamic-registration': {
        const stored = await readJson<StoredClient>(this.options.store, authKeys.client(tokens.issuer));
        return stored && stored.clientId === tokens.clientId ? this.clientInfo(stored) : undefined;
      }
      case 'client-credentials':
      case 'cross-app-access':
        // No refresh token is kept for these (the grant runs again instead) and their secret or key is not stored.
        return undefined;
    }
  }

  // ---------------------------------------------------------------- interactive sign-in

  /** One sign-in per resource at a time for `interactive` fetches; concurrent requests share it. */
  private signInOnce(resource: string, opts: SignInOptions): Promise<TokenInfo> {
    return this.once(resource, () => this.signIn(resource, opts));
  }

  private once(resource: string, start: () => Promise<TokenInfo>): Promise<TokenInfo> {
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
  private async bounded<T>(resource: string, callerSignal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULTS.timeoutMs;
    const timeout = new AbortController();
    const expire = () => timeout.abort(new OAuthFlowError('timeout', `The sign-in to ${resource} timed out after ${Math.round(timeoutMs / 1000)} s.`));
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
   * The interactive authorization code flow with PKCE (OAuth 2.1 §4.1): discovery, client identity,
   * browser, callback, token exchange. Rejects with `OAuthFlowError` (code says why); a cancel or
   * timeout leaves no listener behind.
   */
  async signIn(resourceUrl: string, opts: SignInOptions = {}): Promise<TokenInfo> {
    const resource = canonicalResource(resourceUrl);
    assertSecureUrl(resource, 'MCP server URL');
    return withFlowStepper(opts.stepper, opts.signal, () => this.bounded(resource, opts.signal, (signal) => this.runSignIn(resource, opts, signal)));
  }

  private async runSignIn(resource: string, opts: SignInOptions, signal: AbortSignal): Promise<TokenInfo> {
    const challenge = opts.challenge ?? this.lastChallenge.get(resource) ?? {};
    const disc = await this.loadDiscovery(resource, challenge.resourceMetadataUrl, signal, 'authorization_code', opts.rediscover);
    const scope = await this.selectScope(resource, disc, opts, challenge);
    const state = randomState();
    const serverName = opts.serverName ?? new URL(resource).host;
    this.logger.info(`Signing in to ${resource} with ${disc.issuer}${scope ? ` (scope "${scope}")` : ''}.`);

    let lastError: unknown;
    for (const strategy of this.options.redirectStrategies) {
      if (signal.aborted) break;
      const stored = opts.preRegistered ? undefined : await readJson<StoredClient>(this.options.store, authKeys.client(disc.issuer));
      const prepared = await strategy.prepare({ state, serverName, preferredRedirectUri: stored?.redirectUris[0] });
      try {
        let client: ClientChoice;
        try {
          client = await flowStep('registration', () => this.settleClient(resource, disc, prepared.redirectUri, opts.preRegistered, stored, scope, signal));
        } catch (error) {
          if (error instanceof OAuthFlowError && error.code === 'redirect-rejected') {
            this.logger.warn(`${strategy.name}: ${error.message} Trying the next redirect method.`);
            lastError = error;
            continue;
          }
          throw error;
        }
        return await this.authorize(resource, disc, client, prepared, { state, scope, serverName, signal });
      } finally {
        prepared.dispose();
      }
    }
    if (signal.aborted) throw cancelReason(signal);
    throw lastError instanceof Error ? lastError : new OAuthFlowError('redirect-rejected', 'No redirect method was accepted by the authorization server.');
  }

  /**
   * MCP authorization "Scope Selection Strategy": the challenge's scope, else the resource
   * metadata's `scopes_supported`, else none. A step-up keeps what was granted before. When a
   * scope is sent and the AS lists `offline_access`, it is added so a refresh token may be issued
   * (SEP-2207); it is never requested from a server that does not list it.
   */
  private async selectScope(
    resource: string,
    disc: DiscoveryState,
    opts: { scope?: string },
    challenge: AuthChallenge,
    offlineAccess = true,
  ): Promise<string | undefined> {
    let scopes = splitScope(opts.scope ?? challenge.scope ?? disc.resourceMetadata?.scopes_supported?.join(' '));
    if (challenge.error === 'insufficient_scope' || opts.scope) {
      const previous = await this.readTokens(resource);
      if (previous) scopes = [...new Set([...splitScope(previous.scope), ...scopes])];
    }
    if (scopes.length === 0) return undefined;
    const asScopes = disc.authorizationServerMetadata?.scopes_supported;
    if (offlineAccess && asScopes?.includes('offline_access') && !scopes.includes('offline_access')) scopes.push('offline_access');
    return scopes.join(' ');
  }

  /**
   * The client of this sign-in (`chooseClient`), checked with the authorization server before the
   * browser opens (./preflight.ts, RFC 6749 §4.1.2.1): a stored dynamic registration the server
   * has forgotten (an in-memory server that restarted) is dropped and registered again — once: the
   * new registration is not checked again, so this never loops. A pre-registered client the
   * server does not know fails at once with what to fix, instead of waiting for a callback that
   * never comes. A Client ID Metadata Document URL is not checked: the server would fetch our
   * document for nothing, and there is no registration to renew.
   */
  private async settleClient(
    resource: string,
    disc: DiscoveryState,
    redirectUri: string,
    preRegistered: PreRegisteredClient | undefined,
    stored: StoredClient | undefined,
    scope: string | undefined,
    signal: AbortSignal,
  ): Promise<ClientChoice> {
    const client = await this.chooseClient(disc, redirectUri, preRegistered, stored, scope, signal);
    if (client.registeredNow || (client.source !== 'dynamic-registration' && client.source !== 'pre-registered')) return client;
    const base = disc.authorizationServerMetadata ? disc.issuer : new URL(resource).origin;
    // A throw-away state and PKCE challenge: the real ones are made for the browser's request only.
    const { authorizationUrl } = await startAuthorization(base, {
      metadata: disc.authorizationServerMetadata,
      clientInformation: client.info,
      redirectUrl: redirectUri,
      scope,
      state: randomState(),
      resource: disc.resourceIndicator,
    });
    assertAuthorizationEndpoint(authorizationUrl.href);
    const answer = await preflightAuthorization(this.http, authorizationUrl, signal);
    const clientId = client.info.client_id;
    if (answer.verdict === 'unclear') {
      this.logger.debug(`The authorization endpoint's answer to a check of the client ${clientId} says nothing about it (${answer.reason}); continuing.`);
    }
    if (answer.verdict !== 'forgotten') return client;
    if (client.source === 'pre-registered') {
      throw new OAuthFlowError(
        'unknown-client',
        `The authorization server ${disc.issuer} does not know the client id "${safeText(clientId, 200)}" (its authorization endpoint answered HTTP ${answer.status}: ${safeText(answer.reason)}). ` +
          `Check the client id in the connection's settings: it must be registered there with the redirect URI ${redirectUri}. Or remove it to let MCP Lens register itself, if the server allows that.`,
      );
    }
    this.logger.warn(`The authorization server ${disc.issuer} no longer knows the client ${clientId} (HTTP ${answer.status}: ${safeText(answer.reason)}); registering again.`);
    await this.options.store.delete(authKeys.client(disc.issuer));
    const again = await this.chooseClient(disc, redirectUri, undefined, undefined, scope, signal);
    this.logger.info(`The authorization server ${disc.issuer} no longer knew the client ${clientId}; registered again as ${again.info.client_id}.`);
    return { ...again, forgottenClientId: clientId };
  }

  /**
   * MCP authorization "Client Registration Approaches", in order: pre-registered credentials,
   * a Client ID Metadata Document when advertised, a stored registration for this issuer that
   * lists this redirect URI, else dynamic client registration (RFC 7591).
   */
  private async chooseClient(
    disc: DiscoveryState,
    redirectUri: string,
    preRegistered: PreRegisteredClient | undefined,
    stored: StoredClient | undefined,
    scope: string | undefined,
    signal: AbortSignal,
  ): Promise<ClientChoice> {
    if (preRegistered) {
      return {
        info: { client_id: preRegistered.clientId, ...(preRegistered.clientSecret ? { client_secret: preRegistered.clientSecret } : {}) },
        source: 'pre-registered',
      };
    }
    const metadata = disc.authorizationServerMetadata;
    if (this.options.cimdUrl && metadata?.client_id_metadata_document_supported === true) {
      return { info: { client_id: this.options.cimdUrl }, source: 'client-id-metadata-document' };
    }
    const secretExpired = (c: StoredClient) => !!c.clientSecretExpiresAt && c.clientSecretExpiresAt * 1000 <= this.now();
    if (stored && stored.redirectUris.includes(redirectUri) && !secretExpired(stored)) {
      return { info: this.clientInfo(stored), source: 'dynamic-registration' };
    }
    const registration = endpoints(disc).registration;
    if (!registration) {
      throw new OAuthFlowError(
        'no-client',
        `${disc.issuer} does not offer dynamic client registration. Register a client there with the redirect URI ${redirectUri} and enter its client id (and secret) in the connection's settings.`,
      );
    }
    const registered = await this.register(disc, registration, redirectUri, scope, signal);
    await writeJson(this.options.store, authKeys.client(disc.issuer), registered);
    return { info: this.clientInfo(registered), source: 'dynamic-registration', registeredNow: true };
  }

  private clientInfo(stored: StoredClient): OAuthClientInformationMixed {
    return {
      client_id: stored.clientId,
      ...(stored.clientSecret ? { client_secret: stored.clientSecret } : {}),
      ...(stored.tokenEndpointAuthMethod ? { token_endpoint_auth_method: stored.tokenEndpointAuthMethod } : {}),
      redirect_uris: stored.redirectUris,
    };
  }

  /** RFC 7591 §3.1, as a public native client (2026: `application_type: "native"` for loopback). */
  private async register(disc: DiscoveryState, endpoint: string, redirectUri: string, scope: string | undefined, signal: AbortSignal): Promise<StoredClient> {
    assertSecureUrl(endpoint, 'registration endpoint');
    const redirect = new URL(redirectUri);
    const native = isLoopbackUrl(redirect) || !['http:', 'https:'].includes(redirect.protocol);
    const body = {
      client_name: this.options.clientName ?? DEFAULTS.clientName,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...(native ? { application_type: 'native' } : {}),
      ...(scope ? { scope } : {}),
    };
    this.logger.info(`Registering MCP Lens with ${disc.issuer} (redirect URI ${redirectUri}).`);
    const response = await this.http.fetchFor('registration', { signal, noRedirects: true })(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const err = json && typeof json === 'object' ? (json as { error?: unknown; error_description?: unknown }) : {};
      const code = typeof err.error === 'string' ? err.error : `HTTP ${response.status}`;
      const description = typeof err.error_description === 'string' ? `: ${safeText(err.error_description)}` : '';
      throw new OAuthFlowError(
        code === 'invalid_redirect_uri' ? 'redirect-rejected' : 'registration-failed',
        `The authorization server refused the client registration (${safeText(code, 80)}${description}).`,
      );
    }
    const parsed = OAuthClientInformationFullSchema.safeParse(json);
    if (!parsed.success) throw new OAuthFlowError('registration-failed', 'The registration response is not a valid client information document.');
    const info = parsed.data;
    return {
      issuer: disc.issuer,
      clientId: info.client_id,
      clientSecret: info.client_secret,
      clientSecretExpiresAt: info.client_secret_expires_at,
      redirectUris: info.redirect_uris?.length ? info.redirect_uris : [redirectUri],
      tokenEndpointAuthMethod: info.token_endpoint_auth_method,
      registeredAt: this.now(),
    };
  }

  private async authorize(
    resource: string,
    disc: DiscoveryState,
    client: ClientChoice,
    prepared: PreparedRedirect,
    flow: { state: string; scope: string | undefined; serverName: string; signal: AbortSignal },
  ): Promise<TokenInfo> {
    const metadata = disc.authorizationServerMetadata as (AuthorizationServerMetadata & { authorization_response_iss_parameter_supported?: boolean }) | undefined;
    const base = disc.authorizationServerMetadata ? disc.issuer : new URL(resource).origin;
    const { authorizationUrl, codeVerifier } = await flowStep('authorization', async () => {
      const started = await startAuthorization(base, {
        metadata,
        clientInformation: client.info,
        redirectUrl: prepared.redirectUri,
        scope: flow.scope,
        state: flow.state,
        resource: disc.resourceIndicator,
      });
      assertAuthorizationEndpoint(started.authorizationUrl.href);
      this.emitBrowserStep('authorization', started.authorizationUrl.href);
      return started;
    });

    const { code } = await flowStep('callback', async () => {
      // The listener is ready (prepare() resolved); only now is the browser opened.
      this.logger.info(`Opening the browser for ${flow.serverName}: ${maskUrl(authorizationUrl)}`);
      const callback = prepared.waitForCallback(flow.signal);
      const opening = this.options.openBrowser(authorizationUrl.href);
      opening.catch(() => undefined);
      let params: URLSearchParams;
      try {
        params = await Promise.race([
          callback,
          opening.then(
            () => callback,
            (error: unknown) => {
              throw new OAuthFlowError('browser-failed', `Could not open the browser: ${error instanceof Error ? safeText(error.message) : 'unknown error'}.`, { cause: error });
            },
          ),
        ]);
      } catch (error) {
        callback.catch(() => undefined);
        throw error;
      }
      const callbackUrl = new URL(prepared.redirectUri);
      callbackUrl.search = params.toString();
      this.emitBrowserStep('callback', callbackUrl.href);
      let checked: string;
      try {
        checked = this.checkCallback(params, disc, metadata, flow.state);
      } catch (error) {
        prepared.complete?.({ ok: false, message: error instanceof Error ? error.message : 'The sign-in failed.' });
        throw error;
      }
      return { params, expectedIssuer: metadata?.issuer ?? disc.issuer, issRequired: metadata?.authorization_response_iss_parameter_supported === true, code: checked };
    });

    try {
      const tokens = await flowStep('token', () => this.exchange(resource, disc, client, code, codeVerifier, prepared.redirectUri, flow.signal));
      const stored = this.toStored(
        tokens,
        { issuer: disc.issuer, resource, clientId: client.info.client_id, clientSource: client.source, obtainedAt: this.now() },
        flow.scope,
      );
      await writeJson(this.options.store, authKeys.tokens(disc.issuer, resource), stored);
      this.lastChallenge.delete(resource);
      prepared.complete?.({ ok: true });
      this.logger.info(`Signed in to ${resource}.`);
      return this.toInfo(stored);
    } catch (error) {
      prepared.complete?.({ ok: false, message: error instanceof Error ? error.message : 'The sign-in failed.' });
      throw error;
    }
  }

  /**
   * RFC 6749 §4.1.2 / §10.12 state, RFC 9207 `iss` (compared exactly; required when the AS says it
   * sends it). On an `iss` mismatch the response's error text is not shown: it may come from an
   * attacker's server (mix-up attack, RFC 9207 §2.4).
   */
  private checkCallback(
    params: URLSearchParams,
    disc: DiscoveryState,
    metadata: (AuthorizationServerMetadata & { authorization_response_iss_parameter_supported?: boolean }) | undefined,
    state: string,
  ): string {
    if (params.get('state') !== state) {
      throw new OAuthFlowError('state-mismatch', 'The authorization response had a missing or unexpected state parameter; it was rejected (RFC 6749 §10.12).');
    }
    const iss = params.get('iss');
    const expectedIss = metadata?.issuer ?? disc.issuer;
    if (iss !== null && iss !== expectedIss) {
      throw new OAuthFlowError('iss-mismatch', `The authorization response came from "${safeText(iss, 200)}", not from ${expectedIss}; it was rejected (RFC 9207).`);
    }
    if (iss === null && metadata?.authorization_response_iss_parameter_supported === true) {
      throw new OAuthFlowError('iss-mismatch', `The authorization response lacks the iss parameter that ${expectedIss} promises to send; it was rejected (RFC 9207 §2.4).`);
    }
    const error = params.get('error');
    if (error !== null) {
      const description = params.get('error_description');
      throw new OAuthFlowError(
        'authorization-denied',
        `The authorization server did not authorize MCP Lens: ${safeText(error, 80)}${description ? ` — ${safeText(description)}` : ''}.`,
      );
    }
    const code = params.get('code');
    if (!code) throw new OAuthFlowError('invalid-callback', 'The authorization response has no code.');
    return code;
  }

  private async exchange(
    resource: string,
    disc: DiscoveryState,
    client: ClientChoice,
    code: string,
    codeVerifier: string,
    redirectUri: string,
    signal: AbortSignal,
  ): Promise<OAuthTokens> {
    const base = disc.authorizationServerMetadata ? disc.issuer : new URL(resource).origin;
    assertSecureUrl(endpoints(disc).token, 'token endpoint');
    let tokens: OAuthTokens;
    try {
      tokens = await exchangeAuthorization(base, {
        metadata: disc.authorizationServerMetadata,
        clientInformation: client.info,
        authorizationCode: code,
        codeVerifier,
        redirectUri,
        resource: disc.resourceIndicator,
        addClientAuthentication: this.clientAuthentication(client.info, disc.authorizationServerMetadata?.token_endpoint_auth_methods_supported),
        fetchFn: this.http.fetchFor('token', { signal, noRedirects: true }),
      });
    } catch (error) {
      if (error instanceof OAuthFlowError) throw error;
      if (error instanceof OAuthError) {
        const refused = `The token request was refused (${error.errorCode}${error.message ? `: ${safeText(error.message)}` : ''}).`;
        if (error.errorCode === 'invalid_client' && client.source === 'dynamic-registration') {
          // RFC 6749 §5.2 invalid_client: the registration is no longer known to the server. The code
          // is bound to that client, so this sign-in cannot continue; forget the registration so the
          // next sign-in registers again.
          await this.options.store.delete(authKeys.client(disc.issuer));
          this.logger.warn(`The authorization server ${disc.issuer} no longer knows the client ${client.info.client_id}; its registration was deleted.`);
          throw new OAuthFlowError(
            'unknown-client',
            `${refused} The authorization server no longer knows the client ${safeText(client.info.client_id, 200)}; its registration was deleted, so signing in again registers MCP Lens anew.`,
            { cause: error },
          );
        }
        if (error.errorCode === 'invalid_client' && client.source === 'pre-registered') {
          throw new OAuthFlowError(
            'unknown-client',
            `${refused} Check the client id (${safeText(client.info.client_id, 200)}) and its secret in the connection's settings.`,
            { cause: error },
          );
        }
        throw new OAuthFlowError('token-request-failed', refused, { cause: error });
      }
      throw new OAuthFlowError('token-request-failed', `The token request failed: ${error instanceof Error ? safeText(error.message) : 'unknown error'}.`, { cause: error });
    }
    if (tokens.token_type.toLowerCase() !== 'bearer') {
      throw new OAuthFlowError('token-request-failed', `The authorization server issued a "${safeText(tokens.token_type, 40)}" token; MCP uses Bearer tokens.`);
    }
    return tokens;
  }

  private toStored(tokens: OAuthTokens, base: Omit<StoredTokens, 'accessToken' | 'tokenType'> | StoredTokens, requestedScope: string | undefined): StoredTokens {
    const obtainedAt = base.obtainedAt;
    return {
      issuer: base.issuer,
      resource: base.resource,
      clientId: base.clientId,
      clientSource: base.clientSource,
      obtainedAt,
      accessToken: tokens.access_token,
      tokenType: tokens.token_type,
      refreshToken: tokens.refresh_token ?? ('refreshToken' in base ? base.refreshToken : undefined),
      // RFC 6749 §5.1: when `scope` is omitted, it is the scope that was requested.
      scope: tokens.scope ?? requestedScope,
      expiresAt: tokens.expires_in !== undefined ? obtainedAt + tokens.expires_in * 1000 : undefined,
    };
  }

  private toInfo(tokens: StoredTokens): TokenInfo {
    return {
      issuer: tokens.issuer,
      resource: tokens.resource,
      clientId: tokens.clientId,
      scopes: splitScope(tokens.scope),
      obtainedAt: tokens.obtainedAt,
      ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
      hasRefreshToken: !!tokens.refreshToken,
    };
  }

  private emitBrowserStep(step: 'authorization' | 'callback', url: string): void {
    this.observe({ step, request: { method: 'GET', url: maskUrl(url), headers: {} }, durationMs: 0 });
  }


  // ---------------------------------------------------------------- grants without a browser

  /**
   * The client credentials grant (RFC 6749 §4.4; MCP extension SEP-1046): discovery and its
   * checks as for a browser sign-in (resource, issuer, https), then one token request with the
   * client's own authentication (`client_secret_basic`, `client_secret_post` or `private_key_jwt`).
   */
  signInWithClientCredentials(resourceUrl: string, client: ClientCredentials, opts: MachineSignInOptions = {}): Promise<TokenInfo> {
    return this.signInWithGrant(resourceUrl, { type: 'client_credentials', client }, opts);
  }

  /**
   * Cross-app access (MCP extension SEP-990, draft-ietf-oauth-identity-assertion-authz-grant): the
   * IdP's ID token is exchanged at the IdP for an ID-JAG (RFC 8693), which the MCP server's
   * authorization server takes as a JWT bearer grant (RFC 7523 §2.1).
   */
  signInWithCrossAppAccess(
    resourceUrl: string,
    grant: Omit<Extract<MachineGrant, { type: 'cross_app_access' }>, 'type'>,
    opts: MachineSignInOptions = {},
  ): Promise<TokenInfo> {
    return this.signInWithGrant(resourceUrl, { type: 'cross_app_access', ...grant }, opts);
  }

  /**
   * Obtains and stores tokens for a resource with a grant that needs no browser. Rejects with
   * `OAuthFlowError`; nothing of the client's secret, key or the user's ID token is stored,
   * logged or put into an exchange. No refresh token is kept: the grant itself runs again when
   * the access token expires, which needs no person either.
   */
  async signInWithGrant(resourceUrl: string, grant: MachineGrant, opts: MachineSignInOptions = {}): Promise<TokenInfo> {
    const resource = canonicalResource(resourceUrl);
    assertSecureUrl(resource, 'MCP server URL');
    // Credentials that cannot work are refused before any request.
    const signingKey = validateClientCredentials(grant.client);
    const idpSigningKey = grant.type === 'cross_app_access' ? validateClientCredentials(grant.identityProvider.client) : undefined;
    return this.bounded(resource, opts.signal, (signal) => this.runGrant(resource, grant, signingKey, idpSigningKey, opts, signal));
  }

  private async runGrant(
    resource: string,
    grant: MachineGrant,
    signingKey: SigningKey | undefined,
    idpSigningKey: SigningKey | undefined,
    opts: MachineSignInOptions,
    signal: AbortSignal,
  ): Promise<TokenInfo> {
    const challenge = opts.challenge ?? this.lastChallenge.get(resource) ?? {};
    const disc = await this.loadDiscovery(resource, challenge.resourceMetadataUrl, signal, 'machine');
    const metadata = disc.authorizationServerMetadata as MachineMetadata | undefined;
    const grantType = grant.type === 'client_credentials' ? GRANT.clientCredentials : GRANT.jwtBearer;
    // RFC 8414 §2: an AS that lists its grant types and leaves this one out would refuse it; say so before sending credentials.
    const grantTypes = metadata?.grant_types_supported;
    if (grantTypes && !grantTypes.includes(grantType)) {
      throw new OAuthFlowError('unsupported-server', `The authorization server ${disc.issuer} does not offer the ${grantType} grant (it lists: ${grantTypes.join(', ') || 'nothing'}).`);
    }
    const scope = await this.selectScope(resource, disc, { scope: opts.scope ?? grant.scope }, challenge, false);
    const tokenEndpoint = endpoints(disc).token;
    assertSecureUrl(tokenEndpoint, 'token endpoint');
    const method = selectTokenEndpointAuthMethod(grant.client, metadata?.token_endpoint_auth_methods_supported, { allowPublic: grant.type === 'cross_app_access' });
    if (method === 'private_key_jwt' && signingKey) checkSigningAlgorithm(metadata, signingKey);
    // RFC 7523 §3: the assertion's audience identifies the AS — its issuer, or the token endpoint without metadata.
    const audience = metadata?.issuer ?? tokenEndpoint;

    const params = new URLSearchParams({ grant_type: grantType });
    if (grant.type === 'cross_app_access') {
      this.logger.info(`Exchanging the identity provider's ID token for an identity assertion grant for ${resource}.`);
      params.set('assertion', await this.exchangeForIdJag(disc, grant.identityProvider, idpSigningKey, audience, scope, signal));
    }
    if (scope) params.set('scope', scope);
    params.set('resource', disc.resourceIndicator);
    this.logger.info(`Requesting a token for ${resource} from ${disc.issuer} (${grantType}, ${method}${scope ? `, scope "${scope}"` : ''}).`);
    const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
    await applyClientAuthentication(method, grant.client, signingKey, headers, params, audience, this.now());
    const tokens = await this.postTokenRequest('token', tokenEndpoint, headers, params, signal, grant.client.clientId);
    const stored = this.toStored(
      { ...tokens, refresh_token: undefined },
      { issuer: disc.issuer, resource, clientId: grant.client.clientId, clientSource: grantSource(grant), obtainedAt: this.now() },
      scope,
    );
    await writeJson(this.options.store, authKeys.tokens(disc.issuer, resource), stored);
    this.lastChallenge.delete(resource);
    this.logger.info(`Signed in to ${resource} as the client ${grant.client.clientId}.`);
    return this.toInfo(stored);
  }

  /**
   * RFC 8693 token exchange at the IdP (draft-ietf-oauth-identity-assertion-authz-grant §4.3):
   * the ID token as subject, an ID-JAG requested for the MCP server's authorization server
   * (`audience`, its issuer) and resource. The IdP's answer must say it issued an ID-JAG.
   */
  private async exchangeForIdJag(
    disc: DiscoveryState,
    idp: Extract<MachineGrant, { type: 'cross_app_access' }>['identityProvider'],
    idpSigningKey: SigningKey | undefined,
    audience: string,
    scope: string | undefined,
    signal: AbortSignal,
  ): Promise<string> {
    let endpoint = idp.tokenEndpoint;
    let idpMetadata: MachineMetadata | undefined;
    if (!endpoint) {
      if (!idp.issuer) throw new OAuthFlowError('token-exchange-failed', "The identity provider's token endpoint or issuer is needed for cross-app access.");
      const found = await discoverAuthorizationServer(this.http, idp.issuer, true, signal, 'machine');
      if (!found) throw new OAuthFlowError('token-exchange-failed', `The identity provider ${idp.issuer} publishes no metadata, so its token endpoint is unknown.`);
      idpMetadata = found.metadata;
      endpoint = found.metadata.token_endpoint;
    }
    assertSecureUrl(endpoint, "identity provider's token endpoint");
    const method = selectTokenEndpointAuthMethod(idp.client, idpMetadata?.token_endpoint_auth_methods_supported, { allowPublic: true });
    if (method === 'private_key_jwt' && idpSigningKey) checkSigningAlgorithm(idpMetadata, idpSigningKey);
    const params = new URLSearchParams({
      grant_type: GRANT.tokenExchange,
      requested_token_type: GRANT.idJag,
      audience,
      resource: disc.resourceIndicator,
      subject_token: idp.idToken,
      subject_token_type: GRANT.idToken,
    });
    if (scope) params.set('scope', scope);
    const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
    await applyClientAuthentication(method, idp.client, idpSigningKey, headers, params, idpMetadata?.issuer ?? idp.issuer ?? endpoint, this.now());
    const response = await this.http.fetchFor('token-exchange', { signal, noRedirects: true })(endpoint, { method: 'POST', headers, body: params });
    if (!response.ok) {
      const error = await parseErrorResponse(response);
      throw new OAuthFlowError('token-exchange-failed', `The identity provider refused the token exchange (${describeOAuthError(error)}).`, { cause: error });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new OAuthFlowError('token-exchange-failed', "The identity provider's token exchange answer is not JSON.");
    }
    const answer = (body && typeof body === 'object' ? body : {}) as { access_token?: unknown; issued_token_type?: unknown };
    // RFC 8693 §2.2.1: issued_token_type is required; anything but an ID-JAG is not what was asked for.
    if (answer.issued_token_type !== GRANT.idJag) {
      throw new OAuthFlowError(
        'token-exchange-failed',
        `The identity provider issued "${safeText(String(answer.issued_token_type ?? 'nothing'), 100)}", not an identity assertion grant (${GRANT.idJag}).`,
      );
    }
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      throw new OAuthFlowError('token-exchange-failed', 'The identity provider answered the token exchange without a token.');
    }
    return answer.access_token;
  }

  /** POSTs a token request (redirects refused, RFC 9700 §4.11) and parses the answer (RFC 6749 §5.1/§5.2). */
  private async postTokenRequest(step: AuthStep, endpoint: string, headers: Headers, params: URLSearchParams, signal: AbortSignal, clientId: string): Promise<OAuthTokens> {
    const response = await this.http.fetchFor(step, { signal, noRedirects: true })(endpoint, { method: 'POST', headers, body: params });
    if (!response.ok) {
      const error = await parseErrorResponse(response);
      const hint = error.errorCode === 'invalid_client' ? ` Check the client id (${safeText(clientId, 100)}) and its secret or key.` : '';
      throw new OAuthFlowError('token-request-failed', `The token request was refused (${describeOAuthError(error)}).${hint}`, { cause: error });
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new OAuthFlowError('token-request-failed', 'The token endpoint answered with something that is not JSON.');
    }
    const parsed = OAuthTokensSchema.safeParse(json);
    if (!parsed.success) throw new OAuthFlowError('token-request-failed', `The token response is not valid: ${describeZod(parsed.error)}`);
    if (parsed.data.token_type.toLowerCase() !== 'bearer') {
      throw new OAuthFlowError('token-request-failed', `The authorization server issued a "${safeText(parsed.data.token_type, 40)}" token; MCP uses Bearer tokens.`);
    }
    return parsed.data;
  }

  // ---------------------------------------------------------------- discovery cache

  /**
   * Cached discovery while fresh (a second connect asks nothing), else discovery again. A
   * challenge naming another `resource_metadata` URL than the cached one forces a new discovery.
   */
  private async loadDiscovery(
    resource: string,
    resourceMetadataUrl: string | undefined,
    signal: AbortSignal | undefined,
    purpose: DiscoveryPurpose = 'authorization_code',
    rediscover = false,
  ): Promise<DiscoveryState> {
    const cached = rediscover ? undefined : await readJson<DiscoveryState>(this.options.store, authKeys.discovery(resource));
    const ttl = this.options.discoveryTtlMs ?? DEFAULTS.discoveryTtlMs;
    const fresh = cached && this.now() - cached.fetchedAt < ttl;
    const sameMetadata = !resourceMetadataUrl || resourceMetadataUrl === cached?.resourceMetadataUrl;
    // Metadata checked only for the grants without a browser has not been checked for PKCE.
    const checkedEnough = purpose === 'machine' || cached?.checkedFor !== 'machine';
    if (cached && fresh && sameMetadata && checkedEnough) return cached;
    this.logger.info(`Discovering the authorization server of ${resource}.`);
    const state = await discover(this.http, resource, resourceMetadataUrl, this.now(), signal, purpose);
    await writeJson(this.options.store, authKeys.discovery(resource), state);
    return state;
  }

  // ---------------------------------------------------------------- tokens, status, sign-out

  private async readTokens(resource: string): Promise<StoredTokens | undefined> {
    const disc = await readJson<DiscoveryState>(this.options.store, authKeys.discovery(resource));
    if (!disc) return undefined;
    const tokens = await readJson<StoredTokens>(this.options.store, authKeys.tokens(disc.issuer, resource));
    // Bound to issuer and resource by key, and checked again: never present a token elsewhere.
    return tokens && tokens.issuer === disc.issuer && tokens.resource === resource ? tokens : undefined;
  }

  private async deleteTokens(resource: string, issuer?: string): Promise<void> {
    const iss = issuer ?? (await readJson<DiscoveryState>(this.options.store, authKeys.discovery(resource)))?.issuer;
    if (iss) await this.options.store.delete(authKeys.tokens(iss, resource));
  }

  /** `signed-in` also while the access token expired but a refresh token can renew it silently. */
  async status(resourceUrl: string): Promise<AuthStatus> {
    const resource = canonicalResource(resourceUrl);
    const tokens = await this.readTokens(resource);
    if (!tokens) return { state: 'none' };
    const expired = tokens.expiresAt !== undefined && this.now() >= tokens.expiresAt;
    return {
      state: expired && !tokens.refreshToken ? 'expired' : 'signed-in',
      issuer: tokens.issuer,
      clientId: tokens.clientId,
      scopes: splitScope(tokens.scope),
      ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
    };
  }

  /**
   * Refreshes the access token now (RFC 6749 §6), whatever its expiry: the token vault's
   * "Refresh now". The same single-flight refresh as before expiry; a refusal deletes the tokens
   * and throws `AuthRequiredError`.
   */
  async refreshNow(resourceUrl: string, opts: { preRegistered?: PreRegisteredClient } = {}): Promise<TokenInfo> {
    const resource = canonicalResource(resourceUrl);
    const tokens = await this.readTokens(resource);
    if (!tokens) throw new AuthRequiredError(`${resource} requires sign-in.`, { resourceUrl: resource });
    if (!tokens.refreshToken) {
      throw new OAuthFlowError('token-request-failed', `The authorization server issued no refresh token for ${resource}; sign in again to get a new access token.`);
    }
    return this.toInfo(await this.refreshTokens(resource, tokens, opts.preRegistered));
  }

  /**
   * Revokes the tokens (RFC 7009) when the server offers `revocation_endpoint` — the refresh token
   * first, as that also ends the grant on most servers — then deletes them locally, whatever the
   * server answered.
   */
  async signOut(resourceUrl: string, opts: { preRegistered?: PreRegisteredClient; grant?: MachineGrant } = {}): Promise<void> {
    const resource = canonicalResource(resourceUrl);
    const tokens = await this.readTokens(resource);
    this.lastChallenge.delete(resource);
    if (!tokens) return;
    try {
      const disc = await readJson<DiscoveryState>(this.options.store, authKeys.discovery(resource));
      const revocation = disc ? endpoints(disc).revocation : undefined;
      const authenticate = await this.revocationAuthentication(tokens, disc, opts);
      if (disc && revocation && authenticate) {
        assertSecureUrl(revocation, 'revocation endpoint');
        const toRevoke: [string, string][] = [];
        if (tokens.refreshToken) toRevoke.push([tokens.refreshToken, 'refresh_token']);
        toRevoke.push([tokens.accessToken, 'access_token']);
        for (const [token, hint] of toRevoke) await this.revoke(revocation, authenticate, token, hint);
      }
    } catch (error) {
      this.logger.warn(`Revoking the tokens of ${resource} failed (${error instanceof Error ? safeText(error.message) : 'unknown error'}); they are deleted locally.`);
    } finally {
      await this.options.store.delete(authKeys.tokens(tokens.issuer, resource));
    }
    this.logger.info(`Signed out of ${resource}.`);
  }

  /**
   * How the client authenticates at the revocation endpoint (RFC 7009 §2.1: as at the token
   * endpoint): the stored or pre-registered client, or — for the grants without a browser — the
   * caller's credentials for the same client. `undefined` when nothing can authenticate.
   */
  private async revocationAuthentication(
    tokens: StoredTokens,
    disc: DiscoveryState | undefined,
    opts: { preRegistered?: PreRegisteredClient; grant?: MachineGrant },
  ): Promise<((headers: Headers, params: URLSearchParams) => Promise<void>) | undefined> {
    const m = disc?.authorizationServerMetadata as (AuthorizationServerMetadata & { revocation_endpoint_auth_methods_supported?: string[] }) | undefined;
    const listed = m?.revocation_endpoint_auth_methods_supported ?? m?.token_endpoint_auth_methods_supported;
    if (tokens.clientSource === 'client-credentials' || tokens.clientSource === 'cross-app-access') {
      const credentials = opts.grant?.client;
      if (!credentials || credentials.clientId !== tokens.clientId || !disc) return undefined;
      const signingKey = validateClientCredentials(credentials);
      const method = selectTokenEndpointAuthMethod(credentials, listed, { allowPublic: true });
      const audience = m?.issuer ?? endpoints(disc).token;
      return (headers, params) => applyClientAuthentication(method, credentials, signingKey, headers, params, audience, this.now());
    }
    const client = await this.clientForRefresh(tokens, opts.preRegistered);
    if (!client) return undefined;
    return this.clientAuthentication(client, listed);
  }

  /**
   * How the client of a browser sign-in (stored, pre-registered or a metadata document URL)
   * authenticates at the token and revocation endpoints: the method the SDK would choose for it
   * (its registration's method, else what the server lists, Basic first), applied by
   * ./clientAuth.ts like the grants without a browser — one implementation for every request, which
   * form-encodes the id and the secret before Basic's base64 (RFC 6749 §2.3.1).
   */
  private clientAuthentication(client: OAuthClientInformationMixed, listed: string[] | undefined): (headers: Headers, params: URLSearchParams) => Promise<void> {
    const chosen = selectClientAuthMethod(client, listed ?? []);
    const method: ClientAuthMethod = (chosen === 'client_secret_basic' || chosen === 'client_secret_post') && client.client_secret ? chosen : 'none';
    const credentials: ClientCredentials = { clientId: client.client_id, ...(client.client_secret ? { clientSecret: client.client_secret } : {}) };
    return (headers, params) => applyClientAuthentication(method, credentials, undefined, headers, params, client.client_id, this.now());
  }

  private async revoke(endpoint: string, authenticate: (headers: Headers, params: URLSearchParams) => Promise<void>, token: string, hint: string): Promise<void> {
    const params = new URLSearchParams({ token, token_type_hint: hint });
    const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
    await authenticate(headers, params);
    const response = await this.http.fetchFor('revocation', { noRedirects: true })(endpoint, { method: 'POST', headers, body: params });
    await response.body?.cancel();
    if (!response.ok) {
      this.logger.warn(`The revocation endpoint answered HTTP ${response.status} for the ${hint.replace('_', ' ')}.`);
    }
  }

  /** Deletes the client registration for the resource's authorization server, and the resource's tokens issued to it. */
  async forgetClientRegistration(resourceUrl: string): Promise<void> {
    const resource = canonicalResource(resourceUrl);
    const disc = await readJson<DiscoveryState>(this.options.store, authKeys.discovery(resource));
    if (!disc) return;
    await this.options.store.delete(authKeys.client(disc.issuer));
    await this.options.store.delete(authKeys.tokens(disc.issuer, resource));
    this.logger.info(`Forgot the client registration with ${disc.issuer}.`);
  }
}
