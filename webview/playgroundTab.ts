/**
 * Playground: chat with a VS Code language model that may call the selected connection's tools.
 * The host runs the conversation (src/extension/playground); this tab shows its transcript as it
 * streams in (`playground/changed`): the person's messages, the model's text, each tool call as a
 * card with its arguments as a JSON tree and Approve/Deny while it waits, then its result. Model and
 * server text are data: text nodes and JSON trees, never markup.
 */
import type {
  LanguageModelView,
  PlaygroundEntryView,
  PlaygroundToolCallState,
  PlaygroundView,
} from '../src/shared/protocol';
import type { AppContext, Tab } from './context';
import { button, clip, h, icon, setChildren } from './dom';
import { jsonTree, lazyText } from './jsonTree';
import { RequestError } from './rpc';

const CALL_STATE_TEXT: Record<PlaygroundToolCallState, string> = {
  pending: 'Waiting for your approval',
  running: 'Running on the server…',
  done: 'Done',
  failed: 'Failed',
  denied: 'Denied: not sent to the server',
  cancelled: 'Stopped',
};

export class PlaygroundTab implements Tab {
  readonly element = h('div', { class: 'detail playground-tab', attrs: { 'data-role': 'playground' } });
  private readonly views = new Map<string, PlaygroundView>();
  private models?: Promise<LanguageModelView[]>;
  private readonly modelSelect = h('select', {
    class: 'native-select',
    attrs: { 'aria-label': 'Language model', 'data-role': 'playground-model' },
  });
  private readonly transcript = h('div', {
    class: 'playground-transcript',
    attrs: { 'data-role': 'playground-transcript', 'aria-live': 'polite' },
  });
  private readonly input = h('textarea', {
    class: 'playground-input',
    attrs: {
      rows: 3,
      'aria-label': 'Message to the model',
      placeholder: 'Ask the model; it may call this connection’s tools (you approve each call).',
      'data-role': 'playground-input',
    },
  });
  private readonly sendButton = button(
    'Send',
    () => void this.send(),
    'primary',
    { 'data-action': 'playground-send' },
    'send',
  );
  private readonly stopButton = button(
    'Stop',
    () => void this.stop(),
    'secondary',
    { 'data-action': 'playground-stop' },
    'debug-stop',
  );
  private readonly clearButton = button(
    'New chat',
    () => void this.clear(),
    'secondary',
    { 'data-action': 'playground-clear' },
    'clear-all',
  );
  private readonly status = h('div', {
    class: 'muted',
    attrs: { 'data-role': 'playground-status', 'aria-live': 'polite' },
  });
  private readonly empty = h('div', { class: 'empty' }, 'Select a connection.');
  /** Said while the connection is not connected: the model then gets no tools. */
  private readonly offline = h(
    'div',
    { class: 'muted', attrs: { 'data-role': 'playground-offline' } },
    'Not connected: the model gets no tools until the connection is connected.',
  );
  private readonly body: HTMLElement;
  private loadedFor?: string;
  /** What went wrong last (a refused send, no model), shown while no turn runs. */
  private problem = '';

