/**
 * The protocol-era checks of the connection doctor. MCP 2026-07-28 ("modern") servers are found with a
 * `server/discover` probe that carries the per-request `_meta` envelope and the `Mcp-Method` routing header,
 * exactly as the SDK v2 client sends it when it negotiates; the 2025 revisions ("legacy") answer
 * `initialize` (checks 6–7). From both answers these checks tell which eras the server speaks, whether
 * the two agree, and the era mistakes that break negotiating clients: a probe answered with a 5xx or
 * never answered, a DiscoverResult clients reject, a modern server that does not check `Mcp-Method`, and
 * cacheable results without their cache hints.
 */
import { DoctorRequestError, SseReader, type SentResponse } from '../http.js';
import type { DoctorEras } from '../types.js';
import type { Check, CheckContext, CheckResult, DiscoverOutcome, Findings } from './context.js';
import { bodyObject, clip, closeStream, stringList } from './util.js';

/** The 2026-07-28-era versions this client speaks, newest first. */
export const MODERN_VERSIONS = ['2026-07-28'] as const;

const CLIENT_INFO = { name: 'mcp-lens-doctor', version: '1.0.0' };
const SPEC_DISCOVER = 'MCP 2026-07-28 Lifecycle, "Version Negotiation" (server/discover)';
const SPEC_HEADERS = 'MCP 2026-07-28 Transports, Streamable HTTP "Request Headers" (Mcp-Method)';
const SPEC_CACHE = 'MCP 2026-07-28 "Caching" (ttlMs, cacheScope)';
/** JSON-RPC error of a 2026-07-28 server for a protocol version it does not serve (initialize included). */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;
/** JSON-RPC error of a 2026-07-28 server whose routing headers disagree with the body. */
export const HEADER_MISMATCH = -32020;

/** The per-request `_meta` envelope of the 2026-07-28 revision (what the SDK v2 client puts on every request). */
export function modernEnvelope(version: string): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': version,
    'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

/**
 * POSTs one 2026-07-28 request. `mcpMethodHeader` overrides the `Mcp-Method` header (to send one that
 * disagrees with the body); by default it names the body's method, as the revision requires.
 */
export function postModern(
  ctx: CheckContext,
  url: string,
  request: { id: number | string; method: string; version: string; params?: Record<string, unknown> },
  mcpMethodHeader: string = request.method,
): Promise<SentResponse> {
  return ctx.send(
    url,
    {
      method: 'POST',
      headers: ctx.mcpHeaders({
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': request.version,
        'Mcp-Method': mcpMethodHeader,
      }),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: request.id,
        method: request.method,
        params: { ...(request.params ?? {}), _meta: modernEnvelope(request.version) },
      }),
    },
    { stream: true },
  );
}

/**
 * The JSON-RPC response to `id` in an answer, plain JSON or an event stream (read as far as the
 * response, bounded by the doctor's time limit). Undefined when the answer holds none.
 */
export async function readJsonRpcResponse(
  ctx: CheckContext,
  sent: SentResponse,
  id: number | string,
): Promise<Record<string, unknown> | undefined> {
  if (sent.text !== undefined) {
    const message = bodyObject(sent.text);
    return message && (message.result !== undefined || message.error !== undefined) ? message : undefined;
  }
  if (!sent.response.body) return undefined;
  const reader = new SseReader(sent.response.body);
  try {
    for (;;) {
      const event = await reader.next(ctx.timeoutMs);
      if (!event) return undefined;
      const message = bodyObject(event.data);
      if (message && message.id === id && (message.result !== undefined || message.error !== undefined)) {
        return message;
      }
    }
  } finally {
    if (sent.exchange.response) sent.exchange.response.body = reader.raw.slice(0, 4000);
    await reader.close();
  }
}

function rpcError(message: Record<string, unknown> | undefined): { code?: number; message?: string } | undefined {
  const error = message?.error;
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.message === 'string' ? { message: e.message } : {}),
  };
}

