import { strict as assert } from 'node:assert';
import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { parseJsonRpcLine } from '../../../src/core/stdioTransport';

/**
 * The stdio transport reads each line with JSON.parse and a shape check instead of the SDK's zod
 * schema (the client validates again anyway). It must take and refuse what that schema does.
 */
describe('stdio transport: reading a line', () => {
  const accepted = [
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } },
    { jsonrpc: '2.0', id: 'a-1', method: 'ping' },
    { jsonrpc: '2.0', id: 2, method: 'x', params: { _meta: { progressToken: 'p' } } },
    { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 1, result: {} },
    { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'é' }], _meta: { a: 1 } } },
    { jsonrpc: '2.0', id: 'x', error: { code: -32601, message: 'Method not found', data: { m: 1 } } },
    { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } },
  ];
  const refused = [
    [],
    [{ jsonrpc: '2.0', id: 1, result: {} }],
    'a string',
    42,
    null,
    {},
    { id: 1, result: {} },
    { jsonrpc: '1.0', id: 1, result: {} },
    { jsonrpc: '2.0', id: 1.5, result: {} },
    { jsonrpc: '2.0', id: null, result: {} },
    { jsonrpc: '2.0', id: true, method: 'ping' },
    { jsonrpc: '2.0', result: {} },
    { jsonrpc: '2.0', id: 1, result: [] },
    { jsonrpc: '2.0', id: 1, result: 'ok' },
    { jsonrpc: '2.0', id: 1, result: { _meta: 'no' } },
    { jsonrpc: '2.0', id: 1, result: {}, extra: 1 },
    { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'both' } },
    { jsonrpc: '2.0', id: 1, method: 5 },
    { jsonrpc: '2.0', id: 1, method: 'x', params: [1, 2] },
    { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 1.5 } } },
    { jsonrpc: '2.0', method: 'x', params: 'p' },
    { jsonrpc: '2.0', method: 'x', extra: true },
    { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'm' } },
    { jsonrpc: '2.0', id: 1, error: { code: 1 } },
    { jsonrpc: '2.0', id: 1, error: 'bad' },
  ];

  for (const message of accepted) {
    it(`takes ${JSON.stringify(message)}, as the SDK does`, () => {
      const line = JSON.stringify(message);
      assert.deepEqual(deserializeMessage(line), message, 'the SDK takes it');
      assert.deepEqual(parseJsonRpcLine(line), message);
    });
  }

  for (const value of refused) {
    it(`refuses ${JSON.stringify(value)} as JSON that is no JSON-RPC message, as the SDK does`, () => {
      const line = JSON.stringify(value);
      assert.throws(() => deserializeMessage(line), 'the SDK refuses it');
      assert.throws(
        () => parseJsonRpcLine(line),
        (e: Error) => !(e instanceof SyntaxError) && /not a JSON-RPC message/.test(e.message),
      );
    });
  }

  it('refuses non-JSON with a SyntaxError (reported as non-JSON output)', () => {
    for (const line of ['Server started on stdio', '{"jsonrpc": "2.0", oops', '']) {
      assert.throws(
        () => parseJsonRpcLine(line),
        (e: Error) => e instanceof SyntaxError,
      );
    }
  });
});
