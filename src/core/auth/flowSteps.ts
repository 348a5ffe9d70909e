/**
 * The steps of the interactive sign-in as the flow debugger sees them, and how the
 * OAuth engine reports them. There is ONE flow: the engine's `signIn` wraps each phase in
 * `flowStep(id, run)`. Without a stepper that is a plain call of `run` — nothing is recorded and
 * nothing waits. With a `FlowStepper` (passed to `signIn` or to `runAuthFlow`), the same calls
 * wait for `beforeStep` (the debugger's Next button), record the HTTP exchanges the step made
 * (secrets masked), time it, and judge it with the spec checks below.
 *
 * The recorder is found through an AsyncLocalStorage, so discovery, registration and the token
 * request report into the flow that started them even when several sign-ins run at once.
 * Nothing here imports `vscode`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { untilAborted } from '../abort.js';
import type {
  AuthorizationServerMetadata,
  OAuthProtectedResourceMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import {
  FLOW_STEP_ORDER,
  FLOW_STEP_TITLES,
  type FlowCheckStatus as CheckStatus,
  type FlowCheckView,
  type FlowExchangeView,
  type FlowParamView,
  type FlowStepId,
  type FlowStepRef,
  type FlowStepView,
} from '../../shared/protocol.js';
import { OAuthFlowError, cancelReason, type OAuthFlowErrorCode } from './errors.js';
import { MASK, maskBody, maskHeaders, maskUrl } from './redact.js';
import type { AuthChallenge, ClientSource } from './types.js';
import { isLoopbackUrl } from './urls.js';

// The eight steps of the flow debugger, their titles and the shapes of their results are the protocol's
// (src/shared/protocol.ts): the host records exactly what the webview shows.
export { FLOW_STEP_ORDER, FLOW_STEP_TITLES, type FlowStepId };

/** One spec check of a step, in the doctor's vocabulary (pass / warn / fail, with the rule it enforces). */
export type FlowCheck = FlowCheckView;

/** One HTTP request of a step, secrets masked (the shape of the doctor's and the engine's exchanges). */
export type FlowExchange = FlowExchangeView;

/** A parameter of the authorization request, with what it is for. */
export type FlowParam = FlowParamView;

/** The step about to run or that ran (1-based index among the eight). */
export type FlowStepInfo = FlowStepRef;

/** A step that ran: its verdict, summary, explained parameters (step 5), masked exchanges, checks and timing. */
export type FlowStepResult = FlowStepView;

/**
 * Observes and pauses a sign-in between steps. `beforeStep` may wait (step-by-step mode) or
 * reject (cancel: the flow then stops and cleans up as on any other cancel).
 */
export interface FlowStepper {
  beforeStep(step: FlowStepInfo): Promise<void>;
  afterStep(result: FlowStepResult): void;
}

/** What the unauthenticated first request found (step 1). */
export interface ChallengeOutcome {
  status: number;
  wwwAuthenticate: string | null;
  challenge: AuthChallenge;
}

/** What the client registration step settled on (step 4): the engine's client choice. */
export interface RegistrationOutcome {
  info: { client_id: string; client_secret?: string; redirect_uris?: string[] };
  source: ClientSource;
  /** A stored registration the authorization server no longer knew, replaced by a new one. */
  forgottenClientId?: string;
}

export interface CallbackOutcome {
  params: URLSearchParams;
  expectedIssuer: string;
  issRequired: boolean;
}

export interface InitializeOutcome {
  serverName?: string;
  serverVersion?: string;
  protocolVersion?: string;
  transport?: string;
}

/** What each step's `run` returns; the describer turns it into the step's summary and checks. */
export interface FlowStepValues {
  challenge: ChallengeOutcome;
  'resource-metadata': { url: string; metadata: OAuthProtectedResourceMetadata } | undefined;
  'authorization-server-metadata': { issuer: string; metadata: AuthorizationServerMetadata } | undefined;
  registration: RegistrationOutcome;
  authorization: { authorizationUrl: URL; codeVerifier: string };
  callback: CallbackOutcome;
  token: OAuthTokens;
  initialize: InitializeOutcome;
}

interface Description {
  status?: CheckStatus;
  summary: string;
  details?: string[];
  params?: FlowParam[];
  checks: FlowCheck[];
}

interface DescribeContext {
  exchanges: FlowExchange[];
  /** Adds a secret value: it is masked wherever it appears in the recorded trace. */
  secret(value: string | undefined | null): void;
}

