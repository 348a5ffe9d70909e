/**
 * The grants that need no browser: the client credentials grant (RFC 6749 §4.4) and cross-app
 * access (RFC 8693 token exchange at the IdP for an ID-JAG, then the RFC 7523 §2.1 JWT bearer
 * grant), with the client's own authentication (./clientAuth.ts).
 */
import { parseErrorResponse } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  OAuthTokensSchema,
  type AuthorizationServerMetadata,
  type OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import {
  applyClientAuthentication,
  checkSigningAlgorithm,
  selectTokenEndpointAuthMethod,
  validateClientCredentials,
  type SigningKey,
} from './clientAuth.js';
import { describeOAuthError, safeText, type EngineContext } from './context.js';
import { describeZod, discoverAuthorizationServer, endpoints } from './discovery.js';
import { OAuthFlowError } from './errors.js';
import { authKeys, writeJson } from './store.js';
import { assertPreRegisteredIssuer, bindPreRegisteredIssuer } from './registration.js';
import { selectScope, toInfo, toStored } from './tokens.js';
import type { AuthChallenge, AuthStep, ClientSource, DiscoveryState, MachineGrant, TokenInfo } from './types.js';
import { assertSecureUrl, canonicalResource } from './urls.js';

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

export /** The `clientSource` of the tokens a grant obtains. */
function grantSource(grant: MachineGrant): ClientSource {
  return grant.type === 'client_credentials' ? 'client-credentials' : 'cross-app-access';
}

export type MachineMetadata = AuthorizationServerMetadata & {
  token_endpoint_auth_signing_alg_values_supported?: string[];
};

/**
 * Obtains and stores tokens for a resource with a grant that needs no browser. Rejects with
 * `OAuthFlowError`; nothing of the client's secret, key or the user's ID token is stored,
 * logged or put into an exchange. No refresh token is kept: the grant itself runs again when
 * the access token expires, which needs no person either.
 */
export async function signInWithGrant(
  ctx: EngineContext,
  resourceUrl: string,
  grant: MachineGrant,
  opts: MachineSignInOptions = {},
): Promise<TokenInfo> {
  const resource = canonicalResource(resourceUrl);
  assertSecureUrl(resource, 'MCP server URL');
  // Credentials that cannot work are refused before any request.
  const signingKey = validateClientCredentials(grant.client);
  const idpSigningKey =
    grant.type === 'cross_app_access' ? validateClientCredentials(grant.identityProvider.client) : undefined;
  return ctx.bounded(resource, opts.signal, (signal) =>
    runGrant(ctx, resource, grant, signingKey, idpSigningKey, opts, signal),
  );
}

async function runGrant(
  ctx: EngineContext,
  resource: string,
  grant: MachineGrant,
  signingKey: SigningKey | undefined,
  idpSigningKey: SigningKey | undefined,
  opts: MachineSignInOptions,
  signal: AbortSignal,
): Promise<TokenInfo> {
  const challenge = opts.challenge ?? ctx.lastChallenge.get(resource) ?? {};
  const disc = await ctx.loadDiscovery(resource, challenge.resourceMetadataUrl, signal, 'machine');
  const metadata = disc.authorizationServerMetadata as MachineMetadata | undefined;
  const grantType = grant.type === 'client_credentials' ? GRANT.clientCredentials : GRANT.jwtBearer;
  // RFC 8414 §2: an AS that lists its grant types and leaves this one out would refuse it; say so before sending credentials.
  const grantTypes = metadata?.grant_types_supported;
  if (grantTypes && !grantTypes.includes(grantType)) {
    throw new OAuthFlowError(
      'unsupported-server',
      `The authorization server ${disc.issuer} does not offer the ${grantType} grant (it lists: ${grantTypes.join(', ') || 'nothing'}).`,
    );
  }
  // The client was registered by hand with one authorization server: never present it to another.
  await assertPreRegisteredIssuer(ctx, disc, grant.client.clientId);
  const scope = await selectScope(ctx, resource, disc, { scope: opts.scope ?? grant.scope }, challenge, false);
  const tokenEndpoint = endpoints(disc).token;
  assertSecureUrl(tokenEndpoint, 'token endpoint');
  const method = selectTokenEndpointAuthMethod(grant.client, metadata?.token_endpoint_auth_methods_supported, {
    allowPublic: grant.type === 'cross_app_access',
  });
  if (method === 'private_key_jwt' && signingKey) checkSigningAlgorithm(metadata, signingKey);
  // RFC 7523 §3: the assertion's audience identifies the AS — its issuer, or the token endpoint without metadata.
  const audience = metadata?.issuer ?? tokenEndpoint;

  const params = new URLSearchParams({ grant_type: grantType });
  if (grant.type === 'cross_app_access') {
    ctx.logger.info(`Exchanging the identity provider's ID token for an identity assertion grant for ${resource}.`);
    params.set(
      'assertion',
      await exchangeForIdJag(ctx, disc, grant.identityProvider, idpSigningKey, audience, scope, signal),
    );
  }
  if (scope) params.set('scope', scope);
  params.set('resource', disc.resourceIndicator);
  ctx.logger.info(
    `Requesting a token for ${resource} from ${disc.issuer} (${grantType}, ${method}${scope ? `, scope "${scope}"` : ''}).`,
  );
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
  await applyClientAuthentication(method, grant.client, signingKey, headers, params, audience, ctx.now());
  const tokens = await postTokenRequest(ctx, 'token', tokenEndpoint, headers, params, signal, grant.client.clientId);
  const stored = toStored(
    { ...tokens, refresh_token: undefined },
    {
      issuer: disc.issuer,
      resource,
      clientId: grant.client.clientId,
      clientSource: grantSource(grant),
      obtainedAt: ctx.now(),
    },
    scope,
  );
  await writeJson(ctx.options.store, authKeys.tokens(disc.issuer, resource), stored);
  await bindPreRegisteredIssuer(ctx, resource, grant.client.clientId, disc.issuer);
  ctx.lastChallenge.delete(resource);
  ctx.logger.info(`Signed in to ${resource} as the client ${grant.client.clientId}.`);
  return toInfo(stored);
}

