/**
 * Log: the connection's protocol trace from the engine (already redacted by src/core/trace.ts
 * before it was stored), with filters by direction, method and errors, a search, a detail view
 * with pretty JSON, and "Copy as curl" for HTTP requests (built by the host, secrets as $VARS).
 * On the 2026-07-28 era each request sent over HTTP carries `Mcp-Method`/`Mcp-Name` headers that
 * must agree with its body: a row whose headers disagree (or are missing) is marked, a filter
 * shows only those, and the detail view shows the headers and the verdict.
 */
import type { McpHeadersView, TraceEntryView } from '../src/shared/protocol';
import type { AppContext, Tab } from './context';
import { button, clip, h, icon, option, setChildren } from './dom';
import { formatBytes, formatTime } from './format';
import { jsonTree } from './jsonTree';
import { ServerLogPanel } from './serverLog';

const MAX_ENTRIES = 5000;

export class LogTab implements Tab {
  readonly element: HTMLElement;
  private entries: TraceEntryView[] = [];
  private entriesFor?: string;
  private selected?: number;
  private readonly direction = h(
    'vscode-dropdown',
    { attrs: { 'aria-label': 'Direction', 'data-role': 'log-direction' } },
    h('vscode-option', { attrs: { value: 'all' } }, 'Both directions'),
    h('vscode-option', { attrs: { value: 'out' } }, '→ Sent'),
    h('vscode-option', { attrs: { value: 'in' } }, '← Received'),
  ) as HTMLElement & { value: string };
  private readonly method = h('vscode-dropdown', {
    attrs: { 'aria-label': 'Method', 'data-role': 'log-method' },
  }) as HTMLElement & { value: string };
  private readonly errorsOnly = h(
    'vscode-checkbox',
    { attrs: { 'data-role': 'log-errors' } },
    'Errors only',
  ) as HTMLElement & { checked: boolean };
  private readonly headerProblemsOnly = h(
    'vscode-checkbox',
    {
      attrs: {
        'data-role': 'log-header-problems',
        title: 'Requests whose Mcp-Method / Mcp-Name headers disagree with the body, or are missing',
      },
    },
    'Header problems only',
  ) as HTMLElement & { checked: boolean };
  private readonly search = h('vscode-text-field', {
    attrs: { placeholder: 'Search', 'aria-label': 'Search the log', 'data-role': 'log-search' },
  }) as HTMLElement & { value: string };
  private readonly list = h('div', {
    class: 'log-list',
    attrs: { role: 'listbox', 'aria-label': 'Protocol trace', 'data-role': 'log-list' },
  });
  private readonly count = h('span', { class: 'muted' });
  private readonly detail = h('div', { class: 'detail log-detail', attrs: { 'data-role': 'log-detail' } });
  private methods = new Set<string>();
  private readonly serverLog: ServerLogPanel;

