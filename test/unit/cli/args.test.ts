import { strict as assert } from 'node:assert';
import { EXIT, parseArgs, type RunRequest, UsageError, usageText } from '../../../src/cli/args';

function runRequest(argv: string[]): RunRequest {
  const parsed = parseArgs(argv);
  assert.equal(parsed.kind, 'run');
  return parsed as RunRequest;
}

function usageError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseArgs(argv),
    (e: unknown) => {
      assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('cli: argument parsing', () => {
  it('parses an HTTP target with transport, repeated headers and a timeout', () => {
    const r = runRequest([
      'tools',
      'http://127.0.0.1:3001/mcp',
      '--transport',
      'http',
      '-H',
      'X-One: 1',
      '--header=X-Two: two words',
      '--timeout',
      '2.5',
    ]);
    assert.equal(r.command, 'tools');
    const config = r.config;
    assert.ok(config.transport !== 'stdio');
    assert.equal(config.transport, 'streamable-http');
    assert.equal(config.url, 'http://127.0.0.1:3001/mcp');
    assert.deepEqual(config.headers, { 'X-One': '1', 'X-Two': 'two words' });
    assert.equal(r.options.timeoutMs, 2500);
    assert.equal(r.options.json, false);
  });

  it('defaults the transport to auto and maps sse', () => {
    assert.equal(runRequest(['tools', 'https://example.test/mcp']).config.transport, 'auto');
    assert.equal(runRequest(['tools', 'https://example.test/sse', '--transport=sse']).config.transport, 'sse');
  });

  it('parses a stdio target with a quoted command line and environment', () => {
    const r = runRequest([
      'call',
      '--stdio',
      `node "my server.js" --flag 'a b'`,
      '-e',
      'A=1',
      '--env',
      'B=x=y',
      'echo',
      '{"message":"hi"}',
      '--json',
    ]);
    assert.equal(r.config.transport, 'stdio');
    if (r.config.transport === 'stdio') {
      assert.equal(r.config.command, 'node');
      assert.deepEqual(r.config.args, ['my server.js', '--flag', 'a b']);
      assert.deepEqual(r.config.env, { A: '1', B: 'x=y' });
    }
    assert.equal(r.name, 'echo');
    assert.deepEqual(r.args, { message: 'hi' });
    assert.equal(r.options.json, true);
  });

  it('accepts options anywhere, and the URL as the last argument (as the conformance runner passes it)', () => {
    const r = runRequest(['tools', '--json', '--non-interactive', 'http://127.0.0.1:9/mcp']);
    assert.equal(r.command, 'tools');
    assert.equal(r.options.nonInteractive, true);
  });

  it('takes the URL from the end when it is not first (harnesses append it)', () => {
    const r = runRequest(['call', '--json', 'test-tool', '{"a":1}', 'http://127.0.0.1:9/mcp']);
    assert.equal(r.config.transport !== 'stdio' && r.config.url, 'http://127.0.0.1:9/mcp');
    assert.equal(r.name, 'test-tool');
    assert.deepEqual(r.args, { a: 1 });
    // A leading URL always wins, so an http URI to read stays an operand.
    const read = runRequest(['read', 'http://127.0.0.1:9/mcp', 'https://example.test/doc']);
    assert.equal(read.config.transport !== 'stdio' && read.config.url, 'http://127.0.0.1:9/mcp');
    assert.equal(read.uri, 'https://example.test/doc');
    usageError(['call', 'test-tool', 'not-a-url'], /Invalid target: "test-tool" is not a valid URL/);
  });

  it('parses read and prompt operands; prompt argument numbers become strings', () => {
    assert.equal(
      runRequest(['read', 'http://h.test/mcp', 'demo://resource/static/document/a.md']).uri,
      'demo://resource/static/document/a.md',
    );
    const p = runRequest(['prompt', 'http://h.test/mcp', 'args-prompt', '{"city":"Paris","n":3,"b":true}']);
    assert.equal(p.name, 'args-prompt');
    assert.deepEqual(p.args, { city: 'Paris', n: '3', b: 'true' });
    assert.deepEqual(runRequest(['call', 'http://h.test/mcp', 'noargs']).args, {});
  });

  it('keeps a negative number or a lone dash as an operand', () => {
    assert.equal(runRequest(['read', 'http://h.test/mcp', '-']).uri, '-');
    usageError(['call', 'http://h.test/mcp', 'tool', '-1'], /JSON object, not a number/);
  });

  it('returns help and version', () => {
    assert.deepEqual(parseArgs(['--help']), { kind: 'help', topic: undefined });
    assert.deepEqual(parseArgs(['help', 'call']), { kind: 'help', topic: 'call' });
    assert.deepEqual(parseArgs(['call', '-h']), { kind: 'help', topic: 'call' });
    assert.deepEqual(parseArgs(['--version']), { kind: 'version' });
    assert.deepEqual(parseArgs(['-V']), { kind: 'version' });
  });

  it('lists no test-only option in the help of the shipped CLI', () => {
    assert.doesNotMatch(usageText(), /test-only|headless|MCP_CONFORMANCE/i);
  });

  describe('usage errors say what is wrong', () => {
    it('no command, unknown command, unknown option', () => {
      usageError([], /No command given/);
      usageError(
        ['list', 'http://h.test/mcp'],
        /Unknown command "list".*tools, call, resources, read, prompts, prompt/,
      );
      usageError(['tools', 'http://h.test/mcp', '--frobnicate'], /Unknown option --frobnicate/);
      usageError(['tools', 'http://h.test/mcp', '--timeout'], /--timeout needs a value/);
      usageError(['tools', 'http://h.test/mcp', '--json=yes'], /--json takes no value/);
    });

    it('a missing or invalid target', () => {
      usageError(['tools'], /needs a target: a server URL .* or --stdio/);
      usageError(['tools', 'ftp://h.test/x'], /Invalid target: The URL must start with http:\/\/ or https:\/\//);
      usageError(['tools', 'not a url'], /Invalid target: "not a url" is not a valid URL/);
      usageError(['tools', '--stdio', ''], /--stdio needs a command line/);
      usageError(['tools', '--stdio', 'node "oops'], /--stdio: Unterminated double quote/);
    });

    it('options that do not fit the target', () => {
      usageError(['tools', '--stdio', 'node s.js', '--header', 'A: b'], /--header applies to an HTTP target/);
      usageError(['tools', '--stdio', 'node s.js', '--transport', 'sse'], /--transport applies to an HTTP target/);
      usageError(['tools', 'http://h.test/mcp', '--env', 'A=b'], /--env applies to a --stdio target/);
      usageError(
        ['tools', 'http://h.test/mcp', '--transport', 'websocket'],
        /--transport must be auto, http or sse \(got "websocket"\)/,
      );
      usageError(['tools', 'http://h.test/mcp', '--header', 'no-colon'], /--header: "no-colon" is not a header/);
      usageError(['tools', '--stdio', 'node s.js', '--env', '1A=b'], /--env: "1A" is not a valid variable name/);
    });

    it('bad numbers', () => {
      usageError(
        ['tools', 'http://h.test/mcp', '--timeout', 'soon'],
        /--timeout must be a positive number of seconds \(got "soon"\)/,
      );
      usageError(['tools', 'http://h.test/mcp', '--timeout', '0'], /--timeout must be a positive number/);
      // Below a millisecond rounds to 0, and past 2^31-1 ms a Node timer fires at once: both would time out at once.
      usageError(['tools', 'http://h.test/mcp', '--timeout', '0.0001'], /from 0\.001 to 2147483\./);
      usageError(
        ['tools', 'http://h.test/mcp', '--sign-in-timeout', '3000000'],
        /--sign-in-timeout must be a positive number of seconds \(got "3000000"\), from 0\.001 to 2147483\./,
      );
      assert.equal(runRequest(['tools', 'http://h.test/mcp', '--timeout', '2147483']).options.timeoutMs, 2_147_483_000);
      usageError(['tools', 'http://h.test/mcp', '--callback-port', '70000'], /--callback-port must be a port number/);
    });

    it('missing and extra operands', () => {
      usageError(['call', 'http://h.test/mcp'], /"call" needs <tool> after the target/);
      usageError(['read', 'http://h.test/mcp'], /"read" needs <uri> after the target/);
      usageError(['prompt', '--stdio', 'node s.js'], /"prompt" needs <name> after the target/);
      usageError(['tools', 'http://h.test/mcp', 'extra'], /Unexpected argument: "extra"/);
      usageError(['call', 'http://h.test/mcp', 'echo', '{}', 'more'], /Unexpected argument: "more"/);
    });

    it('bad JSON arguments', () => {
      usageError(['call', 'http://h.test/mcp', 'echo', '{message: hi}'], /Tool arguments are not valid JSON/);
      usageError(['call', 'http://h.test/mcp', 'echo', '[1,2]'], /Tool arguments must be a JSON object, not an array/);
      usageError(['call', 'http://h.test/mcp', 'echo', 'null'], /must be a JSON object, not null/);
      usageError(['call', 'http://h.test/mcp', 'echo', '"text"'], /must be a JSON object, not a string/);
      usageError(
        ['prompt', 'http://h.test/mcp', 'p', '{"city":{"name":"Paris"}}'],
        /Prompt argument "city" must be a string/,
      );
    });

    it('sign-in options', () => {
      usageError(
        ['tools', 'http://h.test/mcp', '--client-metadata-url', 'http://h.test/client.json'],
        /must be an https URL with a path/,
      );
      usageError(['tools', '--stdio', 'node s.js', '--client-id', 'abc'], /--client-id applies to an HTTP target/);
      // The test-only sign-in stand-in is not an option of the shipped CLI (test/support/cliWithTestOpener.ts injects it).
      usageError(['tools', 'http://h.test/mcp', '--test-only-headless-browser'], /--test-only-headless-browser/);
      usageError(['tools', 'http://h.test/mcp', '--credentials', ' '], /--credentials needs a file path/);
    });
  });

  describe('sign-in without a browser', () => {
    it('parses --client-credentials with a key file, method and algorithm', () => {
      const r = runRequest([
        'tools',
        'https://h.test/mcp',
        '--client-credentials',
        '--client-id',
        'svc',
        '--private-key-file',
        'key.pem',
        '--client-auth',
        'private_key_jwt',
        '--signing-alg',
        'ES256',
      ]);
      assert.equal(r.options.grant, 'client-credentials');
      assert.equal(r.options.clientId, 'svc');
      assert.equal(r.options.privateKeyFile, 'key.pem');
      assert.equal(r.options.clientAuth, 'private_key_jwt');
      assert.equal(r.options.signingAlg, 'ES256');
      assert.equal(
        runRequest([
          'tools',
          'https://h.test/mcp',
          '--client-credentials',
          '--client-id',
          'svc',
          '--client-auth=client_secret_post',
        ]).options.clientAuth,
        'client_secret_post',
      );
    });

    it('parses --cross-app-access with the identity provider', () => {
      const r = runRequest([
        'tools',
        'https://h.test/mcp',
        '--cross-app-access',
        '--client-id',
        'app',
        '--idp-token-endpoint',
        'https://idp.test/token',
        '--idp-client-id',
        'lens',
      ]);
      assert.equal(r.options.grant, 'cross-app-access');
      assert.equal(r.options.idpTokenEndpoint, 'https://idp.test/token');
      assert.equal(r.options.idpClientId, 'lens');
      assert.equal(
        runRequest([
          'tools',
          'https://h.test/mcp',
          '--cross-app-access',
          '--client-id',
          'app',
          '--idp-issuer',
          'https://idp.test',
          '--idp-client-id',
          'lens',
        ]).options.idpIssuer,
        'https://idp.test',
      );
    });

    it('refuses inconsistent combinations', () => {
      usageError(['tools', 'https://h.test/mcp', '--client-credentials'], /--client-credentials needs --client-id/);
      usageError(
        ['tools', 'https://h.test/mcp', '--client-credentials', '--cross-app-access', '--client-id', 'a'],
        /cannot be used together/,
      );
      usageError(
        ['tools', 'https://h.test/mcp', '--client-id', 'a', '--private-key-file', 'k.pem'],
        /--private-key-file applies to --client-credentials or --cross-app-access/,
      );
      usageError(
        ['tools', 'https://h.test/mcp', '--client-credentials', '--client-id', 'a', '--client-auth', 'basic'],
        /--client-auth must be client_secret_basic, client_secret_post, private_key_jwt/,
      );
      usageError(
        ['tools', 'https://h.test/mcp', '--client-credentials', '--client-id', 'a', '--client-auth', 'private_key_jwt'],
        /private_key_jwt needs --private-key-file/,
      );
      usageError(
        [
          'tools',
          'https://h.test/mcp',
          '--client-credentials',
          '--client-id',
          'a',
          '--client-auth',
          'client_secret_basic',
          '--private-key-file',
          'k',
        ],
        /is used with private_key_jwt, not with client_secret_basic/,
      );
      usageError(
        ['tools', 'https://h.test/mcp', '--client-credentials', '--client-id', 'a', '--signing-alg', 'ES256'],
        /--signing-alg applies to --private-key-file/,
      );
      usageError(
        [
          'tools',
          'https://h.test/mcp',
          '--client-credentials',
          '--client-id',
          'a',
          '--private-key-file',
          'k',
          '--signing-alg',
          'HS256',
        ],
        /asymmetric JWS algorithm/,
      );
      usageError(
        ['tools', 'https://h.test/mcp', '--client-credentials', '--client-id', 'a', '--idp-client-id', 'x'],
        /--idp-client-id applies to --cross-app-access/,
      );
      usageError(
        ['tools', 'https://h.test/mcp', '--cross-app-access', '--client-id', 'a', '--idp-client-id', 'x'],
        /needs --idp-token-endpoint or --idp-issuer/,
      );
      usageError(
        [
          'tools',
          'https://h.test/mcp',
          '--cross-app-access',
          '--client-id',
          'a',
          '--idp-token-endpoint',
          'https://idp.test/t',
        ],
        /needs --idp-client-id/,
      );
      usageError(
        [
          'tools',
          'https://h.test/mcp',
          '--cross-app-access',
          '--client-id',
          'a',
          '--idp-token-endpoint',
          'ftp://idp.test/t',
          '--idp-client-id',
          'x',
        ],
        /--idp-token-endpoint must be an http\(s\) URL/,
      );
      usageError(
        ['tools', '--stdio', 'node s.js', '--client-credentials'],
        /--client-credentials applies to an HTTP target/,
      );
    });

    it('documents the options and where the secrets come from', () => {
      const text = usageText();
      for (const option of [
        '--client-credentials',
        '--private-key-file',
        '--client-auth',
        '--signing-alg',
        '--cross-app-access',
        '--idp-token-endpoint',
        '--idp-client-id',
      ]) {
        assert.match(text, new RegExp(option));
      }
      for (const env of ['MCP_LENS_CLIENT_SECRET', 'MCP_LENS_IDP_ID_TOKEN', 'MCP_LENS_IDP_CLIENT_SECRET']) {
        assert.match(text, new RegExp(env));
      }
    });
  });

  it('documents every command and the exit codes in the usage text', () => {
    const text = usageText();
    for (const command of ['tools', 'call', 'resources', 'read', 'prompts', 'prompt', 'complete']) {
      assert.match(text, new RegExp(`mcp-lens ${command} `));
    }
    assert.match(text, /0\s+success/);
    assert.match(text, /1\s+failure/);
    assert.match(text, /2\s+usage error/);
    assert.match(text, /3\s+authorization required/);
    assert.match(text, /4\s+a server request could not be answered/);
    assert.deepEqual(EXIT, { ok: 0, failure: 1, usage: 2, authRequired: 3, unanswered: 4, interrupted: 130 });
  });

  describe('answering the server, logs, completions, tasks', () => {
    const url = 'http://127.0.0.1:3001/mcp';

    it('parses --elicit (keywords or a file), --sample-reply, repeated --roots and --open-elicitation-urls', () => {
      assert.deepEqual(runRequest(['tools', url]).options.answers, { roots: [], openElicitationUrls: false });
      assert.deepEqual(
        runRequest([
          'call',
          url,
          'x',
          '--elicit',
          'accept-defaults',
          '--sample-reply',
          'reply.txt',
          '--roots',
          'a',
          '--roots=b c',
          '--open-elicitation-urls',
        ]).options.answers,
        { elicit: 'accept-defaults', sampleReply: 'reply.txt', roots: ['a', 'b c'], openElicitationUrls: true },
      );
      assert.equal(runRequest(['tools', url, '--elicit', 'decline']).options.answers.elicit, 'decline');
      assert.equal(runRequest(['tools', url, '--elicit', 'cancel']).options.answers.elicit, 'cancel');
      assert.deepEqual(runRequest(['tools', url, '--elicit', 'form.json']).options.answers.elicit, {
        file: 'form.json',
      });
      usageError(['tools', url, '--elicit', ' '], /--elicit needs accept-defaults, decline, cancel or a JSON file/);
      usageError(['tools', url, '--elicit', 'a', '--elicit', 'b'], /--elicit is given more than once/);
    });

    it('parses --log-level and refuses an unknown level', () => {
      assert.equal(runRequest(['tools', url, '--log-level', 'Warning']).options.logLevel, 'warning');
      usageError(['tools', url, '--log-level', 'loud'], /--log-level must be debug, info, notice, warning, error/);
    });

    it('parses `complete` with a prompt or a resource template, the argument and the context', () => {
      const r = runRequest([
        'complete',
        url,
        '--prompt',
        'completable-prompt',
        '--argument',
        'department=En',
        '--context',
        'team=a=b',
      ]);
      assert.deepEqual(r.completion, {
        ref: { type: 'ref/prompt', name: 'completable-prompt' },
        argument: { name: 'department', value: 'En' },
        context: { team: 'a=b' },
      });
      const t = runRequest(['complete', url, '--resource-template', 'demo://{id}', '--argument=id=']);
      assert.deepEqual(t.completion, {
        ref: { type: 'ref/resource', uri: 'demo://{id}' },
        argument: { name: 'id', value: '' },
      });
      usageError(['complete', url, '--argument', 'a=b'], /needs one of --prompt <name> or --resource-template/);
      usageError(['complete', url, '--prompt', 'p', '--resource-template', 'r', '--argument', 'a=b'], /needs one of/);
      usageError(['complete', url, '--prompt', 'p'], /needs --argument <name>=<value>/);
      usageError(['complete', url, '--prompt', 'p', '--argument', 'novalue'], /--argument must be name=value/);
      usageError(['tools', url, '--prompt', 'p'], /--prompt applies to `complete`/);
    });

    it('parses `call --task` and refuses --task elsewhere', () => {
      assert.equal(runRequest(['call', url, 'slow', '--task']).task, true);
      assert.equal(runRequest(['call', url, 'slow']).task, undefined);
      usageError(['tools', url, '--task'], /--task applies to `call`/);
    });

    it('documents the new flags and exit code 4 in --help', () => {
      const text = usageText();
      for (const word of [
        '--elicit accept-defaults',
        '--sample-reply',
        '--roots',
        '--open-elicitation-urls',
        '--log-level',
        '--task',
        'mcp-lens complete',
      ]) {
        assert.ok(text.includes(word), word);
      }
      assert.match(text, /\n {2}4 {2}a server request could not be answered/);
      assert.equal(EXIT.unanswered, 4);
    });
  });
});
