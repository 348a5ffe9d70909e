import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const PRELOAD = path.resolve(__dirname, '../support/loopbackOnly.cjs');

/**
 * Runs `script` in a fresh Node with the preload and returns what it printed. A child process keeps
 * the patched `listen` out of the mocha process.
 */
function runWithPreload(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', PRELOAD, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

/** Each case listens, prints the bound address as JSON, and closes. */
const cases: Array<[string, string]> = [
  ['listen() with no arguments', `s.listen(() => done())`],
  ['listen(0) with no host', `s.listen(0, () => done())`],
  ['listen("0") with a string port (PORT env)', `s.listen("0", () => done())`],
  ['listen(0, "0.0.0.0")', `s.listen(0, "0.0.0.0", () => done())`],
  ['listen(0, "::")', `s.listen(0, "::", () => done())`],
  ['listen(0, backlog, cb)', `s.listen(0, 511, () => done())`],
  ['listen({ port: 0 })', `s.listen({ port: 0 }, () => done())`],
  ['listen({ port: 0, host: "0.0.0.0" })', `s.listen({ port: 0, host: "0.0.0.0" }, () => done())`],
];

describe('loopbackOnly preload', () => {
  for (const [title, call] of cases) {
    it(`binds 127.0.0.1 for ${title}`, async () => {
      const script = `const s = require('node:http').createServer(); const done = () => { console.log(JSON.stringify(s.address())); s.close(); }; ${call};`;
      const address = JSON.parse(await runWithPreload(script)) as { address: string; family: string; port: number };
      assert.equal(address.address, '127.0.0.1');
      assert.equal(address.family, 'IPv4');
      assert.ok(address.port > 0);
    });
  }

  it('leaves an explicit non-wildcard host alone', async () => {
    const script = `const s = require('node:net').createServer(); s.listen(0, '::1', () => { console.log(JSON.stringify(s.address())); s.close(); }); s.on('error', (e) => { console.log(JSON.stringify({ address: 'error:' + e.code })); });`;
    const address = JSON.parse(await runWithPreload(script)) as { address: string };
    // ::1 may be unavailable in a container without IPv6; either way the preload must not turn it into 127.0.0.1.
    assert.notEqual(address.address, '127.0.0.1');
    assert.ok(address.address === '::1' || address.address.startsWith('error:'), address.address);
  });

  it('leaves Unix socket paths alone', async () => {
    const script = `const os = require('node:os'); const p = require('node:path').join(os.tmpdir(), 'lbo-' + process.pid + '.sock'); const s = require('node:net').createServer(); s.listen(p, () => { console.log(JSON.stringify({ address: s.address() })); s.close(); });`;
    const result = JSON.parse(await runWithPreload(script)) as { address: string };
    assert.match(result.address, /lbo-\d+\.sock$/);
  });
});
