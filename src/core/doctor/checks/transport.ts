/**
 * Checks 4, 6 and 7 of the connection doctor: the first HTTP request, which transport answers (Streamable
 * HTTP, or the 2024-11-05 HTTP+SSE one it falls back to), and the unauthenticated initialize — which, on a
 * server that answered server/discover (check 5), tells how it treats 2025 clients.
 */
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { DoctorRequestError, SseReader, type SentResponse } from '../http.js';
import type { Check, CheckContext, CheckResult, InitOutcome } from './context.js';
import { UNSUPPORTED_PROTOCOL_VERSION } from './eras.js';
import { bodyObject, clip, closeStream, initializeRequest, postInitialize, sseGet } from './util.js';

// ---- 4. HTTP reachability
/** The first request of the transport negotiation (MCP 2025-06-18 Transports, "Backwards Compatibility"). */
export const checkHttp: Check = async (ctx) => {
  const resource = ctx.found.resource!;
  const sse = ctx.options.transport === 'sse';
  let firstProbe: SentResponse;
  try {
    firstProbe = sse ? await sseGet(ctx, resource) : await postInitialize(ctx, resource);
  } catch (error) {
    if (!(error instanceof DoctorRequestError)) throw error;
    return {
      stop: 'Skipped: no HTTP answer.',
      status: 'fail',
      summary: `No HTTP answer to ${sse ? 'GET' : 'POST'} ${resource}: ${error.message}`,
      fix: 'Check that an HTTP server (not another protocol) listens on this port and answers within the time limit.',
      spec: 'RFC 9110',
    };
  }
  const { response } = firstProbe;
  const method = sse ? 'GET' : 'POST';
  if (response.status >= 300 && response.status < 400) {
    await closeStream(firstProbe);
    const location = response.headers.get('location');
    return {
      found: { firstProbe },
      stop: 'Skipped: the endpoint redirects.',
      status: 'fail',
      summary: `${method} ${resource} answered HTTP ${response.status}${location ? `, redirecting to ${clip(location)}` : ''}.`,
      fix: location
        ? `Configure clients with the final URL (${clip(location)}) or serve MCP at this one; resource identifiers and tokens are bound to the exact URL.`
        : 'Serve MCP at this URL without a redirect.',
      spec: 'MCP 2025-06-18 Authorization §2.5.1 (Canonical Server URI); RFC 9110 §15.4',
    };
  }
  return {
    found: { firstProbe },
    status: 'pass',
    summary: `${method} ${resource} answered HTTP ${response.status} in ${firstProbe.exchange.durationMs} ms.`,
  };
};

// ---- 5. transport (and 6's request)
export const checkTransport: Check = async (ctx) => {
  const resource = ctx.found.resource!;
  const mode = ctx.options.transport ?? 'auto';
  const probe = ctx.found.firstProbe!;
  const status = probe.response.status;
  if (mode === 'sse') return finishSse(ctx, resource, probe, []);

  const tried = [`POST ${resource} → HTTP ${status}`];
  if (status === 401) {
    return {
      found: {
        init: {
          kind: 'auth-required',
          transport: 'streamable-http',
          challengeResponse: { status, headers: probe.response.headers },
        },
      },
      status: 'pass',
      summary:
        'Streamable HTTP (assumed): the POST initialize answered 401, so the server wants a token before it speaks MCP.',
      details: [
        ...tried,
        'The transport is confirmed once a client is signed in; a client falls back to SSE only on other 4xx answers.',
      ],
      spec: 'MCP 2025-06-18 Transports §2.2, "Backwards Compatibility"',
    };
  }
  if (status >= 200 && status < 300) {
    const outcome = await readInitializeAnswer(ctx, resource, probe);
    return {
      found: { init: { ...outcome, transport: 'streamable-http', status } },
      status: 'pass',
      summary: `Streamable HTTP: the POST initialize answered HTTP ${status} (${probe.response.headers.get('content-type') ?? 'no content type'}).`,
      details: tried,
    };
  }
  if (ctx.found.discover?.kind === 'modern') {
    // A 2026-07-28 server: clients that negotiated never fall back to SSE; initialize tells how it treats 2025 clients.
    const refusal = refusalOf(probe);
    await closeStream(probe);
    return {
      found: { init: { kind: 'refused', transport: 'streamable-http', status, refusal } },
      status: 'pass',
      summary: `Streamable HTTP (2026-07-28, found by server/discover); the POST initialize answered HTTP ${status}.`,
      details: tried,
      spec: 'MCP 2026-07-28 Transports (Streamable HTTP)',
    };
  }
  if (status >= 400 && status < 500 && mode === 'auto') {
    // MCP 2025-06-18 Transports "Backwards Compatibility": a 4xx to the POST means "try the old HTTP+SSE transport".
    const get = await sseGet(ctx, resource);
    return finishSse(ctx, resource, get, tried);
  }
  return {
    found: { init: { kind: 'error', transport: 'streamable-http', status, error: `HTTP ${status}` } },
    stop: 'Skipped: no MCP transport answered.',
    status: 'fail',
    summary: `The POST initialize answered HTTP ${status}${mode === 'streamable-http' ? '' : ' (not a 4xx, so clients do not try SSE)'}.`,
    details: tried,
    fix:
      status >= 500
        ? 'Fix the server error: an initialize request must get an InitializeResult (or a 401 when a token is needed).'
        : 'Serve Streamable HTTP at this URL: POST with a JSON-RPC initialize must be answered with application/json or text/event-stream.',
    spec: 'MCP 2025-06-18 Transports §2.2 (Streamable HTTP)',
  };
};

