/**
 * Discovery of the protected resource metadata (RFC 9728) and of the authorization server metadata
 * (RFC 8414 / OpenID Connect Discovery), with the checks the MCP SDK 1.x leaves out:
 * the metadata `issuer` must match, PKCE S256 must be advertised, the resource must match, and every
 * endpoint must be https (or loopback) — checked before any request is sent to it.
 */
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { buildDiscoveryUrls } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  OAuthMetadataSchema,
  OAuthProtectedResourceMetadataSchema,
  OpenIdProviderDiscoveryMetadataSchema,
  type AuthorizationServerMetadata,
  type OAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { OAuthFlowError } from './errors.js';
import { flowStep } from './flowSteps.js';
import type { AuthHttpClient } from './http.js';
import type { DiscoveryPurpose, DiscoveryState } from './types.js';
import { assertAuthorizationEndpoint, assertSecureUrl, issuersEqual, resourceMatches } from './urls.js';

const JSON_HEADERS = { Accept: 'application/json', 'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION };

async function readJsonBody(response: Response, where: string): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new OAuthFlowError('discovery-failed', `The document at ${where} is not valid JSON.`);
  }
}

export function describeZod(error: unknown): string {
  const issues = (error as { issues?: { path: (string | number)[]; message: string }[] }).issues;
  if (!issues?.length) return error instanceof Error ? error.message : String(error);
  return issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');
}

/** The well-known URLs of the protected resource metadata, in the order of MCP authorization §2.3. */
export function protectedResourceMetadataUrls(resource: string): string[] {
  const url = new URL(resource);
  const urls: string[] = [];
  const pathPart = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  if (pathPart && pathPart !== '/') {
    urls.push(new URL(`/.well-known/oauth-protected-resource${pathPart}`, url.origin).href);
  }
  urls.push(new URL('/.well-known/oauth-protected-resource', url.origin).href);
  return urls;
}

/**
 * Fetches the protected resource metadata: from the challenge's `resource_metadata` when given,
 * else the path-aware well-known URL, then the root one. `undefined` means the server has none
 * (a 2025-03-26 server). A document for another resource is refused (RFC 9728 §3.3).
 */
export async function discoverProtectedResource(
  http: AuthHttpClient,
  resource: string,
  resourceMetadataUrl: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ url: string; metadata: OAuthProtectedResourceMetadata } | undefined> {
  const candidates = resourceMetadataUrl ? [resourceMetadataUrl] : protectedResourceMetadataUrls(resource);
  const fetchPrm = http.fetchFor('protected-resource-metadata', { signal });
  for (const candidate of candidates) {
    assertSecureUrl(candidate, 'protected resource metadata URL');
    const response = await fetchPrm(candidate, { headers: JSON_HEADERS });
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status >= 500) {
        throw new OAuthFlowError(
          'discovery-failed',
          `HTTP ${response.status} loading the protected resource metadata from ${candidate}.`,
        );
      }
      continue; // 404 (or another 4xx, or an unfollowed redirect): try the next location.
    }
    const raw = await readJsonBody(response, candidate);
    const parsed = OAuthProtectedResourceMetadataSchema.safeParse(raw);
    if (!parsed.success) {
      throw new OAuthFlowError(
        'discovery-failed',
        `Invalid protected resource metadata at ${candidate}: ${describeZod(parsed.error)}`,
      );
    }
    const metadata = parsed.data;
    if (!resourceMatches(resource, metadata.resource)) {
      throw new OAuthFlowError(
        'resource-mismatch',
        `The protected resource metadata is for "${metadata.resource}", not for ${resource}; refusing to authorize (RFC 9728 §3.3).`,
      );
    }
    return { url: candidate, metadata };
  }
  if (resourceMetadataUrl) {
    throw new OAuthFlowError(
      'discovery-failed',
      `The server's resource_metadata URL ${resourceMetadataUrl} could not be loaded.`,
    );
  }
  return undefined;
}

