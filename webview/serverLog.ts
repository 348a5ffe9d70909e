/**
 * The server's own log (MCP `notifications/message`): the level MCP Lens asks the server for
 * (`logging/setLevel`), and the messages it sent, filtered by a minimum level. A message's `data`
 * is any JSON the server chose: a string shows as text, anything else as a JSON tree, never HTML.
 */
import { LOGGING_LEVELS, type LoggingLevelView, type ServerLogView } from '../src/shared/protocol';
import type { AppContext } from './context';
import { clip, h, setChildren } from './dom';
import { formatTime } from './format';
import { jsonTree } from './jsonTree';
import { RequestError } from './rpc';

const MAX_LOG_ENTRIES = 5000;

export function levelRank(level: LoggingLevelView): number {
  return LOGGING_LEVELS.indexOf(level);
}

export class ServerLogPanel {
  readonly element: HTMLElement;
  private readonly levelSelect = h('select', {
    class: 'native-select',
    attrs: { 'aria-label': 'Level the server sends', 'data-role': 'server-log-level' },
  });
  private readonly minimumSelect = h('select', {
    class: 'native-select',
    attrs: { 'aria-label': 'Show messages from level', 'data-role': 'server-log-filter' },
  });
  private readonly status = h('span', {
    class: 'muted',
    attrs: { 'data-role': 'server-log-status', 'aria-live': 'polite' },
  });
  private readonly list = h('div', { class: 'server-log-list', attrs: { 'data-role': 'server-log-list' } });
  private readonly count = h('span', { class: 'muted', attrs: { 'data-role': 'server-log-count' } });
  private entries: ServerLogView[] = [];
  private entriesFor?: string;

  constructor(private readonly app: AppContext) {
    this.levelSelect.append(
      h('option', { attrs: { value: '' } }, '(not set)'),
      ...LOGGING_LEVELS.map((l) => h('option', { attrs: { value: l } }, l)),
    );
    this.minimumSelect.append(
      ...LOGGING_LEVELS.map((l, i) => h('option', { attrs: { value: l } }, i === 0 ? 'all levels' : `${l} and above`)),
    );
    this.element = h(
      'div',
      { class: 'log-view server-log', attrs: { 'data-role': 'server-log' } },
      h(
        'div',
        { class: 'toolbar' },
        h('label', null, 'Server sends ', this.levelSelect),
        h('label', null, 'Show ', this.minimumSelect),
        this.count,
        this.status,
      ),
      this.list,
    );
    this.levelSelect.addEventListener('change', () => void this.setLevel());
    this.minimumSelect.addEventListener('change', () => this.render());
    app.host.on('serverLog/added', ({ connectionId, entries }) => {
      if (connectionId !== this.entriesFor) return;
      this.entries.push(...entries);
      if (this.entries.length > MAX_LOG_ENTRIES) this.entries.splice(0, this.entries.length - MAX_LOG_ENTRIES);
      const min = levelRank(this.minimum());
      const frag = document.createDocumentFragment();
      for (const e of entries) if (levelRank(e.level) >= min) frag.appendChild(this.row(e));
      this.list.querySelector('.empty')?.remove();
      this.list.appendChild(frag);
      this.updateCount();
    });
  }

  refresh(): void {
    const details = this.app.details();
    // The level as the host knows it, unless the user is about to change it.
    if (document.activeElement !== this.levelSelect) this.levelSelect.value = details?.logLevel ?? '';
    const id = this.app.connection()?.id;
    if (id === this.entriesFor) return;
    this.entriesFor = id;
    this.entries = [];
    this.render();
    if (!id) return;
    void this.app.host.request('serverLog/list', { connectionId: id }).then(
      ({ entries }) => {
        if (this.entriesFor !== id) return;
        this.entries = [...entries, ...this.entries];
        this.render();
      },
      () => undefined,
    );
  }

  private minimum(): LoggingLevelView {
    return (this.minimumSelect.value || 'debug') as LoggingLevelView;
  }

  private async setLevel(): Promise<void> {
    const connectionId = this.app.connection()?.id;
    const level = this.levelSelect.value as LoggingLevelView | '';
    if (!connectionId || !level) return;
    this.status.textContent = `Asking the server for ${level}…`;
    try {
      const r = await this.app.host.request('logging/setLevel', { connectionId, level });
      this.status.textContent = `The server now sends ${r.level} and above.`;
    } catch (e) {
      const message = e instanceof RequestError ? e.info.message : (e as Error).message;
      this.status.textContent = `Could not set the level: ${clip(message, 500)} (does the server declare the logging capability?)`;
      this.levelSelect.value = this.app.details()?.logLevel ?? '';
    }
  }

  private render(): void {
    const min = levelRank(this.minimum());
    const rows = this.entries.filter((e) => levelRank(e.level) >= min).map((e) => this.row(e));
    if (rows.length) this.list.replaceChildren(...rows);
    else {
      setChildren(
        this.list,
        h(
          'div',
          { class: 'empty' },
          !this.entriesFor
            ? 'Select a connection.'
            : this.entries.length
              ? 'No messages at this level.'
              : 'The server has sent no log messages yet.',
        ),
      );
    }
    this.updateCount();
  }

  private updateCount(): void {
    const shown = this.list.querySelectorAll('.server-log-row').length;
    this.count.textContent = `${shown} of ${this.entries.length} messages`;
  }

  private row(e: ServerLogView): HTMLElement {
    return h(
      'div',
      { class: `server-log-row level-${e.level}`, dataset: { level: e.level } },
      h('span', { class: 'log-time mono' }, formatTime(e.time)),
      h('span', { class: `tag level-tag level-${e.level}` }, e.level),
      e.logger ? h('span', { class: 'mono muted' }, clip(e.logger, 200)) : null,
      typeof e.data === 'string'
        ? h('span', { class: 'server-log-text' }, clip(e.data, 20000))
        : h('div', { class: 'server-log-data' }, jsonTree(e.data, 1)),
    );
  }
}
