/**
 * The CLI signs in against our simple-auth fixture (the python-sdk example's port, with
 * a GitHub stand-in in auto-approve mode), all on 127.0.0.1: a loopback redirect, the browser from
 * $BROWSER, tokens in a 0600 credentials file, `--no-browser`, and exit 3 when it cannot ask.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimpleAuthServer, type SimpleAuthServer } from '../../fixtures/simpleAuth/server';
import { cli, cliBundle, startCli } from './harness';

const FAKE_BROWSER = path.join(__dirname, 'fakeBrowser.cjs');

interface StoredTokensShape {
  accessToken: string;
  refreshToken?: string;
}

/** The token entries of a credentials file (the engine stores each value as a JSON string). */
function storedTokens(file: string): StoredTokensShape[] {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return Object.entries(data)
    .filter(([key]) => key.startsWith('mcp-lens.oauth.tokens '))
    .map(([, value]) => JSON.parse(value) as StoredTokensShape);
}

describe('cli: sign-in', function () {
  this.timeout(60_000);
  let server: SimpleAuthServer;
  let work: string;
  let credentials: string;
  let visits: string;
  let browserEnv: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(120_000);
    await cliBundle();
  });

  beforeEach(async () => {
    server = await startSimpleAuthServer({
      githubClientId: 'cli-test-client',
      githubClientSecret: 'cli-test-secret',
      autoApprove: true,
      port: 0,
    });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-cli-auth-'));
    credentials = path.join(work, 'nested', 'credentials.json');
    visits = path.join(work, 'browser-visits.txt');
    fs.writeFileSync(visits, '');
    browserEnv = { BROWSER: `${process.execPath} ${FAKE_BROWSER} ${visits} %s` };
  });

  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('without a terminal it exits 3, says a sign-in is needed, and opens no browser', async () => {
    const r = await cli(['call', server.mcpUrl, 'get_user_profile', '--credentials', credentials], browserEnv);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^mcp-lens: Authorization required: .*requires sign-in\.\nhint: Run the command in a terminal to sign in/m,
    );
    assert.equal(fs.readFileSync(visits, 'utf8'), '', 'no browser was started');
    assert.equal(server.stats.count({ path: '/authorize' }), 0);
    assert.equal(server.stats.count({ path: '/register' }), 0);
  });

  it('--non-interactive exits 3 even in a terminal', async () => {
    const r = await cli(
      ['tools', server.mcpUrl, '--non-interactive', '--credentials', credentials],
      browserEnv,
      30_000,
      { pty: true },
    );
    assert.equal(r.code, 3, r.stdout);
    assert.match(
      r.stdout,
      /mcp-lens: Authorization required: .*\nhint: Run the command again without --non-interactive/,
    );
    assert.equal(fs.readFileSync(visits, 'utf8'), '');
  });

  it('in a terminal it opens $BROWSER, signs in over a loopback redirect, keeps tokens in a 0600 file, and reuses them', async () => {
    const first = await cli(
      ['call', server.mcpUrl, 'get_user_profile', '--credentials', credentials],
      browserEnv,
      30_000,
      { pty: true },
    );
    assert.equal(first.code, 0, first.stdout);
    assert.match(first.stdout, /Opening your browser to sign in to 127\.0\.0\.1:\d+…/);
    assert.match(first.stdout, /"login": ?"octo-demo"/);

    // $BROWSER got the authorization URL: our server's /authorize with PKCE S256, state and a 127.0.0.1 redirect.
    const lines = fs.readFileSync(visits, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2, lines.join('\n'));
    const authUrl = new URL(lines[0]);
    assert.equal(authUrl.origin + authUrl.pathname, `${server.url}/authorize`);
    assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authUrl.searchParams.get('state'));
    assert.match(authUrl.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(lines[1], 'page 200 signed-in', 'the browser ends on the success page');

    // Tokens live in the credentials file, readable by the user only (the folder too), and nowhere in the output.
    assert.equal(fs.statSync(credentials).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(credentials)).mode & 0o777, 0o700);
    const tokens = storedTokens(credentials);
    assert.equal(tokens.length, 1);
    assert.ok(tokens[0].accessToken.length > 10);
    assert.ok(!first.stdout.includes(tokens[0].accessToken), 'the access token is not printed');
    if (tokens[0].refreshToken) {
      assert.ok(!first.stdout.includes(tokens[0].refreshToken), 'the refresh token is not printed');
    }

    // The second run needs nobody: no terminal, no browser, no registration, no authorization.
    const registrations = server.stats.count({ path: '/register' });
    const authorizations = server.stats.count({ path: '/authorize' });
    const second = await cli(
      ['call', server.mcpUrl, 'get_user_profile', '--credentials', credentials, '--json'],
      browserEnv,
    );
    assert.equal(second.code, 0, second.stderr);
    const text = (JSON.parse(second.stdout) as { content: Array<{ text: string }> }).content[0].text;
    assert.match(text, /octo-demo/);
    assert.equal(fs.readFileSync(visits, 'utf8').trim().split('\n').length, 2, 'no second browser visit');
    assert.equal(server.stats.count({ path: '/register' }), registrations);
    assert.equal(server.stats.count({ path: '/authorize' }), authorizations);
    assert.ok(!second.stderr.includes(tokens[0].accessToken));
  });

  // A person's time at the consent page is not the server's: --timeout stands still during the
  // sign-in, which only --sign-in-timeout bounds, then starts again for the server's answer.
  it('a sign-in longer than --timeout succeeds: the request timeout does not run while the browser is open', async () => {
    const started = performance.now();
    const r = await cli(
      ['call', server.mcpUrl, 'get_user_profile', '--timeout', '1', '--credentials', credentials],
      { ...browserEnv, FAKE_BROWSER_DELAY_MS: '3000' },
      30_000,
      {
        pty: true,
      },
    );
    const elapsedMs = performance.now() - started;
    assert.equal(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /did not finish initializing|did not answer/);
    assert.match(r.stdout, /"login": ?"octo-demo"/);
    assert.ok(elapsedMs >= 3000, `the browser step took its 3 s (run took ${Math.round(elapsedMs)} ms)`);
    assert.equal(fs.readFileSync(visits, 'utf8').trim().split('\n')[1], 'page 200 signed-in');
  });

  it('a sign-in longer than --sign-in-timeout fails and blames the sign-in, with the flag that controls it', async () => {
    const r = await cli(
      ['tools', server.mcpUrl, '--timeout', '30', '--sign-in-timeout', '1', '--credentials', credentials],
      { ...browserEnv, FAKE_BROWSER_DELAY_MS: '3000' },
      30_000,
      { pty: true },
    );
    assert.equal(r.code, 3, r.stdout);
    assert.match(
      r.stdout,
      /mcp-lens: Sign-in failed: The sign-in to http:\/\/127\.0\.0\.1:\d+\/mcp timed out after 1 s\./,
    );
    assert.match(r.stdout, /hint: .*--sign-in-timeout <seconds>/);
    assert.doesNotMatch(r.stdout, /server did not|did not answer/);
    assert.ok(
      !fs.existsSync(credentials) || storedTokens(credentials).length === 0,
      'no tokens from a timed-out sign-in',
    );
  });

  it('--sign-in-timeout must be a positive number of seconds', async () => {
    const r = await cli(['tools', server.mcpUrl, '--sign-in-timeout', 'soon']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--sign-in-timeout must be a positive number of seconds \(got "soon"\)/);
  });

  it('--no-browser prints the URL instead of opening a browser, and finishes when it is visited', async () => {
    const p = await startCli(['tools', server.mcpUrl, '--no-browser', '--credentials', credentials], browserEnv, {
      pty: true,
    });
    await p.waitFor(/open this URL in a browser:\n\n {2}(http:\/\/\S+)\n/, 'stdout');
    const url = /open this URL in a browser:\n\n {2}(http:\/\/\S+)\n/.exec(p.stdout())![1];
    assert.equal(new URL(url).pathname, '/authorize');
    // Play the user: follow the redirects to the CLI's loopback callback.
    let next = new URL(url);
    for (let hop = 0; hop < 10; hop++) {
      const response = await fetch(next, { redirect: 'manual' });
      const location = response.headers.get('location');
      await response.text();
      if (!location) break;
      next = new URL(location, next);
    }
    const r = await p.done;
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^ {2}get_user_profile +/m);
    assert.equal(fs.readFileSync(visits, 'utf8'), '', '$BROWSER was not started');
    assert.equal(storedTokens(credentials).length, 1);
  });

  it('Ctrl+C while waiting for the browser cancels the sign-in and exits 130', async () => {
    const p = await startCli(['tools', server.mcpUrl, '--no-browser', '--credentials', credentials], {}, { pty: true });
    await p.waitFor(/Waiting for the sign-in to finish/, 'stdout');
    const port = Number(/redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A(\d+)/.exec(p.stdout())![1]);
    // A real Ctrl+C: the terminal turns it into SIGINT for the foreground process.
    p.child.stdin!.write('\x03');
    const r = await p.done;
    assert.equal(r.code, 130, r.stdout);
    // The loopback listener is closed.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/callback`));
    assert.ok(!fs.existsSync(credentials) || storedTokens(credentials).length === 0);
  });
});
