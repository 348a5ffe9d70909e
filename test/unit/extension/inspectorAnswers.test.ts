/**
 * The inspector panel's side of answering the server, driven through the webview's message channel
 * with the fake vscode module: the queue is pushed after init and on each change, server log
 * messages are batched to the webview and listed in the view's shape, the log level and roots show
 * in the details, tool calls with `asTask` go to the connection's task runner, and the handlers
 * reach the answering services with the webview's params.
 */
import './fakeVscode';
import * as assert from 'node:assert/strict';
import type { Connection, ServerLogEntry } from '../../../src/core/connection';
import { Emitter } from '../../../src/core/events';
import type { ConnectionManager } from '../../../src/core/manager';
import type { TaskRunner } from '../../../src/core/tasks';
import type { InspectorAnswers } from '../../../src/extension/answers/serverAnswers';
import { InspectorPanel } from '../../../src/extension/inspector/inspectorPanel';
import type {
  ConnectionDetails,
  HostToWebviewMessage,
  NotificationMessage,
  ServerRequestView,
  TaskView,
} from '../../../src/shared/protocol';

const none = { dispose: () => undefined };

function fakeConnection() {
  const serverLog = new Emitter<ServerLogEntry>();
  const calls: unknown[][] = [];
  const connection = {
    id: 'c1',
    config: { id: 'c1', name: 'C', transport: 'stdio', command: 'node', args: [] },
    status: { state: 'connected', since: 1 },
    trace: { onDidAdd: () => none, entries: () => [] },
    tools: [],
    resources: [],
    resourceTemplates: [],
    prompts: [],
    loggingLevel: undefined as string | undefined,
    serverLog: [] as ServerLogEntry[],
    onResourceUpdated: () => none,
    onServerLog: serverLog.event,
    setLoggingLevel: async (level: string) => {
      calls.push(['setLoggingLevel', level]);
      connection.loggingLevel = level;
    },
    complete: async (...args: unknown[]) => {
      calls.push(['complete', ...args]);
      return { values: ['alpha', 'alpine'], hasMore: false };
    },
    callTool: async (name: string) => {
      calls.push(['callTool', name]);
      return { content: [] };
    },
  };
  return { connection, asConnection: connection as unknown as Connection, serverLog, calls };
}

function fakeAnswers() {
  const requestsChanged = new Emitter<string>();
  const tasksChanged = new Emitter<{ connectionId: string; tasks: TaskView[] }>();
  const calls: unknown[][] = [];
  const queue: ServerRequestView[] = [
    {
      id: 'c1#1',
      connectionId: 'c1',
      kind: 'elicitation-form',
      method: 'elicitation/create',
      wire: 'request',
      params: { message: 'Name?' },
      receivedAt: 1,
      state: 'pending',
    },
  ];
  const runner = {
    callToolAsTask: async (name: string, args: unknown, options: { callId?: string }) => {
      calls.push(['callToolAsTask', name, args, options.callId]);
      return { content: [{ type: 'text', text: 'done' }] };
    },
    listTasks: async () => [{ taskId: 't1', connectionId: 'c1', status: 'working' }],
    cancelTask: async (taskId: string) => ({ taskId, connectionId: 'c1', status: 'cancelled' }),
    getTaskResult: async () => ({ content: [{ type: 'text', text: 'result' }] }),
  } as unknown as TaskRunner;
  const answers: InspectorAnswers = {
    onDidChangeRequests: requestsChanged.event,
    onDidChangeRoots: () => none,
    onDidChangeTasks: tasksChanged.event,
    requests: () => queue,
    answer: async (...args) => {
      calls.push(['answer', ...args]);
      return 'answered';
    },
    models: async () => [{ id: 'm', name: 'M', vendor: 'v' }],
    draft: async (connectionId, requestId, modelId) => {
      calls.push(['draft', connectionId, requestId, modelId]);
      return { role: 'assistant', content: { type: 'text', text: 'draft' }, model: 'm', stopReason: 'endTurn' };
    },
    roots: () => ({ source: 'workspace', roots: [{ uri: 'file:///w', name: 'w' }] }),
    setRoots: async (_id, roots) => ({ source: roots ? 'custom' : 'workspace', roots: roots ?? [] }),
    tasksFor: () => runner,
  };
  return { answers, requestsChanged, tasksChanged, calls };
}

