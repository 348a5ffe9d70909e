/**
 * The per-connection protocol trace: every JSON-RPC message in and out, with its time,
 * direction, method, id, duration (for responses) and size. Memory is bounded by a ring
 * buffer (entry count and total bytes), and every message is redacted *before* it is stored,
 * so nothing downstream (log channel, webview, exports) can leak what the trace never held.
 */
import type { McpHeadersView } from '../shared/protocol';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Emitter, type Event } from './events';

export type TraceDirection = 'out' | 'in';
export type TraceKind = 'request' | 'response' | 'error' | 'notification';

export interface TraceEntry {
  /** Increasing per buffer, so consumers can tell new entries from seen ones. */
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  direction: TraceDirection;
  kind: TraceKind;
  method?: string;
  id?: string | number;
  /** For responses and errors: time since the matching request, in milliseconds. */
  durationMs?: number;
  /** Size of the serialized message in bytes. */
  size: number;
  /** The redacted message; large messages are replaced by a truncated preview. */
  message: unknown;
  /** For a message sent over Streamable HTTP: its MCP routing headers, checked against the body. */
  http?: McpHeadersView;
}

const REDACTED = '[REDACTED]';

/**
 * Keys whose values are secrets wherever they appear (headers, OAuth bodies, tool arguments).
 * `progressToken` and `nextCursor` are deliberately not matched: they are protocol data.
 */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|token|bearer|password|passwd|secret|client[-_]?secret|client[-_]?assertion|code[-_]?verifier|access[-_]?token|refresh[-_]?token|id[-_]?token|private[-_]?key)$/i;
const BEARER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]+/g;

/**
 * Returns a deep copy of `value` with secrets replaced by `[REDACTED]`: values under secret
 * keys, `Bearer …`/`Basic …` credentials inside strings, and every occurrence of the given
 * secret values (for example header values the user marked secret).
 */
export function redact(value: unknown, secretValues: readonly string[] = []): unknown {
  const needles = secretValues.filter((s) => s.length >= 4);
  const scrubString = (s: string): string => {
    let out = s.replace(BEARER_VALUE, (_m, scheme: string) => `${scheme} ${REDACTED}`);
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrubString(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > 64) return '[too deep]';
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
      out[key] =
        SECRET_KEY.test(key) && item !== undefined && item !== null && item !== '' ? REDACTED : walk(item, depth + 1);
    }
    return out;
  };
  return walk(value, 0);
}

/** Redacts header values by name (case-insensitive) and by known secret values. */
export function redactHeaders(
  headers: Record<string, string>,
  secretValues: readonly string[] = [],
): Record<string, string> {
  return redact(headers, secretValues) as Record<string, string>;
}

export interface TraceBufferOptions {
  /** Maximum number of entries kept (oldest dropped first). */
  capacity?: number;
  /** Maximum total bytes of stored messages (oldest dropped first). */
  maxBytes?: number;
  /** Messages larger than this are stored as a truncated preview. */
  maxEntryBytes?: number;
}

export class TraceBuffer {
  private readonly items: TraceEntry[] = [];
  private head = 0; // index of the oldest entry in `items` once the ring is full
  private seq = 0;
  private bytes = 0;
  private readonly capacity: number;
  private readonly maxBytes: number;
  readonly maxEntryBytes: number;
  private readonly onDidAddEmitter = new Emitter<TraceEntry>();
  readonly onDidAdd: Event<TraceEntry> = this.onDidAddEmitter.event;

