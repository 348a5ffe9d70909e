/**
 * The inspector panel's joins with the core on the 2026-07-28 era, driven through the webview's
 * message channel with the fake vscode module: the cache mode reaches `refreshLists`/`readResource`
 * as the core's string, and outcomes carry the core's resultType and cache hint beside the server's
 * result instead of a guess made from the trace.
 */
import './fakeVscode';
import * as assert from 'node:assert/strict';
import type { Connection } from '../../../src/core/connection';
import type { ConnectionManager } from '../../../src/core/manager';
import { InspectorPanel } from '../../../src/extension/inspector/inspectorPanel';
import type { CacheHintView, HostToWebviewMessage } from '../../../src/shared/protocol';

const none = { dispose: () => undefined };
const HINT: CacheHintView = { ttlMs: 30000, cacheScope: 'private', receivedAt: 1000, servedFromCache: true };

/** A connection that records how the panel calls it and answers like the core on the modern era. */
function fakeConnection() {
  const calls: unknown[][] = [];
  const connection = {
    id: 'c1',
    config: { id: 'c1', name: 'C', transport: 'streamable-http', url: 'http://127.0.0.1:1/mcp' },
    status: { state: 'connected', since: 1 },
    trace: { onDidAdd: () => none, entries: () => [] },
    onResourceUpdated: () => none,
    onServerLog: () => none,
    refreshLists: async (kinds: unknown, cache: unknown) => {
      calls.push(['refreshLists', kinds, cache]);
    },
    readResource: async (uri: string, options: { cache?: unknown }) => {
      calls.push(['readResource', uri, options.cache]);
      return { contents: [{ uri, text: 'hello' }], resultType: 'complete', cache: HINT };
    },
    callTool: async (name: string) => {
      calls.push(['callTool', name]);
      return { content: [{ type: 'text', text: 'ok' }], resultType: 'complete' };
    },
    getPrompt: async (name: string) => {
      calls.push(['getPrompt', name]);
      return { messages: [] };
    },
  };
  return { connection: connection as unknown as Connection, calls };
}

function openPanel(connection: Connection) {
  const posted: HostToWebviewMessage[] = [];
  let receive: ((raw: unknown) => void) | undefined;
  const panel = {
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-resource:',
      asWebviewUri: (uri: unknown) => uri,
      onDidReceiveMessage: (listener: (raw: unknown) => void) => {
        receive = listener;
        return none;
      },
      postMessage: async (message: HostToWebviewMessage) => {
        posted.push(message);
        return true;
      },
    },
    visible: true,
    onDidDispose: () => none,
    onDidChangeViewState: () => none,
    reveal: () => undefined,
    dispose: () => undefined,
  };
  const manager = {
    onDidChange: () => none,
    list: () => [connection],
    get: (id: string) => (id === connection.id ? connection : undefined),
  } as unknown as ConnectionManager;
  const log = { warn: () => undefined, info: () => undefined } as never;
  const inspector = InspectorPanel.revive(panel as never, {
    extensionUri: { toString: () => 'ext:' } as never,
    manager,
    log,
    isEditable: () => true,
  });
  let nextId = 1;
  const request = async (method: string, params: Record<string, unknown>) => {
    const id = nextId++;
    receive!({ kind: 'request', id, method, params });
    for (let i = 0; i < 200; i++) {
      const reply = posted.find((m) => m.kind === 'response' && m.id === id);
      if (reply && reply.kind === 'response') {
        if (!reply.ok) throw new Error(reply.error.message);
        return reply.result as Record<string, unknown>;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no response to ${method}`);
  };
  return { inspector, request };
}

describe('inspector panel joins with the core (2026-07-28 era)', () => {
  let opened: ReturnType<typeof openPanel> | undefined;
  afterEach(() => opened?.inspector.dispose());

  it('passes the list refresh mode to refreshLists as the core takes it: refresh from the buttons, use otherwise', async () => {
    const { connection, calls } = fakeConnection();
    opened = openPanel(connection);
    assert.deepEqual(await opened.request('lists/refresh', { connectionId: 'c1', cache: 'refresh' }), {
      refreshed: true,
    });
    await opened.request('lists/refresh', { connectionId: 'c1' });
    assert.deepEqual(calls, [
      ['refreshLists', undefined, 'refresh'],
      ['refreshLists', undefined, 'use'],
    ]);
  });

  it("answers a read with the server's result and the core's resultType and cache hint beside it", async () => {
    const { connection, calls } = fakeConnection();
    opened = openPanel(connection);
    const cached = await opened.request('resources/read', { connectionId: 'c1', uri: 'a://1', callId: 'r1' });
    assert.deepEqual(cached.result, { contents: [{ uri: 'a://1', text: 'hello' }], resultType: 'complete' });
    assert.equal(cached.resultType, 'complete');
    // The core said it was served from the cache: the panel says so (no trace is needed for it).
    assert.deepEqual(cached.cache, HINT);
    await opened.request('resources/read', { connectionId: 'c1', uri: 'a://1', callId: 'r2', cache: 'refresh' });
    assert.deepEqual(calls, [
      ['readResource', 'a://1', 'use'],
      ['readResource', 'a://1', 'refresh'],
    ]);
  });

  it('carries resultType on tool calls and nothing extra on results without hints', async () => {
    const { connection } = fakeConnection();
    opened = openPanel(connection);
    const called = await opened.request('tools/call', { connectionId: 'c1', name: 'echo', args: {}, callId: 't1' });
    assert.equal(called.resultType, 'complete');
    assert.equal(called.cache, undefined);
    const prompt = await opened.request('prompts/get', { connectionId: 'c1', name: 'p', args: {}, callId: 'p1' });
    assert.deepEqual(Object.keys(prompt).sort(), ['durationMs', 'result']);
  });
});
