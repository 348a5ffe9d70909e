/**
 * Starts the real `@modelcontextprotocol/server-everything` for integration tests.
 *
 * HTTP modes run under test/support/loopbackOnly.cjs, which rewrites its all-interfaces
 * `app.listen(PORT)` to 127.0.0.1, on a free loopback port. `stop()` ends the process and waits
 * for it to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const EVERYTHING_ENTRY = path.join(
  REPO_ROOT,
  'node_modules',
  '@modelcontextprotocol',
  'server-everything',
  'dist',
  'index.js',
);
export const LOOPBACK_PRELOAD = path.join(REPO_ROOT, 'test', 'support', 'loopbackOnly.cjs');

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The command and arguments that start server-everything over stdio. */
export function everythingStdioCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [EVERYTHING_ENTRY, 'stdio'] };
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error(`The server exited before listening on port ${port}.`);
    if (Date.now() > deadline) throw new Error(`Nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a child process: SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
export function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startEverything(mode: 'sse' | 'streamableHttp'): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', LOOPBACK_PRELOAD, EVERYTHING_ENTRY, mode], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout?.resume();
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    await waitForPort(port, 15_000, alive);
  } catch (e) {
    await stopProcess(child);
    throw new Error(`server-everything ${mode} did not start: ${(e as Error).message}\n${stderr}`, { cause: e });
  }
  const url = `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`;
  return { url, port, process: child, stderr: () => stderr, stop: () => stopProcess(child) };
}
