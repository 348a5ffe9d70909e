#!/usr/bin/env node
// `npm start`: a ready-to-try MCP Lens in real VS Code (code-server) on 127.0.0.1.
//  1. packages the extension (npm run package → dist-vsix/mcp-lens.vsix),
//  2. installs Node 24 + code-server into .tools/ if they are missing,
//  3. starts the demo peers on 127.0.0.1: @modelcontextprotocol/server-everything over Streamable HTTP, and
//     the GitHub OAuth demo (test/fixtures/simpleAuth: our loopback equivalent of the python-sdk simple-auth
//     example, with a local stand-in for GitHub, so no account is needed) on port 8000 when free,
//  4. starts code-server with the .vsix installed on the workspace .tools/demo-workspace, whose
//     .vscode/settings.json pre-configures three connections (mcpLens.connections): "Everything (stdio)",
//     "Everything (HTTP)" and "GitHub demo (OAuth)",
//  5. prints the URL and runs until Ctrl+C, then stops everything it started.
//
// Flags: --no-package (reuse dist-vsix/mcp-lens.vsix). Env: MCP_LENS_PORT (code-server port; default 8080
// when free, else any free port), MCP_LENS_DEMO_DIR (where the demo workspace and code-server state live;
// default .tools/, so they survive a restart; the start smoke test points it at a scratch folder).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  ROOT,
  TOOLS_DIR,
  assertToolsInstalled,
  cleanEnv,
  freePort,
  killGroup,
  startCodeServer,
} from './codeServer.mjs';

const VSIX = path.join(ROOT, 'dist-vsix/mcp-lens.vsix');
const EVERYTHING = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const LOOPBACK_PRELOAD = path.join(ROOT, 'test/support/loopbackOnly.cjs');
const DEMO_DIR = process.env.MCP_LENS_DEMO_DIR ? path.resolve(process.env.MCP_LENS_DEMO_DIR) : TOOLS_DIR;
const WORKSPACE = path.join(DEMO_DIR, 'demo-workspace');
// Kept between runs, so connections added in the demo survive a restart.
const STATE_DIR = path.join(DEMO_DIR, 'demo-code-server');

const log = (msg) => console.log(`[start] ${msg}`);

