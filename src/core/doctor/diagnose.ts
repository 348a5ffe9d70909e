/**
 * The connection doctor (issue 5 §2): fourteen checks, in order, against one MCP server URL — from
 * the URL and the socket up to how the server treats a bogus token. Each failure names what the
 * server's author should change and the spec section it breaks. Discovery follows the same rules
 * as the OAuth engine (src/core/auth/), whose URL builders and comparisons are reused here, but the
 * doctor tries every location and keeps going after a problem so that one run reports everything.
 *
 * Side effects on the server: one MCP session may be opened (and is deleted again) when the server
 * needs no authorization, and the registration endpoint receives one throw-away registration for a
 * loopback redirect URI (unless `probeRegistration: false`).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { buildDiscoveryUrls } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  OAuthMetadataSchema,
  OAuthProtectedResourceMetadataSchema,
  OpenIdProviderDiscoveryMetadataSchema,
  type OAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { validateServerUrl } from '../config.js';
import { describeZod, protectedResourceMetadataUrls } from '../auth/discovery.js';
import { parseBearerChallenge } from '../auth/engine.js';
import { OAuthFlowError } from '../auth/errors.js';
import { assertAuthorizationEndpoint, assertSecureUrl, canonicalResource, isLoopbackHost, issuersEqual, resourceMatches } from '../auth/urls.js';
import { DoctorCancelled, DoctorHttp, DoctorRequestError, SseReader, describeNetworkError, type SentResponse } from './http.js';
import { bareHost, defaultPort, resolveHost, tcpConnect, tlsHandshake } from './network.js';
import {
  CHECK_IDS,
  CHECK_TITLES,
  type CheckId,
  type CheckStatus,
  type DoctorCheckResult,
  type DoctorExchange,
  type DoctorOptions,
  type DoctorReport,
} from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const CLIENT_INFO = { name: 'mcp-lens-doctor', version: '1.0.0' };
const JSON_ACCEPT = { Accept: 'application/json', 'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION };

/** What a check function returns; the runner adds id, title, timing and exchanges. */
interface Verdict {
  status: CheckStatus;
  summary: string;
  details?: string[];
  fix?: string;
  spec?: string;
}

/** The server's answer to the unauthenticated initialize (checks 4–6). */
interface InitOutcome {
  kind: 'initialized' | 'auth-required' | 'error';
  transport?: 'streamable-http' | 'sse';
  /** The 401 (its headers carry the challenge of check 7). */
  challengeResponse?: { status: number; headers: Headers };
  result?: Record<string, unknown>;
  error?: string;
  status?: number;
}

interface AsMetadataFound {
  url: string;
  type: 'oauth' | 'oidc';
  record: Record<string, unknown>;
}

interface RegistrationProbe {
  accepted: boolean;
  tokenEndpointAuthMethod?: string;
  clientSecretIssued?: boolean;
}

function bodyObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Server-provided text in a summary: one line, bounded. */
function clip(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

function initializeRequest(id: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
  });
}

export async function diagnose(url: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  return new DoctorRun(url, options).execute();
}

class DoctorRun {
  private readonly results: DoctorCheckResult[] = [];
  private readonly http: DoctorHttp;
  private readonly timeoutMs: number;
  private exchanges: DoctorExchange[] = [];
  private readonly startedAt = new Date();

  // State passed from check to check.
  private url?: URL;
  private resource = '';
  private connectedAddress?: string;
  private stopReason?: string;
  private firstProbe?: SentResponse;
  private init?: InitOutcome;
  private challengeMissing = false;
  private challengeUrl?: string;
  private prm?: { url: string; metadata: OAuthProtectedResourceMetadata };
  private prmUnusable = false;
  private issuer?: string;
  private asMetadata?: AsMetadataFound;
  private registration?: RegistrationProbe;

  constructor(
    private readonly input: string,
    private readonly options: DoctorOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fetchFn = options.fetch ?? ((u: string | URL, init?: RequestInit) => fetch(u, init));
    this.http = new DoctorHttp(fetchFn, this.timeoutMs, options.signal);
  }

  async execute(): Promise<DoctorReport> {
    const steps: Record<CheckId, () => Promise<Verdict>> = {
      url: () => this.checkUrl(),
      'dns-tcp': () => this.checkDnsTcp(),
      tls: () => this.checkTls(),
      http: () => this.checkHttp(),
      transport: () => this.checkTransport(),
      initialize: () => this.checkInitialize(),
      challenge: () => this.checkChallenge(),
      'resource-metadata': () => this.checkResourceMetadata(),
      'authorization-server-metadata': () => this.checkAuthorizationServer(),
      pkce: () => this.checkPkce(),
      registration: () => this.checkRegistration(),
      'token-endpoint-auth': () => this.checkTokenEndpointAuth(),
      refresh: () => this.checkRefresh(),
      'invalid-token': () => this.checkInvalidToken(),
    };
    for (const [i, id] of CHECK_IDS.entries()) {
      if (this.options.signal?.aborted) throw new DoctorCancelled();
      const skip = this.skipReason(id);
      const started = performance.now();
      this.exchanges = [];
      let verdict: Verdict;
      if (skip) {
        verdict = { status: 'skip', summary: skip };
      } else {
        try {
          verdict = await steps[id]();
        } catch (error) {
          if (error instanceof DoctorCancelled || this.options.signal?.aborted) throw new DoctorCancelled();
          if (error instanceof DoctorRequestError) {
            verdict = {
              status: 'fail',
              summary: `A request failed: ${error.message}`,
              fix: 'Make sure the endpoint is reachable from the client and answers within the time limit.',
            };
          } else {
            verdict = { status: 'fail', summary: `The check could not run: ${error instanceof Error ? error.message : String(error)}` };
          }
        }
      }
      const result: DoctorCheckResult = {
        id,
        index: i + 1,
        title: CHECK_TITLES[id],
        ...verdict,
        durationMs: Math.round(performance.now() - started),
        ...(this.exchanges.length ? { exchanges: this.exchanges } : {}),
      };
      this.results.push(result);
      try {
        this.options.onCheck?.(result);
      } catch {
        // An observer's failure must not stop the diagnosis.
      }
    }
    const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
    for (const r of this.results) counts[r.status]++;
    return {
      url: this.input,
      startedAt: this.startedAt.toISOString(),
      durationMs: Math.round(Date.now() - this.startedAt.getTime()),
      ...(this.init?.transport ? { transport: this.init.transport } : {}),
      authorizationRequired: this.init?.kind === 'auth-required',
      checks: this.results,
      counts,
      ok: counts.fail === 0,
    };
  }

