/**
 * Tools run as tasks, on both protocol eras:
 * - MCP 2025-11-25 tasks (the client asks): `tools/call` with `params.task` is answered with a
 *   `CreateTaskResult` (`{ task }`); the client polls `tasks/get` (at the task's `pollInterval`, or
 *   sooner when `notifications/tasks/status` says something changed) and fetches the result with
 *   `tasks/result`. That request is also where the server's questions of an `input_required` task
 *   arrive (its elicitation goes to the connection's ServerRequestHandler), so it is sent as soon
 *   as the task needs input, not only at the end. `tasks/list` and `tasks/cancel` as the server
 *   offers them (`capabilities.tasks`). Progress keeps the call's progress token for the task's life.
 * - The tasks extension of MCP 2026-07-28 (`io.modelcontextprotocol/tasks`, SEP-2663; the server
 *   decides): the client declares the extension on that one `tools/call`, and the server may answer
 *   with a task (`resultType: "task"`) or with the result at once. The client polls `tasks/get`
 *   (`pollIntervalMs`) until the task holds its `result` or `error`; the questions of an
 *   `input_required` task come in `tasks/get` (`inputRequests`) and are answered with `tasks/update`.
 *   There is no `tasks/list` (the list is the tasks this runner started) and no progress on tasks.
 *
 * Aborting a call's signal cancels its task. Server-provided text (status messages) is data.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import {
  CREATE_TASK_RESULT_KEY,
  TASKS_EXTENSION,
  type Connection,
  type Progress,
  type RequestOptions,
  type ResultExtras,
} from './connection';
import { ConnectionError } from './errors';
import { Emitter, type Disposable, type Event } from './events';
import type { ServerRequest, ServerRequestHandler } from './serverRequests';
import type { JsonObject, ServerRequestKind, TaskStatusView, TaskSupport, TaskView } from '../shared/protocol';

export type TaskCallOptions = RequestOptions & {
  /** Every status the task is seen in (created, each change, the end). */
  onStatus?(task: TaskView): void;
  /** The webview call that starts it (kept on the TaskView). */
  callId?: string;
  /** How long the server should keep the task, in ms (2025-11-25 `task.ttl`; the server may choose another). */
  ttlMs?: number;
};

export interface TaskRunnerOptions {
  /**
   * Answers the questions of an `input_required` task on the 2026-07-28 era (`inputRequests`);
   * by default the connection's own handler, which answers the 2025 era's (server requests).
   */
  serverRequests?: ServerRequestHandler;
}

/** Whether a tool may (`optional`), must (`required`) or cannot (`forbidden`, the default) run as a task. */
export function taskSupportOf(tool: Pick<Tool, 'execution'> | undefined): TaskSupport {
  const support = tool?.execution?.taskSupport;
  return support === 'optional' || support === 'required' ? support : 'forbidden';
}

const TERMINAL: ReadonlySet<TaskStatusView> = new Set(['completed', 'failed', 'cancelled']);
const STATUSES: ReadonlySet<string> = new Set(['working', 'input_required', 'completed', 'failed', 'cancelled']);
/** When the server suggests no poll interval. */
const DEFAULT_POLL_MS = 1000;
/** Bounds on a server's suggestion: never hammer it, never look away for long. */
const MIN_POLL_MS = 50;
const MAX_POLL_MS = 30_000;
/** A server that keeps returning cursors must not make us loop forever. */
const MAX_LIST_PAGES = 100;
const RELATED_TASK_META_KEY = 'io.modelcontextprotocol/related-task';

type ToolResult = CallToolResult & ResultExtras;

/** A task as the wire carries it: 2025-11-25 `Task` (ttl, pollInterval) or 2026-07-28 `DetailedTask` (ttlMs, pollIntervalMs, result, error, inputRequests). */
interface WireTask {
  taskId?: unknown;
  status?: unknown;
  statusMessage?: unknown;
  createdAt?: unknown;
  lastUpdatedAt?: unknown;
  ttl?: unknown;
  ttlMs?: unknown;
  pollInterval?: unknown;
  pollIntervalMs?: unknown;
  result?: unknown;
  error?: unknown;
  inputRequests?: unknown;
}

