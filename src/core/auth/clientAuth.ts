/**
 * Client authentication at the token endpoint for the grants that need no browser: the client
 * credentials grant (RFC 6749 §4.4) and the cross-app access flow (RFC 8693 token exchange for an
 * ID-JAG, then the RFC 7523 §2.1 JWT bearer grant). Three methods: `client_secret_basic` and
 * `client_secret_post` (RFC 6749 §2.3.1) and `private_key_jwt` (RFC 7523 §2.2, OpenID Connect
 * Core §9), the assertion signed with `jose`.
 *
 * Nothing here logs, and no secret, key or assertion is put into an error message.
 */
import { createPrivateKey, randomUUID, type JsonWebKey as NodeJsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { OAuthFlowError } from './errors.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** The client authentication methods a user may ask for (`none` is chosen only when nothing else is given). */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * A confidential client registered with the authorization server out of band (a service account,
 * a machine client). Its secret or key lives only in memory: the engine never stores it.
 */
export interface ClientCredentials {
  clientId: string;
  /** For `client_secret_basic` / `client_secret_post`. */
  clientSecret?: string;
  /**
   * For `private_key_jwt`: the private key as PEM text (PKCS#8, SEC1 or PKCS#1) or a private JWK
   * (a JSON string or object, with `d`). Never sent; only its signatures are.
   */
  privateKey?: string | PrivateJwk;
  /** JWS algorithm of the assertion (ES256, RS256, PS256, EdDSA…). Default: the JWK's `alg`, else one that fits the key. */
  signingAlgorithm?: string;
  /** Default: `private_key_jwt` with a key; with a secret, what the AS supports (Basic first, RFC 6749 §2.3.1). */
  authMethod?: ClientAuthMethod;
}

/** A private JSON Web Key (RFC 7517), as parsed from JSON. */
export type PrivateJwk = Record<string, unknown>;

/** A loaded signing key: the key object and the JWS algorithm it signs with. */
export interface SigningKey {
  key: KeyObject;
  alg: string;
  kid?: string;
}

const SUPPORTED_ALGS = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

/** The algorithms that fit a key, the first being the default (RFC 7518 §3.1, RFC 8037 §3.1). */
function algorithmsFor(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return ['ES256'];
      if (curve === 'secp384r1') return ['ES384'];
      if (curve === 'secp521r1') return ['ES512'];
      return [];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}

/**
 * Loads a private key for `private_key_jwt` and settles its algorithm. Rejects a public key, a
 * symmetric one (that would be `client_secret_jwt`, not offered), and an algorithm the key cannot
 * sign with — with a message that names the problem but never the key.
 */
export function loadSigningKey(privateKey: string | PrivateJwk, algorithm?: string): SigningKey {
  let jwk: PrivateJwk | undefined;
  if (typeof privateKey === 'string' && privateKey.trim().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(privateKey);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      jwk = parsed as PrivateJwk;
    } catch {
      throw new OAuthFlowError(
        'invalid-client-credentials',
        'The private key looks like a JWK but is not a valid JSON object.',
      );
    }
  } else if (typeof privateKey !== 'string') {
    jwk = privateKey;
  }
  if (jwk && typeof jwk.d !== 'string') {
    throw new OAuthFlowError(
      'invalid-client-credentials',
      'The JWK is a public key; private_key_jwt needs the private key (with "d").',
    );
  }
  let key: KeyObject;
  try {
    key = jwk
      ? createPrivateKey({ key: jwk as NodeJsonWebKey, format: 'jwk' })
      : createPrivateKey(privateKey as string);
  } catch {
    throw new OAuthFlowError(
      'invalid-client-credentials',
      'The private key could not be read: give a PEM private key (PKCS#8, SEC1 or PKCS#1) or a private JWK.',
    );
  }
  if (key.type !== 'private') throw new OAuthFlowError('invalid-client-credentials', 'The key is not a private key.');
  const fits = algorithmsFor(key);
  if (fits.length === 0) {
    throw new OAuthFlowError(
      'invalid-client-credentials',
      `Keys of type ${key.asymmetricKeyType ?? 'unknown'} cannot sign a private_key_jwt assertion; use an RSA, EC (P-256/384/521) or Ed25519 key.`,
    );
  }
  const jwkAlg = typeof jwk?.alg === 'string' ? jwk.alg : undefined;
  const alg = algorithm ?? jwkAlg ?? fits[0]!;
  if (!SUPPORTED_ALGS.has(alg)) {
    throw new OAuthFlowError(
      'invalid-client-credentials',
      `The signing algorithm "${alg}" is not supported for private_key_jwt.`,
    );
  }
  if (!fits.includes(alg)) {
    throw new OAuthFlowError(
      'invalid-client-credentials',
      `The signing algorithm ${alg} does not fit the key (it can sign with ${fits.join(', ')}).`,
    );
  }
  const kid = typeof jwk?.kid === 'string' ? jwk.kid : undefined;
  return { key, alg, ...(kid ? { kid } : {}) };
}

/**
 * Checks the credentials on their own (before any request): an id, and either a secret or a key
 * that loads; an explicit method must match what was given.
 */
