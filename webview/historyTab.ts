/** History: every tool call, resource read and prompt get of this panel, newest first; re-run; export as JSON. */
import type { JsonObject } from '../src/shared/protocol';
import type { AppContext, Tab } from './context';
import { button, clip, h, icon, option, setChildren } from './dom';
import { formatDuration, formatTime } from './format';
import { jsonTree } from './jsonTree';
import { saveCheckControl } from './checksTab';
import { promptMessages, readResult, toolResult } from './results';

const KIND_ICON = { tool: 'tools', resource: 'file', prompt: 'comment-discussion' } as const;
const STATUS_ICON = { ok: 'pass', error: 'error', cancelled: 'circle-slash', running: 'loading' } as const;

export class HistoryTab implements Tab {
  readonly element: HTMLElement;
  private readonly list = h('div', {
    class: 'item-list',
    attrs: { role: 'listbox', 'aria-label': 'History', 'data-role': 'history-list' },
  });
  private readonly detail = h('div', { class: 'detail', attrs: { 'data-role': 'history-detail' } });
  private readonly status = h('span', { class: 'muted' });
  private selected?: string;

  constructor(private readonly app: AppContext) {
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      button('Export JSON', () => void this.export(), 'secondary', { 'data-action': 'export' }, 'export'),
      button(
        'Clear',
        () => {
          this.app.state.history = [];
          this.app.saveState();
          this.selected = undefined;
          this.refresh();
        },
        'secondary',
        { 'data-action': 'clear-history' },
        'clear-all',
      ),
      this.status,
    );
    this.element = h('div', { class: 'split' }, h('div', { class: 'list-pane' }, toolbar, this.list), this.detail);
  }

  refresh(): void {
    const entries = [...this.app.state.history].reverse();
    this.list.replaceChildren(
      ...entries.map((e) =>
        option(
          { class: `item status-${e.status}`, selected: e.id === this.selected, dataset: { id: e.id } },
          () => this.select(e.id),
          h(
            'div',
            { class: 'item-title' },
            icon(STATUS_ICON[e.status]),
            ' ',
            icon(KIND_ICON[e.kind]),
            ' ',
            h('span', { class: 'item-name' }, clip(e.target, 120)),
          ),
          h(
            'div',
            { class: 'item-sub' },
            `${formatTime(e.startedAt)} · ${clip(e.connectionName, 60)} · ${e.status}${e.durationMs !== undefined ? ` · ${formatDuration(e.durationMs)}` : ''}`,
          ),
        ),
      ),
    );
    if (!entries.length) {
      this.list.appendChild(
        h('div', { class: 'empty' }, 'No calls yet. Tool calls, resource reads and prompts you run appear here.'),
      );
    }
    if (this.selected && entries.some((e) => e.id === this.selected)) this.select(this.selected);
    else setChildren(this.detail, h('div', { class: 'empty' }, entries.length ? 'Select a call.' : ''));
  }

  private select(id: string): void {
    const e = this.app.state.history.find((x) => x.id === id);
    if (!e) return;
    this.selected = id;
    for (const el of this.list.querySelectorAll<HTMLElement>('.item')) {
      el.setAttribute('aria-selected', String(el.dataset.id === id));
    }
    const ctx = this.app.resultContext(e.connectionId);
    let result: HTMLElement | null = null;
    const stored = this.app.fullResult(e.id) ?? e.result;
    if (stored !== undefined && typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
      const r = stored as JsonObject;
      if (r.truncated === true) {
        result = h(
          'div',
          { class: 'notice' },
          icon('info'),
          ' The result was too large to keep across reloads. Run it again to see it.',
        );
      } else if (e.kind === 'tool') {
        result = toolResult(r, e.durationMs ?? 0, ctx);
      } else if (e.kind === 'resource') result = h('div', null, ...readResult(r));
      else result = promptMessages(r, ctx);
    }
    setChildren(
      this.detail,
      h(
        'div',
        { class: 'detail-header' },
        h('h2', null, clip(e.target, 300)),
        h('span', { class: 'tag' }, e.kind),
        h('span', { class: `tag ${e.status === 'ok' ? 'ok' : e.status === 'running' ? '' : 'bad'}` }, e.status),
      ),
      h(
        'div',
        { class: 'muted' },
        `${new Date(e.startedAt).toLocaleString()} · ${clip(e.connectionName, 100)}${e.durationMs !== undefined ? ` · ${formatDuration(e.durationMs)}` : ''}`,
      ),
      h(
        'div',
        { class: 'run-bar' },
        button(
          'Run again',
          () => this.app.rerun(e),
          'primary',
          { 'data-action': 'rerun', disabled: e.status === 'running' },
          'debug-rerun',
        ),
        button('Copy', () => this.app.copy(JSON.stringify(e, null, 2)), 'secondary', {}, 'copy'),
      ),
      saveCheckControl(this.app, e),
      h('h3', null, 'Arguments'),
      jsonTree(e.args, 2),
      e.error ? h('div', { class: 'notice error' }, icon('error'), ` ${clip(e.error.message, 5000)}`) : null,
      result ? h('h3', null, 'Result') : null,
      result,
    );
  }

  private async export(): Promise<void> {
    const json = JSON.stringify({ exportedAt: new Date().toISOString(), entries: this.app.state.history }, null, 2);
    try {
      const { saved } = await this.app.host.request('history/export', { json });
      this.status.textContent = saved ? ' Saved.' : '';
    } catch (e) {
      this.status.textContent = ` Export failed: ${clip((e as Error).message, 300)}`;
    }
  }
}