/** One call in flight: how its loop is woken when the server announces a change. */
interface RunningCall {
  taskId?: string;
  progressToken?: string;
  onProgress?: (progress: Progress) => void;
  wake(): void;
}

export class TaskRunner implements Disposable {
  private readonly known = new Map<string, TaskView>();
  private readonly running = new Set<RunningCall>();
  private readonly changeEmitter = new Emitter<TaskView[]>();
  private readonly subscriptions: Disposable[] = [];
  /** Aborts every loop when the runner is disposed. */
  private readonly lifetime = new AbortController();
  private progressTokens = 0;
  readonly onDidChangeTasks: Event<TaskView[]> = this.changeEmitter.event;

  constructor(
    private readonly connection: Connection,
    private readonly options: TaskRunnerOptions = {},
  ) {
    // 2025-11-25 pushes a Task; the 2026-07-28 extension pushes a DetailedTask (when listened for).
    for (const method of ['notifications/tasks/status', 'notifications/tasks']) {
      this.subscriptions.push(connection.onNotification(method, (params) => this.onStatusNotification(params)));
    }
    this.subscriptions.push(
      connection.onNotification('notifications/progress', (params) => this.onProgressNotification(params)),
      connection.onDidChangeStatus((status) => {
        // Task ids belong to the server's session: a new session starts with none known.
        if (status.state === 'disconnected' && this.known.size) {
          this.known.clear();
          this.fireChange();
        }
      }),
    );
  }

  /** The tasks known to this runner, the most recently seen first (its own in the order it started them). */
  get tasks(): TaskView[] {
    return [...this.known.values()].reverse();
  }

  /**
   * Calls a tool as a task and resolves with its result when the task ends. Rejects with a
   * ConnectionError when the server cannot run it as a task, the task fails (`protocol`), is
   * cancelled (`cancelled`, also when `options.signal` aborts, which cancels the task), or a request fails.
   */
  async callToolAsTask(
    name: string,
    args: Record<string, unknown>,
    options: TaskCallOptions = {},
  ): Promise<ToolResult> {
    this.assertOpen();
    if (!this.connection.isConnected) {
      throw new ConnectionError('unknown', `"${this.connection.config.name}" is not connected.`, 'Connect first.');
    }
    return this.connection.era === 'modern'
      ? this.callModern(name, args, options)
      : this.callLegacy(name, args, options);
  }

  /**
   * Lists the tasks: `tasks/list` (every page) on a 2025 server that offers it; otherwise (a 2025
   * server without it, the 2026-07-28 era, which has none) the tasks this runner knows, refreshed.
   */
  async listTasks(): Promise<TaskView[]> {
    this.assertOpen();
    if (this.connection.era !== 'modern' && this.legacyTasksCapability()?.list) {
      const listed: TaskView[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const result = await this.connection.request<{ tasks?: unknown; nextCursor?: unknown }>(
          'tasks/list',
          cursor ? { cursor } : {},
        );
        const tasks = Array.isArray(result.tasks) ? (result.tasks as WireTask[]) : [];
        for (const task of tasks) {
          const view = this.upsert(task);
          if (view) listed.push(view);
        }
        const next = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
        if (!next || next === cursor) break;
        cursor = next;
      }
      this.fireChange();
      return listed;
    }
    await Promise.all(
      this.tasks.filter((t) => !TERMINAL.has(t.status)).map((t) => this.getTask(t.taskId).catch(() => undefined)),
    );
    return this.tasks;
  }

  /** The task's current state (`tasks/get`). */
  async getTask(taskId: string, options: RequestOptions = {}): Promise<TaskView> {
    this.assertOpen();
    const wire = await this.connection.request<WireTask>('tasks/get', this.taskParams({ taskId }), options);
    const view = this.upsert({ taskId, ...wire });
    if (!view) throw malformed('tasks/get', taskId);
    this.fireChange();
    return view;
  }

