/**
 * Turns core objects into what the inspector webview may see (src/shared/protocol.ts). No
 * `vscode` import, so it is unit-tested in plain Node. The rule: nothing secret crosses. Header
 * values are never sent (only whether a connection has secret headers), environment variables of
 * stdio servers are never sent, and URL query values and secret-looking command-line values are
 * masked. Trace entries were redacted by the engine before they were stored (src/core/trace.ts).
 */
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { isHttpConfig, type ConnectionConfig, type HttpConnectionConfig } from '../../core/config';
import type { Connection, ResultExtras, ServerLogEntry } from '../../core/connection';
import { taskSupportOf } from '../../core/tasks';
import { redact, type TraceEntry } from '../../core/trace';
import {
  LOGGING_LEVELS,
  TRACE_PREVIEW_CHARS,
  type AuthStatus,
  type CacheHintView,
  type McpHeadersView,
  type ConnectionDetails,
  type ConnectionView,
  type JsonObject,
  type JsonValue,
  type LoggingLevelView,
  type PromptView,
  type RootsView,
  type ServerLogView,
  type ResourceTemplateView,
  type ResourceView,
  type ToolView,
  type TraceEntryView,
} from '../../shared/protocol';

/** Names of flags, headers, query parameters and variables whose values are credentials. */
const SECRET_NAME =
  /(^|[-_.])(auth|authorization|token|access[-_]?token|refresh[-_]?token|api[-_]?key|apikey|key|secret|client[-_]?secret|password|passwd|pwd|cookie|session|sig|signature|credentials?|bearer|private[-_]?key)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/^-+/, ''));
}

