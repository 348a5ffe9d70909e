/**
 * The inspector webview (browser-only bundle → dist/webview.js). Left: the connection list with
 * status, auth status and actions. Right: tabs for the selected connection. Everything comes
 * from the host over src/shared/protocol.ts; every server string is rendered as text (dom.ts).
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import {
  TAB_IDS,
  type AuthStatus,
  type ConnectionDetails,
  type ConnectionView,
  type HistoryEntry,
  type JsonObject,
  type JsonValue,
  type ServerRequestView,
  type TabId,
  type WebviewState,
} from '../src/shared/protocol';
import { MAX_HISTORY, MAX_HISTORY_RESULT_CHARS, type AppContext, type Tab } from './context';
import { AuthTab } from './authTab';
import { ChecksTab } from './checksTab';
import { clip, h, icon, iconButton, option, setChildren } from './dom';
import { eraBadge } from './era';
import { formatRelative } from './format';
import { HistoryTab } from './historyTab';
import { LogTab } from './logTab';
import { PlaygroundTab } from './playgroundTab';
import { PromptsTab } from './promptsTab';
import { RequestsTab } from './requestsTab';
import { ResourcesTab } from './resourcesTab';
import type { ResultContext } from './results';
import { HostConnection } from './rpc';
import { ServerTab } from './serverTab';
import { TasksTab } from './tasksTab';
import { ToolsTab } from './toolsTab';
import { RestartNotice } from './restartNotice';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodeProgressRing(),
  vsCodeTextArea(),
  vsCodeTextField(),
);

const TAB_LABELS: Record<TabId, string> = {
  tools: 'Tools',
  resources: 'Resources',
  prompts: 'Prompts',
  requests: 'Requests',
  tasks: 'Tasks',
  history: 'History',
  checks: 'Checks',
  log: 'Log',
  server: 'Server',
  auth: 'Auth',
  playground: 'Playground',
};
const TAB_ICONS: Record<TabId, string> = {
  tools: 'tools',
  resources: 'files',
  prompts: 'comment-discussion',
  requests: 'bell',
  tasks: 'checklist',
  history: 'history',
  checks: 'beaker',
  log: 'output',
  server: 'server',
  auth: 'key',
  playground: 'comment-discussion-sparkle',
};
const STATE_LABELS: Record<ConnectionView['state'], string> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting…',
  connected: 'Connected',
  'auth-required': 'Sign-in required',
  error: 'Error',
};
const STATE_ICONS: Record<ConnectionView['state'], string> = {
  disconnected: 'circle-outline',
  connecting: 'loading',
  connected: 'pass-filled',
  'auth-required': 'lock',
  error: 'error',
};
const TRANSPORT_LABELS: Record<ConnectionView['transport'], string> = {
  'streamable-http': 'Streamable HTTP',
  sse: 'SSE',
  auto: 'HTTP (auto)',
  stdio: 'stdio',
};

function loadState(raw: unknown): WebviewState {
  const fresh: WebviewState = { version: 1, tab: 'tools', drafts: {}, history: [] };
  if (typeof raw !== 'object' || raw === null) return fresh;
  const s = raw as Partial<WebviewState>;
  if (s.version !== 1) return fresh;
  return {
    version: 1,
    selectedConnectionId: typeof s.selectedConnectionId === 'string' ? s.selectedConnectionId : undefined,
    tab: TAB_IDS.includes(s.tab as TabId) ? (s.tab as TabId) : 'tools',
    selectedTool: typeof s.selectedTool === 'string' ? s.selectedTool : undefined,
    selectedResource: typeof s.selectedResource === 'string' ? s.selectedResource : undefined,
    selectedPrompt: typeof s.selectedPrompt === 'string' ? s.selectedPrompt : undefined,
    drafts: typeof s.drafts === 'object' && s.drafts !== null ? s.drafts : {},
    // A call that was running when the page went away has no outcome: say so instead of "running" forever.
    history: Array.isArray(s.history)
      ? s.history.map((e) => (e.status === 'running' ? { ...e, status: 'cancelled' as const } : e))
      : [],
  };
}

function authText(auth: AuthStatus): { text: string; icon: string; cls: string } | undefined {
  switch (auth.state) {
    case 'not-needed':
      return undefined;
    case 'signed-in':
      return {
        text: `Signed in${auth.scopes.length ? ` · ${auth.scopes.join(' ')}` : ''}${auth.expiresAt ? ` · expires ${formatRelative(auth.expiresAt)}` : ''}`,
        icon: 'verified',
        cls: 'ok',
      };
    case 'expired':
      return {
        text: `Token expired${auth.expiresAt ? ` ${formatRelative(auth.expiresAt)}` : ''}`,
        icon: 'watch',
        cls: 'warn',
      };
    case 'sign-in-required':
      return {
        text: auth.message ? `Sign-in required: ${auth.message}` : 'Sign-in required',
        icon: 'lock',
        cls: 'bad',
      };
  }
}

/** Keeps history within bounds; large results are replaced by a marker (state is serialized on every save). */
function storable(entry: HistoryEntry): HistoryEntry {
  if (entry.result === undefined) return entry;
  const size = JSON.stringify(entry.result).length;
  return size > MAX_HISTORY_RESULT_CHARS ? { ...entry, result: { truncated: true, bytes: size } } : entry;
}

