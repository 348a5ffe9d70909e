/**
 * The whole sign-in as the flow debugger runs it: the eight steps, from the 401 that
 * starts it to the MCP initialize that proves the token works. Steps 2–7 are the engine's own
 * `signIn` — the code every normal sign-in runs; a stepper only pauses between the steps and
 * records them (./flowSteps.ts). Step 1 sends the same first request a transport sends without a
 * token, and step 8 is the caller's connect (in VS Code: the connection's reconnect, exactly as
 * after a normal sign-in).
 */
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { DoctorHttp, DoctorRequestError } from '../doctor/http.js';
import { parseBearerChallenge, type OAuthEngine, type SignInOptions } from './engine.js';
import { OAuthFlowError } from './errors.js';
import {
  addFlowSecretHeader,
  flowStep,
  recordFlowExchange,
  withFlowStepper,
  type ChallengeOutcome,
  type FlowStepper,
  type InitializeOutcome,
} from './flowSteps.js';
import type { FetchLike, TokenInfo } from './types.js';
import { canonicalResource } from './urls.js';

export interface AuthFlowOptions extends Omit<SignInOptions, 'challenge' | 'stepper'> {
  stepper?: FlowStepper;
  /** How the first request is sent: a POST initialize (Streamable HTTP, auto) or a GET of the event stream (SSE). */
  transport?: 'streamable-http' | 'sse' | 'auto';
  /** The connection's own static headers, sent with the first request (never OAuth tokens). */
  headers?: Record<string, string>;
  /**
   * The connection's headers kept in secret storage (an API key, say): sent with the first request
   * as the transport sends them, and masked in every step, whatever their name.
   */
  secretHeaders?: Record<string, string>;
  /** For the first request. Default: global fetch. */
  fetch?: FetchLike;
  /** Limit of the first request. Default 10 s. */
  probeTimeoutMs?: number;
  /** Step 8: connect with the new token. */
  connect(): Promise<InitializeOutcome>;
}

export interface AuthFlowOutcome {
  token: TokenInfo;
  initialize: InitializeOutcome;
}

/**
 * Runs the eight steps. Rejects with `OAuthFlowError` (`cancelled` when the stepper or the signal
 * cancels); a cancel leaves nothing behind but what a cancelled normal sign-in leaves.
 */
export function runAuthFlow(engine: OAuthEngine, resourceUrl: string, opts: AuthFlowOptions): Promise<AuthFlowOutcome> {
  return withFlowStepper(opts.stepper, opts.signal, async () => {
    for (const [name, value] of Object.entries(opts.secretHeaders ?? {})) addFlowSecretHeader(name, value);
    const challenge = await flowStep('challenge', () => probeChallenge(resourceUrl, opts));
    if (challenge.status !== 401) {
      throw new OAuthFlowError(
        'unsupported-server',
        `The server answered HTTP ${challenge.status} without a token: it does not ask for a sign-in.`,
      );
    }
    const {
      connect,
      transport: _transport,
      headers: _headers,
      secretHeaders: _secretHeaders,
      fetch: _fetch,
      probeTimeoutMs: _timeout,
      ...signIn
    } = opts;
    const token = await engine.signIn(resourceUrl, {
      rediscover: true,
      ...signIn,
      stepper: opts.stepper,
      challenge: challenge.challenge,
    });
    const initialize = await flowStep('initialize', connect);
    return { token, initialize };
  });
}

/** The request a transport sends first, without a token; the 401 and its WWW-Authenticate are the challenge. */
async function probeChallenge(resourceUrl: string, opts: AuthFlowOptions): Promise<ChallengeOutcome> {
  const http = new DoctorHttp(opts.fetch ?? ((u, i) => fetch(u, i)), opts.probeTimeoutMs ?? 10_000, opts.signal);
  const url = canonicalResource(resourceUrl);
  const sse = opts.transport === 'sse';
  const sent = { ...opts.headers, ...opts.secretHeaders };
  const init = sse
    ? { method: 'GET', headers: { ...sent, Accept: 'text/event-stream' } }
    : {
        method: 'POST',
        headers: { ...sent, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: {
            protocolVersion: LATEST_PROTOCOL_VERSION,
            capabilities: {},
            clientInfo: { name: 'mcp-lens', version: '0.1.0' },
          },
        }),
      };
  try {
    const answer = await http.send(url, init, { stream: true });
    recordFlowExchange(answer.exchange);
    if (answer.text === undefined) await answer.response.body?.cancel().catch(() => undefined);
    const wwwAuthenticate = answer.response.headers.get('www-authenticate');
    return { status: answer.response.status, wwwAuthenticate, challenge: parseBearerChallenge(wwwAuthenticate) };
  } catch (error) {
    if (error instanceof DoctorRequestError) {
      recordFlowExchange(error.exchange);
      throw new OAuthFlowError('discovery-failed', `No answer from ${url}: ${error.message}`);
    }
    if (opts.signal?.aborted) throw new OAuthFlowError('cancelled', 'The sign-in was cancelled.');
    throw error;
  }
}
