/**
 * The doctor's era probe for stdio servers: which protocol eras a local server speaks. Each probe runs
 * on its own fresh process (a stdio server serves one connection, and many 2025 servers exit on a
 * request before initialize): one gets `server/discover` with the 2026-07-28 `_meta` envelope, the
 * other a 2025 `initialize`. Three checks come out (discover, initialize, eras), judged by the same
 * rules as over HTTP; the transport and OAuth checks do not apply to stdio. Every process tree is ended
 * before this returns, and every wait is bounded by the time limit.
 */
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ProcessStdioTransport, type StdioServerParams } from '../stdioTransport.js';
import type { CheckResult, DiscoverOutcome, Findings, InitOutcome, Verdict } from './checks/context.js';
import {
  MODERN_VERSIONS,
  UNSUPPORTED_PROTOCOL_VERSION,
  checkEras,
  discoverResultProblems,
  erasOf,
  modernEnvelope,
  serverInfoOf,
} from './checks/eras.js';
import { clip, stringList } from './checks/util.js';
import { CHECK_TITLES, type CheckId, type CheckStatus, type DoctorCheckResult, type DoctorReport } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const CLIENT_INFO = { name: 'mcp-lens-doctor', version: '1.0.0' };
const SPEC_DISCOVER = 'MCP 2026-07-28 Lifecycle, "Version Negotiation" (server/discover)';

type Answer =
  | { kind: 'response'; message: Record<string, unknown> }
  | { kind: 'exited'; detail: string }
  | { kind: 'timeout' }
  | { kind: 'spawn-error'; detail: string };

/** Starts the server, sends one request, waits for its response (or the exit, or the time limit), ends the process tree. */
async function exchangeOnce(
  params: StdioServerParams,
  request: Record<string, unknown>,
  timeoutMs: number,
): Promise<Answer> {
  const transport = new ProcessStdioTransport(params);
  let settle: (answer: Answer) => void = () => undefined;
  const answered = new Promise<Answer>((resolve) => {
    settle = resolve;
  });
  transport.onmessage = (message: JSONRPCMessage) => {
    const m = message as Record<string, unknown>;
    if (m.id === request.id && (m.result !== undefined || m.error !== undefined)) {
      settle({ kind: 'response', message: m });
    }
  };
  transport.onclose = () => {
    const exit = transport.exit;
    settle({
      kind: 'exited',
      detail: exit ? `exit code ${exit.code ?? 'none'}${exit.signal ? `, ${exit.signal}` : ''}` : 'the process ended',
    });
  };
  transport.onerror = () => undefined; // the exit or the time limit tells the outcome
  const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
  try {
    await transport.start();
    await transport.send(request as JSONRPCMessage);
    return await answered;
  } catch (error) {
    return { kind: 'spawn-error', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    await transport.close().catch(() => undefined);
  }
}

function rpcError(message: Record<string, unknown>): { code?: number; message?: string } | undefined {
  const e = message.error;
  if (!e || typeof e !== 'object') return undefined;
  const { code, message: text } = e as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'number' ? { code } : {}),
    ...(typeof text === 'string' ? { message: text } : {}),
  };
}

function judgeDiscover(answer: Answer, timeoutMs: number): CheckResult {
  if (answer.kind === 'spawn-error') {
    return { status: 'fail', summary: `The server could not be started: ${clip(answer.detail)}` };
  }
  if (answer.kind === 'timeout') {
    return {
      found: { discover: { kind: 'broken', error: 'no answer' } },
      status: 'fail',
      summary: `The server/discover probe got no answer within ${timeoutMs} ms.`,
      fix: 'Answer server/discover at once, even if the server only speaks the 2025 revisions: a JSON-RPC error (-32601 method not found) is enough. Negotiating clients wait for it before falling back to initialize.',
      spec: SPEC_DISCOVER,
    };
  }
  if (answer.kind === 'exited') {
    return {
      found: { discover: { kind: 'legacy' } },
      status: 'pass',
      summary: `No 2026-07-28 support: the server exited on server/discover (${answer.detail}) without answering.`,
      details: [
        'SDK v2 clients probe a stdio server on a throw-away process, so this still works; a JSON-RPC error (-32601) would spare that process start.',
      ],
      spec: SPEC_DISCOVER,
    };
  }
  const error = rpcError(answer.message);
  if (error) {
    return {
      found: { discover: { kind: 'legacy' } },
      status: 'pass',
      summary: `No 2026-07-28 support: server/discover answered JSON-RPC error ${error.code ?? '(no code)'}${error.message ? ` "${clip(error.message, 120)}"` : ''}, so negotiating clients fall back to initialize.`,
      spec: SPEC_DISCOVER,
    };
  }
  const result = answer.message.result;
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    return {
      found: { discover: { kind: 'broken', error: 'result is not an object' } },
      status: 'fail',
      summary: 'server/discover answered with a result that is not an object.',
      fix: 'Answer server/discover with a DiscoverResult, or a JSON-RPC error when the server only speaks the 2025 revisions.',
      spec: SPEC_DISCOVER,
    };
  }
  const record = result as Record<string, unknown>;
  const supportedVersions = stringList(record.supportedVersions) ?? [];
  const serverInfo = serverInfoOf(record);
  const problems = discoverResultProblems(record);
  const details = [
    `supportedVersions: ${supportedVersions.map((v) => clip(v, 40)).join(', ') || '(none)'}`,
    `serverInfo: ${clip(serverInfo.name ?? '?', 80)} ${clip(serverInfo.version ?? '', 40)}`,
  ];
  if (problems.length) {
    return {
      found: { discover: { kind: 'invalid', result: record, supportedVersions, serverInfo } },
      status: 'fail',
      summary: `server/discover answered, but not with a valid DiscoverResult: ${problems.join('; ')}.`,
      details,
      fix: 'Return a DiscoverResult: `resultType: "complete"`, `supportedVersions`, `capabilities`, and serverInfo in `_meta`.',
      spec: SPEC_DISCOVER,
    };
  }
  const version = MODERN_VERSIONS.find((v) => supportedVersions.includes(v));
  const discover: DiscoverOutcome = {
    kind: 'modern',
    result: record,
    supportedVersions,
    serverInfo,
    ...(version ? { version } : {}),
  };
  return {
    found: { discover },
    status: version ? 'pass' : 'warn',
    summary: version
      ? `Speaks MCP 2026-07-28: server/discover offers ${supportedVersions.map((v) => clip(v, 40)).join(', ')} (${clip(serverInfo.name ?? 'unnamed server', 80)}).`
      : `server/discover offers ${supportedVersions.map((v) => clip(v, 40)).join(', ')}, none of which this client speaks.`,
    details,
    ...(version ? {} : { fix: `Offer ${MODERN_VERSIONS[0]} in supportedVersions.` }),
    spec: SPEC_DISCOVER,
  };
}

