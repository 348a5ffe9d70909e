/**
 * Requests: what the server asked of MCP Lens (elicitation, sampling, roots), one queue per
 * connection as the host reports it (`serverRequests/changed`): the pending requests first, each
 * with what asked, why, when and how long is left, and the controls to answer it; then the
 * history. Every string here came from the server: text nodes and JSON trees only. A URL an
 * elicitation asks the user to open is shown as text, never as a link: the host opens it after
 * the user consented (`elicitation-url` accept).
 */
import type {
  JsonObject,
  JsonValue,
  LanguageModelView,
  ServerRequestReply,
  ServerRequestView,
} from '../src/shared/protocol';
import type { AppContext, Tab } from './context';
import { append, button, clip, h, icon, setChildren } from './dom';
import { base64Bytes, formatBytes, formatTime } from './format';
import { SchemaFormView } from './formView';
import { formatPath, isSchemaObject, type Schema } from './jsonSchema';
import { jsonTree, lazyText } from './jsonTree';
import { RequestError } from './rpc';

const KIND_LABELS: Record<ServerRequestView['kind'], string> = {
  'elicitation-form': 'Elicitation (form)',
  'elicitation-url': 'Elicitation (URL)',
  sampling: 'Sampling',
  roots: 'Roots',
};
const KIND_ICONS: Record<ServerRequestView['kind'], string> = {
  'elicitation-form': 'question',
  'elicitation-url': 'link-external',
  sampling: 'sparkle',
  roots: 'root-folder',
};
const STATE_LABELS: Record<ServerRequestView['state'], string> = {
  pending: 'Pending',
  answered: 'Answered',
  declined: 'Declined',
  cancelled: 'Cancelled',
  'timed-out': 'Timed out',
  failed: 'Failed',
};
const STOP_REASONS = ['endTurn', 'stopSequence', 'maxTokens', 'toolUse'];

type TextControl = HTMLElement & { value: string };

