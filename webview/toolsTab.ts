/**
 * Tools: a filterable list (search as you type over name, title and description), and for the
 * selected tool its annotations, a form built from `inputSchema` with a raw JSON mode kept in
 * sync, Run with progress and Cancel, and the result rendered by type.
 */
import type { HistoryEntry, JsonObject, TaskView, ToolView } from '../src/shared/protocol';
import { saveCheckControl } from './checksTab';
import type { AppContext, Tab } from './context';
import { newId } from './context';
import { button, clip, h, icon, option, setChildren } from './dom';
import { formatPath } from './jsonSchema';
import { listCacheTag } from './era';
import { formatDuration } from './format';
import { SchemaFormView } from './formView';
import { toolResult } from './results';
import { taskProgress } from './tasksTab';
import { RequestError } from './rpc';
import { matchesFilter, parseArgsJson, toolSearchText } from './schemaForm';
import type { Schema } from './jsonSchema';

interface Row {
  tool: ToolView;
  el: HTMLElement;
  hay: string;
  visible: boolean;
}

export class ToolsTab implements Tab {
  readonly element: HTMLElement;
  private readonly search = h(
    'vscode-text-field',
    { attrs: { placeholder: 'Filter tools', 'aria-label': 'Filter tools', 'data-role': 'tool-filter' } },
    h('span', { class: 'codicon codicon-search', attrs: { slot: 'start' } }),
  ) as HTMLElement & { value: string };
  private readonly list = h('div', {
    class: 'item-list',
    attrs: { role: 'listbox', 'aria-label': 'Tools', 'data-role': 'tool-list' },
  });
  private readonly count = h('div', { class: 'list-count muted' });
  private readonly detail = h('div', { class: 'detail', attrs: { 'data-role': 'tool-detail' } });
  private rows: Row[] = [];
  private rowsFor?: ToolView[];
  private selected?: string;
  private form?: SchemaFormView;
  private mode: 'form' | 'json' = 'form';
  private running?: { callId: string; entry: HistoryEntry; asTask: boolean };
  /** The definition the detail was built from, to rebuild only when it changes. */
  private renderedJson?: string;

  constructor(private readonly app: AppContext) {
    this.element = h(
      'div',
      { class: 'split' },
      h('div', { class: 'list-pane' }, this.search, this.count, this.list),
      this.detail,
    );
    app.host.on('tasks/changed', ({ tasks }) => this.showTask(tasks));
    this.search.addEventListener('input', () => this.applyFilter());
    app.host.on('call/progress', (p) => {
      if (this.running?.callId !== p.callId) return;
      const bar = this.detail.querySelector<HTMLProgressElement>('progress.run-progress');
      const text = this.detail.querySelector<HTMLElement>('.run-progress-text');
      if (bar) {
        if (p.total && p.total > 0) {
          bar.max = p.total;
          bar.value = Math.min(p.progress, p.total);
        } else bar.removeAttribute('value');
      }
      if (text) {
        text.textContent = `${p.progress}${p.total ? ` / ${p.total}` : ''}${p.message ? ` — ${clip(p.message, 300)}` : ''}`;
      }
    });
  }

  /** The task a run-as-task call started, shown under the Run bar while it runs (matched by callId). */
  private showTask(tasks: TaskView[]): void {
    const running = this.running;
    if (!running?.asTask) return;
    const task = tasks.find((t) => t.callId === running.callId);
    const slot = this.detail.querySelector<HTMLElement>('[data-role="run-task"]');
    if (!task || !slot) return;
    setChildren(
      slot,
      h(
        'div',
        { class: 'task-line' },
        icon('checklist'),
        ' Task ',
        h('span', { class: 'mono' }, clip(task.taskId, 200)),
        ' ',
        h('span', { class: 'tag', attrs: { 'data-role': 'run-task-status' } }, task.status),
        task.statusMessage ? h('span', { class: 'muted' }, ` ${clip(task.statusMessage, 500)}`) : null,
      ),
      taskProgress(task),
    );
  }

