#!/usr/bin/env node
// Smoke test of the README's first command (`npm install && npm start`), its start part, for real:
//  1. runs `npm start` in its own process group, as a terminal would (so its build, package and, when missing,
//     tools install run for real), and waits for the URL it prints;
//  2. opens that URL in headless Chromium, opens the MCP Lens view, and checks that the Connections view lists
//     the three demo connections (and that the two "Everything" ones connect: the demo peers really run);
//  3. takes a screenshot (.test-output/screenshots/start-smoke.png);
//  4. sends SIGINT to the process group (what Ctrl+C does), waits for `npm start` to exit, and checks that no
//     process it started is left and that the ports it used are closed.
// Every process `npm start` starts inherits a marker variable, so step 4 also finds processes that left its
// process group or tree (the demo servers and code-server run in groups of their own).
// Prints `[start-smoke] PASS …` or `[start-smoke] FAIL: …` last, exits 0 or 1. Bounded by
// MCP_LENS_SMOKE_TIMEOUT_MS (default 900000: a first run installs code-server, about 3 minutes); on failure or
// timeout it kills everything it started. Linux only (reads /proc). Run by `npm test` as the stage `start-smoke`.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ROOT, TEST_OUTPUT_DIR, cleanEnv, launchChromium } from './codeServer.mjs';

const TIMEOUT_MS = Number(process.env.MCP_LENS_SMOKE_TIMEOUT_MS ?? 15 * 60 * 1000);
const SCREENSHOTS = path.join(TEST_OUTPUT_DIR, 'screenshots');
// A scratch demo folder (workspace + code-server state), so the run starts from nothing and leaves the
// developer's own demo state in .tools/ alone.
const DEMO_DIR = path.join(TEST_OUTPUT_DIR, 'start-smoke');
const LOG_FILE = path.join(TEST_OUTPUT_DIR, 'start-smoke.log');
// The names scripts/start.mjs writes into the demo workspace's mcpLens.connections.
const DEMO_CONNECTIONS = ['Everything (stdio)', 'Everything (HTTP)', 'GitHub demo (OAuth)'];
const MARKER_NAME = 'MCP_LENS_START_SMOKE';
const MARKER = `${MARKER_NAME}=${randomUUID()}`;

