/**
 * The engine's HTTP client: every OAuth request goes through it, so that it is timed, masked and
 * reported (`onHttpExchange`), counted, bound to the caller's AbortSignal, and — where the flow
 * requires it — refuses redirects.
 */
import { OAuthFlowError } from './errors.js';
import { maskBody, maskHeaders, maskParams, maskUrl } from './redact.js';
import type { AuthStep, FetchLike, HttpExchange } from './types.js';

export interface HttpClientOptions {
  fetch: FetchLike;
  onHttpExchange?: (exchange: HttpExchange) => void;
}

function bodyText(body: RequestInit['body']): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  return '[binary body]';
}

/** `AbortSignal.any` for runtimes that lack it (VS Code's older Electron). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  const controller = new AbortController();
  for (const s of present) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

export class AuthHttpClient {
  /** Number of requests made, by step (for the figures and the tests). */
  readonly counts = new Map<AuthStep, number>();

  constructor(private readonly options: HttpClientOptions) {}

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /**
   * A FetchLike for one step. With `noRedirects`, a 3xx answer is an error: RFC 9700 §4.11 —
   * the token endpoint must not be followed to wherever it points (the SDK would follow a
   * same-origin redirect), and metadata must come from where it was asked for.
   */
  fetchFor(step: AuthStep, opts: { signal?: AbortSignal; noRedirects?: boolean } = {}): FetchLike {
    return async (input, init) => {
      const url = typeof input === 'string' ? input : input.href;
      const headers = new Headers(init?.headers);
      const reqBody = bodyText(init?.body);
      const signal = anySignal(opts.signal, init?.signal ?? undefined);
      const request = {
        method: (init?.method ?? 'GET').toUpperCase(),
        url: maskUrl(url),
        headers: maskHeaders(headers),
        body:
          init?.body instanceof URLSearchParams
            ? maskParams(init.body)
            : maskBody(reqBody, headers.get('content-type')),
      };
      this.counts.set(step, (this.counts.get(step) ?? 0) + 1);
      const started = performance.now();
      let response: Response;
      try {
        response = await this.options.fetch(url, { ...init, redirect: 'manual', ...(signal ? { signal } : {}) });
      } catch (error) {
        this.emit({
          step,
          request,
          error: error instanceof Error ? error.message : String(error),
          durationMs: performance.now() - started,
        });
        if (signal?.aborted) throw new OAuthFlowError('cancelled', 'The sign-in was cancelled.', { cause: error });
        throw error;
      }
      let text: string | undefined;
      if (this.options.onHttpExchange) {
        try {
          text = await response.clone().text();
        } catch {
          text = undefined;
        }
      }
      this.emit({
        step,
        request,
        response: {
          status: response.status,
          headers: maskHeaders(response.headers),
          body: maskBody(text, response.headers.get('content-type')),
        },
        durationMs: performance.now() - started,
      });
      if (opts.noRedirects && isRedirect(response.status)) {
        await response.body?.cancel();
        const tokenEndpoint = step === 'token' || step === 'refresh' || step === 'token-exchange';
        throw new OAuthFlowError(
          tokenEndpoint ? 'token-endpoint-redirect' : 'discovery-failed',
          `The ${step === 'token-exchange' ? "identity provider's token endpoint" : tokenEndpoint ? 'token endpoint' : step.replace(/-/g, ' ')} answered with a redirect (HTTP ${response.status}); redirects are not followed here.`,
        );
      }
      return response;
    };
  }

  private emit(exchange: HttpExchange): void {
    try {
      this.options.onHttpExchange?.(exchange);
    } catch {
      // An observer's failure must not break the sign-in.
    }
  }
}
