/**
 * The doctor's HTTP layer: every request is bounded by a timeout and the caller's signal, never
 * follows redirects (a redirect is itself a finding), and is recorded with secrets masked, using the
 * OAuth engine's masking rules. Streamed (SSE) bodies are read only as far as needed.
 */
import { anySignal } from '../auth/http.js';
import { MASK, isSecretParam, maskBody, maskHeaders, maskUrl } from '../auth/redact.js';
import type { FetchLike } from '../auth/types.js';
import type { DoctorExchange } from './types.js';

const MAX_BODY = 4000;

/** RFC 7592's registration_access_token is a secret too; the engine's list predates the doctor's probe. */
function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretParam(k) || k === 'registration_access_token' ? MASK : maskJson(v);
    }
    return out;
  }
  return value;
}

export function maskDoctorBody(body: string | undefined, contentType: string | null | undefined): string | undefined {
  if (body === undefined || body === '') return body;
  let masked = maskBody(body, contentType);
  if (masked && /registration_access_token/.test(masked)) {
    try {
      masked = JSON.stringify(maskJson(JSON.parse(masked)));
    } catch {
      masked = masked.replace(/("registration_access_token"\s*:\s*")[^"]*"/g, `$1${MASK}"`);
    }
  }
  return masked && masked.length > MAX_BODY ? `${masked.slice(0, MAX_BODY)}…` : masked;
}

export interface SentResponse {
  response: Response;
  exchange: DoctorExchange;
  /** The body text for non-streamed answers (already read; `response.body` is consumed). */
  text?: string;
}

export class DoctorHttp {
  constructor(
    private readonly fetchFn: FetchLike,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * Sends one request. Unless `stream` is set, the body is read (bounded by the timeout) and the
   * exchange is complete on return. With `stream`, an SSE answer's body is left open for the caller
   * (the exchange body then shows what `SseReader` consumed, via `appendBody`).
   */
  async send(
    url: string,
    init: RequestInit & { headers?: Record<string, string> },
    opts: { stream?: boolean; timeoutMs?: number } = {},
  ): Promise<SentResponse> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? init.body : undefined;
    const exchange: DoctorExchange = {
      request: {
        method: (init.method ?? 'GET').toUpperCase(),
        url: maskUrl(url),
        headers: maskHeaders(headers),
        ...(body !== undefined ? { body: maskDoctorBody(body, headers.get('content-type')) } : {}),
      },
      durationMs: 0,
    };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`No answer within ${timeoutMs} ms.`)), timeoutMs);
    const signal = anySignal(this.signal, controller.signal);
    const started = performance.now();
    try {
      const response = await this.fetchFn(url, { ...init, redirect: 'manual', ...(signal ? { signal } : {}) });
      exchange.response = { status: response.status, headers: maskHeaders(response.headers) };
      const type = response.headers.get('content-type') ?? '';
      if (opts.stream && response.ok && type.includes('text/event-stream')) {
        exchange.durationMs = Math.round(performance.now() - started);
        clearTimeout(timer);
        return { response, exchange };
      }
      const text = await response.text();
      exchange.response.body = maskDoctorBody(text, type);
      exchange.durationMs = Math.round(performance.now() - started);
      return { response, exchange, text };
    } catch (error) {
      exchange.durationMs = Math.round(performance.now() - started);
      exchange.error = describeNetworkError(error, controller.signal);
      if (this.signal?.aborted) throw new DoctorCancelled();
      throw new DoctorRequestError(exchange.error, exchange);
    } finally {
      clearTimeout(timer);
    }
  }
}

export class DoctorCancelled extends Error {
  constructor() {
    super('The diagnosis was cancelled.');
    this.name = 'DoctorCancelled';
  }
}

export class DoctorRequestError extends Error {
  constructor(
    message: string,
    readonly exchange: DoctorExchange,
  ) {
    super(message);
    this.name = 'DoctorRequestError';
  }
}

/** fetch's "fetch failed" hides the cause (ECONNREFUSED, a certificate error…); show it. */
export function describeNetworkError(error: unknown, timeout?: AbortSignal): string {
  if (timeout?.aborted) {
    const reason: unknown = timeout.reason;
    return reason instanceof Error ? reason.message : 'Timed out.';
  }
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) {
      const code = (current as NodeJS.ErrnoException).code;
      const text = code && !current.message.includes(code) ? `${current.message} (${code})` : current.message;
      if (!parts.includes(text)) parts.push(text);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ') || 'Unknown network error.';
}

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** A minimal reader of a text/event-stream body (WHATWG HTML §9.2 "Server-sent events" parsing). */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private readonly queue: SseEvent[] = [];
  /** Everything read so far (for the exchange record). */
  raw = '';
  private done = false;
  /** A read that outlived a timeout; the next call waits for it instead of losing its chunk. */
  private pending?: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** The next event, or undefined when the stream ends or the time is up. */
  async next(timeoutMs: number): Promise<SseEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const queued = this.queue.shift();
      if (queued) return queued;
      if (this.done) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      if (!this.pending) {
        this.pending = this.reader.read();
        this.pending.catch(() => undefined); // a stream error after close() must not be an unhandled rejection
      }
      const chunk = await Promise.race([this.pending, timeout]).finally(() => clearTimeout(timer));
      if (chunk === 'timeout') return undefined;
      this.pending = undefined;
      if (chunk.done) {
        this.done = true;
        this.parse(true);
        continue;
      }
      const text = this.decoder.decode(chunk.value, { stream: true });
      if (this.raw.length < MAX_BODY) this.raw += text;
      this.buffer += text;
      this.parse(false);
    }
  }

  private parse(final: boolean): void {
    const blocks = this.buffer.replace(/\r\n?/g, '\n').split('\n\n');
    this.buffer = final ? '' : (blocks.pop() ?? '');
    for (const block of blocks) {
      let event = 'message';
      const data: string[] = [];
      let id: string | undefined;
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      if (data.length) this.queue.push({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    }
  }

  async close(): Promise<void> {
    this.done = true;
    await this.reader.cancel().catch(() => undefined);
  }
}
