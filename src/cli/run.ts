/**
 * Runs one `mcp-lens` command on the core's ConnectionManager and returns the exit code.
 * The connection (and a stdio server's whole process tree) is always shut down before returning.
 */
import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { OutputSchemaCheck } from '../core/outputSchema';
import { EXIT, parseArgs, type RunRequest, UsageError, usageText } from './args';
import type { CliIo } from './output';
import {
  formatOutputSchemaCheck,
  formatPromptResult,
  formatPrompts,
  formatReadResult,
  formatResources,
  formatServerLine,
  formatToolResult,
  formatTools,
  safeText,
  type ServerDescription,
  formatResultMeta,
  formatCompletion,
  formatCompletionNote,
  formatServerLog,
  formatTaskStatus,
} from './format';
import { untilAborted } from '../core/abort';
import { ConnectionManager } from '../core/manager';
import type { Connection, ResultExtras } from '../core/connection';
import { AuthRequiredError, ConnectionError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { TraceEntry } from '../core/trace';
import { version as packageVersion } from '../../package.json';
import { type CliAuth, findOAuthFlowError, GrantConfigError, openInBrowser } from './auth';
import { AnswerSetupError, CliAnswers, loadAnswerSources } from './answers';
import { TaskRunner } from '../core/tasks';
import { runDoctor } from './doctor';

export const CLI_VERSION: string = packageVersion;
const DEFAULT_TIMEOUT_MS = 60_000;
/** After a cancel over HTTP, the notifications/cancelled POST needs a moment before the transport closes and aborts it. */
const CANCEL_GRACE_MS = 250;

export class Interrupted extends Error {
  constructor() {
    super('Interrupted.');
    this.name = 'Interrupted';
  }
}

/** The whole CLI, minus process wiring: argv in, exit code out. */
export async function run(
  argv: string[],
  io: CliIo,
  interrupt: AbortSignal,
  makeAuth?: (io: CliIo, logger?: Logger) => CliAuth,
): Promise<number> {
  // `doctor` takes no connection and has options of its own (src/cli/doctor.ts).
  if (argv[0] === 'doctor') return runDoctor(argv.slice(1), io, interrupt);
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`mcp-lens: ${e.message}\n${e.hint}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (parsed.kind === 'help') {
    io.stdout(usageText());
    return EXIT.ok;
  }
  if (parsed.kind === 'version') {
    io.stdout(`mcp-lens ${CLI_VERSION}\n`);
    return EXIT.ok;
  }
  const logger = parsed.options.verbose ? stderrLogger(io) : undefined;
  const auth = makeAuth?.(io, logger);
  try {
    return await runCommand(parsed, io, interrupt, auth, logger);
  } catch (e) {
    // A sign-in without a browser that lacks its secret, key or ID token: like a usage error.
    if (e instanceof GrantConfigError) {
      io.stderr(`mcp-lens: ${e.message}\nRun \`mcp-lens --help\` for usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

async function runCommand(
  request: RunRequest,
  io: CliIo,
  interrupt: AbortSignal,
  auth: CliAuth | undefined,
  logger: Logger | undefined,
): Promise<number> {
  const { options } = request;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let answers: CliAnswers;
  try {
    answers = new CliAnswers({
      sources: loadAnswerSources(options.answers),
      ask: io.interactive && !options.nonInteractive ? io.ask : undefined,
      log: (line) => io.stderr(`mcp-lens: ${line}\n`),
      openUrl: async (url) => void (await openInBrowser(url, io.env)),
    });
  } catch (e) {
    if (e instanceof AnswerSetupError) {
      io.stderr(`mcp-lens: ${e.message}\nRun \`mcp-lens --help\` for usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }
  const manager = new ConnectionManager({
    logger,
    requestTimeoutMs: timeoutMs,
    clientInfo: { name: 'mcp-lens-cli', version: CLI_VERSION },
    serverRequests: answers,
    ...(auth ? auth.connectionOptions(request, interrupt) : {}),
  });
  let connection: Connection | undefined;
  try {
    connection = manager.add(request.config);
    if (options.verbose) {
      connection.trace.onDidAdd((entry) => io.stderr(formatTraceLine(entry)));
      connection.onStderr((line) => io.stderr(`[server stderr] ${safeText(line)}\n`));
    }
    const conn = connection;
    if (options.logLevel) conn.onServerLog((entry) => io.stderr(formatServerLog(entry)));
    await untilInterrupted(conn.connect(), interrupt);
    if (options.verbose) io.stderr(formatServerLine(describeServer(conn)));
    if (options.logLevel) await untilInterrupted(conn.setLoggingLevel(options.logLevel), interrupt);
    const code = await execute(request, conn, io, interrupt, timeoutMs, answers);
    return answers.unanswered.length ? reportUnanswered(io, answers) : code;
  } catch (e) {
    if (interrupt.aborted || e instanceof Interrupted) return reportInterrupted(io);
    // The command failed because a request of the server went unanswered: that is the cause to report.
    if (answers.unanswered.length) return reportUnanswered(io, answers);
    const flowError = findOAuthFlowError(e);
    if (flowError) {
      // The sign-in ran and did not succeed: still "authorization required" for scripts (exit 3).
      io.stderr(`mcp-lens: Sign-in failed: ${safeText(flowError.message)}\n`);
      if (flowError.code === 'timeout') {
        io.stderr(
          'hint: The sign-in was not finished in time. Raise its limit with --sign-in-timeout <seconds> (default 300).\n',
        );
      }
      return EXIT.authRequired;
    }
    if (isAuthRequired(e, connection)) {
      const message = e instanceof AuthRequiredError || e instanceof ConnectionError ? e.message : errorMessage(e);
      io.stderr(`mcp-lens: Authorization required: ${safeText(message)}\n`);
      io.stderr(`hint: ${auth ? auth.authRequiredHint(request) : 'This server needs a sign-in.'}\n`);
      return EXIT.authRequired;
    }
    return reportError(io, e);
  } finally {
    await manager.disposeAsync();
  }
}

async function execute(
  request: RunRequest,
  conn: Connection,
  io: CliIo,
  interrupt: AbortSignal,
  timeoutMs: number,
  answers: CliAnswers,
): Promise<number> {
  const json = request.options.json;
  const print = (value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  // The listings describe the server too (last in the human output, so the list stays first for readers and greps).
  const server = describeServer(conn);
  const serverLine = `\n${formatServerLine(server)}`;
  switch (request.command) {
    // connect() has already listed everything, following pagination cursors.
    case 'tools': {
      if (json) print({ ...server, tools: conn.tools });
      else io.stdout(formatTools(conn.tools) + serverLine);
      return EXIT.ok;
    }
    case 'resources': {
      if (json) print({ ...server, resources: conn.resources, resourceTemplates: conn.resourceTemplates });
      else io.stdout(formatResources(conn.resources, conn.resourceTemplates) + serverLine);
      return EXIT.ok;
    }
    case 'prompts': {
      if (json) print({ ...server, prompts: conn.prompts });
      else io.stdout(formatPrompts(conn.prompts) + serverLine);
      return EXIT.ok;
    }
    case 'read': {
      const result = await untilInterrupted(conn.readResource(request.uri ?? '', { timeoutMs }), interrupt);
      if (json) print(result);
      else showResult(io, formatReadResult(result), result);
      return EXIT.ok;
    }
    case 'prompt': {
      const result = await untilInterrupted(
        conn.getPrompt(request.name ?? '', (request.args ?? {}) as Record<string, string>, { timeoutMs }),
        interrupt,
      );
      if (json) print(result);
      else showResult(io, formatPromptResult(result), result);
      return EXIT.ok;
    }
    case 'complete': {
      const { ref, argument, context } = request.completion!;
      const completion = await untilInterrupted(
        conn.complete(ref, argument, context, { timeoutMs, signal: interrupt }),
        interrupt,
      );
      if (json) print(completion);
      else {
        io.stdout(formatCompletion(completion));
        const note = formatCompletionNote(completion);
        if (note) io.stderr(note);
      }
      return EXIT.ok;
    }
    case 'call': {
      const name = request.name ?? '';
      const progress = json
        ? undefined
        : (p: { progress: number; total?: number; message?: string }) =>
            io.stderr(
              `progress ${p.progress}${p.total !== undefined ? `/${p.total}` : ''}${p.message ? ` ${safeText(p.message)}` : ''}\n`,
            );
      const afterInterrupt = async (e: unknown): Promise<never> => {
        if (interrupt.aborted && conn.activeTransport !== 'stdio') await delay(CANCEL_GRACE_MS);
        throw e;
      };
      let result;
      if (request.task) {
        // Aborting the signal (Ctrl+C) cancels the task (tasks/cancel) before the command ends.
        const runner = new TaskRunner(conn, { serverRequests: answers });
        let last = '';
        try {
          result = await runner
            .callToolAsTask(name, request.args ?? {}, {
              signal: interrupt,
              timeoutMs,
              onProgress: progress,
              onStatus: (task) => {
                const line = formatTaskStatus(task);
                if (line !== last) io.stderr(line);
                last = line;
              },
            })
            .catch(afterInterrupt);
        } finally {
          runner.dispose();
        }
      } else {
        try {
          // The interrupt signal goes to the SDK, which sends notifications/cancelled for the request (spec: cancellation).
          result = await conn
            .callTool(name, request.args ?? {}, { signal: interrupt, timeoutMs, onProgress: progress })
            .catch(afterInterrupt);
        } catch (e) {
          if (e instanceof ConnectionError && e.code === 'task-required') {
            io.stderr(`mcp-lens: ${safeText(e.message)}\nhint: Add --task to run it as a task.\n`);
            return EXIT.usage;
          }
          throw e;
        }
      }
      // A refused server request explains the tool's error better than the tool does (reported when the command ends).
      if (result.isError && answers.unanswered.length) {
        if (json) print(result);
        return EXIT.unanswered;
      }
      return showCallResult(io, name, result, json);
    }
  }
}

/** A tool's result, `call` or `call --task`: the content (or JSON), and the exit code it deserves. */
function showCallResult(
  io: CliIo,
  name: string,
  result: CallToolResult & ResultExtras & { outputSchemaCheck?: OutputSchemaCheck },
  json: boolean,
): number {
  if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  if (result.isError) {
    // The tool ran and reported a failure (spec: tool execution errors are results with isError).
    const text = formatToolResult(result).trimEnd();
    io.stderr(`mcp-lens: the tool "${safeText(name)}" reported an error: ${text}\n`);
    return EXIT.failure;
  }
  if (!json) showResult(io, formatToolResult(result), result);
  if (result.outputSchemaCheck && !result.outputSchemaCheck.ok) {
    // The result is shown above; a result that breaks the tool's own outputSchema is still a failure (MCP tools, "Output Schema").
    io.stderr(formatOutputSchemaCheck(name, result.outputSchemaCheck));
    return EXIT.failure;
  }
  return EXIT.ok;
}

/**
 * A result as people read it: the content on stdout, so it pipes as it is, and the resultType and
 * cache hint line (2026-07-28 era, when there is one) on stderr beside it.
 */
function showResult(io: CliIo, text: string, extras: ResultExtras): void {
  io.stdout(text);
  const meta = formatResultMeta(extras);
  if (meta) io.stderr(meta);
}

/** The server and the negotiated era, as the CLI prints them (keys absent when unknown). */
function describeServer(conn: Connection): ServerDescription {
  const info = conn.serverInfo;
  return {
    ...(info ? { server: { name: info.name, version: info.version } } : {}),
    ...(conn.era ? { era: conn.era } : {}),
    ...(conn.protocolVersion ? { protocolVersion: conn.protocolVersion } : {}),
    ...(conn.negotiation ? { negotiation: conn.negotiation } : {}),
  };
}

function isAuthRequired(e: unknown, connection: Connection | undefined): boolean {
  if (e instanceof AuthRequiredError) return true;
  if (e instanceof ConnectionError && e.code === 'auth-required') return true;
  return connection?.status.state === 'auth-required';
}

/** Rejects with Interrupted as soon as the signal fires, so Ctrl+C never waits on a slow connect or list. */
function untilInterrupted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return untilAborted(promise, signal, () => new Interrupted());
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A server request nothing could answer: what it was, the flag that would answer it, and exit code 4. */
function reportUnanswered(io: CliIo, answers: CliAnswers): number {
  const seen = new Set<string>();
  for (const { reason, hint } of answers.unanswered) {
    const text = `mcp-lens: ${reason}\nhint: ${hint}\n`;
    if (seen.has(text)) continue;
    seen.add(text);
    io.stderr(text);
  }
  return EXIT.unanswered;
}

function reportInterrupted(io: CliIo): number {
  io.stderr('mcp-lens: interrupted.\n');
  return EXIT.interrupted;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One clear line on stderr, a hint on the next, and the exit code that matches the failure. */
export function reportError(io: CliIo, e: unknown): number {
  const line = (message: string, hint?: string) =>
    io.stderr(`mcp-lens: ${safeText(message)}\n${hint ? `hint: ${safeText(hint)}\n` : ''}`);
  if (e instanceof AuthRequiredError || (e instanceof ConnectionError && e.code === 'auth-required')) {
    const hint =
      e instanceof ConnectionError && e.hint
        ? e.hint
        : 'Run the command in a terminal (without --non-interactive) to sign in.';
    line(`Authorization required: ${e.message}`, hint);
    return EXIT.authRequired;
  }
  if (e instanceof ConnectionError) {
    // The core's timeout hint speaks of the extension's setting; the CLI's knob is --timeout.
    line(e.message, cliHint(e));
    return EXIT.failure;
  }
  if (e instanceof McpError) {
    // The SDK prefixes "MCP error <code>: "; keep the server's own words.
    const message = e.message.replace(/^MCP error -?\d+: /, '');
    let hint: string | undefined;
    if (e.code === ErrorCode.MethodNotFound) hint = 'The server does not support this request.';
    else if (e.code === ErrorCode.InvalidParams) {
      hint =
        'Check the name and the arguments: `mcp-lens tools|prompts|resources <target>` lists what the server offers.';
    } else if (e.code === ErrorCode.RequestTimeout) hint = 'Raise the limit with --timeout <seconds>.';
    line(`The server answered with error ${e.code}: ${message}`, hint);
    return EXIT.failure;
  }
  line(errorMessage(e));
  return EXIT.failure;
}

/** The core's hints speak of VS Code settings and PATH; the CLI has its own knobs. */
function cliHint(e: ConnectionError): string | undefined {
  if (e.code === 'timeout') return 'The server may be hung or slow. Raise the limit with --timeout <seconds>.';
  return e.hint?.replace(/ of VS Code\b/, '').replace(/the request timeout setting/, '--timeout');
}

function formatTraceLine(entry: TraceEntry): string {
  const arrow = entry.direction === 'out' ? '→' : '←';
  const what = [
    entry.kind,
    entry.method,
    entry.id !== undefined ? `#${entry.id}` : undefined,
    entry.durationMs !== undefined ? `${entry.durationMs} ms` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  // The trace stores messages already redacted (src/core/trace.ts), so this never prints a secret.
  return `${arrow} ${what} ${JSON.stringify(entry.message)}\n`;
}

function stderrLogger(io: CliIo): Logger {
  const write = (level: string) => (message: string) => io.stderr(`[${level}] ${safeText(message)}\n`);
  return {
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

export { parseArgs };
