/**
 * The doctor's era probe of stdio servers (real processes): the eras fixture (dual, modern-only),
 * server-everything (2025 only), and a server that never answers (bounded by the time limit). Every
 * probe process is gone afterwards.
 */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { diagnoseStdio } from '../../../src/core/doctor/index.js';
import { ERAS_STDIO_SERVER_PATH } from '../../fixtures/eras/erasStdioServer.js';
import { everythingStdioCommand } from '../../support/everything.js';
import { processesWithMarker } from '../cli/harness.js';
import { check } from './helpers.js';

const TSX = ['--import', 'tsx'];

function statuses(report: Awaited<ReturnType<typeof diagnoseStdio>>): string[] {
  return report.checks.map((c) => `${c.id}:${c.status}`);
}

describe('connection doctor: stdio servers (era probe)', function () {
  this.timeout(60_000);

  it('a dual-era server: both eras, agreeing; no probe process is left', async () => {
    const marker = `doctor-stdio-${randomUUID()}`;
    const report = await diagnoseStdio({
      command: process.execPath,
      args: [...TSX, ERAS_STDIO_SERVER_PATH, '--mode', 'dual', marker],
    });
    assert.deepEqual(statuses(report), ['discover:pass', 'initialize:pass', 'eras:pass']);
    assert.deepEqual(report.eras?.speaks, ['modern', 'legacy']);
    assert.deepEqual(report.eras?.supportedVersions, ['2026-07-28']);
    assert.equal(report.eras?.modernServerInfo?.name, 'eras-fixture-dual');
    assert.equal(report.eras?.agree, true);
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('a 2026-07-28-only server refuses initialize with -32022', async () => {
    const report = await diagnoseStdio({
      command: process.execPath,
      args: [...TSX, ERAS_STDIO_SERVER_PATH, '--mode', 'modern-only'],
    });
    assert.deepEqual(statuses(report), ['discover:pass', 'initialize:pass', 'eras:pass']);
    assert.deepEqual(report.eras?.speaks, ['modern']);
    assert.match(check(report, 'initialize').summary, /JSON-RPC error -32022/);
  });

  it('server-everything (2025 only) answers the probe with a JSON-RPC error: 2025 only, nothing false', async () => {
    const { command, args } = everythingStdioCommand();
    const report = await diagnoseStdio({ command, args });
    assert.deepEqual(statuses(report), ['discover:pass', 'initialize:pass', 'eras:pass']);
    assert.deepEqual(report.eras?.speaks, ['legacy']);
    assert.match(check(report, 'discover').summary, /JSON-RPC error -32601/);
  });

  it('a server that never answers fails both probes within the time limit', async () => {
    const marker = `doctor-stdio-${randomUUID()}`;
    const started = Date.now();
    const report = await diagnoseStdio(
      { command: process.execPath, args: ['-e', 'process.stdin.resume()', marker] },
      { timeoutMs: 1000 },
    );
    assert.ok(Date.now() - started < 15_000);
    assert.deepEqual(statuses(report), ['discover:fail', 'initialize:fail', 'eras:skip']);
    assert.match(check(report, 'discover').summary, /no answer within 1000 ms/);
    assert.match(check(report, 'discover').fix ?? '', /-32601/);
    assert.equal(report.ok, false);
    assert.deepEqual(processesWithMarker(marker), []);
  });
});