const flowScope = new AsyncLocalStorage<FlowRecorder>();

/**
 * Runs one step of the flow. Outside a recorded flow this is `run()` and nothing else: the sign-in
 * without a stepper executes exactly the same engine code.
 */
export function flowStep<K extends FlowStepId, V extends FlowStepValues[K]>(id: K, run: () => Promise<V>): Promise<V> {
  const recorder = flowScope.getStore();
  return recorder ? recorder.step(id, run) : run();
}

/** Reports an HTTP exchange to the flow being recorded, if any (the engine calls this for every request). */
export function recordFlowExchange(exchange: FlowExchange): void {
  flowScope.getStore()?.record(exchange);
}

/** Called while a recorded flow waits for its stepper (the debugger's Next), so timers can stop. */
export interface PauseListener {
  pause(): void;
  resume(): void;
}

/**
 * Registers `listener` with the flow being recorded, if any: the sign-in timeout counts only the
 * time the flow runs, not the time a paused step waits for the user. Returns the unregistration.
 */
export function onFlowPause(listener: PauseListener): () => void {
  const recorder = flowScope.getStore();
  if (!recorder) return () => undefined;
  recorder.pauseListeners.add(listener);
  return () => recorder.pauseListeners.delete(listener);
}

/**
 * A connection's secret header (an API key, say), whose name the by-name masking cannot know: in
 * the steps recorded from now on, that header is masked in every exchange, and its value wherever
 * else it appears. Nothing happens outside a recorded flow.
 */
export function addFlowSecretHeader(name: string, value: string): void {
  const recorder = flowScope.getStore();
  if (!recorder) return;
  recorder.secretHeaderNames.add(name.toLowerCase());
  recorder.addSecret(value);
}

/** True while a stepper records the current async context (so callers can skip work otherwise). */
export function isRecordingFlow(): boolean {
  return flowScope.getStore() !== undefined;
}

/**
 * Records a request to the MCP server itself (steps 1 and 8): the Authorization header and any
 * secret in the body are masked; a streamed answer's body is not read.
 */
export async function recordMcpExchange(
  url: string,
  init: { method: string; headers: Headers; body?: RequestInit['body'] },
  response: Response,
  durationMs: number,
): Promise<void> {
  if (!isRecordingFlow()) return;
  const requestBody = typeof init.body === 'string' ? init.body : undefined;
  const type = response.headers.get('content-type') ?? '';
  let text: string | undefined;
  if (!type.includes('text/event-stream')) {
    try {
      text = await response.clone().text();
    } catch {
      text = undefined;
    }
  } else {
    text = '(event stream)';
  }
  recordFlowExchange({
    request: {
      method: init.method,
      url: maskUrl(url),
      headers: maskHeaders(init.headers),
      ...(requestBody !== undefined ? { body: maskBody(requestBody, init.headers.get('content-type')) } : {}),
    },
    response: {
      status: response.status,
      headers: maskHeaders(response.headers),
      ...(text !== undefined ? { body: maskBody(text, type) } : {}),
    },
    durationMs: Math.round(durationMs),
  });
}

/**
 * Runs `run` with a recorder for `stepper`, unless this stepper already records the current
 * context (`runAuthFlow` wraps `signIn`: one recorder for the eight steps).
 */
export function withFlowStepper<T>(
  stepper: FlowStepper | undefined,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (!stepper) return run();
  const current = flowScope.getStore();
  if (current?.stepper === stepper) return run();
  return flowScope.run(new FlowRecorder(stepper, signal), run);
}

class FlowRecorder {
  private current?: { exchanges: FlowExchange[] };
  private readonly secrets = new Set<string>();
  readonly secretHeaderNames = new Set<string>();
  readonly pauseListeners = new Set<PauseListener>();

  constructor(
    readonly stepper: FlowStepper,
    private readonly signal: AbortSignal | undefined,
  ) {}

  addSecret(value: string | undefined | null): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  record(exchange: FlowExchange): void {
    // Outside a step (e.g. the lists a connection loads after initialize) nothing is recorded.
    if (!this.current) return;
    const { error, durationMs } = exchange;
    const request = { ...exchange.request, headers: this.maskNamed(exchange.request.headers) };
    const response = exchange.response && { ...exchange.response, headers: this.maskNamed(exchange.response.headers) };
    this.current.exchanges.push({
      request,
      ...(response ? { response } : {}),
      ...(error ? { error } : {}),
      durationMs: Math.round(durationMs),
    });
  }

