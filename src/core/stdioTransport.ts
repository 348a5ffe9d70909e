/**
 * A stdio transport that owns the server's whole process tree.
 *
 * The SDK's `StdioClientTransport` kills only the direct child, reports no exit code and
 * drops stderr unless asked. Servers are often started through `npx` or a shell, so the real
 * server is a grandchild: killing the child alone leaves an orphan. Here the child leads its
 * own process group (POSIX) and the whole group is signalled; on Windows `taskkill /T` ends
 * the tree. A crash is reported with its exit code and the last lines of stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ConnectionError } from './errors';

export interface StdioServerParams {
  command: string;
  args: string[];
  /** Merged over the parent's environment. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STDERR_TAIL_LINES = 20;
const KILL_GRACE_MS = 2000;
/** The longest line (one JSON-RPC message) we buffer before giving up on it. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Non-JSON stdout lines reported one by one to the log; after that, only counted. */
const REPORTED_STDOUT_LINES = 10;
const STDOUT_QUOTE_CHARS = 160;
/** MCP spec, Transports, stdio: the server MUST NOT write anything to stdout that is not a valid MCP message. */
const NON_JSON_HINT = 'Make the server log to stderr (in Node, console.error rather than console.log), then reconnect.';

export class ProcessStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /**
   * The line the message being handed to `onmessage` was parsed from, while it is (else undefined):
   * the trace keeps that text instead of serializing the message again.
   */
  receivedJson?: string;

  private child?: ChildProcess;
  /** stdout received after the last line break. */
  private stdoutPartial?: Buffer;
  /** The first stdout line that was not a JSON-RPC message, and how many there were. */
  private firstNonJsonLine?: string;
  private nonJsonLines = 0;
  private readonly stderrTail: string[] = [];
  private stderrPartial = '';
  private closing = false;
  private exited?: Promise<ProcessExit>;
  /** Set once the process has exited. */
  exit?: ProcessExit;

  constructor(
    private readonly params: StdioServerParams,
    private readonly onStderrLine: (line: string) => void = () => {},
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * The server's stderr stream (read by this transport). Also what the SDK looks for, with `pid`,
   * to know a stdio transport (a silent stdio server is a 2025 server, not an outage).
   */
  get stderr(): NodeJS.ReadableStream | null {
    return this.child?.stderr ?? null;
  }

  /** The last lines the server wrote to stderr, oldest first. */
  get recentStderr(): string[] {
    return this.stderrPartial ? [...this.stderrTail, this.stderrPartial] : [...this.stderrTail];
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ProcessStdioTransport already started');
    const { command, args, env, cwd } = this.params;
    return new Promise<void>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(command, args, {
          env: { ...process.env, ...env },
          cwd: cwd || undefined,
          stdio: ['pipe', 'pipe', 'pipe'],
          // Own process group, so that close() can end grandchildren too.
          detached: process.platform !== 'win32',
          windowsHide: true,
          // Windows needs a shell to run `npx.cmd` and friends.
          shell: process.platform === 'win32',
        });
      } catch (e) {
        reject(this.spawnError(e as NodeJS.ErrnoException));
        return;
      }
      this.child = child;
      let started = false;
      this.exited = new Promise<ProcessExit>((resolveExit) => {
        child.once('exit', (code, signal) => {
          this.exit = { code, signal };
          resolveExit(this.exit);
        });
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (started) {
          this.onerror?.(error);
          return;
        }
        // Never spawned: there will be no 'exit', and nothing to kill.
        this.child = undefined;
        reject(this.spawnError(error));
      });
      child.once('spawn', () => {
        started = true;
        resolve();
      });
      child.once('close', () => {
        // 'close' comes after 'exit' and after stdio has drained: every message is delivered.
        if (!this.closing && started) this.onerror?.(this.crashError());
        this.child = undefined;
        if (started) this.onclose?.();
      });
      child.stdout?.on('data', (chunk: Buffer) => this.readStdout(chunk));
      child.stderr?.on('data', (chunk: Buffer) => this.readStderr(chunk));
      child.stdin?.on('error', (error) => {
        // EPIPE after the process died is reported through 'close' with the exit code.
        if (!this.closing && (error as NodeJS.ErrnoException).code !== 'EPIPE') this.onerror?.(error);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.sendSerialized(JSON.stringify(message));
  }

  /**
   * Sends a message already serialized as JSON (`JSON.stringify` of it, no line break): the trace
   * serializes every message anyway, and this saves doing it twice.
   */
  sendSerialized(json: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || stdin.destroyed) {
        reject(
          this.exit ? this.crashError() : new ConnectionError('process-exited', 'The server process is not running.'),
        );
        return;
      }
      if (stdin.write(`${json}\n`)) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the whole process tree: SIGTERM to the group, SIGKILL after a grace period. */
  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || this.exit) {
      this.stdoutPartial = undefined;
      return;
    }
    child.stdin?.end();
    this.signalTree(child, 'SIGTERM');
    const exited = this.exited!;
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), KILL_GRACE_MS).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      this.signalTree(child, 'SIGKILL');
      await exited;
    } else {
      // The leader is gone; make sure no member of its group outlives it.
      this.signalTree(child, 'SIGKILL');
    }
    this.stdoutPartial = undefined;
  }

  private signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
      if (process.platform === 'win32') {
        spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
      } else {
        process.kill(-child.pid, signal);
      }
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  /** Splits stdout into lines (the stdio transport's framing: one JSON-RPC message per line). */
  private readStdout(chunk: Buffer): void {
    const size = (this.stdoutPartial?.length ?? 0) + chunk.length;
    if (size > MAX_LINE_BYTES) {
      this.stdoutPartial = undefined;
      this.onerror?.(
        new ConnectionError(
          'protocol',
          `The server sent more than ${MAX_LINE_BYTES} bytes without a line break.`,
          'A stdio server must end every message with a line break.',
        ),
      );
      return;
    }
    let buffer = this.stdoutPartial ? Buffer.concat([this.stdoutPartial, chunk]) : chunk;
    for (let index = buffer.indexOf(0x0a); index !== -1; index = buffer.indexOf(0x0a)) {
      // A CRLF line ending loses its CR too.
      const end = index > 0 && buffer[index - 1] === 0x0d ? index - 1 : index;
      const line = buffer.toString('utf8', 0, end);
      buffer = buffer.subarray(index + 1);
      // A blank line carries nothing and harms nothing: skip it.
      if (!line.trim()) continue;
      let message: JSONRPCMessage;
      try {
        message = parseJsonRpcLine(line);
      } catch (e) {
        this.nonJsonLine(line, e);
        continue;
      }
      this.receivedJson = line;
      try {
        this.onmessage?.(message);
      } finally {
        this.receivedJson = undefined;
      }
    }
    this.stdoutPartial = buffer.length ? buffer : undefined;
  }

  /** A line that is no JSON-RPC message: remember the first, report the first few (the SDK's client would drop them with a parse error). */
  private nonJsonLine(line: string, e: unknown): void {
    this.firstNonJsonLine ??= line;
    this.nonJsonLines++;
    if (this.nonJsonLines > REPORTED_STDOUT_LINES) return;
    const what = e instanceof SyntaxError ? 'non-JSON' : 'JSON that is not a JSON-RPC message';
    const more = this.nonJsonLines === REPORTED_STDOUT_LINES ? ' Further such lines are counted, not logged.' : '';
    this.onerror?.(
      new ConnectionError('protocol', `The server wrote ${what} to stdout: ${quoteLine(line)}.${more}`, NON_JSON_HINT),
    );
  }

  /**
   * What the server wrote to stdout that is not MCP, in words: the first such line, quoted and
   * truncated. A pending unterminated line counts when it cannot be the start of a message.
   */
  get stdoutProblem(): string | undefined {
    const pending = this.stdoutPartial?.toString('utf8').trim();
    const line = this.firstNonJsonLine ?? (pending && !/^[{[]/.test(pending) ? pending : undefined);
    if (line === undefined) return undefined;
    const count = this.nonJsonLines > 1 ? ` (${this.nonJsonLines} such lines)` : '';
    return `The server wrote non-JSON to stdout (stdout is reserved for MCP messages; log to stderr instead); the first line was ${quoteLine(line)}${count}.`;
  }

  /** `error`, preceded by the stdout problem if there is one: it is the likely cause. */
  explain(error: ConnectionError): ConnectionError {
    const problem = this.stdoutProblem;
    if (!problem || error.message.startsWith(problem)) return error;
    // A timeout's "may be hung or slow" would mislead: the lost message is the likely cause.
    const hint = error.hint && error.code !== 'timeout' ? `${NON_JSON_HINT} ${error.hint}` : NON_JSON_HINT;
    return new ConnectionError('protocol', `${problem} ${error.message}`, hint, { cause: error });
  }

  private readStderr(chunk: Buffer): void {
    const text = this.stderrPartial + chunk.toString('utf8');
    const lines = text.split(/\r?\n/);
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      this.onStderrLine(line);
    }
  }

  /** Why the process ended, with its exit code or signal and the last lines of stderr. */
  crashError(): ConnectionError {
    const exit = this.exit;
    const how = exit?.signal ? `was killed by ${exit.signal}` : `exited with code ${exit?.code ?? 'unknown'}`;
    const tail = this.recentStderr.filter((l) => l.trim()).slice(-5);
    const stderr = tail.length ? ` Last stderr lines:\n${tail.join('\n')}` : ' It wrote nothing to stderr.';
    const problem = this.stdoutProblem;
    const crash = new ConnectionError(
      'process-exited',
      `The server process ${how}.${stderr}`,
      'Check the command and the server log, then reconnect.',
    );
    return problem
      ? new ConnectionError('process-exited', `${problem} ${crash.message}`, `${NON_JSON_HINT} ${crash.hint}`)
      : crash;
  }

  private spawnError(error: NodeJS.ErrnoException): ConnectionError {
    const command = this.params.command;
    if (error.code === 'ENOENT') {
      const where = this.params.cwd && error.path !== command ? ` (working directory: ${this.params.cwd})` : '';
      return new ConnectionError(
        'spawn-failed',
        `Could not start "${command}": command not found${where}.`,
        'Check the spelling, give the full path, or make sure it is on the PATH of VS Code.',
        { cause: error },
      );
    }
    if (error.code === 'EACCES') {
      return new ConnectionError(
        'spawn-failed',
        `Could not start "${command}": permission denied.`,
        'Make the file executable, or run it through its interpreter.',
        { cause: error },
      );
    }
    return new ConnectionError('spawn-failed', `Could not start "${command}": ${error.message}`, undefined, {
      cause: error,
    });
  }
}

