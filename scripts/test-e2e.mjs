#!/usr/bin/env node
// Runs the Playwright end-to-end tests (test/e2e/**/*.test.{ts,mjs}) with mocha. The tests start their own
// code-server through scripts/codeServer.mjs (extensionDevelopmentPath = the repo, so `dist/` must be built:
// this script builds first unless --no-build) and drive it with /usr/bin/chromium.
// Extra arguments are passed to mocha (e.g. --grep oauth).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, assertToolsInstalled, cleanEnv, findFiles } from './codeServer.mjs';

const build = !process.argv.includes('--no-build');
const mochaArgs = process.argv.slice(2).filter((a) => a !== '--no-build');

function tally(passes, failures) {
  if (process.env.MCP_LENS_TALLY) {
    fs.appendFileSync(
      process.env.MCP_LENS_TALLY,
      JSON.stringify({ suite: 'e2e', passes, failures, pending: 0 }) + '\n',
    );
  }
}

try {
  assertToolsInstalled();
} catch (e) {
  console.error(`[test-e2e] ${e.message}`);
  tally(0, 1);
  process.exit(1);
}

const files = findFiles(path.join(ROOT, 'test/e2e'), /\.test\.(ts|mjs)$/);
if (files.length === 0) {
  console.warn('[test-e2e] WARNING: no test/e2e/**/*.test.{ts,mjs} files: nothing to run');
  tally(0, 0);
  console.log('e2e: 0 passed, 0 failed');
  process.exit(0);
}

if (build) {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
  if (r.status !== 0) {
    console.error(`[test-e2e] build failed (exit ${r.status ?? r.signal})`);
    tally(0, 1);
    process.exit(1);
  }
}

const mocha = path.join(ROOT, 'node_modules/mocha/bin/mocha.js');
const r = spawnSync(process.execPath, [mocha, '--config', 'test/.mocharc.e2e.json', ...mochaArgs], {
  cwd: ROOT,
  stdio: 'inherit',
  env: cleanEnv(),
});
process.exit(r.status ?? 1);