  constructor(options: TraceBufferOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 2000);
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.maxEntryBytes = options.maxEntryBytes ?? 1024 * 1024;
  }

  get size(): number {
    return this.items.length;
  }

  /** Total stored bytes (sum of entry sizes as stored, after truncation). */
  get storedBytes(): number {
    return this.bytes;
  }

  add(entry: Omit<TraceEntry, 'seq'>, storedBytes = entry.size): TraceEntry {
    const full = entry instanceof RecordedMessage ? entry.withSeq(++this.seq) : { ...entry, seq: ++this.seq };
    if (this.items.length < this.capacity) {
      this.items.push(full);
    } else {
      this.bytes -= storedSize(this.items[this.head]);
      this.items[this.head] = full;
      this.head = (this.head + 1) % this.capacity;
    }
    if (full instanceof RecordedMessage) full.storedBytes = storedBytes;
    else sizes.set(full, storedBytes);
    this.bytes += storedBytes;
    while (this.bytes > this.maxBytes && this.items.length > 1) this.dropOldest();
    this.onDidAddEmitter.fire(full);
    return full;
  }

  /**
   * Records the MCP routing headers of an outgoing message on its entry: a request by its JSON-RPC
   * id (the newest outgoing request with that id), a notification by order (the oldest outgoing
   * notification of that method that has none yet). The headers are only known once the HTTP
   * transport sends the message, after the trace recorded it.
   */
  annotate(target: { id: string | number } | { notification: string }, http: McpHeadersView): boolean {
    // On every POST: walk the ring in place (entries() copies it).
    const count = this.items.length;
    if ('id' in target) {
      for (let i = count - 1; i >= 0; i--) {
        const e = this.at(i);
        if (e.direction === 'out' && e.kind === 'request' && e.id === target.id) {
          e.http = http;
          return true;
        }
      }
      return false;
    }
    for (let i = 0; i < count; i++) {
      const e = this.at(i);
      if (e.direction === 'out' && e.kind === 'notification' && e.method === target.notification && !e.http) {
        e.http = http;
        return true;
      }
    }
    return false;
  }

  /** The entry `index` places after the oldest. */
  private at(index: number): TraceEntry {
    return this.items[(this.head + index) % this.items.length];
  }

  /** Entries, oldest first. */
  entries(): TraceEntry[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.bytes = 0;
  }

  dispose(): void {
    this.onDidAddEmitter.dispose();
  }

  private dropOldest(): void {
    const ordered = this.entries();
    const dropped = ordered.shift();
    if (dropped) this.bytes -= storedSize(dropped);
    this.items.length = 0;
    this.items.push(...ordered);
    this.head = 0;
  }
}

const sizes = new WeakMap<TraceEntry, number>();
function storedSize(entry: TraceEntry): number {
  if (entry instanceof RecordedMessage) return entry.storedBytes;
  return sizes.get(entry) ?? entry.size;
}

/**
 * A traced message kept as its (already redacted) JSON text and parsed only when someone looks
 * at it: the trace sits on every request's path, and most entries are never opened.
 */
class RecordedMessage implements TraceEntry {
  seq = 0;
  http?: McpHeadersView;
  /** What the entry counts against the buffer's byte limit: the length of its stored text. */
  storedBytes = 0;
  private parsed?: unknown;

  /**
   * `bytes` is the message's size, or undefined when `json` is the message exactly as it was
   * serialized (neither redacted nor truncated): then the size is counted from it when read.
   */
  constructor(
    readonly time: number,
    readonly direction: TraceDirection,
    readonly kind: TraceKind,
    readonly method: string | undefined,
    readonly id: string | number | undefined,
    readonly durationMs: number | undefined,
    private bytes: number | undefined,
    private readonly json: string,
  ) {}

  get size(): number {
    this.bytes ??= Buffer.byteLength(this.json);
    return this.bytes;
  }

  get message(): unknown {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.json);
    return this.parsed;
  }

  withSeq(seq: number): this {
    this.seq = seq;
    return this;
  }

  toJSON(): TraceEntry {
    const { seq, time, direction, kind, method, id, durationMs, size, http } = this;
    const entry: TraceEntry = { seq, time, direction, kind, method, id, durationMs, size, message: this.message };
    if (http) entry.http = http;
    return entry;
  }
}

/** Cheap pre-check on the serialized message: only messages that may hold a secret are walked. */
const MAY_HOLD_SECRET = new RegExp(`"(?:${SECRET_KEY.source.slice(2, -2)})"\\s*:|\\b(?:Bearer|Basic)\\s`, 'i');

function mayHoldSecret(json: string, secretValues: readonly string[]): boolean {
  return MAY_HOLD_SECRET.test(json) || secretValues.some((s) => s.length >= 4 && json.includes(s));
}

/** Classifies a JSON-RPC message for the trace. */
function classify(message: JSONRPCMessage): { kind: TraceKind; method?: string; id?: string | number } {
  const m = message as { id?: string | number; method?: string; error?: unknown };
  if (m.method !== undefined) {
    return { kind: m.id !== undefined ? 'request' : 'notification', method: m.method, id: m.id };
  }
  return { kind: m.error !== undefined ? 'error' : 'response', id: m.id };
}

/**
 * Wraps an SDK transport and records every message that crosses it. The SDK `Client` sets the
 * callbacks on this wrapper; the wrapper forwards them to the real transport.
 */
