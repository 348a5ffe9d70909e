/**
 * The connection doctor: a fixed sequence of checks against one MCP server URL — from the URL
 * and the socket, through the protocol eras it speaks (server/discover and initialize), up to how the
 * server treats a bogus token. Each failure names what the
 * server's author should change and the spec section it breaks. Discovery follows the same rules
 * as the OAuth engine (src/core/auth/), whose URL builders and comparisons are reused here, but the
 * doctor tries every location and keeps going after a problem so that one run reports everything.
 *
 * Side effects on the server: one MCP session may be opened (and is deleted again) when the server
 * needs no authorization, and the registration endpoint receives one throw-away registration for a
 * loopback redirect URI (unless `probeRegistration: false`).
 */
import { DoctorCancelled, DoctorHttp, DoctorRequestError, type SentResponse } from './http.js';
import {
  checkAuthorizationServer,
  checkPkce,
  checkRefresh,
  checkTokenEndpointAuth,
} from './checks/authorizationServer.js';
import { checkChallenge } from './checks/challenge.js';
import { checkCacheHints, checkDiscover, checkEras, checkMcpMethod, erasOf } from './checks/eras.js';
import type { Check, CheckContext, Findings, Verdict } from './checks/context.js';
import { checkInvalidToken } from './checks/invalidToken.js';
import { checkDnsTcp, checkTls } from './checks/reachability.js';
import { checkRegistration } from './checks/registration.js';
import { checkResourceMetadata } from './checks/resourceMetadata.js';
import { checkHttp, checkInitialize, checkTransport } from './checks/transport.js';
import { checkUrl } from './checks/url.js';
import {
  CHECK_IDS,
  CHECK_TITLES,
  type CheckId,
  type CheckStatus,
  type DoctorCheckResult,
  type DoctorExchange,
  type DoctorOptions,
  type DoctorReport,
} from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;

/** Each check by id; they run in the order of CHECK_IDS, each seeing what the earlier ones found. */
const CHECKS: Record<CheckId, Check> = {
  url: checkUrl,
  'dns-tcp': checkDnsTcp,
  tls: checkTls,
  http: checkHttp,
  discover: checkDiscover,
  transport: checkTransport,
  initialize: checkInitialize,
  eras: checkEras,
  'mcp-method': checkMcpMethod,
  'cache-hints': checkCacheHints,
  challenge: checkChallenge,
  'resource-metadata': checkResourceMetadata,
  'authorization-server-metadata': checkAuthorizationServer,
  pkce: checkPkce,
  registration: checkRegistration,
  'token-endpoint-auth': checkTokenEndpointAuth,
  refresh: checkRefresh,
  'invalid-token': checkInvalidToken,
};

export async function diagnose(url: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const startedAt = new Date();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchFn = options.fetch ?? ((u: string | URL, init?: RequestInit) => fetch(u, init));
  const http = new DoctorHttp(fetchFn, timeoutMs, options.signal);
  const results: DoctorCheckResult[] = [];
  let found: Findings = {};
  let stopReason: string | undefined;

  for (const [i, id] of CHECK_IDS.entries()) {
    if (options.signal?.aborted) throw new DoctorCancelled();
    const skip = stopReason ?? skipReason(id, found);
    const started = performance.now();
    const exchanges: DoctorExchange[] = [];
    const ctx: CheckContext = {
      input: url,
      options,
      timeoutMs,
      found,
      send: async (target, init, opts = {}): Promise<SentResponse> => {
        try {
          const sent = await http.send(target, init, opts);
          exchanges.push(sent.exchange);
          return sent;
        } catch (error) {
          if (error instanceof DoctorRequestError) exchanges.push(error.exchange);
          throw error;
        }
      },
      mcpHeaders: (extra = {}) => ({ ...(options.headers ?? {}), ...extra }),
    };
    let verdict: Verdict;
    if (skip) {
      verdict = { status: 'skip', summary: skip };
    } else {
      try {
        const { found: learned, stop, ...rest } = await CHECKS[id](ctx);
        if (learned) found = { ...found, ...learned };
        if (stop) stopReason = stop;
        verdict = rest;
      } catch (error) {
        if (error instanceof DoctorCancelled || options.signal?.aborted) throw new DoctorCancelled();
        if (error instanceof DoctorRequestError) {
          verdict = {
            status: 'fail',
            summary: `A request failed: ${error.message}`,
            fix: 'Make sure the endpoint is reachable from the client and answers within the time limit.',
          };
        } else {
          verdict = {
            status: 'fail',
            summary: `The check could not run: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
      }
    }
    const result: DoctorCheckResult = {
      id,
      index: i + 1,
      title: CHECK_TITLES[id],
      ...verdict,
      durationMs: Math.round(performance.now() - started),
      ...(exchanges.length ? { exchanges } : {}),
    };
    results.push(result);
    try {
      options.onCheck?.(result);
    } catch {
      // An observer's failure must not stop the diagnosis.
    }
  }
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.status]++;
  const eras = erasOf(found);
  return {
    url,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(Date.now() - startedAt.getTime()),
    ...(found.init?.transport ? { transport: found.init.transport } : {}),
    authorizationRequired: found.init?.kind === 'auth-required',
    ...(eras ? { eras } : {}),
    checks: results,
    counts,
    ok: counts.fail === 0,
  };
}

/** Why a check cannot run, given what the earlier ones found. */
function skipReason(id: CheckId, found: Findings): string | undefined {
  const index = CHECK_IDS.indexOf(id);
  // Up to the era checks every check runs (or skips itself, as the era checks do).
  if (index <= CHECK_IDS.indexOf('cache-hints')) return undefined;
  if (found.init?.kind === 'initialized') {
    return 'The server does not require authorization: initialize succeeded without a token.';
  }
  if (found.discover?.kind === 'modern' && found.init?.kind !== 'auth-required') {
    return 'The server does not require authorization: server/discover succeeded without a token.';
  }
  if (found.init?.kind !== 'auth-required') {
    return 'Skipped: initialize did not succeed, so the authorization checks do not apply.';
  }
  if (id === 'challenge' || id === 'resource-metadata' || id === 'invalid-token') return undefined;
  if (found.prmUnusable) {
    return 'Skipped: no usable protected resource metadata, so the authorization server is unknown.';
  }
  if (id === 'authorization-server-metadata') return undefined;
  if (!found.asMetadata) {
    if (id === 'registration' && found.prm === undefined && found.issuer) return undefined; // 2025-03-26 default /register
    return 'Skipped: no authorization server metadata.';
  }
  return undefined;
}
