/**
 * Answering the server inside a real extension host: server-everything (stdio) sees the
 * extension's client capabilities (elicitation, sampling, roots) and lists the tools that need
 * them; its requests land in the extension's one queue and are answered through the inspector
 * panel's own request handler (validation included), as the webview would; roots are the
 * workspace folder; and drafting a sampling reply without any language model says so.
 */
import * as assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as vscode from 'vscode';
import type { Connection } from '../../../src/core/connection';
import type { McpLensTestApi } from '../../../src/extension/extension';
import type { ServerRequestView } from '../../../src/shared/protocol';
import { activateExtension, everythingStdio, waitFor } from './helpers';

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('answering the server: elicitation, sampling and roots through the queue (server-everything over stdio)', function () {
  this.timeout(120000);
  let api: McpLensTestApi;
  let connection: Connection;

  before(async () => {
    api = await activateExtension();
    const { command, args } = everythingStdio();
    connection = await api.addConnection(
      { name: 'everything (answers)', transport: 'stdio', command, args },
      'workspace',
    );
    await waitFor('the tools of server-everything', () => connection.tools.length > 0);
  });

  after(async () => {
    if (connection) await api.removeConnection(connection.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Waits for the one pending request of a kind on this connection, as the panel lists it. */
  function pending(kind: ServerRequestView['kind']): Promise<ServerRequestView> {
    return waitFor(`a pending ${kind} request`, () =>
      api.answers.requests(connection.id).find((r) => r.kind === kind && r.state === 'pending'),
    );
  }

  it('lists the tools that need elicitation, sampling and roots (the client declared them)', () => {
    const names = connection.tools.map((t) => t.name);
    for (const name of ['trigger-elicitation-request', 'trigger-sampling-request', 'get-roots-list']) {
      assert.ok(names.includes(name), `${name} is missing from: ${names.join(', ')}`);
    }
  });

  it('queues an elicitation until it is answered through the panel, and the call completes with the content', async () => {
    const call = connection.callTool('trigger-elicitation-request', {});
    const request = await pending('elicitation-form');
    assert.equal(request.method, 'elicitation/create');
    assert.equal(request.params.message, 'Please provide inputs for the following fields:');
    assert.ok(request.deadline && request.deadline > Date.now(), 'a pending request has a deadline');
    assert.deepEqual(request.cause, { method: 'tools/call', name: 'trigger-elicitation-request' });

    // A reply of the wrong shape is refused by the panel's validation and leaves the request pending.
    await assert.rejects(
      api.inspectorRequest('serverRequest/answer', {
        connectionId: connection.id,
        requestId: request.id,
        reply: { kind: 'elicitation', action: 'accept' } as never,
      }),
      /content must be an object/,
    );
    assert.equal(api.answers.requests(connection.id).find((r) => r.id === request.id)?.state, 'pending');

    const answered = await api.inspectorRequest('serverRequest/answer', {
      connectionId: connection.id,
      requestId: request.id,
      reply: { kind: 'elicitation', action: 'accept', content: { name: 'Ada Lovelace', check: true, integer: 7 } },
    });
    assert.deepEqual(answered, { state: 'answered' });
    const result = await call;
    const output = text(result);
    assert.match(output, /User provided the requested information/);
    assert.match(output, /- Name: Ada Lovelace/);
    assert.match(output, /- Agreed to terms: true/);
    assert.match(output, /- Favorite Integer: 7/);
    const ended = api.answers.requests(connection.id).find((r) => r.id === request.id);
    assert.equal(ended?.state, 'answered');

    // Answering it again: it is no longer pending.
    await assert.rejects(
      api.inspectorRequest('serverRequest/answer', {
        connectionId: connection.id,
        requestId: request.id,
        reply: { kind: 'elicitation', action: 'decline' },
      }),
      /no longer/,
    );
  });

  it('answers a sampling request with the reply sent through the queue', async () => {
    const call = connection.callTool('trigger-sampling-request', { prompt: 'Say hello', maxTokens: 20 });
    const request = await pending('sampling');
    assert.equal(request.method, 'sampling/createMessage');
    const reply = {
      role: 'assistant',
      content: { type: 'text', text: 'Hello from the person at the keyboard' },
      model: 'human',
      stopReason: 'endTurn',
    };
    assert.deepEqual(
      await api.inspectorRequest('serverRequest/answer', {
        connectionId: connection.id,
        requestId: request.id,
        reply: { kind: 'sampling', action: 'send', result: reply },
      }),
      { state: 'answered' },
    );
    const output = text(await call);
    assert.match(output, /LLM sampling result/);
    assert.match(output, /Hello from the person at the keyboard/);
    assert.match(output, /"model": "human"/);
  });

  it('says clearly that no language model can draft a reply when VS Code offers none', async () => {
    const { models } = await api.inspectorRequest('sampling/models', {});
    if (models.length > 0) {
      // An editor with models installed: the draft must come from one of them.
      return;
    }
    const call = connection.callTool('trigger-sampling-request', { prompt: 'Draft me', maxTokens: 10 });
    const request = await pending('sampling');
    await assert.rejects(
      api.inspectorRequest('sampling/generate', { connectionId: connection.id, requestId: request.id }),
      /No language model is available in VS Code to draft a reply/,
    );
    // The request is still the person's to answer: decline it, and the server hears a refusal.
    await api.inspectorRequest('serverRequest/answer', {
      connectionId: connection.id,
      requestId: request.id,
      reply: { kind: 'sampling', action: 'decline', reason: 'no model here' },
    });
    const result = await call.then(
      (r) => text(r),
      (e: Error) => e.message,
    );
    assert.match(result, /declin|refus|no model here/i);
  });

  it('offers the workspace folder as the roots, and a custom list after roots/set', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs with a workspace folder');
    const output = text(await connection.callTool('get-roots-list', {}));
    assert.match(output, /Current MCP Roots \(1 total\)/);
    assert.ok(output.includes(folder.uri.toString()), output);
    assert.deepEqual(api.roots.view(connection.id), {
      source: 'workspace',
      roots: [{ uri: folder.uri.toString(), name: folder.name }],
    });

    const custom = [{ uri: 'file:///tmp/mcp-lens-roots-a', name: 'a' }];
    assert.deepEqual(await api.inspectorRequest('roots/set', { connectionId: connection.id, roots: custom }), {
      source: 'custom',
      roots: custom,
    });
    // The server hears roots/list_changed and asks again.
    await waitFor('the server to see the custom roots', async () =>
      text(await connection.callTool('get-roots-list', {})).includes('file:///tmp/mcp-lens-roots-a'),
    );
    await api.inspectorRequest('roots/set', { connectionId: connection.id, roots: null });
    await waitFor('the server to see the workspace roots again', async () =>
      text(await connection.callTool('get-roots-list', {})).includes(folder.uri.toString()),
    );
  });
  it('runs a task-required tool as a task: through the panel (asTask) and through the Call Tool command', async () => {
    const tool = connection.tools.find((t) => t.name === 'simulate-research-query');
    assert.ok(tool, 'server-everything offers simulate-research-query');
    const seen: string[] = [];
    const sub = api.answers.onDidChangeTasks(({ connectionId, tasks }) => {
      if (connectionId === connection.id) seen.push(...tasks.map((t) => t.status));
    });
    try {
      const outcome = await api.inspectorRequest('tools/call', {
        connectionId: connection.id,
        name: 'simulate-research-query',
        args: { topic: 'tide pools' },
        callId: 'answer-suite-task',
        asTask: true,
      });
      assert.match(JSON.stringify(outcome.result), /tide pools/);
      assert.ok(seen.includes('working'), `statuses seen: ${seen.join(', ')}`);
      assert.ok(seen.includes('completed'), `statuses seen: ${seen.join(', ')}`);
      const { tasks } = await api.inspectorRequest('tasks/list', { connectionId: connection.id });
      const task = tasks.find((t) => t.status === 'completed');
      assert.ok(task, `tasks: ${JSON.stringify(tasks)}`);
      const again = await api.inspectorRequest('tasks/result', { connectionId: connection.id, taskId: task.taskId });
      assert.match(JSON.stringify(again.result), /tide pools/);
    } finally {
      sub.dispose();
    }

    // The command palette / tree path: the command sees taskSupport "required" and runs it as a task.
    const result = (await vscode.commands.executeCommand('mcpLens.callTool', connection.id, 'simulate-research-query', {
      topic: 'kelp forests',
    })) as CallToolResult | undefined;
    assert.ok(result, 'the command returned the result');
    assert.match(text(result), /kelp forests/);
  });
  it('completes prompt arguments with the server, the other arguments going along as context', async () => {
    const department = await api.inspectorRequest('completion/complete', {
      connectionId: connection.id,
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'department', value: 'S' },
    });
    assert.deepEqual(department.values, ['Sales', 'Support']);
    const name = await api.inspectorRequest('completion/complete', {
      connectionId: connection.id,
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'name', value: '' },
      context: { department: 'Engineering' },
    });
    assert.deepEqual(name.values, ['Alice', 'Bob', 'Charlie']);
  });

  it('sets the log level and lists the messages the server logs', async () => {
    assert.deepEqual(await api.inspectorRequest('logging/setLevel', { connectionId: connection.id, level: 'debug' }), {
      level: 'debug',
    });
    assert.equal(connection.loggingLevel, 'debug');
    const before = (await api.inspectorRequest('serverLog/list', { connectionId: connection.id })).entries.length;
    await connection.callTool('toggle-simulated-logging', {});
    try {
      const entries = await waitFor('a log message from the server', async () => {
        const list = (await api.inspectorRequest('serverLog/list', { connectionId: connection.id })).entries;
        return list.length > before ? list : undefined;
      });
      const last = entries[entries.length - 1];
      assert.match(String(last.data), /level.message/i);
      assert.ok(typeof last.time === 'number' && last.level.length > 0);
    } finally {
      await connection.callTool('toggle-simulated-logging', {});
    }
  });
  it("answers a task's question through the same queue (input_required), and the task finishes with the answer", async () => {
    const statuses: string[] = [];
    const sub = api.answers.onDidChangeTasks(({ connectionId, tasks }) => {
      if (connectionId === connection.id) statuses.push(...tasks.map((t) => t.status));
    });
    try {
      const call = api.inspectorRequest('tools/call', {
        connectionId: connection.id,
        name: 'simulate-research-query',
        args: { topic: 'python', ambiguous: true },
        callId: 'answer-suite-ambiguous',
        asTask: true,
      });
      const question = await pending('elicitation-form');
      assert.match(String(question.params.message), /"python" could have multiple interpretations/);
      await api.inspectorRequest('serverRequest/answer', {
        connectionId: connection.id,
        requestId: question.id,
        reply: { kind: 'elicitation', action: 'accept', content: { interpretation: 'programming' } },
      });
      const outcome = await call;
      assert.match(JSON.stringify(outcome.result), /Clarification\*\*: programming/);
      assert.ok(statuses.includes('input_required'), `statuses seen: ${statuses.join(', ')}`);
    } finally {
      sub.dispose();
    }
  });
});