function runOrDie(cmd, args, what) {
  log(what);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
  if (r.error) throw new Error(`${what} could not run \`${cmd}\`: ${r.error.message}. Is it installed and on PATH?`);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}); its output is above`);
}

/**
 * Everything `npm start` runs from node_modules, checked up front: without them a demo server would die
 * with a bare MODULE_NOT_FOUND half-way through, after the build.
 */
function assertDependenciesInstalled() {
  const needed = [
    ['esbuild', 'node_modules/esbuild/package.json'],
    ['@vscode/vsce', 'node_modules/@vscode/vsce/package.json'],
    ['tsx', 'node_modules/tsx/dist/cli.mjs'],
    ['@modelcontextprotocol/server-everything', 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'],
    ['@modelcontextprotocol/sdk', 'node_modules/@modelcontextprotocol/sdk/package.json'],
  ];
  const missing = needed.filter(([, file]) => !fs.existsSync(path.join(ROOT, file))).map(([name]) => name);
  if (missing.length) {
    throw new Error(
      `missing from node_modules: ${missing.join(', ')}. Run \`npm install\` (or \`npm ci\`) in ${ROOT} first.`,
    );
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (child.exitCode !== null) {
      throw new Error(`a demo server exited (${child.exitCode}) before listening on ${port}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`a demo server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** server-everything over Streamable HTTP, forced onto 127.0.0.1 by the loopback preload, in its own group. */
async function startEverything() {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', LOOPBACK_PRELOAD, EVERYTHING, 'streamableHttp'], {
    cwd: ROOT,
    env: cleanEnv({ PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  child.stderr.on('data', (d) => process.stderr.write(`[everything] ${d}`));
  await waitForPort(port, child, 20000);
  return { url: `http://127.0.0.1:${port}/mcp`, pgid: child.pid };
}

/** The simple-auth demo: an MCP server that is its own OAuth server, in front of a local GitHub stand-in. */
async function startGitHubDemo() {
  const port = (await portIsFree(8000)) ? 8000 : await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
      path.join(ROOT, 'test/fixtures/simpleAuth/main.ts'),
      '--port',
      String(port),
      '--quiet',
    ],
    {
      cwd: ROOT,
      // The demo's own OAuth app at the stand-in; with a real GitHub app these come from github.com.
      env: cleanEnv({
        MCP_GITHUB_GITHUB_CLIENT_ID: 'mcp-lens-demo',
        MCP_GITHUB_GITHUB_CLIENT_SECRET: 'mcp-lens-demo-secret',
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    },
  );
  child.stderr.on('data', (d) => process.stderr.write(`[github-demo] ${d}`));
  await waitForPort(port, child, 30000);
  return { url: `http://127.0.0.1:${port}/mcp`, pgid: child.pid };
}

function writeDemoWorkspace(httpUrl, githubDemoUrl) {
  fs.mkdirSync(path.join(WORKSPACE, '.vscode'), { recursive: true });
  const settings = {
    'mcpLens.connections': [
      {
        id: 'everything-stdio',
        name: 'Everything (stdio)',
        transport: 'stdio',
        command: 'node',
        args: [EVERYTHING, 'stdio'],
      },
      { id: 'everything-http', name: 'Everything (HTTP)', transport: 'streamable-http', url: httpUrl },
      { id: 'github-demo', name: 'GitHub demo (OAuth)', transport: 'streamable-http', url: githubDemoUrl },
    ],
  };
  fs.writeFileSync(path.join(WORKSPACE, '.vscode/settings.json'), JSON.stringify(settings, null, 2) + '\n');
  fs.writeFileSync(
    path.join(WORKSPACE, 'README.md'),
    '# MCP Lens demo workspace\n\nOpen the MCP Lens view in the activity bar. Three connections are pre-configured in ' +
      '`.vscode/settings.json` (`mcpLens.connections`): two to the MCP "everything" server, and "GitHub demo (OAuth)", ' +
      'a server protected by OAuth. Click its key icon (Sign In), then **Authorize** on the consent page, and call ' +
      '`get_user_profile`.\n',
  );
}

const cleanups = [];
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        console.error(`[start] cleanup: ${e instanceof Error ? e.message : e}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().then(() => process.exit(0));
  });
}

try {
  assertDependenciesInstalled();
  if (!process.argv.includes('--no-package') || !fs.existsSync(VSIX)) {
    runOrDie('npm', ['run', 'package'], 'packaging the extension (npm run package)');
    if (!fs.existsSync(VSIX)) throw new Error(`npm run package succeeded but wrote no ${path.relative(ROOT, VSIX)}`);
  }
  try {
    assertToolsInstalled();
  } catch {
    runOrDie('bash', ['scripts/install-tools.sh'], 'installing Node 24 + code-server into .tools/');
  }

  const everything = await startEverything();
  cleanups.push(() => killGroup(everything.pgid));
  log(`server-everything (Streamable HTTP) at ${everything.url}`);
  const githubDemo = await startGitHubDemo();
  cleanups.push(() => killGroup(githubDemo.pgid));
  log(`GitHub OAuth demo at ${githubDemo.url}`);
  writeDemoWorkspace(everything.url, githubDemo.url);

  const wanted = process.env.MCP_LENS_PORT ? Number(process.env.MCP_LENS_PORT) : 8080;
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  if (process.env.MCP_LENS_PORT && port !== wanted) throw new Error(`port ${wanted} (MCP_LENS_PORT) is in use`);
  const server = await startCodeServer({ workspace: WORKSPACE, vsixPath: VSIX, port, dir: STATE_DIR });
  cleanups.push(() => server.stop());

  const url = `${server.url}/?folder=${encodeURIComponent(WORKSPACE)}`;
  console.log('');
  console.log(`  MCP Lens is running in code-server. Open:  ${url}`);
  console.log(`  Demo connections: "Everything (stdio)", "Everything (HTTP)" (${everything.url})`);
  console.log(`  and "GitHub demo (OAuth)" (${githubDemo.url}): use its Sign In action, then Authorize.`);
  console.log(`  Logs: ${server.logFile}`);
  console.log('  Press Ctrl+C to stop.');
  console.log('');

  // Run until a signal, or until code-server goes away on its own.
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (cleaning) continue; // a signal is stopping everything; its handler exits
    try {
      process.kill(server.pid, 0);
    } catch {
      log('code-server exited; stopping');
      await cleanup();
      process.exit(1);
    }
  }
} catch (e) {
  console.error(`[start] ${e instanceof Error ? e.message : e}`);
  await cleanup();
  process.exit(1);
}
