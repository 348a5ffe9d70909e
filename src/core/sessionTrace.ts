/**
 * Session traces as files: the protocol trace of a connection (src/core/trace.ts) and the HTTP
 * exchanges of its last OAuth sign-in debug run (src/core/auth/flowReport.ts), written as one
 * HAR-like JSON document, read back with strict validation, and rendered as a text timeline for
 * viewing. The format is documented in docs/session-trace.md.
 *
 * Secrets: the trace redacted every message before storing it, and the OAuth trace is masked by
 * name. Writing redacts both once more with the same functions (and the connection's secret
 * header values), so a file can only hold what a redacted trace holds, even if a future change
 * lets something through upstream.
 */
import { sanitizeTrace } from './auth/flowReport';
import { maskUrl } from './auth/redact';
import { redact, redactHeaders, type TraceDirection, type TraceEntry, type TraceKind } from './trace';
import type { FlowExchangeView, FlowTraceView, McpHeadersView } from '../shared/protocol';

export const SESSION_TRACE_FORMAT = 'mcp-lens-session-trace';
export const SESSION_TRACE_VERSION = 1;
/** The HAR version whose shape the file borrows (`log.entries[].request/response`, headers as name/value pairs). */
const HAR_VERSION = '1.2';
/** A bound on what the viewer accepts, well above what a trace buffer holds (2000 messages by default). */
export const MAX_SESSION_ENTRIES = 100_000;

export interface HarHeader {
  name: string;
  value: string;
}

/** One MCP message, or a request with its response (or error) paired by JSON-RPC id. */
export interface McpSessionEntry {
  _type: 'mcp';
  /** When the first message of the entry crossed (ISO 8601). */
  startedDateTime: string;
  /** Milliseconds from the request to its response; 0 for a single message. */
  time: number;
  /** Who sent the first message: `out` is the client (MCP Lens), `in` the server. */
  _direction: TraceDirection;
  /** What the first message is. A `request` entry carries its response when the trace has it. */
  _kind: TraceKind;
  _method?: string;
  _id?: string | number;
  /** The request or notification: its JSON-RPC message, as the trace stored it (redacted). */
  request?: { size: number; body: unknown; _mcpHeaders?: McpHeadersView };
  /** The response or error. `startedDateTime` is when it crossed. */
  response?: { startedDateTime: string; size: number; body: unknown; _error: boolean };
}

/** One HTTP request of the OAuth sign-in, from the flow debugger's trace (masked). */
export interface HttpSessionEntry {
  _type: 'http';
  startedDateTime: string;
  time: number;
  /** The sign-in step that made the request, e.g. "Token request". */
  _oauthStep?: string;
  request: { method: string; url: string; headers: HarHeader[]; postData?: { mimeType?: string; text: string } };
  response?: { status: number; headers: HarHeader[]; content: { mimeType?: string; text?: string } };
  /** Why the request got no response (network error, timeout). */
  _error?: string;
}

export type SessionEntry = McpSessionEntry | HttpSessionEntry;

export interface SessionConnectionInfo {
  name: string;
  transport: string;
  /** The server URL (credentials and secret parameters masked), or the stdio command (without arguments or environment). */
  target: string;
}

export interface SessionTrace {
  log: {
    version: string;
    creator: { name: string; version: string };
    _mcpLens: {
      format: typeof SESSION_TRACE_FORMAT;
      formatVersion: number;
      exportedAt: string;
      connection: SessionConnectionInfo;
      protocolVersion?: string;
      /** The OAuth debugger run the HTTP entries come from, if any. */
      oauth?: { resource: string; state: string; startedAt: string; error?: string };
    };
    entries: SessionEntry[];
  };
}

