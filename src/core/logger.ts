/**
 * The logging surface the core writes to. `vscode.LogOutputChannel` satisfies it as is, and
 * the CLI and tests pass a console or a collecting logger. Callers never pass secrets: values
 * go through `redact` (see trace.ts) before they reach a logger.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};