  /**
   * Asks the server to cancel the task (`tasks/cancel`). On 2025-11-25 the answer is the task; on
   * 2026-07-28 an acknowledgement (cancelling is eventually consistent there), after which the task
   * is asked for once.
   */
  async cancelTask(taskId: string): Promise<TaskView> {
    this.assertOpen();
    if (this.connection.era !== 'modern' && this.connection.capabilities && !this.legacyTasksCapability()?.cancel) {
      throw new ConnectionError(
        'protocol',
        `The server does not let clients cancel tasks (no capabilities.tasks.cancel), so task ${taskId} runs on.`,
        'Wait for it to end, or disconnect.',
      );
    }
    const answer = await this.connection.request<WireTask>('tasks/cancel', this.taskParams({ taskId }));
    const view = typeof answer.status === 'string' ? this.upsert({ taskId, ...answer }) : undefined;
    if (view) {
      this.fireChange();
      this.wakeCall(taskId);
      return view;
    }
    const now = await this.getTask(taskId);
    this.wakeCall(taskId);
    return now;
  }

  /**
   * The result of a finished task: `tasks/result` on 2025-11-25 (it waits until the task ends); on
   * 2026-07-28 the result `tasks/get` holds once the task completed.
   */
  async getTaskResult(taskId: string, options: RequestOptions = {}): Promise<ToolResult> {
    this.assertOpen();
    if (this.connection.era !== 'modern') {
      return this.legacyResult(taskId, options);
    }
    const wire = await this.connection.request<WireTask>('tasks/get', this.taskParams({ taskId }), options);
    const view = this.upsert({ taskId, ...wire });
    this.fireChange();
    return this.modernOutcome(wire, view ?? this.placeholder(taskId));
  }

  dispose(): void {
    this.lifetime.abort();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    for (const call of this.running) call.wake();
    this.running.clear();
    this.changeEmitter.dispose();
  }

  // ---- 2025-11-25 -----------------------------------------------------------------------

  private async callLegacy(name: string, args: Record<string, unknown>, options: TaskCallOptions): Promise<ToolResult> {
    const tasks = this.legacyTasksCapability();
    if (!(tasks?.requests as { tools?: { call?: unknown } } | undefined)?.tools?.call) {
      throw new ConnectionError(
        'protocol',
        `The server does not run tools as tasks (its capabilities have no tasks.requests.tools.call), so "${name}" cannot run as a task.`,
        'Call it without a task.',
      );
    }
    const tool = this.connection.tools.find((t) => t.name === name);
    if (tool && taskSupportOf(tool) === 'forbidden') {
      throw new ConnectionError(
        'protocol',
        `The tool "${name}" does not run as a task (its execution.taskSupport is "forbidden" or absent).`,
        'Call it without a task.',
      );
    }
    const progressToken = `mcp-lens-task-${++this.progressTokens}`;
    const call = this.startCall({ progressToken, onProgress: options.onProgress });
    try {
      const created = await this.connection.request<{ task?: WireTask } & Record<string, unknown>>(
        'tools/call',
        {
          name,
          arguments: args as JsonObject,
          task: options.ttlMs !== undefined ? { ttl: options.ttlMs } : {},
          // The token stays valid for the task's whole life (2025-11-25 tasks: progress).
          _meta: { progressToken },
        },
        { signal: options.signal, timeoutMs: options.timeoutMs },
      );
      if (!created.task || typeof created.task !== 'object') {
        // A server may run the call at once after all: that is its result.
        return created as unknown as ToolResult;
      }
      const view = this.adopt(created.task, name, options, call);
      return await this.followLegacy(view, name, options, call);
    } finally {
      this.endCall(call);
    }
  }