/** A line of server output as a quoted, truncated, single-line string (JSON escapes make control characters visible). */
function quoteLine(line: string): string {
  return JSON.stringify(line.length > STDOUT_QUOTE_CHARS ? `${line.slice(0, STDOUT_QUOTE_CHARS)}…` : line);
}

/**
 * One stdout line as a JSON-RPC message: `JSON.parse` (a SyntaxError for non-JSON), then the shape
 * of a JSON-RPC 2.0 request, notification, result or error, with no member besides its own (as the
 * SDK's strict schemas have it). The SDK's client validates each message again against its own
 * schemas, so a full schema parse here only doubled the work on every message.
 */
export function parseJsonRpcLine(line: string): JSONRPCMessage {
  const value: unknown = JSON.parse(line);
  const problem = jsonRpcShapeProblem(value);
  if (problem) throw new Error(`not a JSON-RPC message: ${problem}`);
  return value as JSONRPCMessage;
}

function jsonRpcShapeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'not an object';
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return 'jsonrpc is not "2.0"';
  let allowed: readonly string[];
  if ('method' in m) {
    if (typeof m.method !== 'string') return 'method is not a string';
    if (m.params !== undefined && !isPlainObject(m.params)) return 'params is not an object';
    if (m.params !== undefined && !metaIsValid(m.params)) return 'params._meta is not an object';
    if ('id' in m) {
      if (!isRequestId(m.id)) return 'id is not a string or an integer';
      allowed = REQUEST_KEYS;
    } else {
      allowed = NOTIFICATION_KEYS;
    }
  } else if ('result' in m) {
    if (!isRequestId(m.id)) return 'id is not a string or an integer';
    if (!isPlainObject(m.result)) return 'result is not an object';
    if (!metaIsValid(m.result)) return 'result._meta is not an object';
    allowed = RESULT_KEYS;
  } else if ('error' in m) {
    if (m.id !== undefined && !isRequestId(m.id)) return 'id is not a string or an integer';
    const error = m.error;
    if (!isPlainObject(error)) return 'error is not an object';
    const e = error as Record<string, unknown>;
    if (!Number.isInteger(e.code) || typeof e.message !== 'string') {
      return 'error has no integer code and string message';
    }
    allowed = ERROR_KEYS;
  } else {
    return 'neither method, result nor error';
  }
  for (const key in m) if (!allowed.includes(key)) return `unexpected member "${key}"`;
  return undefined;
}

const REQUEST_KEYS = ['jsonrpc', 'id', 'method', 'params'];
const NOTIFICATION_KEYS = ['jsonrpc', 'method', 'params'];
const RESULT_KEYS = ['jsonrpc', 'id', 'result'];
const ERROR_KEYS = ['jsonrpc', 'id', 'error'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): boolean {
  return typeof value === 'string' || Number.isInteger(value);
}

/** `_meta`, where present, is an object whose `progressToken`, if any, is a string or an integer. */
function metaIsValid(holder: Record<string, unknown>): boolean {
  const meta = holder._meta;
  if (meta === undefined) return true;
  if (!isPlainObject(meta)) return false;
  return meta.progressToken === undefined || isRequestId(meta.progressToken);
}
