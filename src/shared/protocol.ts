/**
 * The one protocol between the inspector's host (src/extension/inspector) and its webview
 * (webview/). Both sides import this file, so a message cannot change shape on one side only.
 * It imports nothing. The OAuth flow debugger's vocabulary (its eight steps and the shapes of
 * their results) lives here too: the core records the steps in exactly these shapes
 * (src/core/auth/flowSteps.ts), so what the webview shows is what the engine saw.
 *
 * Three kinds of message, after GitLens' IpcCommand/IpcRequest/IpcNotification split and the
 * pending-replies map of vscode-pull-request-github:
 * - commands (webview → host, no reply): `{ kind: 'command', method, params }`;
 * - requests (webview → host, one reply matched by `id`, success or error):
 *   `{ kind: 'request', id, method, params }` → `{ kind: 'response', id, ok, result | error }`;
 * - notifications (host → webview): `{ kind: 'notification', method, params }`.
 * The webview sends `{ kind: 'ready' }` when its listeners are installed; the host posts nothing
 * before that (messages to a webview that is still loading are lost), and sends `init` after it.
 *
 * Everything here is plain JSON: no class instances, no functions, no `undefined`-only meaning.
 * Nothing in this file may carry a token or secret (see `ConnectionView`, `TraceEntryView`).
 *
 * This file has no imports, so that it runs unchanged in Node (host, tests) and the browser.
 */

// ---- JSON ---------------------------------------------------------------------------------

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ---- views of core objects (what the webview is allowed to know) ------------------------

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'auth-required' | 'error';
export type TransportKind = 'streamable-http' | 'sse' | 'auto' | 'stdio';

/**
 * The protocol era a connection speaks. `modern`: MCP 2026-07-28 and later, negotiated with
 * `server/discover` and stateless per request (`_meta` envelope, `Mcp-Method` headers,
 * `subscriptions/listen`, `input_required` results). `legacy`: the 2025 revisions
 * (2024-11-05 … 2025-11-25), negotiated with `initialize`.
 */
export type ProtocolEra = 'modern' | 'legacy';
/** What the user asked for: negotiate (`auto`, the default), or pin an era. SSE speaks only `2025`. */
export type ProtocolChoice = 'auto' | '2025' | '2026-07-28';
export const PROTOCOL_CHOICES: readonly ProtocolChoice[] = ['auto', '2025', '2026-07-28'];

/** Auth status shown per connection. Scopes and expiry are facts about a token, never the token. */
export type AuthStatus =
  | { state: 'not-needed' }
  | { state: 'signed-in'; scopes: string[]; expiresAt?: number }
  | { state: 'expired'; scopes: string[]; expiresAt?: number }
  | { state: 'sign-in-required'; message?: string };
export type AuthState = AuthStatus['state'];

export interface ConnectionView {
  id: string;
  name: string;
  transport: TransportKind;
  /** Where it goes, with secret-looking parts removed (URL query values, secret CLI flags). */
  target: string;
  state: ConnectionState;
  message?: string;
  since: number;
  auth: AuthStatus;
  /** Whether the user can edit it (settings-defined connections are read-only). */
  editable: boolean;
  activeTransport?: 'stdio' | 'sse' | 'streamable-http';
  /** The era the user pinned, or `auto` (also when the config says nothing). */
  protocol?: ProtocolChoice;
  /** The era and version negotiated by the current session (none while disconnected). */
  era?: ProtocolEra;
  protocolVersion?: string;
  counts: { tools: number; resources: number; resourceTemplates: number; prompts: number };
}

