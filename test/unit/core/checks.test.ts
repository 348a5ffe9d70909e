import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import {
  ChecksFileError,
  evaluateExpectation,
  evaluateJsonPath,
  JsonPathError,
  parseChecksFile,
  parseJsonPath,
  queryJsonPath,
  toConnectionConfig,
  toJUnitXml,
  validateChecksFile,
  xmlEscape,
  type CheckOutcome,
} from '../../../src/core/checks/index';

const TOOL_CHECK = { name: 'echo', kind: 'tool', tool: 'echo', arguments: { message: 'hi' }, expect: {} };

function file(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 1, connection: { url: 'http://127.0.0.1:3001/mcp' }, checks: [TOOL_CHECK], ...overrides };
}

function badFile(value: unknown, pattern: RegExp): void {
  assert.throws(
    () => validateChecksFile(value, 'checks.json'),
    (e: unknown) => {
      assert.ok(e instanceof ChecksFileError, `expected a ChecksFileError, got ${String(e)}`);
      assert.match(e.message, /^checks\.json: /);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

function check(overrides: Record<string, unknown>): Record<string, unknown> {
  return file({ checks: [{ ...TOOL_CHECK, ...overrides }] });
}

describe('saved checks: file format', () => {
  it('accepts a complete file of each kind and both connection shapes', () => {
    const parsed = validateChecksFile(
      file({
        $schema: './schema.json',
        checks: [
          {
            ...TOOL_CHECK,
            expect: {
              status: 'ok',
              jsonPath: [
                { path: '$.content[0].text', contains: 'hi' },
                { path: "$['structuredContent']", exists: false },
                { path: '$.content[*].type', equals: 'text' },
                { path: '$.content[0].text', matches: '^Echo' },
              ],
              schema: { type: 'object' },
              maxDurationMs: 500,
            },
          },
          { name: 'doc', kind: 'resource', uri: 'demo://x' },
          {
            name: 'p',
            kind: 'prompt',
            prompt: 'args-prompt',
            arguments: { city: 'Paris' },
            expect: { status: 'error' },
          },
        ],
      }),
      'checks.json',
    );
    assert.equal(parsed.checks.length, 3);
    assert.deepEqual(parsed.checks[1]!.expect, {});
    const stdio = validateChecksFile(
      file({ connection: { command: 'node', args: ['s.js'], cwd: 'srv', protocol: '2025' } }),
      'x',
    );
    assert.equal('command' in stdio.connection && stdio.connection.command, 'node');
  });

  it('names the check and the field of every mistake', () => {
    badFile([], /must be a JSON object/);
    badFile(file({ version: 2 }), /"version" must be 1 \(got 2\)/);
    badFile(file({ extra: true }), /unknown field "extra"/);
    badFile(file({ checks: [] }), /"checks" is empty/);
    badFile(file({ connection: {} }), /"connection" needs exactly one of "url".*or "command"/);
    badFile(file({ connection: { url: 'ftp://x' } }), /"connection\.url" The URL must start with http/);
    badFile(
      file({ connection: { url: 'http://x/mcp', transport: 'ws' } }),
      /"connection\.transport" must be auto, http or sse/,
    );
    badFile(
      file({ connection: { url: 'http://x/mcp', headers: { A: 1 } } }),
      /"connection\.headers" "A" must be a string/,
    );
    badFile(file({ connection: { url: 'http://x/mcp', command: 'node' } }), /exactly one of/);
    badFile(file({ connection: { command: 'node', args: 'a b' } }), /"connection\.args" must be an array of strings/);
    badFile(file({ connection: { command: 'node', url2: 1 } }), /unknown field "url2" for a stdio server/);
    badFile(
      file({ connection: { command: 'node', protocol: '2024' } }),
      /"connection\.protocol" must be one of auto, 2025, 2026-07-28/,
    );
    badFile(check({ name: '' }), /checks\[0\] "name": must be a non-empty string/);
    badFile(
      check({ kind: 'sample' }),
      /checks\[0\] "echo" "kind": must be one of tool, resource, prompt \(got "sample"\)/,
    );
    badFile(check({ tool: undefined }), /checks\[0\] "echo" "tool": a tool check needs "tool"/);
    badFile(check({ uri: 'x://y' }), /checks\[0\] "echo" "uri": does not apply to a tool check \(it uses "tool"\)/);
    badFile(check({ arguments: [1] }), /"arguments": must be an object \(got an array\)/);
    badFile(
      file({ checks: [{ name: 'p', kind: 'prompt', prompt: 'p', arguments: { n: 1 } }] }),
      /checks\[0\] "p" "arguments\.n": must be a string \(prompt arguments are strings; got a number\)/,
    );
    badFile(
      file({ checks: [{ name: 'r', kind: 'resource', uri: 'a://b', arguments: {} }] }),
      /does not apply to a resource check/,
    );
    badFile(file({ checks: [TOOL_CHECK, TOOL_CHECK] }), /checks\[1\] "echo": the name is used by an earlier check/);
    badFile(check({ expect: { status: 'fine' } }), /"expect\.status": must be "ok" or "error" \(got "fine"\)/);
    badFile(check({ expect: { maxDurationMs: -1 } }), /"expect\.maxDurationMs": must be a positive number/);
    badFile(check({ expect: { schema: 'object' } }), /"expect\.schema": must be a JSON Schema/);
    badFile(check({ expect: { timeout: 1 } }), /"expect": unknown field "timeout"/);
    badFile(check({ expect: { jsonPath: {} } }), /"expect\.jsonPath": must be an array/);
    badFile(
      check({ expect: { jsonPath: [{ path: '$.a' }] } }),
      /"expect\.jsonPath\[0\]": needs exactly one of equals, matches, contains, exists \(got none\)/,
    );
    badFile(
      check({ expect: { jsonPath: [{ path: '$.a', equals: 1, contains: 'x' }] } }),
      /needs exactly one of .* \(got equals, contains\)/,
    );
    badFile(
      check({ expect: { jsonPath: [{ path: 'content', exists: true }] } }),
      /"path" "content" must start with "\$"/,
    );
    badFile(check({ expect: { jsonPath: [{ path: '$..text', exists: true }] } }), /recursive descent/);
    badFile(
      check({ expect: { jsonPath: [{ path: '$.a', matches: '(' }] } }),
      /"matches" is not a valid regular expression/,
    );
    badFile(check({ expect: { jsonPath: [{ path: '$.a', exists: 'yes' }] } }), /"exists" must be true or false/);
    badFile(check({ expect: { jsonPath: [{ path: '$.a', contains: 3 }] } }), /"contains" must be a string/);
  });

  it('reports text that is not JSON as a file error', () => {
    assert.throws(
      () => parseChecksFile('{ "version": 1,', 'a.json'),
      (e: unknown) => {
        assert.ok(e instanceof ChecksFileError);
        assert.match(e.message, /^a\.json: not valid JSON/);
        return true;
      },
    );
  });

  it('turns the connection into a config: ${env:…} from the environment, cwd beside the file', () => {
    const http = toConnectionConfig(
      {
        url: 'http://127.0.0.1:1/mcp',
        transport: 'http',
        headers: { Authorization: 'Bearer ${env:TOKEN}' },
        protocol: '2025',
      },
      '/w',
      { TOKEN: 's3cret' },
      'f.json',
    );
    assert.equal(http.transport, 'streamable-http');
    assert.deepEqual('headers' in http && http.headers, { Authorization: 'Bearer s3cret' });
    assert.equal(http.protocol, '2025');
    assert.throws(
      () => toConnectionConfig({ url: 'http://h/mcp', headers: { A: '${env:MISSING_VAR}' } }, '/w', {}, 'f.json'),
      /f\.json: "connection\.headers\.A" uses \$\{env:MISSING_VAR\}, which is not set/,
    );
    const stdio = toConnectionConfig({ command: 'node', cwd: 'srv', protocol: 'auto' }, '/w/.vscode/mcp-lens', {}, 'f');
    assert.equal(stdio.transport === 'stdio' && stdio.cwd, path.resolve('/w/.vscode/mcp-lens/srv'));
    assert.equal(stdio.protocol, undefined);
  });
});

describe('saved checks: JSONPath subset', () => {
  const doc = {
    content: [
      { type: 'text', text: 'a' },
      { type: 'image', data: 'b' },
    ],
    'odd key': { 'x.y': 1 },
    n: null,
  };

  it('selects keys, quoted keys, indexes (negative from the end) and wildcards', () => {
    assert.deepEqual(queryJsonPath(doc, '$'), [doc]);
    assert.deepEqual(queryJsonPath(doc, '$.content[0].text'), ['a']);
    assert.deepEqual(queryJsonPath(doc, '$.content[-1].type'), ['image']);
    assert.deepEqual(queryJsonPath(doc, '$[\'odd key\']["x.y"]'), [1]);
    assert.deepEqual(queryJsonPath(doc, '$.content[*].type'), ['text', 'image']);
    assert.deepEqual(queryJsonPath(doc, '$.content.*.type'), ['text', 'image']);
    assert.deepEqual(queryJsonPath(doc, '$.n'), [null]);
    assert.deepEqual(queryJsonPath(doc, '$.content[5]'), []);
    assert.deepEqual(queryJsonPath(doc, '$.missing.deeper'), []);
    assert.deepEqual(queryJsonPath(doc, '$.content.text'), [], 'a key step on an array selects nothing');
    assert.deepEqual(queryJsonPath({ constructor: 1 }, '$.toString'), [], 'inherited properties are not keys');
  });

  it('refuses what it does not support, saying where', () => {
    assert.deepEqual(parseJsonPath("$.a['b\\'c']"), [
      { kind: 'key', key: 'a' },
      { kind: 'key', key: "b'c" },
    ]);
    for (const [bad, pattern] of [
      ['a.b', /must start with "\$"/],
      ['$..a', /position 1: recursive descent/],
      ['$.a[?(@.x)]', /position 3: expected \[n\], \[\*\] or \['key'\]/],
      ['$.a[0:2]', /filters and slices/],
      ['$a', /position 1: unexpected "a"/],
      ['$.', /expected a name after "\."/],
    ] as const) {
      assert.throws(
        () => parseJsonPath(bad),
        (e: unknown) => e instanceof JsonPathError && pattern.test(e.message),
        bad,
      );
    }
  });
});

describe('saved checks: assertions', () => {
  const ok = (document: unknown, durationMs = 10): CheckOutcome => ({ status: 'ok', document, durationMs });
  const result = { content: [{ type: 'text', text: 'Echo: hello' }], structuredContent: { n: 5 } };

  it('passes when every expectation holds', () => {
    assert.deepEqual(
      evaluateExpectation(
        {
          status: 'ok',
          jsonPath: [
            { path: '$.content[0].text', contains: 'hello' },
            { path: '$.content[0].text', matches: '^Echo: \\w+$' },
            { path: '$.structuredContent', equals: { n: 5 } },
            { path: '$.structuredContent.n', contains: '5' },
            { path: '$.isError', exists: false },
          ],
          schema: { type: 'object', required: ['content'] },
          maxDurationMs: 100,
        },
        ok(result),
      ),
      [],
    );
  });

  it('says where, what was expected and what came, one line per failed assertion', () => {
    const failures = evaluateExpectation(
      {
        status: 'error',
        jsonPath: [
          { path: '$.content[0].text', contains: 'bye' },
          { path: '$.content[0].text', matches: '^x' },
          { path: '$.structuredContent.n', equals: 6 },
          { path: '$.content[1]', exists: true },
          { path: '$.structuredContent', exists: false },
        ],
        schema: { type: 'object', required: ['missing'], properties: { structuredContent: { type: 'string' } } },
        maxDurationMs: 5,
      },
      ok(result, 12.4),
    );
    assert.deepEqual(failures, [
      'status: expected error, got ok',
      "$.content[0].text: expected to contain 'bye', got 'Echo: hello'",
      "$.content[0].text: expected to match /^x/, got 'Echo: hello'",
      '$.structuredContent.n: expected to equal 6, got 5',
      '$.content[1]: expected to exist, found nothing',
      '$.structuredContent: expected not to exist, got {"n":5}',
      'schema: the result does not match: /missing is required; /structuredContent must be string',
      'duration: expected at most 5 ms, took 12 ms',
    ]);
  });

  it('reports the error behind an unexpected error status, and an outputSchema breach', () => {
    assert.deepEqual(
      evaluateExpectation(
        {},
        {
          status: 'error',
          document: { error: { code: -32602, message: 'x' } },
          durationMs: 1,
          errorSummary: 'JSON-RPC error -32602: x',
        },
      ),
      ['status: expected ok, got error (JSON-RPC error -32602: x)'],
    );
    assert.deepEqual(evaluateExpectation({}, { ...ok({}), outputSchemaProblem: 'structuredContent does not match' }), [
      'outputSchema: structuredContent does not match',
    ]);
    assert.deepEqual(
      evaluateExpectation(
        { jsonPath: [{ path: '$.error.code', equals: -32602 }], status: 'error' },
        {
          status: 'error',
          document: { error: { code: -32602, message: 'x' } },
          durationMs: 1,
        },
      ),
      [],
    );
  });

  it('passes a [*] assertion when any selected value satisfies it', () => {
    const doc = { content: [{ text: 'a' }, { text: 'b' }] };
    assert.equal(evaluateJsonPath({ path: '$.content[*].text', equals: 'b' }, doc), undefined);
    assert.equal(
      evaluateJsonPath({ path: '$.content[*].text', equals: 'c' }, doc),
      "$.content[*].text: expected to equal 'c', got 'a', 'b'",
    );
  });

  it('clips server text and escapes its control characters', () => {
    const failure = evaluateJsonPath(
      { path: '$.t', contains: 'zzz' },
      { t: `\u001b[31mred\u0007\n${'x'.repeat(300)}` },
    )!;
    assert.ok(failure.startsWith("$.t: expected to contain 'zzz', got '\\u001b[31mred\\u0007\\nxxx"), failure);
    assert.ok(failure.endsWith("…'"), failure);
    assert.ok(failure.length < 200, `clipped: ${failure.length}`);
    assert.ok(![...failure].some((c) => c.charCodeAt(0) < 0x20), 'no control characters');
  });

  it('says when the expected schema itself is invalid', () => {
    const [failure] = evaluateExpectation({ schema: { type: 'nonsense' } }, ok({}));
    assert.match(failure!, /^schema: the expected schema is not a valid JSON Schema: /);
  });
});

describe('saved checks: JUnit XML', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    assert.equal(xmlEscape(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    assert.equal(xmlEscape('a\u0000b\u001bc\u0008d'), 'abcd');
    assert.equal(xmlEscape('line\nnext\ttab'), 'line&#10;next&#9;tab');
    assert.equal(xmlEscape('\ud83d\ude00 \ud800x'), '\ud83d\ude00 x', 'pairs stay, a lone surrogate goes');
  });

  it('writes a testsuite per file and a testcase per check, failures with their lines', () => {
    const xml = toJUnitXml([
      {
        name: 'a<b>.json',
        results: [
          { name: 'ok "one"', kind: 'tool', passed: true, durationMs: 12, failures: [] },
          { name: 'bad', kind: 'resource', passed: false, durationMs: 1500, failures: ['first & worst', 'second <x>'] },
        ],
      },
      { name: 'c.json', results: [] },
    ]);
    assert.match(
      xml,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="mcp-lens" tests="2" failures="1" time="1\.512">/,
    );
    assert.match(xml, /<testsuite name="a&lt;b&gt;\.json" tests="2" failures="1" errors="0" time="1\.512">/);
    assert.match(xml, /<testcase classname="a&lt;b&gt;\.json" name="ok &quot;one&quot;" time="0\.012"\/>/);
    assert.match(
      xml,
      /<testcase classname="a&lt;b&gt;\.json" name="bad" time="1\.500">\n {6}<failure message="first &amp; worst" type="AssertionError">first &amp; worst&#10;second &lt;x&gt;<\/failure>\n {4}<\/testcase>/,
    );
    assert.match(xml, /<testsuite name="c\.json" tests="0" failures="0" errors="0" time="0\.000">\n {2}<\/testsuite>/);
  });
});