function describeRpcError(error: { code?: number; message?: string }): string {
  return `JSON-RPC error ${error.code ?? '(no code)'}${error.message ? ` "${clip(error.message, 120)}"` : ''}`;
}

/** Name and version from a DiscoverResult (`_meta` serverInfo) or an InitializeResult (`serverInfo`). */
export function serverInfoOf(result: Record<string, unknown> | undefined): { name?: string; version?: string } {
  const meta = result?._meta && typeof result._meta === 'object' ? (result._meta as Record<string, unknown>) : {};
  const raw = meta['io.modelcontextprotocol/serverInfo'] ?? result?.serverInfo;
  if (!raw || typeof raw !== 'object') return {};
  const info = raw as { name?: unknown; version?: unknown };
  return {
    ...(typeof info.name === 'string' ? { name: info.name } : {}),
    ...(typeof info.version === 'string' ? { version: info.version } : {}),
  };
}

/** What makes a `server/discover` result unusable for a negotiating client, one line each. */
export function discoverResultProblems(result: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const versions = Array.isArray(result.supportedVersions) ? result.supportedVersions : undefined;
  if (!versions) problems.push('no `supportedVersions` array');
  else if (!versions.length || versions.some((v) => typeof v !== 'string')) {
    problems.push('`supportedVersions` is not a non-empty list of version strings');
  }
  if (typeof result.resultType !== 'string') problems.push('no `resultType` (it must be "complete")');
  else if (result.resultType !== 'complete') problems.push(`\`resultType\` is "${clip(result.resultType, 40)}"`);
  if (!result.capabilities || typeof result.capabilities !== 'object' || Array.isArray(result.capabilities)) {
    problems.push('no `capabilities` object');
  }
  return problems;
}

const HANG_OR_5XX_FIX =
  'Answer server/discover at once, even if the server only speaks the 2025 revisions: a JSON-RPC error (-32601 ' +
  'method not found, or -32022 unsupported protocol version) or an HTTP 4xx. Negotiating clients send it first and ' +
  'fall back to initialize only after such an answer; a 5xx or no answer makes them fail or wait.';

