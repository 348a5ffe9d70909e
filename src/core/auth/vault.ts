/**
 * The token vault's view of one resource: who issued the token, to which client and
 * how that client was obtained, the scopes, the expiry, and — when the access token is a JWT — its
 * decoded header and claims. Read from the engine's store with the engine's binding rules (tokens
 * by issuer and resource). `VaultInfo` never contains a token or a secret: only `readAccessToken`
 * returns the token, for the explicit "copy" action. No SDK import: loaded at activation.
 */
import type { VaultRegistrationView } from '../../shared/protocol.js';
import { authKeys, readClient, readJson } from './store.js';
import type { AuthStore, ClientSource, DiscoveryState, StoredTokens } from './types.js';
import { canonicalResource } from './urls.js';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export interface VaultInfo {
  state: 'none' | 'signed-in' | 'expired';
  resource: string;
  issuer?: string;
  clientId?: string;
  clientSource?: ClientSource;
  scopes: string[];
  obtainedAt?: number;
  expiresAt?: number;
  hasRefreshToken: boolean;
  /** `jwt` when the access token decodes as a JWS compact serialization (RFC 7519 §3). */
  tokenFormat?: 'jwt' | 'opaque';
  jwt?: DecodedJwt;
  /** The stored dynamic registration (RFC 7591) with this issuer, when there is one. */
  registration?: VaultRegistrationView;
  /** Whether the authorization server offers RFC 7009 revocation (otherwise revoke only deletes locally). */
  revocationEndpoint?: string;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The header and claims of a JWT (RFC 7519 §7.2 steps 1–8, without the signature check: the
 * client is not the audience and only shows them). `undefined` for anything that is not a JWS
 * compact serialization with JSON header and claims (an opaque token, a JWE).
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodePart(parts[0]!);
  const payload = decodePart(parts[1]!);
  if (!header || !payload || typeof header.alg !== 'string') return undefined;
  return { header, payload };
}

async function readBound(
  store: AuthStore,
  resourceUrl: string,
): Promise<{ resource: string; disc?: DiscoveryState; tokens?: StoredTokens }> {
  const resource = canonicalResource(resourceUrl);
  const disc = await readJson<DiscoveryState>(store, authKeys.discovery(resource));
  if (!disc) return { resource };
  const tokens = await readJson<StoredTokens>(store, authKeys.tokens(disc.issuer, resource));
  // Bound to issuer and resource by key, and checked again (as the engine does).
  return {
    resource,
    disc,
    tokens: tokens && tokens.issuer === disc.issuer && tokens.resource === resource ? tokens : undefined,
  };
}

export async function readVault(store: AuthStore, resourceUrl: string, now = Date.now()): Promise<VaultInfo> {
  const { resource, disc, tokens } = await readBound(store, resourceUrl);
  const stored = disc ? await readClient(store, disc.issuer) : undefined;
  const metadata = disc?.authorizationServerMetadata as { revocation_endpoint?: unknown } | undefined;
  const registration = stored
    ? {
        clientId: stored.clientId,
        registeredAt: stored.registeredAt,
        redirectUris: stored.redirectUris,
        ...(stored.tokenEndpointAuthMethod ? { tokenEndpointAuthMethod: stored.tokenEndpointAuthMethod } : {}),
        hasClientSecret: !!stored.clientSecret,
        ...(stored.clientSecretExpiresAt ? { clientSecretExpiresAt: stored.clientSecretExpiresAt } : {}),
      }
    : undefined;
  const base = {
    resource,
    ...(disc ? { issuer: disc.issuer } : {}),
    ...(registration ? { registration } : {}),
    ...(typeof metadata?.revocation_endpoint === 'string' ? { revocationEndpoint: metadata.revocation_endpoint } : {}),
  };
  if (!tokens) return { ...base, state: 'none', scopes: [], hasRefreshToken: false };
  const jwt = decodeJwt(tokens.accessToken);
  const expired = tokens.expiresAt !== undefined && now >= tokens.expiresAt;
  return {
    ...base,
    state: expired && !tokens.refreshToken ? 'expired' : 'signed-in',
    issuer: tokens.issuer,
    clientId: tokens.clientId,
    clientSource: tokens.clientSource,
    scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
    obtainedAt: tokens.obtainedAt,
    ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
    hasRefreshToken: !!tokens.refreshToken,
    tokenFormat: jwt ? 'jwt' : 'opaque',
    ...(jwt ? { jwt } : {}),
  };
}

/** The access token itself, for the vault's explicit "copy" action only. */
export async function readAccessToken(store: AuthStore, resourceUrl: string): Promise<string | undefined> {
  return (await readBound(store, resourceUrl)).tokens?.accessToken;
}
