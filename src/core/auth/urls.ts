/**
 * URL rules of the OAuth engine: which URLs may be contacted, how resources and issuers compare.
 */
import { OAuthFlowError } from './errors.js';

/**
 * Loopback hosts (RFC 8252 §8.3, RFC 6761 §6.3): 127.0.0.0/8, ::1 and `localhost`. Plain http is
 * tolerated only for these, because the traffic never leaves the machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

export function isLoopbackUrl(url: string | URL): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Refuses a URL the engine would contact unless it is https, or http on loopback
 * (OAuth 2.1 §1.5, MCP authorization "Communication Security", RFC 9700 §2.6). The check runs
 * before any request, so an insecure endpoint in a metadata document is never contacted.
 */
export function assertSecureUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OAuthFlowError('insecure-url', `The ${what} is not a valid URL.`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:') {
    throw new OAuthFlowError(
      'insecure-url',
      `Refused the ${what} ${url.origin}: OAuth endpoints must use https (plain http is allowed only on loopback).`,
    );
  }
  throw new OAuthFlowError('insecure-url', `Refused the ${what}: the scheme "${url.protocol}" is not http(s).`);
}

/**
 * The authorization endpoint is opened in the user's browser: only http(s) URLs are acceptable
 * (`javascript:`, `data:`, `file:`… would run or read something locally), and http only on loopback.
 */
export function assertAuthorizationEndpoint(value: unknown): URL {
  if (typeof value !== 'string') {
    throw new OAuthFlowError('unsupported-server', 'The authorization server metadata has no authorization_endpoint.');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OAuthFlowError('insecure-url', 'The authorization endpoint is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OAuthFlowError(
      'insecure-url',
      `Refused the authorization endpoint: only http(s) URLs are opened in the browser, not "${url.protocol}".`,
    );
  }
  return assertSecureUrl(value, 'authorization endpoint');
}

/**
 * The canonical URI of an MCP server (MCP authorization "Canonical Server URI", RFC 8707 §2):
 * lower-case scheme and host (the URL parser does that), no fragment.
 */
export function canonicalResource(serverUrl: string | URL): string {
  const url = new URL(serverUrl);
  url.hash = '';
  return url.href;
}

/**
 * RFC 9728 §3.3 / §7.3: the metadata's `resource` must identify the server the client talks to,
 * so a token is never obtained for (and then passed to) another resource. The server URL must be
 * the resource itself or lie under it (same origin, path prefix on a segment boundary), as in the
 * MCP SDK's `checkResourceAllowed`.
 */
export function resourceMatches(serverUrl: string, advertised: string): boolean {
  let requested: URL;
  let configured: URL;
  try {
    requested = new URL(serverUrl);
    configured = new URL(advertised);
  } catch {
    return false;
  }
  if (requested.origin !== configured.origin) return false;
  const withSlash = (p: string) => (p.endsWith('/') ? p : `${p}/`);
  return withSlash(requested.pathname).startsWith(withSlash(configured.pathname));
}

/**
 * RFC 8414 §3.3: the `issuer` in the metadata must be identical to the issuer the metadata URL was
 * built from. The only tolerance is the root slash (`https://as.example` and `https://as.example/`
 * are the same URL), which the WHATWG parser adds on its own.
 */
export function issuersEqual(a: string, b: string): boolean {
  if (a === b) return true;
  const stripRoot = (s: string) => {
    try {
      const u = new URL(s);
      return u.pathname === '/' && !u.search && s.endsWith('/') ? s.slice(0, -1) : s;
    } catch {
      return s;
    }
  };
  return stripRoot(a) === stripRoot(b);
}