  refresh(): void {
    const tools = this.app.details()?.tools ?? [];
    if (tools !== this.rowsFor) this.buildRows(tools);
    const current = this.selected;
    const tool = current === undefined ? undefined : tools.find((t) => t.name === current);
    if (!tool) {
      this.selected = undefined;
      this.form = undefined;
      this.renderedJson = undefined;
      const remembered = this.app.state.selectedTool;
      if (remembered && tools.some((t) => t.name === remembered)) this.select(remembered);
      else this.renderEmptyDetail();
    } else if (!this.running && JSON.stringify(tool) !== this.renderedJson) {
      // The tool's definition changed (tools/list_changed): rebuild with the same draft.
      this.select(tool.name, true);
    }
  }

  focusItem(name: string): void {
    this.search.value = '';
    this.applyFilter();
    this.select(name);
    this.rows.find((r) => r.tool.name === name)?.el.scrollIntoView({ block: 'nearest' });
  }

  rerun(entry: HistoryEntry, args: JsonObject): void {
    this.focusItem(entry.target);
    if (this.selected !== entry.target) return;
    this.form?.setValue(args);
    this.syncJson();
    void this.run(true);
  }

  private buildRows(tools: ToolView[]): void {
    this.rowsFor = tools;
    const frag = document.createDocumentFragment();
    this.rows = tools.map((tool) => {
      const ann = tool.annotations ?? {};
      const el = option(
        { class: 'item', selected: false, dataset: { name: clip(tool.name, 1000) } },
        () => this.select(tool.name),
        h(
          'div',
          { class: 'item-title' },
          icon('tools'),
          ' ',
          h('span', { class: 'item-name' }, clip(tool.title ?? ann.title ?? tool.name, 120)),
          ann.readOnlyHint
            ? h(
                'span',
                { class: 'tag ok', title: 'readOnlyHint: the tool does not modify its environment' },
                'read-only',
              )
            : null,
          ann.destructiveHint === true && ann.readOnlyHint !== true
            ? h(
                'span',
                { class: 'tag bad', title: 'destructiveHint: the tool may perform destructive updates' },
                'destructive',
              )
            : null,
        ),
        tool.title || ann.title ? h('div', { class: 'item-sub mono' }, clip(tool.name, 120)) : null,
        tool.description ? h('div', { class: 'item-desc' }, clip(tool.description, 160)) : null,
      );
      frag.appendChild(el);
      return { tool, el, hay: toolSearchText(tool), visible: true };
    });
    this.list.replaceChildren(frag);
    this.applyFilter();
  }

  /** Per keystroke: only rows whose visibility changes are touched (2,000 tools stay well under 100 ms). */
  private applyFilter(): void {
    const q = this.search.value ?? '';
    let shown = 0;
    for (const row of this.rows) {
      const visible = q === '' || matchesFilter(row.hay, q);
      if (visible !== row.visible) {
        row.el.hidden = !visible;
        row.visible = visible;
      }
      if (visible) shown++;
    }
    this.count.replaceChildren(
      this.rows.length === 0 ? 'No tools.' : q ? `${shown} of ${this.rows.length} tools` : `${this.rows.length} tools`,
      ' ',
      listCacheTag(this.app.details()?.listCache?.tools) ?? '',
    );
  }

  private renderEmptyDetail(): void {
    setChildren(
      this.detail,
      h(
        'div',
        { class: 'empty' },
        this.rows.length
          ? 'Select a tool to see its form.'
          : this.app.connection()?.state === 'connected'
            ? 'This server offers no tools.'
            : 'Connect to see the tools.',
      ),
    );
  }

  private draftKey(name: string): string {
    return `${this.app.connection()?.id ?? ''}\u0000${name}`;
  }

  private select(name: string, keepDraft = false): void {
    const tool = this.rows.find((r) => r.tool.name === name)?.tool;
    if (!tool) return;
    if (this.running && this.selected !== name) return; // one run at a time; the user cancels first
    this.selected = name;
    this.app.state.selectedTool = name;
    this.app.saveState();
    for (const r of this.rows) r.el.setAttribute('aria-selected', String(r.tool.name === name));
    const draftValue = this.app.state.drafts[this.draftKey(name)];
    const draft =
      keepDraft && this.form
        ? this.form.getValue()
        : draftValue && typeof draftValue === 'object' && !Array.isArray(draftValue)
          ? (draftValue as JsonObject)
          : undefined;
    this.renderDetail(tool, draft);
  }