// ---- 5. server/discover
export const checkDiscover: Check = async (ctx) => {
  if (ctx.options.transport === 'sse') {
    return { status: 'skip', summary: 'Skipped: the 2024-11-05 HTTP+SSE transport predates server/discover.' };
  }
  if (ctx.options.protocol === '2025') {
    return { status: 'skip', summary: 'Skipped: only the 2025 revisions were asked for (protocol 2025).' };
  }
  const resource = ctx.found.resource!;
  const version = MODERN_VERSIONS[0];
  let sent: SentResponse;
  try {
    sent = await postModern(ctx, resource, { id: 1, method: 'server/discover', version });
  } catch (error) {
    if (!(error instanceof DoctorRequestError)) throw error;
    return {
      found: { discover: { kind: 'broken', error: error.message } },
      status: 'fail',
      summary: `The server/discover probe got no answer: ${error.message}`,
      fix: HANG_OR_5XX_FIX,
      spec: SPEC_DISCOVER,
    };
  }
  const status = sent.response.status;
  const head = `POST server/discover (MCP-Protocol-Version ${version}) → HTTP ${status}`;
  if (status === 401) {
    await closeStream(sent);
    return {
      found: { discover: { kind: 'auth-required', status } },
      status: 'pass',
      summary: 'server/discover answered 401: the era the server speaks is known once a client is signed in.',
      details: [head],
    };
  }
  if (status >= 500) {
    await closeStream(sent);
    return {
      found: { discover: { kind: 'broken', status, error: `HTTP ${status}` } },
      status: 'fail',
      summary: `server/discover answered HTTP ${status}: clients that negotiate the protocol version fail here.`,
      details: [head],
      fix: HANG_OR_5XX_FIX,
      spec: SPEC_DISCOVER,
    };
  }
  if (status >= 300 && status < 400) {
    await closeStream(sent);
    return { status: 'skip', summary: `Skipped: server/discover was redirected (HTTP ${status}).`, details: [head] };
  }
  const message = await readJsonRpcResponse(ctx, sent, 1);
  const error = rpcError(message);
  if (status >= 400 || error) {
    const what = error ? describeRpcError(error) : 'no JSON-RPC error';
    return {
      found: { discover: { kind: 'legacy', status } },
      status: 'pass',
      summary: `No 2026-07-28 support: server/discover answered HTTP ${status} with ${what}, so negotiating clients fall back to initialize.`,
      details: [head],
      spec: SPEC_DISCOVER,
    };
  }
  const result = message?.result;
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    return {
      found: { discover: { kind: 'broken', status, error: 'not a JSON-RPC response' } },
      status: 'fail',
      summary: `server/discover answered HTTP ${status} with ${message ? 'a result that is not an object' : 'no JSON-RPC response'}.`,
      details: [head, `Content-Type: ${sent.response.headers.get('content-type') ?? '(none)'}`],
      fix: 'Answer server/discover with a JSON-RPC response (application/json or text/event-stream): a DiscoverResult, or a JSON-RPC error when the server only speaks the 2025 revisions.',
      spec: SPEC_DISCOVER,
    };
  }
  const record = result as Record<string, unknown>;
  const problems = discoverResultProblems(record);
  const supportedVersions = stringList(record.supportedVersions) ?? [];
  const serverInfo = serverInfoOf(record);
  const details = [
    head,
    `supportedVersions: ${supportedVersions.map((v) => clip(v, 40)).join(', ') || '(none)'}`,
    `serverInfo: ${clip(serverInfo.name ?? '?', 80)} ${clip(serverInfo.version ?? '', 40)}`,
    `capabilities: ${capabilityNames(record.capabilities).join(', ') || '(none)'}`,
  ];
  if (problems.length) {
    return {
      found: { discover: { kind: 'invalid', status, result: record, supportedVersions, serverInfo } },
      status: 'fail',
      summary: `server/discover answered, but not with a valid DiscoverResult: ${problems.join('; ')}.`,
      details,
      fix: 'Return a DiscoverResult: `resultType: "complete"`, `supportedVersions` (the 2026-07-28-era versions the server speaks), `capabilities`, and serverInfo in `_meta`. Clients reject anything else and do not fall back.',
      spec: SPEC_DISCOVER,
    };
  }
  const common = MODERN_VERSIONS.find((v) => supportedVersions.includes(v));
  const discover: DiscoverOutcome = {
    kind: 'modern',
    status,
    result: record,
    supportedVersions,
    serverInfo,
    ...(common ? { version: common } : {}),
  };
  if (!common) {
    return {
      found: { discover },
      status: 'warn',
      summary: `server/discover offers ${supportedVersions.map((v) => clip(v, 40)).join(', ')}, none of which this client speaks (${MODERN_VERSIONS.join(', ')}).`,
      details,
      fix: `Offer ${MODERN_VERSIONS[0]} in supportedVersions, or keep serving initialize for older clients.`,
      spec: SPEC_DISCOVER,
    };
  }
  return {
    found: { discover },
    status: 'pass',
    summary: `Speaks MCP 2026-07-28: server/discover offers ${supportedVersions.map((v) => clip(v, 40)).join(', ')} (${clip(serverInfo.name ?? 'unnamed server', 80)}).`,
    details,
    spec: SPEC_DISCOVER,
  };
};

function capabilityNames(capabilities: unknown): string[] {
  return capabilities && typeof capabilities === 'object' ? Object.keys(capabilities).sort() : [];
}