/** How a server answered a 2025 initialize it did not serve: its JSON-RPC error, when the body holds one. */
function refusalOf(sent: SentResponse): NonNullable<InitOutcome['refusal']> {
  const contentType = sent.response.headers.get('content-type') ?? undefined;
  const message = bodyObject(sent.text);
  const error = message?.error && typeof message.error === 'object' ? (message.error as Record<string, unknown>) : {};
  return {
    ...(contentType ? { contentType } : {}),
    ...(typeof error.code === 'number' ? { rpcCode: error.code } : {}),
    ...(typeof error.message === 'string' ? { rpcMessage: error.message } : {}),
  };
}

async function finishSse(
  ctx: CheckContext,
  resource: string,
  get: SentResponse,
  tried: string[],
): Promise<CheckResult> {
  const status = get.response.status;
  tried.push(`GET ${resource} (Accept: text/event-stream) → HTTP ${status}`);
  if (status === 401) {
    return {
      found: {
        init: { kind: 'auth-required', transport: 'sse', challengeResponse: { status, headers: get.response.headers } },
      },
      status: 'pass',
      summary:
        'HTTP+SSE (2024-11-05 transport, assumed): the GET answered 401, so the server wants a token before it opens the stream.',
      details: tried,
      spec: 'MCP 2024-11-05 Transports "HTTP with SSE"',
    };
  }
  const type = get.response.headers.get('content-type') ?? '';
  if (status === 200 && type.includes('text/event-stream') && get.response.body) {
    const reader = new SseReader(get.response.body);
    try {
      const first = await reader.next(ctx.timeoutMs);
      if (!first || first.event !== 'endpoint') {
        return {
          found: { init: { kind: 'error', transport: 'sse', error: 'no endpoint event' } },
          stop: 'Skipped: the SSE stream did not announce its endpoint.',
          status: 'fail',
          summary: first
            ? `The SSE stream's first event is "${clip(first.event, 40)}", not "endpoint".`
            : 'The SSE stream sent no endpoint event in time.',
          details: tried,
          fix: 'Send `event: endpoint` with the POST URL as the first event of the stream.',
          spec: 'MCP 2024-11-05 Transports "HTTP with SSE"',
        };
      }
      const endpoint = new URL(first.data.trim(), resource);
      tried.push(`endpoint event → ${endpoint.href}`);
      if (endpoint.origin !== new URL(resource).origin) {
        return {
          found: { init: { kind: 'error', transport: 'sse', error: 'cross-origin endpoint' } },
          stop: 'Skipped: the SSE endpoint is on another origin.',
          status: 'fail',
          summary: `The endpoint event points to another origin (${endpoint.origin}); clients refuse it.`,
          details: tried,
          fix: 'Announce a POST endpoint on the same origin as the SSE stream.',
          spec: 'MCP 2024-11-05 Transports "HTTP with SSE"',
        };
      }
      const init: InitOutcome = { ...(await initializeOverSse(ctx, reader, endpoint.href)), transport: 'sse' };
      return {
        found: { init },
        status: 'pass',
        summary: `HTTP+SSE (2024-11-05 transport): the stream announced ${endpoint.pathname}.`,
        details: tried,
        spec: 'MCP 2025-06-18 Transports "Backwards Compatibility"',
      };
    } finally {
      get.exchange.response!.body = reader.raw.slice(0, 4000);
      await reader.close();
    }
  }
  await closeStream(get);
  return {
    found: { init: { kind: 'error', status, error: `HTTP ${status}` } },
    stop: 'Skipped: no MCP transport answered.',
    status: 'fail',
    summary: `Neither transport answered: ${tried.join('; ')}.`,
    details: tried,
    fix: 'Check the path of the MCP endpoint (usually /mcp for Streamable HTTP, /sse for the old HTTP+SSE transport).',
    spec: 'MCP 2025-06-18 Transports §2.2, "Backwards Compatibility"',
  };
}

