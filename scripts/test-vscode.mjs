#!/usr/bin/env node
// Runs the mocha suite (test/vscode/suite → out/test/suite/index.js) INSIDE a real VS Code extension host:
// code-server started with the smoke-test driver, and the @vscode/test-electron payload
// (extensionDevelopmentPath + extensionTestsPath) in the workbench URL, opened by headless Chromium.
// The extension host's console reaches us through window.codeAutomationLog and the suite's result through
// window.codeAutomationExit (exit code 0 = all passed).
//
// Usage: node scripts/test-vscode.mjs [--no-build] [--extension-development-path DIR] [--extension-tests-path FILE]
// Env:   MCP_LENS_VSCODE_TIMEOUT_MS (default 600000), MCP_LENS_TALLY (append a tally line, see test-all.mjs)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { ROOT, TEST_OUTPUT_DIR, cleanEnv, launchChromium, openWorkbench, startCodeServer } from './codeServer.mjs';

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const extensionDevelopmentPath = path.resolve(argValue('--extension-development-path') ?? ROOT);
const extensionTestsPath = path.resolve(
  argValue('--extension-tests-path') ?? path.join(extensionDevelopmentPath, 'out/test/suite/index.js'),
);
// The test-only chat model provider (test/fixtures/lmProvider): code-server has no language models of its own,
// and the suite drafts sampling replies with one (test/vscode/suite/lmDraft.test.ts). Copied into the scratch
// extensions folder (nothing is packaged); it offers its model only when a test asks.
const LM_PROVIDER = path.join(ROOT, 'test/fixtures/lmProvider');
// The test-only stand-in for the Python Debugger extension (test/fixtures/debugpyAdapter): the `debugpy` debug
// type, attached straight to `python -m debugpy --listen` (test/vscode/suite/devLoopPython.test.ts).
const DEBUGPY_ADAPTER = path.join(ROOT, 'test/fixtures/debugpyAdapter');
const build = !process.argv.includes('--no-build');
const timeoutMs = Number(process.env.MCP_LENS_VSCODE_TIMEOUT_MS ?? 600000);
const SUMMARY = /^vscode: (\d+) passed, (\d+) failed$/m;
// Workbench chatter that says nothing about the suite (offline gallery, connection set-up, shutdown).
// MCP_LENS_VERBOSE=1 shows it anyway.
const NOISE = [
  /^Ignoring fetching additional builtin extensions from gallery as it is disabled\.$/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket \(renderer-/,
  /^\[reconnection-grace-time\]/,
  /^Canceled: Canceled: Canceled/,
];
const verbose = Boolean(process.env.MCP_LENS_VERBOSE);

function report(passes, failures) {
  console.log(`vscode: ${passes} passed, ${failures} failed`);
  if (process.env.MCP_LENS_TALLY) {
    fs.appendFileSync(
      process.env.MCP_LENS_TALLY,
      JSON.stringify({ suite: 'vscode', passes, failures, pending: 0 }) + '\n',
    );
  }
}

/** Formats one codeAutomationLog call: `args` is what the extension host logged (strings or values). */
function formatLog(args) {
  const list = Array.isArray(args) ? args : [args];
  // The extension host forwards console.log's raw arguments (mocha's reporter uses printf-style '%s').
  return format(...list);
}

async function main() {
  if (build) {
    console.log('[test-vscode] building (node esbuild.mjs)');
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
    if (r.status !== 0) throw new Error(`build failed (exit ${r.status ?? r.signal})`);
  }
  if (!fs.existsSync(extensionTestsPath)) throw new Error(`${extensionTestsPath} does not exist (build first)`);

  const workspace = path.join(TEST_OUTPUT_DIR, 'vscode-workspace');
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.mkdirSync(workspace, { recursive: true });

  const started = Date.now();
  const server = await startCodeServer({
    workspace,
    extensionDevelopmentPath,
    extensionFolders: [LM_PROVIDER, DEBUGPY_ADAPTER],
  });
  console.log(`[test-vscode] code-server ${server.url} (pid ${server.pid}, logs ${server.dir})`);
  let browser;
  let output = '';
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    let settle;
    const exited = new Promise((resolve) => (settle = resolve));
    // Both must be exposed before the workbench loads (the smoke-test driver looks them up on startup).
    await page.exposeFunction('codeAutomationExit', (code) => settle(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = formatLog(args);
      output += line + '\n';
      if (!verbose && NOISE.some((re) => re.test(line))) return;
      const stream = type === 'error' || type === 'warn' ? process.stderr : process.stdout;
      stream.write(`[exthost${type === 'info' || type === 'log' ? '' : ' ' + type}] ${line}\n`);
    });
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`));

    await openWorkbench(page, server.url, workspace, { extensionDevelopmentPath, extensionTestsPath });
    let timer;
    const code = await Promise.race([
      exited,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the suite did not finish within ${timeoutMs} ms (MCP_LENS_VSCODE_TIMEOUT_MS)`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    console.log(`[test-vscode] extension host finished with exit code ${code} after ${Date.now() - started} ms`);

    const summary = SUMMARY.exec(output);
    const passes = summary ? Number(summary[1]) : 0;
    let failures = summary ? Number(summary[2]) : 0;
    // A suite that failed without reaching its summary line (load error, crash) still counts as a failure.
    if (code !== 0 && failures === 0) failures = 1;
    if (!summary && code === 0) {
      console.error('[test-vscode] the suite exited 0 but printed no "vscode: N passed, N failed" line');
      failures += 1;
    }
    return { passes, failures };
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
}

let result;
try {
  result = await main();
} catch (e) {
  console.error(`[test-vscode] ${e instanceof Error ? e.message : e}`);
  result = { passes: 0, failures: 1 };
}
report(result.passes, result.failures);
process.exit(result.failures > 0 ? 1 : 0);