/** The summary of both eras, from checks 5–7; also what the report shows as `eras`. */
export function erasOf(found: Readonly<Findings>): DoctorEras | undefined {
  const modern = found.discover?.kind === 'modern' ? found.discover : undefined;
  const legacy = found.init?.kind === 'initialized' ? found.init : undefined;
  if (!modern && !legacy) return undefined;
  const legacyResult = legacy?.result;
  const eras: DoctorEras = { speaks: [...(modern ? ['modern' as const] : []), ...(legacy ? ['legacy' as const] : [])] };
  if (modern) {
    eras.supportedVersions = modern.supportedVersions ?? [];
    eras.modernServerInfo = modern.serverInfo ?? {};
  }
  if (legacyResult) {
    if (typeof legacyResult.protocolVersion === 'string') eras.legacyVersion = legacyResult.protocolVersion;
    eras.legacyServerInfo = serverInfoOf(legacyResult);
  }
  if (modern && legacyResult) eras.agree = disagreements(modern.result ?? {}, legacyResult).length === 0;
  return eras;
}

/** Where the two eras describe the server differently (name, version, capability names). */
function disagreements(discover: Record<string, unknown>, initialize: Record<string, unknown>): string[] {
  const out: string[] = [];
  const a = serverInfoOf(discover);
  const b = serverInfoOf(initialize);
  if (a.name !== b.name) {
    out.push(`name: "${clip(a.name ?? '', 80)}" (2026-07-28) vs "${clip(b.name ?? '', 80)}" (2025)`);
  }
  if (a.version !== b.version) {
    out.push(`version: "${clip(a.version ?? '', 40)}" (2026-07-28) vs "${clip(b.version ?? '', 40)}" (2025)`);
  }
  const capsA = capabilityNames(discover.capabilities);
  const capsB = capabilityNames(initialize.capabilities);
  if (capsA.join(',') !== capsB.join(',')) {
    out.push(`capabilities: ${capsA.join(', ') || '(none)'} (2026-07-28) vs ${capsB.join(', ') || '(none)'} (2025)`);
  }
  return out;
}

// ---- 8. protocol eras
export const checkEras: Check = async (ctx) => {
  const { discover, init } = ctx.found;
  const eras = erasOf(ctx.found);
  if (!eras) {
    const authRequired = discover?.kind === 'auth-required' || init?.kind === 'auth-required';
    return {
      status: 'skip',
      summary: authRequired
        ? 'Skipped: the server wants a token before it speaks MCP, so its eras are known once a client is signed in.'
        : 'Skipped: neither server/discover nor initialize succeeded.',
    };
  }
  const details: string[] = [];
  if (eras.supportedVersions) {
    details.push(
      `2026-07-28: supportedVersions ${eras.supportedVersions.map((v) => clip(v, 40)).join(', ')}; serverInfo ${clip(eras.modernServerInfo?.name ?? '?', 80)} ${clip(eras.modernServerInfo?.version ?? '', 40)}`,
    );
  }
  if (eras.legacyServerInfo) {
    details.push(
      `2025: protocolVersion ${clip(eras.legacyVersion ?? '?', 40)}; serverInfo ${clip(eras.legacyServerInfo.name ?? '?', 80)} ${clip(eras.legacyServerInfo.version ?? '', 40)}`,
    );
  }
  if (eras.speaks.length === 2) {
    const differences = disagreements(discover?.result ?? {}, init?.result ?? {});
    if (differences.length) {
      return {
        status: 'warn',
        summary: `Speaks both eras, but they describe the server differently: ${differences.join('; ')}.`,
        details,
        fix: 'Build both eras from the same server definition, so clients see the same server whichever era they negotiate.',
      };
    }
    return {
      status: 'pass',
      summary: `Speaks both eras (2026-07-28 and ${clip(eras.legacyVersion ?? '2025', 40)}), with the same name, version and capabilities.`,
      details,
    };
  }
  if (eras.speaks[0] === 'modern') {
    return {
      status: 'pass',
      summary: 'Speaks MCP 2026-07-28 only (the Initialize check tells how it answers 2025 clients).',
      details,
    };
  }
  return {
    status: 'pass',
    summary: `Speaks the 2025 revisions only (${clip(eras.legacyVersion ?? '?', 40)}); negotiating clients fall back to initialize.`,
    details,
  };
};