export interface ToolAnnotationsView {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface ToolView {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonObject;
  outputSchema?: JsonObject;
  annotations?: ToolAnnotationsView;
  /** `execution.taskSupport`: whether the tool may (`optional`), must (`required`) or cannot (`forbidden`, the default) run as a task. */
  taskSupport?: TaskSupport;
}

export interface ResourceView {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
}

export interface ResourceTemplateView {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface PromptArgumentView {
  name: string;
  description?: string;
  required?: boolean;
}

export interface PromptView {
  name: string;
  title?: string;
  description?: string;
  arguments: PromptArgumentView[];
}

export interface ServerView {
  name?: string;
  version?: string;
  title?: string;
  protocolVersion?: string;
  era?: ProtocolEra;
  /** How the era was chosen, in one sentence (e.g. "server/discover offered 2026-07-28"; "pinned to 2025"). */
  negotiation?: string;
  /** The server's `server/discover` result as it was sent (modern era only). */
  discover?: JsonObject;
  instructions?: string;
  capabilities?: JsonObject;
}

export interface ConnectionDetails {
  connectionId: string;
  tools: ToolView[];
  resources: ResourceView[];
  resourceTemplates: ResourceTemplateView[];
  prompts: PromptView[];
  server: ServerView;
  /** The cache hints of the last list results (2026-07-28 era), per list; absent on 2025 or without hints. */
  listCache?: Partial<Record<'tools' | 'resources' | 'resourceTemplates' | 'prompts', CacheHintView>>;
  /** The log level MCP Lens asked the server for (none asked yet: absent). */
  logLevel?: LoggingLevelView;
  /** The roots this connection offers the server, and where they come from. */
  roots?: RootsView;
}

// ---- answering the server: elicitation, sampling, roots (one queue per connection) ----------

/**
 * What a server asked of MCP Lens. On the 2025 wire it is a server→client request
 * (`elicitation/create`, `sampling/createMessage`, `roots/list`); on the 2026-07-28 wire it is one
 * input request inside an `input_required` result, answered when the call is retried. Both land in
 * the same queue. `params` is the server's text as sent: data, never HTML.
 */
export type ServerRequestKind = 'elicitation-form' | 'elicitation-url' | 'sampling' | 'roots';
export type ServerRequestState = 'pending' | 'answered' | 'declined' | 'cancelled' | 'timed-out' | 'failed';

export interface ServerRequestView {
  /** Unique within the host (not the JSON-RPC id, which the server chose). */
  id: string;
  connectionId: string;
  kind: ServerRequestKind;
  method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  /** How it arrived: a server→client request (2025) or an `input_required` round (2026-07-28). */
  wire: 'request' | 'input-required';
  /** The call in flight that caused it, when known (e.g. `tools/call` of `trigger-elicitation-request`). */
  cause?: { method: string; name?: string };
  params: JsonObject;
  /** For `elicitation-url`: the URL's origin, computed by the host (shown before anything else). */
  urlOrigin?: string;
  receivedAt: number;
  /** When it times out unanswered (epoch ms); absent: no limit. */
  deadline?: number;
  state: ServerRequestState;
  /** One sentence on how it ended ("accepted with 3 fields", "timed out after 60 s"). */
  outcome?: string;
  answeredAt?: number;
}

/** The user's answer to one queued request. */
export type ServerRequestReply =
  | { kind: 'elicitation'; action: 'accept'; content: JsonObject }
  | { kind: 'elicitation'; action: 'decline' | 'cancel' }
  /** URL mode: `accept` means the user consented and the host opened the URL. */
  | { kind: 'elicitation-url'; action: 'accept' | 'decline' | 'cancel' }
  /** `result` is a CreateMessageResult (role, content, model, stopReason) the user wrote or approved. */
  | { kind: 'sampling'; action: 'send'; result: JsonObject }
  | { kind: 'sampling'; action: 'decline'; reason?: string }
  | { kind: 'roots'; action: 'send' }
  | { kind: 'roots'; action: 'decline' };

export interface LanguageModelView {
  id: string;
  name: string;
  vendor: string;
  family?: string;
}

export interface RootView {
  /** A `file://` URI. */
  uri: string;
  name?: string;
}
export interface RootsView {
  /** `workspace`: the workspace folders (the default); `custom`: edited for this connection. */
  source: 'workspace' | 'custom';
  roots: RootView[];
}

export type LoggingLevelView = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';
export const LOGGING_LEVELS: readonly LoggingLevelView[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

/** One `notifications/message` the server sent (its `data` is data, never HTML). */
export interface ServerLogView {
  time: number;
  level: LoggingLevelView;
  logger?: string;
  data: JsonValue;
}

/** A reference for `completion/complete`: a prompt's argument or a resource template's variable. */
export type CompletionRefView = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

// ---- tasks (2025-11-25 tasks; the tasks extension of 2026-07-28) ----------------------------

export type TaskSupport = 'forbidden' | 'optional' | 'required';
export type TaskStatusView = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
export interface TaskView {
  taskId: string;
  connectionId: string;
  status: TaskStatusView;
  statusMessage?: string;
  createdAt?: string;
  lastUpdatedAt?: string;
  ttl?: number | null;
  pollInterval?: number;
  /** What started it, when MCP Lens started it (tasks listed from the server may not say). */
  toolName?: string;
  /** The webview call that started it, so its form can show the task's progress. */
  callId?: string;
  progress?: { progress: number; total?: number; message?: string };
}

export type TraceDirection = 'out' | 'in';
export type TraceKind = 'request' | 'response' | 'error' | 'notification';

/** A trace entry as the engine stored it: already redacted before it existed (src/core/trace.ts). */
export interface TraceEntryView {
  seq: number;
  time: number;
  direction: TraceDirection;
  kind: TraceKind;
  method?: string;
  id?: string | number;
  durationMs?: number;
  size: number;
  /** The start of the redacted message as JSON, for the list and search (at most TRACE_PREVIEW_CHARS). */
  preview: string;
  /** For a message the client sent over Streamable HTTP: the MCP routing headers that went with it. */
  http?: McpHeadersView;
}

/**
 * The `Mcp-Method` / `Mcp-Name` headers (MCP 2026-07-28) sent with one request, checked against
 * its JSON-RPC body: `Mcp-Method` must equal `method`; `Mcp-Name` must equal `params.name`
 * (tools/call, prompts/get) or `params.uri` (resources/read).
 */
export interface McpHeadersView {
  method?: string;
  name?: string;
  /** `ok`; `mismatch` (a header disagrees with the body); `missing` (a header the era requires is absent); `not-applicable` (2025 era). */
  check: 'ok' | 'mismatch' | 'missing' | 'not-applicable';
  /** What disagreed, in one sentence. */
  detail?: string;
}

/** A cacheable result's freshness hints (MCP 2026-07-28 `ttlMs` / `cacheScope`), and whether MCP Lens served it from its cache. */
export interface CacheHintView {
  ttlMs: number;
  cacheScope: 'public' | 'private';
  /** When the server produced it (ms since the epoch); fresh until receivedAt + ttlMs. */
  receivedAt: number;
  servedFromCache: boolean;
}
/** How a cacheable request treats MCP Lens's response cache: serve a fresh copy (`use`), or ask the server (`refresh`). */
export type CacheMode = 'use' | 'refresh';
export const TRACE_PREVIEW_CHARS = 2000;

/**
 * `requests`: what the server asked (elicitation, sampling, roots); `tasks`: the connection's tasks;
 * `playground`: chat with a VS Code language model that may call the connection's tools.
 */
export type TabId =
  | 'tools'
  | 'resources'
  | 'prompts'
  | 'requests'
  | 'tasks'
  | 'history'
  | 'checks'
  | 'playground'
  | 'log'
  | 'server'
  | 'auth';
export const TAB_IDS: readonly TabId[] = [
  'tools',
  'resources',
  'prompts',
  'requests',
  'tasks',
  'history',
  'checks',
  'log',
  'server',
  'auth',
  'playground',
];

// ---- the LLM playground (a chat with a VS Code language model that calls the connection's tools) --

/**
 * A tool call the model asked for: `pending` waits for the user's Approve/Deny; `running` goes to the
 * server (tools/call, traced like the inspector's calls); `done`/`failed` carry the result text the
 * model was given; `denied` never reached the server; `cancelled` was stopped with the conversation.
 */
export type PlaygroundToolCallState = 'pending' | 'running' | 'done' | 'failed' | 'denied' | 'cancelled';

/** One line of the transcript. Model and server text are data, shown as text. */
export type PlaygroundEntryView =
  | { id: string; kind: 'user'; text: string }
  | { id: string; kind: 'assistant'; text: string }
  | {
      id: string;
      kind: 'tool-call';
      /** The MCP tool's name (the model may have seen a sanitized one). */
      tool: string;
      args: JsonObject;
      state: PlaygroundToolCallState;
      /** What the tool returned, as given to the model (text parts, or JSON of structuredContent). */
      resultText?: string;
      /** The server's `isError`, or a failure of the call itself. */
      isError?: boolean;
    }
  | { id: string; kind: 'error'; message: string; hint?: string }
  | { id: string; kind: 'notice'; text: string };

export interface PlaygroundView {
  connectionId: string;
  /** The model the last message went to. */
  modelId?: string;
  /** `thinking`: the model is answering or a tool runs; `waiting`: a tool call waits for Approve/Deny. */
  state: 'idle' | 'thinking' | 'waiting';
  entries: PlaygroundEntryView[];
}

// ---- the OAuth flow debugger and the token vault ------------------------------------------

/** The eight steps of the sign-in, in order (src/core/auth/flowSteps.ts). */
export type FlowStepId =
  | 'challenge'
  | 'resource-metadata'
  | 'authorization-server-metadata'
  | 'registration'
  | 'authorization'
  | 'callback'
  | 'token'
  | 'initialize';
export const FLOW_STEP_ORDER: readonly FlowStepId[] = [
  'challenge',
  'resource-metadata',
  'authorization-server-metadata',
  'registration',
  'authorization',
  'callback',
  'token',
  'initialize',
];
export const FLOW_STEP_TITLES: Readonly<Record<FlowStepId, string>> = {
  challenge: '401 challenge',
  'resource-metadata': 'Protected resource metadata',
  'authorization-server-metadata': 'Authorization server metadata',
  registration: 'Client registration',
  authorization: 'Authorization request',
  callback: 'Callback',
  token: 'Token request',
  initialize: 'MCP initialize with the token',
};
export type FlowCheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface FlowCheckView {
  status: Exclude<FlowCheckStatus, 'skip'>;
  summary: string;
  /** The spec or RFC section the check enforces. */
  spec?: string;
  fix?: string;
}

/** One HTTP request of a step, secrets already masked by the host. */
export interface FlowExchangeView {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body?: string };
  error?: string;
  durationMs: number;
}

/** A step by name: its id, its 1-based position among the eight, and its title. */
export interface FlowStepRef {
  id: FlowStepId;
  index: number;
  title: string;
}

/** A parameter of the authorization request, with what it is for. */
export interface FlowParamView {
  name: string;
  value: string;
  meaning: string;
}

export interface FlowStepView extends FlowStepRef {
  status: FlowCheckStatus;
  summary: string;
  details: string[];
  /** The authorization request's parameters, each explained (state masked). */
  params?: FlowParamView[];
  exchanges: FlowExchangeView[];
  checks: FlowCheckView[];
  startedAt: number;
  durationMs: number;
}

export type FlowTraceState = 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
export type FlowMode = 'step' | 'run';

/** The last run of the debugger for a connection; masked, so it may be kept and exported. */
export interface FlowTraceView {
  resource: string;
  serverName: string;
  mode: FlowMode;
  state: FlowTraceState;
  startedAt: number;
  finishedAt?: number;
  steps: FlowStepView[];
  /** The step that waits for Next (paused) or runs now. */
  next?: FlowStepRef;
  error?: string;
}

export type ClientSourceView =
  'pre-registered' | 'client-id-metadata-document' | 'dynamic-registration' | 'client-credentials' | 'cross-app-access';

/** What the token vault shows. Facts about the token, decoded in the host; never the token. */
/** A stored dynamic registration (RFC 7591) as the vault shows it: whether there is a secret, never the secret. */
export interface VaultRegistrationView {
  clientId: string;
  registeredAt: number;
  redirectUris: string[];
  tokenEndpointAuthMethod?: string;
  hasClientSecret: boolean;
  clientSecretExpiresAt?: number;
}

export interface VaultView {
  connectionId: string;
  state: 'none' | 'signed-in' | 'expired';
  resource: string;
  issuer?: string;
  clientId?: string;
  clientSource?: ClientSourceView;
  scopes: string[];
  obtainedAt?: number;
  expiresAt?: number;
  hasRefreshToken: boolean;
  tokenFormat?: 'jwt' | 'opaque';
  jwt?: { header: JsonObject; payload: JsonObject };
  registration?: VaultRegistrationView;
  revocationEndpoint?: string;
}

/** What a tree item (or a command argument) asks the panel to show. */
export interface FocusTarget {
  connectionId: string;
  tab?: TabId;
  /** Tool name, resource URI, template URI template or prompt name, depending on the tab. */
  item?: string;
}

// ---- results ------------------------------------------------------------------------------

/**
 * MCP Lens's verdict on a tool result's `structuredContent` against the tool's `outputSchema`
 * (MCP 2025-06-18 tools, "Output Schema"), made once in the core and attached to the result as
 * `outputSchemaCheck`. It is the inspector's own field, not server data; results of tools without
 * an outputSchema, and `isError` results (whose structured content the spec does not constrain), carry none.
 */
export interface OutputSchemaCheck {
  ok: boolean;
  /** `invalid`: structuredContent breaks the schema; `missing`: no structuredContent; `bad-schema`: the outputSchema itself is not a usable JSON Schema. */
  status: 'valid' | 'invalid' | 'missing' | 'bad-schema';
  /** One sentence saying what was found. */
  message: string;
  /** Each validation error: `path` is a JSON Pointer (RFC 6901) into structuredContent (or into the schema for `bad-schema`), `''` for the root. */
  errors: Array<{ path: string; message: string }>;
}

/** A tool result as the server sent it (CallToolResult): rendered by the webview as data, never HTML. */
export interface ToolCallOutcome {
  result: JsonObject;
  durationMs: number;
  /** The result's `resultType` on the 2026-07-28 wire (`complete`, or `input_required` for a round that needed answers); absent on the 2025 era. */
  resultType?: string;
  cache?: CacheHintView;
}

export interface ReadResourceOutcome {
  result: JsonObject;
  durationMs: number;
  /** The result's `resultType` on the 2026-07-28 wire (`complete`, or `input_required` for a round that needed answers); absent on the 2025 era. */
  resultType?: string;
  cache?: CacheHintView;
}

export interface GetPromptOutcome {
  result: JsonObject;
  durationMs: number;
  /** The result's `resultType` on the 2026-07-28 wire (`complete`, or `input_required` for a round that needed answers); absent on the 2025 era. */
  resultType?: string;
  cache?: CacheHintView;
}

export interface ErrorInfo {
  message: string;
  /** ConnectionError code (src/core/errors.ts) or 'invalid-message', 'not-found', 'failed'. */
  code: string;
  hint?: string;
}

// ---- saved checks (.vscode/mcp-lens/*.json, docs/checks.md) --------------------------------

export type CheckKindView = 'tool' | 'resource' | 'prompt';

export interface CheckItemView {
  name: string;
  kind: CheckKindView;
  /** The tool name, resource URI or prompt name. */
  target: string;
}

/** A checks file of the workspace, named by its path relative to its workspace folder. */
export interface ChecksFileView {
  file: string;
  checks: CheckItemView[];
  /** Why the file cannot be used (it is not valid); it has no checks then. */
  error?: string;
}

export interface CheckResultView {
  file: string;
  name: string;
  kind: CheckKindView;
  passed: boolean;
  durationMs: number;
  /** One line per failed assertion; server text in them is escaped and clipped. */
  failures: string[];
}

// ---- the message maps ---------------------------------------------------------------------

export interface CommandMap {
  /** Runs the Add MCP Connection wizard (the panel's empty state offers it). */
  'connection/add': Record<string, never>;
  'connection/connect': { connectionId: string };
  'connection/disconnect': { connectionId: string };
  'connection/signIn': { connectionId: string };
  'connection/signOut': { connectionId: string };
  'connection/edit': { connectionId: string };
  /** Which connection the webview shows, so the host streams its lists and trace (and only those). */
  'view/select': { connectionId: string | null };
  /** Aborts a running request started with this `callId`. */
  'call/cancel': { callId: string };
  'clipboard/write': { text: string };
  /** Starts the flow debugger: `step` pauses before each step, `run` goes straight through. */
  'auth/debug/start': { connectionId: string; mode: FlowMode };
  /** Runs the step the debugger waits at. */
  'auth/debug/next': { connectionId: string };
  /** Runs the remaining steps without pausing. */
  'auth/debug/continue': { connectionId: string };
  'auth/debug/cancel': { connectionId: string };
}

export interface RequestMap {
  /**
   * `asTask`: run it as a task (the tool's `taskSupport` is `optional` or `required`); the reply
   * then comes when the task ends (its result), while `tasks/changed` reports the status.
   */
  'tools/call': {
    params: { connectionId: string; name: string; args: JsonObject; callId: string; asTask?: boolean };
    result: ToolCallOutcome;
  };
  /** Answers a queued server request. Fails with `not-found` when it is no longer pending. */
  'serverRequest/answer': {
    params: { connectionId: string; requestId: string; reply: ServerRequestReply };
    result: { state: ServerRequestState };
  };
  /** The language models VS Code offers (`vscode.lm`); empty when none is installed. */
  'sampling/models': { params: Record<string, never>; result: { models: LanguageModelView[] } };
  /**
   * Drafts a reply to a queued sampling request with a VS Code language model. Nothing is sent to
   * the server: the user reviews the draft and sends it with `serverRequest/answer`.
   */
  'sampling/generate': {
    params: { connectionId: string; requestId: string; modelId?: string };
    result: { result: JsonObject };
  };
  /** `roots: null` goes back to the workspace folders. The server is told (`roots/list_changed`). */
  'roots/set': { params: { connectionId: string; roots: RootView[] | null }; result: RootsView };
  'completion/complete': {
    params: {
      connectionId: string;
      ref: CompletionRefView;
      argument: { name: string; value: string };
      /** The other arguments already filled in. */
      context?: Record<string, string>;
    };
    result: { values: string[]; total?: number; hasMore?: boolean };
  };
  'logging/setLevel': {
    params: { connectionId: string; level: LoggingLevelView };
    result: { level: LoggingLevelView };
  };
  'serverLog/list': { params: { connectionId: string }; result: { entries: ServerLogView[] } };
  'tasks/list': { params: { connectionId: string }; result: { tasks: TaskView[] } };
  'tasks/cancel': { params: { connectionId: string; taskId: string }; result: { task: TaskView } };
  /** The result of a finished task (tasks/result). */
  'tasks/result': { params: { connectionId: string; taskId: string }; result: ToolCallOutcome };
  /** `cache: 'refresh'` skips a still-fresh cached copy and asks the server again (default `use`). */
  'resources/read': {
    params: { connectionId: string; uri: string; callId: string; cache?: CacheMode };
    result: ReadResourceOutcome;
  };
  /** Re-lists tools, resources, templates and prompts; `cache: 'refresh'` bypasses fresh cached lists. */
  'lists/refresh': { params: { connectionId: string; cache?: CacheMode }; result: { refreshed: true } };
  'resources/subscribe': { params: { connectionId: string; uri: string }; result: { subscribed: true } };
  'resources/unsubscribe': { params: { connectionId: string; uri: string }; result: { subscribed: false } };
  'prompts/get': {
    params: { connectionId: string; name: string; args: Record<string, string>; callId: string };
    result: GetPromptOutcome;
  };
  'trace/list': { params: { connectionId: string }; result: { entries: TraceEntryView[] } };
  /** One message in full, with its Mcp headers as now known (they may be recorded after the entry was listed). */
  'trace/entry': {
    params: { connectionId: string; seq: number };
    result: { message: JsonValue; http?: McpHeadersView };
  };
  /** A curl command for an HTTP request in the trace; secret headers become `$ENV` placeholders. */
  'trace/curl': { params: { connectionId: string; seq: number }; result: { curl: string } };
  'history/export': { params: { json: string }; result: { saved: boolean } };
  /**
   * The checks files that stand for this connection, and the files that cannot be read (which
   * server they are for is unknown). `defaultFile`: where Save as check proposes to write; null
   * without a workspace folder.
   */
  'checks/list': { params: { connectionId: string }; result: { files: ChecksFileView[]; defaultFile: string | null } };
  /**
   * Saves a request as a check: into `file` (relative to the first workspace folder, inside
   * .vscode/mcp-lens/), created or appended, with the observed status and a duration bound. The host
   * opens the file for editing. `args` are the tool's or the prompt's (none for a resource).
   */
  'checks/save': {
    params: {
      connectionId: string;
      file: string;
      name: string;
      kind: CheckKindView;
      target: string;
      args: JsonObject;
      status: 'ok' | 'error';
      durationMs: number;
    };
    result: { file: string; check: CheckItemView };
  };
  /** Runs the connection's checks: all of its files, one file, or one check (`file` and `name`). */
  'checks/run': {
    params: { connectionId: string; file?: string; name?: string };
    result: { results: CheckResultView[]; passed: number; failed: number; cancelled: boolean };
  };
  /** The token vault of an HTTP connection (null for stdio). */
  'auth/vault': { params: { connectionId: string }; result: { vault: VaultView | null } };
  /** The last debugger trace of a connection (kept by the host across reloads). */
  'auth/trace': { params: { connectionId: string }; result: { trace: FlowTraceView | null } };
  'auth/refreshNow': { params: { connectionId: string }; result: { vault: VaultView | null } };
  /** Revokes (RFC 7009) and deletes the tokens: sign out. */
  'auth/revoke': { params: { connectionId: string }; result: { vault: VaultView | null } };
  'auth/forgetRegistration': { params: { connectionId: string }; result: { vault: VaultView | null } };
  /** The host asks in a modal warning, then copies the token itself; the token never reaches the webview. */
  'auth/copyToken': { params: { connectionId: string }; result: { copied: boolean } };
  /** The host writes its own (masked) copy of the last trace to a file the user picks. */
  'auth/export': { params: { connectionId: string; format: 'markdown' | 'json' }; result: { saved: boolean } };
  /** The chat models the playground can use (the same list as `sampling/models`). */
  'playground/models': { params: Record<string, never>; result: { models: LanguageModelView[] } };
  /** The connection's playground transcript as it is now. */
  'playground/get': { params: { connectionId: string }; result: PlaygroundView };
  /**
   * Starts a turn: the message goes to the model (the first one offered when `modelId` is absent) with
   * the connection's tools. Answers once the turn has started; the transcript follows in `playground/changed`.
   * Fails when a turn is already running.
   */
  'playground/send': { params: { connectionId: string; text: string; modelId?: string }; result: PlaygroundView };
  /** Approves (the call goes to the server) or denies (the model is told) a pending tool call. */
  'playground/decide': {
    params: { connectionId: string; entryId: string; approve: boolean };
    result: PlaygroundView;
  };
  /** Stops the running turn (the model's request, a pending decision, a running tool call). */
  'playground/cancel': { params: { connectionId: string }; result: PlaygroundView };
  /** Starts a new conversation (stops a running turn first). */
  'playground/clear': { params: { connectionId: string }; result: PlaygroundView };
}

export interface NotificationMap {
  /** Sent after every `ready`: the whole picture, and what to focus. */
  init: { connections: ConnectionView[]; focus?: FocusTarget };
  'connections/changed': { connections: ConnectionView[] };
  'connection/details': ConnectionDetails;
  'trace/added': { connectionId: string; entries: TraceEntryView[] };
  'trace/cleared': { connectionId: string };
  'call/progress': { callId: string; progress: number; total?: number; message?: string };
  'resource/updated': { connectionId: string; uri: string };
  focus: FocusTarget;
  /** The debugger's trace changed (a step started, paused or finished). */
  'auth/trace': { connectionId: string; trace: FlowTraceView };
  /** The connection's queue: pending requests first, then the most recent answered ones. */
  'serverRequests/changed': { connectionId: string; requests: ServerRequestView[] };
  'serverLog/added': { connectionId: string; entries: ServerLogView[] };
  'tasks/changed': { connectionId: string; tasks: TaskView[] };
  /** A watched stdio server was restarted because its sources changed (the dev loop). */
  'connection/restarted': { connectionId: string; reason: string };
  /** A playground transcript changed (streamed text, a tool call's state, an error). */
  'playground/changed': PlaygroundView;
}

export type CommandMethod = keyof CommandMap;
export type RequestMethod = keyof RequestMap;
export type NotificationMethod = keyof NotificationMap;

export type CommandMessage = {
  [M in CommandMethod]: { kind: 'command'; method: M; params: CommandMap[M] };
}[CommandMethod];
export type RequestMessage = {
  [M in RequestMethod]: { kind: 'request'; id: number; method: M; params: RequestMap[M]['params'] };
}[RequestMethod];
export interface ReadyMessage {
  kind: 'ready';
}
export type WebviewToHostMessage = ReadyMessage | CommandMessage | RequestMessage;

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: RequestMap[RequestMethod]['result'] }
  | { kind: 'response'; id: number; ok: false; error: ErrorInfo };
export type NotificationMessage = {
  [M in NotificationMethod]: { kind: 'notification'; method: M; params: NotificationMap[M] };
}[NotificationMethod];
export type HostToWebviewMessage = ResponseMessage | NotificationMessage;

// ---- state the webview keeps across reloads (vscode.getState/setState) ---------------------

export type HistoryKind = 'tool' | 'resource' | 'prompt';
export interface HistoryEntry {
  id: string;
  kind: HistoryKind;
  connectionId: string;
  connectionName: string;
  /** Tool name, resource URI or prompt name. */
  target: string;
  args: JsonObject;
  startedAt: number;
  durationMs?: number;
  status: 'ok' | 'error' | 'cancelled' | 'running';
  /** The result, or `{ truncated: true, bytes }` when it was too large to keep. */
  result?: JsonValue;
  error?: ErrorInfo;
}

export interface WebviewState {
  version: 1;
  selectedConnectionId?: string;
  tab: TabId;
  selectedTool?: string;
  selectedResource?: string;
  selectedPrompt?: string;
  /** Form drafts per `${connectionId}\u0000${tool}`. */
  drafts: Record<string, JsonValue>;
  history: HistoryEntry[];
}
