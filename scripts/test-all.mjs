#!/usr/bin/env node
// `npm test`: every check, in order, continuing after a failure so the report is complete:
//   typecheck, lint, build, unit, integration, tools (code-server + Node 24), vscode (suite inside
//   code-server's extension host), e2e (Playwright against code-server), conformance, start-smoke (the
//   README's `npm start`, run for real and checked in Chromium: scripts/smoke-start.mjs).
// Test stages report their counts through MCP_LENS_TALLY (test/support/tallyReporter.cjs, test-vscode.mjs,
// test-e2e.mjs); the other stages count as one check each. A stage that exits non-zero without reporting
// a failure (a crash, a load error) counts as one failure. The last line is exactly `N passed, N failed`.
//
// Env: MCP_LENS_STAGE_TIMEOUT_MS (default 1800000 per stage), MCP_LENS_ONLY=unit,integration (run a subset).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, cleanEnv } from './codeServer.mjs';

const NODE = process.execPath;
const bin = (p) => path.join(ROOT, 'node_modules', p);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** kind 'check': one pass or one failure; kind 'tests': counts from the tally file. */
const STAGES = [
  { name: 'typecheck', kind: 'check', cmd: [npm, 'run', '--silent', 'typecheck'] },
  { name: 'lint', kind: 'check', cmd: [npm, 'run', '--silent', 'lint'] },
  { name: 'build', kind: 'check', cmd: [NODE, 'esbuild.mjs'] },
  { name: 'unit', kind: 'tests', cmd: [NODE, bin('mocha/bin/mocha.js'), '--config', 'test/.mocharc.unit.json'] },
  {
    name: 'integration',
    kind: 'tests',
    cmd: [NODE, bin('mocha/bin/mocha.js'), '--config', 'test/.mocharc.integration.json'],
  },
  { name: 'tools', kind: 'check', cmd: ['bash', 'scripts/install-tools.sh'] },
  { name: 'vscode', kind: 'tests', cmd: [NODE, 'scripts/test-vscode.mjs', '--no-build'] },
  { name: 'e2e', kind: 'tests', cmd: [NODE, 'scripts/test-e2e.mjs', '--no-build'] },
  // The spec's own client scenarios (auth/* and the others) against the mcp-lens CLI, each inside `unshare -n`.
  { name: 'conformance', kind: 'tests', cmd: [NODE, 'scripts/conformance.mjs'] },
  // Last: `npm start` rebuilds dist/ for production and packages it, which the stages above must not see.
  { name: 'start-smoke', kind: 'check', cmd: [NODE, 'scripts/smoke-start.mjs'] },
];

const stageTimeoutMs = Number(process.env.MCP_LENS_STAGE_TIMEOUT_MS ?? 30 * 60 * 1000);
const only = process.env.MCP_LENS_ONLY ? new Set(process.env.MCP_LENS_ONLY.split(',').map((s) => s.trim())) : undefined;

const tallyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-tally-'));

/** Runs a command in its own process group (so a timeout can kill everything it started). */
function run(cmd, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`[test-all] stage timed out after ${stageTimeoutMs} ms; killing it`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, stageTimeoutMs);
    const forward = (signal) => {
      interrupted = true;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (e) => {
      console.error(`[test-all] could not start ${cmd[0]}: ${e.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? 1, signal, timedOut });
    });
  });
}

function readTally(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

let interrupted = false;
const results = [];
for (const stage of STAGES) {
  if (only && !only.has(stage.name)) continue;
  if (interrupted) {
    results.push({ name: stage.name, passes: 0, failures: 1, pending: 0, seconds: '0.0', code: 130, timedOut: false });
    continue;
  }
  console.log(
    `\n========== ${stage.name}: ${stage.cmd.map((c) => (c === NODE ? 'node' : path.isAbsolute(c) ? path.relative(ROOT, c) : c)).join(' ')} ==========`,
  );
  const tallyFile = path.join(tallyDir, `${stage.name}.jsonl`);
  const started = Date.now();
  // No npm_config_* (npm run sets them; they would leak into nested npm/node-gyp calls); PATH passes through.
  const env = cleanEnv({ MCP_LENS_TALLY: tallyFile, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) });
  const { code, timedOut } = await run(stage.cmd, env);
  let passes = 0;
  let failures = 0;
  let pending = 0;
  if (stage.kind === 'check') {
    if (code === 0) passes = 1;
    else failures = 1;
  } else {
    for (const t of readTally(tallyFile)) {
      passes += t.passes;
      failures += t.failures;
      pending += t.pending ?? 0;
    }
    // Exited non-zero but reported no failing test: a crash, a load error or a timeout.
    if (code !== 0 && failures === 0) failures = 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push({ name: stage.name, passes, failures, pending, seconds, code, timedOut });
  console.log(
    `[test-all] ${stage.name}: ${passes} passed, ${failures} failed${pending ? `, ${pending} pending` : ''} (${seconds} s)`,
  );
}
fs.rmSync(tallyDir, { recursive: true, force: true });

console.log('\n========== summary ==========');
for (const r of results) {
  const status = r.failures ? 'FAIL' : 'ok  ';
  const extra = r.timedOut ? ' (timed out)' : r.failures && r.code !== 0 ? ` (exit ${r.code})` : '';
  console.log(
    `${status} ${r.name.padEnd(12)} ${String(r.passes).padStart(4)} passed ${String(r.failures).padStart(3)} failed` +
      `${r.pending ? ` ${r.pending} pending` : ''}  ${r.seconds.padStart(6)} s${extra}`,
  );
}
const totalPasses = results.reduce((n, r) => n + r.passes, 0);
const totalFailures = results.reduce((n, r) => n + r.failures, 0);
console.log(`${totalPasses} passed, ${totalFailures} failed`);
process.exit(totalFailures > 0 ? 1 : 0);