  private maskNamed(headers: Record<string, string>): Record<string, string> {
    if (this.secretHeaderNames.size === 0) return headers;
    return Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, this.secretHeaderNames.has(k.toLowerCase()) ? MASK : v]),
    );
  }

  async step<K extends FlowStepId, V extends FlowStepValues[K]>(id: K, run: () => Promise<V>): Promise<V> {
    const info: FlowStepInfo = { id, index: FLOW_STEP_ORDER.indexOf(id) + 1, title: FLOW_STEP_TITLES[id] };
    // A paused step that is cancelled ends at once; the time it waits is not the flow's.
    for (const l of this.pauseListeners) l.pause();
    try {
      await untilAborted(this.stepper.beforeStep(info), this.signal, () => cancelReason(this.signal!));
    } finally {
      for (const l of this.pauseListeners) l.resume();
    }
    const state = { exchanges: [] as FlowExchange[] };
    this.current = state;
    const startedAt = Date.now();
    const started = performance.now();
    const ctx: DescribeContext = { exchanges: state.exchanges, secret: (v) => this.addSecret(v) };
    let description: Description;
    try {
      const value = await run();
      this.current = undefined;
      description = safeDescribe(id, value, ctx);
      this.emit(info, description, state.exchanges, startedAt, performance.now() - started);
      return value;
    } catch (error) {
      this.current = undefined;
      const cancelled = error instanceof OAuthFlowError && error.code === 'cancelled';
      const message = error instanceof Error ? error.message : String(error);
      description = {
        status: cancelled ? 'skip' : 'fail',
        summary: cancelled ? 'Cancelled during this step.' : message,
        checks: cancelled ? [] : [{ status: 'fail', summary: message, spec: specForError(error) }],
      };
      this.emit(info, description, state.exchanges, startedAt, performance.now() - started);
      throw error;
    }
  }

  private emit(
    info: FlowStepInfo,
    d: Description,
    exchanges: FlowExchange[],
    startedAt: number,
    durationMs: number,
  ): void {
    const status = d.status ?? worst(d.checks);
    const result: FlowStepResult = {
      ...info,
      status,
      summary: d.summary,
      details: d.details ?? [],
      ...(d.params ? { params: d.params } : {}),
      exchanges,
      checks: d.checks,
      startedAt,
      durationMs: Math.round(durationMs),
    };
    try {
      this.stepper.afterStep(this.scrub(result));
    } catch {
      // An observer's failure must not break the sign-in.
    }
  }

  /** Defence in depth: any secret value the describers saw is masked wherever it appears. */
  private scrub(result: FlowStepResult): FlowStepResult {
    if (this.secrets.size === 0) return result;
    let text = JSON.stringify(result);
    for (const secret of this.secrets) {
      text = text.split(secret).join(MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) text = text.split(encoded).join(MASK);
    }
    return JSON.parse(text) as FlowStepResult;
  }
}

