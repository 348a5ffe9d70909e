/**
 * The resource side: the fetch the MCP transports use, which presents the Bearer token (RFC 6750
 * §2.1, header only, own origin only), refreshes it, reads 401/403 challenges (RFC 6750 §3,
 * RFC 9728 §5.1) and signs in again when allowed.
 */
import { AuthRequiredError } from '../errors.js';
import { signInOnce } from './authorizationCode.js';
import { DEFAULTS, safeText, type EngineContext } from './context.js';
import { recordMcpExchange } from './flowSteps.js';
import { grantSource, signInWithGrant } from './machineGrants.js';
import { deleteTokens, readTokens, refreshTokens } from './tokens.js';
import type { AuthChallenge, FetchLike, MachineGrant, PreRegisteredClient, StoredTokens, TokenInfo } from './types.js';
import { canonicalResource } from './urls.js';

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
  /** Called with each interactive sign-in this fetch waits for (a request timeout must not count it). */
  onSignIn?: (signIn: Promise<TokenInfo>) => void;
}

/**
 * A fetch for the MCP transports of one server. It adds the Bearer token (header only, and only
 * to the server's own origin: MCP authorization "Token Audience Binding"), refreshes it before
 * expiry and once on a 401, and throws `AuthRequiredError` when only a browser sign-in can help
 * (no token, refresh refused, or a 403 `insufficient_scope` step-up).
 */
export function authorizedFetch(ctx: EngineContext, resourceUrl: string, opts: AuthorizedFetchOptions = {}): FetchLike {
  const resource = canonicalResource(resourceUrl);
  const max = ctx.options.maxAuthorizationsPerRequest ?? DEFAULTS.maxAuthorizations;
  return async (input, init) => {
    let authorizations = 0;
    for (;;) {
      try {
        return await sendAuthorized(ctx, resource, input, init, opts);
      } catch (error) {
        if (!(error instanceof AuthRequiredError)) throw error;
        if (!opts.interactive && !opts.grant) throw reportAuthRequired(error, opts);
        if (authorizations >= max) {
          throw reportAuthRequired(
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
          await ctx.once(resource, () =>
            signInWithGrant(ctx, resource, opts.grant!, { signal: opts.signal, challenge: error.details, scope }),
          );
          continue;
        }
        const signIn = signInOnce(ctx, resource, {
          signal: opts.signal,
          preRegistered: opts.preRegistered,
          serverName: opts.serverName,
          challenge: error.details,
          scope,
          // A step-up within this request: the client just obtained a token, so it is known. Checking it
          // again would only add requests to /authorize, which count as sign-in attempts (retry limits).
          checkClient: authorizations === 1,
        });
        opts.onSignIn?.(signIn);
        await signIn;
      }
    }
  };
}

function reportAuthRequired(error: AuthRequiredError, opts: AuthorizedFetchOptions): AuthRequiredError {
  try {
    opts.onAuthRequired?.(error);
  } catch {
    // a faulty observer must not replace the error
  }
  return error;
}

async function sendAuthorized(
  ctx: EngineContext,
  resource: string,
  input: string | URL,
  init: RequestInit | undefined,
  opts: AuthorizedFetchOptions,
): Promise<Response> {
  const url = typeof input === 'string' ? input : input.href;
  const ours = new URL(url).origin === new URL(resource).origin;
  let tokens = ours ? await usableTokens(ctx, resource, opts) : undefined;
  let response = await sendWithToken(ctx, url, init, tokens?.accessToken);
  if (!ours) return response;

  if (response.status === 401) {
    // The resource may have moved to another authorization server (MCP 2026-07-28, SEP-2352):
    // ask it first, so that neither a refresh nor a sign-in goes to the server it left.
    const refused = parseBearerChallenge(response.headers.get('www-authenticate'));
    const issuer = await ctx.revalidateIssuer(resource, refused.resourceMetadataUrl, opts.signal);
    if (tokens && issuer !== undefined && issuer !== tokens.issuer) {
      ctx.logger.info(
        `${resource} now uses the authorization server ${issuer}; the tokens from ${tokens.issuer} stay unused.`,
      );
      // Tokens already held from the new server (a resource that moved back) are used as they are.
      tokens = await usableTokens(ctx, resource, opts);
      if (tokens) {
        await response.body?.cancel();
        response = await sendWithToken(ctx, url, init, tokens.accessToken);
      }
    } else if (tokens?.refreshToken) {
      // RFC 6750 §3.1 invalid_token: the access token was revoked or expired early. Refresh once and retry.
      const refreshed = await refreshTokens(ctx, resource, tokens, opts.preRegistered);
      await response.body?.cancel();
      response = await sendWithToken(ctx, url, init, refreshed.accessToken);
    }
  }
  if (response.status === 401) {
    const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
    // The server refuses the token we hold (even a fresh one): it is of no further use.
    if (tokens) await deleteTokens(ctx, resource, tokens.issuer);
    await response.body?.cancel();
    ctx.lastChallenge.set(resource, challenge);
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
      ctx.lastChallenge.set(resource, challenge);
      throw new AuthRequiredError(
        `${resource} needs more permissions${challenge.scope ? ` (scope "${safeText(challenge.scope, 200)}")` : ''}.`,
        {
          resourceUrl: resource,
          resourceMetadataUrl: challenge.resourceMetadataUrl,
          scope: challenge.scope,
          error: 'insufficient_scope',
        },
      );
    }
  }
  return response;
}

/**
 * Sends with the token in the Authorization header. Redirects are followed only within the
 * origin; a redirect elsewhere is returned unfollowed, so the token never travels to another host.
 */
async function sendWithToken(
  ctx: EngineContext,
  url: string,
  init: RequestInit | undefined,
  accessToken: string | undefined,
): Promise<Response> {
  const baseFetch = ctx.options.fetch ?? ((u: string | URL, i?: RequestInit) => fetch(u, i));
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
async function usableTokens(
  ctx: EngineContext,
  resource: string,
  opts: AuthorizedFetchOptions,
): Promise<StoredTokens | undefined> {
  const tokens = await readTokens(ctx, resource);
  if (!tokens) return undefined;
  if (
    opts.grant &&
    (tokens.clientSource !== grantSource(opts.grant) || tokens.clientId !== opts.grant.client.clientId)
  ) {
    // Tokens of another sign-in (a person's, or another client's) are not what was asked for.
    return undefined;
  }
  const skew = ctx.options.refreshSkewMs ?? DEFAULTS.refreshSkewMs;
  if (tokens.expiresAt === undefined || ctx.now() < tokens.expiresAt - skew) return tokens;
  const expired = ctx.now() >= tokens.expiresAt;
  if (!tokens.refreshToken) return expired ? undefined : tokens;
  try {
    return await refreshTokens(ctx, resource, tokens, opts.preRegistered);
  } catch (error) {
    // A refresh that failed for a transient reason still leaves a valid access token usable.
    if (!expired && !(error instanceof AuthRequiredError)) return tokens;
    throw error;
  }
}
