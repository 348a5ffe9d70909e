/**
 * One MCP connection: a config, the SDK `Client` that talks to the server, the lists the server
 * offers, a bounded protocol trace and status events. Everything a connection owns (client,
 * transport, child process, timers) is released as a unit by `disconnect()`.
 */
import type {
  Client,
  ConnectOptions,
  McpSubscription,
  RequestOptions as SdkRequestOptions,
  ResultTypeMap,
  StreamableHTTPClientTransport,
  Transport as SdkTransport,
} from '@modelcontextprotocol/client';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type {
  CallToolResult,
  GetPromptResult,
  Implementation,
  LoggingLevel,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  ServerCapabilities,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import {
  isHttpConfig,
  validateConfig,
  type ConnectionConfig,
  type HttpConnectionConfig,
  type StdioConnectionConfig,
} from './config';
import {
  describeErrorResponse,
  looksLikeHtml,
  networkFailure,
  readBounded,
  summarizeBody,
  type HttpFailure,
} from './connectErrors';
import { perRequestSignal } from './abort';
import { AuthRequiredError, ConnectionError } from './errors';
import { Emitter, type Disposable, type Event } from './events';
import { silentLogger, type Logger } from './logger';
import type { Sdk } from './sdk';
import { RequestDeadlines, type Deadline } from './requestDeadlines';
import { specResultSchema } from './specResultSchema';
import type { ProcessStdioTransport, StdioServerParams } from './stdioTransport';
import type {
  CacheHintView,
  CompletionRefView,
  JsonObject,
  McpHeadersView,
  OutputSchemaCheck,
  ProtocolChoice,
  ProtocolEra,
} from '../shared/protocol';
import { TraceBuffer, TracingTransport, redact } from './trace';
import {
  ServerRequestRefused,
  type ClientCapabilityChoice,
  type ServerRequest,
  type ServerRequestHandler,
} from './serverRequests';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'auth-required' | 'error';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why: the error or the reason a sign-in is needed, in words a person can act on. */
  message?: string;
  since: number;
}

export type ListKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';
export const LIST_KINDS: readonly ListKind[] = ['tools', 'resources', 'resourceTemplates', 'prompts'];

export type ActiveTransport = 'stdio' | 'sse' | 'streamable-http';

export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

export interface RequestOptions {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  /** Overrides the connection's request timeout for this request. */
  timeoutMs?: number;
  /**
   * For lists and resources/read on the 2026-07-28 era: `use` (the default) may serve a result
   * that is still fresh by its `ttlMs` from the client's cache; `refresh` always asks the server
   * (a person's explicit refresh).
   */
  cache?: 'use' | 'refresh';
}

/** What MCP Lens adds to a call, read or get result: the wire's `resultType` and the cache hints. */
export interface ResultExtras {
  /** The result's `resultType` as sent (2026-07-28 era; the SDK drops it while decoding). */
  resultType?: string;
  /** The result's `ttlMs`/`cacheScope` (2026-07-28 era), and whether it came from the cache. */
  cache?: CacheHintView;
}

export interface ServerLogEntry {
  time: number;
  level: LoggingLevel;
  logger?: string;
  data: unknown;
}

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** What a connection offers the authorized fetch it is given. */
export interface FetchHooks {
  /**
   * Reports a sign-in the fetch runs for a request (a 401, a step-up 403): the connection's request
   * timeouts stand still until it settles, as a person's time at the consent page is not the
   * server's; the sign-in is bounded by its own limit. See ./requestDeadlines.ts.
   */
  signingIn(signIn: Promise<unknown>): void;
}

export interface ConnectionOptions {
  logger?: Logger;
  /** Per-request timeout in milliseconds; a function so a changed setting applies at once. */
  requestTimeoutMs?: number | (() => number);
  clientInfo?: Implementation;
  /** The OAuth engine's authorized fetch for HTTP connections (adds Bearer, refreshes, raises AuthRequiredError). */
  fetchFor?: (config: HttpConnectionConfig, hooks: FetchHooks) => FetchLike | undefined;
  /** Values of headers kept in secret storage, merged over the config's plain headers. */
  secretHeadersFor?: (config: HttpConnectionConfig) => Promise<Record<string, string>>;
  traceCapacity?: number;
  /**
   * How long a stdio server gets to answer the `server/discover` probe before it is taken for a
   * 2025 server (default 5 s). The time includes the server's start-up.
   */
  stdioProbeTimeoutMs?: number;
  /**
   * Answers what the server asks of the client (elicitation, sampling, roots) on either wire; its
   * `capabilities` are the client capabilities declared. Absent: none are declared, and servers hide
   * (or refuse) what needs them.
   */
  serverRequests?: ServerRequestHandler;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * The timeout given to the SDK: the longest setTimeout allows, i.e. none. The SDK's per-request
 * timer cannot stand still during a sign-in, so the connection's own deadlines (which can) bound
 * every request instead, and cancel it through its signal.
 */
const SDK_TIMEOUT_OFF = 2_147_483_647;
const SERVER_LOG_CAPACITY = 1000;
/** Messages kept for their POST (see unpostedMessages): far more than are ever in flight at once. */
const MAX_UNPOSTED_MESSAGES = 256;
/**
 * How long a stdio server gets to answer the `server/discover` probe. A 2025 server may never
 * answer a request before `initialize`; on stdio that silence means "2025 server", so it must not
 * cost the whole request timeout.
 */
const STDIO_PROBE_TIMEOUT_MS = 5000;
/** Before listening again after the server dropped the `subscriptions/listen` stream. */
const RELISTEN_BACKOFF_MS = 500;
/** How long connecting waits for the server to answer the 2025 wire's standalone GET stream. */
const STANDALONE_STREAM_WAIT_MS = 3000;
const MODERN_VERSION = '2026-07-28';
/** The methods whose results MCP Lens reads off the wire (resultType, ttlMs, cacheScope). */
const OBSERVED_METHODS = new Set([
  'tools/call',
  'prompts/get',
  'resources/read',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
]);
/** Of those, the methods whose results the SDK's cache may serve (MCP 2026-07-28 cacheable results). */
const CACHEABLE_METHODS = new Set([
  'resources/read',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
]);
const LIST_METHOD: Record<ListKind, string> = {
  tools: 'tools/list',
  resources: 'resources/list',
  resourceTemplates: 'resources/templates/list',
  prompts: 'prompts/list',
};

/** A result as it came over the wire, before the SDK decoded it. */
interface RawResult {
  resultType?: string;
  ttlMs?: number;
  cacheScope?: 'public' | 'private';
  receivedAt: number;
}

/**
 * One call's own view of the wire: whether a request of it went out, and the raw result it got
 * (the last page's, for a list). It rides on the call's params under CALL_OBSERVATION: the SDK
 * spreads params into the message it sends, a symbol-keyed property survives the spread and never
 * reaches the JSON, so `observe` finds it on the outgoing message and two concurrent calls with
 * the same method and name or URI never see each other's hints.
 */
interface CallObservation {
  sent: boolean;
  raw?: RawResult;
}
const CALL_OBSERVATION = Symbol('mcpLens.callObservation');

function newObservation(): CallObservation {
  return { sent: false };
}
/** A server that keeps returning cursors must not make us loop forever. */
const MAX_LIST_PAGES = 500;

export class Connection {
  readonly id: string;
  private currentConfig: ConnectionConfig;
  private currentStatus: ConnectionStatus = { state: 'disconnected', since: Date.now() };

  serverInfo?: Implementation;
  capabilities?: ServerCapabilities;
  instructions?: string;
  protocolVersion?: string;
  /** The era negotiated by the current session (see ProtocolEra); undefined while not connected. */
  era?: ProtocolEra;
  /** How the era was chosen, in one sentence a person can read (shown in the Server tab, the CLI and the doctor). */
  negotiation?: string;
  /** The server's `server/discover` result as sent (modern era only). */
  discoverResult?: Record<string, unknown>;
  activeTransport?: ActiveTransport;
  /** The cache hints of the last list results (2026-07-28 era), per list. */
  listCache: Partial<Record<ListKind, CacheHintView>> = {};
  tools: Tool[] = [];
  resources: Resource[] = [];
  resourceTemplates: ResourceTemplate[] = [];
  prompts: Prompt[] = [];
  readonly trace: TraceBuffer;
  readonly serverLog: ServerLogEntry[] = [];

  private readonly statusEmitter = new Emitter<ConnectionStatus>();
  private readonly listEmitter = new Emitter<ListKind>();
  private readonly serverLogEmitter = new Emitter<ServerLogEntry>();
  private readonly stderrEmitter = new Emitter<string>();
  private readonly resourceUpdatedEmitter = new Emitter<string>();
  private readonly elicitationCompleteEmitter = new Emitter<string>();
  readonly onDidChangeStatus: Event<ConnectionStatus> = this.statusEmitter.event;
  readonly onDidChangeList: Event<ListKind> = this.listEmitter.event;
  readonly onServerLog: Event<ServerLogEntry> = this.serverLogEmitter.event;
  readonly onStderr: Event<string> = this.stderrEmitter.event;
  readonly onResourceUpdated: Event<string> = this.resourceUpdatedEmitter.event;
  /** The `elicitationId` of each `notifications/elicitation/complete` (2025 era: a URL elicitation finished). */
  readonly onElicitationComplete: Event<string> = this.elicitationCompleteEmitter.event;

  /**
   * Rewrites how a stdio server is started (the dev loop's debugger launch); applies from the
   * next connect. Undefined: the config's command as written.
   */
  stdioLaunch?: (params: StdioServerParams) => StdioServerParams;

  /** The SDK, loaded by the first connect (see sdk.ts). */
  private sdk?: Sdk;
  private client?: Client;
  private rawTransport?: Transport;
  /** The open `subscriptions/listen` stream (2026-07-28 era). */
  private subscription?: McpSubscription;
  /** Resource URIs subscribed to; on the 2026-07-28 era they are part of the listen filter. */
  private readonly subscribedUris = new Set<string>();
  /** On the 2026-07-28 era there is no logging/setLevel: the level rides in every request's `_meta`. */
  private logLevel?: LoggingLevel;
  /** What the server answered to the `server/discover` probe, in words ("Method not found"). */
  private probeAnswer?: string;
  private probeId?: string | number;
  /**
   * Requests whose results are read off the wire, by JSON-RPC id: their key (when the SDK's cache may
   * serve that method), and their call's observation.
   */
  private readonly observedRequests = new Map<string | number, { key?: string; observation?: CallObservation }>();
  /**
   * Per method and name/uri, the last raw result: what a call the SDK's cache served gets its hints
   * from (the cache holds the last result of that key). A call that went out reads its own.
   */
  private readonly rawResults = new Map<string, RawResult>();
  /** The last `-32022 Unsupported protocol version` answer, with the versions the server supports. */
  private lastUnsupportedVersion?: string[];
  /** Incremented by every connect/disconnect, so a late result of an old attempt is ignored. */
  private generation = 0;
  private connecting?: Promise<void>;
  private closingOnPurpose = false;
  private secretValues: string[] = [];
  /** The last AuthRequiredError raised by the authorized fetch, which the SDK may have wrapped. */
  private lastAuthError?: AuthRequiredError;
  /** Settles when the server has answered (or refused) the Streamable HTTP transport's GET stream. */
  private standaloneStreamAnswered?: Promise<void>;
  /**
   * Messages sent over HTTP and not yet posted, by the JSON text the trace made of them: the HTTP
   * transports post that same text, so a POST finds its message here instead of parsing its body.
   * Undefined on stdio.
   */
  private unpostedMessages?: Map<string, JSONRPCMessage>;
  /** The last HTTP error response, with its status line and body summary (the SDK keeps neither for SSE). */
  private lastHttpFailure?: HttpFailure;
  private readonly deadlines = new RequestDeadlines();
  /**
   * Whether a sign-in can hold this session's request deadlines: only an HTTP session with an
   * authorized fetch can start one. Without it, requests take the SDK's own timer (see timed()).
   */
  private signInsMayHoldDeadlines = false;
  private readonly reportedErrors = new WeakSet<Error>();
  private readonly logger: Logger;
  /** Listeners of `onNotification`, by method: they hear every notification as it arrives on the wire. */
  private readonly rawNotificationListeners = new Map<string, Set<(params: JsonObject) => void>>();
  /** The calls in flight that may ask for input, by JSON-RPC id: what a server request's `cause` names. */
  private readonly callsInFlight = new Map<string | number, CallInFlight>();
  /** 2026-07-28: the call whose `input_required` result carried each input request key. */
  private readonly inputRequestCauses = new Map<string, { method: string; name?: string }>();
  /** Aborted when the session ends, so a server request still waiting for its answer is cancelled. */
  private sessionAbort?: AbortController;
  /** The errors made of a handler's refusal, so the call they stop is described as refused, not as failed by the server. */
  private readonly refusals = new WeakSet<object>();
  /** The client capabilities this session's requests carry (2026-07-28 envelope), as last sent. */
  private declaredCapabilities: Record<string, unknown> = {};
  /** Ids of tools/call requests sent declaring the tasks extension (2026-07-28): their answer may be a task. */
  private readonly taskCallIds = new Set<string | number>();
  /** The errors of a server request MCP Lens could not answer (likewise: not the server's). */
  private readonly answerFailures = new WeakSet<object>();