function worst(checks: FlowCheck[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'pass';
}

function safeDescribe<K extends FlowStepId>(id: K, value: FlowStepValues[K], ctx: DescribeContext): Description {
  try {
    return (DESCRIBE[id] as (v: FlowStepValues[K], c: DescribeContext) => Description)(value, ctx);
  } catch (error) {
    return {
      status: 'pass',
      summary: 'Done.',
      checks: [],
      details: [`(could not describe the step: ${error instanceof Error ? error.message : String(error)})`],
    };
  }
}

/** The rule each refusal of the engine enforces. */
const ERROR_SPECS: Partial<Record<OAuthFlowErrorCode, string>> = {
  'insecure-url': 'OAuth 2.1 §1.5; RFC 9700 §2.6; MCP 2025-06-18 Authorization "Communication Security"',
  'discovery-failed': 'RFC 9728 §3; RFC 8414 §3; MCP 2025-06-18 Authorization §2.3',
  'resource-mismatch': 'RFC 9728 §3.3',
  'issuer-mismatch': 'RFC 8414 §3.3',
  'pkce-unsupported': 'OAuth 2.1 §4.1.1; MCP 2025-06-18 Authorization "Authorization Code Protection"',
  'unsupported-server': 'RFC 8414 §2',
  'no-client': 'MCP 2025-06-18 Authorization §2.4; MCP 2025-11-25 Authorization "Client Registration Approaches"',
  'unknown-client': 'RFC 6749 §4.1.2.1; RFC 6749 §5.2 (invalid_client)',
  'client-issuer-mismatch': 'RFC 6749 §2.2; MCP 2026-07-28 Authorization (credentials bound to their issuer)',
  'registration-failed': 'RFC 7591 §3.2; MCP 2025-06-18 Authorization §2.4',
  'redirect-rejected': 'RFC 7591 §3.2.2; RFC 8252 §7.3',
  'state-mismatch': 'RFC 6749 §10.12; OAuth 2.1 §4.1.2',
  'iss-mismatch': 'RFC 9207 §2.4',
  'authorization-denied': 'RFC 6749 §4.1.2.1',
  'invalid-callback': 'RFC 6749 §4.1.2',
  'token-endpoint-redirect': 'RFC 9700 §4.11',
  'token-request-failed': 'RFC 6749 §5.2; OAuth 2.1 §3.2.4',
  timeout: 'RFC 8252 §8.3 (single-use, time-limited loopback listener)',
};

function specForError(error: unknown): string | undefined {
  return error instanceof OAuthFlowError ? ERROR_SPECS[error.code] : undefined;
}

function tried(exchanges: FlowExchange[]): string[] {
  return exchanges.map(
    (e) =>
      `${e.request.method} ${e.request.url} → ${e.response ? `HTTP ${e.response.status}` : (e.error ?? 'no answer')}`,
  );
}

const pass = (summary: string, spec?: string): FlowCheck => ({ status: 'pass', summary, ...(spec ? { spec } : {}) });
const warn = (summary: string, spec?: string, fix?: string): FlowCheck => ({
  status: 'warn',
  summary,
  ...(spec ? { spec } : {}),
  ...(fix ? { fix } : {}),
});
const fail = (summary: string, spec?: string, fix?: string): FlowCheck => ({
  status: 'fail',
  summary,
  ...(spec ? { spec } : {}),
  ...(fix ? { fix } : {}),
});

const PARAM_MEANINGS: Record<string, string> = {
  response_type: 'The authorization code grant (OAuth 2.1 §4.1.1).',
  client_id: 'Who asks: the client identifier from step 4.',
  redirect_uri: 'Where the browser brings the code back; it must match the registration exactly (RFC 8252 §7.3).',
  scope:
    'The permissions asked for: the challenge\'s scope, else the resource\'s scopes_supported (MCP "Scope Selection Strategy").',
  state: 'A random value checked on the callback against cross-site request forgery (RFC 6749 §10.12). Masked here.',
  code_challenge:
    'The SHA-256 of the secret code verifier; the token request proves possession of it (PKCE, RFC 7636 §4.2).',
  code_challenge_method: 'S256: the only PKCE method MCP allows (OAuth 2.1 §4.1.1).',
  resource: 'The MCP server the token is for (RFC 8707 §2): the token cannot be replayed elsewhere.',
  prompt: 'Asks the authorization server to show (or skip) its consent page.',
};

type Describers = { [K in FlowStepId]: (value: FlowStepValues[K], ctx: DescribeContext) => Description };

const DESCRIBE: Describers = {
  challenge: (v) => {
    const checks: FlowCheck[] = [];
    if (v.status !== 401) {
      checks.push(
        fail(
          `The server answered HTTP ${v.status} without a token, not 401: it does not ask for authorization this way.`,
          'MCP 2025-06-18 Authorization §2.6.2 (Token Handling); RFC 6750 §3',
          'Answer requests without a valid token with 401 and a WWW-Authenticate: Bearer challenge.',
        ),
      );
      return { summary: `HTTP ${v.status}: no challenge.`, checks };
    }
    checks.push(pass('HTTP 401 without a token.', 'RFC 6750 §3'));
    if (!v.wwwAuthenticate) {
      checks.push(
        warn(
          'No WWW-Authenticate header: clients have to guess where the metadata is.',
          'RFC 9728 §5.1; MCP 2025-06-18 Authorization §2.3.1',
          'Send WWW-Authenticate: Bearer resource_metadata="…" with the 401.',
        ),
      );
    } else if (!/^\s*Bearer\b/i.test(v.wwwAuthenticate) && !/,\s*Bearer\b/i.test(v.wwwAuthenticate)) {
      checks.push(
        warn('The WWW-Authenticate header has no Bearer challenge.', 'RFC 6750 §3', 'Use the Bearer scheme.'),
      );
    } else if (v.challenge.resourceMetadataUrl) {
      checks.push(pass(`resource_metadata points to ${v.challenge.resourceMetadataUrl}.`, 'RFC 9728 §5.1'));
    } else {
      checks.push(
        warn(
          'The Bearer challenge has no resource_metadata parameter: the well-known locations are tried instead.',
          'RFC 9728 §5.1; MCP 2025-06-18 Authorization §2.3.1',
          'Add resource_metadata="<URL of the protected resource metadata>" to the challenge.',
        ),
      );
    }
    if (v.challenge.scope) {
      checks.push(
        pass(`The challenge asks for the scope "${v.challenge.scope}".`, 'RFC 6750 §3; MCP "Scope Selection Strategy"'),
      );
    }
    const details = v.wwwAuthenticate ? [`WWW-Authenticate: ${v.wwwAuthenticate}`] : [];
    return {
      summary: `HTTP 401${v.challenge.resourceMetadataUrl ? ' with resource_metadata' : ''}${v.challenge.scope ? `, scope "${v.challenge.scope}"` : ''}.`,
      details,
      checks,
    };
  },

  'resource-metadata': (v, ctx) => {
    const details = tried(ctx.exchanges);
    if (!v) {
      return {
        summary:
          'No protected resource metadata: the server is treated as a 2025-03-26 server, its origin as the authorization server.',
        details,
        checks: [
          warn(
            'No protected resource metadata at any well-known location.',
            'MCP 2025-06-18 Authorization §2.3.1; RFC 9728 §3; MCP 2025-03-26 Authorization §2.3 (back-compat)',
            'Serve /.well-known/oauth-protected-resource (RFC 9728) naming the authorization server.',
          ),
        ],
      };
    }
    const m = v.metadata;
    const checks = [
      pass(`Found at ${v.url}.`, 'RFC 9728 §3.1'),
      pass(`Its resource "${m.resource}" is this server.`, 'RFC 9728 §3.3'),
      pass(`authorization_servers names ${m.authorization_servers?.[0] ?? '(none)'}.`, 'RFC 9728 §2'),
    ];
    if (m.scopes_supported?.length) details.push(`scopes_supported: ${m.scopes_supported.join(' ')}`);
    return {
      summary: `Resource ${m.resource}, authorization server ${m.authorization_servers?.[0] ?? '(none)'}.`,
      details,
      checks,
    };
  },

  'authorization-server-metadata': (v, ctx) => {
    const details = tried(ctx.exchanges);
    const answered = ctx.exchanges.find((e) => e.response && e.response.status >= 200 && e.response.status < 300);
    if (!v) {
      return {
        summary:
          'No authorization server metadata: the 2025-03-26 default endpoints /authorize, /token and /register are used.',
        details,
        checks: [
          warn(
            'No authorization server metadata at any discovery location.',
            'MCP 2025-03-26 Authorization §2.3.3 (fallbacks); RFC 8414 §3',
            'Serve /.well-known/oauth-authorization-server (RFC 8414).',
          ),
        ],
      };
    }
    const m = v.metadata as AuthorizationServerMetadata & { authorization_response_iss_parameter_supported?: boolean };
    const checks: FlowCheck[] = [
      pass(
        `Answered at ${answered?.request.url ?? '(unknown)'} after ${ctx.exchanges.length} request${ctx.exchanges.length === 1 ? '' : 's'}.`,
        'MCP 2025-06-18 Authorization §2.3.2; RFC 8414 §3',
      ),
      pass(`issuer "${m.issuer}" is the authorization server it was asked for.`, 'RFC 8414 §3.3'),
      pass(
        'PKCE S256 is advertised (code_challenge_methods_supported).',
        'OAuth 2.1 §4.1.1; MCP 2025-06-18 Authorization "Authorization Code Protection"',
      ),
      pass('Every endpoint is https or loopback.', 'OAuth 2.1 §1.5; RFC 9700 §2.6'),
    ];
    if (m.registration_endpoint) {
      checks.push(pass('Dynamic client registration is offered.', 'RFC 7591; MCP 2025-06-18 Authorization §2.4'));
    }
    if ((m as { client_id_metadata_document_supported?: boolean }).client_id_metadata_document_supported) {
      checks.push(
        pass(
          'Client ID Metadata Documents are supported.',
          'MCP 2025-11-25 Authorization "Client ID Metadata Documents"',
        ),
      );
    }
    if (m.authorization_response_iss_parameter_supported) {
      checks.push(pass('The callback will carry iss (checked in step 6).', 'RFC 9207 §3'));
    } else {
      checks.push(
        warn(
          'authorization_response_iss_parameter_supported is not advertised: mix-up attacks are harder to detect.',
          'RFC 9207 §3',
          'Send iss with the authorization response and advertise it.',
        ),
      );
    }
    details.push(`authorization_endpoint: ${m.authorization_endpoint}`, `token_endpoint: ${m.token_endpoint}`);
    if (m.registration_endpoint) details.push(`registration_endpoint: ${m.registration_endpoint}`);
    return { summary: `Issuer ${m.issuer}.`, details, checks };
  },

  registration: (v, ctx) => {
    const registeredNow = ctx.exchanges.some((e) => e.request.method === 'POST');
    const clientId = v.info.client_id;
    const redirectUri = v.info.redirect_uris?.[0];
    const how: Record<ClientSource, string> = {
      'pre-registered': 'the pre-registered client given in the connection settings',
      'client-id-metadata-document': 'a Client ID Metadata Document URL',
      'dynamic-registration': registeredNow
        ? 'dynamic client registration, just now'
        : 'the dynamic registration stored for this authorization server',
      'client-credentials': 'client credentials',
      'cross-app-access': 'cross-app access',
    };
    const specs: Record<ClientSource, string> = {
      'pre-registered': 'MCP 2025-11-25 Authorization "Client Registration Approaches"',
      'client-id-metadata-document': 'MCP 2025-11-25 Authorization "Client ID Metadata Documents"',
      'dynamic-registration': 'RFC 7591 §3; MCP 2025-06-18 Authorization §2.4',
      'client-credentials': 'RFC 6749 §4.4',
      'cross-app-access': 'RFC 7523 §2.1',
    };
    const checks = [pass(`Client ${clientId} from ${how[v.source]}.`, specs[v.source])];
    if (v.forgottenClientId) {
      checks.unshift(
        warn(
          `The authorization server no longer knew the stored client ${v.forgottenClientId} (its authorization endpoint refused it without redirecting); registered again as ${clientId}.`,
          'RFC 6749 §4.1.2.1',
          'Keep client registrations across restarts of the authorization server.',
        ),
      );
    }
    if (v.source === 'dynamic-registration' && registeredNow) {
      checks.push(pass(`The redirect URI ${redirectUri ?? ''} was accepted.`, 'RFC 7591 §3.2; RFC 8252 §7.3'));
      checks.push(
        pass(
          v.info.client_secret
            ? 'A client secret was issued (kept in secret storage).'
            : 'A public client (token_endpoint_auth_method "none"), as a native app should be.',
          'RFC 8252 §8.4',
        ),
      );
    }
    ctx.secret(v.info.client_secret);
    return {
      summary: `Client id ${clientId} (${v.source}).`,
      details: redirectUri ? [`redirect_uri: ${redirectUri}`] : [],
      checks,
    };
  },

  authorization: (v, ctx) => {
    const url = v.authorizationUrl;
    ctx.secret(v.codeVerifier);
    ctx.secret(url.searchParams.get('state'));
    const params: FlowParam[] = [];
    for (const [name, value] of url.searchParams) {
      params.push({
        name,
        value: name === 'state' ? MASK : value,
        meaning: PARAM_MEANINGS[name] ?? 'An extra parameter of the authorization server.',
      });
    }
    const has = (n: string) => url.searchParams.has(n);
    const checks: FlowCheck[] = [
      url.protocol === 'https:' || isLoopbackUrl(url)
        ? pass('The authorization endpoint is https (or loopback).', 'OAuth 2.1 §1.5')
        : fail('The authorization endpoint is not https.', 'OAuth 2.1 §1.5'),
      url.searchParams.get('code_challenge_method') === 'S256' && has('code_challenge')
        ? pass('PKCE with S256.', 'OAuth 2.1 §4.1.1; RFC 7636 §4.2')
        : fail('No PKCE S256 challenge.', 'OAuth 2.1 §4.1.1'),
      has('state')
        ? pass('A fresh random state, checked on the callback.', 'RFC 6749 §10.12')
        : fail('No state.', 'RFC 6749 §10.12'),
      has('resource')
        ? pass(
            `Resource indicator ${url.searchParams.get('resource') ?? ''}.`,
            'RFC 8707 §2; MCP 2025-06-18 Authorization §2.5.1',
          )
        : fail('No resource indicator.', 'RFC 8707 §2'),
      has('scope')
        ? pass(`Scope "${url.searchParams.get('scope') ?? ''}".`, 'MCP "Scope Selection Strategy"')
        : pass(
            'No scope: neither the challenge nor the resource metadata named one.',
            'MCP "Scope Selection Strategy"',
          ),
    ];
    return {
      summary: `Opens ${url.origin}${url.pathname} in the system browser.`,
      details: ['The browser is the system browser, never a web view (RFC 8252 §8.12).'],
      params,
      checks,
    };
  },

  callback: (v, ctx) => {
    const p = v.params;
    ctx.secret(p.get('code'));
    ctx.secret(p.get('state'));
    const iss = p.get('iss');
    const checks: FlowCheck[] = [
      pass('state matches the one sent.', 'RFC 6749 §10.12'),
      pass('An authorization code arrived (masked).', 'RFC 6749 §4.1.2'),
    ];
    if (iss !== null) checks.push(pass(`iss "${iss}" is the expected issuer.`, 'RFC 9207 §2.4'));
    else if (!v.issRequired) {
      checks.push(
        warn(
          'No iss parameter (the authorization server does not promise one).',
          'RFC 9207 §2.4',
          'Send iss with the authorization response (RFC 9207).',
        ),
      );
    }
    const details = [`code: ${MASK}`, `state: ${MASK}`, `iss: ${iss ?? '(absent)'}`];
    return { summary: `Code received${iss ? ` from ${iss}` : ''}.`, details, checks };
  },

  token: (v, ctx) => {
    ctx.secret(v.access_token);
    ctx.secret(v.refresh_token);
    ctx.secret(v.id_token);
    const checks: FlowCheck[] = [pass('A Bearer access token was issued (masked).', 'RFC 6750 §1.2; RFC 6749 §5.1')];
    checks.push(
      v.expires_in !== undefined
        ? pass(`It expires in ${v.expires_in} s.`, 'RFC 6749 §5.1')
        : warn(
            'expires_in is missing: the client cannot refresh before expiry.',
            'RFC 6749 §5.1',
            'Return expires_in with every access token.',
          ),
    );
    checks.push(
      v.refresh_token
        ? pass('A refresh token was issued (kept in secret storage).', 'RFC 6749 §6; OAuth 2.1 §4.3')
        : warn(
            'No refresh token: a new browser sign-in is needed when the token expires.',
            'RFC 6749 §6',
            'Issue a refresh token to public clients with rotation (OAuth 2.1 §4.3.1).',
          ),
    );
    if (ctx.exchanges.every((e) => !e.response || e.response.status < 300 || e.response.status >= 400)) {
      checks.push(pass('No redirect from the token endpoint.', 'RFC 9700 §4.11'));
    }
    const details = [`token_type: ${v.token_type}`, `scope: ${v.scope ?? '(as requested)'}`];
    return {
      summary: `Token issued${v.scope ? ` for "${v.scope}"` : ''}${v.expires_in !== undefined ? `, valid ${v.expires_in} s` : ''}.`,
      details,
      checks,
    };
  },

  initialize: (v, ctx) => {
    const withToken = ctx.exchanges.filter((e) => /^Bearer /i.test(e.request.headers.authorization ?? ''));
    const refused = ctx.exchanges.some((e) => e.response?.status === 401 || e.response?.status === 403);
    const checks: FlowCheck[] = [];
    checks.push(
      withToken.length
        ? pass(
            'The token went in the Authorization header, never in the URL.',
            'RFC 6750 §2.1; MCP 2025-06-18 Authorization §2.6.1',
          )
        : warn('No request with the token was seen in this step.', 'MCP 2025-06-18 Authorization §2.6.1'),
    );
    if (refused) checks.push(warn('The server refused a request with the token at first.', 'RFC 6750 §3.1'));
    checks.push(
      pass(
        `initialize succeeded: ${v.serverName ?? 'server'} ${v.serverVersion ?? ''}`.trim() +
          (v.protocolVersion ? `, protocol ${v.protocolVersion}.` : '.'),
        'MCP 2025-06-18 Lifecycle §Initialization',
      ),
    );
    return {
      summary: `Connected to ${v.serverName ?? 'the server'}${v.transport ? ` over ${v.transport}` : ''}.`,
      checks,
    };
  },
};
