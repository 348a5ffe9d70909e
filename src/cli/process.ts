/**
 * The process wiring around `run()` — signals, flushing, exit code — shared by the `mcp-lens`
 * executable (main.ts) and the test entry that gives it a sign-in stand-in (test/support).
 */
import { EXIT } from './args';
import type { CliAuth } from './auth';
import type { Logger } from '../core/logger';
import { flushStdio, processIo, type CliIo } from './output';
import { reportError, run } from './run';

export async function runProcess(makeAuth: (io: CliIo, logger?: Logger) => CliAuth): Promise<void> {
  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      // First Ctrl+C: cancel the running request and shut the server down cleanly (run() returns 130).
      interrupt.abort(`The user interrupted mcp-lens (${signal}).`);
    } else {
      // Second Ctrl+C: the user does not want to wait for a clean shutdown.
      process.stderr.write('mcp-lens: interrupted again, exiting now.\n');
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // A closed pipe (`mcp-lens tools … | head`) is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
  });

  const io = processIo();
  let code: number;
  try {
    code = await run(process.argv.slice(2), io, interrupt.signal, makeAuth);
  } catch (e) {
    code = reportError(io, e);
  }
  await flushStdio();
  // Exit now: keep-alive sockets or timers must not hold the process (the server is already shut down).
  process.exit(code);
}