  constructor(
    config: ConnectionConfig,
    private readonly options: ConnectionOptions = {},
  ) {
    this.id = config.id;
    this.currentConfig = config;
    this.logger = options.logger ?? silentLogger;
    this.trace = new TraceBuffer({ capacity: options.traceCapacity });
  }

  get config(): ConnectionConfig {
    return this.currentConfig;
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  get isConnected(): boolean {
    return this.currentStatus.state === 'connected';
  }

  /** Replaces the config. The caller reconnects if the target changed. */
  setConfig(config: ConnectionConfig): void {
    if (config.id !== this.id) throw new Error('A connection keeps its id.');
    this.currentConfig = config;
  }

  /** Connects (or joins a connect in progress). Rejects with a ConnectionError; the status says the same. */
  connect(): Promise<void> {
    if (this.currentStatus.state === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    const generation = ++this.generation;
    this.connecting = this.doConnect(generation).finally(() => {
      if (this.generation === generation) this.connecting = undefined;
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    this.generation++;
    this.connecting = undefined;
    await this.teardown();
    this.clearServerState();
    this.setStatus({ state: 'disconnected' });
  }

  async reconnect(): Promise<void> {
    await this.disconnect();
    await this.connect();
  }

  /** Releases everything; the connection cannot be used afterwards. */
  async dispose(): Promise<void> {
    await this.disconnect();
    this.trace.dispose();
    for (const e of [
      this.statusEmitter,
      this.listEmitter,
      this.serverLogEmitter,
      this.stderrEmitter,
      this.resourceUpdatedEmitter,
    ]) {
      e.dispose();
    }
    this.elicitationCompleteEmitter.dispose();
  }

  // ---- requests -------------------------------------------------------------------------

  /**
   * Lists what the server offers. On the 2026-07-28 era, `cache: 'use'` (the default) may serve a
   * list that is still fresh by its `ttlMs`; an explicit refresh passes `'refresh'`.
   */
  async refreshLists(kinds: readonly ListKind[] = LIST_KINDS, cache: 'use' | 'refresh' = 'use'): Promise<void> {
    const client = this.requireClient();
    const caps = this.capabilities ?? {};
    await Promise.all(
      kinds.map(async (kind) => {
        const supported = kind === 'tools' ? caps.tools : kind === 'prompts' ? caps.prompts : caps.resources;
        if (!supported) {
          this.setList(kind, []);
          return;
        }
        try {
          this.setList(kind, await this.fetchAll(client, kind, cache));
        } catch (e) {
          const error = this.toConnectionError(e, `${kind} list`);
          this.logger.warn(`[${this.currentConfig.name}] could not list ${kind}: ${error.fullMessage}`);
          if (this.isFatal(error)) throw error;
        }
      }),
    );
  }

  /**
   * Calls a tool. The result carries `outputSchemaCheck` when the tool declares an outputSchema:
   * the SDK's `callTool` would throw on a mismatch and hide the result, so the request goes out as
   * a plain `tools/call` and the core checks structuredContent once (./outputSchema).
   */
  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<CallToolResult & ResultExtras & { outputSchemaCheck?: OutputSchemaCheck }> {
    const client = this.requireClient();
    const tool = this.tools.find((t) => t.name === name);
    if (tool?.execution?.taskSupport === 'required') {
      // MCP 2025-11-25: the server refuses such a call made without a task; say so before it goes out.
      throw taskRequiredError(name, 'it declares execution.taskSupport "required"');
    }
    const observation = newObservation();
    const params = this.withMeta({ name, arguments: args, [CALL_OBSERVATION]: observation });
    const result = await this.run(
      'tools/call',
      () =>
        this.timed(options, (o) => {
          const request = { method: 'tools/call', params } as const;
          // The SDK's own result check, without the probe it makes on every request (./specResultSchema).
          const schema = specResultSchema(client, 'tools/call');
          return schema
            ? (client.request(request, schema, o) as Promise<ResultTypeMap['tools/call']>)
            : client.request(request, o);
        }),
      options.signal,
      (error) =>
        // 2026-07-28: tools say nothing of tasks; the server refuses the call instead (-32021): name the tool.
        error.code === 'task-required'
          ? taskRequiredError(name, 'the server refused the call without the tasks extension (-32021)', error)
          : error,
    );
    // The verdict is ours: a field of that name sent by the server is not kept (the trace has the raw message).
    const { outputSchemaCheck: _fromServer, ...plain } = result as unknown as CallToolResult & {
      outputSchemaCheck?: unknown;
    };
    const check = this.sdk!.checkOutputSchema(tool?.outputSchema, plain);
    if (check && !check.ok) this.logger.warn(`[${this.currentConfig.name}] ${name}: ${check.message}`);
    const extras = this.extrasFor(observedKey('tools/call', name), observation);
    return { ...plain, ...extras, ...(check ? { outputSchemaCheck: check } : {}) };
  }

  async readResource(uri: string, options: RequestOptions = {}): Promise<ReadResourceResult & ResultExtras> {
    const client = this.requireClient();
    const observation = newObservation();
    const params = this.withMeta({ uri, [CALL_OBSERVATION]: observation });
    const result = await this.run(
      'resources/read',
      () => this.timed(options, (o) => client.readResource(params, { ...o, cacheMode: options.cache ?? 'use' })),
      options.signal,
    );
    return {
      ...(result as unknown as ReadResourceResult),
      ...this.extrasFor(observedKey('resources/read', uri), observation),
    };
  }

  async getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: RequestOptions = {},
  ): Promise<GetPromptResult & ResultExtras> {
    const client = this.requireClient();
    const observation = newObservation();
    const params = this.withMeta({ name, arguments: args, [CALL_OBSERVATION]: observation });
    const result = await this.run(
      'prompts/get',
      () => this.timed(options, (o) => client.getPrompt(params, o)),
      options.signal,
    );
    return {
      ...(result as unknown as GetPromptResult),
      ...this.extrasFor(observedKey('prompts/get', name), observation),
    };
  }

  /**
   * Round-trip time in milliseconds. The 2026-07-28 era has no `ping`: there the round trip is a
   * `server/discover`, which every such server answers and which changes nothing.
   */
  async ping(options: RequestOptions = {}): Promise<number> {
    const client = this.requireClient();
    const started = performance.now();
    if (this.era === 'modern') {
      await this.run('server/discover', () => this.timed(options, (o) => client.discover(o)), options.signal);
      return performance.now() - started;
    }
    await this.run('ping', () => this.timed(options, (o) => client.ping(o)), options.signal);
    return performance.now() - started;
  }

  /**
   * Sets the level of the server's log messages. The 2026-07-28 era has no `logging/setLevel`:
   * the level is kept and sent in the `_meta` of every following request instead.
   */
  async setLoggingLevel(level: LoggingLevel): Promise<void> {
    const client = this.requireClient();
    if (this.era === 'modern') {
      this.logLevel = level;
      return;
    }
    await this.run('logging/setLevel', () => this.timed({}, (o) => client.setLoggingLevel(level, o)));
    this.logLevel = level;
  }

  /** The level last set with `setLoggingLevel` in this session (undefined: the server's default). */
  get loggingLevel(): LoggingLevel | undefined {
    return this.logLevel;
  }

  async subscribeResource(uri: string): Promise<void> {
    const client = this.requireClient();
    if (this.era === 'modern') {
      // 2026-07-28 has no resources/subscribe: the URIs are part of the subscriptions/listen filter.
      this.subscribedUris.add(uri);
      await this.run('subscriptions/listen', () => this.listen(client));
      return;
    }
    await this.run('resources/subscribe', () => this.timed({}, (o) => client.subscribeResource({ uri }, o)));
    this.subscribedUris.add(uri);
  }

  async unsubscribeResource(uri: string): Promise<void> {
    const client = this.requireClient();
    if (this.era === 'modern') {
      this.subscribedUris.delete(uri);
      await this.run('subscriptions/listen', () => this.listen(client));
      return;
    }
    await this.run('resources/unsubscribe', () => this.timed({}, (o) => client.unsubscribeResource({ uri }, o)));
    this.subscribedUris.delete(uri);
  }

  // ---- raw requests and notifications ----------------------------------------------------

  /**
   * Sends any request through the client, under the request timeout, traced like the others. The
   * result is returned as the SDK decoded it, without a result schema: raw means the caller checks it
   * (methods MCP Lens has no typed verb for, e.g. the tasks of MCP 2025-11-25).
   */
  async request<T>(method: string, params: JsonObject | undefined, options: RequestOptions = {}): Promise<T> {
    const client = this.requireClient();
    // Without params there is nothing to carry the log level on 2026-07-28 unless params are made for it.
    const withLevel = params ?? (this.era === 'modern' && this.logLevel !== undefined ? {} : undefined);
    const request = { method, ...(withLevel !== undefined ? { params: this.withMeta(withLevel) } : {}) };
    const result = await this.run(
      method,
      () => this.timed(options, (o) => client.request(request, UNCHECKED_RESULT, o)),
      options.signal,
    );
    return result as T;
  }

  /**
   * Hears every notification of `method` from the server as it arrives on the wire (before the SDK
   * validates it; whether or not the SDK has a handler for it), with its params as sent.
   */
  onNotification(method: string, listener: (params: JsonObject) => void): Disposable {
    let listeners = this.rawNotificationListeners.get(method);
    if (!listeners) {
      listeners = new Set();
      this.rawNotificationListeners.set(method, listeners);
    }
    listeners.add(listener);
    return {
      dispose: () => {
        const current = this.rawNotificationListeners.get(method);
        current?.delete(listener);
        if (current?.size === 0) this.rawNotificationListeners.delete(method);
      },
    };
  }

  private fireRawNotification(method: string, params: unknown): void {
    const listeners = this.rawNotificationListeners.get(method);
    if (!listeners) return;
    const value = (params && typeof params === 'object' && !Array.isArray(params) ? params : {}) as JsonObject;
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (e) {
        // A faulty listener must not stop the others, nor the transport that delivered the message.
        this.logger.debug(`[${this.currentConfig.name}] a ${method} listener failed: ${(e as Error).message}`);
      }
    }
  }

  // ---- tasks (see ./tasks.ts) ------------------------------------------------------------

  /**
   * The `_meta` for a tools/call that may be answered with a task on the 2026-07-28 era (the tasks
   * extension): the session's client capabilities plus the extension, declared on that one request
   * so that a plain callTool is never answered with a task. Its answer reaches `request` as a result
   * holding the task under CREATE_TASK_RESULT_KEY. Undefined on the 2025 era.
   */
  taskCallMeta(): JsonObject | undefined {
    if (this.era !== 'modern') return undefined;
    const declared = this.declaredCapabilities;
    const extensions = (declared.extensions ?? {}) as Record<string, unknown>;
    return JSON.parse(
      JSON.stringify({
        [CLIENT_CAPABILITIES_META_KEY]: { ...declared, extensions: { ...extensions, [TASKS_EXTENSION]: {} } },
      }),
    ) as JsonObject;
  }

  /** The handler of server requests this connection was given (TaskRunner hands it a task's input requests). */
  get serverRequestHandler(): ServerRequestHandler | undefined {
    return this.options.serverRequests;
  }

  /** Notes the capabilities a request declares, and which tools/call may be answered with a task. */
  private observeTaskCall(id: string | number, method: string, meta: unknown): void {
    // A new session numbers its requests from the start again.
    if (method === 'initialize' || method === 'server/discover') this.taskCallIds.clear();
    if (declaresTasksExtension(meta)) {
      if (method === 'tools/call') this.taskCallIds.add(id);
      return;
    }
    const declared = (meta as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY];
    if (declared && typeof declared === 'object') this.declaredCapabilities = declared as Record<string, unknown>;
  }

  // ---- answering the server: completions, roots, server requests -------------------------

  /**
   * Asks the server to complete one argument of a prompt or one variable of a resource template
   * (`completion/complete`). `context` holds the other arguments already filled in.
   */
  async complete(
    ref: CompletionRefView,
    argument: { name: string; value: string },
    context?: Record<string, string>,
    options: RequestOptions = {},
  ): Promise<{ values: string[]; total?: number; hasMore?: boolean }> {
    const client = this.requireClient();
    if (!this.capabilities?.completions) {
      throw new ConnectionError(
        'protocol',
        `${this.serverInfo?.name ?? `"${this.currentConfig.name}"`} does not offer completions (its capabilities have no "completions"), so it cannot suggest values for "${argument.name}".`,
        'Type the value yourself.',
      );
    }
    const params = {
      ref:
        ref.type === 'ref/prompt'
          ? { type: 'ref/prompt' as const, name: ref.name }
          : { type: 'ref/resource' as const, uri: ref.uri },
      argument: { name: argument.name, value: argument.value },
      ...(context && Object.keys(context).length ? { context: { arguments: { ...context } } } : {}),
    };
    const result = await this.run(
      'completion/complete',
      () => this.timed(options, (o) => client.complete(this.withMeta(params), o)),
      options.signal,
    );
    const completion = result.completion;
    return {
      values: completion.values.filter((v): v is string => typeof v === 'string'),
      ...(typeof completion.total === 'number' ? { total: completion.total } : {}),
      ...(typeof completion.hasMore === 'boolean' ? { hasMore: completion.hasMore } : {}),
    };
  }

  /**
   * Tells the server the roots changed (`notifications/roots/list_changed`), so it asks again. Only
   * on the 2025 era, when connected and roots are declared with `listChanged`: a 2026-07-28 server
   * asks for the roots in each input_required round, so there is nothing to announce.
   */
  async notifyRootsChanged(): Promise<void> {
    const client = this.client;
    if (!client || !this.isConnected || this.era === 'modern') return;
    if (!this.options.serverRequests?.capabilities.roots?.listChanged) return;
    try {
      await client.sendRootsListChanged();
    } catch (e) {
      throw this.toConnectionError(e, 'notifications/roots/list_changed');
    }
  }

  /** The client capabilities the handler's choice declares, spelled as the SDK expects them. */
  private clientCapabilities(): Record<string, unknown> {
    const choice: ClientCapabilityChoice = this.options.serverRequests?.capabilities ?? {};
    const capabilities: Record<string, unknown> = {};
    const elicitation = choice.elicitation;
    if (elicitation && (elicitation.form || elicitation.url)) {
      capabilities.elicitation = {
        // applyDefaults (SEP-1034): the SDK fills the fields the person left empty with the schema's defaults.
        ...(elicitation.form ? { form: { applyDefaults: true } } : {}),
        ...(elicitation.url ? { url: {} } : {}),
      };
    }
    if (choice.sampling) {
      capabilities.sampling = {
        ...(choice.sampling.tools ? { tools: {} } : {}),
        ...(choice.sampling.context ? { context: {} } : {}),
      };
    }
    if (choice.roots) capabilities.roots = { listChanged: choice.roots.listChanged };
    return capabilities;
  }

  /** Registers the handlers of what the client declared: the SDK refuses a handler without its capability. */
  private installServerRequestHandlers(client: Client): void {
    const choice = this.options.serverRequests?.capabilities;
    if (!choice) return;
    const handle =
      (method: ServerRequest['method']) =>
      (request: { params?: unknown }, ctx: { mcpReq: { id: string | number; signal: AbortSignal } }) =>
        this.answerServerRequest(client, method, request.params, ctx.mcpReq);
    if (choice.elicitation && (choice.elicitation.form || choice.elicitation.url)) {
      client.setRequestHandler('elicitation/create', handle('elicitation/create') as never);
    }
    if (choice.sampling) client.setRequestHandler('sampling/createMessage', handle('sampling/createMessage') as never);
    if (choice.roots) client.setRequestHandler('roots/list', handle('roots/list') as never);
  }

  /**
   * One server request, from either wire: a 2025 server→client request, or (2026-07-28) one input
   * request of an `input_required` result, which the SDK dispatches to the same handler with the
   * input request's key as its id and retries the call with the answers.
   */
  private async answerServerRequest(
    client: Client,
    method: ServerRequest['method'],
    rawParams: unknown,
    mcpReq: { id: string | number; signal: AbortSignal },
  ): Promise<Record<string, unknown>> {
    const handler = this.options.serverRequests!;
    const S = this.sdk!;
    // The 2026-07-28 era has no server→client requests (the SDK drops them): a call there is an input round.
    const wire: ServerRequest['wire'] = client.getProtocolEra() === 'modern' ? 'input-required' : 'request';
    const params = deepCopy(rawParams);
    const request: ServerRequest = {
      id: `${this.id}#${++serverRequestCounter}`,
      connectionId: this.id,
      kind:
        method === 'elicitation/create'
          ? params.mode === 'url'
            ? 'elicitation-url'
            : 'elicitation-form'
          : method === 'sampling/createMessage'
            ? 'sampling'
            : 'roots',
      method,
      wire,
      params,
      receivedAt: Date.now(),
    };
    const cause = this.causeOf(wire, mcpReq.id);
    if (cause) request.cause = cause;

    // The handler's signal: the server cancelled it (2025), the call that asked ended (2026-07-28), or the session closed.
    const abort = new AbortController();
    const onRequestAbort = () =>
      abort.abort(
        new Error(
          wire === 'request'
            ? `The server cancelled the request${describeReason(mcpReq.signal.reason)}.`
            : `The call that asked for it ended${describeReason(mcpReq.signal.reason)}.`,
        ),
      );
    const session = this.sessionAbort?.signal;
    const onSessionAbort = () => abort.abort(session?.reason ?? new Error('The connection closed.'));
    if (mcpReq.signal.aborted) onRequestAbort();
    else mcpReq.signal.addEventListener('abort', onRequestAbort, { once: true });
    if (session?.aborted) onSessionAbort();
    else session?.addEventListener('abort', onSessionAbort, { once: true });

    const answer = handler.answer(request, abort.signal);
    // A person's time answering is not the server's: while a call waits on the answer (the call that
    // asked), the request deadlines stand still. A request no call waits on (a 2025 server asking for
    // the roots at start-up) holds nothing.
    if (wire === 'input-required' || this.callsInFlight.size > 0) this.deadlines.hold(answer);
    try {
      const reply = await answer;
      const problem = replyProblem(request, reply);
      if (problem) throw new Error(problem);
      return deepCopy(reply);
    } catch (e) {
      // Sent to a 2025 server as a JSON-RPC error; on 2026-07-28 it ends the call that asked.
      if (e instanceof ServerRequestRefused) {
        const refusal = new S.ProtocolError(e.code, e.message);
        this.refusals.add(refusal);
        throw refusal;
      }
      const reason = abort.signal.aborted ? (abort.signal.reason as Error | undefined)?.message : undefined;
      const failure = new S.ProtocolError(
        -32603,
        reason ?? `MCP Lens could not answer ${method}: ${(e as Error | undefined)?.message ?? String(e)}`,
      );
      this.answerFailures.add(failure);
      throw failure;
    } finally {
      mcpReq.signal.removeEventListener('abort', onRequestAbort);
      session?.removeEventListener('abort', onSessionAbort);
    }
  }

  /**
   * The call that caused a server request, when it can be told: on 2026-07-28 the call whose
   * `input_required` result carried the input request's key; on 2025 the one call in flight that can
   * ask (a server request carries no reference to the request it serves, so with several there is no telling).
   */
  private causeOf(wire: ServerRequest['wire'], id: string | number): { method: string; name?: string } | undefined {
    if (wire === 'input-required') {
      const cause = this.inputRequestCauses.get(String(id));
      return cause ? { ...cause } : undefined;
    }
    if (this.callsInFlight.size !== 1) return undefined;
    const [only] = this.callsInFlight.values();
    return describeCall(only);
  }

  /** Follows the calls that may ask for input, and which call each 2026-07-28 input request came from. */
  private followCalls(direction: 'in' | 'out', message: JSONRPCMessage): void {
    const m = message as {
      id?: string | number;
      method?: string;
      params?: { name?: unknown; uri?: unknown; requestId?: unknown };
      result?: { resultType?: unknown; inputRequests?: unknown };
    };
    if (direction === 'out' && m.method === 'notifications/cancelled') {
      // A call given up on (timed out, cancelled) gets no answer: it no longer waits on anything.
      const id = m.params?.requestId;
      if (typeof id === 'string' || typeof id === 'number') this.callsInFlight.delete(id);
      return;
    }
    if (m.id === undefined) return;
    if (direction === 'out') {
      // The request itself is kept (no copy: this runs for every call); what it names is read when asked.
      if (m.method !== undefined && CALLS_THAT_ASK.has(m.method)) this.callsInFlight.set(m.id, m as CallInFlight);
      return;
    }
    if (m.method !== undefined) return;
    const call = this.callsInFlight.get(m.id);
    if (!call) return;
    this.callsInFlight.delete(m.id);
    const inputRequests = m.result?.resultType === 'input_required' ? m.result.inputRequests : undefined;
    if (inputRequests && typeof inputRequests === 'object') {
      const cause = describeCall(call);
      for (const key of Object.keys(inputRequests)) {
        this.inputRequestCauses.delete(key);
        this.inputRequestCauses.set(key, cause);
      }
      // Bounded: keys of long-finished rounds are of no use.
      while (this.inputRequestCauses.size > MAX_INPUT_REQUEST_CAUSES) {
        this.inputRequestCauses.delete(this.inputRequestCauses.keys().next().value as string);
      }
    }
  }

  // ---- connecting -----------------------------------------------------------------------

  private async doConnect(generation: number): Promise<void> {
    const config = this.currentConfig;
    const problems = validateConfig(config);
    if (problems.length) {
      const error = new ConnectionError('invalid-config', problems.join(' '), 'Edit the connection and fix it.');
      this.setStatus({ state: 'error', message: error.fullMessage });
      throw error;
    }
    this.setStatus({ state: 'connecting' });
    this.lastAuthError = undefined;
    this.lastHttpFailure = undefined;
    this.sdk ??= await loadSdk();
    this.logger.info(`[${config.name}] connecting (${describeTarget(config)})`);
    try {
      if (config.transport === 'stdio') {
        await this.connectStdio(generation, config);
      } else if (config.transport === 'auto') {
        await this.connectAuto(generation, config);
      } else {
        await this.open(generation, config.transport, await this.createHttpTransport(config, config.transport));
      }
      if (generation !== this.generation) return;
      await this.refreshLists();
      if (generation !== this.generation) return;
      if (this.era === 'modern') {
        try {
          await this.listen(this.client!);
        } catch (e) {
          // Lists still work without change events: say so, and carry on.
          const error = this.toConnectionError(e, 'subscriptions/listen');
          this.logger.warn(`[${config.name}] no list change events: ${error.fullMessage}`);
        }
        if (generation !== this.generation) return;
      }
      this.setStatus({ state: 'connected' });
      this.logger.info(
        `[${config.name}] connected to ${this.serverInfo?.name ?? 'server'} ${this.serverInfo?.version ?? ''} over ${this.activeTransport} ` +
          `(${this.tools.length} tools, ${this.resources.length} resources, ${this.prompts.length} prompts); ${this.negotiation ?? ''}`,
      );
    } catch (e) {
      let error = this.toConnectionError(e, 'initialize');
      // A stdio server that wrote non-JSON to stdout: that is the likely cause of a timeout or a protocol error.
      if (error.code === 'timeout' || error.code === 'protocol' || error.code === 'unknown') {
        error = this.stdioTransport()?.explain(error) ?? error;
      }
      if (generation === this.generation) {
        await this.teardown();
        this.clearServerState();
        this.setStatus({
          state: error.code === 'auth-required' ? 'auth-required' : 'error',
          message: error.fullMessage,
        });
        // A server that asks for a sign-in is not failing: that is a warning, not an error.
        if (error.code === 'auth-required') this.logger.warn(`[${config.name}] ${error.fullMessage}`);
        else this.logger.error(`[${config.name}] ${error.fullMessage}`);
      }
      throw error;
    }
  }

  /**
   * A stdio server. In auto mode, one that exits when the `server/discover` probe reaches it (some
   * 2025 servers end on any request before `initialize`) is started once more and connected with
   * the plain 2025 handshake.
   */
  private async connectStdio(generation: number, config: StdioConnectionConfig): Promise<void> {
    try {
      await this.open(generation, 'stdio', this.createStdioTransport(config));
      // A probe answer lost in non-JSON stdout output (a banner without a line break) says nothing
      // about the era, and the session's stdout framing is not to be trusted: start again with the
      // plain 2025 handshake, whose own answer that output may swallow as well (then it says so).
      const stdout = this.stdioTransport()?.stdoutProblem;
      if (
        generation === this.generation &&
        this.protocolChoice() === 'auto' &&
        this.era === 'legacy' &&
        this.probeAnswer === undefined &&
        stdout !== undefined
      ) {
        this.logger.info(
          `[${config.name}] the server/discover answer was lost in non-JSON stdout; starting the server again for initialize`,
        );
        await this.teardown();
        await this.open(generation, 'stdio', this.createStdioTransport(config), { prior: { kind: 'legacy' } });
        this.negotiation = `the server/discover answer was lost in non-JSON stdout output; restarted the server and connected with initialize: ${this.protocolVersion ?? 'unknown version'}`;
      }
    } catch (e) {
      const exited = this.stdioTransport()?.exit;
      const modernOnly = this.lastUnsupportedVersion?.filter((v) => v >= MODERN_VERSION) ?? [];
      if (
        generation === this.generation &&
        this.protocolChoice() === 'auto' &&
        this.probeAnswer === undefined &&
        modernOnly.length
      ) {
        // The probe went unanswered (a server slow to start), the 2025 fallback was refused with the
        // versions the server speaks: start it again, pinned to its 2026-07-28 version, and wait.
        const waited = formatMs(this.stdioProbeTimeoutMs());
        this.logger.info(
          `[${config.name}] the server refused initialize and speaks ${modernOnly.join(', ')}; starting it again`,
        );
        await this.teardown();
        await this.open(generation, 'stdio', this.createStdioTransport(config), {}, { pin: modernOnly[0] });
        this.negotiation = `server/discover got no answer within ${waited}, and initialize was refused (the server speaks only ${modernOnly.join(', ')}); restarted it pinned to ${modernOnly[0]}: server/discover offered ${this.protocolVersion ?? 'unknown version'}`;
        return;
      }
      if (generation !== this.generation || this.protocolChoice() !== 'auto' || !exited || !this.probeClosed(e)) {
        throw e;
      }
      this.logger.info(`[${config.name}] the server exited on server/discover; starting it again for initialize`);
      await this.teardown();
      await this.open(generation, 'stdio', this.createStdioTransport(config), { prior: { kind: 'legacy' } });
      this.negotiation = `the server exited on server/discover; restarted it and connected with initialize: ${this.protocolVersion ?? 'unknown version'}`;
    }
  }

  /** Whether a connect failed because the transport closed during the server/discover probe. */
  private probeClosed(e: unknown): boolean {
    const S = this.sdk!;
    if (e instanceof S.SdkError && e.code === S.SdkErrorCode.ConnectionClosed) return true;
    return (
      e instanceof S.SdkError &&
      e.code === S.SdkErrorCode.EraNegotiationFailed &&
      /closed during the server\/discover probe/.test(e.message)
    );
  }

  /** Streamable HTTP first; on a 4xx other than 401/403, the legacy HTTP+SSE transport (spec: backwards compatibility). */
  private async connectAuto(generation: number, config: HttpConnectionConfig): Promise<void> {
    try {
      await this.open(generation, 'streamable-http', await this.createHttpTransport(config, 'streamable-http'));
    } catch (e) {
      const status = e instanceof this.sdk!.SdkHttpError ? e.status : undefined;
      if (
        generation !== this.generation ||
        status === undefined ||
        status < 400 ||
        status >= 500 ||
        status === 401 ||
        status === 403 ||
        // A server that refused the protocol version answered in MCP: it is no SSE server.
        this.lastUnsupportedVersion !== undefined ||
        this.protocolChoice() === MODERN_VERSION
      ) {
        throw e;
      }
      this.logger.info(`[${config.name}] Streamable HTTP answered ${status}; trying the HTTP+SSE transport`);
      await this.teardown();
      await this.open(generation, 'sse', await this.createHttpTransport(config, 'sse'));
    }
  }

  private protocolChoice(): ProtocolChoice {
    return this.currentConfig.protocol ?? 'auto';
  }

  private async open(
    generation: number,
    kind: ActiveTransport,
    raw: Transport,
    connectOptions: Pick<ConnectOptions, 'prior'> = {},
    modeOverride?: { pin: string },
  ): Promise<void> {
    const choice = this.protocolChoice();
    // HTTP+SSE is a 2025 transport: the 2026-07-28 era has no endpoint event.
    const mode =
      modeOverride ?? (kind === 'sse' || choice === '2025' ? 'legacy' : choice === 'auto' ? 'auto' : { pin: choice });
    const client = new this.sdk!.Client(this.options.clientInfo ?? { name: 'mcp-lens', version: '0.1.0' }, {
      capabilities: this.clientCapabilities(),
      versionNegotiation: {
        mode,
        probe: kind === 'stdio' ? { timeoutMs: this.stdioProbeTimeoutMs() } : undefined,
      },
      listMaxPages: MAX_LIST_PAGES,
    });
    const transport = new TracingTransport(raw, this.trace, () => this.secretValues);
    this.unpostedMessages = kind === 'stdio' ? undefined : new Map();
    transport.observer = (direction, message, serialized) => {
      if (serialized && this.unpostedMessages) {
        this.unpostedMessages.set(serialized, message);
        // A message whose POST never came (the transport failed first) must not stay forever.
        if (this.unpostedMessages.size > MAX_UNPOSTED_MESSAGES) {
          this.unpostedMessages.delete(this.unpostedMessages.keys().next().value as string);
        }
      }
      this.observe(direction, message);
    };
    this.client = client;
    this.rawTransport = raw;
    this.probeAnswer = undefined;
    this.probeId = undefined;
    this.lastUnsupportedVersion = undefined;
    this.closingOnPurpose = false;
    this.installHandlers(client);
    this.sessionAbort?.abort(new Error('The connection closed.'));
    this.sessionAbort = new AbortController();
    this.installServerRequestHandlers(client);
    client.onclose = () => this.onTransportClosed(generation);
    client.onerror = (error) => this.onTransportError(generation, error);
    // The SDK hears nothing from the transport while it probes the era; set on the transport, the
    // handler also reports what goes wrong then (a banner on stdout), and the SDK chains it after.
    transport.onerror = (error) => this.onTransportError(generation, error);

    const timeoutMs = this.timeoutMs();
    let deadline: Deadline | undefined;
    const timeout = new Promise<never>((_, reject) => {
      deadline = this.deadlines.start(timeoutMs, () =>
        reject(
          new ConnectionError(
            'timeout',
            `The server did not finish initializing within ${formatMs(timeoutMs)}.`,
            timeoutHint(),
          ),
        ),
      );
    });
    try {
      // The SDK's initialize timeout does not cover transport start (an SSE stream that never
      // sends its endpoint event), so the whole handshake races one deadline, which stands still
      // while a sign-in runs (an SSE GET or the initialize POST may start one). On expiry the
      // caller tears the session down; initialize itself is not cancelled (MCP cancellation:
      // "The initialize request MUST NOT be cancelled by clients").
      await Promise.race([
        client.connect(transport as unknown as SdkTransport, { timeout: SDK_TIMEOUT_OFF, ...connectOptions }),
        timeout,
      ]);
    } finally {
      deadline?.clear();
    }
    if (generation !== this.generation) return;
    if (kind === 'streamable-http' && client.getProtocolEra() === 'legacy') {
      // On the 2025 wire a server sends its own requests (elicitation, sampling, roots) that are
      // not tied to one of ours over the GET stream the SDK opens after `initialized`, without
      // waiting for it. A tool call sent before that stream is answered reaches a server with
      // nowhere to ask its question: the SDK server drops it and the call hangs. So connecting
      // waits (briefly: some servers hold the GET's headers back) for the server's answer to it.
      await Promise.race([this.standaloneStreamAnswered, delay(STANDALONE_STREAM_WAIT_MS)]);
      if (generation !== this.generation) return;
    }
    this.activeTransport = kind;
    this.serverInfo = client.getServerVersion() as Implementation | undefined;
    this.capabilities = client.getServerCapabilities() as ServerCapabilities | undefined;
    this.instructions = client.getInstructions();
    this.protocolVersion = client.getNegotiatedProtocolVersion();
    this.era = client.getProtocolEra();
    const discover = client.getDiscoverResult();
    this.discoverResult = discover ? (JSON.parse(JSON.stringify(discover)) as Record<string, unknown>) : undefined;
    this.negotiation = this.describeNegotiation(kind, typeof mode === 'string' ? mode : 'pin');
  }

  /** How the era was chosen, in one sentence. */
  private describeNegotiation(kind: ActiveTransport, mode: 'auto' | 'legacy' | 'pin'): string {
    const version = this.protocolVersion ?? 'unknown version';
    if (mode === 'pin') return `pinned to ${MODERN_VERSION}: server/discover offered ${version}`;
    if (mode === 'legacy') {
      if (kind === 'sse' && this.protocolChoice() !== '2025') {
        return `the HTTP+SSE transport speaks only the 2025 era: initialize negotiated ${version}`;
      }
      return `pinned to 2025: initialize negotiated ${version}`;
    }
    if (this.era === 'modern') return `server/discover offered ${version} (auto)`;
    if (this.probeAnswer !== undefined) {
      return `server/discover was refused (${this.probeAnswer}); fell back to initialize: ${version}`;
    }
    if (kind === 'stdio') {
      return `server/discover got no answer within ${formatMs(this.stdioProbeTimeoutMs())}; fell back to initialize: ${version}`;
    }
    return `server/discover gave no 2026-07-28 offer; fell back to initialize: ${version}`;
  }

  /**
   * Sees every message as it crosses (the TracingTransport calls this): the probe's answer, and
   * the `resultType`/`ttlMs`/`cacheScope` of results, which the SDK drops while decoding.
   */
  private observe(direction: 'in' | 'out', message: JSONRPCMessage): void {
    this.followCalls(direction, message);
    const m = message as {
      id?: string | number;
      method?: string;
      params?: { name?: unknown; uri?: unknown; _meta?: unknown; [CALL_OBSERVATION]?: CallObservation };
      result?: { resultType?: unknown; ttlMs?: unknown; cacheScope?: unknown };
      error?: { code?: number; message?: string; data?: { supported?: unknown } };
    };
    if (direction === 'out') {
      if (m.id === undefined || m.method === undefined) return;
      if (m.method === 'server/discover') this.probeId = m.id;
      this.observeTaskCall(m.id, m.method, m.params?._meta);
      // The 2025 era has none of these fields, and extrasFor() reads none of them there.
      if (this.era !== 'legacy' && OBSERVED_METHODS.has(m.method)) {
        const observation = m.params?.[CALL_OBSERVATION];
        if (observation) observation.sent = true;
        // Only a result the cache may serve later is remembered by method and name/uri.
        const key = CACHEABLE_METHODS.has(m.method) ? observedKey(m.method, m.params?.uri) : undefined;
        if (observation || key !== undefined) this.observedRequests.set(m.id, { key, observation });
      }
      return;
    }
    if (m.id === undefined && m.method !== undefined) {
      this.fireRawNotification(m.method, m.params);
      return;
    }
    if (m.id === undefined || m.method !== undefined) return;
    if (this.taskCallIds.delete(m.id) && m.result?.resultType === 'task') {
      // The SDK rejects a result type it does not know: hand the task over inside a plain result.
      (message as { result: unknown }).result = {
        resultType: 'complete',
        content: [],
        [CREATE_TASK_RESULT_KEY]: m.result,
      };
    }
    if (m.error?.code === UNSUPPORTED_PROTOCOL_VERSION && Array.isArray(m.error.data?.supported)) {
      this.lastUnsupportedVersion = m.error.data.supported.filter((v): v is string => typeof v === 'string');
    }
    if (this.probeId !== undefined && m.id === this.probeId) {
      this.probeId = undefined;
      if (this.era === 'legacy' && m.result) {
        // The answer came after the fallback to initialize: the session stays 2025, but say what it offered.
        this.logger.info(
          `[${this.currentConfig.name}] the server answered server/discover late, after the 2025 fallback; reconnect (or pin 2026-07-28) to use the 2026-07-28 era`,
        );
      }
      if (m.error) {
        const words = truncate(m.error.message ?? 'an error', 120);
        const code = m.error.code !== undefined ? ` (${m.error.code})` : '';
        this.probeAnswer = redact(`${words}${code}`, this.secretValues) as string;
      } else if (m.result) {
        this.probeAnswer = 'a result without a 2026-07-28 offer';
      }
    }
    const request = this.observedRequests.get(m.id);
    if (request === undefined) return;
    this.observedRequests.delete(m.id);
    const r = m.result;
    if (!r) return;
    const raw: RawResult = {
      resultType: typeof r.resultType === 'string' ? r.resultType : undefined,
      ttlMs: typeof r.ttlMs === 'number' ? r.ttlMs : undefined,
      cacheScope: r.cacheScope === 'public' || r.cacheScope === 'private' ? r.cacheScope : undefined,
      receivedAt: Date.now(),
    };
    if (request.key !== undefined) this.rawResults.set(request.key, raw);
    if (request.observation) request.observation.raw = raw;
  }

  /**
   * The extras of one call's result: from its own response on the wire, or, when none of its
   * requests went out (the SDK's cache served it), from the last result of its `key`.
   */
  private extrasFor(key: string, observation: CallObservation): ResultExtras {
    if (this.era !== 'modern') return NO_EXTRAS;
    const servedFromCache = !observation.sent;
    const raw = servedFromCache ? this.rawResults.get(key) : observation.raw;
    if (!raw) return NO_EXTRAS;
    const extras: ResultExtras = {};
    if (raw.resultType !== undefined) extras.resultType = raw.resultType;
    if (raw.ttlMs !== undefined) {
      extras.cache = {
        ttlMs: raw.ttlMs,
        cacheScope: raw.cacheScope ?? 'private',
        receivedAt: raw.receivedAt,
        servedFromCache,
      };
    }
    return extras;
  }

  /** Adds the log level to a request's `_meta` on the 2026-07-28 era, where it has no request of its own. */
  private withMeta<T extends object>(params: T): T {
    if (this.era !== 'modern' || this.logLevel === undefined) return params;
    const existing = (params as { _meta?: Record<string, unknown> })._meta;
    return { ...params, _meta: { ...existing, [this.sdk!.LOG_LEVEL_META_KEY]: this.logLevel } };
  }

  /**
   * Opens (or opens again, with the current filter) the `subscriptions/listen` stream for the
   * list changes the server advertises and the subscribed resource URIs (2026-07-28 era).
   */
  private async listen(client: Client, retry = true): Promise<void> {
    const caps = this.capabilities ?? {};
    const filter: {
      toolsListChanged?: boolean;
      promptsListChanged?: boolean;
      resourcesListChanged?: boolean;
      resourceSubscriptions?: string[];
    } = {};
    if (caps.tools?.listChanged) filter.toolsListChanged = true;
    if (caps.prompts?.listChanged) filter.promptsListChanged = true;
    if (caps.resources?.listChanged) filter.resourcesListChanged = true;
    if (this.subscribedUris.size) filter.resourceSubscriptions = [...this.subscribedUris];
    const previous = this.subscription;
    this.subscription = undefined;
    await previous?.close().catch(() => undefined);
    if (!Object.keys(filter).length) return;
    const subscription = await this.timed({}, (o) => client.listen(filter, o));
    if (this.client !== client) {
      await subscription.close().catch(() => undefined);
      return;
    }
    this.subscription = subscription;
    void subscription.closed.then(async (reason) => {
      if (reason !== 'remote' || this.subscription !== subscription || this.client !== client) return;
      this.subscription = undefined;
      this.logger.warn(
        `[${this.currentConfig.name}] the server dropped the subscriptions/listen stream${retry ? '; listening again' : ''}`,
      );
      if (!retry) return;
      await delay(RELISTEN_BACKOFF_MS);
      if (this.client !== client || !this.isConnected) return;
      await this.listen(client, false).catch((e) =>
        this.logger.warn(
          `[${this.currentConfig.name}] could not listen again: ${this.toConnectionError(e, 'subscriptions/listen').fullMessage}`,
        ),
      );
    });
  }

  private createStdioTransport(config: StdioConnectionConfig): Transport {
    this.secretValues = [];
    this.signInsMayHoldDeadlines = false;
    const params: StdioServerParams = { command: config.command, args: config.args, env: config.env, cwd: config.cwd };
    return new this.sdk!.ProcessStdioTransport(this.stdioLaunch ? this.stdioLaunch(params) : params, (line) => {
      this.logger.info(`[${config.name}] stderr: ${line}`);
      this.stderrEmitter.fire(line);
    });
  }

  private async createHttpTransport(config: HttpConnectionConfig, kind: 'sse' | 'streamable-http'): Promise<Transport> {
    const secretHeaders = (await this.options.secretHeadersFor?.(config)) ?? {};
    this.secretValues = Object.values(secretHeaders);
    const headers = { ...(config.headers ?? {}), ...secretHeaders };
    const url = new URL(config.url);
    const authorizedFetch = this.options.fetchFor?.(config, { signingIn: (signIn) => this.deadlines.hold(signIn) });
    this.signInsMayHoldDeadlines = authorizedFetch !== undefined;
    const baseFetch: FetchLike = authorizedFetch ?? ((input, init) => fetch(input, init));
    // Remember an AuthRequiredError even when the SDK wraps or swallows it on the way up, and an
    // error response's status line and body summary, which the SDK's errors lose. Each POST's MCP
    // routing headers are checked against its body and recorded on its trace entry.
    const standaloneStream = kind === 'streamable-http' ? deferred() : undefined;
    this.standaloneStreamAnswered = standaloneStream?.promise;
    const fetchFn: FetchLike = async (input, init) => {
      // The SDK passes its transport's one signal to every request: give each its own (see perRequestSignal).
      if (init?.signal) init = { ...init, signal: perRequestSignal(init.signal) };
      const sent =
        init?.method === 'POST' && typeof init.body === 'string'
          ? this.recordMcpHeaders(init.body, init.headers)
          : undefined;
      let response: Response;
      try {
        response = await baseFetch(input, init);
      } catch (e) {
        if (e instanceof AuthRequiredError) this.lastAuthError = e;
        throw e;
      } finally {
        if (init?.method === 'GET') standaloneStream?.resolve();
      }
      if (response.status >= 400) {
        this.lastHttpFailure = await describeErrorResponse(response);
        await this.readRefusal(response, sent);
      }
      return response;
    };
    const requestInit: RequestInit = { headers };
    const transport =
      kind === 'sse'
        ? new this.sdk!.SSEClientTransport(url, { requestInit, fetch: fetchFn })
        : new this.sdk!.StreamableHTTPClientTransport(url, { requestInit, fetch: fetchFn });
    return transport as unknown as Transport;
  }

  /**
   * An HTTP error answer that carries a JSON-RPC error (a 400 with `-32022 Unsupported protocol
   * version` and the versions the server supports, say): the SDK's error keeps only its text.
   */
  private async readRefusal(response: Response, sentMethod: string | undefined): Promise<void> {
    let error: { code?: unknown; message?: unknown; data?: unknown } | undefined;
    if (/json/i.test(response.headers.get('content-type') ?? '')) {
      const text = await readBounded(response.clone());
      try {
        error = (JSON.parse(text ?? '') as { error?: typeof error }).error;
      } catch {
        error = undefined;
      }
    }
    if (error?.code === UNSUPPORTED_PROTOCOL_VERSION) this.lastUnsupportedVersion = supportedVersionsOf(error.data);
    if (sentMethod === 'server/discover') {
      const words = typeof error?.message === 'string' ? `: ${truncate(error.message, 120)}` : '';
      const code = typeof error?.code === 'number' ? ` (${error.code})` : '';
      // The server's words may echo a credential: scrub them as the trace does.
      this.probeAnswer = redact(`HTTP ${response.status}${words}${code}`, this.secretValues) as string;
    }
  }

  /**
   * Checks a POST's `Mcp-Method`/`Mcp-Name` headers against its JSON-RPC body and records them in
   * the trace. Returns the JSON-RPC method sent.
   */
  private recordMcpHeaders(body: string, headersInit: RequestInit['headers']): string | undefined {
    let message: { id?: string | number; method?: string; params?: Record<string, unknown> };
    const sent = this.unpostedMessages?.get(body);
    if (sent) {
      this.unpostedMessages!.delete(body);
      message = sent as typeof message;
    } else {
      try {
        message = JSON.parse(body) as typeof message;
      } catch {
        return undefined;
      }
    }
    if (!message || Array.isArray(message) || typeof message.method !== 'string') return undefined;
    // The SDK passes a Headers object: read it as it is, this is every POST's path.
    const headers = headersInit instanceof Headers ? headersInit : new Headers(headersInit);
    const meta = message.params?._meta as Record<string, unknown> | undefined;
    const modern = this.era === 'modern' || (meta !== undefined && PROTOCOL_VERSION_META_KEY in meta);
    const view = mcpHeadersView(message.method, message.params, headers, modern);
    if (message.id !== undefined) this.trace.annotate({ id: message.id }, view);
    else this.trace.annotate({ notification: message.method }, view);
    return message.method;
  }

  private installHandlers(client: Client): void {
    const refresh = (kinds: ListKind[]) => () => {
      if (!this.isConnected) return;
      this.refreshLists(kinds).catch((e) =>
        this.logger.warn(`[${this.currentConfig.name}] refresh after list_changed failed: ${(e as Error).message}`),
      );
    };
    client.setNotificationHandler('notifications/tools/list_changed', refresh(['tools']));
    client.setNotificationHandler('notifications/resources/list_changed', refresh(['resources', 'resourceTemplates']));
    client.setNotificationHandler('notifications/prompts/list_changed', refresh(['prompts']));
    client.setNotificationHandler('notifications/resources/updated', (n) =>
      this.resourceUpdatedEmitter.fire(n.params.uri),
    );
    client.setNotificationHandler('notifications/elicitation/complete', (n) =>
      this.elicitationCompleteEmitter.fire(n.params.elicitationId),
    );
    client.setNotificationHandler('notifications/message', (n) => {
      const entry: ServerLogEntry = {
        time: Date.now(),
        level: n.params.level,
        logger: n.params.logger,
        data: redact(n.params.data, this.secretValues),
      };
      this.serverLog.push(entry);
      if (this.serverLog.length > SERVER_LOG_CAPACITY) this.serverLog.shift();
      this.serverLogEmitter.fire(entry);
    });
  }

  private onTransportClosed(generation: number): void {
    if (generation !== this.generation || this.closingOnPurpose) return;
    const state = this.currentStatus.state;
    if (state !== 'connected' && state !== 'connecting') return;
    const raw = this.stdioTransport();
    const message = raw?.exit ? raw.crashError().fullMessage : 'The server closed the connection.';
    this.client = undefined;
    this.sessionAbort?.abort(new Error(message));
    if (state === 'connected') {
      this.logger.error(`[${this.currentConfig.name}] ${message}`);
      this.setStatus({ state: 'error', message });
    }
  }

  private onTransportError(generation: number, error: Error): void {
    if (generation !== this.generation || this.closingOnPurpose) return;
    // Reported to both the transport's and the client's handler: log it once.
    if (this.reportedErrors.has(error)) return;
    this.reportedErrors.add(error);
    // An HTTP error during the handshake fails the connect, which says so in better words.
    const S = this.sdk;
    if (
      this.currentStatus.state === 'connecting' &&
      S &&
      (error instanceof S.SdkHttpError || error instanceof S.SseError)
    ) {
      return;
    }
    const described = this.toConnectionError(error, 'transport');
    // Stream hiccups of Streamable HTTP (e.g. a GET stream the server does not offer) are not fatal.
    this.logger.warn(`[${this.currentConfig.name}] transport: ${described.fullMessage}`);
  }

  private async teardown(): Promise<void> {
    const client = this.client;
    const raw = this.rawTransport;
    const subscription = this.subscription;
    this.sessionAbort?.abort(new Error('The connection closed.'));
    this.client = undefined;
    this.rawTransport = undefined;
    this.subscription = undefined;
    if (!client && !raw) return;
    this.closingOnPurpose = true;
    try {
      if (subscription) await Promise.race([subscription.close().catch(() => undefined), delay(1000)]);
      if (
        this.sdk &&
        raw instanceof this.sdk.StreamableHTTPClientTransport &&
        (raw as StreamableHTTPClientTransport).sessionId
      ) {
        // Politely end the server-side session; never let a dead server stall a disconnect.
        await Promise.race([
          (raw as StreamableHTTPClientTransport).terminateSession().catch(() => undefined),
          delay(1000),
        ]);
      }
      await client?.close();
      await raw?.close();
    } catch (e) {
      this.logger.debug(`[${this.currentConfig.name}] error while closing: ${(e as Error).message}`);
    }
  }

  private clearServerState(): void {
    this.serverInfo = undefined;
    this.capabilities = undefined;
    this.instructions = undefined;
    this.protocolVersion = undefined;
    this.era = undefined;
    this.negotiation = undefined;
    this.discoverResult = undefined;
    this.activeTransport = undefined;
    this.listCache = {};
    this.logLevel = undefined;
    this.subscribedUris.clear();
    this.observedRequests.clear();
    this.rawResults.clear();
    this.callsInFlight.clear();
    this.inputRequestCauses.clear();
    for (const kind of LIST_KINDS) this.setList(kind, []);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async fetchAll(client: Client, kind: ListKind, cache: 'use' | 'refresh' = 'use'): Promise<unknown[]> {
    if (this.era === 'modern') return this.fetchAllModern(client, kind, cache);
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const params = cursor ? { cursor } : undefined;
      let result: { nextCursor?: string };
      // Plain requests, page by page: not client.listTools, which would also feed the SDK's own
      // output check (./outputSchema reports that per call, and one bad schema must not lose the list).
      switch (kind) {
        case 'tools': {
          const r = await this.timed({}, (o) => client.request({ method: 'tools/list', params }, o));
          items.push(...r.tools);
          result = r;
          break;
        }
        case 'resources': {
          const r = await this.timed({}, (o) => client.request({ method: 'resources/list', params }, o));
          items.push(...r.resources);
          result = r;
          break;
        }
        case 'resourceTemplates': {
          const r = await this.timed({}, (o) => client.request({ method: 'resources/templates/list', params }, o));
          items.push(...r.resourceTemplates);
          result = r;
          break;
        }
        case 'prompts': {
          const r = await this.timed({}, (o) => client.request({ method: 'prompts/list', params }, o));
          items.push(...r.prompts);
          result = r;
          break;
        }
      }
      if (!result.nextCursor || result.nextCursor === cursor) return items;
      cursor = result.nextCursor;
    }
    this.logger.warn(`[${this.currentConfig.name}] stopped listing ${kind} after ${MAX_LIST_PAGES} pages`);
    return items;
  }

  /**
   * The 2026-07-28 era: the SDK's list verbs, which walk every page and honour the result's
   * `ttlMs`/`cacheScope` (a fresh list may come from the client's cache). Its compile of each
   * outputSchema keeps a bad one to that tool, so the list survives it.
   */
  private async fetchAllModern(client: Client, kind: ListKind, cache: 'use' | 'refresh'): Promise<unknown[]> {
    const observation = newObservation();
    // The first page's params: only the observation (a symbol key, never on the wire) and the log level.
    const params = this.withMeta<{ cursor?: string }>({ [CALL_OBSERVATION]: observation } as { cursor?: string });
    const request = (o: SdkRequestOptions): Promise<unknown[]> => {
      const options = { ...o, cacheMode: cache };
      switch (kind) {
        case 'tools':
          return client.listTools(params, options).then((r) => r.tools);
        case 'resources':
          return client.listResources(params, options).then((r) => r.resources);
        case 'resourceTemplates':
          return client.listResourceTemplates(params, options).then((r) => r.resourceTemplates);
        case 'prompts':
          return client.listPrompts(params, options).then((r) => r.prompts);
      }
    };
    const items: unknown[] = await this.timed({}, request);
    const hint = this.extrasFor(observedKey(LIST_METHOD[kind], undefined), observation).cache;
    if (hint) this.listCache = { ...this.listCache, [kind]: hint };
    else if (this.listCache[kind]) {
      const { [kind]: _dropped, ...rest } = this.listCache;
      this.listCache = rest;
    }
    return items;
  }

  private setList(kind: ListKind, items: unknown[]): void {
    const previous = this[kind] as unknown[];
    if (previous.length === 0 && items.length === 0) return;
    (this as unknown as Record<ListKind, unknown[]>)[kind] = items;
    this.listEmitter.fire(kind);
  }

  private requireClient(): Client {
    if (!this.client || this.currentStatus.state !== 'connected') {
      if (this.currentStatus.state === 'connecting' && this.client) return this.client;
      throw new ConnectionError('unknown', `"${this.currentConfig.name}" is not connected.`, 'Connect first.');
    }
    return this.client;
  }

  /**
   * Runs one SDK request under the request timeout. Where a sign-in may hold the deadlines, the
   * connection keeps the timeout itself (see SDK_TIMEOUT_OFF): it stands still while a sign-in runs
   * and starts again after it; on expiry the request is cancelled as the SDK would
   * (notifications/cancelled) and rejects with RequestTimeout. Elsewhere (stdio, HTTP without an
   * authorized fetch) the SDK's own timer does the same for less: this is every request's path,
   * and an AbortController, a signal listener and a second timer per request are measurable there.
   */
  private timed<T>(options: RequestOptions, request: (sdkOptions: SdkRequestOptions) => Promise<T>): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs();
    // A server request the person answers holds the deadlines as a sign-in does (answerServerRequest).
    if (!this.signInsMayHoldDeadlines && !this.options.serverRequests) {
      // The SDK's timeout error is ours too: RequestTimeout, 'Request timed out', { timeout }.
      return request({
        timeout: timeoutMs,
        // A server that reports progress is alive: do not time out a long operation that says so.
        resetTimeoutOnProgress: true,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onprogress: options.onProgress } : {}),
      });
    }
    return this.timedWithDeadline(timeoutMs, options, request);
  }

