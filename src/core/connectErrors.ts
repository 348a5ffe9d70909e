/**
 * Words for failures below MCP: the network under fetch (undici and the OS), and HTTP error pages.
 * fetch reports every network failure as `TypeError: fetch failed`; the real cause (a code such
 * as ECONNREFUSED, or a TLS verification error) sits in its `cause` chain, or, once the SSE
 * transport's EventSource has flattened it, only in the text of its message.
 */
import { ConnectionError } from './errors';

/** `host:port` of a URL, with the scheme's default port filled in; undefined for a URL that does not parse. */
export function hostPort(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'EPIPE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
];
/** Node's codes for a certificate that TLS verification refused (RFC 5280 path validation, RFC 6125 names). */
const CERT_CODES = [
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
];
/** The same failures as OpenSSL words them, for when only the flattened text is left (SSE). */
const CERT_TEXT: Array<[RegExp, string]> = [
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
  [/wrong version number/i, 'ERR_SSL_WRONG_VERSION_NUMBER'],
];

interface Found {
  code: string;
  /** The message of the error that carried the code, for TLS reasons. */
  text: string;
}

/** The first known code in an error's cause chain (also inside AggregateError and EventSource error events). */
function findCause(e: unknown): Found | undefined {
  const queue: unknown[] = [e];
  // Any other system or undici code still means the connection failed (EPROTO, UND_ERR_HEADERS_TIMEOUT, …).
  let other: Found | undefined;
  for (let seen = 0; queue.length && seen < 12; seen++) {
    const current = queue.shift();
    if (!current || typeof current !== 'object') continue;
    const c = current as { code?: unknown; cause?: unknown; message?: unknown; errors?: unknown; event?: unknown };
    const text = typeof c.message === 'string' ? c.message : '';
    if (typeof c.code === 'string' && (NETWORK_CODES.includes(c.code) || CERT_CODES.includes(c.code))) {
      return { code: c.code, text };
    }
    if (typeof c.code === 'string' && /^(E[A-Z_]+|UND_ERR_\w+)$/.test(c.code)) other ??= { code: c.code, text };
    // Fetch standard, "port blocking": fetch refuses some ports without connecting (undici: "bad port").
    if (/\bbad port\b/i.test(text)) return { code: 'BAD_PORT', text };
    const named = new RegExp(`\\b(${[...NETWORK_CODES, ...CERT_CODES].join('|')})\\b`).exec(text);
    if (named) return { code: named[1], text };
    const cert = CERT_TEXT.find(([re]) => re.test(text));
    if (cert) return { code: cert[1], text };
    queue.push(c.cause, c.event, ...(Array.isArray(c.errors) ? c.errors : []));
  }
  return other;
}

/**
 * A ConnectionError (code `refused`: no MCP exchange could happen) for a failure to reach `url`,
 * naming host:port and what to do; undefined when `e` is no network failure.
 */
