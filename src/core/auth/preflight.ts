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
 * - 400 or 401 whose body names the client as unknown — the OAuth `error` `invalid_client` or
 *   `unauthorized_client` (RFC 6749 §5.2, §4.1.2.1), or a text such as "Client ID '…' not found"
 *   or "Invalid client_id": the client is forgotten.
 * - Anything else (another 4xx such as a redirect URI complaint, 5xx, no answer): not telling; the
 *   sign-in continues as it would without the pre-flight, so a server that dislikes the request
 *   loses nothing.
 */
import type { AuthHttpClient } from './http.js';

export type PreflightVerdict =
  | { verdict: 'known'; status: number }
  | { verdict: 'forgotten'; status: number; reason: string }
  | { verdict: 'unclear'; status?: number; reason: string };

const UNKNOWN_CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/** A client is named as unknown: "Client ID 'x' not found", "Invalid client_id", "unknown client"… */
const CLIENT_WORD = /client/i;
const UNKNOWN_WORDS = /not found|unknown|invalid|not registered|no such|does not exist|doesn't exist/i;

/** One line of server text for a message: bounded, no control characters. */
function oneLine(text: string, max = 200): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

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
  // An HTML page is read as its text only.
  const text =
    error !== undefined || description !== undefined
      ? `${error ?? ''} ${description ?? ''}`
      : body.replace(/<[^>]*>/g, ' ');
  const reason =
    oneLine(error !== undefined ? `${error}${description ? `: ${description}` : ''}` : text) || `HTTP ${status}`;
  if (status !== 400 && status !== 401) return { unknownClient: false, reason };
  if (error !== undefined && UNKNOWN_CLIENT_ERRORS.has(error)) return { unknownClient: true, reason };
  return { unknownClient: CLIENT_WORD.test(text) && UNKNOWN_WORDS.test(text), reason };
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
  let response: Response;
  try {
    response = await http.fetchFor('authorization-preflight', { signal })(authorizationUrl.href, {
      method: 'GET',
      headers: { Accept: 'application/json, text/html;q=0.9' },
    });
  } catch (error) {
    if (signal.aborted) throw error;
    return { verdict: 'unclear', reason: error instanceof Error ? oneLine(error.message) : 'no answer' };
  }
  const status = response.status;
  if (status < 400) {
    await response.body?.cancel();
    return { verdict: 'known', status };
  }
  const body = await response.text().then(
    (text) => text.slice(0, 4000),
    () => '',
  );
  const { unknownClient, reason } = describeRefusal(status, body, response.headers.get('content-type'));
  return unknownClient ? { verdict: 'forgotten', status, reason } : { verdict: 'unclear', status, reason };
}
