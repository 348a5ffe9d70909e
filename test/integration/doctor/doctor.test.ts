/**
 * The connection doctor against real servers on 127.0.0.1: the good fixtures (simple-auth on both
 * transports and in its 2025-03-26 shape, server-everything without auth, our defect-free fixture),
 * each defective fixture (one known defect → exactly one check fails or warns), and the SDK demo,
 * whose 500 for an unknown token is a real defect.
 */
import * as assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CHECK_IDS,
  DoctorCancelled,
  diagnose,
  toJson,
  toMarkdown,
  type DoctorCheckResult,
} from '../../../src/core/doctor/index.js';
import { startSimpleAuthServer, type SimpleAuthServer } from '../../fixtures/simpleAuth/server.js';
import { DEFECTS, startDefectiveServer, type Defect } from '../../fixtures/defective/server.js';
import { startEverything } from '../../support/everything.js';
import { makeHarness } from '../auth/helpers.js';
import { assertVerdicts, check, startSdkDemo, statuses } from './helpers.js';
import { selfSignedCert } from '../../support/selfSignedCert.js';

const OPTS = { timeoutMs: 5000 };

describe('connection doctor: good fixtures report nothing false', function () {
  this.timeout(60_000);

  for (const transport of ['streamable-http', 'sse'] as const) {
    it(`simple-auth (${transport}): every check passes, TLS skipped on http`, async () => {
      const server = await startSimpleAuthServer({ githubClientId: 'demo', githubClientSecret: 's3cret', transport });
      try {
        const seen: DoctorCheckResult[] = [];
        const report = await diagnose(server.mcpUrl, { ...OPTS, onCheck: (c) => seen.push(c) });
        assertVerdicts(report, {});
        assert.equal(report.ok, true);
        assert.equal(report.transport, transport);
        assert.equal(report.authorizationRequired, true);
        assert.deepEqual(
          seen.map((c) => c.id),
          [...CHECK_IDS],
          'onCheck sees every check, in order',
        );
        assert.deepEqual(
          seen.map((c) => c.index),
          CHECK_IDS.map((_, i) => i + 1),
        );
        assert.match(check(report, 'challenge').summary, /resource_metadata=/);
        assert.match(
          check(report, 'resource-metadata').summary,
          new RegExp(`oauth-protected-resource/${transport === 'sse' ? 'sse' : 'mcp'}`),
        );
        assert.match(
          check(report, 'authorization-server-metadata').summary,
          /oauth-authorization-server \(RFC 8414\); issuer/,
        );
        // The probe registration really reached the SDK's registration handler.
        assert.ok(server.stats.all.some((e) => e.method === 'POST' && e.path === '/register' && e.status === 201));
      } finally {
        await server.close();
      }
    });
  }

  it('simple-auth in its 2025-03-26 shape (no protected resource metadata): one warning, on check 8', async () => {
    const server = await startSimpleAuthServer({
      githubClientId: 'demo',
      githubClientSecret: 's3cret',
      protectedResourceMetadata: false,
    });
    try {
      const report = await diagnose(server.mcpUrl, OPTS);
      assertVerdicts(report, { 'resource-metadata': 'warn' });
      assert.equal(report.ok, true);
      const prm = check(report, 'resource-metadata');
      assert.match(prm.summary, /2025-03-26/);
      assert.match(prm.spec ?? '', /MCP 2025-03-26 Authorization/);
      assert.match(prm.fix ?? '', /oauth-protected-resource\/mcp/);
      assert.equal(prm.exchanges?.length, 2, 'tries the path-aware and then the root URL');
      assert.match(check(report, 'challenge').details?.join('\n') ?? '', /No resource_metadata/);
      // The origin is the assumed authorization server, and its RFC 8414 metadata is used.
      assert.match(
        check(report, 'authorization-server-metadata').summary,
        /issuer "http:\/\/127\.0\.0\.1:\d+\/" matches/,
      );
    } finally {
      await server.close();
    }
  });

  for (const mode of ['streamableHttp', 'sse'] as const) {
    it(`server-everything (${mode}, no auth): initialize passes, the authorization checks are skipped`, async () => {
      const server = await startEverything(mode);
      try {
        const report = await diagnose(server.url, OPTS);
        const auth = CHECK_IDS.slice(CHECK_IDS.indexOf('challenge'));
        assertVerdicts(report, Object.fromEntries(auth.map((id) => [id, 'skip'])));
        assert.equal(report.authorizationRequired, false);
        assert.equal(report.transport, mode === 'sse' ? 'sse' : 'streamable-http');
        assert.match(
          check(report, 'initialize').summary,
          /Initialized without authorization: .*protocol 20\d\d-\d\d-\d\d/,
        );
        assert.match(check(report, 'challenge').summary, /does not require authorization/);
      } finally {
        await server.stop();
      }
    });
  }

  it('the defect-free fixture passes, and is a real OAuth server: the engine signs in and calls a tool', async () => {
    const server = await startDefectiveServer('none');
    try {
      assertVerdicts(await diagnose(server.mcpUrl, OPTS), {});
      const h = makeHarness();
      await h.engine.signIn(server.mcpUrl);
      const client = new Client({ name: 'doctor-test', version: '0.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.mcpUrl), { fetch: h.engine.authorizedFetch(server.mcpUrl) }),
      );
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      assert.equal((result.content as { type: string; text: string }[])[0]?.type, 'text');
      await client.close();
    } finally {
      await server.close();
    }
  });
});

describe('connection doctor: each defective fixture is reported by the right check, and only by it', function () {
  this.timeout(60_000);
  const expected: Record<Exclude<Defect, 'none'>, Partial<Record<(typeof CHECK_IDS)[number], 'warn' | 'fail'>>> = {
    'no-www-authenticate': { challenge: 'fail' },
    'wrong-issuer': { 'authorization-server-metadata': 'fail' },
    'no-s256': { pkce: 'fail' },
    'invalid-token-500': { 'invalid-token': 'fail' },
    'resource-mismatch': { 'resource-metadata': 'fail' },
    'prm-root-only': { 'resource-metadata': 'warn' },
    'oidc-only': {},
    'dcr-rejects-loopback': { registration: 'fail' },
  };
  assert.deepEqual(
    Object.keys(expected).sort(),
    DEFECTS.filter((d) => d !== 'none').sort(),
    'every defect has an expectation',
  );

  for (const [defect, verdicts] of Object.entries(expected) as [
    Exclude<Defect, 'none'>,
    (typeof expected)[Exclude<Defect, 'none'>],
  ][]) {
    it(`${defect}: ${
      Object.entries(verdicts)
        .map(([id, s]) => `${id} ${s}`)
        .join(', ') || 'all pass'
    }`, async () => {
      const server = await startDefectiveServer(defect);
      try {
        const report = await diagnose(server.mcpUrl, OPTS);
        assertVerdicts(report, verdicts);
        assert.equal(report.ok, !Object.values(verdicts).includes('fail'));
        for (const id of Object.keys(verdicts) as (keyof typeof verdicts)[]) {
          const c = check(report, id);
          assert.ok(c.fix && c.fix.length > 10, `${id} says what to change`);
          assert.ok(c.spec && /RFC|MCP/.test(c.spec), `${id} cites the spec`);
        }
      } finally {
        await server.close();
      }
    });
  }

  it('the findings name the defect precisely', async () => {
    const expectations: [Defect, (typeof CHECK_IDS)[number], RegExp, RegExp][] = [
      ['no-www-authenticate', 'challenge', /no WWW-Authenticate header/, /RFC 6750 §3; RFC 9728 §5\.1/],
      [
        'wrong-issuer',
        'authorization-server-metadata',
        /names the issuer "http:\/\/127\.0\.0\.1:\d+\/some-other-issuer", but it was looked up for "http:\/\/127\.0\.0\.1:\d+\/"/,
        /RFC 8414 §3\.3/,
      ],
      ['no-s256', 'pkce', /S256 is not advertised \(code_challenge_methods_supported: plain\)/, /RFC 7636/],
      [
        'invalid-token-500',
        'invalid-token',
        /HTTP 500 for an unknown token; it must be 401/,
        /RFC 6750 §3\.1; MCP 2025-06-18 Authorization §2\.6\.2/,
      ],
      [
        'resource-mismatch',
        'resource-metadata',
        /for the resource "http:\/\/127\.0\.0\.1:\d+\/another-mcp-server"/,
        /RFC 9728 §3\.3/,
      ],
      [
        'prm-root-only',
        'resource-metadata',
        /Found only at the root .*path-aware URL .*\/\.well-known\/oauth-protected-resource\/mcp answered 404/,
        /RFC 9728 §3\.1/,
      ],
      [
        'oidc-only',
        'authorization-server-metadata',
        /openid-configuration \(OpenID Connect Discovery\) after 1 location without it/,
        /OpenID Connect Discovery 1\.0 §4/,
      ],
      [
        'dcr-rejects-loopback',
        'registration',
        /rejects the loopback redirect URI http:\/\/127\.0\.0\.1:\d+\/callback \(invalid_redirect_uri/,
        /RFC 8252 §7\.3/,
      ],
    ];
    for (const [defect, id, summary, spec] of expectations) {
      const server = await startDefectiveServer(defect);
      try {
        const c = check(await diagnose(server.mcpUrl, OPTS), id);
        assert.match(c.summary, summary, `${defect}: ${c.summary}`);
        assert.match(c.spec ?? '', spec, `${defect}: ${c.spec}`);
      } finally {
        await server.close();
      }
    }
  });

  it('oidc-only: reports which discovery URLs were tried and which answered', async () => {
    const server = await startDefectiveServer('oidc-only');
    try {
      const c = check(await diagnose(server.mcpUrl, OPTS), 'authorization-server-metadata');
      const details = c.details?.join('\n') ?? '';
      assert.match(
        details,
        /GET http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-authorization-server \(RFC 8414\) → HTTP 404/,
      );
      assert.match(
        details,
        /GET http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration \(OpenID Connect Discovery\) → HTTP 200, issuer/,
      );
      assert.equal(c.exchanges?.length, 2);
    } finally {
      await server.close();
    }
  });

  it('no-www-authenticate: the invalid-token check does not report the same defect twice', async () => {
    const server = await startDefectiveServer('no-www-authenticate');
    try {
      const report = await diagnose(server.mcpUrl, OPTS);
      assert.match(check(report, 'invalid-token').summary, /HTTP 401 .*reported by check 7/);
      // Without the challenge, the metadata was still found at the path-aware well-known URL.
      assert.match(check(report, 'resource-metadata').summary, /oauth-protected-resource\/mcp/);
    } finally {
      await server.close();
    }
  });
});

describe('connection doctor: the SDK demo (simpleStreamableHttp.js --oauth)', function () {
  this.timeout(60_000);
  it('reports its real defect: HTTP 500 for an unknown token (only that)', async () => {
    const demo = await startSdkDemo();
    try {
      const report = await diagnose(demo.mcpUrl, OPTS);
      assertVerdicts(report, { 'invalid-token': 'fail' });
      assert.equal(report.ok, false);
      assert.match(check(report, 'dns-tcp').summary, /loopback name, not resolved/);
      assert.match(check(report, 'invalid-token').summary, /HTTP 500/);
    } finally {
      await demo.stop();
    }
  });
});

describe('connection doctor: network failures and the report', function () {
  this.timeout(30_000);

  it('connection refused: check 2 fails and every later check is skipped', async () => {
    const probe = createHttpServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const report = await diagnose(`http://127.0.0.1:${port}/mcp`, OPTS);
    const s = statuses(report);
    assert.equal(s.url, 'pass');
    assert.equal(s['dns-tcp'], 'fail');
    assert.match(check(report, 'dns-tcp').summary, /connection refused/);
    for (const id of CHECK_IDS.slice(2)) assert.equal(s[id], 'skip', id);
    assert.equal(report.ok, false);
  });

  it('a host name that does not resolve fails check 2 without any HTTP request (resolver injected: no real DNS)', async () => {
    const fetched: string[] = [];
    const looked: string[] = [];
    const report = await diagnose('https://mcp.example.invalid/mcp', {
      ...OPTS,
      lookup: async (host) => {
        looked.push(host);
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
      fetch: async (url) => {
        fetched.push(String(url));
        throw new Error('must not be called');
      },
    });
    assert.deepEqual(looked, ['mcp.example.invalid']);
    assert.deepEqual(fetched, []);
    assert.equal(statuses(report)['dns-tcp'], 'fail');
    assert.match(check(report, 'dns-tcp').summary, /does not resolve \(ENOTFOUND\)/);
  });

  it('a loopback server with a self-signed certificate fails the TLS check', async () => {
    const https = await import('node:https');
    const server = https.createServer(selfSignedCert(), (_req, res) => res.end('hi'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const report = await diagnose(`https://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, OPTS);
      const tls = check(report, 'tls');
      assert.equal(tls.status, 'fail');
      assert.match(tls.summary, /not trusted: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED|ERR_TLS_CERT_ALTNAME)/);
      assert.match(tls.details?.join('\n') ?? '', /TLSv1\.[23]/);
      assert.equal(statuses(report).http, 'skip');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a plain web server that is not MCP: the transport check fails after trying both transports', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<h1>Not found</h1>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const report = await diagnose(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, OPTS);
      const t = check(report, 'transport');
      assert.equal(t.status, 'fail');
      assert.match(t.summary, /Neither transport answered: POST .* → HTTP 404; GET .* → HTTP 404/);
      assert.equal(statuses(report).initialize, 'skip');
    } finally {
      await closeServer(server);
    }
  });

  it('server text is data: the Markdown report escapes a hostile challenge, and secrets are masked', async () => {
    const hostile = '<img src=x onerror=alert(1)>[click](https://evil.example)';
    let seenAuthorization = '';
    const server = createHttpServer((req, res) => {
      if (req.headers.authorization) seenAuthorization = req.headers.authorization;
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${hostile}"`, 'Content-Type': 'text/plain' });
      // A body that tries to close the code block it is shown in.
      res.end(`${hostile}\n\`\`\`\n<script>alert(2)</script>\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const report = await diagnose(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, OPTS);
      const md = toMarkdown(report);
      const outsideFences = withoutCodeBlocks(md);
      assert.ok(md.includes('<script>alert(2)</script>'), 'the body is shown (in a code block)');
      assert.ok(
        !outsideFences.includes('<img') && !outsideFences.includes('<script'),
        'no raw HTML from the server outside code blocks',
      );
      assert.doesNotMatch(outsideFences, /(?<!\\)\]\(https:\/\/evil/, 'no live link from the server');
      assert.ok(outsideFences.includes('&lt;img'), 'the text is kept, escaped');
      // The bogus token of check 14 was sent, and is masked everywhere in the report.
      assert.match(seenAuthorization, /^Bearer mcp-lens-doctor-invalid-[0-9a-f]{24}$/);
      const token = seenAuthorization.slice('Bearer '.length);
      const json = toJson(report);
      assert.ok(!json.includes(token) && !md.includes(token), 'the token never reaches the report');
      assert.match(json, /"authorization": "Bearer \*\*\*"/);
    } finally {
      await closeServer(server);
    }
  });

  it('cancelling through the signal rejects with DoctorCancelled', async () => {
    const server = createHttpServer(() => undefined); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const controller = new AbortController();
      const run = diagnose(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, {
        timeoutMs: 20_000,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 300);
      await assert.rejects(run, DoctorCancelled);
    } finally {
      await closeServer(server);
    }
  });

  it('a report of a simple-auth server in Markdown: table, fixes and masked exchanges', async () => {
    let server: SimpleAuthServer | undefined;
    try {
      server = await startSimpleAuthServer({
        githubClientId: 'demo',
        githubClientSecret: 's3cret',
        protectedResourceMetadata: false,
      });
      const md = toMarkdown(await diagnose(server.mcpUrl, OPTS));
      assert.match(md, /^# MCP Lens connection doctor/m);
      assert.match(md, /\| 12 \| Protected resource metadata \| ⚠️ WARN \|/);
      assert.match(md, /\*\*What to change:\*\* Serve RFC 9728 metadata/);
      assert.match(md, /<details><summary>HTTP exchanges \(\d+, secrets masked\)<\/summary>/);
      assert.match(md, /authorization: Bearer \*\*\*/);
    } finally {
      await server?.close();
    }
  });
});

/** The Markdown without its fenced code blocks (CommonMark §4.5: a fence closes with at least as many backticks). */
function withoutCodeBlocks(md: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const m = /^(`{3,})/.exec(line);
    if (fence === undefined) {
      if (m) fence = m[1];
      else out.push(line);
    } else if (m && m[1]!.length >= fence.length && line.trim() === m[1]) {
      fence = undefined;
    }
  }
  assert.equal(fence, undefined, 'every code block is closed');
  return out.join('\n');
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}
