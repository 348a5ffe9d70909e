import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { browserCommands, canSignIn, CLIENT_SECRET_ENV, defaultCredentialsPath, findOAuthFlowError, preRegisteredClient } from '../../../src/cli/auth';
import { parseArgs, type RunRequest } from '../../../src/cli/args';
import type { CliIo } from '../../../src/cli/output';
import { OAuthFlowError } from '../../../src/core/auth/errors';
import { ConnectionError } from '../../../src/core/errors';

const URL_ = 'http://127.0.0.1:9/authorize?state=a&b=c';

function request(argv: string[]): RunRequest {
  return parseArgs(argv) as RunRequest;
}

function io(interactive: boolean): CliIo {
  return { stdout() {}, stderr() {}, interactive, env: {} };
}

describe('cli: sign-in helpers', () => {
  it('keeps credentials under ~/.config/mcp-lens by default, honouring XDG_CONFIG_HOME and APPDATA', () => {
    assert.equal(defaultCredentialsPath({}, 'linux', '/home/u'), path.join('/home/u', '.config', 'mcp-lens', 'credentials.json'));
    assert.equal(defaultCredentialsPath({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/u'), path.join('/x/cfg', 'mcp-lens', 'credentials.json'));
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    assert.equal(defaultCredentialsPath({ XDG_CONFIG_HOME: 'rel' }, 'linux', '/home/u'), path.join('/home/u', '.config', 'mcp-lens', 'credentials.json'));
    assert.equal(defaultCredentialsPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'), path.join('C:\\Users\\u\\AppData\\Roaming', 'mcp-lens', 'credentials.json'));
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

  it('signs in only when someone can answer, or with the test-only opener', () => {
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp']), io(true)), true);
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp']), io(false)), false);
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp', '--non-interactive']), io(true)), false);
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp', '--test-only-headless-browser']), io(false)), true);
    assert.equal(canSignIn(request(['tools', 'http://h.test/mcp', '--test-only-headless-browser', '--non-interactive']), io(false)), false);
  });

  it('takes a pre-registered client from --client-id and the secret from the environment only', () => {
    assert.deepEqual(preRegisteredClient(request(['tools', 'http://h.test/mcp', '--client-id', 'abc']), { [CLIENT_SECRET_ENV]: 's3' }), { clientId: 'abc', clientSecret: 's3' });
    assert.deepEqual(preRegisteredClient(request(['tools', 'http://h.test/mcp', '--client-id', 'abc']), {}), { clientId: 'abc' });
    assert.equal(preRegisteredClient(request(['tools', 'http://h.test/mcp']), {}), undefined);
  });

  it('reads MCP_CONFORMANCE_CONTEXT only in the test-only mode', () => {
    const env = { MCP_CONFORMANCE_CONTEXT: JSON.stringify({ name: 'auth/pre-registration', client_id: 'pre', client_secret: 'sec' }) };
    assert.equal(preRegisteredClient(request(['tools', 'http://h.test/mcp']), env), undefined);
    assert.deepEqual(preRegisteredClient(request(['tools', 'http://h.test/mcp', '--test-only-headless-browser']), env), { clientId: 'pre', clientSecret: 'sec' });
    assert.equal(preRegisteredClient(request(['tools', 'http://h.test/mcp', '--test-only-headless-browser']), { MCP_CONFORMANCE_CONTEXT: '{"name":"auth/metadata-default"}' }), undefined);
    assert.equal(preRegisteredClient(request(['tools', 'http://h.test/mcp', '--test-only-headless-browser']), { MCP_CONFORMANCE_CONTEXT: 'not json' }), undefined);
  });

  it('finds a failed sign-in inside the core error that wraps it', () => {
    const flow = new OAuthFlowError('resource-mismatch', 'The metadata is for another resource.');
    assert.equal(findOAuthFlowError(new ConnectionError('unknown', 'initialize failed', undefined, { cause: flow })), flow);
    assert.equal(findOAuthFlowError(new Error('x')), undefined);
  });
});