async function initializeOverSse(ctx: CheckContext, reader: SseReader, endpoint: string): Promise<InitOutcome> {
  const post = await ctx.send(endpoint, {
    method: 'POST',
    headers: ctx.mcpHeaders({ 'Content-Type': 'application/json' }),
    body: initializeRequest(1),
  });
  if (post.response.status === 401) {
    return { kind: 'auth-required', challengeResponse: { status: 401, headers: post.response.headers } };
  }
  if (post.response.status < 200 || post.response.status >= 300) {
    return {
      kind: 'error',
      status: post.response.status,
      error: `HTTP ${post.response.status} from the POST endpoint`,
    };
  }
  for (;;) {
    const event = await reader.next(ctx.timeoutMs);
    if (!event) return { kind: 'error', error: 'no initialize response on the SSE stream in time' };
    if (event.event !== 'message') continue;
    const outcome = interpretJsonRpc(event.data);
    if (outcome) return outcome;
  }
}

/** A JSON-RPC answer to id 1, or undefined when the message is something else (a notification). */
function interpretJsonRpc(text: string): InitOutcome | undefined {
  const message = bodyObject(text);
  if (!message || message.id !== 1) return undefined;
  if (message.error && typeof message.error === 'object') {
    const e = message.error as { code?: unknown; message?: unknown };
    return { kind: 'error', error: `JSON-RPC error ${String(e.code)}: ${clip(String(e.message ?? ''))}` };
  }
  if (message.result && typeof message.result === 'object') {
    return { kind: 'initialized', result: message.result as Record<string, unknown> };
  }
  return { kind: 'error', error: 'a JSON-RPC response with neither result nor error' };
}