  private renderDetail(tool: ToolView, draft: JsonObject | undefined): void {
    this.renderedJson = JSON.stringify(tool);
    const ann = tool.annotations ?? {};
    const schema = (tool.inputSchema ?? { type: 'object' }) as Schema;
    const json = h('vscode-text-area', {
      class: 'json-args',
      attrs: { rows: 10, resize: 'vertical', 'aria-label': 'Arguments as JSON', 'data-role': 'json-args' },
    }) as HTMLElement & { value: string };
    const jsonError = h('div', { class: 'field-error', attrs: { role: 'alert', 'data-role': 'json-error' } });
    this.form = new SchemaFormView(schema, draft, (value) => {
      this.app.state.drafts[this.draftKey(tool.name)] = value;
      this.app.saveState();
      if (this.mode === 'form') json.value = JSON.stringify(value, null, 2);
    });
    json.value = JSON.stringify(this.form.getValue(), null, 2);
    json.addEventListener('input', () => {
      const parsed = parseArgsJson(json.value);
      if (!parsed.ok) {
        jsonError.textContent = parsed.error;
        return;
      }
      jsonError.textContent = '';
      this.form?.setValue(parsed.value);
      this.app.state.drafts[this.draftKey(tool.name)] = parsed.value;
      this.app.saveState();
    });
    const formPane = h('div', { class: 'mode-pane', attrs: { 'data-mode': 'form' } }, this.form.element);
    const jsonPane = h('div', { class: 'mode-pane', attrs: { 'data-mode': 'json' } }, json, jsonError);
    const modeButtons = (['form', 'json'] as const).map((m) =>
      h(
        'button',
        {
          class: 'segment',
          attrs: { type: 'button', 'aria-pressed': String(this.mode === m), 'data-mode-button': m },
          on: { click: () => setMode(m) },
        },
        m === 'form' ? 'Form' : 'JSON',
      ),
    );
    const setMode = (m: 'form' | 'json') => {
      if (m === 'form' && this.mode === 'json') {
        const parsed = parseArgsJson(json.value);
        if (!parsed.ok) {
          jsonError.textContent = `${parsed.error} Fix it to go back to the form.`;
          return;
        }
        this.form?.setValue(parsed.value);
      }
      if (m === 'json') json.value = JSON.stringify(this.form?.getValue() ?? {}, null, 2);
      this.mode = m;
      formPane.hidden = m !== 'form';
      jsonPane.hidden = m !== 'json';
      modeButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.modeButton === m)));
    };
    formPane.hidden = this.mode !== 'form';
    jsonPane.hidden = this.mode !== 'json';

    const runButton = button('Run', () => void this.run(false), 'primary', { 'data-action': 'run' }, 'play');
    const cancelButton = button(
      'Cancel',
      () => this.cancel(),
      'secondary',
      { 'data-action': 'cancel', hidden: true },
      'stop-circle',
    );
    const badges = h(
      'div',
      { class: 'badges' },
      ann.readOnlyHint === true ? h('span', { class: 'tag ok' }, 'read-only') : null,
      ann.destructiveHint === true && ann.readOnlyHint !== true ? h('span', { class: 'tag bad' }, 'destructive') : null,
      ann.idempotentHint === true ? h('span', { class: 'tag' }, 'idempotent') : null,
      ann.openWorldHint === true
        ? h('span', { class: 'tag' }, 'open world')
        : ann.openWorldHint === false
          ? h('span', { class: 'tag' }, 'closed world')
          : null,
      tool.outputSchema ? h('span', { class: 'tag' }, 'output schema') : null,
    );
    setChildren(
      this.detail,
      h(
        'div',
        { class: 'detail-header' },
        h('h2', { attrs: { 'data-role': 'tool-title' } }, clip(tool.title ?? ann.title ?? tool.name, 300)),
        badges,
      ),
      tool.title || ann.title ? h('div', { class: 'mono muted' }, clip(tool.name, 500)) : null,
      tool.description ? h('div', { class: 'description' }, clip(tool.description, 20000)) : null,
      h('div', { class: 'mode-switch', attrs: { role: 'group', 'aria-label': 'Input mode' } }, ...modeButtons),
      formPane,
      jsonPane,
      taskOption(tool),
      h('div', { class: 'confirm-slot', attrs: { 'data-role': 'confirm' } }),
      h(
        'div',
        { class: 'run-bar' },
        runButton,
        cancelButton,
        h('div', { class: 'run-status', attrs: { 'data-role': 'run-status' } }),
      ),
      h('div', { class: 'run-task', attrs: { 'data-role': 'run-task' } }),
      h('div', { class: 'result-slot', attrs: { 'data-role': 'result' } }),
    );
  }

  /** Whether this run goes as a task: always for `required`, when ticked for `optional`, never otherwise. */
  private asTask(tool: ToolView): boolean {
    if (tool.taskSupport === 'required') return true;
    if (tool.taskSupport !== 'optional') return false;
    const box = this.detail.querySelector<HTMLElement & { checked: boolean }>('[data-role="run-as-task"]');
    return box?.checked === true;
  }

  private syncJson(): void {
    const json = this.detail.querySelector<HTMLElement & { value: string }>('[data-role="json-args"]');
    if (json && this.form) json.value = JSON.stringify(this.form.getValue(), null, 2);
  }

  /** Collects the arguments from the active mode; undefined (with the problem shown) if they cannot be sent. */
  private collectArgs(): JsonObject | undefined {
    if (this.mode === 'json') {
      const json = this.detail.querySelector<HTMLElement & { value: string }>('[data-role="json-args"]');
      const parsed = parseArgsJson(json?.value ?? '{}');
      const err = this.detail.querySelector<HTMLElement>('[data-role="json-error"]');
      if (!parsed.ok) {
        if (err) err.textContent = parsed.error;
        return undefined;
      }
      this.form?.setValue(parsed.value);
      return parsed.value;
    }
    return this.form?.getValue() ?? {};
  }

  private async run(skipChecks: boolean, force = false): Promise<void> {
    const tool = this.rows.find((r) => r.tool.name === this.selected)?.tool;
    const connection = this.app.connection();
    if (!tool || !connection || this.running) return;
    const args = this.collectArgs();
    if (!args) return;
    const confirmSlot = this.detail.querySelector<HTMLElement>('[data-role="confirm"]');
    confirmSlot?.replaceChildren();
    if (!force) {
      const problems = this.form?.errors() ?? [];
      if (problems.length) {
        this.form?.showAllErrors();
        confirmSlot?.replaceChildren(
          h(
            'div',
            { class: 'notice warning', attrs: { 'data-role': 'validation-summary' } },
            icon('warning'),
            ` ${problems.length} problem${problems.length === 1 ? '' : 's'} in the arguments (first: ${clip(formatPath(problems[0].path), 100)}: ${clip(problems[0].message, 200)}). `,
            button('Run anyway', () => void this.run(skipChecks, true), 'secondary', { 'data-action': 'run-anyway' }),
          ),
        );
        return;
      }
    }
    const ann = tool.annotations ?? {};
    // MCP tool annotations are hints (spec: tools §annotations); a tool that says it is destructive gets a second step.
    if (!skipChecks && ann.destructiveHint === true && ann.readOnlyHint !== true) {
      confirmSlot?.replaceChildren(
        h(
          'div',
          { class: 'notice warning confirm', attrs: { 'data-role': 'destructive-confirm' } },
          icon('warning'),
          ` “${clip(tool.title ?? tool.name, 100)}” says it may make destructive changes. Run it? `,
          button('Run', () => void this.run(true, true), 'primary', { 'data-action': 'confirm-run' }),
          button('Cancel', () => confirmSlot.replaceChildren(), 'secondary', { 'data-action': 'confirm-cancel' }),
        ),
      );
      return;
    }
    await this.execute(tool, connection.id, connection.name, args);
  }

  private async execute(tool: ToolView, connectionId: string, connectionName: string, args: JsonObject): Promise<void> {
    const callId = newId();
    const asTask = this.asTask(tool);
    const entry: HistoryEntry = {
      id: callId,
      kind: 'tool',
      connectionId,
      connectionName,
      target: tool.name,
      args,
      startedAt: Date.now(),
      status: 'running',
    };
    this.running = { callId, entry, asTask };
    this.app.addHistory(entry);
    const runButton = this.detail.querySelector<HTMLElement>('[data-action="run"]');
    const cancelButton = this.detail.querySelector<HTMLElement>('[data-action="cancel"]');
    const status = this.detail.querySelector<HTMLElement>('[data-role="run-status"]');
    const resultSlot = this.detail.querySelector<HTMLElement>('[data-role="result"]');
    runButton?.setAttribute('disabled', '');
    cancelButton?.removeAttribute('hidden');
    status?.replaceChildren(
      h('vscode-progress-ring'),
      h('span', { class: 'run-progress-text muted' }, 'Running…'),
      h('progress', { class: 'run-progress' }),
    );
    resultSlot?.replaceChildren();
    this.detail
      .querySelector<HTMLElement>('[data-role="run-task"]')
      ?.replaceChildren(
        ...(asTask
          ? [h('span', { class: 'muted' }, 'Running as a task: its status shows here and in the Tasks tab.')]
          : []),
      );
    const started = performance.now();
    try {
      const outcome = await this.app.host.request('tools/call', {
        connectionId,
        name: tool.name,
        args,
        callId,
        ...(asTask ? { asTask: true } : {}),
      });
      entry.durationMs = outcome.durationMs;
      entry.status = outcome.result.isError === true ? 'error' : 'ok';
      entry.result = outcome.result;
      status?.replaceChildren(h('span', { class: 'muted' }, `Finished in ${formatDuration(outcome.durationMs)}`));
      resultSlot?.replaceChildren(
        toolResult(outcome.result, outcome.durationMs, this.app.resultContext(connectionId), outcome),
      );
    } catch (e) {
      const info = e instanceof RequestError ? e.info : { message: (e as Error).message, code: 'failed' };
      entry.durationMs = performance.now() - started;
      entry.status = info.code === 'cancelled' ? 'cancelled' : 'error';
      entry.error = info;
      status?.replaceChildren(
        h(
          'span',
          { class: 'muted' },
          entry.status === 'cancelled' ? 'Cancelled.' : `Failed after ${formatDuration(entry.durationMs)}`,
        ),
      );
      resultSlot?.replaceChildren(
        h(
          'div',
          {
            class: `notice ${entry.status === 'cancelled' ? 'warning' : 'error'}`,
            attrs: { 'data-role': 'call-error', 'data-code': clip(info.code, 40) },
          },
          icon(entry.status === 'cancelled' ? 'circle-slash' : 'error'),
          ` ${clip(info.message, 5000)}`,
          info.hint ? h('div', { class: 'muted' }, clip(info.hint, 1000)) : null,
        ),
      );
    } finally {
      this.running = undefined;
      runButton?.removeAttribute('disabled');
      cancelButton?.setAttribute('hidden', '');
      this.app.updateHistory(entry);
      const saveCheck = saveCheckControl(this.app, entry);
      if (saveCheck) resultSlot?.appendChild(saveCheck);
    }
  }

  private cancel(): void {
    if (this.running) this.app.host.command('call/cancel', { callId: this.running.callId });
  }
}

/** The task choice of a tool (MCP tasks, `execution.taskSupport`): a checkbox for `optional`, a note for `required`. */
function taskOption(tool: ToolView): HTMLElement | null {
  if (tool.taskSupport === 'optional') {
    return h(
      'div',
      { class: 'task-option' },
      h(
        'vscode-checkbox',
        {
          attrs: {
            'data-role': 'run-as-task',
            title:
              'The server runs the call as a task: it answers at once and reports the status until the result is ready',
          },
        },
        'Run as task',
      ),
    );
  }
  if (tool.taskSupport === 'required') {
    return h(
      'div',
      { class: 'task-option muted', attrs: { 'data-role': 'task-required' } },
      icon('checklist'),
      ' This tool always runs as a task (taskSupport: required): its status shows below and in the Tasks tab.',
    );
  }
  return null;
}
