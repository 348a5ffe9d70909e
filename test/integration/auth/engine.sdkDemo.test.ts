/**
 * The OAuth engine against the MCP SDK's own demo authorization server
 * (`simpleStreamableHttp.js --oauth [--oauth-strict]`), kept on 127.0.0.1 by the loopbackOnly preload.
 * The demo names its URLs with `localhost`, approves without a login, issues no refresh tokens,
 * and in strict mode accepts only tokens whose RFC 8707 resource is its MCP URL.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AuthRequiredError } from '../../../src/core/errors.js';
import { MemoryAuthStore } from '../../../src/core/auth/store.js';
import { makeHarness } from './helpers.js';

const ROOT = path.resolve(__dirname, '../../..');
const DEMO = path.join(ROOT, 'node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js');
const PRELOAD = path.join(ROOT, 'test/support/loopbackOnly.cjs');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function startDemo(strict: boolean): Promise<{ child: ChildProcess; mcpUrl: string; stop: () => Promise<void> }> {
  const [mcpPort, authPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['-r', PRELOAD, DEMO, '--oauth', ...(strict ? ['--oauth-strict'] : [])], {
    env: { ...process.env, MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 15_000);
    const check = (chunk: Buffer) => {
      output += chunk.toString();
      if (/MCP Streamable HTTP Server listening/.test(output) && /Authorization Server listening/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
  return {
    child,
    mcpUrl: `http://localhost:${mcpPort}/mcp`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

for (const strict of [false, true]) {
  describe(`OAuth engine against the SDK demo AS${strict ? ' (--oauth-strict)' : ''}`, function () {
    this.timeout(40_000);
    let demo: Awaited<ReturnType<typeof startDemo>>;
    before(async () => {
      demo = await startDemo(strict);
    });
    after(async () => {
      await demo?.stop();
    });

    it('401 → AuthRequiredError → headless sign-in → tools/list; second connect needs no OAuth request', async () => {
      const store = new MemoryAuthStore();
      const h = makeHarness({ store });
      const client = new Client({ name: 'mcp-lens-test', version: '0.0.0' });
      let caught: unknown;
      let reported: AuthRequiredError | undefined;
      await client
        .connect(
          new StreamableHTTPClientTransport(new URL(demo.mcpUrl), {
            fetch: h.engine.authorizedFetch(demo.mcpUrl, { onAuthRequired: (e) => (reported = e) }),
          }),
        )
        .catch((e: unknown) => (caught = e));
      assert.ok(reported, `expected AuthRequiredError, got ${String(caught)}`);
      assert.match(reported.details.resourceMetadataUrl ?? '', /\/\.well-known\/oauth-protected-resource\/mcp$/);

      const info = await h.engine.signIn(demo.mcpUrl, { challenge: reported.details });
      assert.match(info.issuer, /^http:\/\/localhost:\d+\/$/);
      assert.equal(info.hasRefreshToken, false, 'the demo issues no refresh tokens');
      assert.deepEqual(info.scopes, ['mcp:tools']);
      // RFC 8707: the resource on the token request is the MCP URL (the strict demo rejects anything else).
      const token = h.exchanges.find((e) => e.step === 'token')!;
      assert.match(token.request.body ?? '', new RegExp(`resource=${encodeURIComponent(demo.mcpUrl)}`));
      assert.match(token.request.body ?? '', /code=\*\*\*/);
      assert.match(token.request.body ?? '', /code_verifier=\*\*\*/);

      const c1 = new Client({ name: 'mcp-lens-test', version: '0.0.0' });
      await c1.connect(
        new StreamableHTTPClientTransport(new URL(demo.mcpUrl), { fetch: h.engine.authorizedFetch(demo.mcpUrl) }),
      );
      const tools = await c1.listTools();
      assert.ok(tools.tools.length > 0);
      await c1.close();

      const again = makeHarness({ store });
      const c2 = new Client({ name: 'mcp-lens-test', version: '0.0.0' });
      await c2.connect(
        new StreamableHTTPClientTransport(new URL(demo.mcpUrl), { fetch: again.engine.authorizedFetch(demo.mcpUrl) }),
      );
      await c2.listTools();
      await c2.close();
      assert.equal(again.exchanges.length, 0);
      assert.equal(again.browserOpens.length, 0);
    });
  });
}