/**
 * Validates AS metadata before anything else is sent: endpoints must be https (or loopback) and
 * the authorization endpoint http(s) only; PKCE S256 must be advertised (MCP authorization
 * "Authorization Code Protection": a client MUST refuse to proceed when it is not).
 * For the grants without a browser (`machine`), the authorization endpoint and PKCE are not used,
 * so they are not required (RFC 8414 §2: authorization_endpoint is required only when a grant
 * uses it) — but an authorization endpoint that is present must still be safe.
 */
export function checkAuthorizationServerMetadata(
  raw: Record<string, unknown>,
  purpose: DiscoveryPurpose = 'authorization_code',
): void {
  if (purpose === 'authorization_code' || raw.authorization_endpoint !== undefined) {
    assertAuthorizationEndpoint(raw.authorization_endpoint);
  }
  for (const field of [
    'token_endpoint',
    'registration_endpoint',
    'revocation_endpoint',
    'introspection_endpoint',
  ] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new OAuthFlowError('discovery-failed', `The ${field} in the metadata is not a string.`);
    }
    assertSecureUrl(value, field.replace(/_/g, ' '));
  }
  if (purpose === 'machine') return;
  const methods = raw.code_challenge_methods_supported;
  if (!Array.isArray(methods)) {
    throw new OAuthFlowError(
      'pkce-unsupported',
      'The authorization server does not advertise code_challenge_methods_supported, so PKCE support is unknown; refusing to proceed (MCP requires PKCE S256).',
    );
  }
  if (!methods.includes('S256')) {
    throw new OAuthFlowError(
      'pkce-unsupported',
      `The authorization server does not support PKCE S256 (it lists: ${methods.map(String).join(', ') || 'nothing'}); refusing to proceed.`,
    );
  }
}

/**
 * Loads the authorization server metadata in the order of MCP authorization §2.4 (the SDK's
 * `buildDiscoveryUrls`), checking `issuer` (RFC 8414 §3.3). `strictIssuer: false` is for the
 * 2025-03-26 back-compat case only, where the issuer was not learned but assumed to be the MCP
 * server's origin: then the metadata's issuer must be on that same origin and becomes the key.
 */
export async function discoverAuthorizationServer(
  http: AuthHttpClient,
  issuer: string,
  strictIssuer: boolean,
  signal: AbortSignal | undefined,
  purpose: DiscoveryPurpose = 'authorization_code',
): Promise<{ issuer: string; metadata: AuthorizationServerMetadata } | undefined> {
  assertSecureUrl(issuer, 'authorization server');
  const fetchMeta = http.fetchFor('authorization-server-metadata', { signal });
  for (const { url, type } of buildDiscoveryUrls(issuer)) {
    const response = await fetchMeta(url, { headers: JSON_HEADERS });
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status >= 500) {
        throw new OAuthFlowError(
          'discovery-failed',
          `HTTP ${response.status} loading the authorization server metadata from ${url.href}.`,
        );
      }
      continue;
    }
    const raw = await readJsonBody(response, url.href);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new OAuthFlowError('discovery-failed', `The metadata at ${url.href} is not a JSON object.`);
    }
    const record = raw as Record<string, unknown>;
    const advertised = typeof record.issuer === 'string' ? record.issuer : undefined;
    if (!advertised) throw new OAuthFlowError('discovery-failed', `The metadata at ${url.href} has no issuer.`);
    if (strictIssuer ? !issuersEqual(advertised, issuer) : !sameOrigin(advertised, issuer)) {
      throw new OAuthFlowError(
        'issuer-mismatch',
        `The authorization server metadata at ${url.href} names the issuer "${advertised}", but it was requested for "${issuer}"; refusing it (RFC 8414 §3.3).`,
      );
    }
    // Security checks run on the raw document, before the schema (which drops unknown fields
    // for OpenID documents) and before any endpoint is contacted.
    checkAuthorizationServerMetadata(record, purpose);
    // Without a browser there is no authorization endpoint to use, and an AS that serves only such
    // grants may omit it; the fields that are present are still validated.
    const optional = { authorization_endpoint: true } as const;
    const parsed =
      type === 'oauth'
        ? (purpose === 'machine' ? OAuthMetadataSchema.partial(optional) : OAuthMetadataSchema).safeParse(raw)
        : (purpose === 'machine'
            ? OpenIdProviderDiscoveryMetadataSchema.partial(optional)
            : OpenIdProviderDiscoveryMetadataSchema
          ).safeParse(raw);
    if (!parsed.success) {
      throw new OAuthFlowError(
        'discovery-failed',
        `Invalid authorization server metadata at ${url.href}: ${describeZod(parsed.error)}`,
      );
    }
    // Keep the fields the schemas do not know (revocation_endpoint for OIDC,
    // authorization_response_iss_parameter_supported) — they were checked above or are booleans.
    const metadata = { ...record, ...parsed.data } as AuthorizationServerMetadata;
    return { issuer: strictIssuer ? issuer : advertised, metadata };
  }
  return undefined;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * Full discovery for a resource. With protected resource metadata, the authorization server is its
 * first `authorization_servers` entry and must publish metadata. Without it (2025-03-26), the
 * server's origin is the authorization server; when that has no metadata either, the default
 * endpoints /authorize, /token and /register on the origin are used.
 */
