import * as assert from 'node:assert/strict';
import { MemoryAuthStore, authKeys } from '../../../src/core/auth/store';
import type { DiscoveryState, StoredClient, StoredTokens } from '../../../src/core/auth/types';
import { decodeJwt, readAccessToken, readVault } from '../../../src/core/auth/vault';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const RESOURCE = 'https://mcp.example.com/mcp';
const ISSUER = 'https://auth.example.com/';

async function seed(accessToken: string, extra: Partial<StoredTokens> = {}): Promise<MemoryAuthStore> {
  const store = new MemoryAuthStore();
  const disc: DiscoveryState = {
    resource: RESOURCE,
    resourceIndicator: RESOURCE,
    issuer: ISSUER,
    authorizationServerMetadata: {
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}authorize`,
      token_endpoint: `${ISSUER}token`,
      response_types_supported: ['code'],
      revocation_endpoint: `${ISSUER}revoke`,
    } as DiscoveryState['authorizationServerMetadata'],
    legacy: false,
    fetchedAt: 0,
  };
  const client: StoredClient = {
    issuer: ISSUER,
    clientId: 'dcr-1',
    clientSecret: 'client-secret-value',
    redirectUris: ['http://127.0.0.1:5555/callback'],
    registeredAt: 1000,
  };
  const tokens: StoredTokens = {
    accessToken,
    tokenType: 'Bearer',
    refreshToken: 'refresh-secret-value',
    scope: 'user repo',
    obtainedAt: 2000,
    expiresAt: 3_602_000,
    issuer: ISSUER,
    resource: RESOURCE,
    clientId: 'dcr-1',
    clientSource: 'dynamic-registration',
    ...extra,
  };
  await store.set(authKeys.discovery(RESOURCE), JSON.stringify(disc));
  await store.set(authKeys.client(ISSUER), JSON.stringify(client));
  await store.set(authKeys.tokens(ISSUER, RESOURCE), JSON.stringify(tokens));
  return store;
}

describe('token vault (core)', () => {
  it('decodes a JWT header and claims, and refuses what is not a JWS compact JWT', () => {
    const jwt = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })}.${b64({ sub: 'octo', aud: RESOURCE, exp: 1700000000, scope: 'user' })}.c2lnbmF0dXJl`;
    assert.deepEqual(decodeJwt(jwt), {
      header: { alg: 'RS256', typ: 'at+jwt', kid: 'k1' },
      payload: { sub: 'octo', aud: RESOURCE, exp: 1700000000, scope: 'user' },
    });
    assert.equal(decodeJwt('mcp_opaque_token_value'), undefined);
    assert.equal(decodeJwt(`${b64({ typ: 'JWT' })}.${b64({ sub: 'x' })}.sig`), undefined, 'no alg: not a JWS header');
    assert.equal(decodeJwt(`${b64([1])}.${b64({ sub: 'x' })}.sig`), undefined);
    assert.equal(decodeJwt('a.b.c.d.e'), undefined, 'a JWE has five parts');
    assert.equal(decodeJwt('!!.??.sig'), undefined);
  });

  it('shows issuer, client and its source, scopes, expiry and claims, never a token or a secret', async () => {
    const jwt = `${b64({ alg: 'ES256' })}.${b64({ sub: 'octo', client_id: 'dcr-1' })}.c2ln`;
    const store = await seed(jwt);
    const vault = await readVault(store, RESOURCE, 5000);
    assert.equal(vault.state, 'signed-in');
    assert.equal(vault.issuer, ISSUER);
    assert.equal(vault.clientId, 'dcr-1');
    assert.equal(vault.clientSource, 'dynamic-registration');
    assert.deepEqual(vault.scopes, ['user', 'repo']);
    assert.equal(vault.expiresAt, 3_602_000);
    assert.equal(vault.hasRefreshToken, true);
    assert.equal(vault.tokenFormat, 'jwt');
    assert.deepEqual(vault.jwt?.payload, { sub: 'octo', client_id: 'dcr-1' });
    assert.equal(vault.registration?.hasClientSecret, true);
    assert.equal(vault.revocationEndpoint, `${ISSUER}revoke`);
    const text = JSON.stringify(vault);
    for (const secret of [jwt, 'refresh-secret-value', 'client-secret-value', 'c2ln']) {
      assert.ok(!text.includes(secret), `${secret} leaked`);
    }
    assert.equal(await readAccessToken(store, RESOURCE), jwt);
  });

  it('says opaque for a non-JWT token, expired without refresh token, and none without tokens', async () => {
    const store = await seed('mcp_opaque', { refreshToken: undefined, expiresAt: 10 });
    const vault = await readVault(store, RESOURCE, 5000);
    assert.equal(vault.tokenFormat, 'opaque');
    assert.equal(vault.jwt, undefined);
    assert.equal(vault.state, 'expired');
    await store.delete(authKeys.tokens(ISSUER, RESOURCE));
    const none = await readVault(store, RESOURCE);
    assert.equal(none.state, 'none');
    assert.equal(none.issuer, ISSUER);
    assert.equal(await readAccessToken(store, RESOURCE), undefined);
    assert.equal((await readVault(new MemoryAuthStore(), RESOURCE)).state, 'none');
  });
});