function openPanel(connection: Connection, answers: InspectorAnswers) {
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
  const inspector = InspectorPanel.revive(panel as never, {
    extensionUri: { toString: () => 'ext:' } as never,
    manager,
    log: { warn: () => undefined, info: () => undefined } as never,
    isEditable: () => true,
    answers,
  });
  let nextId = 1;
  const request = async (method: string, params: unknown) => {
    const id = nextId++;
    receive!({ kind: 'request', id, method, params });
    for (let i = 0; i < 200; i++) {
      const reply = posted.find((m) => m.kind === 'response' && m.id === id);
      if (reply && reply.kind === 'response') {
        if (!reply.ok) throw new Error(reply.error.message);
        return reply.result as unknown as Record<string, unknown>;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no response to ${method}`);
  };
  const notifications = (method: string) =>
    posted.filter((m): m is NotificationMessage => m.kind === 'notification' && m.method === method);
  const waitFor = async (method: string, count = 1) => {
    for (let i = 0; i < 200 && notifications(method).length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(notifications(method).length >= count, `no ${method} notification`);
    return notifications(method);
  };
  return { inspector, request, send: (raw: unknown) => receive!(raw), notifications, waitFor };
}

describe('inspector panel: answering the server (host side)', () => {
  let opened: ReturnType<typeof openPanel> | undefined;
  afterEach(() => opened?.inspector.dispose());

  it('pushes the queue after init and on every change, and knows whether it shows a connection', async () => {
    const c = fakeConnection();
    const a = fakeAnswers();
    opened = openPanel(c.asConnection, a.answers);
    assert.equal(opened.notifications('serverRequests/changed').length, 0, 'nothing before ready');
    opened.send({ kind: 'ready' });
    const [first] = await opened.waitFor('serverRequests/changed');
    const init = opened.notifications('init');
    assert.equal(init.length, 1);
    assert.deepEqual(first.params, { connectionId: 'c1', requests: a.answers.requests('c1') });
    a.requestsChanged.fire('c1');
    await opened.waitFor('serverRequests/changed', 2);

    assert.equal(opened.inspector.shows('c1'), false, 'ready, but showing no connection yet');
    opened.send({ kind: 'command', method: 'view/select', params: { connectionId: 'c1' } });
    const [details] = await opened.waitFor('connection/details');
    assert.deepEqual((details.params as ConnectionDetails).roots, {
      source: 'workspace',
      roots: [{ uri: 'file:///w', name: 'w' }],
    });
    assert.equal(opened.inspector.shows('c1'), true);
  });

  it('routes answers, drafts, roots and completions to their services with the validated params', async () => {
    const c = fakeConnection();
    const a = fakeAnswers();
    opened = openPanel(c.asConnection, a.answers);
    opened.send({ kind: 'ready' });
    const reply = { kind: 'elicitation', action: 'accept', content: { name: 'Ada' } };
    assert.deepEqual(await opened.request('serverRequest/answer', { connectionId: 'c1', requestId: 'c1#1', reply }), {
      state: 'answered',
    });
    assert.deepEqual(a.calls[0], ['answer', 'c1', 'c1#1', reply]);
    await assert.rejects(
      opened.request('serverRequest/answer', { connectionId: 'c1', requestId: 'c1#1', reply: { kind: 'x' } }),
      /reply\.kind must be one of/,
    );
    await assert.rejects(
      opened.request('serverRequest/answer', {
        connectionId: 'gone',
        requestId: 'r',
        reply: { kind: 'roots', action: 'send' },
      }),
      /no longer exists/,
    );
    assert.deepEqual(await opened.request('sampling/models', {}), { models: [{ id: 'm', name: 'M', vendor: 'v' }] });
    const drafted = await opened.request('sampling/generate', { connectionId: 'c1', requestId: 'c1#2', modelId: 'm' });
    assert.equal((drafted.result as { model: string }).model, 'm');
    assert.deepEqual(a.calls[1], ['draft', 'c1', 'c1#2', 'm']);
    assert.deepEqual(await opened.request('roots/set', { connectionId: 'c1', roots: null }), {
      source: 'workspace',
      roots: [],
    });
    const completion = await opened.request('completion/complete', {
      connectionId: 'c1',
      ref: { type: 'ref/prompt', name: 'p' },
      argument: { name: 'a', value: 'al' },
      context: { b: 'x' },
    });
    assert.deepEqual(completion, { values: ['alpha', 'alpine'], hasMore: false });
    assert.deepEqual(c.calls[0], [
      'complete',
      { type: 'ref/prompt', name: 'p' },
      { name: 'a', value: 'al' },
      { b: 'x' },
    ]);
  });

  it('sets the log level, shows it in the details, and sends server log messages batched and as views', async () => {
    const c = fakeConnection();
    const a = fakeAnswers();
    opened = openPanel(c.asConnection, a.answers);
    opened.send({ kind: 'ready' });
    opened.send({ kind: 'command', method: 'view/select', params: { connectionId: 'c1' } });
    await opened.waitFor('connection/details');
    assert.deepEqual(await opened.request('logging/setLevel', { connectionId: 'c1', level: 'debug' }), {
      level: 'debug',
    });
    assert.deepEqual(c.calls[0], ['setLoggingLevel', 'debug']);
    const details = await opened.waitFor('connection/details', 2);
    assert.equal((details[1].params as ConnectionDetails).logLevel, 'debug');

    const entry = (i: number): ServerLogEntry => ({ time: i, level: 'info', logger: 'srv', data: { i, f: () => 1 } });
    c.serverLog.fire(entry(1));
    c.serverLog.fire(entry(2));
    const [added] = await opened.waitFor('serverLog/added');
    assert.deepEqual(added.params, {
      connectionId: 'c1',
      entries: [
        { time: 1, level: 'info', logger: 'srv', data: { i: 1 } },
        { time: 2, level: 'info', logger: 'srv', data: { i: 2 } },
      ],
    });
    c.connection.serverLog.push({ time: 3, level: 'bogus' as never, data: 'x' });
    assert.deepEqual(await opened.request('serverLog/list', { connectionId: 'c1' }), {
      entries: [{ time: 3, level: 'info', data: 'x' }],
    });
  });

  it('runs tools/call with asTask through the task runner, and forwards task changes and requests', async () => {
    const c = fakeConnection();
    const a = fakeAnswers();
    opened = openPanel(c.asConnection, a.answers);
    opened.send({ kind: 'ready' });
    const outcome = await opened.request('tools/call', {
      connectionId: 'c1',
      name: 'slow',
      args: { n: 1 },
      callId: 'call-1',
      asTask: true,
    });
    assert.deepEqual(outcome.result, { content: [{ type: 'text', text: 'done' }] });
    assert.deepEqual(a.calls[0], ['callToolAsTask', 'slow', { n: 1 }, 'call-1']);
    await opened.request('tools/call', { connectionId: 'c1', name: 'quick', args: {}, callId: 'call-2' });
    assert.deepEqual(c.calls[0], ['callTool', 'quick'], 'without asTask the plain call');

    assert.deepEqual(await opened.request('tasks/list', { connectionId: 'c1' }), {
      tasks: [{ taskId: 't1', connectionId: 'c1', status: 'working' }],
    });
    assert.equal(
      ((await opened.request('tasks/cancel', { connectionId: 'c1', taskId: 't1' })).task as TaskView).status,
      'cancelled',
    );
    assert.deepEqual((await opened.request('tasks/result', { connectionId: 'c1', taskId: 't1' })).result, {
      content: [{ type: 'text', text: 'result' }],
    });
    a.tasksChanged.fire({ connectionId: 'c1', tasks: [] });
    const [changed] = await opened.waitFor('tasks/changed');
    assert.deepEqual(changed.params, { connectionId: 'c1', tasks: [] });
  });
});
