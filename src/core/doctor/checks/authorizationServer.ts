/**
 * Checks 9, 10, 12 and 13 of the connection doctor: the authorization server's metadata (RFC 8414 or
 * OpenID Connect Discovery) and what it advertises: PKCE, token endpoint authentication, refresh.
 */
import { buildDiscoveryUrls } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthMetadataSchema, OpenIdProviderDiscoveryMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { describeZod } from '../../auth/discovery.js';
import { OAuthFlowError } from '../../auth/errors.js';
import { assertAuthorizationEndpoint, assertSecureUrl, issuersEqual } from '../../auth/urls.js';
import type { AsMetadataFound, Check } from './context.js';
import { bodyObject, clip, JSON_ACCEPT, sameOrigin, stringList } from './util.js';

// ---- 9. authorization server metadata
export const checkAuthorizationServer: Check = async (ctx) => {
  const issuer = ctx.found.issuer!;
  const legacy = ctx.found.prm === undefined;
  try {
    assertSecureUrl(issuer, 'authorization server');
  } catch (error) {
    return {
      status: 'fail',
      summary: (error as Error).message,
      fix: 'Use an https issuer for the authorization server.',
      spec: 'OAuth 2.1 §1.5; RFC 8414 §2',
    };
  }
  const tried: string[] = [];
  const answered: AsMetadataFound[] = [];
  let missedBefore = 0;
  for (const { url, type } of buildDiscoveryUrls(issuer)) {
    const sent = await ctx.send(url.href, { method: 'GET', headers: JSON_ACCEPT });
    const status = sent.response.status;
    const raw = status === 200 ? bodyObject(sent.text) : undefined;
    const label = type === 'oauth' ? 'RFC 8414' : 'OpenID Connect Discovery';
    tried.push(
      `GET ${url.href} (${label}) → HTTP ${status}${status === 200 && !raw ? ' (not a JSON object)' : ''}${raw ? `, issuer "${clip(String(raw.issuer ?? ''), 120)}"` : ''}`,
    );
    if (raw) answered.push({ url: url.href, type, record: raw });
    else if (answered.length === 0) missedBefore++;
    if (!raw && status >= 500 && answered.length === 0) {
      return {
        status: 'fail',
        summary: `HTTP ${status} from ${url.href}; clients stop at a server error.`,
        details: tried,
        fix: 'Fix the server error of the metadata endpoint.',
        spec: 'RFC 8414 §3.2',
      };
    }
  }
  if (answered.length === 0) {
    if (legacy) {
      return {
        status: 'warn',
        summary: `No authorization server metadata on ${issuer}: 2025-03-26 clients fall back to ${issuer}/authorize, /token and /register.`,
        details: tried,
        fix: 'Publish RFC 8414 metadata (and RFC 9728 protected resource metadata naming the authorization server).',
        spec: 'MCP 2025-03-26 Authorization §2.3.3 (fallbacks); RFC 8414 §3',
      };
    }
    return {
      status: 'fail',
      summary: `The authorization server ${issuer} publishes no metadata at any well-known location.`,
      details: tried,
      fix: `Publish RFC 8414 metadata at ${buildDiscoveryUrls(issuer)[0]!.url.href} (or OpenID Connect Discovery metadata).`,
      spec: 'MCP 2025-06-18 Authorization §2.3.2; RFC 8414 §3',
    };
  }
  const chosen = answered[0]!;
  const found = { asMetadata: chosen };
  const variant = chosen.type === 'oauth' ? 'RFC 8414' : 'OpenID Connect Discovery';
  tried.push(`Clients use the first answer: ${chosen.url}.`);
  const advertised = typeof chosen.record.issuer === 'string' ? chosen.record.issuer : undefined;
  const issuerOk =
    advertised !== undefined && (legacy ? sameOrigin(advertised, issuer) : issuersEqual(advertised, issuer));
  if (!issuerOk) {
    return {
      found,
      status: 'fail',
      summary: advertised
        ? `The metadata at ${chosen.url} names the issuer "${clip(advertised)}", but it was looked up for "${issuer}"; clients must not use it.`
        : `The metadata at ${chosen.url} has no issuer.`,
      details: tried,
      fix: legacy
        ? `Set "issuer" to ${issuer}.`
        : `Set "issuer" to exactly "${issuer}" (the value in authorization_servers), or list the real issuer in the protected resource metadata.`,
      spec: chosen.type === 'oauth' ? 'RFC 8414 §3.3' : 'OpenID Connect Discovery 1.0 §4.3',
    };
  }
  const schema = chosen.type === 'oauth' ? OAuthMetadataSchema : OpenIdProviderDiscoveryMetadataSchema;
  const parsed = schema.safeParse(chosen.record);
  if (!parsed.success) {
    return {
      found,
      status: 'fail',
      summary: `Invalid ${variant} metadata at ${chosen.url}: ${clip(describeZod(parsed.error), 300)}`,
      details: tried,
      fix: 'Publish every required field (issuer, authorization_endpoint, token_endpoint, response_types_supported…).',
      spec: chosen.type === 'oauth' ? 'RFC 8414 §2' : 'OpenID Connect Discovery 1.0 §3',
    };
  }
  try {
    assertAuthorizationEndpoint(chosen.record.authorization_endpoint);
    for (const field of ['token_endpoint', 'registration_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
      const value = chosen.record[field];
      if (value === undefined) continue;
      if (typeof value !== 'string') {
        throw new OAuthFlowError('discovery-failed', `The ${field} in the metadata is not a string.`);
      }
      assertSecureUrl(value, field.replace(/_/g, ' '));
    }
  } catch (error) {
    return {
      found,
      status: 'fail',
      summary: (error as Error).message,
      details: tried,
      fix: 'Serve every OAuth endpoint over https (plain http only on loopback).',
      spec: 'OAuth 2.1 §1.5; RFC 9700 §2.6',
    };
  }
  for (const other of answered.slice(1)) {
    const iss = typeof other.record.issuer === 'string' ? other.record.issuer : '';
    if (!issuersEqual(iss, advertised)) {
      tried.push(
        `Note: ${other.url} names another issuer ("${clip(iss)}"); clients that stop at the first answer never see it.`,
      );
    }
  }
  const spec =
    chosen.type === 'oauth'
      ? 'RFC 8414 §3, §3.3; MCP 2025-06-18 Authorization §2.3.2'
      : 'OpenID Connect Discovery 1.0 §4; MCP 2025-11-25 Authorization "Authorization Server Metadata Discovery"';
  if (chosen.type === 'oidc') {
    tried.push(
      'Valid: MCP 2025-11-25 clients try OpenID Connect Discovery after RFC 8414. Clients written for 2025-06-18 only try RFC 8414.',
    );
  }
  return {
    found,
    status: 'pass',
    summary: `Found at ${chosen.url} (${variant})${missedBefore ? ` after ${missedBefore} location${missedBefore > 1 ? 's' : ''} without it` : ''}; issuer "${clip(advertised)}" matches.`,
    details: tried,
    spec,
  };
};

// ---- 10. PKCE
export const checkPkce: Check = async (ctx) => {
  const methods = stringList(ctx.found.asMetadata!.record.code_challenge_methods_supported);
  const spec = 'MCP 2025-11-25 Authorization "Authorization Code Protection"; RFC 8414 §2; RFC 7636 §4.2';
  if (!methods) {
    return {
      status: 'fail',
      summary:
        'code_challenge_methods_supported is absent: PKCE support is unknown, and MCP clients must refuse to proceed.',
      fix: 'Advertise `"code_challenge_methods_supported": ["S256"]` in the authorization server metadata (and enforce PKCE).',
      spec,
    };
  }
  if (!methods.includes('S256')) {
    return {
      status: 'fail',
      summary: `PKCE S256 is not advertised (code_challenge_methods_supported: ${methods.map((m) => clip(m, 20)).join(', ') || 'empty'}).`,
      fix: 'Support PKCE with S256 and list it in code_challenge_methods_supported.',
      spec,
    };
  }
  return {
    status: 'pass',
    summary: `S256 advertised (${methods.map((m) => clip(m, 20)).join(', ')}).`,
    ...(methods.includes('plain') ? { details: ['"plain" is listed too; clients use S256 (OAuth 2.1 §4.1.1).'] } : {}),
    spec,
  };
};

// ---- 12. token endpoint auth methods
export const checkTokenEndpointAuth: Check = async (ctx) => {
  const listed = stringList(ctx.found.asMetadata!.record.token_endpoint_auth_methods_supported);
  // RFC 8414 §2: when omitted, the default is client_secret_basic.
  const methods = listed ?? ['client_secret_basic'];
  const details = [
    `token_endpoint_auth_methods_supported: ${listed ? listed.map((m) => clip(m, 40)).join(', ') || '(empty)' : '(absent: client_secret_basic by default)'}`,
  ];
  const spec = 'RFC 8414 §2; RFC 7591 §2; OAuth 2.1 §2.4';
  if (ctx.found.registration?.tokenEndpointAuthMethod) {
    details.push(
      `The probe registration was given token_endpoint_auth_method "${clip(ctx.found.registration.tokenEndpointAuthMethod, 40)}"${ctx.found.registration.clientSecretIssued ? ' and a client secret' : ''}.`,
    );
    if (!methods.includes(ctx.found.registration.tokenEndpointAuthMethod)) {
      return {
        status: 'warn',
        summary: `Registration hands out "${clip(ctx.found.registration.tokenEndpointAuthMethod, 40)}", which the metadata does not list.`,
        details,
        fix: 'List every method the registration endpoint assigns in token_endpoint_auth_methods_supported.',
        spec,
      };
    }
  }
  if (methods.includes('none')) {
    return {
      status: 'pass',
      summary: `Public clients supported ("none")${
        methods.length > 1
          ? `; also ${methods
              .filter((m) => m !== 'none')
              .map((m) => clip(m, 40))
              .join(', ')}`
          : ''
      }.`,
      details,
      spec,
    };
  }
  const secretMethods = methods.filter((m) => m === 'client_secret_basic' || m === 'client_secret_post');
  const registrationGivesSecret =
    ctx.found.registration?.clientSecretIssued === true ||
    (ctx.found.registration === undefined && typeof ctx.found.asMetadata!.record.registration_endpoint === 'string');
  if (secretMethods.length && registrationGivesSecret) {
    return {
      status: 'pass',
      summary: `Clients authenticate with ${secretMethods.join(' or ')}, using the secret from registration.`,
      details,
      spec,
    };
  }
  return {
    status: 'warn',
    summary: `Only ${methods.map((m) => clip(m, 40)).join(', ')}: a desktop client (public, RFC 8252 §8.5) has no way to authenticate without a secret it was given.`,
    details,
    fix: 'Support "none" for public clients with PKCE, or issue a client secret at registration.',
    spec,
  };
};

// ---- 13. refresh
export const checkRefresh: Check = async (ctx) => {
  const grants = stringList(ctx.found.asMetadata!.record.grant_types_supported);
  const spec = 'RFC 8414 §2; OAuth 2.1 §4.3';
  if (!grants) {
    return {
      status: 'warn',
      summary:
        'grant_types_supported is absent, which means authorization_code and implicit only (RFC 8414 §2): no refresh tokens, users sign in again when a token expires.',
      fix: 'Issue refresh tokens and advertise `"grant_types_supported": ["authorization_code", "refresh_token"]`.',
      spec,
    };
  }
  const details = [`grant_types_supported: ${grants.map((g) => clip(g, 60)).join(', ')}`];
  if (!grants.includes('authorization_code')) {
    return {
      status: 'fail',
      summary: 'authorization_code is not among the grant types: MCP clients cannot sign in.',
      details,
      fix: 'Support the authorization code grant with PKCE.',
      spec: 'MCP 2025-06-18 Authorization §2.5; OAuth 2.1 §4.1',
    };
  }
  if (!grants.includes('refresh_token')) {
    return {
      status: 'warn',
      summary:
        'refresh_token is not a supported grant type: users must sign in again whenever an access token expires.',
      details,
      fix: 'Issue refresh tokens (rotated for public clients) and list "refresh_token" in grant_types_supported.',
      spec,
    };
  }
  details.push('Whether refresh tokens are actually issued shows only after a sign-in.');
  return { status: 'pass', summary: 'refresh_token grant advertised.', details, spec };
};
