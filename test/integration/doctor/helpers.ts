/** Shared helpers of the connection doctor's tests. */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { CheckId, CheckStatus, DoctorReport } from '../../../src/core/doctor/index.js';
import { freePort, stopProcess, waitForPort } from '../../support/everything.js';

export const ROOT = path.resolve(__dirname, '../../..');
const DEMO = path.join(ROOT, 'node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js');
const PRELOAD = path.join(ROOT, 'test/support/loopbackOnly.cjs');

export function statuses(report: DoctorReport): Record<CheckId, CheckStatus> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status])) as Record<CheckId, CheckStatus>;
}

/**
 * The verdict of a check a test does not name. The 2026-07-28-only checks skip (the servers these
 * defaults are for speak the 2025 revisions; the era tests name their verdicts), and the era summary
 * skips when the server wants a token before either era answers.
 */
function defaultVerdict(id: CheckId, report: DoctorReport): CheckStatus {
  if (id === 'tls' || id === 'mcp-method' || id === 'cache-hints') return 'skip';
  if (id === 'eras') return report.authorizationRequired ? 'skip' : 'pass';
  return 'pass';
}

/**
 * Asserts the exact verdict of every check: the ones named in `expected`, and the default for all others
 * (pass, except TLS on http and the era checks above) — so nothing false is reported beyond the expected findings.
 */
export function assertVerdicts(report: DoctorReport, expected: Partial<Record<CheckId, CheckStatus>>): void {
  const want = Object.fromEntries(report.checks.map((c) => [c.id, expected[c.id] ?? defaultVerdict(c.id, report)]));
  const got = statuses(report);
  const describe = report.checks
    .filter((c) => c.status !== want[c.id])
    .map((c) => `${c.index}. ${c.id}: got ${c.status}, want ${want[c.id]} — ${c.summary}`)
    .join('\n');
  assert.deepEqual(got, want, `unexpected verdicts:\n${describe}`);
}

export function check(report: DoctorReport, id: CheckId) {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, `no check ${id}`);
  return found;
}

/** The MCP SDK's OAuth demo (simpleStreamableHttp.js --oauth), kept on 127.0.0.1 by the loopbackOnly preload. */
export async function startSdkDemo(): Promise<{ mcpUrl: string; child: ChildProcess; stop(): Promise<void> }> {
  const [mcpPort, authPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['-r', PRELOAD, DEMO, '--oauth'], {
    env: { ...process.env, MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const alive = () => child.exitCode === null;
  await waitForPort(mcpPort, 20_000, alive);
  await waitForPort(authPort, 20_000, alive);
  return { mcpUrl: `http://localhost:${mcpPort}/mcp`, child, stop: () => stopProcess(child) };
}
