/**
 * Connect and request errors name the real cause, against real sockets on 127.0.0.1: a closed
 * port, fetch's blocked port 1, a reset, TLS that fails verification or is not TLS at all, an
 * HTML 502 page (at connect and during a request), and stdio servers that write non-JSON to stdout.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ConnectionConfig, HttpConnectionConfig, StdioConnectionConfig } from '../../../src/core/config';
import { Connection } from '../../../src/core/connection';
import { ConnectionError } from '../../../src/core/errors';
import type { Logger } from '../../../src/core/logger';
import { REPO_ROOT } from '../../support/everything';
import { selfSignedCert } from '../../support/selfSignedCert';

const BANNER_SERVER = path.join(REPO_ROOT, 'test/fixtures/bannerStdioServer.ts');
/** A proxy's error page, with markup and script that must never reach a message. */
const HTML_502 = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title><style>body { color: red }</style><script>alert(1)</script></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>
`;

let counter = 0;

interface Logged {
  level: 'warn' | 'error' | 'info';
  message: string;
}

function collectingLogger(into: Logged[]): Logger {
  return {
    trace() {},
    debug() {},
    info: (message) => into.push({ level: 'info', message }),
    warn: (message) => into.push({ level: 'warn', message }),
    error: (message) => into.push({ level: 'error', message }),
  };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function close(server: net.Server): Promise<void> {
  (server as http.Server).closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('core: connect errors name the real cause', function () {
  this.timeout(30_000);
  const connections: Connection[] = [];
  const servers: net.Server[] = [];
  const logged: Logged[] = [];

  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.dispose()));
    await Promise.all(servers.splice(0).map(close));
    logged.length = 0;
  });

  function connection(
    config: Omit<HttpConnectionConfig, 'id' | 'name'> | Omit<StdioConnectionConfig, 'id' | 'name'>,
    timeoutMs = 5000,
  ): Connection {
    const c = new Connection({ id: `e-${++counter}`, name: `e${counter}`, ...config } as ConnectionConfig, {
      requestTimeoutMs: timeoutMs,
      logger: collectingLogger(logged),
    });
    connections.push(c);
    return c;
  }

  async function failure(c: Connection): Promise<ConnectionError> {
    const error = await c.connect().then(
      () => assert.fail('connect should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionError, `a ConnectionError, got ${String(error)}`);
    assert.equal(c.status.state, 'error');
    assert.equal(c.status.message, error.fullMessage, 'the status says the same');
    assert.ok(
      logged.some((l) => l.level === 'error' && l.message.includes(error.fullMessage)),
      `the log says the same: ${JSON.stringify(logged)}`,
    );
    return error;
  }

  async function serve(server: net.Server): Promise<number> {
    servers.push(server);
    return listen(server);
  }

  for (const transport of ['streamable-http', 'sse', 'auto'] as const) {
    describe(`over ${transport}`, () => {
      it('a closed port: nothing is listening at host:port', async () => {
        // Take a port, then close it: nothing listens there any more.
        const closed = net.createServer();
        const closedPort = await listen(closed);
        await close(closed);
        const error = await failure(connection({ transport, url: `http://127.0.0.1:${closedPort}/mcp` }));
        assert.equal(error.code, 'refused');
        assert.equal(
          error.fullMessage,
          `Nothing is listening at 127.0.0.1:${closedPort} (connection refused). Is the server running on that port? Check the host and the port.`,
        );
      });

      it('port 1: fetch blocks it, and the message says so instead of "fetch failed"', async () => {
        const error = await failure(connection({ transport, url: 'http://127.0.0.1:1/mcp' }));
        assert.equal(error.code, 'refused');
        assert.equal(
          error.fullMessage,
          'fetch never connects to port 1 (the Fetch standard blocks it as a "bad port"), so nothing was sent to 127.0.0.1:1. ' +
            'Run the server on another port, for example 3000, and change the URL.',
        );
      });

      it('a reset connection (ECONNRESET)', async () => {
        const port = await serve(net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy())));
        const error = await failure(connection({ transport, url: `http://127.0.0.1:${port}/mcp` }));
        assert.equal(error.code, 'refused');
        assert.match(
          error.fullMessage,
          new RegExp(
            `^127\\.0\\.0\\.1:${port} reset the connection \\(ECONNRESET\\) before it answered\\. .*check the server log`,
          ),
        );
      });

      it('a self-signed TLS certificate names host:port and the reason', async () => {
        const port = await serve(https.createServer(selfSignedCert(), (_req, res) => res.end('{}')));
        const error = await failure(connection({ transport, url: `https://127.0.0.1:${port}/mcp` }));
        assert.equal(error.code, 'refused');
        assert.match(
          error.message,
          new RegExp(
            `^The TLS certificate of 127\\.0\\.0\\.1:${port} was not accepted: self[- ]signed certificate \\(DEPTH_ZERO_SELF_SIGNED_CERT\\)\\.$`,
          ),
        );
        assert.match(error.hint ?? '', /NODE_EXTRA_CA_CERTS/);
      });

      it('https:// to a plain HTTP server: not TLS', async () => {
        const port = await serve(http.createServer((_req, res) => res.end('{}')));
        const error = await failure(connection({ transport, url: `https://127.0.0.1:${port}/mcp` }));
        assert.equal(error.code, 'refused');
        assert.match(
          error.fullMessage,
          new RegExp(
            `^127\\.0\\.0\\.1:${port} did not answer in TLS \\(ERR_SSL_WRONG_VERSION_NUMBER\\)\\. .*use http://`,
          ),
        );
      });

      it('an HTML 502 page: the status line and a one-line summary, never the HTML', async () => {
        const port = await serve(
          http.createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end(HTML_502)),
        );
        const url = `http://127.0.0.1:${port}/mcp`;
        const error = await failure(connection({ transport, url }));
        assert.equal(error.code, 'http');
        assert.equal(
          error.message,
          `${url} answered HTTP 502 Bad Gateway during initialize, with an HTML page: "502 Bad Gateway"`,
        );
        assert.match(error.hint ?? '', /proxy or gateway/);
        assert.doesNotMatch(error.fullMessage, /[<>]|alert|color|\n/, 'no markup, script or style text, one line');
      });
    });
  }

  it('an HTML page without a title: its first heading, tags and entities undone, truncated', async () => {
    const heading = `Upstream &amp; friends <img src=x onerror=alert(1)> ${'very '.repeat(40)}down`;
    const port = await serve(
      http.createServer((_req, res) =>
        res
          .writeHead(503, 'Service Unavailable', { 'content-type': 'text/html' })
          .end(`<html><body>\n<h2 class="x">${heading}</h2><p>details</p></body></html>`),
      ),
    );
    const error = await failure(connection({ transport: 'streamable-http', url: `http://127.0.0.1:${port}/mcp` }));
    assert.equal(error.code, 'http');
    const quoted = /with an HTML page: "(.*)"$/.exec(error.message)?.[1] ?? assert.fail(error.message);
    assert.ok(quoted.startsWith('Upstream & friends very very'), quoted);
    assert.ok(quoted.length <= 121 && quoted.endsWith('…'), `truncated: ${quoted.length}`);
    assert.match(error.message, /answered HTTP 503 Service Unavailable during initialize/);
    assert.doesNotMatch(error.fullMessage, /<|onerror/);
  });

  it('a plain-text error body: status line and the text on one line', async () => {
    const port = await serve(
      http.createServer((_req, res) =>
        res
          .writeHead(502, { 'content-type': 'text/plain' })
          .end('upstream connect error or disconnect/reset before headers.\r\nreset reason: connection failure\n'),
      ),
    );
    const url = `http://127.0.0.1:${port}/mcp`;
    const error = await failure(connection({ transport: 'sse', url }));
    assert.equal(
      error.message,
      `${url} answered HTTP 502 Bad Gateway during initialize, with a body that is not JSON: "upstream connect error or disconnect/reset before headers. reset reason: connection failure"`,
    );
  });

  it('an error page that echoes the request credentials: the summary has them scrubbed', async () => {
    const token = 'sk-live-0123456789abcdef';
    const port = await serve(
      http.createServer((req, res) =>
        res
          .writeHead(502, { 'content-type': 'text/plain' })
          .end(`bad gateway for Authorization: ${String(req.headers.authorization)}`),
      ),
    );
    const url = `http://127.0.0.1:${port}/mcp`;
    for (const transport of ['streamable-http', 'sse'] as const) {
      logged.length = 0;
      const error = await failure(connection({ transport, url, headers: { Authorization: `Bearer ${token}` } }));
      assert.match(
        error.message,
        /answered HTTP 502 Bad Gateway during initialize, with a body that is not JSON: "bad gateway for Authorization: Bearer \[REDACTED\]"$/,
      );
      assert.ok(!JSON.stringify(logged).includes(token), 'the token is in no log line');
    }
  });

  it('an HTML 502 during a request, after a good connect (a real SDK server behind a failing gateway)', async () => {
    let broken = false;
    const port = await serve(
      http.createServer((req, res) => {
        if (broken) {
          res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_502);
          return;
        }
        // Stateless Streamable HTTP: a fresh SDK server and transport per request.
        const server = new McpServer({ name: 'gateway-fixture', version: '1.0.0' });
        server.registerTool('hello', { description: 'Says hello.' }, async () => ({
          content: [{ type: 'text', text: 'hello' }],
        }));
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        res.on('close', () => void transport.close().then(() => server.close()));
        void server.connect(transport).then(() => transport.handleRequest(req, res));
      }),
    );
    const url = `http://127.0.0.1:${port}/mcp`;
    const c = connection({ transport: 'streamable-http', url });
    await c.connect();
    assert.deepEqual(
      c.tools.map((t) => t.name),
      ['hello'],
    );
    broken = true;
    const error = await c.callTool('hello', {}).then(
      () => assert.fail('the call should fail'),
      (e: unknown) => e as ConnectionError,
    );
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.code, 'http');
    assert.equal(
      error.message,
      `${url} answered HTTP 502 Bad Gateway during tools/call, with an HTML page: "502 Bad Gateway"`,
    );
  });

  describe('a stdio server that writes non-JSON to stdout', () => {
    const banner = (args: string[], timeoutMs?: number) =>
      connection(
        {
          transport: 'stdio',
          command: process.execPath,
          args: ['--import', 'tsx', BANNER_SERVER, ...args],
          cwd: REPO_ROOT,
        },
        timeoutMs,
      );

    it('a banner line before serving: it connects, and the log quotes the line and says why it is wrong', async () => {
      const c = banner([]);
      await c.connect();
      assert.equal(c.status.state, 'connected');
      assert.deepEqual(
        c.tools.map((t) => t.name),
        ['hello', 'debug-print'],
      );
      const warning = logged.find((l) => l.level === 'warn' && l.message.includes('stdout'));
      assert.ok(warning, JSON.stringify(logged));
      assert.match(
        warning.message,
        /The server wrote non-JSON to stdout: "Weather MCP server v2\.1 listening on stdio"\. Make the server log to stderr/,
      );
    });

    it('a banner without a line break swallows the initialize result: the error quotes the line, truncated', async () => {
      const text = `Starting weather server ${'.'.repeat(200)}`;
      // Long enough for tsx to start the fixture on a loaded machine: the banner must arrive before the timeout.
      const c = banner([text, '--no-newline'], 8000);
      const error = await failure(c);
      assert.equal(error.code, 'protocol');
      const prefix =
        'The server wrote non-JSON to stdout (stdout is reserved for MCP messages; log to stderr instead); the first line was "Starting weather server ....';
      assert.ok(error.message.startsWith(prefix), error.message);
      const quoted = /the first line was ("(?:[^"\\]|\\.)*")/.exec(error.message)?.[1] ?? assert.fail(error.message);
      assert.equal((JSON.parse(quoted) as string).length, 161, 'truncated to 160 characters and an ellipsis');
      assert.match(error.message, /\. The server did not finish initializing within 8 s\.$/);
      assert.match(error.hint ?? '', /^Make the server log to stderr/);
    });

    it('a tool call whose result lands on a debug line: the timeout says the reply was likely lost in that output', async () => {
      const c = banner([]);
      await c.connect();
      const error = await c.callTool('debug-print', {}, { timeoutMs: 3000 }).then(
        () => assert.fail('the call should fail'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConnectionError, String(error));
      assert.equal(error.code, 'protocol');
      assert.match(
        error.message,
        /^The server wrote non-JSON to stdout .*"Weather MCP server v2\.1 listening on stdio"/,
      );
      assert.match(error.message, /did not answer tools\/call within 3 s/);
      assert.match(error.hint ?? '', /^Make the server log to stderr/);
    });

    it('a program that prints a line and exits: the line comes first, then the exit code', async () => {
      const c = connection({
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', 'console.log("Usage: weather-server --port <n>"); process.exit(2)'],
      });
      const error = await failure(c);
      assert.equal(error.code, 'process-exited');
      assert.match(
        error.message,
        /^The server wrote non-JSON to stdout \(stdout is reserved for MCP messages; log to stderr instead\); the first line was "Usage: weather-server --port <n>"\. The server process exited with code 2\./,
      );
    });
  });
});
