/**
 * Does the authorization server still know our client? An authorization server that keeps its
 * registrations in memory forgets them when it restarts; the browser would then show its error
 * page and the sign-in would wait for a callback that never comes. Before the browser is opened,
 * the engine asks the authorization endpoint itself, without following any redirect.
 *
 * Why the answer is telling (RFC 6749 §4.1.2.1): when the client identifier is missing or
 * invalid (or the redirect URI does not match), the authorization server MUST NOT redirect to the
 * redirect URI and informs the resource owner instead, with a page of its own. Every other error,
 * and every success, goes back to the client by a redirect (or shows a login or consent page
 * first). So:
 * - 2xx (a login or consent page) or 3xx (a redirect): the client is known.
 * - 400 or 401 whose body names the client as unknown — the OAuth `error` `invalid_client`
 *   (RFC 6749 §5.2), or a text such as "Client ID '…' not found" or "Invalid client_id": the client
 *   is forgotten. `unauthorized_client` is not: it means the server knows the client but will not
 *   let it use this grant. A text about the redirect URI is not either ("redirect_uri is not
 *   registered for this client"): the client is known, its redirect is what the server dislikes.
 * - Anything else (another 4xx such as a redirect URI complaint, 5xx, no answer within 10 s): not
 *   telling; the sign-in continues as it would without the pre-flight, so a server that dislikes
 *   or ignores the request loses nothing but those seconds.
 */
import { looksLikeHtml, pageText, readBounded, summarizeBody } from '../connectErrors.js';
import { safeText } from './context.js';
import { anySignal, type AuthHttpClient } from './http.js';

export type PreflightVerdict =
  | { verdict: 'known'; status: number }
  | { verdict: 'forgotten'; status: number; reason: string }
  | { verdict: 'unclear'; status?: number; reason: string };

/** How long the authorization endpoint may take to answer the check before it counts as no answer. */
const PREFLIGHT_TIMEOUT_MS = 10_000;

/** A client is named as unknown: "Client ID 'x' not found", "Invalid client_id", "unknown client"… */
const CLIENT_WORD = /client/i;
const UNKNOWN_WORDS = /not found|unknown|invalid|not registered|no such|does not exist|doesn't exist/i;
/** A complaint about the redirect URI names the client too, but the client is known. */
const REDIRECT_WORD = /redirect/i;

/** Reads what a refusal says: the OAuth error object (RFC 6749 §5.2 shape) or the page's text. */
export function describeRefusal(
  status: number,
  body: string,
  contentType: string | null,
): { unknownClient: boolean; reason: string } {
  let error: string | undefined;
  let description: string | undefined;
  if ((contentType ?? '').includes('json') || body.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object') {
        const o = parsed as { error?: unknown; error_description?: unknown };
        if (typeof o.error === 'string') error = o.error;
        if (typeof o.error_description === 'string') description = o.error_description;
      }
    } catch {
      // not JSON after all: read it as text
    }
  }
  // An HTML page is judged by its whole text and quoted by its title or heading (scripts and styles dropped).
  const oauth = error !== undefined || description !== undefined;
  const html = !oauth && looksLikeHtml(body);
  const text = oauth ? `${error ?? ''} ${description ?? ''}` : html ? pageText(body) : body;
  const reason =
    safeText(
      error !== undefined ? `${error}${description ? `: ${description}` : ''}` : summarizeBody(body, html),
      200,
    ) || `HTTP ${status}`;
  if (status !== 400 && status !== 401) return { unknownClient: false, reason };
  if (error === 'invalid_client') return { unknownClient: true, reason };
  return { unknownClient: CLIENT_WORD.test(text) && UNKNOWN_WORDS.test(text) && !REDIRECT_WORD.test(text), reason };
}

/**
 * GETs `authorizationUrl` (built with a throw-away state and PKCE challenge, so nothing of the
 * real request is spent) without following redirects, and judges the answer as described above.
 * Only a cancel is thrown; a failed request is `unclear`.
 */
export async function preflightAuthorization(
  http: AuthHttpClient,
  authorizationUrl: URL,
  signal: AbortSignal,
): Promise<PreflightVerdict> {
  // Bounded on its own: an endpoint that hangs must not hold the browser back until the sign-in
  // times out. (No AbortSignal.any/timeout: older VS Code extension hosts run Node 16.)
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), PREFLIGHT_TIMEOUT_MS);
  timer.unref?.();
  const bounded = anySignal(signal, timeout.signal) ?? timeout.signal;
  let response: Response;
  try {
    response = await http.fetchFor('authorization-preflight', { signal: bounded })(authorizationUrl.href, {
      method: 'GET',
      headers: { Accept: 'application/json, text/html;q=0.9' },
    });
  } catch (error) {
    if (signal.aborted) throw error;
    if (timeout.signal.aborted) {
      return { verdict: 'unclear', reason: `no answer within ${PREFLIGHT_TIMEOUT_MS / 1000} s` };
    }
    return { verdict: 'unclear', reason: error instanceof Error ? safeText(error.message, 200) : 'no answer' };
  } finally {
    clearTimeout(timer);
  }
  const status = response.status;
  if (status < 400) {
    await response.body?.cancel();
    return { verdict: 'known', status };
  }
  const body = (await readBounded(response)) ?? '';
  const { unknownClient, reason } = describeRefusal(status, body, response.headers.get('content-type'));
  return unknownClient ? { verdict: 'forgotten', status, reason } : { verdict: 'unclear', status, reason };
}
