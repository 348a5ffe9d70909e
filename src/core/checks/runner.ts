/**
 * Runs a file's checks in order on one connection. The runner does not connect by itself: the
 * caller passes `connect` (the CLI's path, with its sign-in and stored credentials), so OAuth'd
 * servers work the same as in every other command. A connection that cannot be made fails every
 * check with the reason; a check's own request failing fails only that check.
 */
import { performance } from 'node:perf_hooks';
import { ConnectionError } from '../errors';
import type { Connection } from '../connection';
import { TaskRunner } from '../tasks';
import { type CheckOutcome, evaluateExpectation, shownText } from './assertions';
import type { CheckKind, CheckSpec } from './format';

export type CheckTarget = Pick<Connection, 'callTool' | 'readResource' | 'getPrompt'> & {
  /** Called once the run is over: lets go of what the target made for it (never the connection). */
  release?(): void;
};

/**
 * A connection as a check target. A tool that runs only as a task (2025-11-25: its
 * `execution.taskSupport` is "required"; 2026-07-28: the server refuses a plain call with -32021)
 * runs as one, as in the inspector, and the check judges the task's result.
 */
export function checkTargetOf(connection: Connection): CheckTarget {
  let tasks: TaskRunner | undefined;
  return {
    callTool: async (name, args, options) => {
      try {
        return await connection.callTool(name, args, options);
      } catch (e) {
        if (!(e instanceof ConnectionError) || e.code !== 'task-required') throw e;
        return (tasks ??= new TaskRunner(connection)).callToolAsTask(name, args, options);
      }
    },
    readResource: (...args) => connection.readResource(...args),
    getPrompt: (...args) => connection.getPrompt(...args),
    release: () => tasks?.dispose(),
  };
}

export interface CheckResult {
  name: string;
  kind: CheckKind;
  passed: boolean;
  durationMs: number;
  /** One line per failed assertion (or the one reason the request could not be judged). */
  failures: string[];
}

export interface RunChecksOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called as each check ends, for live output. */
  onResult?(result: CheckResult): void;
}

export async function runChecks(
  checks: CheckSpec[],
  connect: () => Promise<CheckTarget>,
  options: RunChecksOptions = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  let target: CheckTarget;
  try {
    target = await connect();
  } catch (e) {
    const reason = `could not connect: ${shownText(messageOf(e))}`;
    for (const check of checks) {
      report({ name: check.name, kind: check.kind, passed: false, durationMs: 0, failures: [reason] });
    }
    return results;
  }
  try {
    for (const check of checks) {
      if (options.signal?.aborted) break;
      report(await runOne(check, target, options));
    }
  } finally {
    target.release?.();
  }
  return results;
}

async function runOne(check: CheckSpec, target: CheckTarget, options: RunChecksOptions): Promise<CheckResult> {
  const requestOptions = { timeoutMs: options.timeoutMs, signal: options.signal };
  const started = performance.now();
  let outcome: CheckOutcome;
  try {
    if (check.kind === 'tool') {
      const { outputSchemaCheck, ...result } = await target.callTool(
        check.tool ?? '',
        check.arguments ?? {},
        requestOptions,
      );
      const durationMs = performance.now() - started;
      const isError = result.isError === true;
      outcome = {
        status: isError ? 'error' : 'ok',
        document: withoutExtras(result),
        durationMs,
        ...(isError ? { errorSummary: `isError: ${firstText(result.content)}` } : {}),
        ...(outputSchemaCheck && !outputSchemaCheck.ok ? { outputSchemaProblem: outputSchemaCheck.message } : {}),
      };
    } else if (check.kind === 'resource') {
      const result = await target.readResource(check.uri ?? '', requestOptions);
      outcome = { status: 'ok', document: withoutExtras(result), durationMs: performance.now() - started };
    } else {
      const args = (check.arguments ?? {}) as Record<string, string>;
      const result = await target.getPrompt(check.prompt ?? '', args, requestOptions);
      outcome = { status: 'ok', document: withoutExtras(result), durationMs: performance.now() - started };
    }
  } catch (e) {
    const durationMs = performance.now() - started;
    const rpc = jsonRpcErrorOf(e);
    if (!rpc) {
      // A timeout, a closed connection, a cancelled run: no answer to judge.
      return {
        name: check.name,
        kind: check.kind,
        passed: false,
        durationMs: tenths(durationMs),
        failures: [`request failed: ${shownText(messageOf(e))}`],
      };
    }
    outcome = {
      status: 'error',
      document: { error: rpc },
      durationMs,
      errorSummary: `JSON-RPC error ${rpc.code}: ${rpc.message}`,
    };
  }
  const failures = evaluateExpectation(check.expect, outcome);
  return {
    name: check.name,
    kind: check.kind,
    passed: failures.length === 0,
    durationMs: tenths(outcome.durationMs),
    failures,
  };
}

/**
 * The server's JSON-RPC error behind a failed request, if that is what it was: the core wraps it
 * in a `protocol` ConnectionError whose cause carries the numeric code.
 */
function jsonRpcErrorOf(e: unknown): { code: number; message: string; data?: unknown } | undefined {
  if (e instanceof ConnectionError && e.code !== 'protocol') return undefined;
  let current: unknown = e;
  for (let depth = 0; current && depth < 5; depth++) {
    const c = current as { code?: unknown; message?: unknown; data?: unknown; cause?: unknown };
    if (typeof c.code === 'number' && Number.isInteger(c.code)) {
      const message = typeof c.message === 'string' ? c.message.replace(/^MCP error -?\d+: /, '') : '';
      return { code: c.code, message, ...(c.data !== undefined ? { data: c.data } : {}) };
    }
    current = c.cause;
  }
  return undefined;
}

/** The result as the server sent it: MCP Lens's own additions (cache hints) are not the server's to be checked. */
function withoutExtras(result: object): unknown {
  const { cache: _cache, ...rest } = result as Record<string, unknown>;
  return rest;
}

function firstText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const text = content.find(
    (c): c is { type: 'text'; text: string } => c?.type === 'text' && typeof c.text === 'string',
  );
  return text?.text ?? '';
}

function messageOf(e: unknown): string {
  if (e instanceof ConnectionError) return e.fullMessage;
  return e instanceof Error ? e.message : String(e);
}

/** Durations to a tenth of a millisecond: finer digits are timer noise in reports. */
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}
