/**
 * TEST-ONLY browser openers. They stand in for a person at a browser when the authorization server
 * approves without a login (the conformance suite's mock AS, our fixtures' auto-approve mode, the
 * SDK demo AS). They live under test/, so no shipped bundle contains them: in the extension or the
 * CLI they would approve on the user's behalf.
 */
import { isLoopbackUrl } from '../../src/core/auth/urls.js';
import type { FetchLike } from '../../src/core/auth/types.js';

export interface HeadlessOpenerOptions {
  fetch?: FetchLike;
  /** Redirect hops allowed before giving up. Default 10. */
  maxRedirects?: number;
  /**
   * Hosts the opener may contact. Default: loopback only, so a test can never send traffic off
   * the machine even if a metadata document points elsewhere.
   */
  allowUrl?: (url: URL) => boolean;
  /** Called with each URL visited (secrets included — tests only). */
  onVisit?: (url: URL) => void;
}

/**
 * GETs the authorization URL with `redirect: 'manual'` and follows the `Location` chain until it
 * reaches an http://127.0.0.1…/callback style URL (the loopback redirect), which it GETs last, like
 * a browser would. A page that needs a click (HTTP 200 without a redirect) is an error: this
 * opener does not fill in forms.
 */
export function headlessAutoApproveOpener(options: HeadlessOpenerOptions = {}): (url: string) => Promise<void> {
  const doFetch: FetchLike = options.fetch ?? ((u, i) => fetch(u, i));
  const allow = options.allowUrl ?? ((u: URL) => isLoopbackUrl(u));
  const max = options.maxRedirects ?? 10;
  return async (start: string) => {
    let url = new URL(start);
    for (let hop = 0; hop <= max; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`Headless opener: refusing a ${url.protocol} URL.`);
      }
      if (!allow(url)) throw new Error(`Headless opener: refusing to contact ${url.origin} (not allowed).`);
      options.onVisit?.(url);
      const response = await doFetch(url, { redirect: 'manual', headers: { Accept: 'text/html' } });
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      if (hop > 0 && isCallback(url)) return; // the callback page: the flow's listener got the response
      throw new Error(
        `Headless opener: ${url.origin}${url.pathname} answered HTTP ${response.status} without a redirect (the authorization needs a person).`,
      );
    }
    throw new Error('Headless opener: too many redirects.');
  };
}

function isCallback(url: URL): boolean {
  return (
    isLoopbackUrl(url) &&
    url.searchParams.has('state') &&
    (url.searchParams.has('code') || url.searchParams.has('error'))
  );
}
