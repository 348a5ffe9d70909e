import { strict as assert } from 'node:assert';
import {
  base64Bytes,
  columns,
  describeParameters,
  formatCompletion,
  formatCompletionNote,
  formatContentBlock,
  formatServerLog,
  formatTaskStatus,
  formatOutputSchemaCheck,
  formatPromptResult,
  formatPrompts,
  formatReadResult,
  formatResultMeta,
  formatResources,
  formatToolResult,
  formatTools,
  safeText,
} from '../../../src/cli/format';

describe('cli: human output', () => {
  it('makes terminal control characters visible instead of interpreting them', () => {
    assert.equal(safeText('ok\x1b[31mred\r!'), 'ok\\x1b[31mred\\x0d!');
    assert.equal(safeText('line\n\ttab'), 'line\n\ttab');
  });

  it('aligns two columns', () => {
    assert.deepEqual(
      columns([
        ['a', 'one'],
        ['long-name', 'two'],
        ['x', ''],
      ]),
      ['  a          one', '  long-name  two', '  x'],
    );
  });

  it('describes tool parameters with type, required flag, default and enum', () => {
    const lines = describeParameters({
      type: 'object',
      properties: {
        message: { type: 'string', description: 'Message to echo\nsecond line' },
        count: { type: 'number', default: 3 },
        kind: { type: 'string', enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['message'],
    });
    assert.deepEqual(lines, [
      'message: string (required) — Message to echo',
      'count: number = 3',
      'kind: "a"|"b"',
      'tags: string[]',
    ]);
  });

  it('lists tools with aligned descriptions and their parameters', () => {
    const text = formatTools([
      {
        name: 'echo',
        description: 'Echoes back',
        inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
      },
      { name: 'get-sum', description: 'Adds', inputSchema: { type: 'object' } },
    ]);
    assert.equal(
      text,
      '2 tools:\n\n  echo     Echoes back\n           · message: string (required)\n  get-sum  Adds\n',
    );
    assert.equal(formatTools([]), 'No tools.\n');
  });

  it('lists resources and templates, and prompts with their arguments', () => {
    const text = formatResources(
      [{ uri: 'demo://a', name: 'A', mimeType: 'text/plain' }],
      [{ uriTemplate: 'demo://t/{id}', name: 'T' }],
    );
    assert.equal(text, '1 resource:\n\n  demo://a  A (text/plain)\n\n1 resource template:\n\n  demo://t/{id}  T\n');
    assert.equal(formatResources([], []), 'No resources.\n\nNo resource templates.\n');
    const prompts = formatPrompts([
      {
        name: 'args-prompt',
        description: 'With args',
        arguments: [{ name: 'city', required: true, description: 'City' }, { name: 'state' }],
      },
    ]);
    assert.equal(
      prompts,
      '1 prompt:\n\n  args-prompt  With args\n               · city (required) — City\n               · state\n',
    );
  });

  it('prints text content and summarizes everything else', () => {
    assert.equal(base64Bytes('aGVsbG8='), 5);
    assert.equal(formatContentBlock({ type: 'text', text: 'hi' }), 'hi');
    assert.equal(
      formatContentBlock({ type: 'image', mimeType: 'image/png', data: 'aGVsbG8=' }),
      '[image image/png, 5 bytes]',
    );
    assert.equal(
      formatContentBlock({ type: 'audio', mimeType: 'audio/wav', data: 'A'.repeat(4096) }),
      '[audio audio/wav, 3.0 KiB]',
    );
    assert.equal(
      formatContentBlock({ type: 'resource_link', uri: 'demo://x', name: 'X' }),
      '[resource link] demo://x (X)',
    );
    assert.equal(
      formatContentBlock({ type: 'resource', resource: { uri: 'demo://t', text: 'body' } }),
      '[resource demo://t]\nbody',
    );
    assert.equal(
      formatContentBlock({
        type: 'resource',
        resource: { uri: 'demo://b', blob: 'aGVsbG8=', mimeType: 'application/octet-stream' },
      }),
      '[resource demo://b application/octet-stream, 5 bytes]',
    );
  });

  it('formats tool results, falling back to structured content', () => {
    assert.equal(
      formatToolResult({
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      }),
      'a\nb\n',
    );
    assert.equal(formatToolResult({ content: [], structuredContent: { temp: 21 } }), '{\n  "temp": 21\n}\n');
    assert.equal(formatToolResult({ content: [] }), '(no content)\n');
  });

  it('formats resource contents and prompt messages', () => {
    assert.equal(formatReadResult({ contents: [{ uri: 'demo://a', text: '# Title' }] }), '# Title\n');
    assert.equal(
      formatReadResult({
        contents: [
          { uri: 'demo://a', text: 'A' },
          { uri: 'demo://b', blob: 'aGVsbG8=', mimeType: 'image/png' },
        ],
      }),
      '[demo://a]\nA\n[demo://b image/png, binary, 5 bytes; use --json for the base64 data]\n',
    );
    assert.equal(
      formatPromptResult({ messages: [{ role: 'user', content: { type: 'text', text: "What's weather in Paris?" } }] }),
      "user: What's weather in Paris?\n",
    );
  });

  it('lists each outputSchema error on its own line, with terminal control characters made visible', () => {
    assert.equal(
      formatOutputSchemaCheck('weather', {
        ok: false,
        status: 'invalid',
        message: "structuredContent does not match the tool's outputSchema (2 errors).",
        errors: [
          { path: '', message: 'must be object' },
          { path: '/x\u001b[31m', message: 'must be number' },
        ],
      }),
      [
        `mcp-lens: the result of "weather" fails the tool's output schema: structuredContent does not match the tool's outputSchema (2 errors).`,
        '  (root): must be object',
        '  /x\\x1b[31m: must be number',
        'hint: Fix the tool on the server so that its structuredContent matches its outputSchema; the result is shown as the server sent it.',
        '',
      ].join('\n'),
    );
  });

  it("says a result's resultType (unless complete) and cache hint in one line, and nothing on 2025", () => {
    assert.equal(formatResultMeta({}), undefined);
    assert.equal(formatResultMeta({ resultType: 'complete' }), undefined);
    assert.equal(
      formatResultMeta({
        resultType: 'complete',
        cache: { ttlMs: 30000, cacheScope: 'private', receivedAt: 0, servedFromCache: false },
      }),
      'Result: fresh for 30 s · private\n',
    );
    assert.equal(
      formatResultMeta(
        {
          resultType: 'input_required\x1b[2J',
          cache: { ttlMs: 90000, cacheScope: 'public', receivedAt: 1000, servedFromCache: true },
        },
        21000,
      ),
      'Result: resultType input_required\\x1b[2J · served from cache, 1 min 10 s left · public\n',
    );
    assert.equal(
      formatResultMeta({ cache: { ttlMs: 0, cacheScope: 'private', receivedAt: 0, servedFromCache: false } }),
      'Result: stale at once (ttlMs 0) · private\n',
    );
  });

  it('prints completions one a line, with a note on stderr when there are none or more', () => {
    assert.equal(formatCompletion({ values: ['Engineering', 'a\x1bb\nc'] }), 'Engineering\na\\x1bb c\n');
    assert.equal(formatCompletionNote({ values: ['a'] }), undefined);
    assert.equal(formatCompletionNote({ values: [] }), '(no completions)\n');
    assert.equal(
      formatCompletionNote({ values: ['a'], total: 40, hasMore: true }),
      '(1 shown of 40; more match: type more of the value)\n',
    );
  });

  it('prints a task status and a server log message as one safe line each', () => {
    assert.equal(
      formatTaskStatus({ taskId: 't1', connectionId: 'c', status: 'working', statusMessage: 'Step\n 1\x1b[2J' }),
      'task t1: working — Step 1\\x1b[2J\n',
    );
    assert.equal(formatTaskStatus({ taskId: 't1', connectionId: 'c', status: 'completed' }), 'task t1: completed\n');
    assert.equal(
      formatServerLog({ time: 0, level: 'warning', data: 'Disk \x07full' }),
      '[server warning] Disk \\x07full\n',
    );
    assert.equal(
      formatServerLog({ time: 0, level: 'info', logger: 'db', data: { rows: 3 } }),
      '[server info] db: {"rows":3}\n',
    );
  });
});