export class TracingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  /**
   * Sees every message that crosses, as sent and received (before the SDK decodes and strips
   * fields); an outgoing one with its JSON text as the trace serialized it ('' if it has none).
   */
  observer?: (direction: TraceDirection, message: JSONRPCMessage, serialized?: string) => void;
  /** Outstanding requests by id, per direction of the request, to compute durations. */
  private readonly pending: Record<TraceDirection, Map<string | number, { time: number; method: string }>> = {
    out: new Map(),
    in: new Map(),
  };
  /** Whether a response arriving now must wait a microtask (see holdResponses). */
  private holdingResponses = false;
  private responseHolds = 0;

  constructor(
    readonly inner: Transport,
    private readonly trace: TraceBuffer,
    private readonly secretValues: () => readonly string[] = () => [],
  ) {
    // The v2 SDK tells a stdio transport (where a silent probe means a 2025 server) from an HTTP
    // one (where silence is an outage) by shape: `'stderr' in t && 'pid' in t`. The wrapper must
    // show the same shape as what it wraps.
    if ('pid' in inner) {
      const stdio = inner as Transport & { pid?: number; stderr?: unknown };
      Object.defineProperty(this, 'pid', { get: () => stdio.pid, enumerable: true });
      Object.defineProperty(this, 'stderr', { get: () => stdio.stderr ?? null, enumerable: true });
    }
    // Streamable HTTP cancels a 2026-07-28 request by closing its stream, which the SDK only does
    // when the transport says it has one stream per request.
    const perRequest = (inner as { hasPerRequestStream?: boolean }).hasPerRequestStream;
    if (perRequest !== undefined) Object.defineProperty(this, 'hasPerRequestStream', { value: perRequest });
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => {
      // A transport that parsed the message from JSON text lends that text for the trace to keep.
      this.record('in', message, (inner as { receivedJson?: string }).receivedJson);
      this.observer?.('in', message);
      if ('method' in message) {
        this.onmessage?.(message, extra);
        // A server request is handled at once; a notification's handler runs one microtask late.
        if (!('id' in message)) this.holdResponses();
      } else if (this.holdingResponses) {
        // The SDK runs notification handlers one microtask late but settles responses at once, so
        // a progress notification that arrives in the same chunk as its result would find its
        // handler gone. Settling the response one microtask late keeps the server's order.
        queueMicrotask(() => this.onmessage?.(message, extra));
        this.holdResponses();
      } else {
        // No notification waits for its handler: settling now keeps the order and saves a microtask.
        this.onmessage?.(message, extra);
      }
    };
  }

  /**
   * Responses that arrive before the microtasks queued so far have run wait one microtask too.
   * Only the last microtask queued lets go, so a response held earlier is never overtaken by a
   * later one delivered at once.
   */
  private holdResponses(): void {
    this.holdingResponses = true;
    const hold = ++this.responseHolds;
    queueMicrotask(() => {
      if (hold === this.responseHolds) this.holdingResponses = false;
    });
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  setSupportedProtocolVersions(versions: string[]): void {
    (this.inner as { setSupportedProtocolVersions?: (v: string[]) => void }).setSupportedProtocolVersions?.(versions);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const serialized = this.record('out', message);
    this.observer?.('out', message, serialized);
    // A transport that writes the message as its JSON text takes the text the trace already made.
    const inner = this.inner as Transport & { sendSerialized?: (json: string) => Promise<void> };
    if (serialized && inner.sendSerialized) await inner.sendSerialized(serialized);
    else await this.inner.send(message, options);
  }

  close(): Promise<void> {
    this.pending.out.clear();
    this.pending.in.clear();
    return this.inner.close();
  }

  /**
   * Records `message` and returns its JSON text as serialized (unredacted), or '' if it has none.
   * `received` is the JSON text the message was parsed from, when the transport lends it.
   */
  private record(direction: TraceDirection, message: JSONRPCMessage, received?: string): string {
    const now = Date.now();
    const { kind, method, id } = classify(message);
    let serialized: string;
    if (received !== undefined) {
      serialized = received;
    } else {
      try {
        serialized = JSON.stringify(message);
      } catch {
        serialized = '';
      }
    }
    let durationMs: number | undefined;
    let resolvedMethod = method;
    if (kind === 'request' && id !== undefined) {
      this.pending[direction].set(id, { time: now, method: method ?? '' });
    } else if ((kind === 'response' || kind === 'error') && id !== undefined) {
      // A response travels the opposite way of its request.
      const requests = this.pending[direction === 'in' ? 'out' : 'in'];
      const request = requests.get(id);
      if (request) {
        requests.delete(id);
        durationMs = now - request.time;
        resolvedMethod = request.method;
      }
    }
    const secrets = this.secretValues();
    // Redaction happens here, before anything is stored. The size is of the message as serialized:
    // counted now when the stored text differs from it, else from the stored text when read.
    let json = serialized;
    let size: number | undefined;
    if (mayHoldSecret(serialized, secrets)) {
      size = Buffer.byteLength(serialized);
      json = JSON.stringify(redact(message, secrets));
    }
    if (json.length > this.trace.maxEntryBytes) {
      size ??= Buffer.byteLength(serialized);
      json = JSON.stringify({ truncated: true, originalBytes: size, preview: json.slice(0, 64 * 1024) });
    }
    this.trace.add(new RecordedMessage(now, direction, kind, resolvedMethod, id, durationMs, size, json), json.length);
    return serialized;
  }
}