/** "1:05 left", "12 s left"; "timed out" once past. */
export function countdownText(deadline: number, now: number): string {
  const left = deadline - now;
  if (left <= 0) return 'time is up';
  const s = Math.ceil(left / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} left` : `${s} s left`;
}

/** Who asked: the call in flight that caused the request, in words. */
function causeText(r: ServerRequestView): string {
  if (!r.cause) return 'no call in flight (the server asked on its own)';
  return `during ${r.cause.method}${r.cause.name ? ` ${r.cause.name}` : ''}`;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** One content block of a sampling message: text as text, media as a labelled placeholder (never rendered). */
function samplingBlock(block: JsonValue): HTMLElement {
  const b = obj(block);
  if (!b) return h('div', { class: 'sampling-block' }, jsonTree(block, 1));
  const type = str(b.type) ?? '(no type)';
  if (type === 'text') return lazyText(str(b.text) ?? '', 'text-block sampling-text');
  if (type === 'image' || type === 'audio') {
    const data = str(b.data) ?? '';
    return h(
      'div',
      { class: 'media-placeholder', attrs: { 'data-role': 'media-placeholder', 'data-type': type } },
      icon(type === 'image' ? 'file-media' : 'unmute'),
      ` ${type === 'image' ? 'Image' : 'Audio'} · ${clip(str(b.mimeType) ?? 'unknown type', 100)} · ${formatBytes(base64Bytes(data))} (not displayed)`,
    );
  }
  return h('div', { class: 'sampling-block' }, h('span', { class: 'tag' }, clip(type, 60)), jsonTree(b, 1));
}

function samplingMessages(params: JsonObject): HTMLElement {
  const messages = Array.isArray(params.messages) ? params.messages : [];
  return h(
    'ol',
    { class: 'sampling-messages', attrs: { 'data-role': 'sampling-messages' } },
    ...messages.slice(0, 500).map((m) => {
      const msg = obj(m) ?? {};
      const content = msg.content;
      const blocks = Array.isArray(content) ? content : content === undefined ? [] : [content];
      return h(
        'li',
        { class: 'sampling-message', dataset: { messageRole: clip(str(msg.role) ?? '', 40) } },
        h('div', { class: 'sampling-role' }, clip(str(msg.role) ?? '(no role)', 60)),
        ...blocks.slice(0, 100).map(samplingBlock),
      );
    }),
    messages.length === 0 ? h('li', { class: 'muted' }, 'No messages.') : null,
  );
}

function samplingFacts(params: JsonObject): HTMLElement {
  const prefs = obj(params.modelPreferences);
  const hints = Array.isArray(prefs?.hints)
    ? prefs.hints.map((x) => str(obj(x)?.name)).filter((x): x is string => !!x)
    : [];
  const priorities = (['costPriority', 'speedPriority', 'intelligencePriority'] as const)
    .filter((k) => typeof prefs?.[k] === 'number')
    .map((k) => `${k.replace('Priority', '')} ${String(prefs?.[k])}`);
  const row = (k: string, v: string | HTMLElement | undefined) =>
    v === undefined || v === '' ? [] : [h('dt', null, k), h('dd', null, typeof v === 'string' ? clip(v, 2000) : v)];
  const tools = Array.isArray(params.tools) ? params.tools : [];
  return h(
    'dl',
    { class: 'kv', attrs: { 'data-role': 'sampling-facts' } },
    ...row('Model hints', hints.length ? hints.join(', ') : undefined),
    ...row('Priorities', priorities.length ? priorities.join(' · ') : undefined),
    ...row('Max tokens', typeof params.maxTokens === 'number' ? String(params.maxTokens) : undefined),
    ...row('Temperature', typeof params.temperature === 'number' ? String(params.temperature) : undefined),
    ...row(
      'Stop sequences',
      Array.isArray(params.stopSequences) ? params.stopSequences.map((x) => JSON.stringify(x)).join(' ') : undefined,
    ),
    ...row('Include context', str(params.includeContext)),
    ...row(
      'Tools',
      tools.length
        ? h(
            'ul',
            { class: 'plain-list', attrs: { 'data-role': 'sampling-tools' } },
            ...tools.slice(0, 100).map((t) => {
              const tool = obj(t) ?? {};
              return h(
                'li',
                null,
                h('span', { class: 'mono' }, clip(str(tool.name) ?? '(no name)', 200)),
                str(tool.description) ? h('span', { class: 'muted' }, ` — ${clip(str(tool.description)!, 500)}`) : null,
              );
            }),
          )
        : undefined,
    ),
    ...row('Tool choice', params.toolChoice !== undefined ? jsonTree(params.toolChoice, 1) : undefined),
  );
}

/** The text of a CreateMessageResult's content (a block or an array of blocks). */
function resultText(result: JsonObject): string {
  const content = result.content;
  const blocks = Array.isArray(content) ? content : content === undefined ? [] : [content];
  return blocks
    .map((b) => str(obj(b)?.text))
    .filter((t): t is string => t !== undefined)
    .join('\n');
}

export class RequestsTab implements Tab {
  readonly element = h('div', { class: 'detail requests-tab', attrs: { 'data-role': 'requests' } });
  private readonly queues = new Map<string, ServerRequestView[]>();
  /** Request ids seen so far, to tell a newly arrived request from a re-sent queue. */
  private readonly seen = new Set<string>();
  /** The pending cards, kept across queue updates so a half-filled form stays as it is. */
  private readonly cards = new Map<string, HTMLElement>();
  private readonly pendingList = h('div', { class: 'request-cards', attrs: { 'data-role': 'pending-requests' } });
  private readonly historyList = h('div', { class: 'request-history', attrs: { 'data-role': 'request-history' } });
  private ticker?: number;
  private models?: Promise<LanguageModelView[]>;

  constructor(
    private readonly app: AppContext,
    /** A pending request the webview had not seen arrived (the app announces it). */
    private readonly onArrival: (request: ServerRequestView) => void,
    /** The pending count of a connection changed (the tab's badge). */
    private readonly onCountChange: () => void,
  ) {
    this.element.append(h('h2', null, 'Pending'), this.pendingList, h('h3', null, 'History'), this.historyList);
    app.host.on('serverRequests/changed', ({ connectionId, requests }) => {
      // The first report of a connection's queue is what was already there (say, the panel just
      // opened): badged, not announced as new.
      const first = !this.queues.has(connectionId);
      const arrived = first ? [] : requests.filter((r) => r.state === 'pending' && !this.seen.has(r.id));
      for (const r of requests) this.seen.add(r.id);
      this.queues.set(connectionId, requests);
      if (connectionId === this.app.connection()?.id) this.render();
      this.onCountChange();
      for (const r of arrived) this.onArrival(r);
    });
  }

  pendingCount(connectionId: string | undefined): number {
    return connectionId ? (this.queues.get(connectionId) ?? []).filter((r) => r.state === 'pending').length : 0;
  }

  refresh(): void {
    this.render();
  }

  private render(): void {
    const id = this.app.connection()?.id;
    if (!id) {
      setChildren(this.pendingList, h('div', { class: 'empty' }, 'Select a connection.'));
      this.historyList.replaceChildren();
      return;
    }
    const queue = this.queues.get(id) ?? [];
    const pending = queue.filter((r) => r.state === 'pending');
    const ended = queue.filter((r) => r.state !== 'pending');
    // Keep the cards of requests still pending on any connection (their forms may hold the
    // user's input, also while another connection is shown); drop the rest.
    for (const [rid, card] of this.cards) {
      if (![...this.queues.values()].some((q) => q.some((r) => r.id === rid && r.state === 'pending'))) {
        card.remove();
        this.cards.delete(rid);
      }
    }
    const ordered = pending.map((r) => {
      let card = this.cards.get(r.id);
      if (!card) this.cards.set(r.id, (card = this.card(r)));
      return card;
    });
    if (ordered.length) {
      this.pendingList.replaceChildren(...ordered);
    } else {
      setChildren(
        this.pendingList,
        h(
          'div',
          { class: 'empty', attrs: { 'data-role': 'no-pending' } },
          'Nothing is waiting for an answer. Requests the server makes (elicitation, sampling, roots) appear here.',
        ),
      );
    }
    setChildren(
      this.historyList,
      ...(ended.length
        ? ended.map((r) => this.historyRow(r))
        : [h('div', { class: 'muted' }, 'No answered requests yet.')]),
    );
    this.tick();
    this.scheduleTicks(pending.some((r) => r.deadline !== undefined));
  }

  private scheduleTicks(on: boolean): void {
    if (on && this.ticker === undefined) this.ticker = window.setInterval(() => this.tick(), 1000);
    else if (!on && this.ticker !== undefined) {
      window.clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  /** Updates the countdowns; a request past its deadline says so until the host reports it timed out. */
  private tick(): void {
    const now = Date.now();
    for (const el of this.pendingList.querySelectorAll<HTMLElement>('[data-deadline]')) {
      const deadline = Number(el.dataset.deadline);
      el.textContent = countdownText(deadline, now);
      const over = deadline <= now;
      el.classList.toggle('urgent', !over && deadline - now < 10_000);
      el.closest('.request-card')?.classList.toggle('expired', over);
      if (over) el.textContent = 'Time is up: the request is timing out. An answer now will probably be refused.';
    }
  }

  private header(r: ServerRequestView): HTMLElement {
    return h(
      'div',
      { class: 'request-header' },
      icon(KIND_ICONS[r.kind]),
      h('span', { class: 'request-kind' }, KIND_LABELS[r.kind]),
      h('span', { class: 'mono muted' }, r.method),
      h(
        'span',
        {
          class: 'tag',
          title: r.wire === 'request' ? 'A server→client request (2025)' : 'An input_required round (2026-07-28)',
        },
        r.wire === 'request' ? 'request' : 'input required',
      ),
      h('span', { class: 'spacer' }),
      h('span', { class: 'muted', attrs: { 'data-role': 'received' } }, `received ${formatTime(r.receivedAt)}`),
      r.state === 'pending' && r.deadline !== undefined
        ? h('span', {
            class: 'countdown',
            attrs: { 'data-role': 'countdown', 'data-deadline': r.deadline, 'aria-live': 'off' },
          })
        : null,
    );
  }

  private card(r: ServerRequestView): HTMLElement {
    const errorSlot = h('div', { class: 'answer-error', attrs: { 'data-role': 'answer-error', role: 'alert' } });
    const card = h(
      'section',
      {
        class: `request-card kind-${r.kind}`,
        dataset: { requestId: r.id, kind: r.kind },
        attrs: { 'aria-label': `${KIND_LABELS[r.kind]} request` },
      },
      this.header(r),
      h('div', { class: 'request-cause muted', attrs: { 'data-role': 'cause' } }, clip(causeText(r), 500)),
    );
    const answer = async (reply: ServerRequestReply, buttons: HTMLElement): Promise<void> => {
      errorSlot.replaceChildren();
      for (const b of buttons.querySelectorAll('vscode-button')) b.setAttribute('disabled', '');
      try {
        await this.app.host.request('serverRequest/answer', { connectionId: r.connectionId, requestId: r.id, reply });
        card.classList.add('answered');
        buttons.replaceWith(
          h('div', { class: 'muted', attrs: { 'data-role': 'answer-sent' } }, icon('check'), ' Sent.'),
        );
      } catch (e) {
        for (const b of buttons.querySelectorAll('vscode-button')) b.removeAttribute('disabled');
        const info = e instanceof RequestError ? e.info : { message: (e as Error).message, code: 'failed' };
        errorSlot.replaceChildren(
          h(
            'div',
            { class: 'notice error', attrs: { 'data-code': clip(info.code, 40) } },
            icon('error'),
            ` ${clip(info.message, 2000)} `,
            h(
              'div',
              { class: 'muted' },
              info.code === 'not-found'
                ? 'Nothing was sent: the request is no longer pending (it timed out, or the server withdrew it). Run the call again to get a new request.'
                : clip(info.hint ?? 'Try again; if it keeps failing, check the connection and the Log tab.', 1000),
            ),
          ),
        );
      }
    };
    switch (r.kind) {
      case 'elicitation-form':
        this.elicitationForm(card, r, answer);
        break;
      case 'elicitation-url':
        this.elicitationUrl(card, r, answer);
        break;
      case 'sampling':
        this.sampling(card, r, answer);
        break;
      case 'roots':
        this.roots(card, answer);
        break;
    }
    card.appendChild(errorSlot);
    return card;
  }

  private message(r: ServerRequestView): HTMLElement | null {
    const message = str(r.params.message);
    return message
      ? h('div', { class: 'request-message', attrs: { 'data-role': 'request-message' } }, clip(message, 20000))
      : null;
  }

  private elicitationForm(
    card: HTMLElement,
    r: ServerRequestView,
    answer: (reply: ServerRequestReply, buttons: HTMLElement) => Promise<void>,
  ): void {
    const schema: Schema = isSchemaObject(r.params.requestedSchema)
      ? (r.params.requestedSchema as Schema)
      : { type: 'object', properties: {} };
    const form = new SchemaFormView(schema, undefined, () => undefined);
    const props = isSchemaObject(schema) && isSchemaObject(schema.properties) ? Object.keys(schema.properties) : [];
    const summary = h('div', { attrs: { 'data-role': 'validation-summary' } });
    const buttons: HTMLElement = h(
      'div',
      { class: 'run-bar' },
      button(
        'Accept',
        () => {
          const problems = form.errors();
          if (problems.length) {
            form.showAllErrors();
            summary.replaceChildren(
              h(
                'div',
                { class: 'notice warning' },
                icon('warning'),
                ` Fix ${problems.length} problem${problems.length === 1 ? '' : 's'} before accepting (first: ${clip(formatPath(problems[0].path), 100)}: ${clip(problems[0].message, 200)}).`,
              ),
            );
            return;
          }
          summary.replaceChildren();
          void answer({ kind: 'elicitation', action: 'accept', content: form.getValue() }, buttons);
        },
        'primary',
        { 'data-action': 'accept' },
        'check',
      ),
      button('Decline', () => void answer({ kind: 'elicitation', action: 'decline' }, buttons), 'secondary', {
        'data-action': 'decline',
      }),
      button('Cancel', () => void answer({ kind: 'elicitation', action: 'cancel' }, buttons), 'secondary', {
        'data-action': 'cancel',
      }),
    );
    append(
      card,
      this.message(r),
      props.length
        ? h('div', { class: 'elicitation-form', attrs: { 'data-role': 'elicitation-form' } }, form.element)
        : h('div', { class: 'muted' }, 'The server asks for no fields: Accept only confirms.'),
      summary,
      buttons,
    );
  }

  private elicitationUrl(
    card: HTMLElement,
    r: ServerRequestView,
    answer: (reply: ServerRequestReply, buttons: HTMLElement) => Promise<void>,
  ): void {
    const url = str(r.params.url) ?? '';
    const buttons: HTMLElement = h(
      'div',
      { class: 'run-bar' },
      button(
        'Open in browser',
        () => void answer({ kind: 'elicitation-url', action: 'accept' }, buttons),
        'primary',
        { 'data-action': 'open-url' },
        'link-external',
      ),
      button('Decline', () => void answer({ kind: 'elicitation-url', action: 'decline' }, buttons), 'secondary', {
        'data-action': 'decline',
      }),
      button('Cancel', () => void answer({ kind: 'elicitation-url', action: 'cancel' }, buttons), 'secondary', {
        'data-action': 'cancel',
      }),
    );
    // The origin comes before anything else the server wrote, right under the header.
    card.insertBefore(
      h(
        'div',
        { class: 'url-origin', attrs: { 'data-role': 'url-origin' } },
        h('span', { class: 'muted' }, 'Opens a page on '),
        h('strong', { class: 'mono' }, clip(r.urlOrigin ?? '(unknown origin)', 300)),
      ),
      card.querySelector('[data-role="cause"]'),
    );
    append(
      card,
      // As text, never a link: the host opens it, after the user consented with the button below.
      h('div', { class: 'uri mono url-full', attrs: { 'data-role': 'url-full' } }, clip(url, 5000)),
      this.message(r),
      h(
        'div',
        { class: 'muted' },
        'Check the origin before opening: the server chose this address. Nothing is opened until you press Open in browser.',
      ),
      buttons,
    );
  }

  private sampling(
    card: HTMLElement,
    r: ServerRequestView,
    answer: (reply: ServerRequestReply, buttons: HTMLElement) => Promise<void>,
  ): void {
    const p = r.params;
    const text = h('vscode-text-area', {
      attrs: { rows: 6, resize: 'vertical', 'aria-label': 'Reply text', 'data-role': 'sampling-text' },
    }) as TextControl;
    const model = h('vscode-text-field', {
      attrs: { 'aria-label': 'Model name', placeholder: 'model name', 'data-role': 'sampling-model' },
    }) as TextControl;
    model.value = 'mcp-lens-user';
    const stopReason = h('select', {
      class: 'native-select',
      attrs: { 'aria-label': 'Stop reason', 'data-role': 'sampling-stop' },
    });
    for (const reason of STOP_REASONS) stopReason.appendChild(h('option', { attrs: { value: reason } }, reason));
    const modelSelect = h('select', {
      class: 'native-select',
      attrs: { 'aria-label': 'Language model', 'data-role': 'lm-select', disabled: true },
    });
    modelSelect.appendChild(h('option', { attrs: { value: '' } }, 'Loading models…'));
    const draftStatus = h('span', { class: 'muted', attrs: { 'data-role': 'draft-status', 'aria-live': 'polite' } });
    const draftButton = button(
      'Draft with language model',
      () => void draft(),
      'secondary',
      { 'data-action': 'draft', disabled: true },
      'sparkle',
    );
    const draft = async (): Promise<void> => {
      draftButton.setAttribute('disabled', '');
      draftStatus.textContent = 'Drafting… (nothing is sent to the server)';
      try {
        const { result } = await this.app.host.request('sampling/generate', {
          connectionId: r.connectionId,
          requestId: r.id,
          ...(modelSelect.value ? { modelId: modelSelect.value } : {}),
        });
        text.value = resultText(result);
        if (str(result.model)) model.value = str(result.model)!;
        if (str(result.stopReason) && STOP_REASONS.includes(str(result.stopReason)!)) {
          stopReason.value = str(result.stopReason)!;
        }
        draftStatus.textContent = 'Draft ready: review and edit it, then Send.';
      } catch (e) {
        const info = e instanceof RequestError ? e.info : { message: (e as Error).message, code: 'failed' };
        draftStatus.textContent = `Could not draft: ${clip(info.message, 500)} Write the reply yourself, or pick another model.`;
      } finally {
        draftButton.removeAttribute('disabled');
      }
    };
    void this.languageModels().then((models) => {
      modelSelect.replaceChildren(
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
      if (models.length) {
        modelSelect.removeAttribute('disabled');
        draftButton.removeAttribute('disabled');
      } else {
        draftStatus.textContent = 'No VS Code language model is installed: write the reply yourself.';
      }
    });
    const reason = h('vscode-text-field', {
      attrs: {
        'aria-label': 'Reason for declining (optional)',
        placeholder: 'reason (optional)',
        'data-role': 'decline-reason',
      },
    }) as TextControl;
    const problem = h('div', { class: 'field-error', attrs: { role: 'alert', 'data-role': 'sampling-problem' } });
    const buttons: HTMLElement = h(
      'div',
      { class: 'run-bar' },
      button(
        'Send',
        () => {
          if (!model.value.trim()) {
            problem.textContent = 'Enter the model name the reply claims to come from (CreateMessageResult.model).';
            return;
          }
          problem.textContent = '';
          void answer(
            {
              kind: 'sampling',
              action: 'send',
              result: {
                role: 'assistant',
                content: { type: 'text', text: text.value },
                model: model.value.trim(),
                stopReason: stopReason.value,
              },
            },
            buttons,
          );
        },
        'primary',
        { 'data-action': 'send' },
        'send',
      ),
      reason,
      button(
        'Decline',
        () =>
          void answer(
            { kind: 'sampling', action: 'decline', ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) },
            buttons,
          ),
        'secondary',
        { 'data-action': 'decline' },
      ),
    );
    const systemPrompt = str(p.systemPrompt);
    append(
      card,
      h('h4', null, 'Messages'),
      samplingMessages(p),
      systemPrompt
        ? h(
            'div',
            { attrs: { 'data-role': 'system-prompt' } },
            h('h4', null, 'System prompt'),
            lazyText(systemPrompt, 'text-block'),
          )
        : null,
      samplingFacts(p),
      h(
        'div',
        { class: 'sampling-editor', attrs: { 'data-role': 'sampling-editor' } },
        h('h4', null, 'Your reply (role: assistant)'),
        h('div', { class: 'toolbar' }, modelSelect, draftButton, draftStatus),
        text,
        h('div', { class: 'toolbar' }, h('label', null, 'Model ', model), h('label', null, 'Stop reason ', stopReason)),
        problem,
      ),
      buttons,
    );
  }

  private roots(card: HTMLElement, answer: (reply: ServerRequestReply, buttons: HTMLElement) => Promise<void>): void {
    const roots = this.app.details()?.roots?.roots ?? [];
    const buttons: HTMLElement = h(
      'div',
      { class: 'run-bar' },
      button('Send roots', () => void answer({ kind: 'roots', action: 'send' }, buttons), 'primary', {
        'data-action': 'send-roots',
      }),
      button('Decline', () => void answer({ kind: 'roots', action: 'decline' }, buttons), 'secondary', {
        'data-action': 'decline',
      }),
    );
    append(
      card,
      h(
        'div',
        null,
        `The server asks for the roots. ${roots.length} root${roots.length === 1 ? '' : 's'} would be sent:`,
      ),
      h('ul', { class: 'plain-list mono' }, ...roots.map((root) => h('li', null, clip(root.uri, 2000)))),
      buttons,
    );
  }

  private historyRow(r: ServerRequestView): HTMLElement {
    const auto = r.kind === 'roots' && r.state === 'answered';
    return h(
      'details',
      { class: `request-row state-${r.state}`, dataset: { requestId: r.id, state: r.state, kind: r.kind } },
      h(
        'summary',
        null,
        icon(KIND_ICONS[r.kind]),
        ' ',
        h('span', { class: 'request-kind' }, KIND_LABELS[r.kind]),
        ' ',
        h('span', { class: `tag state-tag state-${r.state}` }, STATE_LABELS[r.state]),
        auto ? h('span', { class: 'tag', attrs: { 'data-role': 'auto-answered' } }, 'answered automatically') : null,
        ' ',
        h('span', { class: 'muted', attrs: { 'data-role': 'outcome' } }, clip(r.outcome ?? '', 500)),
        h('span', { class: 'spacer' }),
        h(
          'span',
          { class: 'muted' },
          `${formatTime(r.receivedAt)}${r.answeredAt ? ` → ${formatTime(r.answeredAt)}` : ''}`,
        ),
      ),
      h('div', { class: 'request-cause muted' }, `${r.method}, ${clip(causeText(r), 500)}`),
      r.kind === 'elicitation-url' && r.urlOrigin
        ? h('div', null, 'Origin: ', h('span', { class: 'mono' }, clip(r.urlOrigin, 300)))
        : null,
      jsonTree(r.params, 1),
    );
  }

  private languageModels(): Promise<LanguageModelView[]> {
    this.models ??= this.app.host.request('sampling/models', {}).then(
      (r) => r.models,
      () => [],
    );
    return this.models;
  }
}