  /** Why a check cannot run, given what the earlier ones found. */
  private skipReason(id: CheckId): string | undefined {
    if (this.stopReason) return this.stopReason;
    const index = CHECK_IDS.indexOf(id);
    if (index <= CHECK_IDS.indexOf('initialize')) return undefined;
    if (this.init?.kind === 'initialized') return 'The server does not require authorization: initialize succeeded without a token.';
    if (this.init?.kind !== 'auth-required') return 'Skipped: initialize did not succeed, so the authorization checks do not apply.';
    if (id === 'challenge' || id === 'resource-metadata' || id === 'invalid-token') return undefined;
    if (this.prmUnusable) return 'Skipped: no usable protected resource metadata, so the authorization server is unknown.';
    if (id === 'authorization-server-metadata') return undefined;
    if (!this.asMetadata) {
      if (id === 'registration' && this.prm === undefined && this.issuer) return undefined; // 2025-03-26 default /register
      return 'Skipped: no authorization server metadata.';
    }
    return undefined;
  }

  private async send(url: string, init: RequestInit & { headers?: Record<string, string> }, opts: { stream?: boolean } = {}): Promise<SentResponse> {
    try {
      const sent = await this.http.send(url, init, opts);
      this.exchanges.push(sent.exchange);
      return sent;
    } catch (error) {
      if (error instanceof DoctorRequestError) this.exchanges.push(error.exchange);
      throw error;
    }
  }