class App implements AppContext {
  readonly host = new HostConnection();
  readonly state: WebviewState;
  private connections: ConnectionView[] = [];
  private readonly detailsById = new Map<string, ConnectionDetails>();
  /** Full results of this session's history (state keeps only bounded copies). */
  private readonly fullResults = new Map<string, JsonValue>();
  private readonly connList = h('div', {
    class: 'conn-list',
    attrs: { role: 'listbox', 'aria-label': 'Connections', 'data-role': 'connections' },
  });
  private readonly header = h('div', { class: 'main-header', attrs: { 'data-role': 'main-header' } });
  private readonly tabBar = h('div', { class: 'tab-bar', attrs: { role: 'tablist' } });
  private readonly tabBody = h('div', { class: 'tab-body' });
  private readonly tabs: Record<TabId, Tab>;
  private readonly requestsTab: RequestsTab;
  private readonly tasksTab: TasksTab;
  /** Says when a server request arrives while another tab is open (screen readers hear it; it is also visible). */
  private readonly announcer = h('div', {
    class: 'announcer',
    attrs: { role: 'status', 'aria-live': 'polite', 'data-role': 'request-announcer' },
  });
  private saveTimer?: number;
  /** A watched server restarted (dev loop): says why and offers to re-run the last call. */
  private readonly restartNotice = new RestartNotice((entry) => this.rerun(entry));

