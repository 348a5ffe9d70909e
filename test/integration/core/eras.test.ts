/**
 * One connection engine, both protocol eras: MCP 2026-07-28 ("modern": server/discover) and the
 * 2025 revisions ("legacy": initialize), against the v2 eras fixtures (modern-only and dual, over
 * Streamable HTTP and stdio) and the real server-everything (a 2025 server).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ConnectionConfig, StdioConnectionConfig } from '../../../src/core/config';
import { OAuthEngine } from '../../../src/core/auth/engine';
import { LoopbackRedirect } from '../../../src/core/auth/loopback';
import { MemoryAuthStore } from '../../../src/core/auth/store';
import { Connection } from '../../../src/core/connection';
import { ConnectionError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/logger';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { ERAS_URIS, STATIC_CACHE_HINT, STATIC_RESOURCE_TEXT } from '../../fixtures/eras/erasFactory';
import { startErasHttpServer, type ErasHttpServer } from '../../fixtures/eras/erasHttpServer';
import { startErasOAuthServer } from '../../fixtures/eras/erasOAuthServer';
import { ERAS_STDIO_SERVER_PATH } from '../../fixtures/eras/erasStdioServer';
import { headlessAutoApproveOpener } from '../../support/headlessOpener';
import {
  REPO_ROOT,
  everythingStdioCommand,
  startEverything,
  type RunningServer as RunningEverything,
} from '../../support/everything';

const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';

type TextContent = { type: 'text'; text: string };
const firstText = (result: { content?: unknown[]; contents?: unknown[] }) =>
  (
    (result.content ?? result.contents)?.find((c) => typeof (c as TextContent).text === 'string') as
      TextContent | undefined
  )?.text ?? '';

function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => { dispose(): void },
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('event did not arrive in time'));
    }, timeoutMs);
    const sub = subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

let counter = 0;
const nextId = () => `eras-${++counter}`;

interface LogLine {
  level: string;
  message: string;
}

function recordingLogger(into: LogLine[]): Logger {
  const at = (level: string) => (message: string) => void into.push({ level, message });
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function erasStdio(mode: 'modern-only' | 'dual', protocol?: ConnectionConfig['protocol']): ConnectionConfig {
  return {
    id: nextId(),
    name: `eras-stdio-${mode}`,
    transport: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', ERAS_STDIO_SERVER_PATH, '--mode', mode],
    cwd: REPO_ROOT,
    ...(protocol ? { protocol } : {}),
  };
}

function erasHttp(server: ErasHttpServer, protocol?: ConnectionConfig['protocol']): ConnectionConfig {
  return {
    id: nextId(),
    name: `eras-http-${server.mode}`,
    transport: 'streamable-http',
    url: server.url,
    ...(protocol ? { protocol } : {}),
  };
}

describe('core: one engine speaks both protocol eras', function () {
  this.timeout(60_000);
  let modernOnly: ErasHttpServer;
  let dual: ErasHttpServer;
  let everything: RunningEverything;
  const open: Connection[] = [];
  let logged: LogLine[] = [];

  const connection = (config: ConnectionConfig, requestTimeoutMs = 20_000) => {
    // The eras stdio fixture runs under tsx, whose start-up on a loaded machine can outlast the
    // default probe limit (5 s, start-up included): give it room. Other servers get the default.
    const underTsx = config.transport === 'stdio' && config.args.includes(ERAS_STDIO_SERVER_PATH);
    const c = new Connection(config, {
      requestTimeoutMs,
      logger: recordingLogger(logged),
      ...(underTsx ? { stdioProbeTimeoutMs: 20_000 } : {}),
    });
    open.push(c);
    return c;
  };
  const failure = async (c: Connection): Promise<ConnectionError> => {
    const error = await c.connect().then(
      () => assert.fail('connect should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionError, String(error));
    return error;
  };

  before(async () => {
    [modernOnly, dual, everything] = await Promise.all([
      startErasHttpServer({ mode: 'modern-only' }),
      startErasHttpServer({ mode: 'dual' }),
      startEverything('streamableHttp'),
    ]);
  });
  after(async () => {
    await Promise.all([modernOnly?.close(), dual?.close(), everything?.stop()]);
  });
  beforeEach(() => {
    logged = [];
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.dispose()));
  });

  describe('negotiation', () => {
    it('auto on a modern-only server (HTTP and stdio) → modern, with the discover result and the server info', async () => {
      for (const config of [erasHttp(modernOnly), erasStdio('modern-only')]) {
        const c = connection(config);
        await c.connect();
        assert.equal(c.era, 'modern', config.transport);
        assert.equal(c.protocolVersion, '2026-07-28');
        assert.equal(c.negotiation, 'server/discover offered 2026-07-28 (auto)');
        assert.deepEqual((c.discoverResult?.supportedVersions as string[] | undefined)?.includes('2026-07-28'), true);
        assert.equal(c.serverInfo?.name, 'eras-fixture-modern-only');
        assert.equal(c.instructions, 'Eras test fixture (modern-only).');
        assert.ok(c.capabilities?.tools);
        await c.disconnect();
        assert.equal(c.era, undefined, 'cleared on disconnect');
        assert.equal(c.negotiation, undefined);
        assert.equal(c.discoverResult, undefined);
      }
    });

    it('auto on a dual server → modern; pinned to 2025 on it → legacy', async () => {
      const auto = connection(erasHttp(dual));
      await auto.connect();
      assert.equal(auto.era, 'modern');
      dual.requests.length = 0;
      const pinned = connection(erasHttp(dual, '2025'));
      await pinned.connect();
      assert.equal(pinned.era, 'legacy');
      assert.match(pinned.negotiation ?? '', /^pinned to 2025: initialize negotiated 2025-/);
      assert.equal(pinned.discoverResult, undefined);
      assert.equal(pinned.serverInfo?.name, 'eras-fixture-dual');
      assert.ok(
        !dual.requests.some((r) => (r.body as { method?: string } | undefined)?.method === 'server/discover'),
        'pinned to 2025: no probe',
      );
    });

    it('pinned to 2025 on a modern-only server: says it speaks only 2026-07-28 and what to choose (HTTP, stdio, auto transport)', async () => {
      const configs: ConnectionConfig[] = [
        erasHttp(modernOnly, '2025'),
        { ...erasHttp(modernOnly, '2025'), transport: 'auto' } as ConnectionConfig,
        erasStdio('modern-only', '2025'),
      ];
      for (const config of configs) {
        const error = await failure(connection(config));
        assert.equal(error.code, 'protocol', `${config.transport}: ${error.fullMessage}`);
        assert.match(error.message, /speaks only MCP 2026-07-28/);
        assert.match(error.hint ?? '', /"auto" or "2026-07-28"/);
        assert.doesNotMatch(error.fullMessage, /405|other transport/, 'never the old HTTP 405 advice');
      }
    });

    it('auto on server-everything (a 2025 server) over stdio and HTTP → legacy, quickly', async () => {
      const configs: ConnectionConfig[] = [
        { id: nextId(), name: 'everything-stdio', transport: 'stdio', ...everythingStdioCommand() },
        { id: nextId(), name: 'everything-http', transport: 'streamable-http', url: everything.url },
      ];
      for (const config of configs) {
        // The probe's cost: auto against a connect pinned to 2025, the median of three each.
        const times: Record<'auto' | '2025', number[]> = { auto: [], '2025': [] };
        for (let i = 0; i < 3; i++) {
          for (const protocol of ['auto', '2025'] as const) {
            const c = connection({ ...config, id: nextId(), protocol });
            const started = performance.now();
            await c.connect();
            times[protocol].push(performance.now() - started);
            assert.equal(c.era, 'legacy');
            if (protocol === 'auto') {
              assert.match(c.negotiation ?? '', /^server\/discover was refused \(.+\); fell back to initialize: 2025-/);
            }
            await c.dispose();
          }
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
        const probeMs = median(times.auto) - median(times['2025']);
        console.log(
          `      probe cost over ${config.transport}: auto ${median(times.auto).toFixed(0)} ms, pinned 2025 ${median(times['2025']).toFixed(0)} ms (Δ ${probeMs.toFixed(0)} ms)`,
        );
        // A refused probe is one round trip, not a timeout.
        assert.ok(probeMs < 1500, `the probe cost ${probeMs} ms`);
      }
    });

    it('pinned to 2026-07-28 on server-everything: says it speaks only the 2025 era (what it answered) and what to choose', async () => {
      const configs: ConnectionConfig[] = [
        {
          id: nextId(),
          name: 'everything-stdio',
          transport: 'stdio',
          ...everythingStdioCommand(),
          protocol: '2026-07-28',
        },
        {
          id: nextId(),
          name: 'everything-http',
          transport: 'streamable-http',
          url: everything.url,
          protocol: '2026-07-28',
        },
      ];
      for (const config of configs) {
        const error = await failure(connection(config));
        assert.equal(error.code, 'protocol', error.fullMessage);
        assert.match(error.message, /speaks only the 2025 era of MCP \(it answered server\/discover with .+\)/);
        assert.match(error.hint ?? '', /"auto" or "2025"/);
      }
    });

    it('pinned to 2026-07-28 on the HTTP+SSE transport: a config error, before any request', async () => {
      const error = await failure(
        connection({
          id: nextId(),
          name: 'sse-pinned',
          transport: 'sse',
          url: 'http://127.0.0.1:9/sse',
          protocol: '2026-07-28',
        }),
      );
      assert.equal(error.code, 'invalid-config');
      assert.match(error.message, /MCP 2026-07-28 is not spoken over SSE/);
    });

    describe('2025 stdio servers that do not take the probe well', () => {
      let dir: string;
      before(() => {
        dir = mkdtempSync(path.join(tmpdir(), 'mcp-lens-eras-'));
        // A minimal 2025 stdio server: `exit` ends the process on any request before initialize
        // (as some SDKs do); `silent` ignores such requests and never answers them.
        writeFileSync(
          path.join(dir, 'legacy.cjs'),
          `const behaviour = process.argv[2];
let initialized = false;
let buffer = '';
const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let i;
  while ((i = buffer.indexOf('\\n')) >= 0) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    if (!line.trim()) continue;
    const m = JSON.parse(line);
    if (m.method === 'initialize') {
      initialized = true;
      send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'legacy-' + behaviour, version: '0.0.1' } } });
    } else if (!initialized && m.id !== undefined) {
      if (behaviour === 'exit') process.exit(3);
    } else if (m.method === 'tools/list') {
      send({ jsonrpc: '2.0', id: m.id, result: { tools: [{ name: 'noop', inputSchema: { type: 'object' } }] } });
    } else if (m.id !== undefined) {
      send({ jsonrpc: '2.0', id: m.id, result: {} });
    }
  }
});
`,
        );
      });
      after(() => rmSync(dir, { recursive: true, force: true }));
      const legacyServer = (behaviour: 'exit' | 'silent'): StdioConnectionConfig => ({
        id: nextId(),
        name: `legacy-${behaviour}`,
        transport: 'stdio',
        command: process.execPath,
        args: [path.join(dir, 'legacy.cjs'), behaviour],
      });

      it('one that exits on the probe is started again and connected with initialize, and the negotiation says so', async () => {
        const c = connection(legacyServer('exit'));
        await c.connect();
        assert.equal(c.era, 'legacy');
        assert.equal(c.serverInfo?.name, 'legacy-exit');
        assert.deepEqual(
          c.tools.map((t) => t.name),
          ['noop'],
        );
        assert.equal(
          c.negotiation,
          'the server exited on server/discover; restarted it and connected with initialize: 2025-06-18',
        );
      });

      it('one that never answers the probe costs the probe limit (5 s), not the request timeout', async () => {
        const c = connection(legacyServer('silent'), 30_000);
        const started = performance.now();
        await c.connect();
        const took = performance.now() - started;
        assert.equal(c.era, 'legacy');
        assert.match(
          c.negotiation ?? '',
          /^server\/discover got no answer within 5 s; fell back to initialize: 2025-06-18$/,
        );
        assert.ok(took < 12_000, `connect took ${took} ms`);
      });
    });
  });

  describe('requests on both eras', () => {
    const eras = [
      ['modern (HTTP)', () => erasHttp(dual), 'modern'],
      ['legacy (HTTP)', () => erasHttp(dual, '2025'), 'legacy'],
      ['modern (stdio)', () => erasStdio('dual'), 'modern'],
      ['legacy (stdio)', () => erasStdio('dual', '2025'), 'legacy'],
    ] as const;
    for (const [label, config, era] of eras) {
      it(`${label}: lists, calls (with the outputSchema check), reads and gets`, async () => {
        const c = connection(config());
        await c.connect();
        assert.equal(c.era, era);
        for (const tool of ['echo', 'add', 'slow', 'touch_list', 'bump_resource', 'log']) {
          assert.ok(
            c.tools.some((t) => t.name === tool),
            tool,
          );
        }
        assert.ok(c.resources.some((r) => r.uri === ERAS_URIS.static));
        assert.ok(c.resourceTemplates.some((t) => t.uriTemplate === ERAS_URIS.itemTemplate));
        assert.ok(c.prompts.some((p) => p.name === 'greet'));

        const echo = await c.callTool('echo', { text: 'hi' });
        assert.equal(firstText(echo), 'echo: hi');
        const add = await c.callTool('add', { a: 2, b: 3 });
        assert.deepEqual(add.structuredContent, { sum: 5 });
        assert.equal(add.outputSchemaCheck?.ok, true);
        assert.equal(echo.resultType, era === 'modern' ? 'complete' : undefined);

        const progress: number[] = [];
        await c.callTool('slow', { ms: 200 }, { onProgress: (p) => progress.push(p.progress) });
        // The fixture reports progress before each of its 5 waits.
        assert.deepEqual(progress, [0, 1, 2, 3, 4]);

        const read = await c.readResource(ERAS_URIS.static);
        assert.equal(firstText(read), STATIC_RESOURCE_TEXT);
        const item = await c.readResource('eras://items/42');
        assert.equal(firstText(item), 'item 42');
        const prompt = await c.getPrompt('greet', { name: 'Ada' });
        assert.match(JSON.stringify(prompt.messages), /Say hello to Ada/);
        assert.ok((await c.ping()) >= 0);
      });
    }

    it('cancel works on the modern era', async () => {
      const c = connection(erasHttp(dual));
      await c.connect();
      const abort = new AbortController();
      const call = c.callTool('slow', { ms: 5000 }, { signal: abort.signal, onProgress: () => abort.abort() });
      const error = await call.then(
        () => assert.fail('the call should be cancelled'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.code, 'cancelled');
    });

    // Over stdio no sign-in can hold a deadline, so the SDK's own timer bounds each request: it must
    // keep what the connection's deadline gave (the request's own timeout, named in the error;
    // progress starts it again; a cancel is a cancel).
    for (const [label, protocol] of [
      ['modern (stdio)', undefined],
      ['legacy (stdio)', '2025'],
    ] as const) {
      it(`${label}: a request's own timeout, restarted by progress; a cancel is 'cancelled'`, async () => {
        const c = connection(erasStdio('dual', protocol));
        await c.connect();
        // 5 waits of 400 ms: 2 s in all, never 1.2 s without progress.
        const progress: number[] = [];
        const done = await c.callTool(
          'slow',
          { ms: 2000 },
          { timeoutMs: 1200, onProgress: (p) => progress.push(p.progress) },
        );
        assert.equal(done.isError, undefined);
        assert.deepEqual(progress, [0, 1, 2, 3, 4]);

        const started = Date.now();
        const timedOut = await c.callTool('slow', { ms: 2000 }, { timeoutMs: 1200 }).then(
          () => assert.fail('the call should time out'),
          (e: unknown) => e,
        );
        assert.ok(timedOut instanceof ConnectionError);
        assert.equal(timedOut.code, 'timeout', timedOut.fullMessage);
        assert.match(timedOut.message, /did not answer tools\/call within 1\.2 s/);
        assert.ok(Date.now() - started < 1900, 'timed out after its own 1.2 s, not after the whole call');

        const abort = new AbortController();
        const cancelled = await c
          .callTool('slow', { ms: 5000 }, { signal: abort.signal, onProgress: () => abort.abort() })
          .then(
            () => assert.fail('the call should be cancelled'),
            (e: unknown) => e,
          );
        assert.ok(cancelled instanceof ConnectionError);
        assert.equal(cancelled.code, 'cancelled');
        assert.ok(
          c.trace.entries().some((e) => e.direction === 'out' && e.method === 'notifications/cancelled'),
          'the server was told',
        );
        assert.match(firstText(await c.callTool('echo', { text: 'still here' })), /still here/);
      });
    }
  });

  describe('modern-era features', () => {
    for (const transport of ['HTTP', 'stdio'] as const) {
      it(`${transport}: list changes and resource updates arrive on the subscriptions/listen stream`, async () => {
        const c = connection(transport === 'HTTP' ? erasHttp(dual) : erasStdio('dual'));
        await c.connect();
        assert.equal(c.era, 'modern');
        const listen = c.trace.entries().find((e) => e.direction === 'out' && e.method === 'subscriptions/listen');
        assert.ok(listen, 'one listen stream opened after connect');

        const toolsChanged = nextEvent(c.onDidChangeList, (kind) => kind === 'tools' && c.tools.length > 6);
        await c.callTool('touch_list', {});
        await toolsChanged;
        assert.ok(c.tools.some((t) => t.name.startsWith('extra_tool_')));

        await c.subscribeResource(ERAS_URIS.bumped);
        const reopened = c.trace
          .entries()
          .filter((e) => e.direction === 'out' && e.method === 'subscriptions/listen')
          .at(-1);
        assert.deepEqual(
          (reopened?.message as { params?: { notifications?: { resourceSubscriptions?: string[] } } }).params
            ?.notifications?.resourceSubscriptions,
          [ERAS_URIS.bumped],
        );
        assert.ok(
          !c.trace.entries().some((e) => e.method === 'resources/subscribe'),
          'no resources/subscribe on 2026-07-28',
        );
        const updated = nextEvent(c.onResourceUpdated, (uri) => uri === ERAS_URIS.bumped);
        await c.callTool('bump_resource', {});
        assert.equal(await updated, ERAS_URIS.bumped);
        await c.unsubscribeResource(ERAS_URIS.bumped);
      });
    }

    it('Mcp-Method / Mcp-Name headers are recorded on the trace entries: ok on modern, not-applicable on 2025', async () => {
      const modern = connection(erasHttp(dual));
      await modern.connect();
      await modern.callTool('echo', { text: 'headers' });
      await modern.readResource(ERAS_URIS.counter);
      const call = modern.trace.entries().find((e) => e.direction === 'out' && e.method === 'tools/call');
      assert.deepEqual(call?.http, { method: 'tools/call', name: 'echo', check: 'ok' });
      const read = modern.trace.entries().find((e) => e.direction === 'out' && e.method === 'resources/read');
      assert.deepEqual(read?.http, { method: 'resources/read', name: ERAS_URIS.counter, check: 'ok' });
      const list = modern.trace.entries().find((e) => e.direction === 'out' && e.method === 'tools/list');
      assert.equal(list?.http?.check, 'ok');
      // What the server received agrees with what the trace shows.
      const received = dual.requests.filter((r) => (r.body as { method?: string })?.method === 'tools/call').at(-1);
      assert.equal(received?.mcpMethod, 'tools/call');
      assert.equal(received?.mcpName, 'echo');

      const legacy = connection(erasHttp(dual, '2025'));
      await legacy.connect();
      await legacy.callTool('echo', { text: 'headers' });
      const legacyCall = legacy.trace.entries().find((e) => e.direction === 'out' && e.method === 'tools/call');
      assert.equal(legacyCall?.http?.check, 'not-applicable');
      assert.equal(legacyCall?.http?.method, undefined, 'a 2025 client sends no Mcp-Method');
    });

    it('the log level rides in every request’s _meta on modern (no logging/setLevel), and the server honours it', async () => {
      const c = connection(erasHttp(dual));
      await c.connect();
      await c.setLoggingLevel('warning');
      assert.ok(!c.trace.entries().some((e) => e.method === 'logging/setLevel'));
      await c.callTool('log', { level: 'info', message: 'quiet' });
      await c.callTool('log', { level: 'error', message: 'loud' });
      const calls = c.trace.entries().filter((e) => e.direction === 'out' && e.method === 'tools/call');
      for (const call of calls.slice(-2)) {
        const meta = (call.message as { params?: { _meta?: Record<string, unknown> } }).params?._meta;
        assert.equal(meta?.[LOG_LEVEL_META_KEY], 'warning', JSON.stringify(meta));
        assert.equal(meta?.['io.modelcontextprotocol/protocolVersion'], '2026-07-28', 'the SDK envelope as sent');
      }
      const messages = c.serverLog.map((l) => JSON.stringify(l.data));
      assert.ok(
        messages.some((m) => m.includes('loud')),
        messages.join(' '),
      );
      assert.ok(!messages.some((m) => m.includes('quiet')), messages.join(' '));
    });

    it('OAuth through the connection: the probe meets the 401, the sign-in runs, and the session is modern', async () => {
      const server = await startErasOAuthServer({ mode: 'modern-only' });
      try {
        const engine = new OAuthEngine({
          store: new MemoryAuthStore(),
          openBrowser: headlessAutoApproveOpener(),
          redirectStrategies: [new LoopbackRedirect({})],
        });
        const c = new Connection(
          { id: nextId(), name: 'eras-oauth', transport: 'streamable-http', url: server.url },
          {
            requestTimeoutMs: 20_000,
            logger: recordingLogger(logged),
            fetchFor: (config, hooks) =>
              engine.authorizedFetch(config.url, {
                interactive: true,
                onSignIn: (signIn) => hooks.signingIn(signIn),
              }),
          },
        );
        open.push(c);
        await c.connect();
        assert.equal(c.era, 'modern');
        assert.equal(c.negotiation, 'server/discover offered 2026-07-28 (auto)');
        assert.equal(firstText(await c.callTool('echo', { text: 'signed in' })), 'echo: signed in');
        assert.ok(
          server.mcp.requests.some((r) => r.status === 401),
          'the first request met the 401',
        );
        assert.ok(server.mcp.requests.some((r) => r.hasAuthorization && r.mcpMethod === 'tools/call'));
      } finally {
        await server.close();
      }
    });

    it('an input_required result (elicitation) fails with words that say what the server asked for', async () => {
      // A modern-only server whose tool always asks the client for input, in-band.
      const handler = createMcpHandler(
        () => {
          const server = new McpServer({ name: 'asks', version: '1.0.0' }, { capabilities: { tools: {} } });
          server.registerTool('ask', { description: 'Asks the user for their name.' }, async () => ({
            resultType: 'input_required' as const,
            inputRequests: {
              name: {
                method: 'elicitation/create' as const,
                params: {
                  mode: 'form' as const,
                  message: 'Your name?',
                  requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } } },
                },
              },
            },
          }));
          return server;
        },
        { legacy: 'reject' },
      );
      const node = toNodeHandler(handler);
      const http: Server = createServer((req, res) => void node(req, res));
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = http.address() as AddressInfo;
        const c = connection({
          id: nextId(),
          name: 'asks',
          transport: 'streamable-http',
          url: `http://127.0.0.1:${port}/mcp`,
        });
        await c.connect();
        assert.equal(c.era, 'modern');
        const error = await c.callTool('ask', {}).then(
          () => assert.fail('the call should fail'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof ConnectionError, String(error));
        assert.equal(error.code, 'protocol');
        assert.match(error.message, /asked for elicitation .*input_required.*MCP Lens cannot answer yet/);
        assert.equal(c.status.state, 'connected', 'the connection stays usable');
      } finally {
        await handler.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
    });

    it('cache hints: a read within ttl is served from the cache; an explicit refresh asks the server', async () => {
      const c = connection(erasHttp(dual));
      await c.connect();
      const reads = () =>
        dual.requests.filter(
          (r) =>
            (r.body as { method?: string })?.method === 'resources/read' &&
            (r.body as { params?: { uri?: string } }).params?.uri === ERAS_URIS.static,
        ).length;
      const before = reads();
      const first = await c.readResource(ERAS_URIS.static);
      assert.equal(first.resultType, 'complete');
      assert.equal(first.cache?.ttlMs, STATIC_CACHE_HINT.ttlMs);
      assert.equal(first.cache?.cacheScope, STATIC_CACHE_HINT.cacheScope);
      assert.equal(first.cache?.servedFromCache, false);
      const second = await c.readResource(ERAS_URIS.static);
      assert.equal(second.cache?.servedFromCache, true);
      assert.equal(second.cache?.receivedAt, first.cache?.receivedAt);
      assert.equal(firstText(second), STATIC_RESOURCE_TEXT);
      assert.equal(reads(), before + 1, 'the second read never reached the server');
      const refreshed = await c.readResource(ERAS_URIS.static, { cache: 'refresh' });
      assert.equal(refreshed.cache?.servedFromCache, false);
      assert.equal(reads(), before + 2);

      // A resource without a hint is never served from the cache.
      const a = await c.readResource(ERAS_URIS.counter);
      const b = await c.readResource(ERAS_URIS.counter);
      assert.notEqual(firstText(a), firstText(b));

      // The lists' hints are kept per list.
      assert.ok(c.listCache.tools, JSON.stringify(c.listCache));
      assert.equal(typeof c.listCache.tools?.ttlMs, 'number');
    });
  });
});
