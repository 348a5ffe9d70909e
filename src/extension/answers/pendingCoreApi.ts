/**
 * TEMPORARY: the parts of the agreed core API not merged yet (ServerRequestQueue of core-answer,
 * TaskRunner of core-tasks). The extension codes against these shapes until then; then this file
 * goes and the imports point at src/core/serverRequestQueue.ts and src/core/tasks.ts.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ClientCapabilityChoice, ServerRequestHandler } from '../../core/serverRequests';
import type { RequestOptions, ResultExtras } from '../../core/connection';
import type { Event } from '../../core/events';
import type {
  RootView,
  ServerRequestReply,
  ServerRequestState,
  ServerRequestView,
  TaskSupport,
  TaskView,
} from '../../shared/protocol';

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
