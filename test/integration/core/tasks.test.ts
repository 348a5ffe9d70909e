/**
 * Tools run as tasks (TaskRunner) against real servers: the tasks fixture on both eras (MCP
 * 2025-11-25 tasks on the 1.x SDK server; the 2026-07-28 tasks extension on the v2 server SDK),
 * over stdio and Streamable HTTP, and server-everything's `simulate-research-query` (2025).
 */
import { strict as assert } from 'node:assert';
import type { ConnectionConfig } from '../../../src/core/config';
import { Connection } from '../../../src/core/connection';
import { ConnectionError } from '../../../src/core/errors';
import type { ServerRequest, ServerRequestHandler } from '../../../src/core/serverRequests';
import { TaskRunner, taskSupportOf } from '../../../src/core/tasks';
import type { TaskView } from '../../../src/shared/protocol';
import { startTasksHttpServer, type TasksHttpServer } from '../../fixtures/tasks/tasksHttpServer';
import { TASKS_STDIO_SERVER_PATH } from '../../fixtures/tasks/tasksStdioServer';
import {
  ASK_MESSAGE,
  ASK_SCHEMA,
  FAILURE_MESSAGE,
  SLOW_DEFAULTS,
  TASK_TOOLS,
  slowResultText,
  slowStatus,
  type TasksEra,
} from '../../fixtures/tasks/tasksTools';
import { REPO_ROOT, everythingStdioCommand, startEverything, type RunningServer } from '../../support/everything';

type TextContent = { type: 'text'; text: string };
const firstText = (result: { content?: unknown[] }): string =>
  (result.content?.find((c) => typeof (c as TextContent).text === 'string') as TextContent | undefined)?.text ?? '';

/** Generous: a stdio fixture under tsx on a busy machine can take seconds to start and answer the probe. */
const TIMEOUTS = { requestTimeoutMs: 30_000, stdioProbeTimeoutMs: 15_000 };

let counter = 0;
const nextId = (): string => `tasks-${++counter}`;

