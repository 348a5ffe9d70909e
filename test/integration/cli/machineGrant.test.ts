/**
 * The CLI signs in without a browser (client credentials, cross-app access) against the loopback
 * machine fixture — a real MCP server behind a strict authorization server and identity provider —
 * as a real process: no terminal, no browser, secrets only from the environment, none of them in
 * the credentials file or the output.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MachineAuthServer } from '../auth/fixtures/machineAuthServer';
import { cli, cliBundle } from './harness';

const SECRET = 'cli-machine-secret';

describe('cli: sign-in without a browser', function () {
  this.timeout(60_000);
  let server: MachineAuthServer | undefined;
  let work: string;
  let credentials: string;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async function () {
    this.timeout(120_000);
    await cliBundle();
  });

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-cli-machine-'));
    credentials = path.join(work, 'credentials.json');
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** The output shows no secret and no token; the credentials file holds the access token only (not the client's secret, key or the ID token). */
  function assertNoSecrets(output: string, file: string, ...secrets: string[]): void {
    for (const s of [SECRET, ...(server?.issuedSecrets ?? []), ...secrets]) {
      assert.ok(!output.includes(s), `leaked ${s.slice(0, 10)}… in the output`);
    }
    for (const s of [SECRET, ...secrets]) {
      assert.ok(!file.includes(s), `leaked ${s.slice(0, 10)}… into the credentials file`);
    }
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(file), 'a JWT (ID token, ID-JAG or assertion) was stored');
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(output), 'a JWT (ID token, ID-JAG or assertion) was printed');
  }

  it('--client-credentials with MCP_LENS_CLIENT_SECRET calls a tool with --non-interactive, and keeps only the token', async () => {
    server = await MachineAuthServer.start({ clients: { svc: { method: 'client_secret_basic', secret: SECRET } } });
    const r = await cli(
      [
        'call',
        server.mcpUrl,
        'whoami',
        '--client-credentials',
        '--client-id',
        'svc',
        '--credentials',
        credentials,
        '--non-interactive',
      ],
      {
        MCP_LENS_CLIENT_SECRET: SECRET,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'client=svc sub=svc');
    assert.equal(server.last('/token')!.params.grant_type, 'client_credentials');
    const file = fs.readFileSync(credentials, 'utf8');
    assert.ok(file.includes('"clientSource\\":\\"client-credentials'), 'the token is stored');
    assertNoSecrets(r.stdout + r.stderr, file);
    // A second run reuses the stored token.
    const again = await cli(
      ['call', server.mcpUrl, 'whoami', '--client-credentials', '--client-id', 'svc', '--credentials', credentials],
      { MCP_LENS_CLIENT_SECRET: SECRET },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.filter((q) => q.path === '/token').length, 1);
  });

  it('--private-key-file signs a private_key_jwt assertion the server verifies', async () => {
    server = await MachineAuthServer.start({
      clients: { svc: { method: 'private_key_jwt', publicKey, alg: 'ES256' } },
    });
    const keyFile = path.join(work, 'key.jwk');
    const jwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
    fs.writeFileSync(keyFile, jwk);
    const r = await cli([
      'tools',
      server.mcpUrl,
      '--client-credentials',
      '--client-id',
      'svc',
      '--private-key-file',
      keyFile,
      '--credentials',
      credentials,
      '--verbose',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /whoami/);
    assert.deepEqual(server.assertionProblems, []);
    assert.equal(server.seenJtis.length, 1);
    const d = (privateKey.export({ format: 'jwk' }) as { d: string }).d;
    assertNoSecrets(r.stdout + r.stderr, fs.readFileSync(credentials, 'utf8'), d);
  });

  it("a wrong secret is exit 3 with the server's reason; a missing secret is exit 2 before any request", async () => {
    server = await MachineAuthServer.start({ clients: { svc: { method: 'client_secret_basic', secret: SECRET } } });
    const wrong = await cli(
      ['tools', server.mcpUrl, '--client-credentials', '--client-id', 'svc', '--credentials', credentials],
      { MCP_LENS_CLIENT_SECRET: 'not-it' },
    );
    assert.equal(wrong.code, 3, wrong.stderr);
    assert.match(
      wrong.stderr,
      /^mcp-lens: Sign-in failed: The token request was refused \(invalid_client: Client authentication failed\.\)\. Check the client id \(svc\) and its secret or key\./m,
    );
    assertNoSecrets(wrong.stderr, fs.existsSync(credentials) ? fs.readFileSync(credentials, 'utf8') : '', 'not-it');
    const before = server.requests.length;
    const missing = await cli(
      ['tools', server.mcpUrl, '--client-credentials', '--client-id', 'svc', '--credentials', credentials],
      { MCP_LENS_CLIENT_SECRET: '' },
    );
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(
      missing.stderr,
      /needs the client's secret in MCP_LENS_CLIENT_SECRET or its private key in --private-key-file/,
    );
    assert.equal(server.requests.length, before);
  });

  it('--cross-app-access exchanges the ID token from MCP_LENS_IDP_ID_TOKEN and calls the tool as the user', async () => {
    server = await MachineAuthServer.start({
      clients: { 'xaa-app': { method: 'client_secret_basic', secret: SECRET } },
    });
    const idToken = await server.idToken('bob@example.com');
    const r = await cli(
      [
        'call',
        server.mcpUrl,
        'whoami',
        '--cross-app-access',
        '--client-id',
        'xaa-app',
        '--idp-token-endpoint',
        server.idpTokenEndpoint,
        '--idp-client-id',
        server.idpClientId,
        '--credentials',
        credentials,
      ],
      { MCP_LENS_CLIENT_SECRET: SECRET, MCP_LENS_IDP_ID_TOKEN: idToken },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'client=xaa-app sub=bob@example.com');
    assertNoSecrets(r.stdout + r.stderr, fs.readFileSync(credentials, 'utf8'), idToken);
  });
});
