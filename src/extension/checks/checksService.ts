/**
 * Saved checks in the editor: the workspace's checks files, run on the user's own live connection
 * when a file stands for one (so its sign-in and its server process are reused), otherwise on a
 * connection of their own that ends with the run, as `mcp-lens test` does. The results read the
 * same as the CLI's (report.ts). No `vscode` import: the command and the inspector adapt it, and
 * unit tests drive it directly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type CheckSpec,
  type ChecksFile,
  ChecksFileError,
  parseChecksFile,
  toConnectionConfig,
} from '../../core/checks/format';
import { formatCheckLine, formatSummary } from '../../core/checks/report';
import type * as Runner from '../../core/checks/runner';
import type { CheckResult, CheckTarget } from '../../core/checks/runner';
import { shownText } from '../../core/checks/text';
import { findChecksFiles, matchSavedConnection } from '../../core/checks/workspace';
import type { Connection } from '../../core/connection';
import { ConnectionError } from '../../core/errors';
import { ConnectionManager } from '../../core/manager';

export interface ChecksServiceDeps {
  /** The user's connections: a file that stands for one of them runs on it. */
  manager: ConnectionManager;
  workspaceFolders(): readonly string[];
  /** Connects a live connection because the user asked (signing in if needed); false when that failed (already reported). */
  ensureConnected(connection: Connection): Promise<boolean>;
  requestTimeoutMs(): number;
  clientInfo: { name: string; version: string };
  /** For `${env:NAME}` in files that start their own connection. */
  env?: NodeJS.ProcessEnv;
}

/** One file, read and validated, or the reason it cannot be used. */
export type LoadedChecksFile =
  | { path: string; label: string; ok: true; file: ChecksFile; savedConnectionId?: string }
  | { path: string; label: string; ok: false; error: string };

export interface ChecksFileRun {
  path: string;
  label: string;
  /** The connection the checks ran on, as shown to the user. */
  connectionName: string;
  /** True when the user's own live connection was used. */
  reused: boolean;
  results: CheckResult[];
  /** Set when the file could not be used; no check of it ran. */
  error?: string;
}

export interface ChecksRun {
  files: ChecksFileRun[];
  passed: number;
  failed: number;
  cancelled: boolean;
  /** The report as the output shows it: per file its ✔/✘ lines, then `N passed, N failed`. */
  text: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Only these checks (by name) of each file; all when absent. */
  only?: (file: string, check: CheckSpec) => boolean;
  /** Output as it happens: a file's heading, each check's line. */
  onText?(text: string): void;
  onResult?(file: string, result: CheckResult): void;
}

/**
 * The runner judges answers with Ajv (JSON Schema), which activation must not pay for: it is loaded
 * at the first run. `require`, so the extension bundle points it at dist/engine.js (esbuild.mjs).
 */
function loadRunner(): typeof Runner {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../core/checks/runner') as typeof Runner;
}

export class ChecksService {
  constructor(private readonly deps: ChecksServiceDeps) {}

  /** The checks files of every workspace folder (`.vscode/mcp-lens/*.json`). */
  files(): string[] {
    return findChecksFiles(this.deps.workspaceFolders());
  }

