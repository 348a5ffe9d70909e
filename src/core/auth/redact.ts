/**
 * Masks secrets in what the engine emits (exchanges, logs): OAuth 2.1 §7 / RFC 9700 — tokens,
 * codes, verifiers and client secrets must not end up in logs or traces.
 */
const SECRET_PARAMS = new Set([
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'token',
  'assertion',
  'client_assertion',
  'subject_token',
  'actor_token',
  'password',
]);

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

export const MASK = '***';

export function isSecretParam(name: string): boolean {
  return SECRET_PARAMS.has(name.toLowerCase());
}

/**
 * A URL with secret parameters masked in its query and in its fragment (the implicit and hybrid
 * responses carry `#access_token=…` / `#code=…`), and no userinfo.
 */
export function maskUrl(value: string | URL): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return String(value);
  }
  if (url.username || url.password) {
    url.username = MASK;
    url.password = '';
  }
  for (const key of [...url.searchParams.keys()]) {
    if (isSecretParam(key)) url.searchParams.set(key, MASK);
  }
  if (url.hash.includes('=')) {
    const fragment = new URLSearchParams(url.hash.slice(1));
    if ([...fragment.keys()].some(isSecretParam)) url.hash = maskParams(fragment);
  }
  return url.href;
}

export function maskParams(params: URLSearchParams): string {
  const copy = new URLSearchParams();
  for (const [k, v] of params) copy.append(k, isSecretParam(k) ? MASK : v);
  return copy.toString();
}

export function maskHeaders(headers: Headers | Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [k, v] of entries) {
    const name = k.toLowerCase();
    if (SECRET_HEADERS.has(name)) {
      // Keep the scheme ("Bearer", "Basic") — useful when debugging — but never the credentials.
      const scheme = /^(\w+)\s/.exec(v)?.[1];
      out[name] = scheme ? `${scheme} ${MASK}` : MASK;
    } else if (name === 'location') {
      // A redirect from an authorization endpoint carries the code (RFC 6749 §4.1.2).
      out[name] = maskLocation(v);
    } else {
      out[name] = v;
    }
  }
  return out;
}

/** A Location header, absolute or relative, with secret query parameters masked. */
function maskLocation(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return maskUrl(value);
  const base = 'http://relative.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return value;
  }
  const masked = new URL(maskUrl(url));
  return value.startsWith('//')
    ? masked.href.slice('http:'.length)
    : `${masked.pathname}${masked.search}${masked.hash}`;
}

function maskJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJsonValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretParam(k) ? MASK : maskJsonValue(v);
    return out;
  }
  return value;
}

/** A request or response body with secrets masked: JSON by key, forms by parameter. */
export function maskBody(body: string | undefined, contentType: string | null | undefined): string | undefined {
  if (body === undefined || body === '') return body;
  const type = (contentType ?? '').toLowerCase();
  const looksJson = type.includes('json') || /^\s*[[{]/.test(body);
  if (looksJson) {
    try {
      return JSON.stringify(maskJsonValue(JSON.parse(body)));
    } catch {
      // not JSON after all
    }
  }
  if (type.includes('x-www-form-urlencoded') || /^[\w.%-]+=/.test(body)) {
    return maskParams(new URLSearchParams(body));
  }
  // Unknown text: the engine only sends JSON and forms, so this is a server's page. Keep it short.
  return body.length > 2000 ? `${body.slice(0, 2000)}…` : body;
}
