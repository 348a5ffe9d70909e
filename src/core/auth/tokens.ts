/**
 * The tokens of a resource: reading them (bound to issuer and resource), refreshing them
 * (RFC 6749 §6, single-flight), the scope a new token asks for, the status and "Refresh now", and
 * how a browser sign-in's client authenticates at the token endpoint.
 */
import { refreshAuthorization, selectClientAuthMethod } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { OAuthError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { AuthRequiredError } from '../errors.js';
import { applyClientAuthentication, type ClientAuthMethod, type ClientCredentials } from './clientAuth.js';
import { safeText, splitScope, type EngineContext } from './context.js';
import { OAuthFlowError } from './errors.js';
import { clientInfo } from './registration.js';
import { authKeys, readClient, readJson, writeJson } from './store.js';
import type {
  AuthChallenge,
  AuthStatus,
  DiscoveryState,
  PreRegisteredClient,
  StoredClient,
  StoredTokens,
  TokenInfo,
} from './types.js';
import { canonicalResource } from './urls.js';

export async function readTokens(ctx: EngineContext, resource: string): Promise<StoredTokens | undefined> {
  const disc = await readJson<DiscoveryState>(ctx.options.store, authKeys.discovery(resource));
  if (!disc) return undefined;
  const tokens = await readJson<StoredTokens>(ctx.options.store, authKeys.tokens(disc.issuer, resource));
  // Bound to issuer and resource by key, and checked again: never present a token elsewhere.
  return tokens && tokens.issuer === disc.issuer && tokens.resource === resource ? tokens : undefined;
}

export async function deleteTokens(ctx: EngineContext, resource: string, issuer?: string): Promise<void> {
  const iss = issuer ?? (await readJson<DiscoveryState>(ctx.options.store, authKeys.discovery(resource)))?.issuer;
  if (iss) await ctx.options.store.delete(authKeys.tokens(iss, resource));
}

export function toStored(
  tokens: OAuthTokens,
  base: Omit<StoredTokens, 'accessToken' | 'tokenType'> | StoredTokens,
  requestedScope: string | undefined,
): StoredTokens {
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

export function toInfo(tokens: StoredTokens): TokenInfo {
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

/** `signed-in` also while the access token expired but a refresh token can renew it silently. */
export async function status(ctx: EngineContext, resourceUrl: string): Promise<AuthStatus> {
  const resource = canonicalResource(resourceUrl);
  const tokens = await readTokens(ctx, resource);
  if (!tokens) return { state: 'none' };
  const expired = tokens.expiresAt !== undefined && ctx.now() >= tokens.expiresAt;
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
export async function refreshNow(
  ctx: EngineContext,
  resourceUrl: string,
  opts: { preRegistered?: PreRegisteredClient } = {},
): Promise<TokenInfo> {
  const resource = canonicalResource(resourceUrl);
  const tokens = await readTokens(ctx, resource);
  if (!tokens) throw new AuthRequiredError(`${resource} requires sign-in.`, { resourceUrl: resource });
  if (!tokens.refreshToken) {
    throw new OAuthFlowError(
      'token-request-failed',
      `The authorization server issued no refresh token for ${resource}; sign in again to get a new access token.`,
    );
  }
  return toInfo(await refreshTokens(ctx, resource, tokens, opts.preRegistered));
}

/**
 * RFC 6749 §6 refresh, single-flight per resource (so rotation does not race), with the new
 * refresh token stored when the server rotates it. A refusal (invalid_grant…) deletes the tokens
 * and throws `AuthRequiredError`; a transient failure keeps them and rethrows.
 */
export function refreshTokens(
  ctx: EngineContext,
  resource: string,
  tokens: StoredTokens,
  preRegistered: PreRegisteredClient | undefined,
): Promise<StoredTokens> {
  const key = authKeys.tokens(tokens.issuer, resource);
  const running = ctx.refreshing.get(key);
  if (running) return running;
  const job = doRefresh(ctx, resource, tokens, preRegistered).finally(() => ctx.refreshing.delete(key));
  ctx.refreshing.set(key, job);
  return job;
}

async function doRefresh(
  ctx: EngineContext,
  resource: string,
  tokens: StoredTokens,
  preRegistered: PreRegisteredClient | undefined,
): Promise<StoredTokens> {
  const refreshToken = tokens.refreshToken;
  if (!refreshToken) throw new AuthRequiredError(`${resource} requires sign-in.`, { resourceUrl: resource });
  const disc = await ctx.loadDiscovery(resource, undefined, undefined);
  if (disc.issuer !== tokens.issuer) {
    // The resource moved to another authorization server: the refresh token is never sent there
    // (a refresh goes only to the token's issuer). The tokens stay stored under their issuer, so a
    // resource that moves back finds them again.
    throw new AuthRequiredError(`${resource} now uses another authorization server; sign in again.`, {
      resourceUrl: resource,
    });
  }
  const client = await clientForRefresh(ctx, tokens, preRegistered);
  if (!client) {
    throw new AuthRequiredError(`The client registration used to sign in to ${resource} is gone; sign in again.`, {
      resourceUrl: resource,
    });
  }
  ctx.logger.info(`Refreshing the access token for ${resource}.`);
  let fresh: OAuthTokens;
  try {
    fresh = await refreshAuthorization(disc.issuer, {
      metadata: disc.authorizationServerMetadata,
      clientInformation: client,
      refreshToken,
      resource: disc.resourceIndicator,
      addClientAuthentication: clientAuthentication(
        ctx,
        client,
        disc.authorizationServerMetadata?.token_endpoint_auth_methods_supported,
      ),
      fetchFn: ctx.http.fetchFor('refresh', { noRedirects: true }),
    });
  } catch (error) {
    if (
      error instanceof OAuthError &&
      error.errorCode === 'invalid_client' &&
      tokens.clientSource === 'dynamic-registration'
    ) {
      // RFC 6749 §5.2 invalid_client: the server forgot the registration (an in-memory server that
      // restarted). Its tokens are of no use either; without the registration, the next sign-in
      // registers again instead of sending the browser to a client the server does not know.
      ctx.logger.warn(
        `The authorization server ${tokens.issuer} no longer knows the client ${tokens.clientId}; its registration and the tokens for ${resource} were deleted, and the next sign-in registers again.`,
      );
      await deleteTokens(ctx, resource, tokens.issuer);
      const current = await readJson<StoredClient>(ctx.options.store, authKeys.client(tokens.issuer));
      if (current?.clientId === tokens.clientId) await ctx.options.store.delete(authKeys.client(tokens.issuer));
      throw new AuthRequiredError(
        `The authorization server no longer knows the client ${tokens.clientId} that signed in to ${resource}; sign in again (MCP Lens registers again).`,
        {
          resourceUrl: resource,
          error: error.errorCode,
        },
      );
    }
    if (error instanceof OAuthError && !(error instanceof ServerError)) {
      ctx.logger.warn(
        `The authorization server refused to refresh the token for ${resource} (${error.errorCode}); a new sign-in is needed.`,
      );
      await deleteTokens(ctx, resource, tokens.issuer);
      throw new AuthRequiredError(
        `The sign-in for ${resource} has expired or was revoked (${error.errorCode}); sign in again.`,
        {
          resourceUrl: resource,
          error: error.errorCode,
        },
      );
    }
    ctx.logger.warn(
      `Refreshing the token for ${resource} failed: ${error instanceof Error ? safeText(error.message) : 'unknown error'}.`,
    );
    throw error;
  }
  const stored = toStored(fresh, { ...tokens, obtainedAt: ctx.now() }, tokens.scope);
  await writeJson(ctx.options.store, authKeys.tokens(tokens.issuer, resource), stored);
  return stored;
}

export async function clientForRefresh(
  ctx: EngineContext,
  tokens: StoredTokens,
  preRegistered: PreRegisteredClient | undefined,
): Promise<OAuthClientInformationMixed | undefined> {
  switch (tokens.clientSource) {
    case 'pre-registered':
      return preRegistered && preRegistered.clientId === tokens.clientId
        ? {
            client_id: preRegistered.clientId,
            ...(preRegistered.clientSecret ? { client_secret: preRegistered.clientSecret } : {}),
          }
        : undefined;
    case 'client-id-metadata-document':
      return { client_id: tokens.clientId };
    case 'dynamic-registration': {
      const stored = await readClient(ctx.options.store, tokens.issuer);
      return stored && stored.clientId === tokens.clientId ? clientInfo(stored) : undefined;
    }
    case 'client-credentials':
    case 'cross-app-access':
      // No refresh token is kept for these (the grant runs again instead) and their secret or key is not stored.
      return undefined;
  }
}

/**
 * How the client of a browser sign-in (stored, pre-registered or a metadata document URL)
 * authenticates at the token and revocation endpoints: the method the SDK would choose for it
 * (its registration's method, else what the server lists, Basic first), applied by
 * ./clientAuth.ts like the grants without a browser — one implementation for every request, which
 * form-encodes the id and the secret before Basic's base64 (RFC 6749 §2.3.1).
 */
export function clientAuthentication(
  ctx: EngineContext,
  client: OAuthClientInformationMixed,
  listed: string[] | undefined,
): (headers: Headers, params: URLSearchParams) => Promise<void> {
  const chosen = selectClientAuthMethod(client, listed ?? []);
  const method: ClientAuthMethod =
    (chosen === 'client_secret_basic' || chosen === 'client_secret_post') && client.client_secret ? chosen : 'none';
  const credentials: ClientCredentials = {
    clientId: client.client_id,
    ...(client.client_secret ? { clientSecret: client.client_secret } : {}),
  };
  return (headers, params) =>
    applyClientAuthentication(method, credentials, undefined, headers, params, client.client_id, ctx.now());
}

/**
 * MCP authorization "Scope Selection Strategy": the challenge's scope, else the resource
 * metadata's `scopes_supported`, else none. A step-up keeps what was granted before. When a
 * scope is sent and the AS lists `offline_access`, it is added so a refresh token may be issued
 * (SEP-2207); it is never requested from a server that does not list it.
 */
export async function selectScope(
  ctx: EngineContext,
  resource: string,
  disc: DiscoveryState,
  opts: { scope?: string },
  challenge: AuthChallenge,
  offlineAccess = true,
): Promise<string | undefined> {
  let scopes = splitScope(opts.scope ?? challenge.scope ?? disc.resourceMetadata?.scopes_supported?.join(' '));
  if (challenge.error === 'insufficient_scope' || opts.scope) {
    const previous = await readTokens(ctx, resource);
    if (previous) scopes = [...new Set([...splitScope(previous.scope), ...scopes])];
  }
  if (scopes.length === 0) return undefined;
  const asScopes = disc.authorizationServerMetadata?.scopes_supported;
  if (offlineAccess && asScopes?.includes('offline_access') && !scopes.includes('offline_access')) {
    scopes.push('offline_access');
  }
  return scopes.join(' ');
}
