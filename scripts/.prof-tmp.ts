import { InMemoryTransport } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Connection } from '../src/core/connection';
import { createErasServer, createErasState } from '../test/fixtures/eras/erasFactory';
function inProcessServer(): Transport {
  const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
  const state = createErasState();
  serveStdio(({ era }) => createErasServer({ mode: 'dual', state, era }), { legacy: 'serve', transport: serverEnd });
  return clientEnd as unknown as Transport;
}
async function main() {
  const c = new Connection({ id: 'p', name: 'p', transport: 'stdio', command: 'x', args: [], protocol: '2026-07-28' }, { requestTimeoutMs: 30000 });
  (c as unknown as { createStdioTransport: () => Transport }).createStdioTransport = inProcessServer;
  await c.connect();
  for (let i = 0; i < 20000; i++) await c.callTool('echo', { text: `t ${i}` });
  await c.dispose();
}
main().then(() => process.exit(0));
