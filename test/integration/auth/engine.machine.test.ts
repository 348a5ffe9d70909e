/**
 * The OAuth engine's grants without a browser, against a strict loopback authorization server,
 * identity provider and MCP server (fixtures/machineAuthServer.ts): client credentials with
 * client_secret_basic, client_secret_post and private_key_jwt; cross-app access (RFC 8693 token
 * exchange for an ID-JAG, then the JWT bearer grant); and their refusals.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { OAuthFlowError } from '../../../src/core/auth/errors.js';
import { authKeys } from '../../../src/core/auth/store.js';
import type { MachineGrant, StoredTokens } from '../../../src/core/auth/types.js';
import { AuthRequiredError } from '../../../src/core/errors.js';
import { MachineAuthServer, type MachineAuthOptions } from './fixtures/machineAuthServer.js';
import { emitted, makeHarness, type Harness } from './helpers.js';

const SECRET = 'svc s3cret:with/odd+chars';

function ecKeys(namedCurve = 'P-256') {
  return generateKeyPairSync('ec', { namedCurve });
}

function flowError(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof OAuthFlowError, `expected an OAuthFlowError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('OAuth engine: grants without a browser', function () {
  this.timeout(30_000);
  const servers: MachineAuthServer[] = [];
  let h: Harness;

  async function start(options: Partial<MachineAuthOptions> = {}): Promise<MachineAuthServer> {
    const s = await MachineAuthServer.start({
      clients: { svc: { method: 'client_secret_basic', secret: SECRET } },
      ...options,
    });
    servers.push(s);
    return s;
  }

  beforeEach(() => {
    h = makeHarness();
  });

  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  /** No token, key, secret, ID token or assertion in any exchange or log line. */
  function assertNoLeaks(s: MachineAuthServer, ...more: string[]): void {
    const text = emitted(h);
    for (const secret of [...s.issuedSecrets, SECRET, ...more]) {
      assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 12)}…`);
    }
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(text), 'a JWT appeared in the exchanges or logs');
  }

  describe('client credentials', () => {
    it('client_secret_basic: discovers, sends grant_type, resource and form-urlencoded Basic credentials, stores the token, opens no browser', async () => {
      const s = await start({ issueRefreshToken: true });
      const info = await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: SECRET });
      assert.equal(info.clientId, 'svc');
      assert.equal(info.issuer, s.issuer);
      assert.equal(info.hasRefreshToken, false, 'no refresh token is kept for a grant that can simply run again');
      const token = s.last('/token')!;
      assert.equal(token.params.grant_type, 'client_credentials');
      assert.equal(token.params.resource, s.mcpUrl);
      assert.equal(token.params.client_secret, undefined);
      assert.equal(
        token.headers.authorization,
        `Basic ${Buffer.from(`svc:${encodeURIComponent(SECRET)}`).toString('base64')}`,
      );
      assert.equal(h.browserOpens.length, 0);
      assert.deepEqual(await h.engine.status(s.mcpUrl), {
        state: 'signed-in',
        issuer: s.issuer,
        clientId: 'svc',
        scopes: [],
        expiresAt: info.expiresAt,
      });
      // The engine keeps the token, not the secret.
      const stored = await h.store.get(authKeys.tokens(s.issuer, s.mcpUrl));
      assert.ok(stored && !stored.includes(SECRET));
      assert.equal((JSON.parse(stored) as StoredTokens).clientSource, 'client-credentials');
      assertNoLeaks(s);
    });

    it('client_secret_post when the authorization server lists only that', async () => {
      const s = await start({
        clients: { svc: { method: 'client_secret_post', secret: SECRET } },
        metadataOverrides: { token_endpoint_auth_methods_supported: ['client_secret_post'] },
      });
      await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: SECRET });
      const token = s.last('/token')!;
      assert.equal(token.params.client_id, 'svc');
      assert.equal(token.params.client_secret, SECRET);
      assert.equal(token.headers.authorization, undefined);
      assertNoLeaks(s);
    });

    it('a wrong secret is a clear invalid_client error, and nothing is stored', async () => {
      const s = await start();
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: 'wrong-secret' }),
        flowError(
          'token-request-failed',
          /refused \(invalid_client: Client authentication failed\.\)\. Check the client id \(svc\) and its secret or key\./,
        ),
      );
      assert.equal((await h.engine.status(s.mcpUrl)).state, 'none');
      assertNoLeaks(s, 'wrong-secret');
    });

    it('refuses a token endpoint that redirects, and never follows it', async () => {
      const s = await start({ tokenRedirect: true });
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: SECRET }),
        flowError('token-endpoint-redirect', /redirect \(HTTP 307\)/),
      );
      assert.equal(s.count('/token-elsewhere'), 0);
      assert.equal((await h.engine.status(s.mcpUrl)).state, 'none');
    });

    it('says so before sending credentials when the AS does not offer the grant', async () => {
      const s = await start({ metadataOverrides: { grant_types_supported: ['authorization_code'] } });
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: SECRET }),
        flowError('unsupported-server', /does not offer the client_credentials grant/),
      );
      assert.equal(s.count('/token'), 0);
    });

    it('does not send a secret in a way the AS does not list', async () => {
      const s = await start({ metadataOverrides: { token_endpoint_auth_methods_supported: ['private_key_jwt'] } });
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: SECRET }),
        flowError('unsupported-server', /accepts no client secret/),
      );
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, {
          clientId: 'svc',
          clientSecret: SECRET,
          authMethod: 'client_secret_post',
        }),
        flowError('unsupported-server', /does not support client_secret_post/),
      );
      assert.equal(s.count('/token'), 0);
    });

    it('refuses a client without a secret or key (client credentials are for confidential clients)', async () => {
      const s = await start();
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc' }),
        flowError('invalid-client-credentials', /confidential clients/),
      );
      assert.equal(s.count('/token'), 0);
    });

    it('works with an AS that has no authorization endpoint or PKCE (none is used), but a browser sign-in there is still refused', async () => {
      const s = await start({
        metadataOverrides: {
          authorization_endpoint: null,
          code_challenge_methods_supported: null,
          response_types_supported: ['token'],
        },
      });
      await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: SECRET });
      // The discovery cached for the machine grant is not trusted for the authorization code flow.
      await assert.rejects(h.engine.signIn(s.mcpUrl), flowError('unsupported-server', /no authorization_endpoint/));
      assert.equal(h.browserOpens.length, 0);
    });

    it('still refuses an insecure endpoint in the metadata', async () => {
      const s = await start({ metadataOverrides: { token_endpoint: 'http://token.example.test/token' } });
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', clientSecret: SECRET }),
        flowError('insecure-url', /must use https/),
      );
      assert.equal(s.count('/token'), 0);
    });
  });

  describe('private_key_jwt (RFC 7523 §2.2)', () => {
    it('signs an ES256 assertion from a PEM key that the AS verifies (iss, sub, aud, exp, iat, fresh jti)', async () => {
      const { privateKey, publicKey } = ecKeys();
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const s = await start({ clients: { svc: { method: 'private_key_jwt', publicKey, alg: 'ES256' } } });
      await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', privateKey: pem });
      assert.deepEqual(s.assertionProblems, []);
      const params = s.last('/token')!.params;
      assert.equal(params.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      const claims = decodeJwt(params.client_assertion!);
      assert.equal(claims.iss, 'svc');
      assert.equal(claims.sub, 'svc');
      assert.equal(claims.aud, s.issuer);
      assert.ok(claims.exp! > claims.iat! && claims.exp! - claims.iat! <= 300);
      assert.equal(decodeProtectedHeader(params.client_assertion!).alg, 'ES256');
      // A second sign-in signs a new assertion: the AS refuses a replayed jti.
      h.engine = makeHarness({ store: h.store }).engine;
      await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', privateKey: pem });
      assert.equal(s.seenJtis.length, 2);
      assert.notEqual(s.seenJtis[0], s.seenJtis[1]);
      assertNoLeaks(s, pem);
    });

    it('signs RS256 from an RSA JWK and sends its kid', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'key-1' };
      const s = await start({ clients: { svc: { method: 'private_key_jwt', publicKey, alg: 'RS256' } } });
      await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', privateKey: JSON.stringify(jwk) });
      const header = decodeProtectedHeader(s.last('/token')!.params.client_assertion!);
      assert.equal(header.alg, 'RS256');
      assert.equal(header.kid, 'key-1');
    });

    it('the AS refuses an assertion signed by another key (and the error says invalid_client)', async () => {
      const s = await start({
        clients: { svc: { method: 'private_key_jwt', publicKey: ecKeys().publicKey, alg: 'ES256' } },
      });
      const pem = ecKeys().privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', privateKey: pem }),
        flowError('token-request-failed', /invalid_client/),
      );
      assert.match(s.assertionProblems.join('\n'), /signature verification failed/);
    });

    it('refuses an algorithm the AS does not accept, before any token request', async () => {
      const s = await start({ metadataOverrides: { token_endpoint_auth_signing_alg_values_supported: ['RS256'] } });
      const pem = ecKeys().privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await assert.rejects(
        h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'svc', privateKey: pem }),
        flowError('unsupported-server', /does not accept ES256 client assertions/),
      );
      assert.equal(s.count('/token'), 0);
    });

    it('refuses a public key, an unreadable key and an algorithm that does not fit, before any request', async () => {
      const s = await start();
      const { publicKey, privateKey } = ecKeys();
      const cases: Array<[string | Record<string, unknown>, string | undefined, RegExp]> = [
        [publicKey.export({ format: 'jwk' }) as Record<string, unknown>, undefined, /public key/],
        ['-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n', undefined, /could not be read/],
        [
          privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
          'RS256',
          /RS256 does not fit the key \(it can sign with ES256\)/,
        ],
      ];
      for (const [key, alg, pattern] of cases) {
        await assert.rejects(
          h.engine.signInWithClientCredentials(s.mcpUrl, {
            clientId: 'svc',
            privateKey: key,
            ...(alg ? { signingAlgorithm: alg } : {}),
          }),
          flowError('invalid-client-credentials', pattern),
        );
      }
      assert.equal(s.requests.length, 0);
    });
  });

  describe('authorizedFetch with a grant', () => {
    it('gets a token on the first 401 without a browser (even when not interactive), then reuses it', async () => {
      const s = await start({ requiredScope: 'mcp:read' });
      const grant: MachineGrant = { type: 'client_credentials', client: { clientId: 'svc', clientSecret: SECRET } };
      const f = h.engine.authorizedFetch(s.mcpUrl, { grant });
      const res = await f(`${s.origin}/mcp/check`, { method: 'POST' });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { ok: true, client: 'svc', sub: 'svc', scope: 'mcp:read' });
      // The challenge's scope was requested (MCP scope selection strategy), and no offline_access.
      assert.equal(s.last('/token')!.params.scope, 'mcp:read');
      assert.equal((await f(`${s.origin}/mcp/check`, { method: 'POST' })).status, 200);
      assert.equal(s.count('/token'), 1);
      assert.equal(h.browserOpens.length, 0);
    });

    it('runs the grant again when the token expires (no refresh token is kept)', async () => {
      const s = await start({ issueRefreshToken: true });
      const f = h.engine.authorizedFetch(s.mcpUrl, {
        grant: { type: 'client_credentials', client: { clientId: 'svc', clientSecret: SECRET } },
      });
      assert.equal((await f(`${s.origin}/mcp/check`)).status, 200);
      s.expireAccessTokens();
      assert.equal((await f(`${s.origin}/mcp/check`)).status, 200);
      assert.equal(s.count('/token'), 2);
      assert.ok(
        s.requests.filter((r) => r.path === '/token').every((r) => r.params.grant_type === 'client_credentials'),
      );
    });

    it('steps up on 403 insufficient_scope with the union of scopes, capped like browser sign-ins', async () => {
      const s = await start({ requiredScope: 'mcp:read', adminScope: 'mcp:admin' });
      const f = h.engine.authorizedFetch(s.mcpUrl, {
        grant: { type: 'client_credentials', client: { clientId: 'svc', clientSecret: SECRET } },
      });
      const res = await f(`${s.origin}/mcp/admin`);
      assert.equal(res.status, 200);
      assert.deepEqual(
        s.requests.filter((r) => r.path === '/token').map((r) => r.params.scope),
        ['mcp:read', 'mcp:read mcp:admin'],
      );
    });

    it('gives up after 3 grants for one request when the server keeps refusing the scope', async () => {
      const s = await start({ requiredScope: 'mcp:read', adminScope: 'mcp:admin', scopeCeiling: ['mcp:read'] });
      const f = h.engine.authorizedFetch(s.mcpUrl, {
        grant: { type: 'client_credentials', client: { clientId: 'svc', clientSecret: SECRET } },
      });
      await assert.rejects(
        f(`${s.origin}/mcp/admin`),
        (e: unknown) => e instanceof AuthRequiredError && /Gave up after 3 sign-ins/.test(e.message),
      );
      assert.equal(s.count('/token'), 3);
    });

    it('does not use tokens of another client while a grant is given', async () => {
      const s = await start({
        clients: {
          svc: { method: 'client_secret_basic', secret: SECRET },
          other: { method: 'client_secret_basic', secret: 'o' },
        },
      });
      await h.engine.signInWithClientCredentials(s.mcpUrl, { clientId: 'other', clientSecret: 'o' });
      const res = await h.engine.authorizedFetch(s.mcpUrl, {
        grant: { type: 'client_credentials', client: { clientId: 'svc', clientSecret: SECRET } },
      })(`${s.origin}/mcp/check`);
      assert.equal(((await res.json()) as { client: string }).client, 'svc');
    });

    it('without a grant and not interactive, the same server still throws AuthRequiredError', async () => {
      const s = await start();
      await assert.rejects(
        h.engine.authorizedFetch(s.mcpUrl)(`${s.origin}/mcp/check`),
        (e: unknown) => e instanceof AuthRequiredError,
      );
      assert.equal(s.count('/token'), 0);
    });

    it('carries a real MCP session (SDK client over Streamable HTTP)', async () => {
      const s = await start();
      const client = new Client({ name: 'machine-test', version: '1.0.0' });
      const fetch = h.engine.authorizedFetch(s.mcpUrl, {
        grant: { type: 'client_credentials', client: { clientId: 'svc', clientSecret: SECRET } },
      });
      await client.connect(new StreamableHTTPClientTransport(new URL(s.mcpUrl), { fetch }));
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      assert.deepEqual(result.content, [{ type: 'text', text: 'client=svc sub=svc' }]);
      await client.close();
    });

    it('signOut revokes the token with the same client authentication, then forgets it', async () => {
      const s = await start();
      const grant: MachineGrant = { type: 'client_credentials', client: { clientId: 'svc', clientSecret: SECRET } };
      await h.engine.signInWithGrant(s.mcpUrl, grant);
      const token = [...s.accessTokens.keys()][0]!;
      await h.engine.signOut(s.mcpUrl, { grant });
      assert.deepEqual(s.revoked, [token]);
      assert.match(String(s.last('/revoke')!.headers.authorization), /^Basic /);
      assert.equal((await h.engine.status(s.mcpUrl)).state, 'none');
    });
  });

  describe('cross-app access (ID-JAG)', () => {
    async function grantFor(s: MachineAuthServer, idToken?: string): Promise<MachineGrant> {
      return {
        type: 'cross_app_access',
        client: { clientId: 'xaa-client', clientSecret: SECRET },
        identityProvider: {
          tokenEndpoint: s.idpTokenEndpoint,
          idToken: idToken ?? (await s.idToken()),
          client: { clientId: s.idpClientId },
        },
      };
    }
    const clients: MachineAuthOptions['clients'] = { 'xaa-client': { method: 'client_secret_basic', secret: SECRET } };

    it('exchanges the ID token at the IdP for an ID-JAG, then trades it at the AS for a token for the user', async () => {
      const s = await start({ clients });
      const grant = await grantFor(s);
      const res = await h.engine.authorizedFetch(s.mcpUrl, { grant })(`${s.origin}/mcp/check`);
      assert.deepEqual(await res.json(), { ok: true, client: 'xaa-client', sub: 'alice@example.com', scope: '' });
      const exchange = s.last('/idp/token')!.params;
      assert.equal(exchange.grant_type, 'urn:ietf:params:oauth:grant-type:token-exchange');
      assert.equal(exchange.requested_token_type, 'urn:ietf:params:oauth:token-type:id-jag');
      assert.equal(exchange.subject_token_type, 'urn:ietf:params:oauth:token-type:id_token');
      assert.equal(exchange.audience, s.issuer);
      assert.equal(exchange.resource, s.mcpUrl);
      const token = s.last('/token')!;
      assert.equal(token.params.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
      assert.match(String(token.headers.authorization), /^Basic /);
      assert.deepEqual(s.assertionProblems, []);
      const stored = JSON.parse((await h.store.get(authKeys.tokens(s.issuer, s.mcpUrl)))!) as StoredTokens;
      assert.equal(stored.clientSource, 'cross-app-access');
      assert.ok(h.exchanges.some((e) => e.step === 'token-exchange'));
      assertNoLeaks(s);
    });

    it('discovers the IdP token endpoint from its issuer when only that is given', async () => {
      const s = await start({ clients });
      const grant = await grantFor(s);
      if (grant.type !== 'cross_app_access') throw new Error('unreachable');
      await h.engine.signInWithCrossAppAccess(s.mcpUrl, {
        client: grant.client,
        identityProvider: { ...grant.identityProvider, tokenEndpoint: undefined, issuer: s.idpIssuer },
      });
      assert.equal(s.count('/.well-known/oauth-authorization-server/idp'), 1);
      assert.equal(s.count('/idp/token'), 1);
    });

    it('reports an IdP refusal (a bad ID token) without the token, and asks the AS nothing', async () => {
      const s = await start({ clients });
      const forged = await s.idToken('mallory', 'someone-else');
      await assert.rejects(
        h.engine.signInWithGrant(s.mcpUrl, await grantFor(s, forged)),
        flowError('token-exchange-failed', /refused the token exchange \(invalid_grant: The ID token is not valid\.\)/),
      );
      assert.equal(s.count('/token'), 0);
      assertNoLeaks(s);
    });

    it('refuses an answer that is not an ID-JAG, and an IdP token endpoint that redirects', async () => {
      const s = await start({ clients, idpIssuedTokenType: 'urn:ietf:params:oauth:token-type:access_token' });
      await assert.rejects(
        h.engine.signInWithGrant(s.mcpUrl, await grantFor(s)),
        flowError('token-exchange-failed', /not an identity assertion grant/),
      );
      const r = await start({ clients, idpTokenRedirect: true });
      await assert.rejects(
        h.engine.signInWithGrant(r.mcpUrl, await grantFor(r)),
        flowError('token-endpoint-redirect', /identity provider's token endpoint answered with a redirect/),
      );
      assert.equal(r.count('/idp/token-elsewhere'), 0);
      assert.equal(s.count('/token') + r.count('/token'), 0);
    });

    it('the AS refuses the ID-JAG for a client it was not issued to', async () => {
      const s = await start({ clients: { ...clients, intruder: { method: 'client_secret_basic', secret: 'i' } } });
      const grant = await grantFor(s);
      await assert.rejects(
        h.engine.signInWithGrant(s.mcpUrl, { ...grant, client: { clientId: 'intruder', clientSecret: 'i' } }),
        flowError('token-request-failed', /invalid_grant/),
      );
      assert.match(s.assertionProblems.join('\n'), /ID-JAG client_id xaa-client is not intruder/);
    });
  });
});