  /**
   * Polls until the task ends. `tasks/result` goes out as soon as the task needs input (the
   * server's question travels on it) or ends; it waits for the end and answers with the result.
   */
  private async followLegacy(
    start: TaskView,
    name: string,
    options: TaskCallOptions,
    call: RunningCall,
  ): Promise<ToolResult> {
    const taskId = start.taskId;
    let view = start;
    let result: Promise<ToolResult> | undefined;
    let settled: { ok: true; value: ToolResult } | { ok: false; error: unknown } | undefined;
    const fetchResult = () => {
      if (result) return;
      const pending = this.legacyResult(taskId, { signal: options.signal, timeoutMs: options.timeoutMs });
      result = pending;
      pending.then(
        (value) => {
          settled = { ok: true, value };
          call.wake();
        },
        (error: unknown) => {
          // A tasks/result that timed out while the task still runs is asked again.
          if (error instanceof ConnectionError && error.code === 'timeout' && !TERMINAL.has(view.status)) {
            result = undefined;
          } else {
            settled = { ok: false, error };
          }
          call.wake();
        },
      );
    };
    return this.guard(taskId, options, async () => {
      for (;;) {
        if (view.status === 'input_required' || TERMINAL.has(view.status)) fetchResult();
        if (settled) {
          if (settled.ok) {
            // The last status, if the result came before the poll saw the end.
            if (!TERMINAL.has(view.status)) view = await this.refresh(taskId, options, view);
            return settled.value;
          }
          throw this.describeFailure(settled.error, view, name);
        }
        await this.pause(call, view.pollInterval, options.signal);
        if (settled) continue;
        view = await this.refresh(taskId, options, view);
      }
    });
  }

  private async legacyResult(taskId: string, options: RequestOptions): Promise<ToolResult> {
    const result = await this.connection.request<ToolResult>('tasks/result', { taskId }, options);
    if (!result || typeof result !== 'object' || (result.content !== undefined && !Array.isArray(result.content))) {
      throw malformed('tasks/result', taskId);
    }
    return result;
  }

  private legacyTasksCapability(): Record<string, unknown> | undefined {
    const tasks = (this.connection.capabilities as { tasks?: unknown } | undefined)?.tasks;
    return tasks && typeof tasks === 'object' ? (tasks as Record<string, unknown>) : undefined;
  }

  // ---- 2026-07-28 (tasks extension) -------------------------------------------------------

  private async callModern(name: string, args: Record<string, unknown>, options: TaskCallOptions): Promise<ToolResult> {
    const extensions = (this.connection.capabilities as { extensions?: Record<string, unknown> } | undefined)
      ?.extensions;
    if (!extensions || !(TASKS_EXTENSION in extensions)) {
      throw new ConnectionError(
        'protocol',
        `The server does not offer the tasks extension (${TASKS_EXTENSION} is not among the extensions of its server/discover answer), so "${name}" cannot run as a task.`,
        'Call it without a task.',
      );
    }
    const call = this.startCall({ onProgress: options.onProgress });
    try {
      const answer = await this.connection.request<Record<string, unknown>>(
        'tools/call',
        { name, arguments: args as JsonObject, _meta: this.connection.taskCallMeta() ?? {} },
        { signal: options.signal, timeoutMs: options.timeoutMs, onProgress: options.onProgress },
      );
      const created = answer[CREATE_TASK_RESULT_KEY] as WireTask | undefined;
      if (!created || typeof created !== 'object') {
        // The server decides: it answered at once, without a task.
        return answer as unknown as ToolResult;
      }
      const view = this.adopt(created, name, options, call);
      return await this.followModern(view, created, name, options, call);
    } finally {
      this.endCall(call);
    }
  }

