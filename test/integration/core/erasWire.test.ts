/**
 * What the connection reads off the wire for each call (2026-07-28 era, over stdio): the
 * `ttlMs`/`cacheScope` hints and whether the SDK's cache served the call belong to that call,
 * also when another call with the same method and URI is in flight at the same time.
 */
import { strict as assert } from 'node:assert';
import type { StdioConnectionConfig } from '../../../src/core/config';
import { Connection, type ResultExtras } from '../../../src/core/connection';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { ERAS_URIS } from '../../fixtures/eras/erasFactory';
import { ERAS_STDIO_SERVER_PATH } from '../../fixtures/eras/erasStdioServer';
import { REPO_ROOT } from '../../support/everything';

type Read = ReadResourceResult & ResultExtras;

/** The number of a read of the paired resource, from its text (`paired read #N`): its hint is N × 1000 ms. */
function readNumber(result: Read): number {
  const text = (result.contents[0] as { text?: string } | undefined)?.text ?? '';
  const match = /^paired read #(\d+)$/.exec(text);
  assert.ok(match, `unexpected text ${JSON.stringify(text)}`);
  return Number(match[1]);
}

describe('core: hints and cache verdicts are matched per call (2026-07-28, stdio)', function () {
  this.timeout(60_000);
  let c: Connection;

  before(async () => {
    const config: StdioConnectionConfig = {
      id: 'eras-wire',
      name: 'eras-wire',
      transport: 'stdio',
      command: process.execPath,
      args: ['--import', 'tsx', ERAS_STDIO_SERVER_PATH, '--mode', 'modern-only'],
      cwd: REPO_ROOT,
      protocol: '2026-07-28',
    };
    // The fixture runs under tsx, whose start-up on a loaded machine can outlast the default probe limit.
    c = new Connection(config, { requestTimeoutMs: 20_000, stdioProbeTimeoutMs: 20_000 });
    await c.connect();
    assert.equal(c.era, 'modern');
  });

  after(async () => {
    await c?.dispose();
  });

  it('two concurrent reads of one URI each get their own cache hint', async () => {
    for (let round = 0; round < 3; round++) {
      // The fixture answers the two reads back to back, so both answers cross the wire before either call returns.
      const [a, b] = await Promise.all([
        c.readResource(ERAS_URIS.paired, { cache: 'refresh' }),
        c.readResource(ERAS_URIS.paired, { cache: 'refresh' }),
      ]);
      for (const result of [a, b]) {
        assert.equal(result.resultType, 'complete');
        assert.equal(result.cache?.ttlMs, readNumber(result) * 1000, `round ${round}: ${JSON.stringify(result)}`);
        assert.equal(result.cache?.servedFromCache, false);
      }
      assert.notEqual(readNumber(a), readNumber(b));
    }
  });

  it('a read the cache serves says so while identical requests go out, with the hint of what it served', async () => {
    const last = await Promise.all([
      c.readResource(ERAS_URIS.paired, { cache: 'refresh' }),
      c.readResource(ERAS_URIS.paired, { cache: 'refresh' }),
    ]);
    // A pair goes out around a read the cache answers (the last hint is thousands of ms long).
    const [first, cached, second] = await Promise.all([
      c.readResource(ERAS_URIS.paired, { cache: 'refresh' }),
      c.readResource(ERAS_URIS.paired),
      c.readResource(ERAS_URIS.paired, { cache: 'refresh' }),
    ]);
    assert.equal(cached.cache?.servedFromCache, true, JSON.stringify(cached));
    assert.ok(last.map(readNumber).includes(readNumber(cached)), 'the cache served one of the last pair');
    assert.equal(cached.cache?.ttlMs, readNumber(cached) * 1000);
    for (const result of [first, second]) {
      assert.equal(result.cache?.servedFromCache, false);
      assert.equal(result.cache?.ttlMs, readNumber(result) * 1000);
    }
  });
});