async function rejection(promise: Promise<unknown>): Promise<ConnectionError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ConnectionError, `expected a ConnectionError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the promise to reject');
}

/** How many ticks the endless task reported (its status message `tick N`; a poll may skip some). */
function ticks(task: TaskView): number {
  const match = /^tick (\d+)$/.exec(task.statusMessage ?? '');
  return match ? Number(match[1]) : 0;
}

/** Resolves with the first task view that satisfies `predicate`, from the runner's change events. */
function taskWhere(runner: TaskRunner, predicate: (task: TaskView) => boolean, timeoutMs = 10_000): Promise<TaskView> {
  return new Promise((resolve, reject) => {
    const found = runner.tasks.find(predicate);
    if (found) return resolve(found);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('no such task appeared in time'));
    }, timeoutMs);
    const sub = runner.onDidChangeTasks((tasks) => {
      const task = tasks.find(predicate);
      if (!task) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(task);
    });
  });
}

const VARIANTS: Array<{ era: TasksEra; transport: 'stdio' | 'http' }> = [
  { era: 'legacy', transport: 'stdio' },
  { era: 'legacy', transport: 'http' },
  { era: 'modern', transport: 'stdio' },
  { era: 'modern', transport: 'http' },
];

describe('core: tools run as tasks (TaskRunner)', function () {
  this.timeout(60_000);

  for (const variant of VARIANTS) {
    const { era, transport } = variant;
    describe(`${era === 'legacy' ? '2025-11-25 tasks' : '2026-07-28 tasks extension'} over ${transport}`, () => {
      let http: TasksHttpServer | undefined;
      let config: ConnectionConfig;
      let connection: Connection;
      let runner: TaskRunner;

      before(async () => {
        if (transport === 'http') {
          http = await startTasksHttpServer({ era });
          config = { id: nextId(), name: `tasks-http-${era}`, transport: 'streamable-http', url: http.url };
        } else {
          config = {
            id: nextId(),
            name: `tasks-stdio-${era}`,
            transport: 'stdio',
            command: process.execPath,
            args: ['--import', 'tsx', TASKS_STDIO_SERVER_PATH, '--era', era],
            cwd: REPO_ROOT,
            // Pinned: the era negotiation has its own tests (eras.test.ts); a stdio probe costs seconds.
            protocol: era === 'legacy' ? '2025' : '2026-07-28',
          };
        }
        connection = new Connection(config, TIMEOUTS);
        await connection.connect();
        assert.equal(connection.era, era);
        runner = new TaskRunner(connection);
      });

      after(async () => {
        runner?.dispose();
        await connection?.dispose();
        await http?.close();
      });

      it('knows which tools run as tasks, as the era tells', () => {
        const support = Object.fromEntries(connection.tools.map((t) => [t.name, taskSupportOf(t)]));
        if (era === 'legacy') {
          assert.deepEqual(support, {
            [TASK_TOOLS.slow]: 'required',
            [TASK_TOOLS.optional]: 'optional',
            [TASK_TOOLS.failing]: 'required',
            [TASK_TOOLS.endless]: 'required',
            [TASK_TOOLS.asking]: 'required',
            [TASK_TOOLS.plain]: 'forbidden',
          });
        } else {
          // 2026-07-28 tools say nothing of tasks (the server decides per call); the server offers the extension.
          assert.ok(Object.values(support).every((s) => s === 'forbidden'));
          assert.ok('io.modelcontextprotocol/tasks' in ((connection.capabilities?.extensions as object) ?? {}));
        }
      });

      it('refuses a plain call of a tool that runs only as a task, saying to run it as a task', async () => {
        const error = await rejection(connection.callTool(TASK_TOOLS.slow, {}));
        assert.equal(error.code, 'task-required');
        assert.match(error.message, new RegExp(`"${TASK_TOOLS.slow}" runs only as a task`));
        assert.equal(error.hint, 'Run it as a task.');
        // The connection is still usable.
        const echo = await connection.callTool(TASK_TOOLS.plain, { text: 'still here' });
        assert.equal(firstText(echo), 'echo: still here');
      });

      it('runs the required tool as a task to completion, reporting its statuses (and progress on 2025)', async () => {
        const statuses: TaskView[] = [];
        const progress: Array<{ progress: number; total?: number; message?: string }> = [];
        const result = await runner.callToolAsTask(
          TASK_TOOLS.slow,
          // Steps longer than the poll interval (100 ms), with room to spare on a busy machine.
          { steps: SLOW_DEFAULTS.steps, stepMs: 300 },
          { onStatus: (task) => statuses.push({ ...task }), onProgress: (p) => progress.push(p), callId: 'call-1' },
        );
        assert.equal(firstText(result), slowResultText(SLOW_DEFAULTS.steps));
        assert.ok(statuses.length >= 2, `statuses seen: ${JSON.stringify(statuses)}`);
        assert.equal(statuses[0].status, 'working');
        const taskId = statuses[0].taskId;
        assert.ok(
          statuses.every((s) => s.taskId === taskId && s.toolName === TASK_TOOLS.slow && s.callId === 'call-1'),
        );
        assert.equal(statuses.at(-1)!.status, 'completed');
        // Intermediate step messages were seen (the poll interval is shorter than a step).
        assert.ok(
          statuses.some((s) => s.status === 'working' && /^step \d of \d$/.test(s.statusMessage ?? '')),
          JSON.stringify(statuses.map((s) => s.statusMessage)),
        );
        assert.equal(statuses[0].pollInterval, 100);
        if (era === 'legacy') {
          assert.deepEqual(
            progress.map((p) => p.progress),
            Array.from({ length: SLOW_DEFAULTS.steps }, (_, i) => i + 1),
          );
          assert.deepEqual(progress.at(-1), {
            progress: SLOW_DEFAULTS.steps,
            total: SLOW_DEFAULTS.steps,
            message: slowStatus(SLOW_DEFAULTS.steps, SLOW_DEFAULTS.steps),
          });
          assert.equal(runner.tasks.find((t) => t.taskId === taskId)?.progress?.progress, SLOW_DEFAULTS.steps);
        } else {
          // SEP-2663: progress notifications are not sent for tasks; the status message says how far it is.
          assert.deepEqual(progress, []);
        }
        const known = runner.tasks.find((t) => t.taskId === taskId);
        assert.equal(known?.status, 'completed');
        assert.equal(known?.connectionId, connection.id);
      });

      it('runs the optional tool as a task and without one', async () => {
        const statuses: TaskView[] = [];
        const asTask = await runner.callToolAsTask(
          TASK_TOOLS.optional,
          { text: 'as a task' },
          { onStatus: (t) => statuses.push(t) },
        );
        assert.equal(firstText(asTask), 'maybe: as a task');
        assert.ok(statuses.length > 0, 'it ran as a task');
        assert.equal(statuses.at(-1)!.status, 'completed');
        const plain = await connection.callTool(TASK_TOOLS.optional, { text: 'plain' });
        assert.equal(firstText(plain), 'maybe: plain');
      });

      it('ends a failing task with an error outcome', async () => {
        const statuses: TaskView[] = [];
        const run = runner.callToolAsTask(TASK_TOOLS.failing, {}, { onStatus: (t) => statuses.push(t) });
        if (era === 'legacy') {
          // 2025-11-25: tasks/result answers with the tool's result, here an isError one.
          const result = await run;
          assert.equal(result.isError, true);
          assert.equal(firstText(result), FAILURE_MESSAGE);
        } else {
          // 2026-07-28: a failed task carries the JSON-RPC error.
          const error = await rejection(run);
          assert.equal(error.code, 'protocol');
          assert.match(
            error.message,
            /^The task \S+ of "failing_task" failed: failing_task failed on purpose \(-32603\)$/,
          );
        }
        assert.equal(statuses.at(-1)!.status, 'failed');
        assert.equal(runner.tasks.find((t) => t.taskId === statuses[0].taskId)?.status, 'failed');
      });

      it('cancels a task (cancelTask): the call ends as cancelled', async () => {
        const run = runner.callToolAsTask(TASK_TOOLS.endless, {});
        const working = await taskWhere(
          runner,
          (t) => t.toolName === TASK_TOOLS.endless && t.status === 'working' && ticks(t) >= 2,
        );
        const cancelled = await runner.cancelTask(working.taskId);
        if (era === 'legacy') assert.equal(cancelled.status, 'cancelled');
        const error = await rejection(run);
        assert.equal(error.code, 'cancelled');
        assert.match(error.message, new RegExp(`The task ${working.taskId} of "endless_task" was cancelled`));
        assert.equal((await runner.getTask(working.taskId)).status, 'cancelled');
      });

      it('cancels the task when the call is aborted', async () => {
        const abort = new AbortController();
        const statuses: TaskView[] = [];
        const run = runner.callToolAsTask(
          TASK_TOOLS.endless,
          {},
          { signal: abort.signal, onStatus: (t) => statuses.push(t) },
        );
        const working = await taskWhere(runner, (t) => t.taskId === statuses[0]?.taskId && ticks(t) >= 1);
        abort.abort();
        const error = await rejection(run);
        assert.equal(error.code, 'cancelled');
        assert.match(error.message, /was cancelled \(the call was aborted\)/);
        const after = await runner.getTask(working.taskId);
        assert.equal(after.status, 'cancelled');
      });

      it("hands a task's question to the connection's handler, and its answer to the task", async () => {
        const seen: ServerRequest[] = [];
        const handler: ServerRequestHandler = {
          capabilities: { elicitation: { form: true, url: false } },
          answer: async (request) => {
            seen.push(request);
            return { action: 'accept', content: { name: 'Grace' } };
          },
        };
        const asking = new Connection({ ...config, id: nextId() }, { serverRequests: handler, ...TIMEOUTS });
        const askingRunner = new TaskRunner(asking);
        try {
          await asking.connect();
          const statuses: TaskView[] = [];
          const result = await askingRunner.callToolAsTask(
            TASK_TOOLS.asking,
            {},
            { onStatus: (t) => statuses.push(t) },
          );
          assert.equal(firstText(result), 'hello, Grace');
          assert.equal(seen.length, 1);
          assert.equal(seen[0].method, 'elicitation/create');
          assert.equal(seen[0].kind, 'elicitation-form');
          assert.equal(seen[0].params.message, ASK_MESSAGE);
          assert.deepEqual(seen[0].params.requestedSchema, ASK_SCHEMA);
          assert.equal(seen[0].connectionId, asking.id);
          if (era === 'legacy') {
            // 2025-11-25: a server request, delivered on the tasks/result the client sent once the task needed input.
            assert.equal(seen[0].wire, 'request');
          } else {
            // 2026-07-28: an inputRequests entry of tasks/get, answered with tasks/update.
            assert.equal(seen[0].wire, 'input-required');
            assert.deepEqual(seen[0].cause, { method: 'tools/call', name: TASK_TOOLS.asking });
          }
          const order = statuses.map((t) => t.status);
          assert.ok(order.includes('input_required'), JSON.stringify(order));
          assert.equal(order.at(-1), 'completed');
        } finally {
          askingRunner.dispose();
          await asking.dispose();
        }
      });

      it('a task does not ask a client that declared no elicitation', async () => {
        const result = await runner.callToolAsTask(TASK_TOOLS.asking, {});
        assert.equal(firstText(result), 'hello, stranger');
      });

      it('lists the tasks', async () => {
        const listed = await runner.listTasks();
        assert.ok(listed.length >= 5, `listed: ${JSON.stringify(listed)}`);
        const statuses = new Set(listed.map((t) => t.status));
        for (const status of ['completed', 'failed', 'cancelled'] as const) assert.ok(statuses.has(status), status);
        // Those this runner started keep their tool name (tasks/list itself does not say).
        assert.ok(listed.some((t) => t.toolName === TASK_TOOLS.slow && t.status === 'completed'));
        assert.ok(listed.every((t) => t.connectionId === connection.id));
        if (era === 'legacy' && transport === 'http') {
          assert.ok(http!.requests.some((r) => (r.body as { method?: string } | undefined)?.method === 'tasks/list'));
        }
        if (era === 'modern' && transport === 'http') {
          // SEP-2663: Mcp-Name carries the taskId on tasks/get and tasks/cancel.
          const taskRequests = http!.requests.filter((r) => r.mcpMethod?.startsWith('tasks/'));
          assert.ok(taskRequests.length > 0);
          for (const r of taskRequests) {
            assert.equal(r.mcpName, (r.body as { params: { taskId: string } }).params.taskId);
          }
        }
      });
    });
  }

  describe('server-everything (2025): simulate-research-query', () => {
    let connection: Connection;
    let everything: RunningServer | undefined;

    afterEach(async () => {
      await connection?.dispose();
      await everything?.stop();
      everything = undefined;
    });

    for (const transport of ['stdio', 'http'] as const) {
      it(`runs as a task to completion over ${transport}`, async () => {
        let config: ConnectionConfig;
        if (transport === 'http') {
          everything = await startEverything('streamableHttp');
          config = { id: nextId(), name: 'everything-http', transport: 'streamable-http', url: everything.url };
        } else {
          config = { id: nextId(), name: 'everything-stdio', transport: 'stdio', ...everythingStdioCommand() };
        }
        connection = new Connection(config, TIMEOUTS);
        await connection.connect();
        const tool = connection.tools.find((t) => t.name === 'simulate-research-query');
        assert.ok(tool, 'server-everything offers simulate-research-query');
        assert.equal(taskSupportOf(tool), 'required');
        const refused = await rejection(connection.callTool('simulate-research-query', { topic: 'tides' }));
        assert.equal(refused.code, 'task-required');

        const runner = new TaskRunner(connection);
        try {
          const statuses: TaskView[] = [];
          const result = await runner.callToolAsTask(
            'simulate-research-query',
            { topic: 'tides' },
            { onStatus: (t) => statuses.push(t) },
          );
          assert.match(firstText(result), /tides/);
          assert.equal(statuses[0].status, 'working');
          assert.equal(statuses.at(-1)!.status, 'completed');
          assert.ok(
            statuses.some((s) => s.status === 'working' && s.statusMessage),
            JSON.stringify(statuses),
          );
          const listed = await runner.listTasks();
          assert.ok(listed.some((t) => t.taskId === statuses[0].taskId && t.status === 'completed'));
        } finally {
          runner.dispose();
        }
      });

      it(`asks for a clarification of an ambiguous query on tasks/result, answered by the handler, over ${transport}`, async () => {
        let config: ConnectionConfig;
        if (transport === 'http') {
          everything = await startEverything('streamableHttp');
          config = { id: nextId(), name: 'everything-http', transport: 'streamable-http', url: everything.url };
        } else {
          config = { id: nextId(), name: 'everything-stdio', transport: 'stdio', ...everythingStdioCommand() };
        }
        const seen: ServerRequest[] = [];
        // Accept with the defaults: no fields chosen (the SDK fills in any the schema defaults, SEP-1034).
        const handler: ServerRequestHandler = {
          capabilities: { elicitation: { form: true, url: false } },
          answer: async (request) => {
            seen.push(request);
            return { action: 'accept', content: {} };
          },
        };
        connection = new Connection(config, { ...TIMEOUTS, serverRequests: handler });
        await connection.connect();
        const runner = new TaskRunner(connection);
        try {
          const statuses: TaskView[] = [];
          const result = await runner.callToolAsTask(
            'simulate-research-query',
            { topic: 'tides', ambiguous: true },
            { onStatus: (t) => statuses.push(t) },
          );
          assert.equal(seen.length, 1, 'one clarification was asked');
          assert.equal(seen[0].method, 'elicitation/create');
          assert.equal(seen[0].wire, 'request');
          assert.match(String(seen[0].params.message), /tides/);
          assert.ok(
            statuses.some((t) => t.status === 'input_required'),
            JSON.stringify(statuses.map((t) => t.status)),
          );
          assert.equal(statuses.at(-1)!.status, 'completed');
          // The report says the answer reached the task (an accept with nothing chosen).
          assert.match(firstText(result), /- \*\*Clarification\*\*: User accepted without selection/);
        } finally {
          runner.dispose();
        }
      });
    }
  });
});