export interface SessionTraceInput {
  connection: { name: string; transport: string; url?: string; command?: string };
  protocolVersion?: string;
  /** The protocol trace, oldest first (TraceBuffer.entries()). */
  messages: readonly TraceEntry[];
  /** The connection's last OAuth debugger run, if any. */
  oauth?: FlowTraceView;
  /** Values to redact wherever they appear, as the trace does (the connection's secret header values). */
  secretValues?: readonly string[];
  creatorVersion: string;
  exportedAt?: Date;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toHeaderList(headers: Record<string, string>, secretValues: readonly string[]): HarHeader[] {
  return Object.entries(redactHeaders(headers, secretValues)).map(([name, value]) => ({ name, value }));
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function httpEntry(
  exchange: FlowExchangeView,
  startedAt: number,
  step: string,
  secrets: readonly string[],
): HttpSessionEntry {
  const scrub = (text: string) => redact(text, secrets) as string;
  const { request, response } = exchange;
  const requestType = headerValue(request.headers, 'content-type');
  const responseType = response ? headerValue(response.headers, 'content-type') : undefined;
  const entry: HttpSessionEntry = {
    _type: 'http',
    startedDateTime: iso(startedAt),
    time: Math.max(0, exchange.durationMs),
    _oauthStep: step,
    request: {
      method: request.method,
      url: scrub(request.url),
      headers: toHeaderList(request.headers, secrets),
      ...(request.body !== undefined
        ? { postData: { ...(requestType ? { mimeType: requestType } : {}), text: scrub(request.body) } }
        : {}),
    },
  };
  if (response) {
    entry.response = {
      status: response.status,
      headers: toHeaderList(response.headers, secrets),
      content: {
        ...(responseType ? { mimeType: responseType } : {}),
        ...(response.body !== undefined ? { text: scrub(response.body) } : {}),
      },
    };
  }
  if (exchange.error) entry._error = scrub(exchange.error);
  return entry;
}

/** Builds the file's document from a connection's traces. Every message and exchange is redacted again here. */
export function buildSessionTrace(input: SessionTraceInput): SessionTrace {
  const secrets = input.secretValues ?? [];
  const entries: SessionEntry[] = [];
  // Requests waiting for their response, by who sent them and their id.
  const open = new Map<string, McpSessionEntry>();
  const key = (direction: TraceDirection, id: string | number) => `${direction}|${typeof id}|${id}`;
  for (const m of input.messages) {
    const body = redact(m.message, secrets);
    if ((m.kind === 'response' || m.kind === 'error') && m.id !== undefined) {
      const request = open.get(key(m.direction === 'in' ? 'out' : 'in', m.id));
      if (request) {
        open.delete(key(request._direction, m.id));
        request.response = { startedDateTime: iso(m.time), size: m.size, body, _error: m.kind === 'error' };
        request.time = Math.max(0, m.durationMs ?? m.time - Date.parse(request.startedDateTime));
        continue;
      }
    }
    const entry: McpSessionEntry = {
      _type: 'mcp',
      startedDateTime: iso(m.time),
      time: 0,
      _direction: m.direction,
      _kind: m.kind,
      ...(m.method !== undefined ? { _method: m.method } : {}),
      ...(m.id !== undefined ? { _id: m.id } : {}),
    };
    if (m.kind === 'request' || m.kind === 'notification') {
      entry.request = { size: m.size, body, ...(m.http ? { _mcpHeaders: m.http } : {}) };
      if (m.kind === 'request' && m.id !== undefined) open.set(key(m.direction, m.id), entry);
    } else {
      // A response whose request the trace no longer holds (it keeps the latest messages).
      entry.response = { startedDateTime: iso(m.time), size: m.size, body, _error: m.kind === 'error' };
    }
    entries.push(entry);
  }

  let oauth: SessionTrace['log']['_mcpLens']['oauth'];
  if (input.oauth) {
    const flow = sanitizeTrace(input.oauth);
    oauth = {
      resource: maskUrl(flow.resource),
      state: flow.state,
      startedAt: iso(flow.startedAt),
      ...(flow.error ? { error: redact(flow.error, secrets) as string } : {}),
    };
    for (const step of flow.steps) {
      // A step records its exchanges in order but only its own start: each starts when the previous ended.
      let at = step.startedAt;
      for (const exchange of step.exchanges) {
        entries.push(httpEntry(exchange, at, step.title, secrets));
        at += Math.max(0, exchange.durationMs);
      }
    }
  }
  // One timeline: stable, so messages of the same millisecond keep the trace's order.
  entries.sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));

  const { connection } = input;
  const target = connection.url !== undefined ? maskUrl(connection.url) : (connection.command ?? '');
  return {
    log: {
      version: HAR_VERSION,
      creator: { name: 'MCP Lens', version: input.creatorVersion },
      _mcpLens: {
        format: SESSION_TRACE_FORMAT,
        formatVersion: SESSION_TRACE_VERSION,
        exportedAt: (input.exportedAt ?? new Date()).toISOString(),
        connection: {
          name: connection.name,
          transport: connection.transport,
          target: redact(target, secrets) as string,
        },
        ...(input.protocolVersion ? { protocolVersion: input.protocolVersion } : {}),
        ...(oauth ? { oauth } : {}),
      },
      entries,
    },
  };
}