  private async followModern(
    start: TaskView,
    seed: WireTask,
    name: string,
    options: TaskCallOptions,
    call: RunningCall,
  ): Promise<ToolResult> {
    const taskId = start.taskId;
    const answered = new Set<string>();
    let view = start;
    let wire = seed;
    return this.guard(taskId, options, async () => {
      for (;;) {
        if (TERMINAL.has(view.status)) return this.modernOutcome(wire, view, name);
        if (view.status === 'input_required') await this.answerInputs(taskId, name, wire, answered, options.signal);
        await this.pause(call, view.pollInterval, options.signal);
        wire = await this.connection.request<WireTask>('tasks/get', this.taskParams({ taskId }), {
          signal: options.signal,
          timeoutMs: options.timeoutMs,
        });
        view = this.upsert({ taskId, ...wire }) ?? view;
        this.fireChange();
        options.onStatus?.(view);
      }
    });
  }

  /** Answers the task's outstanding `inputRequests` not answered yet, with `tasks/update`. */
  private async answerInputs(
    taskId: string,
    name: string,
    wire: WireTask,
    answered: Set<string>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const requests = wire.inputRequests && typeof wire.inputRequests === 'object' ? wire.inputRequests : {};
    const fresh = Object.entries(requests as Record<string, { method?: unknown; params?: unknown }>).filter(
      ([key]) => !answered.has(key),
    );
    if (!fresh.length) return;
    const handler = this.options.serverRequests ?? this.connection.serverRequestHandler;
    if (!handler) {
      throw new ConnectionError(
        'protocol',
        `The task ${taskId} of "${name}" asks the client for input (${fresh.map(([, r]) => String(r.method)).join(', ')}), which this session cannot answer.`,
        'Connect with a client that answers server requests, or cancel the task.',
      );
    }
    const responses: Record<string, JsonObject> = {};
    for (const [key, request] of fresh) {
      const method = request.method;
      if (method !== 'elicitation/create' && method !== 'sampling/createMessage' && method !== 'roots/list') continue;
      const params = (request.params && typeof request.params === 'object' ? request.params : {}) as JsonObject;
      const kind: ServerRequestKind =
        method === 'elicitation/create'
          ? params.mode === 'url'
            ? 'elicitation-url'
            : 'elicitation-form'
          : method === 'roots/list'
            ? 'roots'
            : 'sampling';
      const question: ServerRequest = {
        id: `${taskId}/${key}`,
        connectionId: this.connection.id,
        kind,
        method,
        wire: 'input-required',
        cause: { method: 'tools/call', name },
        params,
        receivedAt: Date.now(),
      };
      try {
        responses[key] = await handler.answer(question, signal ?? this.lifetime.signal);
      } catch (e) {
        if (signal?.aborted) throw e;
        // A tasks/update carries answers, not refusals: a task whose question was refused cannot go on.
        await this.cancelTask(taskId).catch(() => undefined);
        throw new ConnectionError(
          'cancelled',
          `The task ${taskId} of "${name}" asked for ${method}, which was not answered (${(e as Error | undefined)?.message ?? String(e)}); the task was cancelled.`,
          undefined,
          { cause: e },
        );
      }
      answered.add(key);
    }
    if (Object.keys(responses).length) {
      await this.connection.request('tasks/update', this.taskParams({ taskId, inputResponses: responses }), { signal });
    }
  }

  /** What a 2026-07-28 task ended with: its result, or a ConnectionError for a failure or a cancel. */
  private modernOutcome(wire: WireTask, view: TaskView, name = view.toolName): ToolResult {
    if (view.status === 'completed' && wire.result && typeof wire.result === 'object') {
      return wire.result as ToolResult;
    }
    if (view.status === 'failed') {
      const error = wire.error as { code?: unknown; message?: unknown } | undefined;
      const detail =
        typeof error?.message === 'string'
          ? `${error.message}${typeof error.code === 'number' ? ` (${error.code})` : ''}`
          : (view.statusMessage ?? 'no reason given');
      throw new ConnectionError('protocol', `The task ${view.taskId}${nameOf(name)} failed: ${detail}`, undefined);
    }
    if (view.status === 'cancelled') throw cancelledError(view, name);
    throw new ConnectionError(
      'protocol',
      `The task ${view.taskId}${nameOf(name)} has not ended (it is ${view.status}), so it has no result yet.`,
      'Wait for it to end.',
    );
  }