  constructor(private readonly app: AppContext) {
    const traceView = h(
      'div',
      { class: 'log-view', attrs: { 'data-role': 'trace-view' } },
      h(
        'div',
        { class: 'toolbar' },
        this.direction,
        this.method,
        this.errorsOnly,
        this.headerProblemsOnly,
        this.search,
        this.count,
      ),
      h('div', { class: 'split log-split' }, this.list, this.detail),
    );
    this.serverLog = new ServerLogPanel(app);
    this.serverLog.element.hidden = true;
    // Two logs: the protocol trace MCP Lens records, and the log messages the server sends (notifications/message).
    const views = { trace: traceView, server: this.serverLog.element };
    const switches = (['trace', 'server'] as const).map((v) =>
      h(
        'button',
        {
          class: 'segment',
          attrs: { type: 'button', 'aria-pressed': String(v === 'trace'), 'data-log-view': v },
          on: {
            click: () => {
              for (const [k, el] of Object.entries(views)) el.hidden = k !== v;
              switches.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.logView === v)));
            },
          },
        },
        v === 'trace' ? 'Protocol trace' : 'Server log',
      ),
    );
    this.element = h(
      'div',
      { class: 'log-tab' },
      h('div', { class: 'mode-switch log-switch', attrs: { role: 'group', 'aria-label': 'Which log' } }, ...switches),
      traceView,
      this.serverLog.element,
    );
    for (const el of [this.direction, this.method]) el.addEventListener('change', () => this.render());
    this.errorsOnly.addEventListener('change', () => this.render());
    this.headerProblemsOnly.addEventListener('change', () => this.render());
    this.search.addEventListener('input', () => this.render());
    this.renderMethods();
    app.host.on('trace/added', ({ connectionId, entries }) => {
      if (connectionId !== this.entriesFor) return;
      this.entries.push(...entries);
      if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
      let newMethod = false;
      for (const e of entries) {
        if (e.method && !this.methods.has(e.method)) newMethod = this.methods.add(e.method) !== undefined;
      }
      if (newMethod) this.renderMethods();
      const frag = document.createDocumentFragment();
      for (const e of entries) if (this.matches(e)) frag.appendChild(this.row(e));
      this.list.appendChild(frag);
      this.updateCount();
    });
    app.host.on('trace/cleared', ({ connectionId }) => {
      if (connectionId !== this.entriesFor) return;
      this.entries = [];
      this.render();
    });
  }

  refresh(): void {
    this.serverLog.refresh();
    const id = this.app.connection()?.id;
    if (id === this.entriesFor) return;
    this.entriesFor = id;
    this.entries = [];
    this.selected = undefined;
    this.methods = new Set();
    this.render();
    setChildren(this.detail, h('div', { class: 'empty' }, 'Select a message to see it in full.'));
    if (!id) return;
    void this.app.host.request('trace/list', { connectionId: id }).then(
      ({ entries }) => {
        if (this.entriesFor !== id) return;
        // Entries pushed while the list was on its way are kept once (by seq).
        const seen = new Set(entries.map((e) => e.seq));
        this.entries = [...entries, ...this.entries.filter((e) => !seen.has(e.seq))].sort((a, b) => a.seq - b.seq);
        for (const e of this.entries) if (e.method) this.methods.add(e.method);
        this.renderMethods();
        this.render();
      },
      () => undefined,
    );
  }

  private renderMethods(): void {
    const current = this.method.value || 'all';
    const methods = [...this.methods].sort();
    this.method.replaceChildren(
      h('vscode-option', { attrs: { value: 'all', selected: current === 'all' } }, 'All methods'),
      ...methods.map((m) => h('vscode-option', { attrs: { value: m, selected: current === m } }, clip(m, 80))),
    );
  }

  private matches(e: TraceEntryView): boolean {
    const dir = this.direction.value || 'all';
    if (dir !== 'all' && e.direction !== dir) return false;
    const method = this.method.value || 'all';
    if (method !== 'all' && e.method !== method) return false;
    if (this.errorsOnly.checked && !isError(e)) return false;
    if (this.headerProblemsOnly.checked && !hasHeaderProblem(e)) return false;
    const q = (this.search.value ?? '').toLowerCase();
    const headers = e.http ? `${e.http.method ?? ''} ${e.http.name ?? ''}` : '';
    if (q && !`${e.method ?? ''} ${e.id ?? ''} ${e.kind} ${headers} ${e.preview}`.toLowerCase().includes(q)) {
      return false;
    }
    return true;
  }

  private render(): void {
    const frag = document.createDocumentFragment();
    for (const e of this.entries) if (this.matches(e)) frag.appendChild(this.row(e));
    this.list.replaceChildren(frag);
    if (!this.entries.length) {
      this.list.appendChild(
        h('div', { class: 'empty' }, this.entriesFor ? 'No messages yet.' : 'Select a connection.'),
      );
    }
    this.updateCount();
  }

  private updateCount(): void {
    const shown = this.list.querySelectorAll('.log-row').length;
    this.count.textContent = `${shown} of ${this.entries.length} messages`;
  }

  private row(e: TraceEntryView): HTMLElement {
    return option(
      {
        class: `log-row dir-${e.direction}${isError(e) ? ' is-error' : ''}${hasHeaderProblem(e) ? ' header-problem' : ''}`,
        selected: e.seq === this.selected,
        dataset: { seq: String(e.seq) },
      },
      () => void this.select(e),
      h('span', { class: 'log-time mono' }, formatTime(e.time)),
      h(
        'span',
        { class: 'log-dir', attrs: { title: e.direction === 'out' ? 'sent' : 'received' } },
        e.direction === 'out' ? '→' : '←',
      ),
      h('span', { class: `log-kind kind-${e.kind}` }, e.kind),
      h(
        'span',
        { class: 'log-method mono' },
        hasHeaderProblem(e)
          ? h(
              'span',
              {
                class: 'log-header-mark',
                title: `Mcp headers: ${e.http!.check}${e.http!.detail ? ` — ${clip(e.http!.detail, 300)}` : ''}`,
                attrs: { 'data-role': 'log-header-mark', 'data-check': e.http!.check },
              },
              icon('warning', `header ${e.http!.check}`),
              ' ',
            )
          : null,
        clip(e.method ?? '', 80),
      ),
      h('span', { class: 'log-id mono' }, e.id !== undefined ? `#${clip(String(e.id), 40)}` : ''),
      h('span', { class: 'log-duration' }, e.durationMs !== undefined ? `${e.durationMs} ms` : ''),
      h('span', { class: 'log-size' }, formatBytes(e.size)),
    );
  }

  private async select(e: TraceEntryView): Promise<void> {
    const connection = this.app.connection();
    if (!connection) return;
    this.selected = e.seq;
    for (const el of this.list.querySelectorAll<HTMLElement>('.log-row')) {
      el.setAttribute('aria-selected', String(el.dataset.seq === String(e.seq)));
    }
    const body = h('div', null, h('vscode-progress-ring'));
    const httpSlot = h('div', null, e.http ? headersView(e.http) : null);
    const status = h('span', { class: 'muted', attrs: { 'data-role': 'log-copy-status' } });
    const isHttp = connection.transport !== 'stdio';
    const curl =
      isHttp && e.direction === 'out' && (e.kind === 'request' || e.kind === 'notification')
        ? button(
            'Copy as curl',
            async () => {
              try {
                const { curl: text } = await this.app.host.request('trace/curl', {
                  connectionId: connection.id,
                  seq: e.seq,
                });
                this.app.copy(text);
                status.textContent = ' Copied. Secret headers are $VARIABLES: set them in your shell.';
              } catch (err) {
                status.textContent = ` ${clip((err as Error).message, 300)}`;
              }
            },
            'secondary',
            { 'data-action': 'copy-curl' },
            'terminal',
          )
        : null;
    setChildren(
      this.detail,
      h(
        'div',
        { class: 'detail-header' },
        h('h2', null, `${e.direction === 'out' ? '→' : '←'} ${e.kind} ${clip(e.method ?? '', 100)}`),
        e.id !== undefined ? h('span', { class: 'tag' }, `id ${clip(String(e.id), 40)}`) : null,
      ),
      h(
        'div',
        { class: 'muted' },
        `${new Date(e.time).toLocaleString()} · ${formatBytes(e.size)}${e.durationMs !== undefined ? ` · ${e.durationMs} ms` : ''}`,
      ),
      httpSlot,
      h(
        'div',
        { class: 'run-bar' },
        button(
          'Copy JSON',
          () => void this.copyJson(connection.id, e.seq, status),
          'secondary',
          { 'data-action': 'copy-json' },
          'copy',
        ),
        curl,
        status,
      ),
      body,
    );
    try {
      const { message, http } = await this.app.host.request('trace/entry', {
        connectionId: connection.id,
        seq: e.seq,
      });
      if (this.selected !== e.seq) return;
      body.replaceChildren(jsonTree(message, 3));
      // Headers recorded after this row was listed (the transport sends after the trace records).
      if (http && !e.http) {
        e.http = http;
        httpSlot.replaceChildren(headersView(http));
      }
    } catch (err) {
      body.replaceChildren(h('div', { class: 'notice error' }, icon('error'), ` ${clip((err as Error).message, 500)}`));
    }
  }

  private async copyJson(connectionId: string, seq: number, status: HTMLElement): Promise<void> {
    try {
      const { message } = await this.app.host.request('trace/entry', { connectionId, seq });
      this.app.copy(JSON.stringify(message, null, 2));
      status.textContent = ' Copied.';
    } catch (err) {
      status.textContent = ` ${clip((err as Error).message, 300)}`;
    }
  }
}