  constructor() {
    this.state = loadState(this.host.getState());
    this.requestsTab = new RequestsTab(
      this,
      (r) => this.requestArrived(r),
      () => this.updateCounts(),
    );
    this.tasksTab = new TasksTab(this, () => this.updateCounts());
    this.tabs = {
      tools: new ToolsTab(this),
      resources: new ResourcesTab(this),
      prompts: new PromptsTab(this),
      requests: this.requestsTab,
      tasks: this.tasksTab,
      history: new HistoryTab(this),
      checks: new ChecksTab(this),
      log: new LogTab(this),
      server: new ServerTab(this),
      auth: new AuthTab(this),
      playground: new PlaygroundTab(this),
    };
    for (const id of TAB_IDS) {
      const tab = h(
        'button',
        {
          class: 'tab',
          attrs: { role: 'tab', type: 'button', id: `tab-${id}`, 'aria-controls': `panel-${id}`, 'data-tab': id },
        },
        icon(TAB_ICONS[id]),
        ` ${TAB_LABELS[id]}`,
        h('span', { class: 'count', attrs: { 'data-count-for': id } }),
      );
      tab.addEventListener('click', () => this.showTab(id));
      tab.addEventListener('keydown', (e) => {
        const i = TAB_IDS.indexOf(id);
        const next =
          e.key === 'ArrowRight'
            ? TAB_IDS[(i + 1) % TAB_IDS.length]
            : e.key === 'ArrowLeft'
              ? TAB_IDS[(i + TAB_IDS.length - 1) % TAB_IDS.length]
              : undefined;
        if (next) {
          this.showTab(next);
          this.tabBar.querySelector<HTMLElement>(`[data-tab="${next}"]`)?.focus();
        }
      });
      this.tabBar.appendChild(tab);
      this.tabBody.appendChild(
        h(
          'div',
          {
            class: 'tab-panel',
            attrs: { role: 'tabpanel', id: `panel-${id}`, 'aria-labelledby': `tab-${id}`, 'data-panel': id },
          },
          this.tabs[id].element,
        ),
      );
    }
    const root = h(
      'div',
      { class: 'layout' },
      h('aside', { class: 'sidebar' }, h('div', { class: 'sidebar-title' }, 'Connections'), this.connList),
      h('main', { class: 'main' }, this.header, this.tabBar, this.announcer, this.restartNotice.element, this.tabBody),
    );
    document.body.replaceChildren(root);
    this.showTab(this.state.tab, undefined, false);

    this.host.on('init', ({ connections, focus }) => {
      this.connections = connections;
      this.renderConnections();
      const wanted = focus?.connectionId ?? this.state.selectedConnectionId;
      this.selectConnection(connections.some((c) => c.id === wanted) ? wanted : connections[0]?.id);
      if (focus) this.applyFocus(focus.tab, focus.item);
    });
    this.host.on('connections/changed', ({ connections }) => {
      this.connections = connections;
      this.renderConnections();
      if (!connections.some((c) => c.id === this.state.selectedConnectionId)) this.selectConnection(connections[0]?.id);
      else this.renderHeader();
      this.refreshTabs();
    });
    this.host.on('connection/details', (d) => {
      this.detailsById.set(d.connectionId, d);
      if (d.connectionId === this.state.selectedConnectionId) this.refreshTabs();
    });
    this.host.on('connection/restarted', ({ connectionId, reason }) => {
      if (connectionId !== this.state.selectedConnectionId) return;
      const last = this.state.history.filter((e) => e.connectionId === connectionId && e.status !== 'running').at(-1);
      this.restartNotice.show(reason, last);
    });
    this.host.on('focus', (f) => {
      if (f.connectionId !== this.state.selectedConnectionId && this.connections.some((c) => c.id === f.connectionId)) {
        this.selectConnection(f.connectionId);
      }
      this.applyFocus(f.tab, f.item);
    });
    this.host.ready();
  }

  // ---- AppContext ----

