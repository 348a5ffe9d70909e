import { strict as assert } from 'node:assert';
import { parseArgs, type RunRequest, UsageError, usageText } from '../../../src/cli/args';
import { doctorUsage, parseDoctorArgs } from '../../../src/cli/doctor';
import { formatServerLine } from '../../../src/cli/format';

function runRequest(argv: string[]): RunRequest {
  const parsed = parseArgs(argv);
  assert.equal(parsed.kind, 'run');
  return parsed as RunRequest;
}

function usageError(parse: () => unknown, pattern: RegExp): void {
  assert.throws(parse, (e: unknown) => {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('cli: --protocol', () => {
  it('is absent from the config by default and with auto (negotiation)', () => {
    assert.equal(runRequest(['tools', 'http://127.0.0.1:3001/mcp']).config.protocol, undefined);
    assert.equal(runRequest(['tools', 'http://127.0.0.1:3001/mcp', '--protocol', 'auto']).config.protocol, undefined);
  });

  it('pins 2025 or 2026-07-28 on every connecting command, HTTP and stdio', () => {
    for (const command of [
      ['tools'],
      ['resources'],
      ['prompts'],
      ['call', 'echo'],
      ['read', 'x://y'],
      ['prompt', 'p'],
    ]) {
      const [name, ...operands] = command;
      const http = runRequest([name, 'http://127.0.0.1:3001/mcp', ...operands, '--protocol', '2026-07-28']);
      assert.equal(http.config.protocol, '2026-07-28', name);
      const stdio = runRequest([name, '--stdio', 'node server.js', ...operands, '--protocol=2025']);
      assert.equal(stdio.config.protocol, '2025', name);
    }
  });

  it('rejects anything else, listing the choices', () => {
    usageError(
      () => parseArgs(['tools', 'http://127.0.0.1:3001/mcp', '--protocol', '2025-06-18']),
      /--protocol must be auto, 2025, 2026-07-28 \(got "2025-06-18"\)/,
    );
    usageError(() => parseArgs(['tools', 'http://127.0.0.1:3001/mcp', '--protocol']), /--protocol needs a value/);
    usageError(
      () => parseArgs(['tools', 'http://127.0.0.1:3001/mcp', '--protocol', '2025', '--protocol', 'auto']),
      /--protocol is given more than once/,
    );
  });

  it('refuses 2026-07-28 over the HTTP+SSE transport', () => {
    usageError(
      () => parseArgs(['tools', 'http://127.0.0.1:3001/sse', '--transport', 'sse', '--protocol', '2026-07-28']),
      /--protocol 2026-07-28 is not spoken over --transport sse/,
    );
    assert.equal(
      runRequest(['tools', 'http://127.0.0.1:3001/sse', '--transport', 'sse', '--protocol', '2025']).config.protocol,
      '2025',
    );
  });

  it('is documented in --help and in doctor --help', () => {
    assert.match(usageText(), /--protocol auto\|2025\|2026-07-28/);
    assert.match(doctorUsage(), /--protocol auto\|2025\|2026-07-28/);
    assert.match(doctorUsage(), /Runs 18 checks/);
  });

  it('doctor takes --protocol too (default auto)', () => {
    assert.equal(parseDoctorArgs(['http://127.0.0.1:3001/mcp']).protocol, 'auto');
    assert.equal(parseDoctorArgs(['http://127.0.0.1:3001/mcp', '--protocol', '2025']).protocol, '2025');
    usageError(
      () => parseDoctorArgs(['http://127.0.0.1:3001/mcp', '--protocol', 'modern']),
      /--protocol must be auto, 2025, 2026-07-28 \(got "modern"\)/,
    );
  });
});

describe('cli: doctor --stdio', () => {
  it('takes a command line instead of a URL', () => {
    const r = parseDoctorArgs(['--stdio', 'node "my server.js" --flag', '--timeout', '2']);
    assert.deepEqual(r.stdio, ['node', 'my server.js', '--flag']);
    assert.equal(r.timeoutMs, 2000);
  });

  it('refuses the HTTP-only options and a URL with it', () => {
    usageError(() => parseDoctorArgs(['--stdio', 'node s.js', 'http://127.0.0.1:1/mcp']), /either a URL or --stdio/);
    usageError(() => parseDoctorArgs(['--stdio', 'node s.js', '--transport', 'sse']), /--transport applies to a URL/);
    usageError(() => parseDoctorArgs(['--stdio', 'node s.js', '-H', 'A: b']), /--header applies to a URL/);
    usageError(() => parseDoctorArgs(['--stdio', '']), /--stdio needs a command line/);
    usageError(() => parseDoctorArgs(['--stdio', 'node "oops']), /--stdio: Unterminated double quote/);
  });
});

describe('cli: the server line', () => {
  it('names the server, the protocol version, the era and how it was negotiated', () => {
    assert.equal(
      formatServerLine({
        server: { name: 'eras-fixture-dual', version: '1.0.0' },
        era: 'modern',
        protocolVersion: '2026-07-28',
        negotiation: 'server/discover offered 2026-07-28',
      }),
      'Server: eras-fixture-dual 1.0.0 · MCP 2026-07-28 (2026-07-28 era; server/discover offered 2026-07-28)\n',
    );
    assert.equal(
      formatServerLine({ server: { name: 'old', version: '0.1' }, era: 'legacy', protocolVersion: '2025-06-18' }),
      'Server: old 0.1 · MCP 2025-06-18 (2025 era)\n',
    );
  });

  it('says what it does not know, and prints server text as data', () => {
    assert.equal(formatServerLine({}), 'Server: unnamed server · MCP (version unknown)\n');
    assert.equal(
      formatServerLine({ server: { name: 'evil\x1b[2J' }, protocolVersion: '2025-06-18', negotiation: 'a\nb' }),
      'Server: evil\\x1b[2J · MCP 2025-06-18 (a)\n',
    );
  });
});
