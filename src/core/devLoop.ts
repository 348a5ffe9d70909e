/**
 * The dev loop for stdio servers, without VS Code: how to start a server so a debugger can attach,
 * how to read where its debugger listens, and when to restart it after its sources change.
 * The extension's adapters (src/extension/devLoop) watch files and start debug sessions.
 */
import * as path from 'node:path';
import type { StdioServerParams } from './stdioTransport';

export type DebugRuntime = 'node' | 'python';

/** Node's inspector on a port the OS picks, loopback only: every Node process announces its own port. */
const NODE_INSPECT_FLAG = '--inspect=127.0.0.1:0';

/** Commands that end up running Node (directly, or through a launcher that starts Node). */
const NODE_LAUNCHERS = new Set(['node', 'npx', 'npm', 'pnpm', 'yarn', 'tsx', 'ts-node']);

function commandBase(command: string): string {
  return path
    .basename(command.replace(/\\/g, '/'))
    .toLowerCase()
    .replace(/\.(exe|cmd|bat)$/, '');
}

function isPython(base: string): boolean {
  return /^python(\d+(\.\d+)*)?$/.test(base);
}

/** The runtime a stdio command runs, when the command says it; undefined when it cannot be told. */
export function detectRuntime(command: string): DebugRuntime | undefined {
  const base = commandBase(command);
  if (NODE_LAUNCHERS.has(base)) return 'node';
  if (isPython(base)) return 'python';
  return undefined;
}

export class DebugLaunchError extends Error {}

/**
 * The launch that lets a debugger attach. Node: `node` itself gets `--inspect` first in its
 * arguments; a launcher (npx, tsx…) gets it through NODE_OPTIONS, so each Node process of the tree
 * opens its own inspector and announces it on stderr (attach to each). Python: `python -m debugpy
 * --listen` on the given port, the script's arguments after it.
 */
export function debuggableLaunch(params: StdioServerParams, runtime: DebugRuntime, port?: number): StdioServerParams {
  const base = commandBase(params.command);
  if (runtime === 'node') {
    if (base === 'node') return { ...params, args: [NODE_INSPECT_FLAG, ...params.args] };
    const inherited = params.env?.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
    return { ...params, env: { ...params.env, NODE_OPTIONS: `${inherited} ${NODE_INSPECT_FLAG}`.trim() } };
  }
  if (!isPython(base)) {
    throw new DebugLaunchError(
      `To debug a Python server, its command must be the Python interpreter itself (python or python3), not "${params.command}". ` +
        'Change the command to run the server with python (for example `python -m my_server` or `python server.py`) and try again.',
    );
  }
  if (!port) throw new DebugLaunchError('debugpy needs a port to listen on.');
  // Python 3.11+ freezes its standard modules, and debugpy then warns on stderr that it may miss
  // breakpoints; older interpreters ignore an -X option they do not know.
  return {
    ...params,
    args: ['-Xfrozen_modules=off', '-m', 'debugpy', '--listen', `127.0.0.1:${port}`, ...params.args],
  };
}

/**
 * The port in Node's "Debugger listening on ws://127.0.0.1:9229/<uuid>" stderr line; undefined for
 * any other line, and for an inspector that is not on loopback (we attach to nothing else).
 */
export function inspectorPort(stderrLine: string): number | undefined {
  const match = /^Debugger listening on ws:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})\//.exec(stderrLine.trim());
  if (!match) return undefined;
  const port = Number(match[1]);
  return port > 0 && port < 65536 ? port : undefined;
}

/** Default watch globs for a server's sources, relative to its working directory. */
export const DEFAULT_WATCH_GLOBS = ['**/*.{js,mjs,cjs,ts,mts,cts,py}'];

/** Directories whose changes never restart a server (dependencies, caches, build metadata). */
export const WATCH_EXCLUDED_DIRS = [
  'node_modules',
  '.git',
  '__pycache__',
  '.venv',
  'venv',
  '.mypy_cache',
  '.pytest_cache',
];

/** True when a changed path (relative to the watched base, `/`-separated) lies in an excluded directory. */
export function isExcludedFromWatch(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).some((part) => WATCH_EXCLUDED_DIRS.includes(part));
}

/** Checks watch globs as written in a config: non-empty strings, relative, at most 20. */
export function validateWatchGlobs(globs: unknown): string | undefined {
  if (!Array.isArray(globs)) return 'watch must be a list of glob patterns, for example ["src/**/*.ts"].';
  if (globs.length > 20) return 'watch takes at most 20 glob patterns.';
  for (const glob of globs) {
    if (typeof glob !== 'string' || !glob.trim()) return 'Each watch pattern must be a non-empty string.';
    if (path.isAbsolute(glob) || /^[a-zA-Z]:[\\/]/.test(glob)) {
      return `The watch pattern "${glob}" is absolute; write it relative to the server's working directory (cwd).`;
    }
  }
  return undefined;
}

/** Splits "src/**\/*.ts, lib/*.{js,mjs}" (as typed in an input box) into patterns; a comma inside braces belongs to its pattern. */
export function parseGlobList(text: string): string[] {
  const globs: string[] = [];
  let current = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      if (current.trim()) globs.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) globs.push(current.trim());
  return globs;
}

export interface RestartSchedulerOptions {
  /** Quiet time after the last change before restarting: an editor's save-all or a build writes many files. */
  debounceMs?: number;
  restart: (reason: string) => Promise<void>;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Turns bursts of file changes into restarts: one restart per quiet period, never two at once, and
 * a change during a restart causes exactly one more afterwards (the running one may have started
 * before the file was written).
 */
export class RestartScheduler {
  private timer: unknown;
  private running?: Promise<void>;
  private changed: string[] = [];
  private again = false;
  private disposed = false;
  private readonly debounceMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: RestartSchedulerOptions) {
    this.debounceMs = options.debounceMs ?? 300;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
  }

  /** A file changed (its path as shown to the user). */
  changedFile(file: string): void {
    if (this.disposed) return;
    if (!this.changed.includes(file)) this.changed.push(file);
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => this.fire(), this.debounceMs);
  }

  /** Settles when no restart is running or due (for callers that must wait for the loop to rest). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const files = this.changed;
    this.changed = [];
    const reason =
      files.length === 1
        ? `${files[0]} changed`
        : `${files.length} files changed (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`;
    this.running = this.options
      .restart(reason)
      .catch(() => undefined) // the connection's status carries a failed restart
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.disposed) {
          this.again = false;
          this.timer = this.setTimer(() => this.fire(), this.debounceMs);
        }
      });
  }
}