export async function discover(
  http: AuthHttpClient,
  resource: string,
  resourceMetadataUrl: string | undefined,
  now: number,
  signal: AbortSignal | undefined,
  purpose: DiscoveryPurpose = 'authorization_code',
): Promise<DiscoveryState> {
  assertSecureUrl(resource, 'MCP server URL');
  // Steps 2 and 3 of the flow debugger (a plain call when no stepper records the flow).
  const prm = await flowStep('resource-metadata', () =>
    discoverProtectedResource(http, resource, resourceMetadataUrl, signal),
  );
  if (prm) {
    const issuer = prm.metadata.authorization_servers?.[0];
    if (!issuer) {
      throw new OAuthFlowError(
        'discovery-failed',
        'The protected resource metadata names no authorization server (authorization_servers is empty).',
      );
    }
    const as = await flowStep('authorization-server-metadata', async () => {
      const found = await discoverAuthorizationServer(http, issuer, true, signal, purpose);
      if (!found) {
        throw new OAuthFlowError(
          'discovery-failed',
          `The authorization server ${issuer} publishes no metadata at any of its well-known locations (RFC 8414, OpenID Connect Discovery).`,
        );
      }
      return found;
    });
    return {
      resource,
      resourceIndicator: prm.metadata.resource,
      resourceMetadataUrl: prm.url,
      resourceMetadata: prm.metadata,
      issuer: as.issuer,
      authorizationServerMetadata: as.metadata,
      legacy: false,
      ...(purpose === 'machine' ? { checkedFor: 'machine' as const } : {}),
      fetchedAt: now,
    };
  }
  const origin = new URL(resource).origin;
  const as = await flowStep('authorization-server-metadata', () =>
    discoverAuthorizationServer(http, origin, false, signal, purpose),
  );
  return {
    resource,
    resourceIndicator: resource,
    issuer: as?.issuer ?? origin,
    authorizationServerMetadata: as?.metadata,
    legacy: true,
    ...(purpose === 'machine' ? { checkedFor: 'machine' as const } : {}),
    fetchedAt: now,
  };
}

/** The endpoints to use: from the metadata, or the 2025-03-26 defaults on the server's origin. */
export function endpoints(state: DiscoveryState): {
  authorization: string;
  token: string;
  registration?: string;
  revocation?: string;
} {
  const m = state.authorizationServerMetadata as
    (AuthorizationServerMetadata & { revocation_endpoint?: string }) | undefined;
  if (m) {
    return {
      authorization: m.authorization_endpoint,
      token: m.token_endpoint,
      registration: m.registration_endpoint,
      revocation: m.revocation_endpoint,
    };
  }
  const origin = new URL(state.resource).origin;
  return {
    authorization: new URL('/authorize', origin).href,
    token: new URL('/token', origin).href,
    registration: new URL('/register', origin).href,
  };
}