  constructor(private readonly app: AppContext) {
    this.input.addEventListener('keydown', (e) => {
      // Ctrl/Cmd+Enter sends; a plain Enter is a new line.
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.send();
      }
    });
    this.body = h(
      'div',
      { class: 'playground-body' },
      h('div', { class: 'run-bar' }, h('label', null, 'Model '), this.modelSelect, this.clearButton),
      this.offline,
      this.transcript,
      this.input,
      h('div', { class: 'run-bar' }, this.sendButton, this.stopButton),
      this.status,
    );
    this.element.append(this.empty, this.body);
    app.host.on('playground/changed', (view) => {
      this.views.set(view.connectionId, view);
      if (view.connectionId === this.app.connection()?.id) this.render();
    });
  }

  refresh(): void {
    const c = this.app.connection();
    this.empty.hidden = Boolean(c);
    this.body.hidden = !c;
    if (!c) return;
    this.offline.hidden = c.state === 'connected';
    if (this.loadedFor !== c.id) {
      this.loadedFor = c.id;
      void this.app.host.request('playground/get', { connectionId: c.id }).then(
        (view) => {
          // A notification that came first is newer.
          if (!this.views.has(view.connectionId)) this.views.set(view.connectionId, view);
          this.render();
        },
        () => undefined,
      );
    }
    this.render();
  }

  shown(): void {
    void this.loadModels();
  }

  private async loadModels(): Promise<void> {
    this.models ??= this.app.host.request('playground/models', {}).then(
      (r) => r.models,
      () => [],
    );
    const models = await this.models;
    const chosen = this.modelSelect.value;
    setChildren(
      this.modelSelect,
      ...(models.length
        ? models.map((m) =>
            h(
              'option',
              { attrs: { value: m.id } },
              clip(`${m.name} (${m.vendor}${m.family ? ` · ${m.family}` : ''})`, 200),
            ),
          )
        : [h('option', { attrs: { value: '' } }, 'No language model available')]),
    );
    if (chosen && models.some((m) => m.id === chosen)) this.modelSelect.value = chosen;
    if (!models.length) {
      this.problem =
        'VS Code offers no language model: install an extension that provides chat models (such as GitHub Copilot Chat).';
    }
    this.render();
  }

  private view(): PlaygroundView | undefined {
    const id = this.app.connection()?.id;
    return id ? this.views.get(id) : undefined;
  }

  private render(): void {
    const view = this.view();
    const busy = view !== undefined && view.state !== 'idle';
    this.toggle(this.sendButton, !busy && this.modelSelect.value !== '');
    this.toggle(this.stopButton, busy);
    setChildren(
      this.transcript,
      ...(view?.entries.length
        ? view.entries.map((e) => this.entry(e))
        : [h('div', { class: 'muted' }, 'No messages yet.')]),
    );
    this.transcript.scrollTop = this.transcript.scrollHeight;
    const stateText =
      view?.state === 'waiting'
        ? 'A tool call waits for your approval.'
        : view?.state === 'thinking'
          ? 'The model is answering…'
          : '';
    this.status.textContent = [stateText, this.problem].filter(Boolean).join(' ');
  }

  private toggle(el: HTMLElement, enabled: boolean): void {
    if (enabled) el.removeAttribute('disabled');
    else el.setAttribute('disabled', '');
  }

  private entry(e: PlaygroundEntryView): HTMLElement {
    switch (e.kind) {
      case 'user':
        return h(
          'div',
          { class: 'pg-entry pg-user', dataset: { kind: e.kind, id: e.id } },
          h('div', { class: 'pg-who' }, 'You'),
          lazyText(e.text),
        );
      case 'assistant':
        return h(
          'div',
          { class: 'pg-entry pg-assistant', dataset: { kind: e.kind, id: e.id } },
          h('div', { class: 'pg-who' }, 'Model'),
          lazyText(e.text),
        );
      case 'notice':
        return h('div', { class: 'pg-entry pg-notice muted', dataset: { kind: e.kind, id: e.id } }, e.text);
      case 'error':
        return h(
          'div',
          { class: 'pg-entry pg-error error', attrs: { role: 'alert' }, dataset: { kind: e.kind, id: e.id } },
          icon('error'),
          ` ${clip(e.message, 2000)}`,
          e.hint ? h('div', { class: 'muted' }, clip(e.hint, 1000)) : null,
        );
      case 'tool-call':
        return this.toolCall(e);
    }
  }

  private toolCall(e: Extract<PlaygroundEntryView, { kind: 'tool-call' }>): HTMLElement {
    const card = h(
      'div',
      { class: `pg-entry pg-tool-call state-${e.state}`, dataset: { kind: e.kind, id: e.id, state: e.state } },
      h(
        'div',
        { class: 'pg-who' },
        icon('tools'),
        ' Tool call ',
        h('strong', { class: 'mono', attrs: { 'data-role': 'tool-name' } }, clip(e.tool, 300)),
        ' · ',
        h('span', { attrs: { 'data-role': 'call-state' } }, CALL_STATE_TEXT[e.state]),
      ),
      h('div', { class: 'pg-args', attrs: { 'data-role': 'call-args' } }, jsonTree(e.args, 2)),
    );
    if (e.state === 'pending') {
      card.append(
        h(
          'div',
          { class: 'run-bar' },
          button('Approve', () => void this.decide(e.id, true), 'primary', { 'data-action': 'approve' }, 'check'),
          button('Deny', () => void this.decide(e.id, false), 'secondary', { 'data-action': 'deny' }, 'close'),
        ),
      );
    }
    if (e.resultText !== undefined) {
      card.append(
        h(
          'div',
          { class: `pg-result${e.isError ? ' error' : ''}`, attrs: { 'data-role': 'call-result' } },
          h('div', { class: 'muted' }, e.state === 'denied' ? 'The model was told:' : e.isError ? 'Error:' : 'Result:'),
          lazyText(e.resultText),
        ),
      );
    }
    return card;
  }

  private async send(): Promise<void> {
    const c = this.app.connection();
    const text = this.input.value.trim();
    if (!c || !text) return;
    try {
      // The transcript itself arrives in `playground/changed` (the reply may be older than a notification).
      await this.app.host.request('playground/send', {
        connectionId: c.id,
        text,
        ...(this.modelSelect.value ? { modelId: this.modelSelect.value } : {}),
      });
      this.input.value = '';
      this.problem = '';
      this.render();
    } catch (e) {
      this.fail('Could not send', e);
    }
  }

  private async decide(entryId: string, approve: boolean): Promise<void> {
    const c = this.app.connection();
    if (!c) return;
    try {
      await this.app.host.request('playground/decide', { connectionId: c.id, entryId, approve });
    } catch (e) {
      this.fail(approve ? 'Could not approve' : 'Could not deny', e);
    }
  }

  private async stop(): Promise<void> {
    const c = this.app.connection();
    if (c) {
      await this.app.host
        .request('playground/cancel', { connectionId: c.id })
        .catch((e) => this.fail('Could not stop', e));
    }
  }

  private async clear(): Promise<void> {
    const c = this.app.connection();
    if (!c) return;
    try {
      await this.app.host.request('playground/clear', { connectionId: c.id });
      this.problem = '';
      this.render();
    } catch (e) {
      this.fail('Could not start a new chat', e);
    }
  }

  private fail(what: string, e: unknown): void {
    const info = e instanceof RequestError ? e.info : { message: (e as Error).message };
    this.problem = `${what}: ${clip(info.message, 500)}${'hint' in info && info.hint ? ` ${clip(info.hint, 500)}` : ''}`;
    this.render();
  }
}