  private async timedWithDeadline<T>(
    timeoutMs: number,
    options: RequestOptions,
    request: (sdkOptions: SdkRequestOptions) => Promise<T>,
  ): Promise<T> {
    const { SdkError, SdkErrorCode } = this.sdk!;
    const timedOut = () => new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout: timeoutMs });
    // One signal for the SDK: the caller's cancel, or our deadline.
    const abort = new AbortController();
    const caller = options.signal;
    const forward = () => abort.abort(caller?.reason);
    if (caller?.aborted) forward();
    else caller?.addEventListener('abort', forward, { once: true });
    let expired = false;
    const deadline = this.deadlines.start(timeoutMs, () => {
      expired = true;
      abort.abort(timedOut());
    });
    const onProgress = options.onProgress;
    try {
      return await request({
        timeout: SDK_TIMEOUT_OFF,
        signal: abort.signal,
        // A server that reports progress is alive: do not time out a long operation that says so.
        onprogress: onProgress
          ? (progress) => {
              deadline.restart();
              onProgress(progress);
            }
          : undefined,
      });
    } catch (e) {
      // The SDK rejects an aborted request with the abort's reason or an AbortError: ours says why.
      if (expired && !caller?.aborted) throw timedOut();
      throw e;
    } finally {
      deadline.clear();
      caller?.removeEventListener('abort', forward);
    }
  }

  /** Runs one request, turning its failure into a ConnectionError. No async frame on success: every request passes here. */
  private run<T>(
    operation: string,
    request: () => Promise<T>,
    signal?: AbortSignal,
    /** Says more about a failure, once it is a ConnectionError (after the session's own handling of it). */
    describe?: (error: ConnectionError) => ConnectionError,
  ): Promise<T> {
    let pending: Promise<T>;
    try {
      pending = request();
    } catch (e) {
      return this.runFailed(operation, e, signal, describe);
    }
    return pending.catch((e: unknown) => this.runFailed(operation, e, signal, describe));
  }

  private async runFailed(
    operation: string,
    e: unknown,
    signal: AbortSignal | undefined,
    describe: ((error: ConnectionError) => ConnectionError) | undefined,
  ): Promise<never> {
    // The SDK rejects an aborted request as a RequestTimeout McpError: the signal says what really happened.
    if (signal?.aborted) {
      const cancelled = new ConnectionError('cancelled', `${operation} was cancelled.`, undefined, { cause: e });
      throw describe ? describe(cancelled) : cancelled;
    }
    let error = this.toConnectionError(e, operation);
    // A reply that never came from a stdio server that writes non-JSON to stdout was most likely
    // swallowed by that output: say so, as connect does.
    if (error.code === 'timeout') error = this.stdioTransport()?.explain(error) ?? error;
    if (this.isFatal(error) && this.isConnected) {
      await this.teardown();
      this.clearServerState();
      this.setStatus({
        state: error.code === 'auth-required' ? 'auth-required' : 'error',
        message: error.fullMessage,
      });
      this.logger.error(`[${this.currentConfig.name}] ${error.fullMessage}`);
    }
    throw describe ? describe(error) : error;
  }

  /** Errors after which the connection cannot serve further requests. */
  private isFatal(error: ConnectionError): boolean {
    return error.code === 'refused' || error.code === 'process-exited' || error.code === 'auth-required';
  }

  /** The stdio transport of the current session, if it is one (it knows how the process ended). */
  private stdioTransport(): ProcessStdioTransport | undefined {
    const raw = this.rawTransport;
    return this.sdk && raw instanceof this.sdk.ProcessStdioTransport ? raw : undefined;
  }

  private stdioProbeTimeoutMs(): number {
    // At most half the request timeout: the 2025 handshake after a silent probe needs time too.
    return Math.min(this.options.stdioProbeTimeoutMs ?? STDIO_PROBE_TIMEOUT_MS, Math.ceil(this.timeoutMs() / 2));
  }

  private timeoutMs(): number {
    const t = this.options.requestTimeoutMs;
    const value = typeof t === 'function' ? t() : t;
    return value && value > 0 ? value : DEFAULT_TIMEOUT_MS;
  }

  private setStatus(status: Omit<ConnectionStatus, 'since'>): void {
    const next = { ...status, since: Date.now() };
    if (next.state === this.currentStatus.state && next.message === this.currentStatus.message) return;
    this.currentStatus = next;
    this.statusEmitter.fire(next);
  }

  /**
   * The era mistakes of a pinned protocol, in words that say what to choose: a server that speaks
   * only 2026-07-28 pinned to 2025 (it answers initialize with -32022 and the versions it
   * supports), or a 2025-only server pinned to 2026-07-28 (it refuses server/discover).
   */
  private eraMistake(e: unknown, where: string, operation: string): ConnectionError | undefined {
    const S = this.sdk!;
    const choice = this.protocolChoice();
    const fromError =
      e instanceof S.ProtocolError && e.code === UNSUPPORTED_PROTOCOL_VERSION
        ? supportedVersionsOf((e as { data?: unknown }).data)
        : undefined;
    const supported = fromError ?? this.lastUnsupportedVersion;
    if (choice === '2025' && supported && supported.length && supported.every((v) => v >= MODERN_VERSION)) {
      return new ConnectionError(
        'protocol',
        `${where} speaks only MCP ${supported.join(', ')} (the 2026-07-28 era): it refused the 2025 initialize during ${operation} with "Unsupported protocol version".`,
        'Set the connection\'s protocol to "auto" or "2026-07-28".',
        { cause: e },
      );
    }
    if (choice === MODERN_VERSION) {
      const pinRefused =
        (e instanceof S.SdkError &&
          e.code === S.SdkErrorCode.EraNegotiationFailed &&
          /did not offer pinned protocol version/.test(e.message)) ||
        (supported !== undefined && supported.length > 0 && supported.every((v) => v < MODERN_VERSION));
      if (pinRefused) {
        const answered =
          supported && supported.every((v) => v < MODERN_VERSION)
            ? `it supports ${supported.join(', ')}`
            : `it answered server/discover with ${this.probeAnswer ?? 'no 2026-07-28 offer'}`;
        return new ConnectionError(
          'protocol',
          `${where} speaks only the 2025 era of MCP (${answered}), so it cannot be used pinned to 2026-07-28.`,
          'Set the connection\'s protocol to "auto" or "2025".',
          { cause: e },
        );
      }
    }
    return undefined;
  }

  /**
   * A 2026-07-28 server asked, in an `input_required` result, for input this connection cannot give
   * (no handler declares the capability it needs): say which. When the handler does declare it, only
   * a server that keeps asking round after round is described here.
   */
  private inputRequiredError(e: { code: string; message: string; data?: unknown }, operation: string) {
    const S = this.sdk!;
    const data = e.data as
      | {
          resultType?: unknown;
          lastResult?: { inputRequests?: unknown };
          inputRequests?: unknown;
          capabilities?: unknown;
          method?: unknown;
          rounds?: unknown;
        }
      | undefined;
    const about =
      e.code === S.SdkErrorCode.InputRequiredRoundsExceeded ||
      (e.code === S.SdkErrorCode.UnsupportedResultType && data?.resultType === 'input_required') ||
      /input[_ ]required/i.test(e.message);
    if (!about) return undefined;
    const requests = (data?.lastResult?.inputRequests ?? data?.inputRequests) as Record<string, unknown> | undefined;
    const methods = Object.values(requests ?? {}).map((r) => (r as { method?: unknown } | undefined)?.method);
    if (typeof data?.method === 'string') methods.push(data.method);
    const kinds = new Set<string>();
    for (const method of methods) {
      if (method === 'elicitation/create') kinds.add('elicitation');
      else if (method === 'sampling/createMessage') kinds.add('sampling');
      else if (method === 'roots/list') kinds.add('roots');
      else if (typeof method === 'string') kinds.add(method);
    }
    if (Array.isArray(data?.capabilities)) {
      for (const c of data.capabilities) if (typeof c === 'string') kinds.add(c);
    }
    if (!kinds.size) {
      for (const word of ['elicitation', 'sampling', 'roots']) if (e.message.includes(word)) kinds.add(word);
    }
    const declared = this.options.serverRequests?.capabilities ?? {};
    const isDeclared = (kind: string): boolean =>
      kind === 'elicitation'
        ? Boolean(declared.elicitation?.form || declared.elicitation?.url)
        : kind === 'sampling' || kind === 'roots'
          ? Boolean(declared[kind])
          : false;
    if (kinds.size && [...kinds].every(isDeclared)) {
      if (e.code === S.SdkErrorCode.InputRequiredRoundsExceeded) {
        const rounds = typeof data?.rounds === 'number' ? `${data.rounds} rounds` : 'every round allowed';
        return new ConnectionError(
          'protocol',
          `The server still asked for ${[...kinds].join(' and ')} after ${rounds} of ${operation}; MCP Lens stopped retrying.`,
          'The server may be looping on its input requests: check its log.',
          { cause: e },
        );
      }
      return new ConnectionError(
        'protocol',
        `The server asked for ${[...kinds].join(' and ')} during ${operation} and the answer did not satisfy it: ${truncate(e.message, 300)}`,
        undefined,
        { cause: e },
      );
    }
    const what = kinds.size ? [...kinds].join(' and ') : 'input from the client';
    return new ConnectionError(
      'protocol',
      `The server asked for ${what} to complete ${operation} (an input_required result), which MCP Lens cannot answer yet.`,
      'Call it from a client that supports elicitation, sampling and roots.',
      { cause: e },
    );
  }

  /** Turns anything thrown by the SDK, fetch or the OS into a ConnectionError with words a person can act on. */
  toConnectionError(e: unknown, operation: string): ConnectionError {
    const config = this.currentConfig;
    const where = isHttpConfig(config) ? config.url : `"${config.command}"`;
    const stdio = this.stdioTransport();
    if (e instanceof ConnectionError) return e.code === 'process-exited' && stdio?.exit ? stdio.crashError() : e;
    if (e && typeof e === 'object' && this.refusals.has(e)) {
      // 2026-07-28: a refused input request ends the call that asked for it (the SDK stops its rounds).
      return new ConnectionError(
        'cancelled',
        `${operation} stopped: MCP Lens refused what the server asked for (${(e as Error).message}).`,
        undefined,
        { cause: e },
      );
    }
    if (e && typeof e === 'object' && this.answerFailures.has(e)) {
      return new ConnectionError('protocol', `${operation} stopped: ${(e as Error).message}`, undefined, { cause: e });
    }
    const auth = e instanceof AuthRequiredError ? e : this.lastAuthError;
    if (auth) return new ConnectionError('auth-required', auth.message, 'Sign in to continue.', { cause: auth });
    // No SDK error can exist before the SDK is loaded.
    const S = this.sdk;
    if (!S) {
      return new ConnectionError(
        'unknown',
        `${operation} failed: ${truncate((e as Error | undefined)?.message ?? String(e), 300)}`,
        undefined,
        { cause: e },
      );
    }
    const httpStatus = e instanceof S.SdkHttpError ? e.status : e instanceof S.SseError ? e.code : undefined;
    const isHttp = e instanceof S.SdkHttpError || e instanceof S.SseError;
    if (e instanceof S.UnauthorizedError || (isHttp && httpStatus === 401)) {
      return new ConnectionError(
        'auth-required',
        `${where} requires authorization (HTTP 401).`,
        'Sign in to continue.',
        { cause: e },
      );
    }
    if (isHttp && httpStatus === 403) {
      return new ConnectionError(
        'auth-required',
        `${where} refused access (HTTP 403).`,
        'Sign in with an account that has access.',
        { cause: e },
      );
    }
    // Era mistakes come before the HTTP status: a modern-only server answers a 2025 initialize
    // with an MCP error (on HTTP, a 400), and that status alone would give the wrong advice.
    const eraError = this.eraMistake(e, where, operation);
    if (eraError) return eraError;
    if (isHttp) {
      const code = httpStatus;
      // The server's words may echo a credential (an error page that quotes the request): scrub them as the trace does.
      const scrub = (text: string): string => redact(text, this.secretValues) as string;
      const detail = scrub(e.message.replace(/^(Streamable HTTP|SSE) error: /, ''));
      if (code === undefined) {
        const network = networkFailure(e, where);
        if (network) return network;
      }
      const hint =
        code === 404
          ? 'Check the path: Streamable HTTP servers usually serve /mcp, SSE servers /sse.'
          : code === 405
            ? 'The server may use the other transport; try "auto".'
            : httpStatusHint(code);
      const failure = code !== undefined && this.lastHttpFailure?.status === code ? this.lastHttpFailure : undefined;
      // An error page (a proxy's HTML, say) is summed up in one line of text, never quoted raw.
      const body = detail.replace(/^Error POSTing to endpoint( \(HTTP \d+\))?: /, '');
      const pageSummary = failure?.summary ?? (looksLikeHtml(body) ? summarizeBody(body, true) : undefined);
      const summary = pageSummary === undefined ? undefined : scrub(pageSummary);
      if (code !== undefined && summary !== undefined) {
        const what = (failure?.summary !== undefined ? failure.html : true)
          ? 'an HTML page'
          : 'a body that is not JSON';
        return new ConnectionError(
          'http',
          `${where} answered ${failure?.statusLine ?? `HTTP ${code}`} during ${operation}, with ${what}: "${summary}"`,
          hint,
          { cause: e },
        );
      }
      return new ConnectionError(
        'http',
        `${where} answered ${failure?.statusLine ?? (code ? `HTTP ${code}` : 'with an error')} during ${operation}: ${truncate(detail, 300)}`,
        hint,
        { cause: e },
      );
    }
    if (e instanceof S.SdkError) {
      const inputRequired = this.inputRequiredError(e, operation);
      if (inputRequired) return inputRequired;
      switch (e.code) {
        case S.SdkErrorCode.RequestTimeout:
          return new ConnectionError(
            'timeout',
            `The server did not answer ${operation} within ${formatMs(requestTimeoutOf(e) ?? this.timeoutMs())}.`,
            timeoutHint(),
            { cause: e },
          );
        case S.SdkErrorCode.ConnectionClosed:
        case S.SdkErrorCode.NotConnected:
          if (stdio?.exit) return stdio.crashError();
          return new ConnectionError(
            'process-exited',
            `The connection to ${where} closed during ${operation}.`,
            'Reconnect when the server is back.',
            { cause: e },
          );
        case S.SdkErrorCode.MethodNotSupportedByProtocolVersion:
          return new ConnectionError(
            'protocol',
            `${operation} is not part of MCP ${this.protocolVersion ?? 'the protocol version'}, which this session negotiated.`,
            this.era === 'modern'
              ? 'Set the connection\'s protocol to "2025" to use it, if the server also speaks the 2025 era.'
              : undefined,
            { cause: e },
          );
        case S.SdkErrorCode.InvalidResult:
          return new ConnectionError(
            'protocol',
            `The server's answer to ${operation} does not match the MCP schema.`,
            'The server may not implement MCP correctly.',
            { cause: e },
          );
        case S.SdkErrorCode.EraNegotiationFailed: {
          // A network failure or a garbled answer under the probe is still that. (The cause, not
          // the error: its code reads like a system error code to networkFailure.)
          const cause = (e as { cause?: unknown }).cause;
          const network = isHttpConfig(config) && cause ? networkFailure(cause, config.url) : undefined;
          if (network) return network;
          if (cause instanceof SyntaxError || /Unexpected token|is not valid JSON|JSON at position/.test(e.message)) {
            return new ConnectionError(
              'protocol',
              `${where} sent a response that is not valid JSON.`,
              'Check that the URL points at an MCP endpoint.',
              { cause: e },
            );
          }
          if (stdio?.exit) return stdio.crashError();
          return new ConnectionError(
            'protocol',
            `Could not agree on a protocol version with ${where}: ${truncate(e.message, 300)}`,
            'Set the connection\'s protocol to "auto".',
            { cause: e },
          );
        }
        default: {
          const cause = (e as { cause?: unknown }).cause;
          const network = isHttpConfig(config) && cause ? networkFailure(cause, config.url) : undefined;
          if (network) return network;
          return new ConnectionError('protocol', `${operation} failed: ${truncate(e.message, 300)}`, undefined, {
            cause: e,
          });
        }
      }
    }
    if (e instanceof S.ProtocolError) {
      if (e.code === MISSING_REQUIRED_CLIENT_CAPABILITY && needsTasksExtension(e.data)) {
        if (operation === 'tools/call') {
          return taskRequiredError(undefined, 'the server refused the call without the tasks extension (-32021)', e);
        }
        return new ConnectionError(
          'protocol',
          `The server requires the tasks extension (${TASKS_EXTENSION}) for ${operation} (-32021).`,
          'Use the task runner, which declares it.',
          { cause: e },
        );
      }
      if (e.code === MISSING_REQUIRED_CLIENT_CAPABILITY) {
        // A 2026-07-28 server that needs an input_required round (elicitation, sampling, roots)
        // refuses at once when the client declares no such capability, as MCP Lens does for now.
        const required = (e.data as { requiredCapabilities?: Record<string, unknown> } | undefined)
          ?.requiredCapabilities;
        return this.inputRequiredError(
          {
            code: S.SdkErrorCode.UnsupportedResultType,
            message: e.message,
            data: { resultType: 'input_required', capabilities: Object.keys(required ?? {}) },
          },
          operation,
        )!;
      }
      return new ConnectionError('protocol', `The server returned an error for ${operation}: ${e.message}`, undefined, {
        cause: e,
      });
    }
    if (e instanceof SyntaxError) {
      return new ConnectionError(
        'protocol',
        `${where} sent a response that is not valid JSON (${e.message}).`,
        'Check that the URL points at an MCP endpoint.',
        { cause: e },
      );
    }
    const name = (e as Error | undefined)?.name;
    if (name === 'AbortError') {
      return new ConnectionError('cancelled', `${operation} was cancelled.`, undefined, { cause: e });
    }
    if (name === 'ZodError') {
      return new ConnectionError(
        'protocol',
        `The server's answer to ${operation} does not match the MCP schema.`,
        'The server may not implement MCP correctly.',
        { cause: e },
      );
    }
    const network = isHttpConfig(config) ? networkFailure(e, config.url) : undefined;
    if (network) return network;
    const message = (e as Error | undefined)?.message ?? String(e);
    if (/Unexpected token|is not valid JSON|JSON at position/.test(message)) {
      return new ConnectionError(
        'protocol',
        `${where} sent a response that is not valid JSON.`,
        'Check that the URL points at an MCP endpoint.',
        { cause: e },
      );
    }
    return new ConnectionError('unknown', `${operation} failed: ${truncate(message, 300)}`, undefined, { cause: e });
  }
}

