/**
 * One side of `npm run bench`'s era section, in a process of its own: `scripts/bench.ts` forks one
 * per side and drives it over IPC, one request at a time (open, call, close).
 *
 * Why a process per side: in one process every side's garbage is collected during whichever call
 * happens to be running, so a side's p95 counted the pauses the others caused, and which side
 * caught them was luck (two sides making identical calls saw p95s ×0.80–1.08 apart at 2000 calls).
 * Here each side pays for its own allocations, as a real client process does, and the CPU time a
 * call reports is that side's alone. The timing is taken in this process around the call itself:
 * the IPC round trip is outside it.
 */
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport as V2StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ConnectionConfig } from '../src/core/config';
import { Connection } from '../src/core/connection';
import { REPO_ROOT } from '../test/support/everything';

/** The echo tool's argument: server-everything takes `message`, the eras fixture `text`. */
export type EchoArgument = 'message' | 'text';

export interface Endpoint {
  stdio?: { command: string; args: string[] };
  url?: string;
}

/** What a side process opens: plain data, sent over IPC. */
export type SideSpec =
  | { kind: 'ours'; config: ConnectionConfig; argument: EchoArgument }
  | { kind: 'bare-v1'; endpoint: Endpoint; argument: EchoArgument }
  | { kind: 'bare-v2'; endpoint: Endpoint; argument: EchoArgument; mode: 'legacy' | { pin: '2026-07-28' } };

export type SideRequest = { type: 'open'; spec: SideSpec } | { type: 'call'; index: number } | { type: 'close' };

export type SideReply =
  | { type: 'opened'; connectMs: number; negotiated: string }
  | { type: 'called'; ms: number; cpuUs: number }
  | { type: 'closed' }
  | { type: 'failed'; message: string };

interface EchoTarget {
  call(message: string): Promise<unknown>;
  close(): Promise<void>;
}

interface Opened {
  target: EchoTarget;
  connectMs: number;
  /** What the side negotiated, to show that each side measured the era it claims. */
  negotiated: string;
}

/** Times `connect`; once connected, names what was negotiated and makes the calls through `target`. */
async function timedOpen(connect: () => Promise<void>, negotiated: () => string, target: EchoTarget): Promise<Opened> {
  const started = performance.now();
  await connect();
  return { connectMs: performance.now() - started, negotiated: negotiated(), target };
}

function open(spec: SideSpec): Promise<Opened> {
  if (spec.kind === 'ours') {
    const connection = new Connection(spec.config, { requestTimeoutMs: 30_000 });
    return timedOpen(
      () => connection.connect(),
      () => `${connection.era ?? '?'} ${connection.protocolVersion ?? '?'}`,
      { call: (value) => connection.callTool('echo', { [spec.argument]: value }), close: () => connection.dispose() },
    );
  }
  const { endpoint, argument } = spec;
  const echo = (value: string) => ({ name: 'echo', arguments: { [argument]: value } });
  if (spec.kind === 'bare-v1') {
    const client = new V1Client({ name: 'bench-bare-v1', version: '1.0.0' });
    const transport = endpoint.stdio
      ? new V1StdioClientTransport({ ...endpoint.stdio, cwd: REPO_ROOT, stderr: 'ignore' })
      : new V1StreamableHTTPClientTransport(new URL(endpoint.url!));
    return timedOpen(
      () => client.connect(transport),
      () => 'legacy initialize',
      { call: (value) => client.callTool(echo(value)), close: () => client.close() },
    );
  }
  const client = new V2Client({ name: 'bench-bare-v2', version: '1.0.0' }, { versionNegotiation: { mode: spec.mode } });
  const transport = endpoint.stdio
    ? new V2StdioClientTransport({ ...endpoint.stdio, cwd: REPO_ROOT, stderr: 'ignore' })
    : new V2StreamableHTTPClientTransport(new URL(endpoint.url!));
  return timedOpen(
    () => client.connect(transport),
    () => `${client.getProtocolEra() ?? '?'} ${client.getNegotiatedProtocolVersion() ?? '?'}`,
    { call: (value) => client.callTool(echo(value)), close: () => client.close() },
  );
}

let target: EchoTarget | undefined;

async function handle(request: SideRequest): Promise<SideReply> {
  switch (request.type) {
    case 'open': {
      const opened = await open(request.spec);
      target = opened.target;
      return { type: 'opened', connectMs: opened.connectMs, negotiated: opened.negotiated };
    }
    case 'call': {
      if (!target) throw new Error('call before open');
      const cpu = process.cpuUsage();
      const started = performance.now();
      await target.call(`bench ${request.index}`);
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return { type: 'called', ms, cpuUs: used.user + used.system };
    }
    case 'close': {
      const closing = target;
      target = undefined;
      await closing?.close();
      return { type: 'closed' };
    }
  }
}

if (!process.send) {
  console.error('scripts/benchSide.ts is forked by scripts/bench.ts (npm run bench); it does not run alone.');
  process.exit(2);
}
process.on('message', (request: SideRequest) => {
  handle(request).then(
    (reply) => process.send!(reply),
    (e: unknown) => process.send!({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
  );
});
// The parent going away (its run ended or crashed) ends this side too, closing its server if stdio.
process.on('disconnect', () => {
  const closing = target;
  target = undefined;
  setTimeout(() => process.exit(0), 3000).unref();
  void Promise.resolve(closing?.close()).finally(() => process.exit(0));
});