const started = Date.now();
const log = (msg) => console.log(`[start-smoke] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

/** @type {import('node:child_process').ChildProcess | undefined} */
let child;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let output = '';
let logFd;

// --- /proc helpers ---------------------------------------------------------------------------------------

/** pid → { ppid, startTime, state } for every live process (startTime tells a reused pid apart). */
function processTable() {
  const table = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm (field 2) may hold spaces and parentheses: parse after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { state: fields[0], ppid: Number(fields[1]), startTime: fields[19] });
    } catch {
      // exited while we read
    }
  }
  return table;
}

function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
  } catch {
    return '?';
  }
}

/** Every live process carrying our marker in its environment, plus every descendant of `rootPid`. */
function ourProcesses(rootPid) {
  const table = processTable();
  const found = new Map();
  for (const [pid, info] of table) {
    if (info.state === 'Z') continue; // a zombie has exited; only its exit status is left
    let hasMarker = false;
    try {
      hasMarker = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(MARKER);
    } catch {
      // gone, or not ours to read
    }
    let descendant = false;
    if (rootPid !== undefined) {
      for (let p = pid, hops = 0; p > 1 && hops < 64; p = table.get(p)?.ppid ?? 0, hops++) {
        if (p === rootPid) {
          descendant = true;
          break;
        }
      }
    }
    if (hasMarker || descendant) found.set(pid, { startTime: info.startTime, cmd: commandLine(pid) });
  }
  return found;
}

/** The recorded processes that are still alive (same pid and start time, not a zombie). */
function stillAlive(recorded) {
  const table = processTable();
  return [...recorded].filter(([pid, r]) => {
    const now = table.get(pid);
    return now && now.state !== 'Z' && now.startTime === r.startTime;
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// --- npm start -----------------------------------------------------------------------------------------

function startNpmStart() {
  fs.rmSync(DEMO_DIR, { recursive: true, force: true });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  logFd = fs.openSync(LOG_FILE, 'w');
  const [markerKey, markerValue] = MARKER.split('=');
  // detached: its own process group, like a foreground job in a terminal, so SIGINT to the group is Ctrl+C.
  child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start'], {
    cwd: ROOT,
    env: cleanEnv({ [markerKey]: markerValue, MCP_LENS_DEMO_DIR: DEMO_DIR }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const onData = (chunk) => {
    const text = chunk.toString();
    output += text;
    fs.writeSync(logFd, text);
    for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`  | ${line}\n`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return child;
}

function exited(proc) {
  return proc.exitCode !== null || proc.signalCode !== null;
}

function waitForExit(proc, timeoutMs) {
  if (exited(proc)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Waits for the line `MCP Lens is running in code-server. Open:  <url>`; fails if npm start exits first. */
async function waitForUrl(proc) {
  const pattern = /Open:\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/;
  for (;;) {
    const m = pattern.exec(output);
    if (m) return m[1];
    if (exited(proc)) {
      throw new Error(`npm start exited (${proc.exitCode ?? proc.signalCode}) before printing its URL`);
    }
    await sleep(200);
  }
}

/** The loopback ports npm start printed: code-server's, server-everything's and the GitHub demo's. */
function printedPorts() {
  const ports = new Set();
  for (const m of output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)\//g)) ports.add(Number(m[1]));
  return [...ports];
}

// --- the browser -----------------------------------------------------------------------------------------

async function checkWorkbench(url) {
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 90000 });
    await page.locator('.activitybar .action-item [aria-label^="MCP Lens"]').first().click({ timeout: 60000 });
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Connections' }) });
    const row = (name) => view.locator('.monaco-list-row').filter({ hasText: name }).first();
    for (const name of DEMO_CONNECTIONS) {
      await row(name)
        .waitFor({ state: 'visible', timeout: 60000 })
        .catch(() => {
          throw new Error(`the Connections view does not list "${name}" within 60 s`);
        });
    }
    // The two servers that need no sign-in connect: the demo peers npm start runs really answer.
    for (const name of ['Everything (stdio)', 'Everything (HTTP)']) {
      await view
        .locator('.monaco-list-row', { hasText: name })
        .filter({ hasText: '· connected' })
        .first()
        .waitFor({ state: 'visible', timeout: 60000 })
        .catch(async () => {
          throw new Error(
            `"${name}" did not connect within 60 s (row: ${JSON.stringify(
              await row(name)
                .innerText()
                .catch(() => '?'),
            )})`,
          );
        });
    }
    const shown = await view.locator('.monaco-list-row').allInnerTexts();
    log(`Connections view: ${JSON.stringify(shown.map((t) => t.replace(/\s+/g, ' ').trim()).slice(0, 12))}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'start-smoke.png') });
  } catch (e) {
    await page.screenshot({ path: path.join(SCREENSHOTS, 'start-smoke-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close().catch(() => undefined);
    browser = undefined;
  }
}

// --- stop and check --------------------------------------------------------------------------------------

async function stopAndCheck(ports) {
  const recorded = ourProcesses(child.pid);
  log(`${recorded.size} processes running under npm start before SIGINT`);
  // Ctrl+C: SIGINT to the whole foreground process group.
  process.kill(-child.pid, 'SIGINT');
  const t0 = Date.now();
  if (!(await waitForExit(child, 60000))) throw new Error('npm start did not exit within 60 s of SIGINT');
  log(
    `npm start exited (${child.exitCode ?? child.signalCode}) ${((Date.now() - t0) / 1000).toFixed(1)} s after SIGINT`,
  );
  const problems = [];
  // npm re-raises the signal its script got, so after Ctrl+C it dies of SIGINT (the shell shows 130), as a
  // well-behaved program should; scripts/start.mjs itself exits 0 once its cleanup is done, and says so if a
  // cleanup step failed.
  const stoppedByCtrlC = child.signalCode === 'SIGINT' || child.exitCode === 0 || child.exitCode === 130;
  if (!stoppedByCtrlC) {
    problems.push(
      `npm start exited with ${child.exitCode ?? child.signalCode} after SIGINT, expected SIGINT, 130 or 0`,
    );
  }
  const stopping = output.lastIndexOf('[start] SIGINT: stopping');
  if (stopping < 0) problems.push('scripts/start.mjs never reported the SIGINT ("[start] SIGINT: stopping")');
  else if (output.includes('[start] cleanup:', stopping)) {
    problems.push(`npm start's cleanup failed: ${output.slice(stopping).trim()}`);
  }
  // npm may return before scripts/start.mjs has finished stopping its servers (killGroup allows each group 5 s
  // for SIGTERM, then SIGKILLs it), so allow 15 s for everything to go before calling anything a leftover.
  let left = stillAlive(recorded);
  let strays = [...ourProcesses(undefined)];
  for (let i = 0; i < 60 && (left.length || strays.length); i++) {
    await sleep(250);
    left = stillAlive(recorded);
    strays = [...ourProcesses(undefined)];
  }
  const leftovers = new Map([...left, ...strays]);
  if (leftovers.size) {
    problems.push(
      `${leftovers.size} processes left after npm start exited: ${[...leftovers].map(([pid, r]) => `${pid} ${r.cmd}`).join('; ')}`,
    );
  }
  for (const port of ports) {
    if (await portOpen(port)) problems.push(`127.0.0.1:${port} still accepts connections after npm start exited`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  log(`no process left ${((Date.now() - t0) / 1000).toFixed(1)} s after SIGINT; ports ${ports.join(', ')} closed`);
}

/** On failure: SIGINT as a user would, then SIGKILL whatever is left of what we started (by pid). */
async function cleanup() {
  await browser?.close().catch(() => undefined);
  if (child && !exited(child)) {
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      // gone
    }
    if (!(await waitForExit(child, 30000))) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const [pid] of ourProcesses(undefined)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

async function main() {
  if (process.platform !== 'linux') throw new Error('the start smoke test reads /proc: run it on Linux');
  log(`running \`npm start\` in ${ROOT} (output also in ${path.relative(ROOT, LOG_FILE)})`);
  const proc = startNpmStart();
  const url = await waitForUrl(proc);
  const ports = printedPorts();
  log(`npm start printed ${url} after ${seconds()} s (ports ${ports.join(', ')})`);
  await checkWorkbench(url);
  log(`the MCP Lens view lists ${DEMO_CONNECTIONS.map((n) => `"${n}"`).join(', ')} (${seconds()} s)`);
  await stopAndCheck(ports);
}

let timer;
const timeout = new Promise((_, reject) => {
  timer = setTimeout(
    () => reject(new Error(`timed out after ${TIMEOUT_MS} ms (MCP_LENS_SMOKE_TIMEOUT_MS)`)),
    TIMEOUT_MS,
  );
});
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping npm start`);
    void cleanup().then(() => process.exit(130));
  });
}
try {
  await Promise.race([main(), timeout]);
  clearTimeout(timer);
  log(`PASS: npm start served the MCP Lens view with the three demo connections and stopped cleanly (${seconds()} s)`);
  if (logFd !== undefined) fs.closeSync(logFd);
  process.exit(0);
} catch (e) {
  clearTimeout(timer);
  if (!interrupted) {
    await cleanup();
    console.error(
      `[start-smoke] FAIL: ${e instanceof Error ? e.message : e} (${seconds()} s; npm start's output: ${LOG_FILE})`,
    );
    process.exit(1);
  }
}