  // ---- shared ---------------------------------------------------------------------------

  /**
   * Runs a call's loop; when the caller aborts, cancels the task (and says so), and turns a
   * failure into words about the task.
   */
  private async guard(taskId: string, options: TaskCallOptions, loop: () => Promise<ToolResult>): Promise<ToolResult> {
    try {
      return await loop();
    } catch (e) {
      if (options.signal?.aborted) {
        const view = await this.cancelTask(taskId).catch(() => this.known.get(taskId));
        if (view) options.onStatus?.(view);
        throw new ConnectionError('cancelled', `The task ${taskId} was cancelled (the call was aborted).`, undefined, {
          cause: e,
        });
      }
      throw e;
    }
  }

  private async refresh(taskId: string, options: TaskCallOptions, previous: TaskView): Promise<TaskView> {
    const wire = await this.connection.request<WireTask>('tasks/get', this.taskParams({ taskId }), {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    const view = this.upsert({ taskId, ...wire }) ?? previous;
    this.fireChange();
    if (view.status !== previous.status || view.statusMessage !== previous.statusMessage) options.onStatus?.(view);
    return view;
  }

  private describeFailure(error: unknown, view: TaskView, name: string): unknown {
    if (!(error instanceof ConnectionError)) return error;
    if (view.status === 'cancelled' || error.code === 'cancelled') return cancelledError(view, name);
    if (error.code === 'protocol' && (view.status === 'failed' || TERMINAL.has(view.status))) {
      return new ConnectionError(
        'protocol',
        `The task ${view.taskId}${nameOf(name)} ${view.status === 'failed' ? 'failed' : 'ended without a result'}: ${view.statusMessage ?? error.message}`,
        undefined,
        { cause: error },
      );
    }
    return error;
  }

  /** Records a just-created task and reports it. */
  private adopt(wire: WireTask, name: string, options: TaskCallOptions, call: RunningCall): TaskView {
    const view = this.upsert(wire, { toolName: name, callId: options.callId });
    if (!view) throw malformed('tools/call', undefined);
    call.taskId = view.taskId;
    this.fireChange();
    options.onStatus?.(view);
    return view;
  }

  /** Merges a task as sent into the known one; undefined when it is no task. */
  private upsert(wire: WireTask, extra: { toolName?: string; callId?: string } = {}): TaskView | undefined {
    if (typeof wire.taskId !== 'string' || typeof wire.status !== 'string' || !STATUSES.has(wire.status)) {
      return undefined;
    }
    const previous = this.known.get(wire.taskId);
    const ttl = wire.ttl !== undefined ? wire.ttl : wire.ttlMs;
    const poll = wire.pollInterval ?? wire.pollIntervalMs;
    const view: TaskView = {
      taskId: wire.taskId,
      connectionId: this.connection.id,
      status: wire.status as TaskStatusView,
      ...(typeof wire.statusMessage === 'string' ? { statusMessage: wire.statusMessage } : {}),
      ...(typeof wire.createdAt === 'string' ? { createdAt: wire.createdAt } : {}),
      ...(typeof wire.lastUpdatedAt === 'string' ? { lastUpdatedAt: wire.lastUpdatedAt } : {}),
      ...(typeof ttl === 'number' || ttl === null ? { ttl } : {}),
      ...(typeof poll === 'number' ? { pollInterval: poll } : {}),
    };
    const toolName = extra.toolName ?? previous?.toolName;
    const callId = extra.callId ?? previous?.callId;
    if (toolName !== undefined) view.toolName = toolName;
    if (callId !== undefined) view.callId = callId;
    if (previous?.progress) view.progress = previous.progress;
    // A task that ended stays ended: a late, stale answer must not bring it back.
    if (previous && TERMINAL.has(previous.status) && !TERMINAL.has(view.status)) return previous;
    // A known task keeps its place (Map order): the list stays in the order the tasks were first seen.
    this.known.set(wire.taskId, view);
    return view;
  }

  private placeholder(taskId: string): TaskView {
    return this.known.get(taskId) ?? { taskId, connectionId: this.connection.id, status: 'working' };
  }

  private onStatusNotification(params: JsonObject): void {
    const view = this.upsert(params as WireTask);
    if (!view) return;
    this.fireChange();
    this.wakeCall(view.taskId);
  }

  private onProgressNotification(params: JsonObject): void {
    const token = params.progressToken;
    const related = (params._meta as Record<string, unknown> | undefined)?.[RELATED_TASK_META_KEY] as
      { taskId?: unknown } | undefined;
    for (const call of this.running) {
      const mine =
        (call.progressToken !== undefined && call.progressToken === token) ||
        (call.taskId !== undefined && related?.taskId === call.taskId);
      if (!mine || typeof params.progress !== 'number') continue;
      const progress: Progress = {
        progress: params.progress,
        ...(typeof params.total === 'number' ? { total: params.total } : {}),
        ...(typeof params.message === 'string' ? { message: params.message } : {}),
      };
      const view = call.taskId ? this.known.get(call.taskId) : undefined;
      if (view) {
        // A new view, not an edit: views already handed out stay as they were.
        this.known.set(view.taskId, { ...view, progress });
        this.fireChange();
      }
      call.onProgress?.(progress);
    }
  }

  private startCall(init: Omit<RunningCall, 'wake'>): RunningCall & { waiter?: () => void } {
    const call: RunningCall & { waiter?: () => void } = {
      ...init,
      wake: () => {
        const waiter = call.waiter;
        call.waiter = undefined;
        waiter?.();
      },
    };
    this.running.add(call);
    return call;
  }

  private endCall(call: RunningCall): void {
    this.running.delete(call);
  }

  private wakeCall(taskId: string): void {
    for (const call of this.running) if (call.taskId === taskId) call.wake();
  }

  /** Waits the poll interval, or less when the server announces a change, the call aborts or the runner ends. */
  private pause(call: RunningCall & { waiter?: () => void }, pollInterval: number | undefined, signal?: AbortSignal) {
    const ms = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, pollInterval ?? DEFAULT_POLL_MS));
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        this.lifetime.signal.removeEventListener('abort', ended);
        resolve();
      };
      const aborted = () => {
        done();
        reject(new ConnectionError('cancelled', 'The call was aborted.'));
      };
      const ended = () => {
        done();
        reject(new ConnectionError('cancelled', 'The task runner was disposed.'));
      };
      const timer = setTimeout(done, ms);
      call.waiter = done;
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      this.lifetime.signal.addEventListener('abort', ended, { once: true });
    });
  }

  /**
   * The params of a tasks/* request: on 2026-07-28 they declare the tasks extension, which the
   * server requires on tasks/get, tasks/update and tasks/cancel (SEP-2663).
   */
  private taskParams(params: JsonObject): JsonObject {
    const meta = this.connection.era === 'modern' ? this.connection.taskCallMeta() : undefined;
    return meta ? { ...params, _meta: meta } : params;
  }

  private fireChange(): void {
    this.changeEmitter.fire(this.tasks);
  }

  private assertOpen(): void {
    if (this.lifetime.signal.aborted) {
      throw new ConnectionError('unknown', 'The task runner was disposed.', 'Create a new one for the connection.');
    }
  }
}

function nameOf(name: string | undefined): string {
  return name === undefined ? '' : ` of "${name}"`;
}

function cancelledError(view: TaskView, name: string | undefined): ConnectionError {
  return new ConnectionError(
    'cancelled',
    `The task ${view.taskId}${nameOf(name)} was cancelled${view.statusMessage ? `: ${view.statusMessage}` : '.'}`,
  );
}

function malformed(method: string, taskId: string | undefined): ConnectionError {
  return new ConnectionError(
    'protocol',
    `The server's answer to ${method}${taskId ? ` for task ${taskId}` : ''} is not a task as MCP defines it.`,
    'The server may not implement MCP tasks correctly.',
  );
}