function hasHeaderProblem(e: TraceEntryView): boolean {
  return e.http?.check === 'mismatch' || e.http?.check === 'missing';
}

const CHECK_TEXT: Readonly<Record<McpHeadersView['check'], string>> = {
  ok: 'ok: the headers agree with the body',
  mismatch: 'mismatch',
  missing: 'missing',
  'not-applicable': 'not used on the 2025 era',
};

/** The MCP routing headers sent with a request, and whether they agree with its body. */
function headersView(http: McpHeadersView): HTMLElement {
  const bad = http.check === 'mismatch' || http.check === 'missing';
  return h(
    'div',
    { class: 'log-http', attrs: { 'data-role': 'log-http', 'data-check': http.check } },
    h(
      'dl',
      { class: 'kv' },
      h('dt', null, 'Mcp-Method'),
      h('dd', { class: 'mono' }, http.method !== undefined ? clip(http.method, 200) : '(not sent)'),
      h('dt', null, 'Mcp-Name'),
      h('dd', { class: 'mono' }, http.name !== undefined ? clip(http.name, 1000) : '(not sent)'),
      h('dt', null, 'Check'),
      h(
        'dd',
        null,
        h(
          'span',
          { class: `tag ${bad ? 'bad' : http.check === 'ok' ? 'ok' : ''}`, attrs: { 'data-role': 'log-http-check' } },
          icon(bad ? 'warning' : http.check === 'ok' ? 'pass' : 'info'),
          ` ${CHECK_TEXT[http.check] ?? http.check}`,
        ),
        http.detail ? h('span', { attrs: { 'data-role': 'log-http-detail' } }, ` ${clip(http.detail, 1000)}`) : null,
      ),
    ),
  );
}

function isError(e: TraceEntryView): boolean {
  return e.kind === 'error' || /"isError":true/.test(e.preview);
}