export function validateClientCredentials(credentials: ClientCredentials): SigningKey | undefined {
  if (!credentials.clientId) {
    throw new OAuthFlowError('invalid-client-credentials', 'The client credentials have no client id.');
  }
  const method = credentials.authMethod;
  if (credentials.privateKey !== undefined && method !== undefined && method !== 'private_key_jwt') {
    throw new OAuthFlowError(
      'invalid-client-credentials',
      `A private key is used with private_key_jwt, not with ${method}.`,
    );
  }
  if (method === 'private_key_jwt' && credentials.privateKey === undefined) {
    throw new OAuthFlowError('invalid-client-credentials', 'private_key_jwt needs a private key.');
  }
  if ((method === 'client_secret_basic' || method === 'client_secret_post') && !credentials.clientSecret) {
    throw new OAuthFlowError('invalid-client-credentials', `${method} needs a client secret.`);
  }
  return credentials.privateKey !== undefined
    ? loadSigningKey(credentials.privateKey, credentials.signingAlgorithm)
    : undefined;
}

type Metadata = AuthorizationServerMetadata & { token_endpoint_auth_signing_alg_values_supported?: string[] };

/**
 * Chooses the token endpoint authentication method from the methods the AS lists
 * (`token_endpoint_auth_methods_supported`, or the revocation endpoint's). RFC 8414 §2: when the
 * metadata omits the list, `client_secret_basic` is the default. A method the AS
 * does not list is refused here, so a secret is never sent in a form the AS did not ask for.
 */
export function selectTokenEndpointAuthMethod(
  credentials: ClientCredentials,
  listed: string[] | undefined,
  opts: { allowPublic: boolean },
): ClientAuthMethod {
  const supported = (m: ClientAuthMethod) =>
    listed ? listed.includes(m) : m === 'client_secret_basic' || m === 'none';
  const describe = () => (listed ? listed.join(', ') || 'nothing' : 'client_secret_basic (the default when unlisted)');
  let method: ClientAuthMethod;
  if (credentials.authMethod) method = credentials.authMethod;
  else if (credentials.privateKey !== undefined) method = 'private_key_jwt';
  else if (credentials.clientSecret) {
    if (supported('client_secret_basic')) method = 'client_secret_basic';
    else if (supported('client_secret_post')) method = 'client_secret_post';
    else {
      throw new OAuthFlowError(
        'unsupported-server',
        `The authorization server accepts no client secret at its token endpoint (it supports: ${describe()}).`,
      );
    }
  } else {
    if (!opts.allowPublic) {
      throw new OAuthFlowError(
        'invalid-client-credentials',
        'The client credentials grant is for confidential clients (RFC 6749 §4.4): give a client secret or a private key.',
      );
    }
    method = 'none';
  }
  if (!supported(method) && !(method === 'none' && !listed)) {
    throw new OAuthFlowError(
      'unsupported-server',
      `The authorization server does not support ${method} at its token endpoint (it supports: ${describe()}).`,
    );
  }
  return method;
}

/**
 * RFC 6749 §2.3.1: the client id and secret are form-urlencoded before they are joined and
 * base64-encoded; `encodeURIComponent` gives a string both form decoders and
 * `decodeURIComponent` read back as it was.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}

/**
 * A client assertion (RFC 7523 §2.2, claims per §3): `iss` and `sub` are the client id, `aud`
 * the authorization server (its issuer identifier, which RFC 7523 §3 and OpenID Connect Core §9
 * allow and which is not ambiguous like a token endpoint shared by several issuers), a short
 * `exp`, `iat`, and a random `jti` so the AS can refuse a replay.
 */
export async function signClientAssertion(
  clientId: string,
  key: SigningKey,
  audience: string,
  nowMs: number,
  lifetimeSeconds = 60,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetimeSeconds)
    .setJti(randomUUID())
    .sign(key.key);
}

/** Adds the client's authentication to a token (or revocation) request. */
export async function applyClientAuthentication(
  method: ClientAuthMethod,
  credentials: ClientCredentials,
  signingKey: SigningKey | undefined,
  headers: Headers,
  params: URLSearchParams,
  audience: string,
  nowMs: number,
): Promise<void> {
  switch (method) {
    case 'client_secret_basic':
      if (!credentials.clientSecret) {
        throw new OAuthFlowError('invalid-client-credentials', 'client_secret_basic needs a client secret.');
      }
      headers.set('Authorization', basicAuthorization(credentials.clientId, credentials.clientSecret));
      return;
    case 'client_secret_post':
      if (!credentials.clientSecret) {
        throw new OAuthFlowError('invalid-client-credentials', 'client_secret_post needs a client secret.');
      }
      params.set('client_id', credentials.clientId);
      params.set('client_secret', credentials.clientSecret);
      return;
    case 'private_key_jwt': {
      if (!signingKey) throw new OAuthFlowError('invalid-client-credentials', 'private_key_jwt needs a private key.');
      // RFC 7523 §3: client_id in the body is optional; sending it helps servers that route by it.
      params.set('client_id', credentials.clientId);
      params.set('client_assertion_type', JWT_CLIENT_ASSERTION_TYPE);
      params.set('client_assertion', await signClientAssertion(credentials.clientId, signingKey, audience, nowMs));
      return;
    }
    case 'none':
      params.set('client_id', credentials.clientId);
      return;
  }
}

/** Checks the AS's advertised signing algorithms (RFC 8414 §2) against ours. */
export function checkSigningAlgorithm(metadata: Metadata | undefined, key: SigningKey): void {
  const algs = metadata?.token_endpoint_auth_signing_alg_values_supported;
  if (algs && !algs.includes(key.alg)) {
    throw new OAuthFlowError(
      'unsupported-server',
      `The authorization server does not accept ${key.alg} client assertions (it accepts: ${algs.join(', ') || 'none'}).`,
    );
  }
}
