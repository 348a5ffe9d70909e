/**
 * `specResultSchema`: the SDK's own result check for a spec method, taken once per era instead of
 * probed on every request. Against a real v2 server that answers `tools/call` with a malformed result
 * (and a good one), on both eras: the explicit check gives what the SDK's own path gives, value for
 * value and error for error, and the connection's tool call reports the malformed result.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { Server, createMcpHandler } from '@modelcontextprotocol/server';
import { Connection } from '../../../src/core/connection';
import { specResultSchema } from '../../../src/core/specResultSchema';

/** A dual-era server whose `tools/call` answers `bad` with `content` as a string (the spec says a list). */
function lyingServer(): Server {
  const server = new Server({ name: 'lying-results', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', async () => ({
    tools: [
      { name: 'good', inputSchema: { type: 'object' as const } },
      { name: 'bad', inputSchema: { type: 'object' as const } },
    ],
  }));
  server.setRequestHandler('tools/call', async (request) => {
    if (request.params.name === 'bad') return { content: 'not a list' } as never;
    return { content: [{ type: 'text' as const, text: 'fine' }] };
  });
  return server;
}

const ERAS = [
  ['2025 (legacy)', 'legacy', 'legacy'],
  ['2026-07-28 (modern)', { pin: '2026-07-28' }, 'modern'],
] as const;

describe('core: the spec result check made once per era (specResultSchema)', function () {
  this.timeout(30_000);
  let http: HttpServer;
  let url: string;
  const clients: Client[] = [];

  before(async () => {
    const node = toNodeHandler(createMcpHandler(() => lyingServer(), { legacy: 'stateless' }));
    http = createServer((req, res) => void node(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  const connectedClient = async (mode: (typeof ERAS)[number][1]): Promise<Client> => {
    const client = new Client({ name: 'spec-result-schema-test', version: '1.0.0' }, { versionNegotiation: { mode } });
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  };

  for (const [label, mode, era] of ERAS) {
    it(`${label}: the same value and the same error as the SDK's own path; made once, and none for a method outside the era`, async () => {
      const client = await connectedClient(mode);
      const schema = specResultSchema(client, 'tools/call');
      assert.ok(schema, 'tools/call has a check in both eras');
      assert.equal(specResultSchema(client, 'tools/call'), schema, 'the check is made once per era and method');

      const good = { method: 'tools/call', params: { name: 'good', arguments: {} } } as const;
      assert.deepEqual(await client.request(good, schema), await client.request(good));

      const bad = { method: 'tools/call', params: { name: 'bad', arguments: {} } } as const;
      const settle = (p: Promise<unknown>) =>
        p.then(
          () => assert.fail('a malformed result must be refused'),
          (e: unknown) => e as Error & { code?: unknown },
        );
      const [ours, sdks] = await Promise.all([settle(client.request(bad, schema)), settle(client.request(bad))]);
      assert.match(sdks.message, /Invalid tools\/call result/);
      assert.match(sdks.message, /expected array, received string/);
      assert.equal(ours.message, sdks.message);
      assert.equal(ours.code, sdks.code);
      assert.equal(ours.constructor, sdks.constructor);

      // A method the era does not have gets no check: the SDK's own path raises its error for it.
      const outside = era === 'legacy' ? 'subscriptions/listen' : 'initialize';
      assert.equal(specResultSchema(client, outside), undefined, outside);
      const inside = era === 'legacy' ? 'initialize' : 'subscriptions/listen';
      assert.ok(specResultSchema(client, inside), inside);
    });

    it(`${label}: a connection's tool call reports the malformed result, and the next call works`, async () => {
      const c = new Connection(
        {
          id: `lying-${era}`,
          name: 'lying-results',
          transport: 'streamable-http',
          url,
          protocol: era === 'legacy' ? '2025' : '2026-07-28',
        },
        { requestTimeoutMs: 20_000 },
      );
      try {
        await c.connect();
        assert.equal(c.era, era);
        const error = await c.callTool('bad', {}).then(
          () => assert.fail('the call should fail'),
          (e: unknown) => e as Error,
        );
        assert.match(error.message, /Invalid tools\/call result/);
        assert.match(error.message, /expected array, received string/);
        const good = await c.callTool('good', {});
        assert.deepEqual(good.content, [{ type: 'text', text: 'fine' }]);
      } finally {
        await c.dispose();
      }
    });
  }
});
