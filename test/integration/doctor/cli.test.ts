/**
 * `mcp-lens doctor` as a real process (the bundled CLI, built here from src/cli/main.ts): exit 0 when
 * no check fails (warnings allowed), 1 when one does, 2 on usage errors; --json and --markdown.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECK_IDS, type DoctorReport } from '../../../src/core/doctor/index.js';
import { startSimpleAuthServer, type SimpleAuthServer } from '../../fixtures/simpleAuth/server.js';
import { startDefectiveServer, type DefectiveServer } from '../../fixtures/defective/server.js';
import { ROOT } from './helpers.js';

let bundle: string;
let tmp: string;

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bundle, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

describe('mcp-lens doctor (CLI)', function () {
  this.timeout(60_000);
  let good: SimpleAuthServer;
  let legacy: SimpleAuthServer;
  let broken: DefectiveServer;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-doctor-'));
    bundle = path.join(tmp, 'cli.js');
    const esbuild = await import('esbuild');
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['src/cli/main.ts'],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      logLevel: 'error',
    });
    good = await startSimpleAuthServer({ githubClientId: 'demo', githubClientSecret: 's3cret' });
    legacy = await startSimpleAuthServer({
      githubClientId: 'demo',
      githubClientSecret: 's3cret',
      protectedResourceMetadata: false,
    });
    broken = await startDefectiveServer('invalid-token-500');
  });

  after(async () => {
    await good?.close();
    await legacy?.close();
    await broken?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('exit 0 and a line per check for a good server', async () => {
    const r = await runCli(['doctor', good.mcpUrl]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (let i = 1; i <= CHECK_IDS.length; i++) assert.match(r.stdout, new RegExp(`^\\S+ +${i}\\. `, 'm'));
    assert.equal(CHECK_IDS.length, 18);
    // TLS (plain http) and the three era checks that need an unauthenticated answer skip on an OAuth server.
    assert.match(r.stdout, /OK: 14 passed, 0 warnings, 0 failed, 4 skipped/);
  });

  it('exit 0 with warnings (2025-03-26 server), and the fix is printed', async () => {
    const r = await runCli(['doctor', legacy.mcpUrl]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /12\. Protected resource metadata: WARN/);
    assert.match(r.stdout, /fix: {2}Serve RFC 9728 metadata/);
    assert.match(r.stdout, /1 warning,/);
  });

  it('exit 1 when a check fails; --json prints the report only', async () => {
    const r = await runCli(['doctor', broken.mcpUrl, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.equal(report.ok, false);
    assert.equal(report.checks.find((c) => c.id === 'invalid-token')?.status, 'fail');
    assert.equal(report.counts.fail, 1);
  });

  it('--markdown FILE writes the report (and the exit code still reflects the failure)', async () => {
    const file = path.join(tmp, 'report.md');
    const r = await runCli(['doctor', '--markdown', file, broken.mcpUrl]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /18\. Invalid token handling: FAIL/);
    const md = fs.readFileSync(file, 'utf8');
    assert.match(md, /^# MCP Lens connection doctor/);
    assert.match(md, /\| 18 \| Invalid token handling \| ❌ FAIL \|/);
  });

  it('--transport sse probes with GET only', async () => {
    const sse = await startSimpleAuthServer({ githubClientId: 'demo', githubClientSecret: 's3cret', transport: 'sse' });
    try {
      const r = await runCli(['doctor', sse.mcpUrl, '--transport', 'sse', '--json']);
      assert.equal(r.code, 0, r.stdout);
      const report = JSON.parse(r.stdout) as DoctorReport;
      assert.equal(report.transport, 'sse');
      assert.equal(sse.stats.count({ method: 'POST', path: '/sse' }), 0, 'no Streamable HTTP probe');
    } finally {
      await sse.close();
    }
  });

  it('--markdown - prints Markdown on stdout', async () => {
    const r = await runCli(['doctor', good.mcpUrl, '--markdown', '-']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^# MCP Lens connection doctor/);
  });

  it('exit 2 on usage errors', async () => {
    for (const args of [
      ['doctor'],
      ['doctor', 'ftp://x/'],
      ['doctor', good.mcpUrl, '--bogus'],
      ['doctor', good.mcpUrl, '--transport', 'carrier-pigeon'],
      ['doctor', good.mcpUrl, 'extra'],
      ['doctor', good.mcpUrl, '--timeout', '0'],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^mcp-lens: /);
      assert.match(r.stderr, /Usage: mcp-lens doctor <url>/);
    }
    const help = await runCli(['doctor', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 no check failed/);
    const top = await runCli(['--help']);
    assert.match(top.stdout, /mcp-lens doctor <url>/);
  });
});
