/**
 * The bundled `mcp-lens` CLI on both protocol eras, against the eras fixtures (SDK v2 server) on
 * 127.0.0.1 over Streamable HTTP and stdio: the same commands work on both eras, `--protocol` pins one,
 * and the output names the era, the protocol version and how it was negotiated (human and --json).
 * The connection engine negotiates the era (src/core/connection.ts); these tests check what the CLI makes of it.
 */
import { strict as assert } from 'node:assert';
import { formatCommandLine } from '../../../src/core/config';
import { ERAS_URIS, STATIC_RESOURCE_TEXT } from '../../fixtures/eras/erasFactory';
import { startErasHttpServer, type ErasHttpServer } from '../../fixtures/eras/erasHttpServer';
import { ERAS_STDIO_SERVER_PATH } from '../../fixtures/eras/erasStdioServer';
import { cli, cliBundle } from './harness';

interface ListingJson {
  server?: { name?: string; version?: string };
  era?: string;
  protocolVersion?: string;
  negotiation?: string;
  tools?: Array<{ name: string }>;
}

function stdioTarget(mode: 'dual' | 'modern-only'): string[] {
  return ['--stdio', formatCommandLine([process.execPath, '--import', 'tsx', ERAS_STDIO_SERVER_PATH, '--mode', mode])];
}

describe('cli: both protocol eras', function () {
  this.timeout(60_000);
  let dual: ErasHttpServer;
  let modernOnly: ErasHttpServer;

  before(async function () {
    this.timeout(120_000);
    await cliBundle();
    dual = await startErasHttpServer({ mode: 'dual' });
    modernOnly = await startErasHttpServer({ mode: 'modern-only' });
  });

  after(async () => {
    await dual?.close();
    await modernOnly?.close();
  });

  const targets: Array<[string, () => string[]]> = [
    ['Streamable HTTP', () => [dual.url]],
    ['stdio', () => stdioTarget('dual')],
  ];
  for (const [label, target] of targets) {
    describe(`a dual-era server over ${label}`, () => {
      it('auto negotiates 2026-07-28; --json carries era, protocolVersion, negotiation and the server', async () => {
        const r = await cli(['tools', ...target(), '--json']);
        assert.equal(r.code, 0, r.stderr);
        const listing = JSON.parse(r.stdout) as ListingJson;
        assert.equal(listing.era, 'modern');
        assert.equal(listing.protocolVersion, '2026-07-28');
        assert.equal(typeof listing.negotiation, 'string');
        assert.ok(listing.negotiation);
        assert.deepEqual(listing.server, { name: 'eras-fixture-dual', version: '1.0.0' });
        assert.ok(listing.tools?.some((t) => t.name === 'echo'));
      });

      it('--protocol 2025 speaks the 2025 revisions; the same tools are listed', async () => {
        const modern = JSON.parse((await cli(['tools', ...target(), '--json'])).stdout) as ListingJson;
        const r = await cli(['tools', ...target(), '--json', '--protocol', '2025']);
        assert.equal(r.code, 0, r.stderr);
        const legacy = JSON.parse(r.stdout) as ListingJson;
        assert.equal(legacy.era, 'legacy');
        assert.match(legacy.protocolVersion ?? '', /^2025-/);
        assert.deepEqual(
          legacy.tools?.map((t) => t.name),
          modern.tools?.map((t) => t.name),
        );
      });

      it('the human listing ends with the server line: name, version, protocol version and era', async () => {
        const modern = await cli(['tools', ...target()]);
        assert.equal(modern.code, 0, modern.stderr);
        assert.match(modern.stdout, /^\d+ tools:\n\n/);
        assert.match(modern.stdout, /\n\nServer: eras-fixture-dual 1\.0\.0 · MCP 2026-07-28 \(2026-07-28 era; .+\)\n$/);
        const legacy = await cli(['prompts', ...target(), '--protocol', '2025']);
        assert.equal(legacy.code, 0, legacy.stderr);
        assert.match(legacy.stdout, /\n\nServer: eras-fixture-dual 1\.0\.0 · MCP 2025-\S+ \(2025 era.*\)\n$/);
      });

      it('call gives the same answer on both eras', async () => {
        for (const protocol of ['2026-07-28', '2025']) {
          const r = await cli(['call', ...target(), 'echo', '{"text": "hi"}', '--protocol', protocol]);
          assert.equal(r.code, 0, `${protocol}: ${r.stderr}`);
          assert.equal(r.stdout, 'echo: hi\n', protocol);
        }
      });
    });
  }

  it('read says the cache hint on stderr beside the text on 2026-07-28, nothing on 2025; --json is the result', async () => {
    const modern = await cli(['read', dual.url, ERAS_URIS.static]);
    assert.equal(modern.code, 0, modern.stderr);
    assert.equal(modern.stdout, `${STATIC_RESOURCE_TEXT}\n`);
    assert.equal(modern.stderr, 'Result: fresh for 30 s · private\n');
    const legacy = await cli(['read', dual.url, ERAS_URIS.static, '--protocol', '2025']);
    assert.equal(legacy.code, 0, legacy.stderr);
    assert.equal(legacy.stdout, `${STATIC_RESOURCE_TEXT}\n`);
    assert.equal(legacy.stderr, '');
    const json = await cli(['read', dual.url, ERAS_URIS.static, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(
      (JSON.parse(json.stdout) as { contents: Array<{ text: string }> }).contents[0].text,
      STATIC_RESOURCE_TEXT,
    );
    assert.equal(json.stderr, '');
    // A plain `complete` result without a cache hint has nothing to add: call's output is unchanged.
    const call = await cli(['call', dual.url, 'echo', '{"text": "hi"}']);
    assert.equal(call.stderr, '');
  });

  it('--verbose names the negotiated era on stderr for every command', async () => {
    const r = await cli(['read', dual.url, 'eras://static/readme', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Server: eras-fixture-dual 1\.0\.0 · MCP 2026-07-28 \(2026-07-28 era/m);
  });

  it('a 2026-07-28-only server: auto works, --protocol 2025 fails with exit 1 and says why', async () => {
    const ok = await cli(['tools', modernOnly.url, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as ListingJson).era, 'modern');
    const pinned = await cli(['tools', modernOnly.url, '--protocol', '2025']);
    assert.equal(pinned.code, 1, pinned.stdout);
    assert.match(pinned.stderr, /^mcp-lens: .*(protocol|version)/im);
  });

  it('doctor on a dual-era server reports both eras (no connection engine involved)', async () => {
    const r = await cli(['doctor', dual.url]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^\S+ +5\. Server discovery \(2026-07-28\): PASS — Speaks MCP 2026-07-28/m);
    assert.match(r.stdout, /^\S+ +8\. Protocol eras: PASS — Speaks both eras/m);
    assert.match(
      r.stdout,
      /^Protocol eras: 2026-07-28 \(offers 2026-07-28\) and 2025 \(2025-\S+\); both describe the same server\nOK: /m,
    );
    const json = await cli(['doctor', dual.url, '--json', '--protocol', '2025']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { eras?: { speaks: string[] } };
    assert.deepEqual(report.eras?.speaks, ['legacy']);
  });

  it('doctor --stdio probes a stdio server on both eras', async () => {
    const r = await cli(['doctor', ...stdioTarget('dual')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^\S+ +1\. Server discovery \(2026-07-28\): PASS/m);
    assert.match(r.stdout, /^\S+ +3\. Protocol eras: PASS — Speaks both eras/m);
    assert.match(r.stdout, /^OK: 3 passed, 0 warnings, 0 failed, 0 skipped$/m);
  });
});