/** A URL for display: no user info, every query value masked (query strings often carry keys). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    const params = [...u.searchParams.keys()];
    const query = params.length ? `?${params.map((k) => `${encodeURIComponent(k)}=…`).join('&')}` : '';
    return `${u.origin}${u.pathname}${query}`;
  } catch {
    return '(invalid URL)';
  }
}

/** A command line for display: values of secret-looking flags and NAME=value pairs masked. */
export function displayCommand(command: string, args: readonly string[]): string {
  const out: string[] = [command];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    if (eq > 0 && isSecretName(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq)}=…`);
    } else if (
      /^-{1,2}[A-Za-z]/.test(arg) &&
      isSecretName(arg) &&
      i + 1 < args.length &&
      !args[i + 1].startsWith('-')
    ) {
      out.push(arg, '…');
      i++;
    } else out.push(/^(Bearer|Basic)\s/i.test(arg) ? '…' : arg);
  }
  return out.map((w) => (/\s/.test(w) ? JSON.stringify(w) : w)).join(' ');
}

export function displayTarget(config: ConnectionConfig): string {
  return isHttpConfig(config) ? displayUrl(config.url) : displayCommand(config.command, config.args);
}

/** The default auth status when no OAuth engine is wired: a 401/403 means a sign-in is needed. */
export function defaultAuthStatus(connection: Connection): AuthStatus {
  return connection.status.state === 'auth-required'
    ? { state: 'sign-in-required', message: connection.status.message }
    : { state: 'not-needed' };
}

export function toConnectionView(connection: Connection, auth: AuthStatus, editable: boolean): ConnectionView {
  const c = connection.config;
  return {
    id: connection.id,
    name: c.name,
    transport: c.transport,
    target: displayTarget(c),
    state: connection.status.state,
    message: connection.status.message,
    since: connection.status.since,
    auth,
    editable,
    activeTransport: connection.activeTransport,
    protocol: c.protocol ?? 'auto',
    // A version from a finished session would mislead next to a disconnected connection.
    ...(connection.status.state === 'connected'
      ? { era: connection.era, protocolVersion: connection.protocolVersion }
      : {}),
    counts: {
      tools: connection.tools.length,
      resources: connection.resources.length,
      resourceTemplates: connection.resourceTemplates.length,
      prompts: connection.prompts.length,
    },
  };
}

/** A JSON-safe deep copy (drops undefined, functions; NaN becomes null) with a depth guard. */
export function toJson(value: unknown): JsonValue {
  const walk = (v: unknown, depth: number): JsonValue | undefined => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v !== 'object' || depth > 100) return undefined;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1) ?? null);
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const j = walk(x, depth + 1);
      if (j !== undefined) out[k] = j;
    }
    return out;
  };
  return walk(value, 0) ?? null;
}

function jsonObject(v: unknown): JsonObject {
  const j = toJson(v);
  return j !== null && typeof j === 'object' && !Array.isArray(j) ? j : {};
}
const optString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const optBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

export function toToolView(tool: Tool): ToolView {
  const a = tool.annotations;
  return {
    name: tool.name,
    title: optString(tool.title),
    description: optString(tool.description),
    inputSchema: jsonObject(tool.inputSchema),
    outputSchema: tool.outputSchema ? jsonObject(tool.outputSchema) : undefined,
    annotations: a
      ? {
          title: optString(a.title),
          readOnlyHint: optBool(a.readOnlyHint),
          destructiveHint: optBool(a.destructiveHint),
          idempotentHint: optBool(a.idempotentHint),
          openWorldHint: optBool(a.openWorldHint),
        }
      : undefined,
    ...(taskSupportOf(tool) !== 'forbidden' ? { taskSupport: taskSupportOf(tool) } : {}),
  };
}

export function toResourceView(r: Resource): ResourceView {
  return {
    uri: r.uri,
    name: r.name,
    title: optString(r.title),
    description: optString(r.description),
    mimeType: optString(r.mimeType),
    size: typeof r.size === 'number' ? r.size : undefined,
  };
}

export function toTemplateView(t: ResourceTemplate): ResourceTemplateView {
  return {
    uriTemplate: t.uriTemplate,
    name: t.name,
    title: optString(t.title),
    description: optString(t.description),
    mimeType: optString(t.mimeType),
  };
}

export function toPromptView(p: Prompt): PromptView {
  return {
    name: p.name,
    title: optString(p.title),
    description: optString(p.description),
    arguments: (p.arguments ?? []).map((a) => ({
      name: a.name,
      description: optString(a.description),
      required: optBool(a.required),
    })),
  };
}

/** What the extension adds to a connection's details: the roots it offers (the answering services own them). */
export interface DetailsExtras {
  roots?: RootsView;
}

function loggingLevelView(level: unknown): LoggingLevelView | undefined {
  return LOGGING_LEVELS.includes(level as LoggingLevelView) ? (level as LoggingLevelView) : undefined;
}

export function toServerLogView(entry: ServerLogEntry): ServerLogView {
  return {
    time: entry.time,
    level: loggingLevelView(entry.level) ?? 'info',
    ...(typeof entry.logger === 'string' ? { logger: entry.logger.slice(0, 500) } : {}),
    // The core redacted it when it arrived; still the server's data, copied as JSON.
    data: toJson(entry.data),
  };
}

export function toDetails(connection: Connection, extras: DetailsExtras = {}): ConnectionDetails {
  const logLevel = loggingLevelView(connection.loggingLevel);
  return {
    connectionId: connection.id,
    tools: connection.tools.map(toToolView),
    resources: connection.resources.map(toResourceView),
    resourceTemplates: connection.resourceTemplates.map(toTemplateView),
    prompts: connection.prompts.map(toPromptView),
    server: {
      name: connection.serverInfo?.name,
      version: connection.serverInfo?.version,
      title: optString((connection.serverInfo as { title?: unknown } | undefined)?.title),
      protocolVersion: connection.protocolVersion,
      era: connection.era,
      negotiation: optString(connection.negotiation),
      discover: connection.discoverResult ? jsonObject(connection.discoverResult) : undefined,
      instructions: connection.instructions,
      capabilities: connection.capabilities ? jsonObject(connection.capabilities) : undefined,
    },
    ...listCacheView(connection.listCache),
    ...(logLevel ? { logLevel } : {}),
    ...(extras.roots ? { roots: extras.roots } : {}),
  };
}

/** The lists' cache hints as the core recorded them, checked like a result's (only lists that have one). */
function listCacheView(listCache: Connection['listCache'] | undefined): Pick<ConnectionDetails, 'listCache'> {
  const out: NonNullable<ConnectionDetails['listCache']> = {};
  for (const kind of ['tools', 'resources', 'resourceTemplates', 'prompts'] as const) {
    const cache = checkedExtras({ cache: listCache?.[kind] }).cache;
    if (cache) out[kind] = cache;
  }
  return Object.keys(out).length ? { listCache: out } : {};
}

export function toTraceView(entry: TraceEntry): TraceEntryView {
  let preview: string;
  try {
    preview = JSON.stringify(entry.message) ?? '';
  } catch {
    preview = '';
  }
  return {
    seq: entry.seq,
    time: entry.time,
    direction: entry.direction,
    kind: entry.kind,
    method: entry.method,
    id: entry.id,
    durationMs: entry.durationMs,
    size: entry.size,
    preview: preview.length > TRACE_PREVIEW_CHARS ? preview.slice(0, TRACE_PREVIEW_CHARS) : preview,
    ...(entry.http ? { http: toHeadersView(entry.http) } : {}),
  };
}

const HEADER_CHECKS: ReadonlyArray<McpHeadersView['check']> = ['ok', 'mismatch', 'missing', 'not-applicable'];

/** The routing headers as plain JSON with bounded strings (header values come from our own client, but stay data). */
function toHeadersView(http: McpHeadersView): McpHeadersView {
  const bounded = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  return {
    method: bounded(http.method, 200),
    name: bounded(http.name, 1000),
    check: HEADER_CHECKS.includes(http.check) ? http.check : 'missing',
    detail: bounded(http.detail, 1000),
  };
}

/** What the core adds to a call, read or get result (ResultExtras), checked before it crosses to the webview. */
function checkedExtras(result: ResultExtras): { resultType?: string; cache?: CacheHintView } {
  const out: { resultType?: string; cache?: CacheHintView } = {};
  if (typeof result.resultType === 'string') out.resultType = result.resultType.slice(0, 100);
  const c = result.cache;
  if (c && typeof c.ttlMs === 'number' && Number.isFinite(c.ttlMs) && c.ttlMs >= 0) {
    out.cache = {
      ttlMs: c.ttlMs,
      // The spec's `public` grant is too strong to infer: anything else reads as private (as the SDK does).
      cacheScope: c.cacheScope === 'public' ? 'public' : 'private',
      receivedAt: Number.isFinite(c.receivedAt) ? c.receivedAt : Date.now(),
      servedFromCache: c.servedFromCache === true,
    };
  }
  return out;
}

/**
 * A core result as the webview gets it: `result` is what the server sent, and `resultType` and the
 * cache hint ride beside it for the badges. The core is the one owner of both (it reads them off the
 * wire and knows whether a request went out). `cache` is MCP Lens's own and is taken out of the
 * result; `resultType` is a wire field and stays in it too. `outputSchemaCheck` stays where the
 * core puts it, as before: the webview reads its badge from there.
 */
export function toOutcome(
  result: object,
  durationMs: number,
): { result: JsonObject; durationMs: number; resultType?: string; cache?: CacheHintView } {
  const { cache: _ours, ...server } = result as ResultExtras;
  return { result: toJson(server) as JsonObject, durationMs, ...checkedExtras(result as ResultExtras) };
}

function envName(prefix: string, name: string): string {
  return `${prefix}_${name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`;
}

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface CurlOptions {
  protocolVersion?: string;
  /** The transport in use (`auto` resolves to one of these after connecting). */
  activeTransport?: 'sse' | 'streamable-http';
  /** The connection is signed in with OAuth: an Authorization header is needed. */
  oauth?: boolean;
}

/**
 * A curl command that replays one JSON-RPC message over HTTP (MCP Streamable HTTP transport:
 * POST with Accept: application/json, text/event-stream; MCP-Protocol-Version and
 * Mcp-Session-Id headers after initialization). Secrets never appear: secret headers and OAuth
 * tokens become `$VARIABLES`, secret-looking query values too, and the body is redacted again.
 */
export function buildCurl(config: HttpConnectionConfig, message: unknown, options: CurlOptions = {}): string {
  const transport = options.activeTransport ?? (config.transport === 'sse' ? 'sse' : 'streamable-http');
  let url: string;
  if (transport === 'sse') {
    // Over HTTP+SSE, messages go to the endpoint the server announced on its event stream.
    url = '"$MCP_SSE_ENDPOINT"';
  } else {
    try {
      const u = new URL(config.url);
      u.username = '';
      u.password = '';
      const vars: string[] = [];
      for (const key of [...u.searchParams.keys()]) {
        if (isSecretName(key)) {
          u.searchParams.set(key, `__${envName('MCP_QUERY', key)}__`);
          vars.push(envName('MCP_QUERY', key));
        }
      }
      let text = u.toString();
      for (const v of vars) text = text.replace(`__${v}__`, `\${${v}}`);
      url = vars.length ? `"${text.replace(/(["\\`])/g, '\\$1')}"` : sq(text);
    } catch {
      url = sq(config.url);
    }
  }
  const lines = [
    `curl -sS -X POST ${url}`,
    `-H 'Content-Type: application/json'`,
    `-H 'Accept: application/json, text/event-stream'`,
  ];
  const isInitialize =
    typeof message === 'object' && message !== null && (message as { method?: unknown }).method === 'initialize';
  if (options.protocolVersion && !isInitialize) {
    lines.push(`-H ${sq(`MCP-Protocol-Version: ${options.protocolVersion}`)}`);
  }
  if (transport === 'streamable-http' && !isInitialize) lines.push(`-H "Mcp-Session-Id: $MCP_SESSION_ID"`);
  const secretNames = new Set((config.secretHeaders ?? []).map((n) => n.toLowerCase()));
  let hasAuthorization = false;
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (secretNames.has(name.toLowerCase())) continue;
    if (isSecretName(name) || /^(Bearer|Basic)\s/i.test(value)) {
      lines.push(`-H "${name}: $${envName('MCP_HEADER', name)}"`);
    } else lines.push(`-H ${sq(`${name}: ${value}`)}`);
    if (name.toLowerCase() === 'authorization') hasAuthorization = true;
  }
  for (const name of config.secretHeaders ?? []) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) continue;
    lines.push(`-H "${name}: $${envName('MCP_HEADER', name)}"`);
    if (name.toLowerCase() === 'authorization') hasAuthorization = true;
  }
  if (options.oauth && !hasAuthorization) lines.push(`-H "Authorization: Bearer $MCP_TOKEN"`);
  lines.push(`--data-raw ${sq(JSON.stringify(redact(message)))}`);
  return lines.join(' \\\n  ');
}
