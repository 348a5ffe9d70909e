/**
 * Runs the bundled `mcp-lens` CLI as a real process. The bundle is built once per test run from
 * src/cli/main.ts with the same esbuild settings as esbuild.mjs (Node, CommonJS, shebang), into a
 * temporary folder, so the tests exercise exactly what `bin` ships and never a stale dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatCommandLine } from '../../../src/core/config';
import { REPO_ROOT } from '../../support/everything';

let bundlePromise: Promise<string> | undefined;

export function cliBundle(): Promise<string> {
  bundlePromise ??= (async () => {
    const esbuild = await import('esbuild');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-cli-'));
    const outfile = path.join(outdir, 'cli.js');
    await esbuild.build({
      absWorkingDir: REPO_ROOT,
      entryPoints: ['src/cli/main.ts'],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'error',
    });
    return outfile;
  })();
  return bundlePromise;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (or stdout) matches. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

export interface StartOptions {
  /**
   * Run under a pseudo-terminal (util-linux `script`), so the CLI sees a TTY on stdin and stderr
   * like a person's terminal. Its stdout and stderr then arrive merged on `stdout`, with CRLF ends.
   */
  pty?: boolean;
}

export async function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  start: StartOptions = {},
): Promise<CliProcess> {
  const bundle = await cliBundle();
  const child = start.pty
    ? spawn('script', ['-qec', formatCommandLine([process.execPath, bundle, ...args]), '/dev/null'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, [bundle, ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    stdout += start.pty ? c.replace(/\r/g, '') : c;
    listeners.forEach((l) => l());
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    listeners.forEach((l) => l());
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    waitFor(pattern, stream = 'stderr', timeoutMs = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stream === 'stderr' ? stderr : stdout)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Timed out waiting for ${pattern} on ${stream}.\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        const exited = () => {
          cleanup();
          reject(
            new Error(`The CLI exited before ${pattern} appeared on ${stream}.\nstdout: ${stdout}\nstderr: ${stderr}`),
          );
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('close', exited);
        };
        listeners.add(check);
        child.once('close', exited);
        check();
      });
    },
  };
}

/** Runs the CLI to completion; fails the test if it takes longer than `timeoutMs`. */
export async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
  start: StartOptions = {},
): Promise<CliResult> {
  const p = await startCli(args, env, start);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      p.child.kill('SIGKILL');
      reject(
        new Error(
          `mcp-lens ${args.join(' ')} did not exit within ${timeoutMs} ms.\nstdout: ${p.stdout()}\nstderr: ${p.stderr()}`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([p.done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pids of live processes whose command line contains `marker` (Linux /proc), except `exclude`. */
export function processesWithMarker(marker: string, exclude: Array<number | undefined> = []): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || exclude.includes(Number(entry))) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) continue;
      // A zombie has exited; only its parent's bookkeeping is left.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
