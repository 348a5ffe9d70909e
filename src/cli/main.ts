/**
 * The `mcp-lens` executable: the process wiring (process.ts) with the CLI's sign-in (a real browser).
 * Bundled by esbuild to dist/cli.js (package.json `bin`).
 */
import { createCliAuth } from './auth';
import { runProcess } from './process';

void runProcess(createCliAuth);