  /** A file read and validated; which saved connection it stands for, if any. */
  load(file: string): LoadedChecksFile {
    const label = this.label(file);
    try {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new ChecksFileError(`${label}: could not be read (${(e as Error).message}).`);
      }
      const parsed = parseChecksFile(text, label);
      const saved = matchSavedConnection(
        parsed.connection,
        this.deps.manager.list().map((c) => c.config),
      );
      return { path: file, label, ok: true, file: parsed, ...(saved ? { savedConnectionId: saved.id } : {}) };
    } catch (e) {
      if (e instanceof ChecksFileError) return { path: file, label, ok: false, error: e.message };
      throw e;
    }
  }

  /** The workspace's files that stand for this saved connection. */
  filesFor(connectionId: string): LoadedChecksFile[] {
    return this.files()
      .map((file) => this.load(file))
      .filter((loaded) => loaded.ok && loaded.savedConnectionId === connectionId);
  }

  /** Runs the files' checks in order, file after file. A file that cannot be used is reported and skipped. */
  async run(files: readonly string[], options: RunOptions = {}): Promise<ChecksRun> {
    const runs: ChecksFileRun[] = [];
    let text = '';
    const write = (chunk: string) => {
      text += chunk;
      options.onText?.(chunk);
    };
    for (const file of files) {
      if (options.signal?.aborted) break;
      const loaded = this.load(file);
      if (!loaded.ok) {
        write(
          `${loaded.label}\n  ✘ ${shownText(loaded.error)}\n      See docs/checks.md for the checks file format.\n`,
        );
        runs.push({
          path: file,
          label: loaded.label,
          connectionName: '',
          reused: false,
          results: [],
          error: loaded.error,
        });
        continue;
      }
      const checks = loaded.file.checks.filter((check) => options.only?.(file, check) ?? true);
      if (checks.length === 0) continue;
      runs.push(await this.runFile(loaded, checks, options, write));
    }
    const all = runs.flatMap((r) => r.results);
    const passed = all.filter((r) => r.passed).length;
    const cancelled = options.signal?.aborted ?? false;
    write(`\n${cancelled ? 'Cancelled: ' : ''}${formatSummary(all)}`);
    return { files: runs, passed, failed: all.length - passed, cancelled, text };
  }

  private async runFile(
    loaded: Extract<LoadedChecksFile, { ok: true }>,
    checks: CheckSpec[],
    options: RunOptions,
    write: (text: string) => void,
  ): Promise<ChecksFileRun> {
    const saved = loaded.savedConnectionId ? this.deps.manager.get(loaded.savedConnectionId) : undefined;
    const timeoutMs = this.deps.requestTimeoutMs();
    const onResult = (result: CheckResult) => {
      write(formatCheckLine(result));
      options.onResult?.(loaded.path, result);
    };
    if (saved) {
      write(`${loaded.label} (${shownText(saved.config.name)}, the open connection)\n`);
      const results = await loadRunner().runChecks(checks, () => this.connectSaved(saved), {
        timeoutMs,
        signal: options.signal,
        onResult,
      });
      return { path: loaded.path, label: loaded.label, connectionName: saved.config.name, reused: true, results };
    }
    // No saved connection is this server: a connection of the run's own, as in CI.
    let config;
    try {
      config = toConnectionConfig(
        loaded.file.connection,
        path.dirname(loaded.path),
        this.deps.env ?? process.env,
        loaded.label,
      );
    } catch (e) {
      const error = e instanceof ChecksFileError ? e.message : String(e);
      write(`${loaded.label}\n  ✘ ${shownText(error)}\n`);
      return { path: loaded.path, label: loaded.label, connectionName: '', reused: false, results: [], error };
    }
    write(`${loaded.label} (${shownText(config.name)})\n`);
    const manager = new ConnectionManager({ requestTimeoutMs: timeoutMs, clientInfo: this.deps.clientInfo });
    try {
      const results = await loadRunner().runChecks(
        checks,
        async () => {
          const connection = manager.add(config);
          try {
            await connection.connect();
          } catch (e) {
            // A connection of the run's own has no sign-in and asks for none in the middle of a run.
            if (e instanceof ConnectionError && e.code === 'auth-required') {
              // Short: a check's failure line is clipped at 120 characters.
              throw new ConnectionError(
                'auth-required',
                'the server needs a sign-in: save it (Add MCP Connection) and sign in; checks then run on it.',
              );
            }
            throw e;
          }
          return loadRunner().checkTargetOf(connection);
        },
        { timeoutMs, signal: options.signal, onResult },
      );
      return { path: loaded.path, label: loaded.label, connectionName: config.name, reused: false, results };
    } finally {
      await manager.disposeAsync();
    }
  }

  private async connectSaved(connection: Connection): Promise<CheckTarget> {
    if (connection.status.state !== 'connected' && !(await this.deps.ensureConnected(connection))) {
      throw new ConnectionError(
        'unknown',
        `"${connection.config.name}" is not connected (${connection.status.message ?? connection.status.state}).`,
        'Connect it (its status in the Connections view says why it is not), then run the checks again.',
      );
    }
    return loadRunner().checkTargetOf(connection);
  }

  /** The file as the user knows it: relative to its workspace folder. */
  private label(file: string): string {
    for (const folder of this.deps.workspaceFolders()) {
      const relative = path.relative(folder, file);
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
    }
    return file;
  }
}