export function networkFailure(e: unknown, url: string): ConnectionError | undefined {
  const found = findCause(e);
  if (!found) return undefined;
  const at = hostPort(url) ?? url;
  const host = at.replace(/:\d+$/, '');
  const { code } = found;
  const fail = (message: string, hint: string) => new ConnectionError('refused', message, hint, { cause: e });
  if (CERT_CODES.includes(code)) {
    const reason = oneLine(found.text.replace(/^.*fetch failed:\s*/i, '')) || 'verification failed';
    return fail(
      `The TLS certificate of ${at} was not accepted: ${truncate(reason, 160)} (${code}).`,
      'Use a certificate signed by a trusted authority; for a private CA, start VS Code or the CLI with NODE_EXTRA_CA_CERTS=<ca.pem>.',
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
      return fail(
        `Nothing is listening at ${at} (connection refused).`,
        'Is the server running on that port? Check the host and the port.',
      );
    case 'BAD_PORT':
      return fail(
        `fetch never connects to port ${at.slice(host.length + 1)} (the Fetch standard blocks it as a "bad port"), so nothing was sent to ${at}.`,
        'Run the server on another port, for example 3000, and change the URL.',
      );
    case 'ENOTFOUND':
      return fail(
        `The host name ${host} does not resolve (ENOTFOUND), so ${at} could not be reached.`,
        'Check the host name in the URL, and your DNS or VPN.',
      );
    case 'EAI_AGAIN':
      return fail(
        `The host name ${host} could not be resolved just now (EAI_AGAIN: DNS did not answer).`,
        'Check the network and DNS, then retry.',
      );
    case 'ECONNRESET':
      return fail(
        `${at} reset the connection (ECONNRESET) before it answered.`,
        'The server or a proxy in between dropped it: check the server log, then retry.',
      );
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return fail(
        `No connection to ${at} could be opened in time (${code}).`,
        'The host may be down, or a firewall drops the packets: check the address and the network.',
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return fail(`${at} is unreachable (${code}).`, 'Check the address and the network (VPN, proxy, firewall).');
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return fail(
        `${at} did not answer in TLS (${code}).`,
        'The server probably speaks plain HTTP: use http://, or check the port.',
      );
    default:
      return fail(
        `${at} closed the connection without a complete answer (${code}).`,
        'The server may have stopped. Reconnect when it is back.',
      );
  }
}

/** An HTTP error response, as the connection remembers it for its error message. */
export interface HttpFailure {
  status: number;
  /** `HTTP 502 Bad Gateway`. */
  statusLine: string;
  /** One line that sums up a body that is not JSON (an HTML page's title, say); undefined for JSON or no body. */
  summary?: string;
  html?: boolean;
}

const BODY_READ_LIMIT = 64 * 1024;
const BODY_READ_MS = 2000;

/** Reads (a copy of) an error response's body, bounded in size and time, and sums it up. */
export async function describeErrorResponse(response: Response): Promise<HttpFailure> {
  const failure: HttpFailure = {
    status: response.status,
    statusLine: `HTTP ${response.status}${response.statusText ? ` ${oneLine(response.statusText)}` : ''}`,
  };
  const type = response.headers.get('content-type') ?? '';
  if (/json|event-stream/i.test(type) || !response.body) return failure;
  const text = await readBounded(response.clone());
  if (text === undefined || looksLikeJson(text)) return failure;
  const html = /html|xml/i.test(type) || looksLikeHtml(text);
  const summary = summarizeBody(text, html);
  return summary ? { ...failure, summary, html } : failure;
}

/** At most 64 KiB of a response body, within 2 s: a page that never ends cannot hold anything up. */
export async function readBounded(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), BODY_READ_MS);
    timer.unref?.();
  });
  try {
    while (size < BODY_READ_LIMIT) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === 'timeout' || next.done) break;
      chunks.push(next.value);
      size += next.value.length;
    }
  } catch {
    // A body that breaks off still yields what arrived.
  } finally {
    clearTimeout(timer);
    void reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!/^[{[]/.test(t)) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

export function looksLikeHtml(text: string): boolean {
  return /<\s*(!doctype\s+html|html|head|body|title|h[1-6]|center|p|div)\b/i.test(text);
}

/**
 * One line of plain text for a body: an HTML page's <title>, else its first heading, else its text;
 * tags and entities undone, whitespace collapsed, at most ~120 characters. The result is data and is
 * shown as text (never as HTML) by every caller.
 */
export function summarizeBody(text: string, html = looksLikeHtml(text)): string {
  if (!html) return truncate(oneLine(text), 120);
  const page = withoutScripts(text);
  const pick = (re: RegExp) => oneLine(decodeEntities(stripTags(re.exec(page)?.[1] ?? '')));
  const summary =
    pick(/<title\b[^>]*>([\s\S]*?)<\/title\s*>/i) ||
    pick(/<h[1-6]\b[^>]*>([\s\S]*?)<\/h[1-6]\s*>/i) ||
    oneLine(decodeEntities(stripTags(page)));
  return truncate(summary, 120);
}

/** An HTML page's text on one line: scripts, styles, comments and tags dropped, entities undone. */
export function pageText(html: string): string {
  return oneLine(decodeEntities(stripTags(withoutScripts(html))));
}

function withoutScripts(html: string): string {
  return html.replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ').replace(/<!--[\s\S]*?(-->|$)/g, ' ');
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>?/g, ' ');
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const n = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : ' ';
    }
    return named[name.toLowerCase()] ?? whole;
  });
}

/** Collapses whitespace and control characters into single spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