  saveState(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = undefined;
      this.host.setState(this.state);
    }, 150);
  }

  connection(): ConnectionView | undefined {
    return this.connections.find((c) => c.id === this.state.selectedConnectionId);
  }

  details(): ConnectionDetails | undefined {
    const id = this.state.selectedConnectionId;
    return id ? this.detailsById.get(id) : undefined;
  }

  addHistory(entry: HistoryEntry): void {
    this.state.history.push(storable(entry));
    if (this.state.history.length > MAX_HISTORY) this.state.history.splice(0, this.state.history.length - MAX_HISTORY);
    this.saveState();
    this.tabs.history.refresh();
    this.updateCounts();
  }

  updateHistory(entry: HistoryEntry): void {
    if (entry.result !== undefined) this.fullResults.set(entry.id, entry.result);
    const i = this.state.history.findIndex((e) => e.id === entry.id);
    if (i >= 0) this.state.history[i] = storable({ ...entry });
    this.saveState();
    this.tabs.history.refresh();
  }

  resultContext(connectionId: string): ResultContext {
    return {
      readResource: async (uri) =>
        (
          await this.host.request('resources/read', {
            connectionId,
            uri,
            callId: `link-${Date.now()}-${Math.random().toString(36).slice(2)}`,
          })
        ).result,
      copy: (text) => this.copy(text),
    };
  }

  copy(text: string): void {
    this.host.command('clipboard/write', { text });
  }

  fullResult(id: string): JsonValue | undefined {
    return this.fullResults.get(id);
  }

  showTab(tab: TabId, item?: string, save = true): void {
    this.state.tab = tab;
    if (save) this.saveState();
    for (const el of this.tabBar.querySelectorAll<HTMLElement>('.tab')) {
      const active = el.dataset.tab === tab;
      el.setAttribute('aria-selected', String(active));
      el.tabIndex = active ? 0 : -1;
    }
    for (const el of this.tabBody.querySelectorAll<HTMLElement>('.tab-panel')) el.hidden = el.dataset.panel !== tab;
    if (tab === 'requests') {
      this.announcer.textContent = '';
      this.tabBar.querySelector('[data-tab="requests"]')?.classList.remove('attention');
    }
    this.tabs[tab].shown?.();
    if (item) this.tabs[tab].focusItem?.(item);
  }

  rerun(entry: HistoryEntry): void {
    if (entry.connectionId !== this.state.selectedConnectionId) {
      if (!this.connections.some((c) => c.id === entry.connectionId)) return;
      this.selectConnection(entry.connectionId);
    }
    const tab: TabId = entry.kind === 'tool' ? 'tools' : entry.kind === 'resource' ? 'resources' : 'prompts';
    this.showTab(tab);
    this.tabs[tab].rerun?.(entry, entry.args as JsonObject);
  }

  // ---- rendering ----

  private applyFocus(tab: TabId | undefined, item: string | undefined): void {
    if (tab) this.showTab(tab, item);
  }

  private selectConnection(id: string | undefined): void {
    if (id !== this.state.selectedConnectionId) this.restartNotice.hide();
    this.state.selectedConnectionId = id;
    this.saveState();
    this.host.command('view/select', { connectionId: id ?? null });
    for (const el of this.connList.querySelectorAll<HTMLElement>('.conn')) {
      el.setAttribute('aria-selected', String(el.dataset.id === id));
    }
    this.renderHeader();
    this.refreshTabs();
  }

  private refreshTabs(): void {
    for (const id of TAB_IDS) this.tabs[id].refresh();
    this.updateCounts();
  }

  private updateCounts(): void {
    const d = this.details();
    const counts: Partial<Record<TabId, number>> = {
      tools: d?.tools.length,
      resources: d ? d.resources.length + d.resourceTemplates.length : undefined,
      prompts: d?.prompts.length,
      requests: this.requestsTab.pendingCount(this.state.selectedConnectionId) || undefined,
      tasks: this.tasksTab.runningCount(this.state.selectedConnectionId) || undefined,
      history: this.state.history.length || undefined,
    };
    for (const id of TAB_IDS) {
      const el = this.tabBar.querySelector<HTMLElement>(`[data-count-for="${id}"]`);
      if (el) el.textContent = counts[id] !== undefined ? String(counts[id]) : '';
    }
    for (const el of this.connList.querySelectorAll<HTMLElement>('[data-pending-for]')) {
      this.fillPendingTag(el);
    }
  }

  /** The connection row's count of server requests waiting for an answer (any connection, not only the selected one). */
  private pendingTag(connectionId: string): HTMLElement {
    const el = h('span', { class: 'tag pending-tag', dataset: { pendingFor: connectionId } });
    this.fillPendingTag(el);
    return el;
  }

  private fillPendingTag(el: HTMLElement): void {
    const n = this.requestsTab.pendingCount(el.dataset.pendingFor);
    el.textContent = n ? `${n} waiting` : '';
    el.title = n ? `${n} server request${n === 1 ? '' : 's'} waiting for an answer (Requests tab)` : '';
  }

  /**
   * A request the webview had not seen arrived. On the Requests tab it simply shows; elsewhere the
   * tab is badged and the arrival announced, and the view switches to it only when the user is not
   * typing (a switch under the cursor would swallow keystrokes meant for a form).
   */
  private requestArrived(r: ServerRequestView): void {
    const name = this.connections.find((c) => c.id === r.connectionId)?.name ?? 'A server';
    const what =
      r.kind === 'sampling'
        ? 'a sampling reply'
        : r.kind === 'roots'
          ? 'the roots'
          : r.kind === 'elicitation-url'
            ? 'to open a URL'
            : 'information';
    const selected = r.connectionId === this.state.selectedConnectionId;
    if (selected && this.state.tab === 'requests') return;
    if (selected && !this.userIsTyping()) {
      this.showTab('requests');
      this.announcer.textContent = `${clip(name, 100)} asks for ${what}: shown in the Requests tab.`;
      return;
    }
    this.tabBar.querySelector('[data-tab="requests"]')?.classList.add('attention');
    this.announcer.textContent = `${clip(name, 100)} asks for ${what}. Open the Requests tab${selected ? '' : ' of that connection'} to answer.`;
  }

  private userIsTyping(): boolean {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    return (
      el.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT|VSCODE-TEXT-FIELD|VSCODE-TEXT-AREA|VSCODE-DROPDOWN)$/.test(el.tagName)
    );
  }

  private renderHeader(): void {
    const c = this.connection();
    if (!c) {
      setChildren(this.header, h('div', { class: 'empty' }, this.connections.length ? 'Select a connection.' : ''));
      return;
    }
    const auth = authText(c.auth);
    setChildren(
      this.header,
      h('h1', { attrs: { 'data-role': 'connection-title' } }, clip(c.name, 200)),
      h('span', { class: `state state-${c.state}` }, icon(STATE_ICONS[c.state]), ` ${STATE_LABELS[c.state]}`),
      eraBadge(c),
      h('span', { class: 'muted mono' }, clip(c.target, 300)),
      auth ? h('span', { class: `auth ${auth.cls}` }, icon(auth.icon), ` ${clip(auth.text, 300)}`) : null,
    );
  }

  private renderConnections(): void {
    if (!this.connections.length) {
      setChildren(
        this.connList,
        h('div', { class: 'empty' }, 'No connections yet.'),
        h(
          'vscode-button',
          {
            attrs: { appearance: 'primary', 'data-action': 'add-connection' },
            on: { click: () => this.host.command('connection/add', {}) },
          },
          'Add MCP Connection',
        ),
      );
      return;
    }
    setChildren(this.connList, ...this.connections.map((c) => this.connectionRow(c)));
  }

  private connectionRow(c: ConnectionView): HTMLElement {
    const auth = authText(c.auth);
    const connected = c.state === 'connected' || c.state === 'connecting';
    const act =
      (
        method:
          | 'connection/connect'
          | 'connection/disconnect'
          | 'connection/signIn'
          | 'connection/signOut'
          | 'connection/edit',
      ) =>
      (e: MouseEvent) => {
        e.stopPropagation();
        this.host.command(method, { connectionId: c.id });
      };
    const actions = h(
      'div',
      { class: 'conn-actions' },
      connected
        ? iconButton('debug-disconnect', 'Disconnect', act('connection/disconnect'), { 'data-action': 'disconnect' })
        : iconButton('plug', 'Connect', act('connection/connect'), { 'data-action': 'connect' }),
      c.auth.state === 'sign-in-required' || c.auth.state === 'expired'
        ? iconButton('sign-in', 'Sign in', act('connection/signIn'), { 'data-action': 'sign-in' })
        : null,
      c.auth.state === 'signed-in' || c.auth.state === 'expired'
        ? iconButton('sign-out', 'Sign out', act('connection/signOut'), { 'data-action': 'sign-out' })
        : null,
      c.editable ? iconButton('edit', 'Edit connection', act('connection/edit'), { 'data-action': 'edit' }) : null,
    );
    return option(
      { class: `conn state-${c.state}`, selected: c.id === this.state.selectedConnectionId, dataset: { id: c.id } },
      () => this.selectConnection(c.id),
      h(
        'div',
        { class: 'conn-title' },
        icon(STATE_ICONS[c.state], STATE_LABELS[c.state]),
        ' ',
        h('span', { class: 'conn-name' }, clip(c.name, 100)),
        eraBadge(c),
        this.pendingTag(c.id),
      ),
      h('div', { class: 'conn-sub' }, `${TRANSPORT_LABELS[c.transport]} · ${STATE_LABELS[c.state]}`),
      auth
        ? h(
            'div',
            { class: `conn-auth ${auth.cls}`, attrs: { 'data-auth': c.auth.state } },
            icon(auth.icon),
            ` ${clip(auth.text, 200)}`,
          )
        : null,
      c.message && (c.state === 'error' || c.state === 'auth-required')
        ? h('div', { class: 'conn-message', title: c.message }, clip(c.message, 300))
        : null,
      actions,
    );
  }
}

new App();
