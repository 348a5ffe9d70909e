/**
 * One MCP connection: a config, the SDK `Client` that talks to the server, the lists the server
 * offers, a bounded protocol trace and status events. Everything a connection owns (client,
 * transport, child process, timers) is released as a unit by `disconnect()`.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions as SdkRequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
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
import { describeErrorResponse, looksLikeHtml, networkFailure, summarizeBody, type HttpFailure } from './connectErrors';
import { AuthRequiredError, ConnectionError } from './errors';
import { Emitter, type Event } from './events';
import { silentLogger, type Logger } from './logger';
import type { Sdk } from './sdk';
import { RequestDeadlines, type Deadline } from './requestDeadlines';
import type { ProcessStdioTransport } from './stdioTransport';
import type { OutputSchemaCheck, ProtocolEra } from '../shared/protocol';
import { TraceBuffer, TracingTransport, redact } from './trace';

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
}

const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * The timeout given to the SDK: the longest setTimeout allows, i.e. none. The SDK's per-request
 * timer cannot stand still during a sign-in, so the connection's own deadlines (which can) bound
 * every request instead, and cancel it through its signal.
 */
const SDK_TIMEOUT_OFF = 2_147_483_647;
const SERVER_LOG_CAPACITY = 1000;
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
  readonly onDidChangeStatus: Event<ConnectionStatus> = this.statusEmitter.event;
  readonly onDidChangeList: Event<ListKind> = this.listEmitter.event;
  readonly onServerLog: Event<ServerLogEntry> = this.serverLogEmitter.event;
  readonly onStderr: Event<string> = this.stderrEmitter.event;
  readonly onResourceUpdated: Event<string> = this.resourceUpdatedEmitter.event;

  /** The SDK, loaded by the first connect (see sdk.ts). */
  private sdk?: Sdk;
  private client?: Client;
  private rawTransport?: Transport;
  /** Incremented by every connect/disconnect, so a late result of an old attempt is ignored. */
  private generation = 0;
  private connecting?: Promise<void>;
  private closingOnPurpose = false;
  private secretValues: string[] = [];
  /** The last AuthRequiredError raised by the authorized fetch, which the SDK may have wrapped. */
  private lastAuthError?: AuthRequiredError;
  /** The last HTTP error response, with its status line and body summary (the SDK keeps neither for SSE). */
  private lastHttpFailure?: HttpFailure;
  private readonly deadlines = new RequestDeadlines();
  private readonly logger: Logger;

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
  }

  // ---- requests -------------------------------------------------------------------------

  async refreshLists(kinds: readonly ListKind[] = LIST_KINDS): Promise<void> {
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
          this.setList(kind, await this.fetchAll(client, kind));
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
  ): Promise<CallToolResult & { outputSchemaCheck?: OutputSchemaCheck }> {
    const client = this.requireClient();
    const tool = this.tools.find((t) => t.name === name);
    if (tool?.execution?.taskSupport === 'required') {
      // MCP 2025-11-25 tasks: such a tool must be called as a task, which MCP Lens does not do yet (the SDK refuses the same way).
      throw new ConnectionError(
        'protocol',
        `The tool "${name}" requires task-based execution (execution.taskSupport: "required"), which MCP Lens does not support yet.`,
        'Call it from a client that supports MCP tasks.',
      );
    }
    const result = await this.run(
      'tools/call',
      () =>
        this.timed(options, (o) =>
          client.request(
            { method: 'tools/call', params: { name, arguments: args } },
            this.sdk!.CallToolResultSchema,
            o,
          ),
        ),
      options.signal,
    );
    // The verdict is ours: a field of that name sent by the server is not kept (the trace has the raw message).
    const { outputSchemaCheck: _fromServer, ...plain } = result as CallToolResult & { outputSchemaCheck?: unknown };
    const check = this.sdk!.checkOutputSchema(tool?.outputSchema, plain);
    if (check && !check.ok) this.logger.warn(`[${this.currentConfig.name}] ${name}: ${check.message}`);
    return check ? { ...plain, outputSchemaCheck: check } : plain;
  }

  async readResource(uri: string, options: RequestOptions = {}): Promise<ReadResourceResult> {
    const client = this.requireClient();
    return this.run(
      'resources/read',
      () => this.timed(options, (o) => client.readResource({ uri }, o)),
      options.signal,
    );
  }

  async getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: RequestOptions = {},
  ): Promise<GetPromptResult> {
    const client = this.requireClient();
    return this.run(
      'prompts/get',
      () => this.timed(options, (o) => client.getPrompt({ name, arguments: args }, o)),
      options.signal,
    );
  }

  /** Round-trip time in milliseconds. */
  async ping(options: RequestOptions = {}): Promise<number> {
    const client = this.requireClient();
    const started = performance.now();
    await this.run('ping', () => this.timed(options, (o) => client.ping(o)), options.signal);
    return performance.now() - started;
  }

  async setLoggingLevel(level: LoggingLevel): Promise<void> {
    const client = this.requireClient();
    await this.run('logging/setLevel', () => this.timed({}, (o) => client.setLoggingLevel(level, o)));
  }

  async subscribeResource(uri: string): Promise<void> {
    const client = this.requireClient();
    await this.run('resources/subscribe', () => this.timed({}, (o) => client.subscribeResource({ uri }, o)));
  }

  async unsubscribeResource(uri: string): Promise<void> {
    const client = this.requireClient();
    await this.run('resources/unsubscribe', () => this.timed({}, (o) => client.unsubscribeResource({ uri }, o)));
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
        await this.open(generation, 'stdio', this.createStdioTransport(config));
      } else if (config.transport === 'auto') {
        await this.connectAuto(generation, config);
      } else {
        await this.open(generation, config.transport, await this.createHttpTransport(config, config.transport));
      }
      if (generation !== this.generation) return;
      await this.refreshLists();
      if (generation !== this.generation) return;
      this.setStatus({ state: 'connected' });
      this.logger.info(
        `[${config.name}] connected to ${this.serverInfo?.name ?? 'server'} ${this.serverInfo?.version ?? ''} over ${this.activeTransport} ` +
          `(${this.tools.length} tools, ${this.resources.length} resources, ${this.prompts.length} prompts)`,
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

  /** Streamable HTTP first; on a 4xx other than 401/403, the legacy HTTP+SSE transport (spec: backwards compatibility). */
  private async connectAuto(generation: number, config: HttpConnectionConfig): Promise<void> {
    try {
      await this.open(generation, 'streamable-http', await this.createHttpTransport(config, 'streamable-http'));
    } catch (e) {
      const status = e instanceof this.sdk!.StreamableHTTPError ? e.code : undefined;
      if (
        generation !== this.generation ||
        status === undefined ||
        status < 400 ||
        status >= 500 ||
        status === 401 ||
        status === 403
      ) {
        throw e;
      }
      this.logger.info(`[${config.name}] Streamable HTTP answered ${status}; trying the HTTP+SSE transport`);
      await this.teardown();
      await this.open(generation, 'sse', await this.createHttpTransport(config, 'sse'));
    }
  }

  private async open(generation: number, kind: ActiveTransport, raw: Transport): Promise<void> {
    const client = new this.sdk!.Client(this.options.clientInfo ?? { name: 'mcp-lens', version: '0.1.0' }, {
      capabilities: {},
    });
    const transport = new TracingTransport(raw, this.trace, () => this.secretValues);
    this.client = client;
    this.rawTransport = raw;
    this.closingOnPurpose = false;
    this.installHandlers(client);
    client.onclose = () => this.onTransportClosed(generation);
    client.onerror = (error) => this.onTransportError(generation, error);

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
      await Promise.race([client.connect(transport, { timeout: SDK_TIMEOUT_OFF }), timeout]);
    } finally {
      deadline?.clear();
    }
    if (generation !== this.generation) return;
    this.activeTransport = kind;
    this.serverInfo = client.getServerVersion();
    this.capabilities = client.getServerCapabilities();
    this.instructions = client.getInstructions();
    this.protocolVersion = (raw as { protocolVersion?: string }).protocolVersion;
  }

  private createStdioTransport(config: StdioConnectionConfig): Transport {
    this.secretValues = [];
    return new this.sdk!.ProcessStdioTransport(
      { command: config.command, args: config.args, env: config.env, cwd: config.cwd },
      (line) => {
        this.logger.info(`[${config.name}] stderr: ${line}`);
        this.stderrEmitter.fire(line);
      },
    );
  }

  private async createHttpTransport(config: HttpConnectionConfig, kind: 'sse' | 'streamable-http'): Promise<Transport> {
    const secretHeaders = (await this.options.secretHeadersFor?.(config)) ?? {};
    this.secretValues = Object.values(secretHeaders);
    const headers = { ...(config.headers ?? {}), ...secretHeaders };
    const url = new URL(config.url);
    const baseFetch: FetchLike =
      this.options.fetchFor?.(config, { signingIn: (signIn) => this.deadlines.hold(signIn) }) ??
      ((input, init) => fetch(input, init));
    // Remember an AuthRequiredError even when the SDK wraps or swallows it on the way up, and an
    // error response's status line and body summary, which the SDK's errors lose.
    const fetchFn: FetchLike = async (input, init) => {
      let response: Response;
      try {
        response = await baseFetch(input, init);
      } catch (e) {
        if (e instanceof AuthRequiredError) this.lastAuthError = e;
        throw e;
      }
      if (response.status >= 400) this.lastHttpFailure = await describeErrorResponse(response);
      return response;
    };
    const requestInit: RequestInit = { headers };
    if (kind === 'sse') return new this.sdk!.SSEClientTransport(url, { requestInit, fetch: fetchFn });
    return new this.sdk!.StreamableHTTPClientTransport(url, { requestInit, fetch: fetchFn });
  }

  private installHandlers(client: Client): void {
    const {
      ToolListChangedNotificationSchema,
      ResourceListChangedNotificationSchema,
      PromptListChangedNotificationSchema,
      ResourceUpdatedNotificationSchema,
      LoggingMessageNotificationSchema,
    } = this.sdk!;
    const refresh = (kinds: ListKind[]) => () => {
      if (!this.isConnected) return;
      this.refreshLists(kinds).catch((e) =>
        this.logger.warn(`[${this.currentConfig.name}] refresh after list_changed failed: ${(e as Error).message}`),
      );
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh(['tools']));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh(['resources', 'resourceTemplates']));
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh(['prompts']));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) =>
      this.resourceUpdatedEmitter.fire(n.params.uri),
    );
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
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
    if (state === 'connected') {
      this.logger.error(`[${this.currentConfig.name}] ${message}`);
      this.setStatus({ state: 'error', message });
    }
  }

  private onTransportError(generation: number, error: Error): void {
    if (generation !== this.generation || this.closingOnPurpose) return;
    const described = this.toConnectionError(error, 'transport');
    // Stream hiccups of Streamable HTTP (e.g. a GET stream the server does not offer) are not fatal.
    this.logger.warn(`[${this.currentConfig.name}] transport: ${described.fullMessage}`);
  }

  private async teardown(): Promise<void> {
    const client = this.client;
    const raw = this.rawTransport;
    this.client = undefined;
    this.rawTransport = undefined;
    if (!client && !raw) return;
    this.closingOnPurpose = true;
    try {
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
    this.activeTransport = undefined;
    for (const kind of LIST_KINDS) this.setList(kind, []);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async fetchAll(client: Client, kind: ListKind): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const params = cursor ? { cursor } : undefined;
      let result: { nextCursor?: string };
      switch (kind) {
        case 'tools': {
          // Not client.listTools: it compiles every outputSchema for the SDK's own output check and
          // throws on one that is not a valid schema, losing the whole list; ./outputSchema reports that per call.
          const r = await this.timed({}, (o) =>
            client.request({ method: 'tools/list', params }, this.sdk!.ListToolsResultSchema, o),
          );
          items.push(...r.tools);
          result = r;
          break;
        }
        case 'resources': {
          const r = await this.timed({}, (o) => client.listResources(params, o));
          items.push(...r.resources);
          result = r;
          break;
        }
        case 'resourceTemplates': {
          const r = await this.timed({}, (o) => client.listResourceTemplates(params, o));
          items.push(...r.resourceTemplates);
          result = r;
          break;
        }
        case 'prompts': {
          const r = await this.timed({}, (o) => client.listPrompts(params, o));
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
   * Runs one SDK request under the request timeout, which the connection keeps itself (see
   * SDK_TIMEOUT_OFF): it stands still while a sign-in runs and starts again after it; on expiry the
   * request is cancelled as the SDK would (notifications/cancelled) and rejects with RequestTimeout.
   */
  private async timed<T>(options: RequestOptions, request: (sdkOptions: SdkRequestOptions) => Promise<T>): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs();
    const { McpError, ErrorCode } = this.sdk!;
    // One signal for the SDK: the caller's cancel, or our deadline (no AbortSignal.any in older VS Code runtimes).
    const abort = new AbortController();
    const caller = options.signal;
    const forward = () => abort.abort(caller?.reason);
    if (caller?.aborted) forward();
    else caller?.addEventListener('abort', forward, { once: true });
    const deadline = this.deadlines.start(timeoutMs, () =>
      abort.abort(new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: timeoutMs })),
    );
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
    } finally {
      deadline.clear();
      caller?.removeEventListener('abort', forward);
    }
  }

  private async run<T>(operation: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await request();
    } catch (e) {
      // The SDK rejects an aborted request as a RequestTimeout McpError: the signal says what really happened.
      if (signal?.aborted) {
        throw new ConnectionError('cancelled', `${operation} was cancelled.`, undefined, { cause: e });
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
      throw error;
    }
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

  /** Turns anything thrown by the SDK, fetch or the OS into a ConnectionError with words a person can act on. */
  toConnectionError(e: unknown, operation: string): ConnectionError {
    const config = this.currentConfig;
    const where = isHttpConfig(config) ? config.url : `"${config.command}"`;
    const stdio = this.stdioTransport();
    if (e instanceof ConnectionError) return e.code === 'process-exited' && stdio?.exit ? stdio.crashError() : e;
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
    if (
      e instanceof S.UnauthorizedError ||
      ((e instanceof S.StreamableHTTPError || e instanceof S.SseError) && e.code === 401)
    ) {
      return new ConnectionError(
        'auth-required',
        `${where} requires authorization (HTTP 401).`,
        'Sign in to continue.',
        { cause: e },
      );
    }
    if (e instanceof S.StreamableHTTPError || e instanceof S.SseError) {
      const code = e.code;
      if (code === 403) {
        return new ConnectionError(
          'auth-required',
          `${where} refused access (HTTP 403).`,
          'Sign in with an account that has access.',
          { cause: e },
        );
      }
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
    if (e instanceof S.McpError) {
      if (e.code === S.ErrorCode.RequestTimeout) {
        return new ConnectionError(
          'timeout',
          `The server did not answer ${operation} within ${formatMs(requestTimeoutOf(e) ?? this.timeoutMs())}.`,
          timeoutHint(),
          { cause: e },
        );
      }
      if (e.code === S.ErrorCode.ConnectionClosed) {
        if (stdio?.exit) return stdio.crashError();
        return new ConnectionError(
          'process-exited',
          `The connection to ${where} closed during ${operation}.`,
          'Reconnect when the server is back.',
          { cause: e },
        );
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

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** The timeout a RequestTimeout error was raised for (its `data.timeout`), which a request may set for itself. */
function requestTimeoutOf(error: { data?: unknown }): number | undefined {
  const data = error.data as { timeout?: unknown } | undefined;
  return typeof data?.timeout === 'number' ? data.timeout : undefined;
}