/**
 * RFC 8693 token exchange at the IdP (draft-ietf-oauth-identity-assertion-authz-grant §4.3):
 * the ID token as subject, an ID-JAG requested for the MCP server's authorization server
 * (`audience`, its issuer) and resource. The IdP's answer must say it issued an ID-JAG.
 */
async function exchangeForIdJag(
  ctx: EngineContext,
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
    if (!idp.issuer) {
      throw new OAuthFlowError(
        'token-exchange-failed',
        "The identity provider's token endpoint or issuer is needed for cross-app access.",
      );
    }
    const found = await discoverAuthorizationServer(ctx.http, idp.issuer, true, signal, 'machine');
    if (!found) {
      throw new OAuthFlowError(
        'token-exchange-failed',
        `The identity provider ${idp.issuer} publishes no metadata, so its token endpoint is unknown.`,
      );
    }
    idpMetadata = found.metadata;
    endpoint = found.metadata.token_endpoint;
  }
  assertSecureUrl(endpoint, "identity provider's token endpoint");
  const method = selectTokenEndpointAuthMethod(idp.client, idpMetadata?.token_endpoint_auth_methods_supported, {
    allowPublic: true,
  });
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
  await applyClientAuthentication(
    method,
    idp.client,
    idpSigningKey,
    headers,
    params,
    idpMetadata?.issuer ?? idp.issuer ?? endpoint,
    ctx.now(),
  );
  const response = await ctx.http.fetchFor('token-exchange', { signal, noRedirects: true })(endpoint, {
    method: 'POST',
    headers,
    body: params,
  });
  if (!response.ok) {
    const error = await parseErrorResponse(response);
    throw new OAuthFlowError(
      'token-exchange-failed',
      `The identity provider refused the token exchange (${describeOAuthError(error)}).`,
      { cause: error },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new OAuthFlowError('token-exchange-failed', "The identity provider's token exchange answer is not JSON.");
  }
  const answer = (body && typeof body === 'object' ? body : {}) as {
    access_token?: unknown;
    issued_token_type?: unknown;
  };
  // RFC 8693 §2.2.1: issued_token_type is required; anything but an ID-JAG is not what was asked for.
  if (answer.issued_token_type !== GRANT.idJag) {
    throw new OAuthFlowError(
      'token-exchange-failed',
      `The identity provider issued "${safeText(String(answer.issued_token_type ?? 'nothing'), 100)}", not an identity assertion grant (${GRANT.idJag}).`,
    );
  }
  if (typeof answer.access_token !== 'string' || !answer.access_token) {
    throw new OAuthFlowError(
      'token-exchange-failed',
      'The identity provider answered the token exchange without a token.',
    );
  }
  return answer.access_token;
}

/** POSTs a token request (redirects refused, RFC 9700 §4.11) and parses the answer (RFC 6749 §5.1/§5.2). */
async function postTokenRequest(
  ctx: EngineContext,
  step: AuthStep,
  endpoint: string,
  headers: Headers,
  params: URLSearchParams,
  signal: AbortSignal,
  clientId: string,
): Promise<OAuthTokens> {
  const response = await ctx.http.fetchFor(step, { signal, noRedirects: true })(endpoint, {
    method: 'POST',
    headers,
    body: params,
  });
  if (!response.ok) {
    const error = await parseErrorResponse(response);
    const hint =
      error.errorCode === 'invalid_client'
        ? ` Check the client id (${safeText(clientId, 100)}) and its secret or key.`
        : '';
    throw new OAuthFlowError(
      'token-request-failed',
      `The token request was refused (${describeOAuthError(error)}).${hint}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new OAuthFlowError('token-request-failed', 'The token endpoint answered with something that is not JSON.');
  }
  const parsed = OAuthTokensSchema.safeParse(json);
  if (!parsed.success) {
    throw new OAuthFlowError('token-request-failed', `The token response is not valid: ${describeZod(parsed.error)}`);
  }
  if (parsed.data.token_type.toLowerCase() !== 'bearer') {
    throw new OAuthFlowError(
      'token-request-failed',
      `The authorization server issued a "${safeText(parsed.data.token_type, 40)}" token; MCP uses Bearer tokens.`,
    );
  }
  return parsed.data;
}