  private mcpHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.headers ?? {}), ...extra };
  }

  // ------------------------------------------------------------------ 1. URL

  private async checkUrl(): Promise<Verdict> {
    const problem = validateServerUrl(this.input);
    if (problem) {
      this.stopReason = 'Skipped: the URL is not usable.';
      return { status: 'fail', summary: problem, fix: 'Give the full URL of the MCP endpoint, for example https://mcp.example.com/mcp.', spec: 'MCP 2025-06-18 Transports §2.2 (Streamable HTTP)' };
    }
    const url = new URL(this.input.trim());
    this.url = url;
    this.resource = canonicalResource(url);
    const details = [`Canonical server URI (RFC 8707 resource): ${this.resource}`];
    if (url.hash) {
      return {
        status: 'warn',
        summary: 'The URL has a fragment; it is dropped from the resource identifier.',
        details,
        fix: 'Publish the MCP endpoint without a #fragment.',
        spec: 'MCP 2025-06-18 Authorization §2.5.1 (Canonical Server URI); RFC 8707 §2',
      };
    }
    const loopback = isLoopbackHost(bareHost(url)) || isLoopbackHost(url.hostname);
    if (url.protocol === 'http:' && !loopback) {
      return {
        status: 'warn',
        summary: `Plain http to a remote host (${url.host}): tokens and MCP traffic would cross the network unencrypted, and OAuth clients refuse non-loopback http endpoints.`,
        details,
        fix: 'Serve the MCP endpoint (and every OAuth endpoint) over https.',
        spec: 'MCP 2025-06-18 Authorization "Communication Security"; OAuth 2.1 §1.5',
      };
    }
    return { status: 'pass', summary: `${url.protocol === 'https:' ? 'https' : 'http'} URL${loopback ? ' on loopback' : ''}: ${this.resource}`, details };
  }

  // ------------------------------------------------------------------ 2. DNS and TCP

  private async checkDnsTcp(): Promise<Verdict> {
    const url = this.url!;
    const port = defaultPort(url);
    let resolved: { addresses: string[]; resolved: boolean };
    try {
      resolved = await resolveHost(url, this.options.lookup);
    } catch (error) {
      this.stopReason = 'Skipped: the host name does not resolve.';
      const code = (error as NodeJS.ErrnoException).code;
      return {
        status: 'fail',
        summary: `The host name ${bareHost(url)} does not resolve${code ? ` (${code})` : ''}.`,
        fix: 'Check the host name in the URL and its DNS records (an A or AAAA record must exist).',
        spec: 'RFC 1034 §4.3.1; RFC 3986 §3.2.2',
      };
    }
    try {
      const connected = await tcpConnect(resolved.addresses, port, this.timeoutMs, this.options.signal);
      this.connectedAddress = connected.address;
      const how = resolved.resolved
        ? `${bareHost(url)} resolves to ${resolved.addresses.join(', ')}`
        : isIP(bareHost(url))
          ? 'IP literal, no name resolution'
          : 'loopback name, not resolved';
      return {
        status: 'pass',
        summary: `TCP connection to ${connected.address}:${port} in ${connected.durationMs} ms (${how}).`,
        ...(connected.errors.length ? { details: [`Refused first: ${connected.errors.join('; ')}`] } : {}),
      };
    } catch (error) {
      if (this.options.signal?.aborted) throw new DoctorCancelled();
      this.stopReason = 'Skipped: no TCP connection.';
      const errors = (error as { errors?: string[] }).errors ?? [describeNetworkError(error)];
      const refused = errors.some((e) => e.includes('ECONNREFUSED'));
      return {
        status: 'fail',
        summary: refused ? `Nothing accepts connections on port ${port} (connection refused).` : `No TCP connection to port ${port}.`,
        details: errors,
        fix: refused
          ? `Start the server, or check the port: it must listen on ${bareHost(url)}:${port}.`
          : 'Check that the server is running and that no firewall drops the connection.',
      };
    }
  }

  // ------------------------------------------------------------------ 3. TLS

  private async checkTls(): Promise<Verdict> {
    const url = this.url!;
    if (url.protocol !== 'https:') return { status: 'skip', summary: 'Plain http: no TLS.' };
    try {
      const tls = await tlsHandshake(this.connectedAddress ?? bareHost(url), url, this.timeoutMs);
      const details = [
        `Protocol ${tls.protocol ?? 'unknown'}${tls.alpn ? `, ALPN ${tls.alpn}` : ''}`,
        `Certificate: ${tls.subject ?? '(no subject)'} issued by ${tls.issuer ?? '(unknown)'}, valid ${tls.validFrom ?? '?'} – ${tls.validTo ?? '?'}`,
      ];
      if (!tls.authorized) {
        this.stopReason = 'Skipped: the TLS certificate is not trusted, so clients stop here.';
        return {
          status: 'fail',
          summary: `The certificate is not trusted: ${tls.authorizationError ?? 'verification failed'}.`,
          details,
          fix: `Serve a certificate for ${bareHost(url)} from a publicly trusted CA, with the full chain.`,
          spec: 'RFC 9110 §4.3.4; RFC 6125 §6',
        };
      }
      if (tls.protocol === 'TLSv1' || tls.protocol === 'TLSv1.1') {
        return { status: 'fail', summary: `${tls.protocol} is deprecated.`, details, fix: 'Enable TLS 1.2 or 1.3 and disable TLS 1.0/1.1.', spec: 'RFC 8996' };
      }
      return { status: 'pass', summary: `${tls.protocol ?? 'TLS'} handshake with a trusted certificate for ${bareHost(url)}.`, details };
    } catch (error) {
      this.stopReason = 'Skipped: no TLS handshake.';
      return {
        status: 'fail',
        summary: `The TLS handshake failed: ${describeNetworkError(error)}.`,
        fix: 'Serve TLS on this port (is it plain http? then use an http:// URL).',
        spec: 'RFC 8446',
      };
    }
  }

  // ------------------------------------------------------------------ 4. HTTP reachability

  /** The first request of the transport negotiation (MCP 2025-06-18 Transports, "Backwards Compatibility"). */
  private async checkHttp(): Promise<Verdict> {
    const sse = this.options.transport === 'sse';
    try {
      this.firstProbe = sse ? await this.sseGet(this.resource) : await this.postInitialize(this.resource);
    } catch (error) {
      if (!(error instanceof DoctorRequestError)) throw error;
      this.stopReason = 'Skipped: no HTTP answer.';
      return {
        status: 'fail',
        summary: `No HTTP answer to ${sse ? 'GET' : 'POST'} ${this.resource}: ${error.message}`,
        fix: 'Check that an HTTP server (not another protocol) listens on this port and answers within the time limit.',
        spec: 'RFC 9110',
      };
    }
    const { response } = this.firstProbe;
    const method = sse ? 'GET' : 'POST';
    if (response.status >= 300 && response.status < 400) {
      this.stopReason = 'Skipped: the endpoint redirects.';
      await this.closeStream(this.firstProbe);
      const location = response.headers.get('location');
      return {
        status: 'fail',
        summary: `${method} ${this.resource} answered HTTP ${response.status}${location ? `, redirecting to ${clip(location)}` : ''}.`,
        fix: location
          ? `Configure clients with the final URL (${clip(location)}) or serve MCP at this one; resource identifiers and tokens are bound to the exact URL.`
          : 'Serve MCP at this URL without a redirect.',
        spec: 'MCP 2025-06-18 Authorization §2.5.1 (Canonical Server URI); RFC 9110 §15.4',
      };
    }
    return { status: 'pass', summary: `${method} ${this.resource} answered HTTP ${response.status} in ${this.firstProbe.exchange.durationMs} ms.` };
  }

  private postInitialize(url: string, headers: Record<string, string> = {}): Promise<SentResponse> {
    return this.send(
      url,
      {
        method: 'POST',
        headers: this.mcpHeaders({ 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers }),
        body: initializeRequest(1),
      },
      { stream: true },
    );
  }

  private sseGet(url: string, headers: Record<string, string> = {}): Promise<SentResponse> {
    return this.send(url, { method: 'GET', headers: this.mcpHeaders({ Accept: 'text/event-stream', ...headers }) }, { stream: true });
  }

  private async closeStream(sent: SentResponse | undefined): Promise<void> {
    if (sent && sent.text === undefined) await sent.response.body?.cancel().catch(() => undefined);
  }

  // ------------------------------------------------------------------ 5. transport (and 6's request)

  private async checkTransport(): Promise<Verdict> {
    const mode = this.options.transport ?? 'auto';
    const probe = this.firstProbe!;
    const status = probe.response.status;
    if (mode === 'sse') return this.finishSse(probe, []);

    const tried = [`POST ${this.resource} → HTTP ${status}`];
    if (status === 401) {
      this.init = { kind: 'auth-required', transport: 'streamable-http', challengeResponse: { status, headers: probe.response.headers } };
      return {
        status: 'pass',
        summary: 'Streamable HTTP (assumed): the POST initialize answered 401, so the server wants a token before it speaks MCP.',
        details: [...tried, 'The transport is confirmed once a client is signed in; a client falls back to SSE only on other 4xx answers.'],
        spec: 'MCP 2025-06-18 Transports §2.2, "Backwards Compatibility"',
      };
    }
    if (status >= 200 && status < 300) {
      const outcome = await this.readInitializeAnswer(probe);
      this.init = { ...outcome, transport: 'streamable-http' };
      return { status: 'pass', summary: `Streamable HTTP: the POST initialize answered HTTP ${status} (${probe.response.headers.get('content-type') ?? 'no content type'}).`, details: tried };
    }
    if (status >= 400 && status < 500 && mode === 'auto') {
      // MCP 2025-06-18 Transports "Backwards Compatibility": a 4xx to the POST means "try the old HTTP+SSE transport".
      const get = await this.sseGet(this.resource);
      return this.finishSse(get, tried);
    }
    this.init = { kind: 'error', transport: 'streamable-http', status, error: `HTTP ${status}` };
    this.stopReason = 'Skipped: no MCP transport answered.';
    return {
      status: 'fail',
      summary: `The POST initialize answered HTTP ${status}${mode === 'streamable-http' ? '' : ' (not a 4xx, so clients do not try SSE)'}.`,
      details: tried,
      fix:
        status >= 500
          ? 'Fix the server error: an initialize request must get an InitializeResult (or a 401 when a token is needed).'
          : 'Serve Streamable HTTP at this URL: POST with a JSON-RPC initialize must be answered with application/json or text/event-stream.',
      spec: 'MCP 2025-06-18 Transports §2.2 (Streamable HTTP)',
    };
  }

  private async finishSse(get: SentResponse, tried: string[]): Promise<Verdict> {
    const status = get.response.status;
    tried.push(`GET ${this.resource} (Accept: text/event-stream) → HTTP ${status}`);
    if (status === 401) {
      this.init = { kind: 'auth-required', transport: 'sse', challengeResponse: { status, headers: get.response.headers } };
      return {
        status: 'pass',
        summary: 'HTTP+SSE (2024-11-05 transport, assumed): the GET answered 401, so the server wants a token before it opens the stream.',
        details: tried,
        spec: 'MCP 2024-11-05 Transports "HTTP with SSE"',
      };
    }
    const type = get.response.headers.get('content-type') ?? '';
    if (status === 200 && type.includes('text/event-stream') && get.response.body) {
      const reader = new SseReader(get.response.body);
      try {
        const first = await reader.next(this.timeoutMs);
        if (!first || first.event !== 'endpoint') {
          this.init = { kind: 'error', transport: 'sse', error: 'no endpoint event' };
          this.stopReason = 'Skipped: the SSE stream did not announce its endpoint.';
          return {
            status: 'fail',
            summary: first ? `The SSE stream's first event is "${clip(first.event, 40)}", not "endpoint".` : 'The SSE stream sent no endpoint event in time.',
            details: tried,
            fix: 'Send `event: endpoint` with the POST URL as the first event of the stream.',
            spec: 'MCP 2024-11-05 Transports "HTTP with SSE"',
          };
        }
        const endpoint = new URL(first.data.trim(), this.resource);
        tried.push(`endpoint event → ${endpoint.href}`);
        if (endpoint.origin !== new URL(this.resource).origin) {
          this.init = { kind: 'error', transport: 'sse', error: 'cross-origin endpoint' };
          this.stopReason = 'Skipped: the SSE endpoint is on another origin.';
          return {
            status: 'fail',
            summary: `The endpoint event points to another origin (${endpoint.origin}); clients refuse it.`,
            details: tried,
            fix: 'Announce a POST endpoint on the same origin as the SSE stream.',
            spec: 'MCP 2024-11-05 Transports "HTTP with SSE"',
          };
        }
        this.init = { ...(await this.initializeOverSse(reader, endpoint.href)), transport: 'sse' };
        return { status: 'pass', summary: `HTTP+SSE (2024-11-05 transport): the stream announced ${endpoint.pathname}.`, details: tried, spec: 'MCP 2025-06-18 Transports "Backwards Compatibility"' };
      } finally {
        get.exchange.response!.body = reader.raw.slice(0, 4000);
        await reader.close();
      }
    }
    await this.closeStream(get);
    this.init = { kind: 'error', status, error: `HTTP ${status}` };
    this.stopReason = 'Skipped: no MCP transport answered.';
    return {
      status: 'fail',
      summary: `Neither transport answered: ${tried.join('; ')}.`,
      details: tried,
      fix: 'Check the path of the MCP endpoint (usually /mcp for Streamable HTTP, /sse for the old HTTP+SSE transport).',
      spec: 'MCP 2025-06-18 Transports §2.2, "Backwards Compatibility"',
    };
  }

  private async initializeOverSse(reader: SseReader, endpoint: string): Promise<InitOutcome> {
    const post = await this.send(endpoint, {
      method: 'POST',
      headers: this.mcpHeaders({ 'Content-Type': 'application/json' }),
      body: initializeRequest(1),
    });
    if (post.response.status === 401) return { kind: 'auth-required', challengeResponse: { status: 401, headers: post.response.headers } };
    if (post.response.status < 200 || post.response.status >= 300) return { kind: 'error', status: post.response.status, error: `HTTP ${post.response.status} from the POST endpoint` };
    for (;;) {
      const event = await reader.next(this.timeoutMs);
      if (!event) return { kind: 'error', error: 'no initialize response on the SSE stream in time' };
      if (event.event !== 'message') continue;
      const outcome = this.interpretJsonRpc(event.data);
      if (outcome) return outcome;
    }
  }

  /** A JSON-RPC answer to id 1, or undefined when the message is something else (a notification). */
  private interpretJsonRpc(text: string): InitOutcome | undefined {
    const message = bodyObject(text);
    if (!message || message.id !== 1) return undefined;
    if (message.error && typeof message.error === 'object') {
      const e = message.error as { code?: unknown; message?: unknown };
      return { kind: 'error', error: `JSON-RPC error ${String(e.code)}: ${clip(String(e.message ?? ''))}` };
    }
    if (message.result && typeof message.result === 'object') return { kind: 'initialized', result: message.result as Record<string, unknown> };
    return { kind: 'error', error: 'a JSON-RPC response with neither result nor error' };
  }

  private async readInitializeAnswer(sent: SentResponse): Promise<InitOutcome> {
    let outcome: InitOutcome | undefined;
    if (sent.text !== undefined) {
      outcome = this.interpretJsonRpc(sent.text) ?? { kind: 'error', error: 'the answer is not a JSON-RPC response to initialize' };
    } else if (sent.response.body) {
      const reader = new SseReader(sent.response.body);
      try {
        for (;;) {
          const event = await reader.next(this.timeoutMs);
          if (!event) {
            outcome = { kind: 'error', error: 'the event stream ended without a response to initialize' };
            break;
          }
          outcome = this.interpretJsonRpc(event.data);
          if (outcome) break;
        }
      } finally {
        sent.exchange.response!.body = reader.raw.slice(0, 4000);
        await reader.close();
      }
    } else {
      outcome = { kind: 'error', error: 'an empty answer' };
    }
    const session = sent.response.headers.get('mcp-session-id');
    if (session) {
      // Leave no session behind (MCP 2025-06-18 Transports "Session Management": DELETE ends it).
      await this.send(this.resource, { method: 'DELETE', headers: this.mcpHeaders({ 'Mcp-Session-Id': session, 'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION }) }).catch(() => undefined);
    }
    return outcome;
  }

  // ------------------------------------------------------------------ 6. initialize

  private async checkInitialize(): Promise<Verdict> {
    const init = this.init!;
    if (init.kind === 'auth-required') {
      return {
        status: 'pass',
        summary: 'Requires authorization: initialize without a token is answered with HTTP 401, as a protected MCP server should.',
        spec: 'MCP 2025-06-18 Authorization §2.6.2 (Token Handling); RFC 6750 §3',
      };
    }
    if (init.kind === 'error') {
      this.stopReason = 'Skipped: initialize failed.';
      const forbidden = init.status === 403;
      return {
        status: 'fail',
        summary: `initialize failed: ${init.error ?? 'unknown error'}.`,
        fix: forbidden
          ? 'Answer a request without a token with 401 and a WWW-Authenticate challenge, not 403 (403 means the token lacks a scope).'
          : 'Answer initialize with an InitializeResult (protocolVersion, capabilities, serverInfo).',
        spec: forbidden ? 'RFC 6750 §3.1; MCP 2025-06-18 Authorization "Error Handling"' : 'MCP 2025-06-18 Lifecycle §Initialization',
      };
    }
    const result = init.result ?? {};
    const info = (result.serverInfo ?? {}) as { name?: unknown; version?: unknown };
    const version = typeof result.protocolVersion === 'string' ? result.protocolVersion : undefined;
    const capabilities = result.capabilities && typeof result.capabilities === 'object' ? Object.keys(result.capabilities) : [];
    const details = [`serverInfo: ${clip(String(info.name ?? '?'), 80)} ${clip(String(info.version ?? ''), 40)}`, `capabilities: ${capabilities.join(', ') || '(none)'}`];
    if (!version || !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return {
        status: 'fail',
        summary: `The server answered with protocol version ${version ? `"${clip(version, 40)}"` : '(none)'}, which clients do not support.`,
        details,
        fix: `Answer with a supported protocol version (${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}), preferably the one the client sent.`,
        spec: 'MCP 2025-06-18 Lifecycle §Version Negotiation',
      };
    }
    return { status: 'pass', summary: `Initialized without authorization: ${clip(String(info.name ?? 'server'), 80)}, protocol ${version}.`, details };
  }

  // ------------------------------------------------------------------ 7. the 401 challenge

  private async checkChallenge(): Promise<Verdict> {
    const header = this.init!.challengeResponse!.headers.get('www-authenticate');
    const spec = 'RFC 6750 §3; RFC 9728 §5.1; MCP 2025-06-18 Authorization §2.3.1';
    if (!header) {
      this.challengeMissing = true;
      return {
        status: 'fail',
        summary: 'The 401 has no WWW-Authenticate header.',
        fix: 'Send `WWW-Authenticate: Bearer resource_metadata="<protected resource metadata URL>"` with every 401; clients read the metadata location (and scope) from it.',
        spec,
      };
    }
    if (!/(^|,)\s*Bearer\b/i.test(header)) {
      this.challengeMissing = true;
      return {
        status: 'fail',
        summary: `The WWW-Authenticate header does not offer the Bearer scheme: ${clip(header)}.`,
        fix: 'Use the Bearer scheme: `WWW-Authenticate: Bearer resource_metadata="…"`.',
        spec,
      };
    }
    const challenge = parseBearerChallenge(header);
    const details = [`WWW-Authenticate: ${clip(header, 400)}`];
    if (challenge.scope) details.push(`scope: ${clip(challenge.scope)} (clients request it; MCP 2025-11-25 Authorization "Scope Selection Strategy")`);
    if (challenge.error) {
      details.push(`error="${clip(challenge.error, 60)}" on a request without a token (RFC 6750 §3.1 says the error code SHOULD be omitted then; harmless, and what the MCP SDK sends).`);
    }
    if (challenge.resourceMetadataUrl) {
      try {
        assertSecureUrl(new URL(challenge.resourceMetadataUrl).href, 'resource_metadata URL');
      } catch (error) {
        return {
          status: 'fail',
          summary: `resource_metadata is not usable: ${error instanceof OAuthFlowError ? error.message : clip(challenge.resourceMetadataUrl)}`,
          details,
          fix: 'Put the absolute https URL of the protected resource metadata in resource_metadata.',
          spec: 'RFC 9728 §5.1; OAuth 2.1 §1.5',
        };
      }
      this.challengeUrl = challenge.resourceMetadataUrl;
      return { status: 'pass', summary: `Bearer challenge with resource_metadata="${clip(challenge.resourceMetadataUrl)}"${challenge.scope ? ` and scope="${clip(challenge.scope, 80)}"` : ''}.`, details, spec };
    }
    details.push('No resource_metadata parameter: clients fall back to the well-known URLs (MCP 2025-11-25 Authorization "Protected Resource Metadata Discovery Requirements"). Clients written for 2025-06-18 expect it.');
    return { status: 'pass', summary: `Bearer challenge without resource_metadata${challenge.scope ? `, scope="${clip(challenge.scope, 80)}"` : ''}.`, details, spec };
  }

  // ------------------------------------------------------------------ 8. protected resource metadata

  private async checkResourceMetadata(): Promise<Verdict> {
    const wellKnown = protectedResourceMetadataUrls(this.resource);
    const candidates = this.challengeUrl ? [this.challengeUrl] : wellKnown;
    const tried: string[] = [];
    for (const candidate of candidates) {
      try {
        assertSecureUrl(candidate, 'protected resource metadata URL');
      } catch (error) {
        this.prmUnusable = true;
        return { status: 'fail', summary: (error as Error).message, details: tried, fix: 'Serve the protected resource metadata over https.', spec: 'RFC 9728 §3; OAuth 2.1 §1.5' };
      }
      const sent = await this.send(candidate, { method: 'GET', headers: JSON_ACCEPT });
      const status = sent.response.status;
      tried.push(`GET ${candidate} → HTTP ${status}`);
      if (status >= 500) {
        this.prmUnusable = true;
        return { status: 'fail', summary: `HTTP ${status} from ${candidate}.`, details: tried, fix: 'Fix the server error of the metadata endpoint.', spec: 'RFC 9728 §3.2' };
      }
      if (status !== 200) continue;
      const raw = bodyObject(sent.text);
      if (!raw) {
        this.prmUnusable = true;
        return { status: 'fail', summary: `The document at ${candidate} is not a JSON object.`, details: tried, fix: 'Answer with a JSON object (Content-Type: application/json).', spec: 'RFC 9728 §3.2' };
      }
      const parsed = OAuthProtectedResourceMetadataSchema.safeParse(raw);
      if (!parsed.success) {
        this.prmUnusable = true;
        return {
          status: 'fail',
          summary: `Invalid protected resource metadata at ${candidate}: ${clip(describeZod(parsed.error), 300)}`,
          details: tried,
          fix: 'Publish a document with at least `resource` and `authorization_servers`.',
          spec: 'RFC 9728 §2',
        };
      }
      const metadata = parsed.data;
      this.prm = { url: candidate, metadata };
      const servers = metadata.authorization_servers ?? [];
      tried.push(`resource: ${clip(metadata.resource)}`, `authorization_servers: ${servers.map((s) => clip(s)).join(', ') || '(none)'}`);
      if (metadata.scopes_supported?.length) tried.push(`scopes_supported: ${metadata.scopes_supported.map((s) => clip(s, 60)).join(' ')}`);
      if (servers.length === 0) {
        this.prmUnusable = true;
        return {
          status: 'fail',
          summary: 'The protected resource metadata names no authorization server.',
          details: tried,
          fix: 'List the issuer of your authorization server in `authorization_servers`.',
          spec: 'MCP 2025-06-18 Authorization §2.3.1; RFC 9728 §2',
        };
      }
      this.issuer = servers[0];
      if (servers.length > 1) tried.push(`Clients choose one of ${servers.length} authorization servers (RFC 9728 §7.6); the doctor examines the first.`);
      if (!resourceMatches(this.resource, metadata.resource)) {
        return {
          status: 'fail',
          summary: `The metadata is for the resource "${clip(metadata.resource)}", not for ${this.resource}: clients must refuse it.`,
          details: tried,
          fix: `Set "resource" to ${this.resource} (the URL clients connect to), so tokens are requested for this server.`,
          spec: 'RFC 9728 §3.3; MCP 2025-06-18 Authorization §2.5.1',
        };
      }
      const exact = metadata.resource.replace(/\/$/, '') === this.resource.replace(/\/$/, '');
      const rootFallback = !this.challengeUrl && wellKnown.length > 1 && candidate === wellKnown[wellKnown.length - 1];
      if (rootFallback) {
        return {
          status: 'warn',
          summary: `Found only at the root (${candidate}); the path-aware URL ${wellKnown[0]} answered 404.`,
          details: [
            ...tried,
            'MCP clients fall back to the root URL (MCP 2025-11-25 Authorization "Protected Resource Metadata Discovery Requirements"), so sign-in works; but RFC 9728 §3.1 puts the metadata of a resource with a path at the path-aware URL, and a root document cannot tell apart several MCP servers on one origin.',
          ],
          fix: `Serve the metadata at ${wellKnown[0]}, or point to it with resource_metadata in the WWW-Authenticate challenge.`,
          spec: 'RFC 9728 §3.1; MCP 2025-11-25 Authorization "Protected Resource Metadata Discovery Requirements"',
        };
      }
      if (!exact) {
        return {
          status: 'warn',
          summary: `The metadata's resource "${clip(metadata.resource)}" covers ${this.resource} as a prefix, but is not identical to it.`,
          details: [...tried, 'MCP SDK clients accept a prefix; strict RFC 9728 clients refuse anything but the identical URL.'],
          fix: `Set "resource" to exactly ${this.resource}.`,
          spec: 'RFC 9728 §3.3',
        };
      }
      return { status: 'pass', summary: `Found at ${candidate}; resource matches ${this.resource}.`, details: tried, spec: 'RFC 9728 §3.3' };
    }
    if (this.challengeUrl) {
      this.prmUnusable = true;
      return {
        status: 'fail',
        summary: `The resource_metadata URL from the challenge does not serve the metadata (${tried.join('; ')}).`,
        details: tried,
        fix: `Serve the protected resource metadata at ${this.challengeUrl}, or fix the URL in the WWW-Authenticate challenge.`,
        spec: 'RFC 9728 §5.1; MCP 2025-06-18 Authorization §2.3.1',
      };
    }
    // No metadata anywhere: clients treat the server as a 2025-03-26 one, whose origin is the authorization server.
    this.issuer = new URL(this.resource).origin;
    return {
      status: 'warn',
      summary: 'No protected resource metadata: clients fall back to 2025-03-26 behaviour and use the server\'s origin as its authorization server.',
      details: [...tried, `Assumed authorization server: ${this.issuer}`],
      fix: `Serve RFC 9728 metadata at ${wellKnown[0]} naming your authorization server, and advertise it with resource_metadata in the WWW-Authenticate challenge (a MUST since MCP 2025-06-18).`,
      spec: 'MCP 2025-06-18 Authorization §2.3.1; RFC 9728 §3; MCP 2025-03-26 Authorization §2.3 (back-compat)',
    };
  }

  // ------------------------------------------------------------------ 9. authorization server metadata

  private async checkAuthorizationServer(): Promise<Verdict> {
    const issuer = this.issuer!;
    const legacy = this.prm === undefined;
    try {
      assertSecureUrl(issuer, 'authorization server');
    } catch (error) {
      return { status: 'fail', summary: (error as Error).message, fix: 'Use an https issuer for the authorization server.', spec: 'OAuth 2.1 §1.5; RFC 8414 §2' };
    }
    const tried: string[] = [];
    const answered: AsMetadataFound[] = [];
    let missedBefore = 0;
    for (const { url, type } of buildDiscoveryUrls(issuer)) {
      const sent = await this.send(url.href, { method: 'GET', headers: JSON_ACCEPT });
      const status = sent.response.status;
      const raw = status === 200 ? bodyObject(sent.text) : undefined;
      const label = type === 'oauth' ? 'RFC 8414' : 'OpenID Connect Discovery';
      tried.push(`GET ${url.href} (${label}) → HTTP ${status}${status === 200 && !raw ? ' (not a JSON object)' : ''}${raw ? `, issuer "${clip(String(raw.issuer ?? ''), 120)}"` : ''}`);
      if (raw) answered.push({ url: url.href, type, record: raw });
      else if (answered.length === 0) missedBefore++;
      if (!raw && status >= 500 && answered.length === 0) {
        return { status: 'fail', summary: `HTTP ${status} from ${url.href}; clients stop at a server error.`, details: tried, fix: 'Fix the server error of the metadata endpoint.', spec: 'RFC 8414 §3.2' };
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
    this.asMetadata = chosen;
    const variant = chosen.type === 'oauth' ? 'RFC 8414' : 'OpenID Connect Discovery';
    tried.push(`Clients use the first answer: ${chosen.url}.`);
    const advertised = typeof chosen.record.issuer === 'string' ? chosen.record.issuer : undefined;
    const issuerOk = advertised !== undefined && (legacy ? sameOrigin(advertised, issuer) : issuersEqual(advertised, issuer));
    if (!issuerOk) {
      return {
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
        if (typeof value !== 'string') throw new OAuthFlowError('discovery-failed', `The ${field} in the metadata is not a string.`);
        assertSecureUrl(value, field.replace(/_/g, ' '));
      }
    } catch (error) {
      return { status: 'fail', summary: (error as Error).message, details: tried, fix: 'Serve every OAuth endpoint over https (plain http only on loopback).', spec: 'OAuth 2.1 §1.5; RFC 9700 §2.6' };
    }
    for (const other of answered.slice(1)) {
      const iss = typeof other.record.issuer === 'string' ? other.record.issuer : '';
      if (!issuersEqual(iss, advertised)) tried.push(`Note: ${other.url} names another issuer ("${clip(iss)}"); clients that stop at the first answer never see it.`);
    }
    const spec =
      chosen.type === 'oauth'
        ? 'RFC 8414 §3, §3.3; MCP 2025-06-18 Authorization §2.3.2'
        : 'OpenID Connect Discovery 1.0 §4; MCP 2025-11-25 Authorization "Authorization Server Metadata Discovery"';
    if (chosen.type === 'oidc') {
      tried.push('Valid: MCP 2025-11-25 clients try OpenID Connect Discovery after RFC 8414. Clients written for 2025-06-18 only try RFC 8414.');
    }
    return {
      status: 'pass',
      summary: `Found at ${chosen.url} (${variant})${missedBefore ? ` after ${missedBefore} location${missedBefore > 1 ? 's' : ''} without it` : ''}; issuer "${clip(advertised)}" matches.`,
      details: tried,
      spec,
    };
  }

  // ------------------------------------------------------------------ 10. PKCE

  private async checkPkce(): Promise<Verdict> {
    const methods = stringList(this.asMetadata!.record.code_challenge_methods_supported);
    const spec = 'MCP 2025-11-25 Authorization "Authorization Code Protection"; RFC 8414 §2; RFC 7636 §4.2';
    if (!methods) {
      return {
        status: 'fail',
        summary: 'code_challenge_methods_supported is absent: PKCE support is unknown, and MCP clients must refuse to proceed.',
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
  }

  // ------------------------------------------------------------------ 11. registration options

  private async checkRegistration(): Promise<Verdict> {
    const record = this.asMetadata?.record;
    const endpoint = record ? (typeof record.registration_endpoint === 'string' ? record.registration_endpoint : undefined) : new URL('/register', this.issuer!).href;
    const cimd = record?.client_id_metadata_document_supported === true;
    const details: string[] = [
      `registration_endpoint: ${endpoint ? clip(endpoint) : '(none)'}${record ? '' : ' (2025-03-26 default)'}`,
      `client_id_metadata_document_supported: ${cimd ? 'true' : 'no'}`,
    ];
    if (!endpoint) {
      if (cimd) return { status: 'pass', summary: 'Client ID Metadata Documents are supported (no dynamic registration).', details, spec: 'MCP 2025-11-25 Authorization "Client ID Metadata Documents"' };
      return {
        status: 'warn',
        summary: 'Neither dynamic client registration nor Client ID Metadata Documents: every user must pre-register a client and enter its id.',
        details,
        fix: 'Offer RFC 7591 dynamic client registration (registration_endpoint) or Client ID Metadata Documents (client_id_metadata_document_supported: true).',
        spec: 'MCP 2025-06-18 Authorization §2.4; MCP 2025-11-25 Authorization "Client Registration Approaches"',
      };
    }
    try {
      assertSecureUrl(endpoint, 'registration endpoint');
    } catch (error) {
      return { status: 'fail', summary: (error as Error).message, details, fix: 'Serve the registration endpoint over https.', spec: 'OAuth 2.1 §1.5' };
    }
    if (this.options.probeRegistration === false) {
      return { status: 'pass', summary: `Dynamic client registration offered at ${clip(endpoint)} (not probed).`, details, spec: 'RFC 7591; MCP 2025-06-18 Authorization §2.4' };
    }
    // A public native client with a loopback redirect, as desktop MCP clients register (RFC 8252 §7.3, §8.4).
    const port = 20000 + (randomBytes(2).readUInt16BE(0) % 40000);
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const sent = await this.send(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        client_name: 'MCP Lens doctor (registration probe)',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      }),
    });
    const status = sent.response.status;
    const body = bodyObject(sent.text);
    details.push(`POST ${endpoint} (redirect_uris: ${redirectUri}) → HTTP ${status}`);
    if ((status === 200 || status === 201) && body && typeof body.client_id === 'string') {
      this.registration = {
        accepted: true,
        tokenEndpointAuthMethod: typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : undefined,
        clientSecretIssued: typeof body.client_secret === 'string',
      };
      details.push('The probe registration stays on the server (its client id is not used).');
      return {
        status: 'pass',
        summary: `Dynamic client registration accepts a loopback redirect URI${cimd ? '; Client ID Metadata Documents are supported too' : ''}.`,
        details,
        spec: 'RFC 7591 §3; RFC 8252 §7.3; MCP 2025-06-18 Authorization §2.4',
      };
    }
    const error = typeof body?.error === 'string' ? clip(body.error, 60) : undefined;
    const description = typeof body?.error_description === 'string' ? clip(body.error_description) : undefined;
    const reason = error ? `${error}${description ? `: ${description}` : ''}` : `HTTP ${status}`;
    if (status >= 400 && status < 500 && (error === 'invalid_redirect_uri' || /redirect/i.test(description ?? ''))) {
      return {
        status: 'fail',
        summary: `The registration endpoint rejects the loopback redirect URI ${redirectUri} (${reason}).`,
        details,
        fix: 'Accept loopback redirect URIs (http://127.0.0.1 with any port, and http://localhost) for native clients: desktop MCP clients receive the authorization response on one.',
        spec: 'RFC 8252 §7.3, §8.3; OAuth 2.1 §8.4.2; MCP 2025-06-18 Authorization §2.4',
      };
    }
    return {
      status: 'fail',
      summary: `The registration endpoint refused a standard public-client registration (${reason}).`,
      details,
      fix: 'Accept RFC 7591 registrations of public native clients (token_endpoint_auth_method "none", a loopback redirect URI).',
      spec: 'RFC 7591 §3.2; MCP 2025-06-18 Authorization §2.4',
    };
  }

  // ------------------------------------------------------------------ 12. token endpoint auth methods

  private async checkTokenEndpointAuth(): Promise<Verdict> {
    const listed = stringList(this.asMetadata!.record.token_endpoint_auth_methods_supported);
    // RFC 8414 §2: when omitted, the default is client_secret_basic.
    const methods = listed ?? ['client_secret_basic'];
    const details = [`token_endpoint_auth_methods_supported: ${listed ? listed.map((m) => clip(m, 40)).join(', ') || '(empty)' : '(absent: client_secret_basic by default)'}`];
    const spec = 'RFC 8414 §2; RFC 7591 §2; OAuth 2.1 §2.4';
    if (this.registration?.tokenEndpointAuthMethod) {
      details.push(`The probe registration was given token_endpoint_auth_method "${clip(this.registration.tokenEndpointAuthMethod, 40)}"${this.registration.clientSecretIssued ? ' and a client secret' : ''}.`);
      if (!methods.includes(this.registration.tokenEndpointAuthMethod)) {
        return {
          status: 'warn',
          summary: `Registration hands out "${clip(this.registration.tokenEndpointAuthMethod, 40)}", which the metadata does not list.`,
          details,
          fix: 'List every method the registration endpoint assigns in token_endpoint_auth_methods_supported.',
          spec,
        };
      }
    }
    if (methods.includes('none')) return { status: 'pass', summary: `Public clients supported ("none")${methods.length > 1 ? `; also ${methods.filter((m) => m !== 'none').map((m) => clip(m, 40)).join(', ')}` : ''}.`, details, spec };
    const secretMethods = methods.filter((m) => m === 'client_secret_basic' || m === 'client_secret_post');
    const registrationGivesSecret = this.registration?.clientSecretIssued === true || (this.registration === undefined && typeof this.asMetadata!.record.registration_endpoint === 'string');
    if (secretMethods.length && registrationGivesSecret) {
      return { status: 'pass', summary: `Clients authenticate with ${secretMethods.join(' or ')}, using the secret from registration.`, details, spec };
    }
    return {
      status: 'warn',
      summary: `Only ${methods.map((m) => clip(m, 40)).join(', ')}: a desktop client (public, RFC 8252 §8.5) has no way to authenticate without a secret it was given.`,
      details,
      fix: 'Support "none" for public clients with PKCE, or issue a client secret at registration.',
      spec,
    };
  }

  // ------------------------------------------------------------------ 13. refresh

  private async checkRefresh(): Promise<Verdict> {
    const grants = stringList(this.asMetadata!.record.grant_types_supported);
    const spec = 'RFC 8414 §2; OAuth 2.1 §4.3';
    if (!grants) {
      return {
        status: 'warn',
        summary: 'grant_types_supported is absent, which means authorization_code and implicit only (RFC 8414 §2): no refresh tokens, users sign in again when a token expires.',
        fix: 'Issue refresh tokens and advertise `"grant_types_supported": ["authorization_code", "refresh_token"]`.',
        spec,
      };
    }
    const details = [`grant_types_supported: ${grants.map((g) => clip(g, 60)).join(', ')}`];
    if (!grants.includes('authorization_code')) {
      return { status: 'fail', summary: 'authorization_code is not among the grant types: MCP clients cannot sign in.', details, fix: 'Support the authorization code grant with PKCE.', spec: 'MCP 2025-06-18 Authorization §2.5; OAuth 2.1 §4.1' };
    }
    if (!grants.includes('refresh_token')) {
      return {
        status: 'warn',
        summary: 'refresh_token is not a supported grant type: users must sign in again whenever an access token expires.',
        details,
        fix: 'Issue refresh tokens (rotated for public clients) and list "refresh_token" in grant_types_supported.',
        spec,
      };
    }
    details.push('Whether refresh tokens are actually issued shows only after a sign-in.');
    return { status: 'pass', summary: 'refresh_token grant advertised.', details, spec };
  }

  // ------------------------------------------------------------------ 14. invalid token

  private async checkInvalidToken(): Promise<Verdict> {
    const bogus = `mcp-lens-doctor-invalid-${randomBytes(12).toString('hex')}`;
    const sse = this.init!.transport === 'sse';
    const auth = { Authorization: `Bearer ${bogus}` };
    const sent = sse ? await this.sseGet(this.resource, auth) : await this.postInitialize(this.resource, auth);
    const status = sent.response.status;
    const spec = 'RFC 6750 §3.1; MCP 2025-06-18 Authorization §2.6.2 (Token Handling)';
    const what = `${sse ? 'GET' : 'POST initialize'} with an unknown Bearer token → HTTP ${status}`;
    if (status >= 200 && status < 300) {
      await this.closeStream(sent);
      const session = sent.response.headers.get('mcp-session-id');
      if (session) await this.send(this.resource, { method: 'DELETE', headers: this.mcpHeaders({ ...auth, 'Mcp-Session-Id': session }) }).catch(() => undefined);
      return {
        status: 'fail',
        summary: `The server accepted a made-up token (${what}).`,
        fix: 'Validate every access token (signature or introspection, expiry, audience) before serving the request.',
        spec: `${spec}; MCP 2025-06-18 Authorization "Token Audience Binding and Validation"`,
      };
    }
    await this.closeStream(sent);
    const header = sent.response.headers.get('www-authenticate');
    const details = [what, ...(header ? [`WWW-Authenticate: ${clip(header, 400)}`] : [])];
    if (status === 401) {
      if (!header || !/(^|,)\s*Bearer\b/i.test(header)) {
        if (this.challengeMissing) {
          return { status: 'pass', summary: 'HTTP 401 for an unknown token (the missing Bearer challenge is reported by check 7).', details, spec };
        }
        return {
          status: 'fail',
          summary: 'HTTP 401 for an unknown token, but without a Bearer WWW-Authenticate challenge.',
          details,
          fix: 'Send `WWW-Authenticate: Bearer error="invalid_token", resource_metadata="…"` with the 401.',
          spec: 'RFC 6750 §3',
        };
      }
      const challenge = parseBearerChallenge(header);
      if (challenge.error !== 'invalid_token') {
        return {
          status: 'warn',
          summary: `HTTP 401, but the challenge says ${challenge.error ? `error="${clip(challenge.error, 60)}"` : 'no error'} instead of error="invalid_token".`,
          details,
          fix: 'Add error="invalid_token" to the challenge, so clients know to refresh or sign in again rather than retry.',
          spec,
        };
      }
      return { status: 'pass', summary: 'HTTP 401 with error="invalid_token" for an unknown token.', details, spec };
    }
    return {
      status: 'fail',
      summary: `HTTP ${status} for an unknown token; it must be 401${status >= 500 ? ' (a server error hides the reason, and clients do not refresh or sign in again)' : status === 403 ? ' (403 means a valid token without the needed scope)' : ''}.`,
      details,
      fix: 'When token validation fails (unknown, expired or revoked token), answer 401 with `WWW-Authenticate: Bearer error="invalid_token"` instead of an error page.',
      spec,
    };
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