/**
 * Loads the SDK on first use (see sdk.ts). `require`, not `import()`: the bundler then evaluates
 * the module lazily, at the first call, in the extension, the CLI and under the tests' CommonJS hook.
 */
function loadSdk(): Promise<Sdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Promise.resolve(require('./sdk') as Sdk);
}

/** What to do about an HTTP error status that has no more specific hint. */
function httpStatusHint(status: number | undefined): string | undefined {
  if (status === 502 || status === 504) {
    return 'A proxy or gateway got no good answer from the MCP server behind it: check that the server runs.';
  }
  if (status === 503) return 'The server is unavailable or overloaded: retry later.';
  if (status !== undefined && status >= 500) return "The server failed: check the server's log.";
  return undefined;
}

export function describeTarget(config: ConnectionConfig): string {
  return config.transport === 'stdio'
    ? `stdio: ${[config.command, ...config.args].join(' ')}`
    : `${config.transport}: ${config.url}`;
}

function timeoutHint(): string {
  return 'The server may be hung or slow. Increase the request timeout setting if it needs longer.';
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** The timeout a RequestTimeout error was raised for (its `data.timeout`), which a request may set for itself. */
function requestTimeoutOf(error: { data?: unknown }): number | undefined {
  const data = error.data as { timeout?: unknown } | undefined;
  return typeof data?.timeout === 'number' ? data.timeout : undefined;
}

/**
 * A result schema that accepts any result as it is (a Standard Schema, which the SDK's request
 * takes for methods outside its typed registry): `Connection.request` is the raw path.
 */
const UNCHECKED_RESULT = {
  '~standard': {
    version: 1 as const,
    vendor: 'mcp-lens',
    validate: (value: unknown) => ({ value: value as Record<string, unknown> }),
  },
};

/** Numbers the server requests of this process (their ids are unique within it). */
let serverRequestCounter = 0;
/** The calls whose result may be `input_required` on 2026-07-28, and during which a 2025 server may ask for input. */
const CALLS_THAT_ASK = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** A call in flight that may ask for input: its request as sent. */
interface CallInFlight {
  method: string;
  params?: { name?: unknown; uri?: unknown };
}

/** What a call in flight names, for a server request's `cause`. */
function describeCall(call: CallInFlight): { method: string; name?: string } {
  const target = call.params?.name ?? call.params?.uri;
  return { method: call.method, ...(typeof target === 'string' ? { name: target } : {}) };
}
const MAX_INPUT_REQUEST_CAUSES = 200;

/** A deep copy of JSON data (server text is data: it is copied, never interpreted). */
function deepCopy(value: unknown): JsonObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function describeReason(reason: unknown): string {
  const text = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : undefined;
  return text ? ` (${truncate(text, 200)})` : '';
}

/**
 * What is wrong with a handler's reply to a server request, if anything: a minimal check of its
 * shape before it is sent (the SDK validates elicitation and sampling replies in full).
 */
function replyProblem(request: ServerRequest, reply: unknown): string | undefined {
  if (!reply || typeof reply !== 'object' || Array.isArray(reply)) return 'the reply is not an object.';
  const r = reply as Record<string, unknown>;
  switch (request.method) {
    case 'elicitation/create':
      if (r.action !== 'accept' && r.action !== 'decline' && r.action !== 'cancel') {
        return 'the reply\'s action is not "accept", "decline" or "cancel".';
      }
      if (
        r.content !== undefined &&
        (typeof r.content !== 'object' || r.content === null || Array.isArray(r.content))
      ) {
        return "the reply's content is not an object.";
      }
      return undefined;
    case 'sampling/createMessage':
      if (r.role !== 'assistant' && r.role !== 'user') return 'the reply has no role.';
      if (typeof r.model !== 'string') return 'the reply names no model.';
      if (!r.content || typeof r.content !== 'object') return 'the reply has no content.';
      return undefined;
    case 'roots/list':
      if (!Array.isArray(r.roots)) return 'the reply has no roots list.';
      for (const root of r.roots as unknown[]) {
        const uri = (root as { uri?: unknown } | null)?.uri;
        if (typeof uri !== 'string' || !uri.startsWith('file://')) {
          return `a root's URI is not a file:// URI (${String(uri)}).`;
        }
      }
      return undefined;
  }
}

/** The extras of a result that has none (shared: never modified). */
const NO_EXTRAS: ResultExtras = Object.freeze({});

/** JSON-RPC error code of MCP 2026-07-28: the request's protocol version is not supported. */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;
/** JSON-RPC error code of MCP 2026-07-28: the request needs a client capability the client did not declare. */
const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
/** The tasks extension of MCP 2026-07-28 (SEP-2663): the server may answer tools/call with a task. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/**
 * Where a `CreateTaskResult` (`resultType: "task"`) reaches the caller of `Connection.request`: the
 * SDK knows no such result type and would reject it, so the connection hands it over under this
 * key of an otherwise empty result (see `observe`). The trace keeps the message as it came.
 */
export const CREATE_TASK_RESULT_KEY = 'mcpLens/createTaskResult';

/** Whether a -32021 error names the tasks extension among the capabilities it requires. */
function needsTasksExtension(data: unknown): boolean {
  const required = (data as { requiredCapabilities?: { extensions?: unknown } } | undefined)?.requiredCapabilities;
  const extensions = required?.extensions;
  return typeof extensions === 'object' && extensions !== null && TASKS_EXTENSION in extensions;
}

/** Whether a request's `_meta` declares the tasks extension in its per-request client capabilities. */
function declaresTasksExtension(meta: unknown): boolean {
  const capabilities = (meta as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
    { extensions?: unknown } | undefined;
  const extensions = capabilities?.extensions;
  return typeof extensions === 'object' && extensions !== null && TASKS_EXTENSION in extensions;
}

/** A tool that runs only as a task, called without one. */
function taskRequiredError(name: string | undefined, why: string, cause?: unknown): ConnectionError {
  const what = name === undefined ? 'This tool' : `The tool "${name}"`;
  return new ConnectionError(
    'task-required',
    `${what} runs only as a task: ${why}, so a plain call cannot run it.`,
    'Run it as a task.',
    cause === undefined ? undefined : { cause },
  );
}

function supportedVersionsOf(data: unknown): string[] | undefined {
  const supported = (data as { supported?: unknown } | undefined)?.supported;
  return Array.isArray(supported) ? supported.filter((v): v is string => typeof v === 'string') : undefined;
}

/** The key under which a request's results are counted and kept: its method and the name or URI it names. */
function observedKey(method: string, target: unknown): string {
  return typeof target === 'string' ? `${method} ${target}` : method;
}

/**
 * Checks the `Mcp-Method`/`Mcp-Name` headers of one POST against its JSON-RPC body (MCP
 * 2026-07-28, Streamable HTTP): `Mcp-Method` must equal the method; `Mcp-Name` must equal
 * `params.name` (tools/call, prompts/get) or `params.uri` (resources/read).
 */
export function mcpHeadersView(
  method: string,
  params: Record<string, unknown> | undefined,
  headers: Headers,
  modern: boolean,
): McpHeadersView {
  const sentMethod = headers.get('mcp-method') ?? undefined;
  const sentName = headers.get('mcp-name') ?? undefined;
  const view = (check: McpHeadersView['check'], detail?: string): McpHeadersView => ({
    ...(sentMethod !== undefined ? { method: sentMethod } : {}),
    ...(sentName !== undefined ? { name: sentName } : {}),
    check,
    ...(detail ? { detail } : {}),
  });
  if (!modern) return view('not-applicable');
  const named =
    method === 'tools/call' || method === 'prompts/get'
      ? params?.name
      : method === 'resources/read'
        ? params?.uri
        : undefined;
  const expectedName = typeof named === 'string' ? named : undefined;
  if (sentMethod === undefined) return view('missing', `No Mcp-Method header was sent for ${method}.`);
  if (sentMethod !== method) {
    return view('mismatch', `Mcp-Method is "${sentMethod}" but the body's method is "${method}".`);
  }
  if (expectedName !== undefined) {
    const field = method === 'resources/read' ? 'params.uri' : 'params.name';
    if (sentName === undefined) {
      return view('missing', `No Mcp-Name header was sent for ${method} (${field} "${expectedName}").`);
    }
    if (sentName !== expectedName) {
      return view('mismatch', `Mcp-Name is "${sentName}" but the body's ${field} is "${expectedName}".`);
    }
  }
  return view('ok');
}
