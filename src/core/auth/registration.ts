/**
 * The client of a browser sign-in (MCP authorization "Client Registration Approaches"):
 * pre-registered credentials, a Client ID Metadata Document URL, a stored registration, or dynamic
 * client registration (RFC 7591) — checked with the authorization server before the browser opens
 * (./preflight.ts), and registered again when the server has forgotten it.
 */
import { startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  OAuthClientInformationFullSchema,
  type OAuthClientInformationMixed,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { DEFAULTS, randomState, safeText, type EngineContext } from './context.js';
import { endpoints } from './discovery.js';
import { OAuthFlowError } from './errors.js';
import { preflightAuthorization } from './preflight.js';
import { authKeys, readJson, writeJson } from './store.js';
import type { ClientSource, DiscoveryState, PreRegisteredClient, StoredClient } from './types.js';
import { assertAuthorizationEndpoint, assertSecureUrl, canonicalResource, isLoopbackUrl } from './urls.js';

export interface ClientChoice {
  info: OAuthClientInformationMixed;
  source: ClientSource;
  /** Registered during this sign-in (RFC 7591), so the authorization server knows it. */
  registeredNow?: boolean;
  /** The stored registration the authorization server had forgotten, replaced by `info`. */
  forgottenClientId?: string;
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
export async function settleClient(
  ctx: EngineContext,
  resource: string,
  disc: DiscoveryState,
  redirectUri: string,
  preRegistered: PreRegisteredClient | undefined,
  stored: StoredClient | undefined,
  scope: string | undefined,
  signal: AbortSignal,
  { check }: { check: boolean },
): Promise<ClientChoice> {
  const client = await chooseClient(ctx, disc, redirectUri, preRegistered, stored, scope, signal);
  if (
    !check ||
    client.registeredNow ||
    (client.source !== 'dynamic-registration' && client.source !== 'pre-registered')
  ) {
    return client;
  }
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
  const answer = await preflightAuthorization(ctx.http, authorizationUrl, signal);
  const clientId = client.info.client_id;
  if (answer.verdict === 'unclear') {
    ctx.logger.debug(
      `The authorization endpoint's answer to a check of the client ${clientId} says nothing about it (${answer.reason}); continuing.`,
    );
  }
  if (answer.verdict !== 'forgotten') return client;
  if (client.source === 'pre-registered') {
    throw new OAuthFlowError(
      'unknown-client',
      `The authorization server ${disc.issuer} does not know the client id "${safeText(clientId, 200)}" (its authorization endpoint answered HTTP ${answer.status}: ${safeText(answer.reason)}). ` +
        `Check the client id in the connection's settings: it must be registered there with the redirect URI ${redirectUri}. Or remove it to let MCP Lens register itself, if the server allows that.`,
    );
  }
  ctx.logger.warn(
    `The authorization server ${disc.issuer} no longer knows the client ${clientId} (HTTP ${answer.status}: ${safeText(answer.reason)}); registering again.`,
  );
  await ctx.options.store.delete(authKeys.client(disc.issuer));
  const again = await chooseClient(ctx, disc, redirectUri, undefined, undefined, scope, signal);
  ctx.logger.info(
    `The authorization server ${disc.issuer} no longer knew the client ${clientId}; registered again as ${again.info.client_id}.`,
  );
  return { ...again, forgottenClientId: clientId };
}

/**
 * MCP authorization "Client Registration Approaches", in order: pre-registered credentials,
 * a Client ID Metadata Document when advertised, a stored registration for this issuer that
 * lists this redirect URI, else dynamic client registration (RFC 7591).
 */
export async function chooseClient(
  ctx: EngineContext,
  disc: DiscoveryState,
  redirectUri: string,
  preRegistered: PreRegisteredClient | undefined,
  stored: StoredClient | undefined,
  scope: string | undefined,
  signal: AbortSignal,
): Promise<ClientChoice> {
  if (preRegistered) {
    await assertPreRegisteredIssuer(ctx, disc, preRegistered.clientId);
    return {
      info: {
        client_id: preRegistered.clientId,
        ...(preRegistered.clientSecret ? { client_secret: preRegistered.clientSecret } : {}),
      },
      source: 'pre-registered',
    };
  }
  const metadata = disc.authorizationServerMetadata;
  if (ctx.options.cimdUrl && metadata?.client_id_metadata_document_supported === true) {
    return { info: { client_id: ctx.options.cimdUrl }, source: 'client-id-metadata-document' };
  }
  const secretExpired = (c: StoredClient) => !!c.clientSecretExpiresAt && c.clientSecretExpiresAt * 1000 <= ctx.now();
  if (stored && stored.redirectUris.includes(redirectUri) && !secretExpired(stored)) {
    return { info: clientInfo(stored), source: 'dynamic-registration' };
  }
  const registration = endpoints(disc).registration;
  if (!registration) {
    throw new OAuthFlowError(
      'no-client',
      `${disc.issuer} does not offer dynamic client registration. Register a client there with the redirect URI ${redirectUri} and enter its client id (and secret) in the connection's settings.`,
    );
  }
  const registered = await register(ctx, disc, registration, redirectUri, scope, signal);
  await writeJson(ctx.options.store, authKeys.client(disc.issuer), registered);
  return { info: clientInfo(registered), source: 'dynamic-registration', registeredNow: true };
}

export function clientInfo(stored: StoredClient): OAuthClientInformationMixed {
  return {
    client_id: stored.clientId,
    ...(stored.clientSecret ? { client_secret: stored.clientSecret } : {}),
    ...(stored.tokenEndpointAuthMethod ? { token_endpoint_auth_method: stored.tokenEndpointAuthMethod } : {}),
    redirect_uris: stored.redirectUris,
  };
}

/**
 * The pre-registered client ids of a resource, each with the issuer that first accepted it (a
 * token was issued to it there). The connection's settings hold only the id, and a client id
 * means something only to the authorization server that issued it (RFC 6749 §2.2).
 */
type PreRegisteredIssuers = Record<string, string>;

/**
 * Refuses to present a pre-registered client to an authorization server other than the one it was
 * first used with: its id and secret belong to that server, and a resource whose metadata now
 * names another one (moved, or compromised) must not collect them. Nothing is sent before this check.
 */
export async function assertPreRegisteredIssuer(
  ctx: EngineContext,
  disc: DiscoveryState,
  clientId: string,
): Promise<void> {
  const bound = (
    await readJson<PreRegisteredIssuers>(ctx.options.store, authKeys.preRegisteredIssuers(disc.resource))
  )?.[clientId];
  if (bound === undefined || bound === disc.issuer) return;
  throw new OAuthFlowError(
    'client-issuer-mismatch',
    `The client id "${safeText(clientId, 200)}" in the connection's settings was issued by the authorization server ${bound}, ` +
      `but ${disc.resource} now names ${disc.issuer} as its authorization server. MCP Lens does not send that client's id or secret to another authorization server. ` +
      `If the move is expected, register a client with ${disc.issuer} and enter its client id (and secret) in the connection's settings, ` +
      `or remove the client id to let MCP Lens register itself; "Forget client registration" also forgets which server the client id belongs to.`,
  );
}

/** Records the issuer a pre-registered client was accepted by (its first token), unless one is recorded already. */
export async function bindPreRegisteredIssuer(ctx: EngineContext, resource: string, clientId: string, issuer: string) {
  const key = authKeys.preRegisteredIssuers(resource);
  const bindings = (await readJson<PreRegisteredIssuers>(ctx.options.store, key)) ?? {};
  if (bindings[clientId] !== undefined) return;
  await writeJson(ctx.options.store, key, { ...bindings, [clientId]: issuer });
}

/**
 * RFC 7591 §3.1, as a public client. `application_type` (OpenID Connect Dynamic Client
 * Registration §2, required by MCP 2026-07-28): `native` for a loopback or private-scheme redirect
 * (RFC 8252), `web` for any other https redirect — the same default as the MCP SDK's.
 */
async function register(
  ctx: EngineContext,
  disc: DiscoveryState,
  endpoint: string,
  redirectUri: string,
  scope: string | undefined,
  signal: AbortSignal,
): Promise<StoredClient> {
  assertSecureUrl(endpoint, 'registration endpoint');
  const redirect = new URL(redirectUri);
  const native = isLoopbackUrl(redirect) || !['http:', 'https:'].includes(redirect.protocol);
  const body = {
    client_name: ctx.options.clientName ?? DEFAULTS.clientName,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: native ? 'native' : 'web',
    ...(scope ? { scope } : {}),
  };
  ctx.logger.info(`Registering MCP Lens with ${disc.issuer} (redirect URI ${redirectUri}).`);
  const response = await ctx.http.fetchFor('registration', { signal, noRedirects: true })(endpoint, {
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
  if (!parsed.success) {
    throw new OAuthFlowError(
      'registration-failed',
      'The registration response is not a valid client information document.',
    );
  }
  const info = parsed.data;
  return {
    issuer: disc.issuer,
    clientId: info.client_id,
    clientSecret: info.client_secret,
    clientSecretExpiresAt: info.client_secret_expires_at,
    redirectUris: info.redirect_uris?.length ? info.redirect_uris : [redirectUri],
    tokenEndpointAuthMethod: info.token_endpoint_auth_method,
    registeredAt: ctx.now(),
  };
}

/** Deletes the client registration for the resource's authorization server, and the resource's tokens issued to it. */
export async function forgetClientRegistration(ctx: EngineContext, resourceUrl: string): Promise<void> {
  const resource = canonicalResource(resourceUrl);
  const disc = await readJson<DiscoveryState>(ctx.options.store, authKeys.discovery(resource));
  if (!disc) return;
  await ctx.options.store.delete(authKeys.client(disc.issuer));
  await ctx.options.store.delete(authKeys.tokens(disc.issuer, resource));
  await ctx.options.store.delete(authKeys.preRegisteredIssuers(resource));
  ctx.logger.info(`Forgot the client registration with ${disc.issuer}.`);
}
