/**
 * The engine's own cost per call, without processes or sockets: prints figures, asserts nothing.
 *
 * `npm run bench` measures the engine against a bare SDK client over real stdio and HTTP, where the
 * servers and the pipes cost far more than the engine does, and a busy machine moves the figures
 * by more than the difference under test. Here the eras fixture runs in this process, served over
 * an in-memory transport pair (the v2 server's `serveStdio` entry with a transport of our own), so
 * each side's CPU time per call is its client work plus the same server work: the difference
 * ours − bare is the engine's overhead, in µs per call.
 *
 * - `calls`: `echo` through a `Connection` (its stdio transport replaced by the in-memory pair) and
 *   through a bare v2 `Client`, pinned to the same era, interleaved in rounds;
 * - `pieces`: the per-message work of the stdio transport and the trace, in a tight loop.
 *
 * Usage: npx tsx scripts/benchEngineOverhead.ts [--calls 3000] [--rounds 6]
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Connection } from '../src/core/connection';
import * as stdioTransport from '../src/core/stdioTransport';
import { TraceBuffer, TracingTransport } from '../src/core/trace';
import { createErasServer, createErasState } from '../test/fixtures/eras/erasFactory';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CALLS = option('calls', 3000);
const ROUNDS = option('rounds', 6);
const WARMUP = 300;

type Era = 'modern' | 'legacy';

/** A linked in-memory pair, the server end served by the eras fixture as its stdio entry would. */
function inProcessServer(): Transport {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  const state = createErasState();
  serveStdio(({ era }) => createErasServer({ mode: 'dual', state, era }), {
    legacy: 'serve',
    transport: serverEnd,
  });
  return clientEnd as unknown as Transport;
}

interface Target {
  call(text: string): Promise<unknown>;
  close(): Promise<void>;
}

async function openOurs(era: Era): Promise<Target> {
  const connection = new Connection(
    {
      id: `overhead-${era}`,
      name: `overhead-${era}`,
      transport: 'stdio',
      command: 'in-process',
      args: [],
      protocol: era === 'modern' ? '2026-07-28' : '2025',
    },
    { requestTimeoutMs: 30_000 },
  );
  // Everything else is the engine's own path: the trace, the observer, the request timeout.
  (connection as unknown as { createStdioTransport: () => Transport }).createStdioTransport = inProcessServer;
  await connection.connect();
  if (connection.era !== era) throw new Error(`ours negotiated ${connection.era}, not ${era}`);
  return {
    call: (text) => connection.callTool('echo', { text }),
    close: () => connection.dispose(),
  };
}

async function openBare(era: Era): Promise<Target> {
  const client = new Client(
    { name: 'overhead-bare', version: '1.0.0' },
    { versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : 'legacy' } },
  );
  await client.connect(inProcessServer() as never);
  if (client.getProtocolEra() !== era) throw new Error(`bare negotiated ${client.getProtocolEra()}, not ${era}`);
  return {
    call: (text) => client.callTool({ name: 'echo', arguments: { text } }),
    close: () => client.close(),
  };
}

async function calls(era: Era): Promise<void> {
  const sides = [
    { label: 'ours (Connection)', target: await openOurs(era), cpu: 0, wall: [] as number[] },
    { label: 'bare v2 Client', target: await openBare(era), cpu: 0, wall: [] as number[] },
  ];
  try {
    for (const side of sides) for (let i = 0; i < WARMUP; i++) await side.target.call(`warm ${i}`);
    const perRound = Math.ceil(CALLS / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < sides.length; k++) {
        const side = sides[(round + k) % sides.length];
        const cpu = process.cpuUsage();
        for (let i = 0; i < perRound; i++) {
          const started = performance.now();
          await side.target.call(`bench ${i}`);
          side.wall.push(performance.now() - started);
        }
        const used = process.cpuUsage(cpu);
        side.cpu += used.user + used.system;
      }
    }
  } finally {
    for (const side of sides) await side.target.close();
  }
  const figures = sides.map((side) => {
    const sorted = side.wall.sort((a, b) => a - b);
    return {
      label: side.label,
      cpuUs: side.cpu / sorted.length,
      p50Us: sorted[Math.floor(sorted.length / 2)] * 1000,
    };
  });
  console.log(`  ${era} era, echo in process (${figures.length} sides × ${CALLS} calls, ${ROUNDS} rounds)`);
  for (const f of figures) {
    console.log(
      `    ${f.label.padEnd(20)} CPU ${f.cpuUs.toFixed(1).padStart(7)} µs/call   p50 ${f.p50Us.toFixed(1).padStart(7)} µs`,
    );
  }
  const [ours, bare] = figures;
  console.log(
    `    engine overhead: CPU +${(ours.cpuUs - bare.cpuUs).toFixed(1)} µs/call (×${(ours.cpuUs / bare.cpuUs).toFixed(3)}), p50 +${(ours.p50Us - bare.p50Us).toFixed(1)} µs`,
  );
}

/** CPU µs per iteration of `work`, the best of five runs (the least disturbed). */
function perIteration(iterations: number, work: (i: number) => void): number {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const started = process.cpuUsage();
    for (let i = 0; i < iterations; i++) work(i);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  return best;
}

function pieces(): void {
  const request: JSONRPCMessage = {
    jsonrpc: '2.0',
    id: 7,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text: 'bench 1' }, _meta: { progressToken: 7 } },
  };
  const response: JSONRPCMessage = {
    jsonrpc: '2.0',
    id: 7,
    result: { content: [{ type: 'text', text: 'echo: bench 1' }], resultType: 'complete' },
  };
  const line = JSON.stringify(response);
  const n = 20_000;
  console.log('  per message (best of 5 runs)');
  // Optional in older trees: the line parser this change introduced.
  const parse = (stdioTransport as { parseJsonRpcLine?: (l: string) => unknown }).parseJsonRpcLine;
  const rows: Array<[string, number]> = [
    ['stdio line, SDK v1 deserializeMessage (zod)', perIteration(n, () => deserializeMessage(line))],
  ];
  if (parse) rows.push(['stdio line, parseJsonRpcLine', perIteration(n, () => parse(line))]);
  const inner: Transport = { start: async () => {}, close: async () => {}, send: async () => {} };
  const tracing = new TracingTransport(inner, new TraceBuffer());
  rows.push([
    'trace: a request out and its response in',
    perIteration(n, (i) => {
      (request as { id: number }).id = i;
      (response as { id: number }).id = i;
      void tracing.send(request);
      inner.onmessage?.(response);
    }),
  ]);
  for (const [label, us] of rows) console.log(`    ${label.padEnd(48)} ${us.toFixed(2).padStart(6)} µs`);
}

async function main(): Promise<void> {
  console.log(
    `engine overhead — node ${process.version}, load average ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  pieces();
  await calls('modern');
  await calls('legacy');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
