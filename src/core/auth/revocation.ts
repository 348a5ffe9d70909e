/**
 * Sign-out: the tokens are revoked (RFC 7009) where the server offers it — the client
 * authenticating as at the token endpoint (RFC 7009 §2.1, ./clientAuth.ts) — and deleted locally
 * whatever the server answered.
 */
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { applyClientAuthentication, selectTokenEndpointAuthMethod, validateClientCredentials } from './clientAuth.js';
import { safeText, type EngineContext } from './context.js';
import { endpoints } from './discovery.js';
import { authKeys, readJson } from './store.js';
import { clientAuthentication, clientForRefresh, readTokens } from './tokens.js';
import type { DiscoveryState, MachineGrant, PreRegisteredClient, StoredTokens } from './types.js';
import { assertSecureUrl, canonicalResource } from './urls.js';

/**
 * Revokes the tokens (RFC 7009) when the server offers `revocation_endpoint` — the refresh token
 * first, as that also ends the grant on most servers — then deletes them locally, whatever the
 * server answered.
 */
export async function signOut(
  ctx: EngineContext,
  resourceUrl: string,
  opts: { preRegistered?: PreRegisteredClient; grant?: MachineGrant } = {},
): Promise<void> {
  const resource = canonicalResource(resourceUrl);
  const tokens = await readTokens(ctx, resource);
  ctx.lastChallenge.delete(resource);
  await deleteFormerTokens(ctx, resource, tokens?.issuer);
  if (!tokens) return;
  try {
    const disc = await readJson<DiscoveryState>(ctx.options.store, authKeys.discovery(resource));
    const revocation = disc ? endpoints(disc).revocation : undefined;
    const authenticate = await revocationAuthentication(ctx, tokens, disc, opts);
    if (disc && revocation && authenticate) {
      assertSecureUrl(revocation, 'revocation endpoint');
      const toRevoke: [string, string][] = [];
      if (tokens.refreshToken) toRevoke.push([tokens.refreshToken, 'refresh_token']);
      toRevoke.push([tokens.accessToken, 'access_token']);
      for (const [token, hint] of toRevoke) await revoke(ctx, revocation, authenticate, token, hint);
    }
  } catch (error) {
    ctx.logger.warn(
      `Revoking the tokens of ${resource} failed (${error instanceof Error ? safeText(error.message) : 'unknown error'}); they are deleted locally.`,
    );
  } finally {
    await ctx.options.store.delete(authKeys.tokens(tokens.issuer, resource));
  }
  ctx.logger.info(`Signed out of ${resource}.`);
}

/**
 * Deletes (locally only) the tokens of the resource from the authorization servers it named
 * before: their metadata is no longer at hand, and they are not sent anywhere.
 */
async function deleteFormerTokens(ctx: EngineContext, resource: string, current: string | undefined): Promise<void> {
  const issuers = (await readJson<string[]>(ctx.options.store, authKeys.issuers(resource))) ?? [];
  for (const issuer of issuers) {
    if (issuer !== current) await ctx.options.store.delete(authKeys.tokens(issuer, resource));
  }
}

/**
 * How the client authenticates at the revocation endpoint (RFC 7009 §2.1: as at the token
 * endpoint): the stored or pre-registered client, or — for the grants without a browser — the
 * caller's credentials for the same client. `undefined` when nothing can authenticate.
 */
async function revocationAuthentication(
  ctx: EngineContext,
  tokens: StoredTokens,
  disc: DiscoveryState | undefined,
  opts: { preRegistered?: PreRegisteredClient; grant?: MachineGrant },
): Promise<((headers: Headers, params: URLSearchParams) => Promise<void>) | undefined> {
  const m = disc?.authorizationServerMetadata as
    (AuthorizationServerMetadata & { revocation_endpoint_auth_methods_supported?: string[] }) | undefined;
  const listed = m?.revocation_endpoint_auth_methods_supported ?? m?.token_endpoint_auth_methods_supported;
  if (tokens.clientSource === 'client-credentials' || tokens.clientSource === 'cross-app-access') {
    const credentials = opts.grant?.client;
    if (!credentials || credentials.clientId !== tokens.clientId || !disc) return undefined;
    const signingKey = validateClientCredentials(credentials);
    const method = selectTokenEndpointAuthMethod(credentials, listed, { allowPublic: true });
    const audience = m?.issuer ?? endpoints(disc).token;
    return (headers, params) =>
      applyClientAuthentication(method, credentials, signingKey, headers, params, audience, ctx.now());
  }
  const client = await clientForRefresh(ctx, tokens, opts.preRegistered);
  if (!client) return undefined;
  return clientAuthentication(ctx, client, listed);
}

async function revoke(
  ctx: EngineContext,
  endpoint: string,
  authenticate: (headers: Headers, params: URLSearchParams) => Promise<void>,
  token: string,
  hint: string,
): Promise<void> {
  const params = new URLSearchParams({ token, token_type_hint: hint });
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
  await authenticate(headers, params);
  const response = await ctx.http.fetchFor('revocation', { noRedirects: true })(endpoint, {
    method: 'POST',
    headers,
    body: params,
  });
  await response.body?.cancel();
  if (!response.ok) {
    ctx.logger.warn(`The revocation endpoint answered HTTP ${response.status} for the ${hint.replace('_', ' ')}.`);
  }
}