async function readInitializeAnswer(ctx: CheckContext, resource: string, sent: SentResponse): Promise<InitOutcome> {
  let outcome: InitOutcome | undefined;
  if (sent.text !== undefined) {
    outcome = interpretJsonRpc(sent.text) ?? {
      kind: 'error',
      error: 'the answer is not a JSON-RPC response to initialize',
    };
  } else if (sent.response.body) {
    const reader = new SseReader(sent.response.body);
    try {
      for (;;) {
        const event = await reader.next(ctx.timeoutMs);
        if (!event) {
          outcome = { kind: 'error', error: 'the event stream ended without a response to initialize' };
          break;
        }
        outcome = interpretJsonRpc(event.data);
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
    await ctx
      .send(resource, {
        method: 'DELETE',
        headers: ctx.mcpHeaders({ 'Mcp-Session-Id': session, 'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION }),
      })
      .catch(() => undefined);
  }
  return outcome;
}

// ---- 6. initialize
export const checkInitialize: Check = async (ctx) => {
  const init = ctx.found.init!;
  if (ctx.found.discover?.kind === 'modern' && init.kind !== 'initialized' && init.kind !== 'auth-required') {
    return legacyFallback(init);
  }
  if (init.kind === 'auth-required') {
    return {
      status: 'pass',
      summary:
        'Requires authorization: initialize without a token is answered with HTTP 401, as a protected MCP server should.',
      spec: 'MCP 2025-06-18 Authorization §2.6.2 (Token Handling); RFC 6750 §3',
    };
  }
  if (init.kind === 'error') {
    const forbidden = init.status === 403;
    return {
      stop: 'Skipped: initialize failed.',
      status: 'fail',
      summary: `initialize failed: ${init.error ?? 'unknown error'}.`,
      fix: forbidden
        ? 'Answer a request without a token with 401 and a WWW-Authenticate challenge, not 403 (403 means the token lacks a scope).'
        : 'Answer initialize with an InitializeResult (protocolVersion, capabilities, serverInfo).',
      spec: forbidden
        ? 'RFC 6750 §3.1; MCP 2025-06-18 Authorization "Error Handling"'
        : 'MCP 2025-06-18 Lifecycle §Initialization',
    };
  }
  const result = init.result ?? {};
  const info = (result.serverInfo ?? {}) as { name?: unknown; version?: unknown };
  const version = typeof result.protocolVersion === 'string' ? result.protocolVersion : undefined;
  const capabilities =
    result.capabilities && typeof result.capabilities === 'object' ? Object.keys(result.capabilities) : [];
  const details = [
    `serverInfo: ${clip(String(info.name ?? '?'), 80)} ${clip(String(info.version ?? ''), 40)}`,
    `capabilities: ${capabilities.join(', ') || '(none)'}`,
  ];
  if (!version || !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return {
      status: 'fail',
      summary: `The server answered with protocol version ${version ? `"${clip(version, 40)}"` : '(none)'}, which clients do not support.`,
      details,
      fix: `Answer with a supported protocol version (${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}), preferably the one the client sent.`,
      spec: 'MCP 2025-06-18 Lifecycle §Version Negotiation',
    };
  }
  return {
    status: 'pass',
    summary: `Initialized without authorization: ${clip(String(info.name ?? 'server'), 80)}, protocol ${version}.`,
    details,
  };
};

const SPEC_LEGACY_FALLBACK = 'MCP 2026-07-28 Lifecycle, "Version Negotiation" (2025 clients); JSON-RPC 2.0 §5.1';
const LEGACY_FALLBACK_FIX =
  'Either serve 2025 clients too (the SDK: `createMcpHandler(factory, { legacy: "stateless" })`), or refuse initialize ' +
  `with HTTP 400 and JSON-RPC error ${UNSUPPORTED_PROTOCOL_VERSION} (unsupported protocol version, \`data.supported\` listing ` +
  'the versions served), so 2025 clients show a clear version error instead of a broken server.';

/** A 2026-07-28 server that did not initialize: is its answer to 2025 clients the spec'd refusal? */
function legacyFallback(init: InitOutcome): CheckResult {
  const status = init.status;
  const refusal = init.refusal ?? {};
  const details = [
    `HTTP ${status ?? '?'}, Content-Type ${refusal.contentType ?? '(none)'}`,
    ...(refusal.rpcCode !== undefined ? [`JSON-RPC error ${refusal.rpcCode}: ${clip(refusal.rpcMessage ?? '')}`] : []),
  ];
  if (
    init.kind === 'refused' &&
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    refusal.rpcCode !== undefined
  ) {
    if (refusal.rpcCode === UNSUPPORTED_PROTOCOL_VERSION) {
      return {
        status: 'pass',
        summary: `2026-07-28 only: initialize is refused with HTTP ${status} and JSON-RPC error ${UNSUPPORTED_PROTOCOL_VERSION} (unsupported protocol version), as 2025 clients expect.`,
        details,
        spec: SPEC_LEGACY_FALLBACK,
      };
    }
    return {
      status: 'warn',
      summary: `2026-07-28 only: initialize is refused with HTTP ${status} and JSON-RPC error ${refusal.rpcCode}, not ${UNSUPPORTED_PROTOCOL_VERSION} (unsupported protocol version).`,
      details,
      fix: LEGACY_FALLBACK_FIX,
      spec: SPEC_LEGACY_FALLBACK,
    };
  }
  const what =
    init.kind === 'error'
      ? `initialize answered HTTP ${status ?? '2xx'}, but ${init.error ?? 'not with an InitializeResult'}`
      : status === 405
        ? 'initialize answered HTTP 405 (method not allowed)'
        : status !== undefined && status >= 500
          ? `initialize answered HTTP ${status}`
          : `initialize answered HTTP ${status ?? '?'} without a JSON-RPC error`;
  return {
    status: 'fail',
    summary: `The server speaks 2026-07-28, but its answer to 2025 clients is broken: ${what}.`,
    details,
    fix: LEGACY_FALLBACK_FIX,
    spec: SPEC_LEGACY_FALLBACK,
  };
}
