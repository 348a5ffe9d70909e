import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import {
  applyClientAuthentication,
  basicAuthorization,
  loadSigningKey,
  selectTokenEndpointAuthMethod,
  signClientAssertion,
  validateClientCredentials,
} from '../../../src/core/auth/clientAuth';
import { OAuthFlowError } from '../../../src/core/auth/errors';

function flowError(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof OAuthFlowError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('auth: client authentication for the grants without a browser', () => {
  it('picks the JWS algorithm that fits the key, from PEM or JWK', () => {
    const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
      k.export({ format: 'pem', type: 'pkcs8' }).toString();
    assert.equal(loadSigningKey(pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).alg, 'ES256');
    assert.equal(loadSigningKey(pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey)).alg, 'ES384');
    assert.equal(loadSigningKey(pem(generateKeyPairSync('ed25519').privateKey)).alg, 'EdDSA');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    assert.equal(loadSigningKey(pem(rsa)).alg, 'RS256');
    assert.equal(loadSigningKey(pem(rsa), 'PS384').alg, 'PS384');
    // SEC1 ("BEGIN EC PRIVATE KEY") is read too.
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'sec1' })
      .toString();
    assert.equal(loadSigningKey(sec1).alg, 'ES256');
    // A JWK's own alg and kid are used.
    const jwk = { ...rsa.export({ format: 'jwk' }), alg: 'RS512', kid: 'k1' };
    assert.deepEqual(
      { alg: loadSigningKey(JSON.stringify(jwk)).alg, kid: loadSigningKey(jwk).kid },
      { alg: 'RS512', kid: 'k1' },
    );
  });

  it('refuses public, unreadable and symmetric keys and mismatched algorithms, without echoing the key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicPem = ec.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    assert.throws(
      () => loadSigningKey(publicPem),
      flowError('invalid-client-credentials', /could not be read|not a private key/),
    );
    assert.throws(
      () => loadSigningKey(ec.publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
      flowError('invalid-client-credentials', /public key/),
    );
    assert.throws(
      () => loadSigningKey('{"kty": "oct", "k": "c2VjcmV0", "d": "x"'),
      flowError('invalid-client-credentials', /not a valid JSON object/),
    );
    assert.throws(
      () => loadSigningKey(JSON.stringify({ kty: 'oct', k: 'c2VjcmV0c2VjcmV0', d: 'eA' })),
      flowError('invalid-client-credentials', /could not be read/),
    );
    const privatePem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    assert.throws(
      () => loadSigningKey(privatePem, 'ES384'),
      flowError('invalid-client-credentials', /ES384 does not fit the key \(it can sign with ES256\)/),
    );
    assert.throws(
      () => loadSigningKey(privatePem, 'HS256'),
      flowError('invalid-client-credentials', /"HS256" is not supported/),
    );
    try {
      loadSigningKey(privatePem, 'ES384');
    } catch (e) {
      assert.ok(!(e as Error).message.includes('PRIVATE KEY'));
    }
  });

  it('validates the combination of secret, key and method', () => {
    assert.throws(
      () => validateClientCredentials({ clientId: '' }),
      flowError('invalid-client-credentials', /no client id/),
    );
    assert.throws(
      () => validateClientCredentials({ clientId: 'c', authMethod: 'private_key_jwt' }),
      flowError('invalid-client-credentials', /needs a private key/),
    );
    assert.throws(
      () => validateClientCredentials({ clientId: 'c', authMethod: 'client_secret_post' }),
      flowError('invalid-client-credentials', /needs a client secret/),
    );
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    assert.throws(
      () => validateClientCredentials({ clientId: 'c', privateKey: pem, authMethod: 'client_secret_basic' }),
      flowError('invalid-client-credentials', /private key is used with private_key_jwt/),
    );
    assert.equal(validateClientCredentials({ clientId: 'c', clientSecret: 's' }), undefined);
    assert.equal(validateClientCredentials({ clientId: 'c', privateKey: pem })?.alg, 'ES256');
  });

  it('chooses the token endpoint auth method from what the AS lists (Basic by default, RFC 8414 §2)', () => {
    const secret = { clientId: 'c', clientSecret: 's' };
    assert.equal(selectTokenEndpointAuthMethod(secret, undefined, { allowPublic: false }), 'client_secret_basic');
    assert.equal(
      selectTokenEndpointAuthMethod(secret, ['client_secret_post', 'client_secret_basic'], { allowPublic: false }),
      'client_secret_basic',
    );
    assert.equal(
      selectTokenEndpointAuthMethod(secret, ['client_secret_post'], { allowPublic: false }),
      'client_secret_post',
    );
    assert.throws(
      () => selectTokenEndpointAuthMethod(secret, ['private_key_jwt'], { allowPublic: false }),
      flowError(
        'unsupported-server',
        /accepts no client secret at its token endpoint \(it supports: private_key_jwt\)/,
      ),
    );
    assert.throws(
      () =>
        selectTokenEndpointAuthMethod({ ...secret, authMethod: 'client_secret_post' }, undefined, {
          allowPublic: false,
        }),
      flowError('unsupported-server', /does not support client_secret_post/),
    );
    assert.equal(
      selectTokenEndpointAuthMethod({ clientId: 'c', privateKey: 'k' }, ['private_key_jwt'], { allowPublic: false }),
      'private_key_jwt',
    );
    assert.throws(
      () =>
        selectTokenEndpointAuthMethod({ clientId: 'c', privateKey: 'k' }, ['client_secret_basic'], {
          allowPublic: false,
        }),
      flowError('unsupported-server', /does not support private_key_jwt/),
    );
    assert.throws(
      () => selectTokenEndpointAuthMethod({ clientId: 'c' }, undefined, { allowPublic: false }),
      flowError('invalid-client-credentials', /confidential clients/),
    );
    assert.equal(selectTokenEndpointAuthMethod({ clientId: 'c' }, undefined, { allowPublic: true }), 'none');
    assert.equal(selectTokenEndpointAuthMethod({ clientId: 'c' }, ['none'], { allowPublic: true }), 'none');
    assert.throws(
      () => selectTokenEndpointAuthMethod({ clientId: 'c' }, ['client_secret_basic'], { allowPublic: true }),
      flowError('unsupported-server', /does not support none/),
    );
  });

  it('form-urlencodes Basic credentials (RFC 6749 §2.3.1)', () => {
    const header = basicAuthorization('my client', 'p@ss:w/rd+%');
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString();
    assert.equal(decoded, 'my%20client:p%40ss%3Aw%2Frd%2B%25');
    const [id, secret] = decoded.split(':').map(decodeURIComponent);
    assert.deepEqual([id, secret], ['my client', 'p@ss:w/rd+%']);
  });

  it('signs a client assertion with the RFC 7523 §3 claims, and a new jti each time', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = loadSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const now = Date.now();
    const a = await signClientAssertion('svc', key, 'https://as.example', now);
    const b = await signClientAssertion('svc', key, 'https://as.example', now);
    const { payload } = await jwtVerify(a, publicKey, {
      issuer: 'svc',
      subject: 'svc',
      audience: 'https://as.example',
      requiredClaims: ['jti', 'iat', 'exp'],
    });
    assert.equal(payload.iat, Math.floor(now / 1000));
    assert.equal(payload.exp, Math.floor(now / 1000) + 60);
    assert.notEqual(payload.jti, (await jwtVerify(b, publicKey)).payload.jti);
    assert.deepEqual(decodeProtectedHeader(a), { alg: 'ES256', typ: 'JWT' });
  });

  it('puts each method where it belongs: header, body or assertion', async () => {
    const run = async (
      method: Parameters<typeof applyClientAuthentication>[0],
      creds: Parameters<typeof applyClientAuthentication>[1],
    ) => {
      const headers = new Headers();
      const params = new URLSearchParams();
      const key = creds.privateKey ? loadSigningKey(creds.privateKey) : undefined;
      await applyClientAuthentication(method, creds, key, headers, params, 'https://as.example', Date.now());
      return { auth: headers.get('authorization'), params: Object.fromEntries(params) };
    };
    assert.deepEqual(await run('client_secret_basic', { clientId: 'c', clientSecret: 's' }), {
      auth: basicAuthorization('c', 's'),
      params: {},
    });
    assert.deepEqual(await run('client_secret_post', { clientId: 'c', clientSecret: 's' }), {
      auth: null,
      params: { client_id: 'c', client_secret: 's' },
    });
    assert.deepEqual(await run('none', { clientId: 'c' }), { auth: null, params: { client_id: 'c' } });
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const jwt = await run('private_key_jwt', { clientId: 'c', privateKey: pem });
    assert.equal(jwt.auth, null);
    assert.equal(jwt.params.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.match(jwt.params.client_assertion!, /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
  });
});