function modernOnly(ctx: CheckContext): { version: string } | CheckResult {
  const discover = ctx.found.discover;
  if (discover?.kind !== 'modern' || !discover.version) {
    return {
      status: 'skip',
      summary:
        discover?.kind === 'auth-required'
          ? 'Skipped: server/discover needs a token.'
          : 'Skipped: the server does not speak MCP 2026-07-28.',
    };
  }
  return { version: discover.version };
}

// ---- 9. Mcp-Method validation
export const checkMcpMethod: Check = async (ctx) => {
  const modern = modernOnly(ctx);
  if (!('version' in modern)) return modern;
  const resource = ctx.found.resource!;
  // tools/list in the body, another method in the header: a proxy routing on the header would run the wrong one.
  const sent = await postModern(
    ctx,
    resource,
    { id: 2, method: 'tools/list', version: modern.version },
    'prompts/list',
  );
  const status = sent.response.status;
  const message = await readJsonRpcResponse(ctx, sent, 2);
  const error = rpcError(message);
  const head = 'POST tools/list with Mcp-Method: prompts/list';
  if (status >= 400 && status < 500 && error) {
    const exact = error.code === HEADER_MISMATCH;
    return {
      status: exact ? 'pass' : 'warn',
      summary: `A request whose Mcp-Method header disagrees with its body is rejected: HTTP ${status}, ${describeRpcError(error)}.`,
      details: [head],
      ...(exact
        ? {}
        : { fix: `Reject the mismatch with HTTP 400 and JSON-RPC error ${HEADER_MISMATCH} (header mismatch).` }),
      spec: SPEC_HEADERS,
    };
  }
  return {
    status: 'fail',
    summary: error
      ? `The header/body mismatch was answered HTTP ${status} with ${describeRpcError(error)}, not rejected as a bad request.`
      : `The header/body mismatch was not rejected: HTTP ${status}${message?.result ? ', with a result' : ''}.`,
    details: [head],
    fix: `Compare Mcp-Method (and Mcp-Name) with the JSON-RPC body and answer a mismatch with HTTP 400 and JSON-RPC error ${HEADER_MISMATCH}: gateways route on the headers, so a server that trusts the body alone can be made to run what the gateway did not allow.`,
    spec: SPEC_HEADERS,
  };
};

// ---- 10. cache hints
export const checkCacheHints: Check = async (ctx) => {
  const modern = modernOnly(ctx);
  if (!('version' in modern)) return modern;
  const resource = ctx.found.resource!;
  const sent = await postModern(ctx, resource, { id: 3, method: 'tools/list', version: modern.version });
  const status = sent.response.status;
  const message = await readJsonRpcResponse(ctx, sent, 3);
  const result = message?.result;
  if (status < 200 || status >= 300 || !result || typeof result !== 'object') {
    const error = rpcError(message);
    return {
      status: 'warn',
      summary: `tools/list did not return a result (HTTP ${status}${error ? `, ${describeRpcError(error)}` : ''}); the cache hints could not be checked.`,
      fix: 'Answer tools/list on the 2026-07-28 era (an empty list when the server has no tools).',
      spec: SPEC_CACHE,
    };
  }
  const record = result as Record<string, unknown>;
  const missing: string[] = [];
  const ttl = record.ttlMs;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) missing.push('ttlMs');
  if (record.cacheScope !== 'public' && record.cacheScope !== 'private') missing.push('cacheScope');
  const found = `ttlMs ${JSON.stringify(ttl ?? null)}, cacheScope ${JSON.stringify(record.cacheScope ?? null)}`;
  if (missing.length) {
    return {
      status: 'warn',
      summary: `tools/list has no valid ${missing.join(' or ')} (${clip(found, 120)}): clients cannot tell how long the list stays valid.`,
      fix: 'Put `ttlMs` (a non-negative integer; 0 = do not cache) and `cacheScope` ("public" or "private") on cacheable results: tools/list, prompts/list, resources/list, resources/read, server/discover.',
      spec: SPEC_CACHE,
    };
  }
  return { status: 'pass', summary: `tools/list carries its cache hints: ${clip(found, 120)}.`, spec: SPEC_CACHE };
};
