import { type Ask, terminalAsk } from './answers';

/**
 * Where the CLI writes. Injected so that `run()` can be driven by tests without a process, and so
 * that every byte is flushed before the process exits.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when a person can answer (both stdin and stderr are terminals). */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  /** Asks the person a question (prompt on stderr, answer from stdin); present when `interactive`. */
  ask?: Ask;
}

export function processIo(): CliIo {
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    interactive,
    env: process.env,
    ...(interactive ? { ask: terminalAsk() } : {}),
  };
}

/** Resolves once stdout and stderr have handed everything written so far to the OS. */
export function flushStdio(): Promise<void> {
  const flush = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      if (stream.destroyed || !stream.writable) resolve();
      else stream.write('', () => resolve());
    });
  return Promise.all([flush(process.stdout), flush(process.stderr)]).then(() => undefined);
}
