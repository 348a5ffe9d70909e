import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PRELOAD = path.join(ROOT, 'test/support/loopbackOnly.cjs');
const EVERYTHING = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Local addresses of the TCP sockets listening on `port`, from iproute2's `ss` (numeric, no DNS). */
function listeningAddresses(port: number): string[] {
  const out = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const local = l.trim().split(/\s+/)[3] ?? '';
      return local.slice(0, local.lastIndexOf(':'));
    });
}

async function waitForListening(port: number, child: ChildProcess, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server-everything exited early with code ${child.exitCode}`);
    const addresses = listeningAddresses(port);
    if (addresses.length) return addresses;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

describe('server-everything under the loopbackOnly preload', () => {
  for (const mode of ['streamableHttp', 'sse']) {
    it(`listens only on 127.0.0.1 in ${mode} mode`, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, ['-r', PRELOAD, EVERYTHING, mode], {
        env: { ...process.env, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      try {
        const addresses = await waitForListening(port, child, 20000).catch((e: Error) => {
          throw new Error(`${e.message}\n${stderr}`);
        });
        assert.deepEqual(addresses, ['127.0.0.1']);
      } finally {
        child.kill('SIGTERM');
        if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      }
    });
  }
});