export function sessionTraceToJson(trace: SessionTrace): string {
  return `${JSON.stringify(trace, null, 2)}\n`;
}

// ---- reading back ----

export class SessionTraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionTraceError';
  }
}

type Json = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new SessionTraceError(
    `This is not a valid MCP Lens session trace: ${where} ${what}. Open a file written by MCP Lens: Export Session Trace….`,
  );
}

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be an object');
  return value as Json;
}

function onlyKeys(value: Json, where: string, allowed: readonly string[]): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length) fail(where, `has unexpected field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, 'must be a string');
  return value;
}

function optionalString(value: unknown, where: string): void {
  if (value !== undefined) string(value, where);
}

function date(value: unknown, where: string): void {
  const text = string(value, where);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(Date.parse(text))
  ) {
    fail(where, `must be an ISO 8601 date and time (got ${JSON.stringify(text.slice(0, 40))})`);
  }
}

function nonNegative(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(where, 'must be a number ≥ 0');
}

function oneOf<T extends string>(value: unknown, where: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(where, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

function headers(value: unknown, where: string): void {
  if (!Array.isArray(value)) fail(where, 'must be an array of {name, value}');
  value.forEach((h, i) => {
    const header = object(h, `${where}[${i}]`);
    onlyKeys(header, `${where}[${i}]`, ['name', 'value']);
    string(header.name, `${where}[${i}].name`);
    string(header.value, `${where}[${i}].value`);
  });
}

const KINDS: readonly TraceKind[] = ['request', 'response', 'error', 'notification'];
const DIRECTIONS: readonly TraceDirection[] = ['out', 'in'];
const HEADER_CHECKS = ['ok', 'mismatch', 'missing', 'not-applicable'] as const;

function mcpEntry(e: Json, where: string): void {
  onlyKeys(e, where, [
    '_type',
    'startedDateTime',
    'time',
    '_direction',
    '_kind',
    '_method',
    '_id',
    'request',
    'response',
  ]);
  oneOf(e._direction, `${where}._direction`, DIRECTIONS);
  const kind = oneOf(e._kind, `${where}._kind`, KINDS);
  optionalString(e._method, `${where}._method`);
  if (e._id !== undefined && typeof e._id !== 'string' && typeof e._id !== 'number') {
    fail(`${where}._id`, 'must be a string or a number');
  }
  if (e.request !== undefined) {
    const r = object(e.request, `${where}.request`);
    onlyKeys(r, `${where}.request`, ['size', 'body', '_mcpHeaders']);
    nonNegative(r.size, `${where}.request.size`);
    if (!('body' in r)) fail(`${where}.request.body`, 'is missing');
    if (r._mcpHeaders !== undefined) {
      const h = object(r._mcpHeaders, `${where}.request._mcpHeaders`);
      onlyKeys(h, `${where}.request._mcpHeaders`, ['method', 'name', 'check', 'detail']);
      optionalString(h.method, `${where}.request._mcpHeaders.method`);
      optionalString(h.name, `${where}.request._mcpHeaders.name`);
      oneOf(h.check, `${where}.request._mcpHeaders.check`, HEADER_CHECKS);
      optionalString(h.detail, `${where}.request._mcpHeaders.detail`);
    }
  }
  if (e.response !== undefined) {
    const r = object(e.response, `${where}.response`);
    onlyKeys(r, `${where}.response`, ['startedDateTime', 'size', 'body', '_error']);
    date(r.startedDateTime, `${where}.response.startedDateTime`);
    nonNegative(r.size, `${where}.response.size`);
    if (!('body' in r)) fail(`${where}.response.body`, 'is missing');
    if (typeof r._error !== 'boolean') fail(`${where}.response._error`, 'must be true or false');
  }
  if ((kind === 'request' || kind === 'notification') && e.request === undefined) {
    fail(`${where}.request`, `is missing (a ${kind} entry carries its message there)`);
  }
  if ((kind === 'response' || kind === 'error') && (e.response === undefined || e.request !== undefined)) {
    fail(`${where}.response`, `must hold the message of a ${kind} entry, and request must be absent`);
  }
  if (kind === 'notification' && e.response !== undefined) {
    fail(`${where}.response`, 'is not allowed on a notification');
  }
}

function httpEntryCheck(e: Json, where: string): void {
  onlyKeys(e, where, ['_type', 'startedDateTime', 'time', '_oauthStep', 'request', 'response', '_error']);
  optionalString(e._oauthStep, `${where}._oauthStep`);
  optionalString(e._error, `${where}._error`);
  const r = object(e.request, `${where}.request`);
  onlyKeys(r, `${where}.request`, ['method', 'url', 'headers', 'postData']);
  string(r.method, `${where}.request.method`);
  string(r.url, `${where}.request.url`);
  headers(r.headers, `${where}.request.headers`);
  if (r.postData !== undefined) {
    const p = object(r.postData, `${where}.request.postData`);
    onlyKeys(p, `${where}.request.postData`, ['mimeType', 'text']);
    optionalString(p.mimeType, `${where}.request.postData.mimeType`);
    string(p.text, `${where}.request.postData.text`);
  }
  if (e.response !== undefined) {
    const s = object(e.response, `${where}.response`);
    onlyKeys(s, `${where}.response`, ['status', 'headers', 'content']);
    if (!Number.isInteger(s.status) || (s.status as number) < 100 || (s.status as number) > 599) {
      fail(`${where}.response.status`, 'must be an HTTP status code');
    }
    headers(s.headers, `${where}.response.headers`);
    const c = object(s.content, `${where}.response.content`);
    onlyKeys(c, `${where}.response.content`, ['mimeType', 'text']);
    optionalString(c.mimeType, `${where}.response.content.mimeType`);
    optionalString(c.text, `${where}.response.content.text`);
  }
}

/** Parses and validates a session trace file; throws SessionTraceError saying what is wrong and where. */
export function parseSessionTrace(text: string): SessionTrace {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SessionTraceError(
      `This is not an MCP Lens session trace: the file is not JSON (${e instanceof Error ? e.message : String(e)}). Open a file written by MCP Lens: Export Session Trace….`,
    );
  }
  const root = object(parsed, 'the document');
  const log = object(root.log, '"log"');
  const meta = object(log._mcpLens, 'log._mcpLens');
  if (meta.format !== SESSION_TRACE_FORMAT) {
    fail(
      'log._mcpLens.format',
      `must be ${JSON.stringify(SESSION_TRACE_FORMAT)} (a plain HAR file is not a session trace)`,
    );
  }
  if (meta.formatVersion !== SESSION_TRACE_VERSION) {
    if (typeof meta.formatVersion === 'number' && meta.formatVersion > SESSION_TRACE_VERSION) {
      throw new SessionTraceError(
        `This session trace is format version ${meta.formatVersion}, written by a newer MCP Lens; this version reads version ${SESSION_TRACE_VERSION}. Update MCP Lens to open it.`,
      );
    }
    fail('log._mcpLens.formatVersion', `must be ${SESSION_TRACE_VERSION}`);
  }
  onlyKeys(meta, 'log._mcpLens', ['format', 'formatVersion', 'exportedAt', 'connection', 'protocolVersion', 'oauth']);
  date(meta.exportedAt, 'log._mcpLens.exportedAt');
  const connection = object(meta.connection, 'log._mcpLens.connection');
  onlyKeys(connection, 'log._mcpLens.connection', ['name', 'transport', 'target']);
  string(connection.name, 'log._mcpLens.connection.name');
  string(connection.transport, 'log._mcpLens.connection.transport');
  string(connection.target, 'log._mcpLens.connection.target');
  optionalString(meta.protocolVersion, 'log._mcpLens.protocolVersion');
  if (meta.oauth !== undefined) {
    const o = object(meta.oauth, 'log._mcpLens.oauth');
    onlyKeys(o, 'log._mcpLens.oauth', ['resource', 'state', 'startedAt', 'error']);
    string(o.resource, 'log._mcpLens.oauth.resource');
    string(o.state, 'log._mcpLens.oauth.state');
    date(o.startedAt, 'log._mcpLens.oauth.startedAt');
    optionalString(o.error, 'log._mcpLens.oauth.error');
  }
  string(log.version, 'log.version');
  const creator = object(log.creator, 'log.creator');
  string(creator.name, 'log.creator.name');
  string(creator.version, 'log.creator.version');
  if (!Array.isArray(log.entries)) fail('log.entries', 'must be an array');
  if (log.entries.length > MAX_SESSION_ENTRIES) fail('log.entries', `holds more than ${MAX_SESSION_ENTRIES} entries`);
  log.entries.forEach((value, i) => {
    const where = `log.entries[${i}]`;
    const e = object(value, where);
    const type = oneOf(e._type, `${where}._type`, ['mcp', 'http'] as const);
    date(e.startedDateTime, `${where}.startedDateTime`);
    nonNegative(e.time, `${where}.time`);
    if (type === 'mcp') mcpEntry(e, where);
    else httpEntryCheck(e, where);
  });
  return parsed as SessionTrace;
}

// ---- viewing ----

const ARROW: Record<TraceDirection, string> = { out: '→', in: '←' };
const timeOfDay = (isoDate: string) => isoDate.slice(11, 23);

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/**
 * The trace as a plain-text timeline (times in UTC): one block per entry, with the messages as
 * indented JSON. Plain text on purpose: nothing a server wrote is interpreted as markup.
 */
export function renderSessionTrace(trace: SessionTrace): string {
  const { _mcpLens: meta, entries } = trace.log;
  const mcp = entries.filter((e) => e._type === 'mcp').length;
  const out: string[] = [
    `MCP Lens session trace (recorded, read-only) — ${meta.connection.name}`,
    `Connection: ${meta.connection.transport} · ${meta.connection.target}` +
      (meta.protocolVersion ? ` · protocol ${meta.protocolVersion}` : ''),
    `Exported: ${meta.exportedAt} by ${trace.log.creator.name} ${trace.log.creator.version}`,
    `Entries: ${entries.length} (${mcp} MCP, ${entries.length - mcp} HTTP). Times are UTC. → client to server, ← server to client.`,
  ];
  if (meta.oauth) {
    out.push(
      `OAuth sign-in (debugger run of ${meta.oauth.startedAt}): ${meta.oauth.state} for ${meta.oauth.resource}` +
        (meta.oauth.error ? ` — ${meta.oauth.error}` : ''),
    );
  }
  out.push('');
  for (const e of entries) {
    if (e._type === 'mcp') {
      const what = e._method ?? (e._kind === 'error' ? 'error' : 'response');
      const id = e._id !== undefined ? ` #${String(e._id)}` : '';
      const outcome = e.request && e.response ? (e.response._error ? ' → error' : ' → ok') : '';
      const duration = e.request && e.response ? ` · ${e.time} ms` : '';
      out.push(`${timeOfDay(e.startedDateTime)}  ${ARROW[e._direction]} ${e._kind} ${what}${id}${outcome}${duration}`);
      if (e.request) {
        const headersNote = e.request._mcpHeaders
          ? `  [Mcp-Method/Mcp-Name headers: ${e.request._mcpHeaders.check}]`
          : '';
        out.push(
          `    ${ARROW[e._direction]} ${e.request.size} bytes${headersNote}`,
          indent(pretty(e.request.body), '      '),
        );
      }
      if (e.response) {
        const back = e.request ? ARROW[e._direction === 'out' ? 'in' : 'out'] : ARROW[e._direction];
        out.push(
          `    ${back} ${e.response.size} bytes at ${timeOfDay(e.response.startedDateTime)}`,
          indent(pretty(e.response.body), '      '),
        );
      }
    } else {
      const status = e.response ? ` → ${e.response.status}` : e._error ? ` → failed: ${e._error}` : '';
      out.push(
        `${timeOfDay(e.startedDateTime)}  ⇄ HTTP ${e.request.method} ${e.request.url}${status} · ${e.time} ms` +
          (e._oauthStep ? `  (OAuth: ${e._oauthStep})` : ''),
      );
      for (const h of e.request.headers) out.push(`    > ${h.name}: ${h.value}`);
      if (e.request.postData) out.push(indent(e.request.postData.text, '    > '));
      if (e.response) {
        for (const h of e.response.headers) out.push(`    < ${h.name}: ${h.value}`);
        if (e.response.content.text) out.push(indent(e.response.content.text, '    < '));
      }
    }
    out.push('');
  }
  return out.join('\n');
}
