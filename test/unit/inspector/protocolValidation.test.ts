import * as assert from 'node:assert/strict';
import {
  COMMAND_METHODS,
  REQUEST_METHODS,
  validateWebviewMessage,
} from '../../../src/extension/inspector/protocolValidation';

describe('inspector protocolValidation validateWebviewMessage (webview input is untrusted)', () => {
  const ok = (m: unknown) => {
    const r = validateWebviewMessage(m);
    assert.ok(r.ok, `expected ok: ${r.ok ? '' : r.error}`);
  };
  const bad = (m: unknown, pattern: RegExp, id?: number) => {
    const r = validateWebviewMessage(m);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error, pattern);
      assert.equal(r.id, id);
    }
  };

  it('accepts the handshake, every command and every request in their documented shapes', () => {
    ok({ kind: 'ready' });
    ok({ kind: 'command', method: 'connection/add', params: {} });
    ok({ kind: 'command', method: 'connection/connect', params: { connectionId: 'c-1' } });
    ok({ kind: 'command', method: 'view/select', params: { connectionId: null } });
    ok({ kind: 'command', method: 'call/cancel', params: { callId: 'abc' } });
    ok({ kind: 'command', method: 'clipboard/write', params: { text: '' } });
    ok({
      kind: 'request',
      id: 1,
      method: 'tools/call',
      params: { connectionId: 'c', name: 't', args: { a: [1, { b: null }] }, callId: 'x' },
    });
    ok({
      kind: 'request',
      id: 2,
      method: 'prompts/get',
      params: { connectionId: 'c', name: 'p', args: { a: 'b' }, callId: 'x' },
    });
    ok({ kind: 'request', id: 3, method: 'trace/curl', params: { connectionId: 'c', seq: 4 } });
    ok({ kind: 'request', id: 4, method: 'history/export', params: { json: '{}' } });
    assert.ok(COMMAND_METHODS.length >= 9 && REQUEST_METHODS.length >= 9);
  });

  it('checks the Auth tab messages: debugger commands, vault requests and export formats', () => {
    ok({ kind: 'command', method: 'auth/debug/start', params: { connectionId: 'c', mode: 'step' } });
    ok({ kind: 'command', method: 'auth/debug/start', params: { connectionId: 'c', mode: 'run' } });
    for (const method of ['auth/debug/next', 'auth/debug/continue', 'auth/debug/cancel']) {
      ok({ kind: 'command', method, params: { connectionId: 'c' } });
    }
    for (const method of [
      'auth/vault',
      'auth/trace',
      'auth/refreshNow',
      'auth/revoke',
      'auth/forgetRegistration',
      'auth/copyToken',
    ]) {
      ok({ kind: 'request', id: 7, method, params: { connectionId: 'c' } });
    }
    ok({ kind: 'request', id: 8, method: 'auth/export', params: { connectionId: 'c', format: 'markdown' } });
    ok({ kind: 'request', id: 8, method: 'auth/export', params: { connectionId: 'c', format: 'json' } });
    bad(
      { kind: 'command', method: 'auth/debug/start', params: { connectionId: 'c', mode: 'fast' } },
      /mode must be one of step, run/,
    );
    bad({ kind: 'command', method: 'auth/debug/start', params: { connectionId: 'c' } }, /mode must be one of/);
    bad(
      { kind: 'request', id: 9, method: 'auth/export', params: { connectionId: 'c', format: 'html' } },
      /format must be one of markdown, json/,
      9,
    );
    // The copy action takes no payload: the webview cannot name what ends up on the clipboard.
    bad(
      { kind: 'request', id: 10, method: 'auth/copyToken', params: { connectionId: 'c', text: 'x' } },
      /unknown field "text"/,
      10,
    );
    bad({ kind: 'request', id: 11, method: 'auth/vault', params: { connectionId: '' } }, /connectionId is empty/, 11);
  });

  it('rejects unknown kinds, methods and fields', () => {
    bad(null, /must be an object/);
    bad([], /must be an object/);
    bad({ kind: 'ready', extra: 1 }, /unknown fields/);
    bad({ kind: 'eval', code: '1' }, /unknown message kind "eval"/);
    bad({ kind: 'command', method: 'shell/exec', params: {} }, /unknown command "shell\/exec"/);
    bad({ kind: 'command', method: 'toString', params: {} }, /unknown command "toString"/, undefined);
    bad({ kind: 'command', method: '__proto__', params: {} }, /unknown command/);
    bad(
      { kind: 'command', method: 'connection/connect', params: { connectionId: 'c', also: 1 } },
      /unknown field "also"/,
    );
    bad({ kind: 'command', method: 'connection/connect', params: {}, extra: true }, /unknown field "extra"/);
    bad({ kind: 'request', id: 7, method: 'nope', params: {} }, /unknown request "nope"/, 7);
  });

  it('rejects wrong types and out-of-range values, answering requests by id', () => {
    bad(
      { kind: 'command', method: 'connection/connect', params: { connectionId: 5 } },
      /connectionId must be a string/,
    );
    bad({ kind: 'command', method: 'connection/connect', params: { connectionId: '' } }, /connectionId is empty/);
    bad({ kind: 'command', method: 'connection/connect', params: { connectionId: 'x'.repeat(600) } }, /too long/);
    bad({ kind: 'request', id: -1, method: 'trace/list', params: { connectionId: 'c' } }, /non-negative integer/);
    bad({ kind: 'request', id: 1.5, method: 'trace/list', params: { connectionId: 'c' } }, /non-negative integer/);
    bad(
      { kind: 'request', id: 9, method: 'trace/entry', params: { connectionId: 'c', seq: '4' } },
      /seq must be a non-negative integer/,
      9,
    );
    bad(
      { kind: 'request', id: 9, method: 'tools/call', params: { connectionId: 'c', name: 't', args: [], callId: 'x' } },
      /args must be an object/,
      9,
    );
    bad(
      {
        kind: 'request',
        id: 9,
        method: 'tools/call',
        params: { connectionId: 'c', name: 't', args: { n: Number.NaN }, callId: 'x' },
      },
      /finite number/,
      9,
    );
    bad(
      {
        kind: 'request',
        id: 9,
        method: 'tools/call',
        params: { connectionId: 'c', name: 't', args: { d: new Date() }, callId: 'x' },
      },
      /is not JSON/,
      9,
    );
    bad(
      {
        kind: 'request',
        id: 9,
        method: 'prompts/get',
        params: { connectionId: 'c', name: 'p', args: { a: 1 }, callId: 'x' },
      },
      /args\.a must be a string/,
      9,
    );
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { d: deep };
    bad(
      {
        kind: 'request',
        id: 9,
        method: 'tools/call',
        params: { connectionId: 'c', name: 't', args: deep, callId: 'x' },
      },
      /nested too deeply/,
      9,
    );
  });
});
