/**
 * Tasks: the connection's tasks (MCP tasks: a tool call that runs on while the server reports its
 * status), from `tasks/list` when the connection is shown and `tasks/changed` after that. Each row
 * has its id, tool, status and status message, progress, when it was created and last updated,
 * Cancel while it runs, and Show result once it ended (rendered like any tool result).
 */
import type { TaskStatusView, TaskView } from '../src/shared/protocol';
import type { AppContext, Tab } from './context';
import { button, clip, h, icon, setChildren } from './dom';
import { toolResult } from './results';
import { RequestError } from './rpc';

const STATUS_LABELS: Record<TaskStatusView, string> = {
  working: 'Working',
  input_required: 'Input required',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
const STATUS_CLASSES: Record<TaskStatusView, string> = {
  working: '',
  input_required: 'warn',
  completed: 'ok',
  failed: 'bad',
  cancelled: 'warn',
};

export function isTaskRunning(task: TaskView): boolean {
  return task.status === 'working' || task.status === 'input_required';
}

/** A task's progress as a bar and a line of text (indeterminate while the total is unknown). */
export function taskProgress(task: TaskView): HTMLElement {
  const bar = h('progress', { class: 'task-progress', attrs: { 'data-role': 'task-progress' } });
  const p = task.progress;
  if (p && p.total && p.total > 0) {
    bar.max = p.total;
    bar.value = Math.min(p.progress, p.total);
  } else if (!isTaskRunning(task)) {
    bar.max = 1;
    bar.value = task.status === 'completed' ? 1 : 0;
  }
  const text = p
    ? `${p.progress}${p.total ? ` / ${p.total}` : ''}${p.message ? ` — ${clip(p.message, 300)}` : ''}`
    : '';
  return h('div', { class: 'task-progress-box' }, bar, text ? h('span', { class: 'muted' }, text) : null);
}

function time(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? clip(iso, 60) : d.toLocaleTimeString();
}

export class TasksTab implements Tab {
  readonly element = h('div', { class: 'detail tasks-tab', attrs: { 'data-role': 'tasks' } });
  private readonly byConnection = new Map<string, TaskView[]>();
  private readonly list = h('div', { class: 'task-list', attrs: { 'data-role': 'task-list' } });
  private readonly status = h('div', { class: 'muted', attrs: { 'data-role': 'tasks-status', 'aria-live': 'polite' } });
  /** Result panes the user opened, by task id (kept while the list re-renders). */
  private readonly results = new Map<string, HTMLElement>();
  private shownFor?: string;
  private listedSession?: string;

  constructor(
    private readonly app: AppContext,
    /** The tasks of a connection changed (the tab's count of running tasks). */
    private readonly onChange: () => void = () => undefined,
  ) {
    this.element.append(
      h(
        'div',
        { class: 'toolbar' },
        h('h2', null, 'Tasks'),
        button('Refresh', () => void this.load(true), 'secondary', { 'data-action': 'refresh-tasks' }, 'refresh'),
        this.status,
      ),
      this.list,
    );
    app.host.on('tasks/changed', ({ connectionId, tasks }) => {
      this.byConnection.set(connectionId, tasks);
      if (connectionId === this.app.connection()?.id) this.render();
      this.onChange();
    });
  }

  runningCount(connectionId: string | undefined): number {
    return connectionId ? (this.byConnection.get(connectionId) ?? []).filter(isTaskRunning).length : 0;
  }

  refresh(): void {
    const connection = this.app.connection();
    if (connection?.id !== this.shownFor) {
      this.shownFor = connection?.id;
      this.results.clear();
    }
    // List once per connected session: a connection selected while disconnected is listed when it connects.
    const session = connection?.state === 'connected' ? `${connection.id}\u0000${connection.since}` : undefined;
    if (session && session !== this.listedSession) {
      this.listedSession = session;
      void this.load(false);
    }
    this.render();
  }

  private async load(userAsked: boolean): Promise<void> {
    const id = this.app.connection()?.id;
    if (!id) return;
    if (userAsked) this.status.textContent = 'Listing tasks…';
    try {
      const { tasks } = await this.app.host.request('tasks/list', { connectionId: id });
      this.byConnection.set(id, tasks);
      this.onChange();
      this.status.textContent = '';
      if (id === this.app.connection()?.id) this.render();
    } catch (e) {
      const message = e instanceof RequestError ? e.info.message : (e as Error).message;
      // Listing is a courtesy when the tab opens; only say so when the user asked.
      this.status.textContent = userAsked ? `Could not list the tasks: ${clip(message, 500)}` : '';
    }
  }

  private render(): void {
    const id = this.app.connection()?.id;
    if (!id) {
      setChildren(this.list, h('div', { class: 'empty' }, 'Select a connection.'));
      return;
    }
    const tasks = this.byConnection.get(id) ?? [];
    if (!tasks.length) {
      setChildren(
        this.list,
        h(
          'div',
          { class: 'empty' },
          'No tasks. Run a tool that supports tasks with “Run as task” in the Tools tab, and it shows here.',
        ),
      );
      return;
    }
    setChildren(this.list, ...tasks.map((t) => this.row(id, t)));
  }

  private row(connectionId: string, task: TaskView): HTMLElement {
    const resultPane =
      this.results.get(task.taskId) ?? h('div', { class: 'result-slot', attrs: { 'data-role': 'task-result' } });
    const actions = h(
      'div',
      { class: 'task-actions' },
      isTaskRunning(task)
        ? button(
            'Cancel',
            () => void this.cancel(connectionId, task, resultPane),
            'secondary',
            { 'data-action': 'cancel-task' },
            'stop-circle',
          )
        : null,
      task.status === 'completed' || task.status === 'failed'
        ? button(
            'Show result',
            () => void this.showResult(connectionId, task, resultPane),
            'secondary',
            { 'data-action': 'task-result' },
            'output',
          )
        : null,
    );
    return h(
      'section',
      { class: `task-row status-${task.status}`, dataset: { taskId: clip(task.taskId, 200), status: task.status } },
      h(
        'div',
        { class: 'task-header' },
        icon(isTaskRunning(task) ? 'loading' : task.status === 'completed' ? 'pass' : 'circle-slash'),
        h('span', { class: 'mono', attrs: { 'data-role': 'task-id' } }, clip(task.taskId, 200)),
        h(
          'span',
          { class: 'item-name', attrs: { 'data-role': 'task-tool' } },
          clip(task.toolName ?? '(tool not known)', 200),
        ),
        h(
          'span',
          { class: `tag ${STATUS_CLASSES[task.status]}`, attrs: { 'data-role': 'task-status' } },
          STATUS_LABELS[task.status],
        ),
        h('span', { class: 'spacer' }),
        h('span', { class: 'muted' }, `created ${time(task.createdAt)} · updated ${time(task.lastUpdatedAt)}`),
      ),
      task.statusMessage
        ? h('div', { class: 'task-message', attrs: { 'data-role': 'task-message' } }, clip(task.statusMessage, 2000))
        : null,
      taskProgress(task),
      actions,
      resultPane,
    );
  }

  private async cancel(connectionId: string, task: TaskView, pane: HTMLElement): Promise<void> {
    try {
      await this.app.host.request('tasks/cancel', { connectionId, taskId: task.taskId });
    } catch (e) {
      const message = e instanceof RequestError ? e.info.message : (e as Error).message;
      this.results.set(task.taskId, pane);
      pane.replaceChildren(
        h(
          'div',
          { class: 'notice error' },
          icon('error'),
          ` Could not cancel: ${clip(message, 1000)} The task may have ended already; Refresh to see.`,
        ),
      );
    }
  }

  private async showResult(connectionId: string, task: TaskView, pane: HTMLElement): Promise<void> {
    this.results.set(task.taskId, pane);
    pane.replaceChildren(h('vscode-progress-ring'));
    try {
      const outcome = await this.app.host.request('tasks/result', { connectionId, taskId: task.taskId });
      pane.replaceChildren(
        toolResult(outcome.result, outcome.durationMs, this.app.resultContext(connectionId), outcome),
      );
    } catch (e) {
      const message = e instanceof RequestError ? e.info.message : (e as Error).message;
      pane.replaceChildren(
        h('div', { class: 'notice error' }, icon('error'), ` Could not get the result: ${clip(message, 1000)}`),
      );
    }
  }
}
