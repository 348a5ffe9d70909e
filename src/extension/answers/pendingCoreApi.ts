/**
 * TEMPORARY: the agreed core API (briefs' preamble) that core-answer / core-tasks implement in
 * parallel. The extension codes against these shapes until those branches are merged; then this
 * file goes and the imports point at src/core/connection.ts, serverRequestQueue.ts and tasks.ts.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ClientCapabilityChoice, ServerRequestHandler } from '../../core/serverRequests';
import type { Connection, RequestOptions, ResultExtras } from '../../core/connection';
import type { Event } from '../../core/events';
import type {
  CompletionRefView,
  JsonObject,
  LoggingLevelView,
  RootView,
  ServerRequestReply,
  ServerRequestState,
  ServerRequestView,
  TaskSupport,
  TaskView,
} from '../../shared/protocol';

export interface CoreConnectionAnswers {
  complete(
    ref: CompletionRefView,
    argument: { name: string; value: string },
    context?: Record<string, string>,
    options?: RequestOptions,
  ): Promise<{ values: string[]; total?: number; hasMore?: boolean }>;
  notifyRootsChanged(): Promise<void>;
  readonly loggingLevel: LoggingLevelView | undefined;
  request<T>(method: string, params: JsonObject | undefined, options?: RequestOptions): Promise<T>;
}

/** The connection with the agreed additions (a cast until core-answer is merged). */
export function core(connection: Connection): Connection & CoreConnectionAnswers {
  return connection as Connection & CoreConnectionAnswers;
}

export interface ServerRequestQueueOptions {
  capabilities: ClientCapabilityChoice;
  timeoutMs?: number;
  rootsFor?: (connectionId: string) => RootView[];
  now?: () => number;
  historyLimit?: number;
}

export interface ServerRequestQueueApi extends ServerRequestHandler {
  requests(connectionId: string): ServerRequestView[];
  reply(connectionId: string, requestId: string, reply: ServerRequestReply): ServerRequestState;
  readonly onDidChange: Event<string>;
  readonly onDidEnqueue: Event<ServerRequestView>;
  clear(connectionId: string): void;
  dispose(): void;
}

export interface TaskRunnerApi {
  callToolAsTask(
    name: string,
    args: Record<string, unknown>,
    options: RequestOptions & { onStatus?(task: TaskView): void },
  ): Promise<CallToolResult & ResultExtras>;
  listTasks(): Promise<TaskView[]>;
  getTask(taskId: string): Promise<TaskView>;
  cancelTask(taskId: string): Promise<TaskView>;
  getTaskResult(taskId: string): Promise<CallToolResult & ResultExtras>;
  readonly onDidChangeTasks: Event<TaskView[]>;
  readonly tasks: TaskView[];
  dispose(): void;
}

export function taskSupportOf(tool: Tool): TaskSupport {
  const support = (tool as { execution?: { taskSupport?: unknown } }).execution?.taskSupport;
  return support === 'optional' || support === 'required' ? support : 'forbidden';
}