function judgeInitialize(answer: Answer, modern: boolean, timeoutMs: number): CheckResult {
  const spec = 'MCP 2025-06-18 Lifecycle §Initialization; MCP 2026-07-28 "Version Negotiation" (2025 clients)';
  if (answer.kind === 'response' && answer.message.result && typeof answer.message.result === 'object') {
    const result = answer.message.result as Record<string, unknown>;
    const init: InitOutcome = { kind: 'initialized', result };
    const info = serverInfoOf(result);
    return {
      found: { init },
      status: 'pass',
      summary: `Initialized: ${clip(info.name ?? 'server', 80)}, protocol ${clip(String(result.protocolVersion ?? '?'), 40)}.`,
    };
  }
  const error = answer.kind === 'response' ? rpcError(answer.message) : undefined;
  const what =
    answer.kind === 'timeout'
      ? `no answer within ${timeoutMs} ms`
      : answer.kind === 'exited'
        ? `the server exited (${answer.detail})`
        : answer.kind === 'spawn-error'
          ? `the server could not be started: ${clip(answer.detail)}`
          : error
            ? `JSON-RPC error ${error.code ?? '(no code)'}${error.message ? ` "${clip(error.message, 120)}"` : ''}`
            : 'a response with neither result nor error';
  const init: InitOutcome = {
    kind: modern ? 'refused' : 'error',
    error: what,
    ...(error?.code !== undefined ? { refusal: { rpcCode: error.code } } : {}),
  };
  if (modern && error?.code === UNSUPPORTED_PROTOCOL_VERSION) {
    return {
      found: { init },
      status: 'pass',
      summary: `2026-07-28 only: initialize is refused with JSON-RPC error ${UNSUPPORTED_PROTOCOL_VERSION} (unsupported protocol version), as 2025 clients expect.`,
      spec,
    };
  }
  const fix = modern
    ? `Either serve 2025 clients too (the SDK: \`serveStdio(factory, { legacy: "serve" })\`), or answer initialize with JSON-RPC error ${UNSUPPORTED_PROTOCOL_VERSION} (unsupported protocol version, \`data.supported\` listing the versions served).`
    : 'Answer initialize with an InitializeResult (protocolVersion, capabilities, serverInfo).';
  return {
    found: { init },
    status: modern && error ? 'warn' : 'fail',
    summary: modern
      ? `The server speaks 2026-07-28, but its answer to a 2025 initialize is ${error ? `${what}, not ${UNSUPPORTED_PROTOCOL_VERSION}` : `broken: ${what}`}.`
      : `initialize failed: ${what}.`,
    fix,
    spec,
  };
}

/** The era probe of a stdio server: checks discover, initialize and eras, as a doctor report. */
export async function diagnoseStdio(
  params: StdioServerParams,
  options: { timeoutMs?: number; onCheck?: (result: DoctorCheckResult) => void } = {},
): Promise<DoctorReport> {
  const startedAt = new Date();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let found: Findings = {};
  const checks: DoctorCheckResult[] = [];
  const record = (id: CheckId, run: () => Promise<CheckResult>) => async (): Promise<void> => {
    const started = performance.now();
    const { found: learned, stop: _stop, ...verdict } = await run();
    if (learned) found = { ...found, ...learned };
    const result: DoctorCheckResult = {
      id,
      index: checks.length + 1,
      title: CHECK_TITLES[id],
      ...(verdict as Verdict),
      durationMs: Math.round(performance.now() - started),
    };
    checks.push(result);
    try {
      options.onCheck?.(result);
    } catch {
      // An observer's failure must not stop the diagnosis.
    }
  };
  await record('discover', async () =>
    judgeDiscover(
      await exchangeOnce(
        params,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'server/discover',
          params: { _meta: modernEnvelope(MODERN_VERSIONS[0]) },
        },
        timeoutMs,
      ),
      timeoutMs,
    ),
  )();
  await record('initialize', async () =>
    judgeInitialize(
      await exchangeOnce(
        params,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
        },
        timeoutMs,
      ),
      found.discover?.kind === 'modern',
      timeoutMs,
    ),
  )();
  const snapshot = found;
  await record('eras', () =>
    checkEras({
      input: '',
      options: {},
      timeoutMs,
      found: snapshot,
      send: () => Promise.reject(new Error('no HTTP for a stdio server')),
      mcpHeaders: () => ({}),
    }),
  )();
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  const eras = erasOf(found);
  return {
    url: [params.command, ...params.args].join(' '),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    authorizationRequired: false,
    ...(eras ? { eras } : {}),
    checks,
    counts,
    ok: counts.fail === 0,
  };
}
