/**
 * Auth: the token vault and the OAuth flow debugger of an HTTP connection.
 * The vault shows facts the host decoded (issuer, client and how it was obtained, scopes, an
 * expiry countdown, JWT claims); its actions are requests the host carries out — "copy" asks in a
 * modal and copies in the host, so the token never comes here. The debugger shows the host's
 * trace: eight steps, each with its checks, spec citations, timing and masked HTTP exchanges.
 * Every server string is text (dom.ts).
 */
import {
  FLOW_STEP_ORDER,
  FLOW_STEP_TITLES,
  type ClientSourceView,
  type FlowCheckStatus,
  type FlowExchangeView,
  type FlowStepId,
  type FlowStepView,
  type FlowTraceView,
  type VaultView,
} from '../src/shared/protocol';
import type { AppContext, Tab } from './context';
import { button, clip, h, icon, setChildren } from './dom';
import { formatDuration, formatTime } from './format';
import { jsonTree, lazyText } from './jsonTree';
import { RequestError } from './rpc';

const STATUS_ICONS: Record<FlowCheckStatus | 'pending' | 'waiting' | 'running', string> = {
  pass: 'pass-filled',
  warn: 'warning',
  fail: 'error',
  skip: 'debug-step-over',
  pending: 'circle-outline',
  waiting: 'debug-pause',
  running: 'loading',
};
const STATUS_LABELS: Record<FlowCheckStatus | 'pending' | 'waiting' | 'running', string> = {
  pass: 'passed',
  warn: 'warning',
  fail: 'failed',
  skip: 'skipped',
  pending: 'not run',
  waiting: 'waiting for Next',
  running: 'running',
};
const SOURCE_LABELS: Record<ClientSourceView, string> = {
  'pre-registered': 'pre-registered client',
  'client-id-metadata-document': 'Client ID Metadata Document',
  'dynamic-registration': 'dynamic client registration (RFC 7591)',
  'client-credentials': 'client credentials',
  'cross-app-access': 'cross-app access',
};
const TRACE_STATES: Record<FlowTraceView['state'], string> = {
  running: 'Running…',
  paused: 'Paused',
  succeeded: 'Signed in',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** "in 4 min 05 s" / "expired 12 s ago", to the second. */
export function countdown(expiresAt: number, now = Date.now()): string {
  const left = Math.round((expiresAt - now) / 1000);
  const abs = Math.abs(left);
  const hours = Math.floor(abs / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  const seconds = abs % 60;
  const text = hours
    ? `${hours} h ${String(minutes).padStart(2, '0')} min`
    : minutes
      ? `${minutes} min ${String(seconds).padStart(2, '0')} s`
      : `${seconds} s`;
  return left >= 0 ? `in ${text}` : `expired ${text} ago`;
}

export class AuthTab implements Tab {
  readonly element = h('div', { class: 'detail auth-tab', attrs: { 'data-role': 'auth' } });
  private readonly vaultEl = h('section', {
    class: 'vault',
    attrs: { 'data-role': 'vault', 'aria-label': 'Token vault' },
  });
  private readonly debuggerEl = h('section', {
    class: 'flow-debugger',
    attrs: { 'data-role': 'debugger', 'aria-label': 'Sign-in debugger' },
  });
  private vault?: VaultView | null;
  private trace?: FlowTraceView | null;
  private shownFor?: string;
  private message?: { text: string; cls: string };
  /** The outcome of the last export, shown under the debugger's buttons. */
  private debugMessage?: { text: string; cls: string };
  private timer?: number;
  /** Which steps the user expanded, so a re-render keeps them open. */
  private readonly open = new Set<FlowStepId>();
  private loadSeq = 0;
  /** The selection or the connections changed while the tab was hidden. */
  private vaultStale = false;

  constructor(private readonly app: AppContext) {
    app.host.on('auth/trace', ({ connectionId, trace }) => {
      if (connectionId !== this.app.connection()?.id) return;
      const wasRunning = this.trace && (this.trace.state === 'running' || this.trace.state === 'paused');
      this.trace = trace;
      // A new step result opens by itself while stepping, so Next shows what just happened.
      const last = trace.steps[trace.steps.length - 1];
      if (last && trace.mode === 'step') this.open.add(last.id);
      this.renderDebugger();
      if (wasRunning && trace.state !== 'running' && trace.state !== 'paused') void this.loadVault();
    });
    this.timer = window.setInterval(() => this.tick(), 1000);
  }

  refresh(): void {
    const c = this.app.connection();
    if (!c) {
      setChildren(this.element, h('div', { class: 'empty' }, 'Select a connection.'));
      this.shownFor = undefined;
      return;
    }
    if (c.transport === 'stdio') {
      setChildren(
        this.element,
        h(
          'div',
          { class: 'empty', attrs: { 'data-role': 'auth-not-http' } },
          'OAuth applies to HTTP connections; this one runs a local process.',
        ),
      );
      this.shownFor = c.id;
      return;
    }
    if (this.shownFor !== c.id) {
      this.shownFor = c.id;
      this.vault = undefined;
      this.trace = undefined;
      this.message = undefined;
      this.debugMessage = undefined;
      this.open.clear();
      setChildren(
        this.element,
        h('h3', null, icon('key'), ' Token vault'),
        this.vaultEl,
        h('h3', null, icon('debug-alt'), ' Sign-in debugger'),
        this.debuggerEl,
      );
      this.renderDebugger();
      void this.loadTrace();
    }
    // The vault is read from secret storage: connections change often (any status, any list), so
    // only a visible tab reads it; a hidden one catches up when it is shown.
    if (this.isVisible()) void this.loadVault();
    else this.vaultStale = true;
  }

  shown(): void {
    if (!this.vaultStale) return;
    this.vaultStale = false;
    void this.loadVault();
  }

  private isVisible(): boolean {
    return this.element.closest<HTMLElement>('.tab-panel')?.hidden !== true;
  }

  private async loadVault(): Promise<void> {
    const c = this.app.connection();
    if (!c || c.transport === 'stdio') return;
    const seq = ++this.loadSeq;
    try {
      const { vault } = await this.app.host.request('auth/vault', { connectionId: c.id });
      if (seq !== this.loadSeq || this.shownFor !== c.id) return;
      this.vault = vault;
    } catch (e) {
      this.message = { text: `The vault could not be read: ${(e as Error).message}`, cls: 'bad' };
    }
    this.renderVault();
  }

  private async loadTrace(): Promise<void> {
    const c = this.app.connection();
    if (!c) return;
    const { trace } = await this.app.host.request('auth/trace', { connectionId: c.id });
    if (this.shownFor !== c.id || this.trace) return;
    this.trace = trace;
    this.renderDebugger();
  }

  // ---- vault ----

  private tick(): void {
    const el = this.vaultEl.querySelector<HTMLElement>('[data-role="countdown"]');
    const at = Number(el?.dataset.expiresAt);
    if (el && at) el.textContent = countdown(at);
  }

  private async act(
    method: 'auth/refreshNow' | 'auth/revoke' | 'auth/forgetRegistration',
    done: string,
  ): Promise<void> {
    const c = this.app.connection();
    if (!c) return;
    this.message = { text: 'Working…', cls: 'muted' };
    this.renderVault();
    try {
      const { vault } = await this.app.host.request(method, { connectionId: c.id });
      this.vault = vault;
      this.message = { text: done, cls: 'ok' };
    } catch (e) {
      this.message = { text: e instanceof RequestError ? e.info.message : (e as Error).message, cls: 'bad' };
    }
    this.renderVault();
  }

  private async copyToken(): Promise<void> {
    const c = this.app.connection();
    if (!c) return;
    try {
      const { copied } = await this.app.host.request('auth/copyToken', { connectionId: c.id });
      this.message = copied
        ? { text: 'The access token is on the clipboard. Treat it like a password.', cls: 'warn' }
        : { text: 'Not copied.', cls: 'muted' };
    } catch (e) {
      this.message = { text: (e as Error).message, cls: 'bad' };
    }
    this.renderVault();
  }

  private renderVault(): void {
    const v = this.vault;
    const rows: HTMLElement[] = [];
    const row = (k: string, value: string | HTMLElement, role?: string) => {
      rows.push(
        h('dt', null, k),
        h('dd', role ? { attrs: { 'data-field': role } } : null, typeof value === 'string' ? clip(value, 2000) : value),
      );
    };
    if (v === undefined) {
      setChildren(this.vaultEl, h('div', { class: 'muted' }, 'Loading…'));
      return;
    }
    const message = this.message
      ? h(
          'div',
          { class: `vault-message ${this.message.cls}`, attrs: { 'data-role': 'vault-message', role: 'status' } },
          clip(this.message.text, 500),
        )
      : null;
    if (!v || v.state === 'none') {
      if (v?.issuer) row('Issuer', v.issuer, 'issuer');
      if (v?.registration) {
        row(
          'Registration',
          `${v.registration.clientId}, registered ${formatTime(v.registration.registeredAt)}`,
          'registration',
        );
      }
      setChildren(
        this.vaultEl,
        h(
          'div',
          { class: 'muted', attrs: { 'data-role': 'vault-empty' } },
          'Not signed in: no token is stored for this server.',
        ),
        rows.length ? h('dl', { class: 'kv' }, ...rows) : null,
        h(
          'div',
          { class: 'button-row' },
          v?.registration
            ? button(
                'Forget Registration',
                () => void this.act('auth/forgetRegistration', 'The client registration was forgotten.'),
                'secondary',
                { 'data-action': 'vault-forget' },
                'trash',
              )
            : null,
        ),
        message,
      );
      return;
    }
    row('Issuer', v.issuer ?? '', 'issuer');
    row('Client id', v.clientId ?? '', 'client-id');
    row('Obtained by', v.clientSource ? SOURCE_LABELS[v.clientSource] : 'unknown', 'client-source');
    row('Scopes', v.scopes.length ? v.scopes.join(' ') : '(none)', 'scopes');
    const expiry = v.expiresAt
      ? h(
          'span',
          {
            attrs: { 'data-role': 'countdown', 'data-expires-at': String(v.expiresAt) },
            dataset: { expiresAt: String(v.expiresAt) },
          },
          countdown(v.expiresAt),
        )
      : h('span', { class: 'muted' }, 'not given by the server');
    row(
      'Expires',
      h('span', null, expiry, v.expiresAt ? h('span', { class: 'muted' }, ` (${formatTime(v.expiresAt)})`) : null),
      'expires',
    );
    if (v.obtainedAt) row('Obtained', formatTime(v.obtainedAt), 'obtained');
    row('Refresh token', v.hasRefreshToken ? 'yes (kept in secret storage)' : 'no', 'refresh');
    row(
      'Token format',
      v.tokenFormat === 'jwt' ? 'JWT (claims below, decoded by the extension, signature not shown)' : 'opaque',
      'format',
    );
    if (v.registration) {
      row(
        'Registration',
        `${v.registration.clientId}, registered ${formatTime(v.registration.registeredAt)}; redirect ${v.registration.redirectUris.join(', ')}`,
        'registration',
      );
    }
    row(
      'Revocation',
      v.revocationEndpoint ? `RFC 7009 at ${v.revocationEndpoint}` : 'not offered: Revoke only deletes the token here',
      'revocation',
    );
    setChildren(
      this.vaultEl,
      h('dl', { class: 'kv' }, ...rows),
      v.jwt
        ? h(
            'div',
            { class: 'jwt', attrs: { 'data-role': 'jwt' } },
            h('h4', null, 'JWT header'),
            jsonTree(v.jwt.header, 2),
            h('h4', null, 'JWT claims'),
            jsonTree(v.jwt.payload, 2),
          )
        : null,
      h(
        'div',
        { class: 'button-row' },
        button(
          'Refresh Now',
          () => void this.act('auth/refreshNow', 'The access token was refreshed.'),
          'secondary',
          { 'data-action': 'vault-refresh', disabled: !v.hasRefreshToken },
          'refresh',
        ),
        button('Copy Access Token…', () => void this.copyToken(), 'secondary', { 'data-action': 'vault-copy' }, 'copy'),
        button(
          'Revoke',
          () => void this.act('auth/revoke', 'Signed out: the tokens were revoked and deleted.'),
          'secondary',
          { 'data-action': 'vault-revoke' },
          'sign-out',
        ),
        v.registration || v.clientSource === 'dynamic-registration'
          ? button(
              'Forget Registration',
              () => void this.act('auth/forgetRegistration', 'The client registration was forgotten.'),
              'secondary',
              { 'data-action': 'vault-forget' },
              'trash',
            )
          : null,
      ),
      message,
    );
  }

  // ---- debugger ----

  private command(method: 'auth/debug/next' | 'auth/debug/continue' | 'auth/debug/cancel'): void {
    const c = this.app.connection();
    if (c) this.app.host.command(method, { connectionId: c.id });
  }

  private start(mode: 'step' | 'run'): void {
    const c = this.app.connection();
    if (!c) return;
    this.open.clear();
    this.debugMessage = undefined;
    this.trace = { resource: c.target, serverName: c.name, mode, state: 'running', startedAt: Date.now(), steps: [] };
    this.renderDebugger();
    this.app.host.command('auth/debug/start', { connectionId: c.id, mode });
  }

  private async exportTrace(format: 'markdown' | 'json'): Promise<void> {
    const c = this.app.connection();
    if (!c) return;
    try {
      const { saved } = await this.app.host.request('auth/export', { connectionId: c.id, format });
      this.debugMessage = saved
        ? { text: `Exported as ${format === 'markdown' ? 'Markdown' : 'JSON'} (secrets removed).`, cls: 'ok' }
        : undefined;
    } catch (e) {
      this.debugMessage = {
        text: `The trace could not be exported: ${e instanceof RequestError ? e.info.message : (e as Error).message}`,
        cls: 'bad',
      };
    }
    this.renderDebugger();
  }

  private renderDebugger(): void {
    const t = this.trace;
    const active = t?.state === 'running' || t?.state === 'paused';
    const controls = h(
      'div',
      { class: 'button-row', attrs: { 'data-role': 'debug-controls' } },
      ...(active
        ? [
            button(
              'Next',
              () => this.command('auth/debug/next'),
              'primary',
              { 'data-action': 'debug-next', disabled: t?.state !== 'paused' },
              'debug-step-over',
            ),
            button(
              'Continue',
              () => this.command('auth/debug/continue'),
              'secondary',
              { 'data-action': 'debug-continue', disabled: t?.state !== 'paused' },
              'debug-continue',
            ),
            button(
              'Cancel',
              () => this.command('auth/debug/cancel'),
              'secondary',
              { 'data-action': 'debug-cancel' },
              'debug-stop',
            ),
          ]
        : [
            button(
              'Step Through Sign-in',
              () => this.start('step'),
              'primary',
              { 'data-action': 'debug-step' },
              'debug-step-into',
            ),
            button('Run Sign-in', () => this.start('run'), 'secondary', { 'data-action': 'debug-run' }, 'run-all'),
            t
              ? button(
                  'Export Markdown',
                  () => void this.exportTrace('markdown'),
                  'secondary',
                  { 'data-action': 'export-markdown' },
                  'markdown',
                )
              : null,
            t
              ? button(
                  'Export JSON',
                  () => void this.exportTrace('json'),
                  'secondary',
                  { 'data-action': 'export-json' },
                  'json',
                )
              : null,
          ]),
    );
    if (!t) {
      setChildren(
        this.debuggerEl,
        h(
          'p',
          { class: 'muted' },
          'Runs the sign-in one step at a time (or straight through) and shows every request, its timing and the spec checks it passed. The browser opens at the Callback step, as for a normal sign-in.',
        ),
        controls,
      );
      return;
    }
    const state = h(
      'div',
      { class: `debug-state state-${t.state}`, attrs: { 'data-role': 'debug-state', role: 'status' } },
      `${TRACE_STATES[t.state]}${t.state === 'paused' && t.next ? ` before step ${t.next.index}: ${t.next.title}` : ''}`,
      t.error ? h('span', { class: 'bad' }, ` — ${clip(t.error, 1000)}`) : null,
      h(
        'span',
        { class: 'muted' },
        ` · started ${formatTime(t.startedAt)}${t.finishedAt ? ` · ${formatDuration(t.finishedAt - t.startedAt)}` : ''}`,
      ),
    );
    const byId = new Map(t.steps.map((s) => [s.id, s]));
    const list = h(
      'ol',
      { class: 'flow-steps', attrs: { 'data-role': 'flow-steps' } },
      ...FLOW_STEP_ORDER.map((id, i) => this.stepItem(id, i + 1, byId.get(id), t)),
    );
    const message = this.debugMessage
      ? h(
          'div',
          { class: `vault-message ${this.debugMessage.cls}`, attrs: { 'data-role': 'debug-message', role: 'status' } },
          clip(this.debugMessage.text, 1000),
        )
      : null;
    setChildren(this.debuggerEl, controls, message, state, list);
  }

  private stepItem(id: FlowStepId, index: number, step: FlowStepView | undefined, t: FlowTraceView): HTMLElement {
    const waiting = t.next?.id === id;
    const status = step ? step.status : waiting ? (t.state === 'paused' ? 'waiting' : 'running') : 'pending';
    const head = h(
      step ? 'summary' : 'div',
      { class: 'flow-step-head' },
      icon(STATUS_ICONS[status], STATUS_LABELS[status]),
      h('span', { class: 'step-title' }, ` ${index}. ${FLOW_STEP_TITLES[id]}`),
      h('span', { class: `step-status status-${status}` }, ` ${STATUS_LABELS[status]}`),
      step ? h('span', { class: 'muted step-time' }, ` · ${formatDuration(step.durationMs)}`) : null,
      step ? h('div', { class: 'step-summary' }, clip(step.summary, 1000)) : null,
    );
    const li = h('li', { class: `flow-step status-${status}`, attrs: { 'data-step': id, 'data-status': status } });
    if (!step) {
      li.appendChild(head);
      return li;
    }
    const details = h('details', null, head, this.stepBody(step));
    if (this.open.has(id)) details.open = true;
    details.addEventListener('toggle', () => (details.open ? this.open.add(id) : this.open.delete(id)));
    li.appendChild(details);
    return li;
  }

  private stepBody(step: FlowStepView): HTMLElement {
    return h(
      'div',
      { class: 'step-body' },
      step.checks.length
        ? h(
            'ul',
            { class: 'checks', attrs: { 'data-role': 'checks' } },
            ...step.checks.map((c) =>
              h(
                'li',
                { class: `check check-${c.status}`, attrs: { 'data-check': c.status } },
                icon(STATUS_ICONS[c.status], STATUS_LABELS[c.status]),
                ` ${clip(c.summary, 2000)}`,
                c.spec ? h('span', { class: 'spec', attrs: { 'data-role': 'spec' } }, ` ${clip(c.spec, 300)}`) : null,
                c.fix ? h('div', { class: 'fix' }, `Fix: ${clip(c.fix, 2000)}`) : null,
              ),
            ),
          )
        : null,
      step.params?.length
        ? h(
            'table',
            { class: 'params', attrs: { 'data-role': 'params' } },
            h(
              'thead',
              null,
              h('tr', null, h('th', null, 'Parameter'), h('th', null, 'Value'), h('th', null, 'Meaning')),
            ),
            h(
              'tbody',
              null,
              ...step.params.map((p) =>
                h(
                  'tr',
                  { attrs: { 'data-param': p.name } },
                  h('td', { class: 'mono' }, clip(p.name, 200)),
                  h('td', { class: 'mono' }, clip(p.value, 2000)),
                  h('td', null, clip(p.meaning, 500)),
                ),
              ),
            ),
          )
        : null,
      step.details.length
        ? h('ul', { class: 'step-details' }, ...step.details.map((d) => h('li', { class: 'mono' }, clip(d, 2000))))
        : null,
      ...step.exchanges.map((e, i) => this.exchange(e, i)),
    );
  }

  private exchange(e: FlowExchangeView, i: number): HTMLElement {
    const headers = (hs: Record<string, string>) =>
      Object.entries(hs)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
    const browser = !e.response && !e.error;
    return h(
      'div',
      { class: 'exchange', attrs: { 'data-role': 'exchange', 'data-index': i } },
      h(
        'div',
        { class: 'exchange-request mono' },
        h('strong', null, e.request.method),
        ` ${clip(e.request.url, 4000)}`,
      ),
      Object.keys(e.request.headers).length ? lazyText(headers(e.request.headers), 'text-block headers') : null,
      e.request.body ? lazyText(e.request.body, 'text-block body') : null,
      e.response
        ? h(
            'div',
            {
              class: `exchange-response mono ${e.response.status >= 400 ? 'bad' : 'ok'}`,
              attrs: { 'data-status': e.response.status },
            },
            `HTTP ${e.response.status} · ${formatDuration(e.durationMs)}`,
          )
        : h(
            'div',
            { class: 'exchange-response muted' },
            browser
              ? 'Opened in the system browser (no request from the extension).'
              : `No response: ${clip(e.error ?? '', 1000)}`,
          ),
      e.response && Object.keys(e.response.headers).length
        ? lazyText(headers(e.response.headers), 'text-block headers')
        : null,
      e.response?.body ? lazyText(e.response.body, 'text-block body') : null,
    );
  }

  dispose(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
  }
}
