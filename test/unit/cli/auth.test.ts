import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import {
  browserCommands,
  canSignIn,
  CLIENT_SECRET_ENV,
  defaultCredentialsPath,
  findOAuthFlowError,
  GrantConfigError,
  IDP_CLIENT_SECRET_ENV,
  IDP_ID_TOKEN_ENV,
  machineGrant,
  preRegisteredClient,
} from '../../../src/cli/auth';
import { parseArgs, type RunRequest } from '../../../src/cli/args';
import type { CliIo } from '../../../src/cli/output';
import { OAuthFlowError } from '../../../src/core/auth/errors';
import { ConnectionError } from '../../../src/core/errors';
import { conformanceGrant } from '../../support/conformanceContext';
import { TEST_SIGN_IN } from '../../support/cliWithTestOpener';

const URL_ = 'http://127.0.0.1:9/authorize?state=a&b=c';

function request(argv: string[]): RunRequest {
  return parseArgs(argv) as RunRequest;
}

function io(interactive: boolean): CliIo {
  return { stdout() {}, stderr() {}, interactive, env: {} };
}

describe('cli: sign-in helpers', () => {
  it('keeps credentials under ~/.config/mcp-lens by default, honouring XDG_CONFIG_HOME and APPDATA', () => {
    assert.equal(
      defaultCredentialsPath({}, 'linux', '/home/u'),
      path.join('/home/u', '.config', 'mcp-lens', 'credentials.json'),
    );
    assert.equal(
      defaultCredentialsPath({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/u'),
      path.join('/x/cfg', 'mcp-lens', 'credentials.json'),
    );
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    assert.equal(
      defaultCredentialsPath({ XDG_CONFIG_HOME: 'rel' }, 'linux', '/home/u'),
      path.join('/home/u', '.config', 'mcp-lens', 'credentials.json'),
    );
    assert.equal(
      defaultCredentialsPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'),
      path.join('C:\\Users\\u\\AppData\\Roaming', 'mcp-lens', 'credentials.json'),
    );
  });

  it('opens $BROWSER entries in order (with %s or the URL appended), then the platform opener', () => {
    assert.deepEqual(browserCommands(URL_, {}, 'linux'), [{ command: 'xdg-open', args: [URL_] }]);
    assert.deepEqual(browserCommands(URL_, {}, 'darwin'), [{ command: 'open', args: [URL_] }]);
    assert.deepEqual(browserCommands(URL_, { BROWSER: 'firefox --new-tab %s:"/opt/my browser/run"' }, 'linux'), [
      { command: 'firefox', args: ['--new-tab', URL_] },
      { command: '/opt/my browser/run', args: [URL_] },
      { command: 'xdg-open', args: [URL_] },
    ]);
    const windows = browserCommands('http://127.0.0.1/a?x=1&y=2', {}, 'win32');
    assert.deepEqual(windows, [{ command: 'cmd', args: ['/c', 'start', '""', 'http://127.0.0.1/a?x=1^&y=2'] }]);
  });

  it('signs in only when someone can answer, or with the stand-in of a test', () => {
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp']), io(true)), true);
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp']), io(false)), false);
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp', '--non-interactive']), io(true)), false);
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp']), io(false), TEST_SIGN_IN), true);
    assert.equal(
      canSignIn(request(['tools', 'http://h.test/mcp', '--non-interactive']), io(false), TEST_SIGN_IN),
      false,
    );
  });

  it('takes a pre-registered client from --client-id and the secret from the environment only', () => {
    assert.deepEqual(
      preRegisteredClient(request(['tools', 'http://h.test/mcp', '--client-id', 'abc']), { [CLIENT_SECRET_ENV]: 's3' }),
      { clientId: 'abc', clientSecret: 's3' },
    );
    assert.deepEqual(preRegisteredClient(request(['tools', 'http://h.test/mcp', '--client-id', 'abc']), {}), {
      clientId: 'abc',
    });
    assert.equal(preRegisteredClient(request(['tools', 'http://h.test/mcp']), {}), undefined);
  });

  it('reads MCP_CONFORMANCE_CONTEXT only through the stand-in of the test entry', () => {
    const env = {
      MCP_CONFORMANCE_CONTEXT: JSON.stringify({
        name: 'auth/pre-registration',
        client_id: 'pre',
        client_secret: 'sec',
      }),
    };
    assert.equal(preRegisteredClient(request(['tools', 'http://h.test/mcp']), env), undefined);
    assert.deepEqual(preRegisteredClient(request(['tools', 'http://h.test/mcp']), env, TEST_SIGN_IN), {
      clientId: 'pre',
      clientSecret: 'sec',
    });
    assert.equal(
      preRegisteredClient(
        request(['tools', 'http://h.test/mcp']),
        { MCP_CONFORMANCE_CONTEXT: '{"name":"auth/metadata-default"}' },
        TEST_SIGN_IN,
      ),
      undefined,
    );
    assert.equal(
      preRegisteredClient(
        request(['tools', 'http://h.test/mcp']),
        { MCP_CONFORMANCE_CONTEXT: 'not json' },
        TEST_SIGN_IN,
      ),
      undefined,
    );
  });

  it('builds the client credentials grant from the options, the secret from the environment and the key from its file', () => {
    const cc = ['tools', 'https://h.test/mcp', '--client-credentials', '--client-id', 'svc'];
    assert.deepEqual(machineGrant(request(cc), { [CLIENT_SECRET_ENV]: 's3' }), {
      type: 'client_credentials',
      client: { clientId: 'svc', clientSecret: 's3' },
    });
    assert.throws(
      () => machineGrant(request(cc), {}),
      (e: unknown) =>
        e instanceof GrantConfigError &&
        /needs the client's secret in MCP_LENS_CLIENT_SECRET or its private key/.test(e.message),
    );
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const files: Record<string, string> = { 'key.pem': pem };
    const read = (f: string) => {
      if (!(f in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[f]!;
    };
    assert.deepEqual(machineGrant(request([...cc, '--private-key-file', 'key.pem']), {}, read), {
      type: 'client_credentials',
      client: { clientId: 'svc', privateKey: pem },
    });
    assert.throws(
      () => machineGrant(request([...cc, '--private-key-file', 'missing.pem']), {}, read),
      (e: unknown) =>
        e instanceof GrantConfigError && /Could not read the private key file missing\.pem: ENOENT/.test(e.message),
    );
    files['bad.pem'] = 'not a key';
    assert.throws(
      () => machineGrant(request([...cc, '--private-key-file', 'bad.pem']), {}, read),
      (e: unknown) =>
        e instanceof GrantConfigError && /could not be read/.test(e.message) && !e.message.includes('not a key'),
    );
    assert.throws(
      () => machineGrant(request([...cc, '--private-key-file', 'key.pem', '--signing-alg', 'RS256']), {}, read),
      (e: unknown) => e instanceof GrantConfigError && /RS256 does not fit/.test(e.message),
    );
    // Without a grant option, no grant (and no stand-in).
    assert.equal(
      machineGrant(request(['tools', 'https://h.test/mcp', '--client-id', 'svc']), { [CLIENT_SECRET_ENV]: 's3' }),
      undefined,
    );
  });

  it('builds the cross-app access grant with the ID token and the IdP secret from the environment', () => {
    const xaa = [
      'tools',
      'https://h.test/mcp',
      '--cross-app-access',
      '--client-id',
      'app',
      '--idp-token-endpoint',
      'https://idp.test/token',
      '--idp-client-id',
      'lens',
    ];
    assert.throws(
      () => machineGrant(request(xaa), { [CLIENT_SECRET_ENV]: 's' }),
      (e: unknown) => e instanceof GrantConfigError && /ID token in MCP_LENS_IDP_ID_TOKEN/.test(e.message),
    );
    assert.deepEqual(
      machineGrant(request(xaa), {
        [CLIENT_SECRET_ENV]: 's',
        [IDP_ID_TOKEN_ENV]: 'idt',
        [IDP_CLIENT_SECRET_ENV]: 'is',
      }),
      {
        type: 'cross_app_access',
        client: { clientId: 'app', clientSecret: 's' },
        identityProvider: {
          idToken: 'idt',
          client: { clientId: 'lens', clientSecret: 'is' },
          tokenEndpoint: 'https://idp.test/token',
        },
      },
    );
  });

  it('TEST ONLY: takes the conformance scenario grant from MCP_CONFORMANCE_CONTEXT, only through the stand-in of the test entry', () => {
    const ctx = (value: Record<string, unknown>) => ({ MCP_CONFORMANCE_CONTEXT: JSON.stringify(value) });
    const jwt = ctx({
      name: 'auth/client-credentials-jwt',
      client_id: 'c',
      private_key_pem: 'PEM',
      signing_algorithm: 'ES256',
    });
    assert.deepEqual(conformanceGrant(jwt), {
      type: 'client_credentials',
      client: { clientId: 'c', privateKey: 'PEM', authMethod: 'private_key_jwt', signingAlgorithm: 'ES256' },
    });
    assert.deepEqual(
      conformanceGrant(ctx({ name: 'auth/client-credentials-basic', client_id: 'c', client_secret: 's' })),
      { type: 'client_credentials', client: { clientId: 'c', clientSecret: 's' } },
    );
    // The same shape in the pre-registration scenario is a pre-registered client for the browser flow, not a grant.
    assert.equal(
      conformanceGrant(ctx({ name: 'auth/pre-registration', client_id: 'c', client_secret: 's' })),
      undefined,
    );
    assert.deepEqual(
      conformanceGrant(
        ctx({
          name: 'auth/cross-app-access-complete-flow',
          client_id: 'c',
          client_secret: 's',
          idp_client_id: 'i',
          idp_id_token: 't',
          idp_issuer: 'http://idp',
          idp_token_endpoint: 'http://idp/token',
        }),
      ),
      {
        type: 'cross_app_access',
        client: { clientId: 'c', clientSecret: 's' },
        identityProvider: {
          idToken: 't',
          client: { clientId: 'i' },
          tokenEndpoint: 'http://idp/token',
          issuer: 'http://idp',
        },
      },
    );
    assert.equal(conformanceGrant({ MCP_CONFORMANCE_CONTEXT: 'not json' }), undefined);
    assert.equal(machineGrant(request(['tools', 'http://h.test/mcp']), jwt), undefined);
    assert.equal(
      machineGrant(request(['tools', 'http://h.test/mcp']), jwt, undefined, TEST_SIGN_IN)?.type,
      'client_credentials',
    );
  });

  it('finds a failed sign-in inside the core error that wraps it', () => {
    const flow = new OAuthFlowError('resource-mismatch', 'The metadata is for another resource.');
    assert.equal(
      findOAuthFlowError(new ConnectionError('unknown', 'initialize failed', undefined, { cause: flow })),
      flow,
    );
    assert.equal(findOAuthFlowError(new Error('x')), undefined);
  });
});
