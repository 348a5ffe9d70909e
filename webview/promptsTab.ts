/** Prompts: the list, an argument form (strings, required markers, descriptions), Get, and the messages returned. */
import type { HistoryEntry, JsonObject, PromptView } from '../src/shared/protocol';
import { attachCompletions, canComplete } from './completions';
import { saveCheckControl } from './checksTab';
import type { AppContext, Tab } from './context';
import { newId } from './context';
import { button, clip, h, icon, option, setChildren } from './dom';
import { listCacheTag, outcomeMeta } from './era';
import { formatDuration } from './format';
import { promptMessages } from './results';
import { RequestError } from './rpc';
import { matchesFilter } from './schemaForm';

export class PromptsTab implements Tab {
  readonly element: HTMLElement;
  private readonly search = h('vscode-text-field', {
    attrs: { placeholder: 'Filter prompts', 'aria-label': 'Filter prompts' },
  }) as HTMLElement & { value: string };
  private readonly list = h('div', {
    class: 'item-list',
    attrs: { role: 'listbox', 'aria-label': 'Prompts', 'data-role': 'prompt-list' },
  });
  private readonly detail = h('div', { class: 'detail', attrs: { 'data-role': 'prompt-detail' } });
  private prompts: PromptView[] = [];
  private selected?: string;
  private values: Record<string, string> = {};

  constructor(private readonly app: AppContext) {
    this.element = h('div', { class: 'split' }, h('div', { class: 'list-pane' }, this.search, this.list), this.detail);
    this.search.addEventListener('input', () => this.renderList());
  }

  refresh(): void {
    this.prompts = this.app.details()?.prompts ?? [];
    this.renderList();
    const want = this.selected ?? this.app.state.selectedPrompt;
    if (want && this.prompts.some((p) => p.name === want)) {
      if (want !== this.selected) this.select(want);
    } else {
      this.selected = undefined;
      setChildren(
        this.detail,
        h(
          'div',
          { class: 'empty' },
          this.prompts.length
            ? 'Select a prompt.'
            : this.app.connection()?.state === 'connected'
              ? 'This server offers no prompts.'
              : 'Connect to see the prompts.',
        ),
      );
    }
  }

  focusItem(name: string): void {
    this.select(name);
  }

  rerun(entry: HistoryEntry, args: JsonObject): void {
    this.select(entry.target);
    if (this.selected !== entry.target) return;
    this.values = Object.fromEntries(
      Object.entries(args).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const prompt = this.prompts.find((p) => p.name === entry.target);
    if (prompt) this.showPrompt(prompt);
    void this.get();
  }

  private renderList(): void {
    const q = this.search.value ?? '';
    const hint = listCacheTag(this.app.details()?.listCache?.prompts);
    this.list.replaceChildren(
      ...(hint ? [h('div', { class: 'list-heading' }, `Prompts (${this.prompts.length}) `, hint)] : []),
      ...this.prompts
        .filter((p) => !q || matchesFilter(`${p.name} ${p.title ?? ''} ${p.description ?? ''}`.toLowerCase(), q))
        .map((p) =>
          option(
            { class: 'item', selected: p.name === this.selected, dataset: { name: clip(p.name, 1000) } },
            () => this.select(p.name),
            h(
              'div',
              { class: 'item-title' },
              icon('comment-discussion'),
              ' ',
              h('span', { class: 'item-name' }, clip(p.title ?? p.name, 120)),
            ),
            p.description ? h('div', { class: 'item-desc' }, clip(p.description, 160)) : null,
          ),
        ),
    );
  }

  private select(name: string): void {
    const prompt = this.prompts.find((p) => p.name === name);
    if (!prompt) return;
    if (this.selected !== name) this.values = {};
    this.selected = name;
    this.app.state.selectedPrompt = name;
    this.app.saveState();
    for (const el of this.list.querySelectorAll<HTMLElement>('.item')) {
      el.setAttribute('aria-selected', String(el.dataset.name === name));
    }
    this.showPrompt(prompt);
  }

  private showPrompt(p: PromptView): void {
    const complete = canComplete(this.app.details());
    const fields = p.arguments.map((a) => {
      const field = h('vscode-text-field', { attrs: { 'data-arg': clip(a.name, 200) } }) as HTMLElement & {
        value: string;
      };
      field.value = this.values[a.name] ?? '';
      const error = h('div', { class: 'field-error', attrs: { role: 'alert' } });
      field.addEventListener('input', () => {
        if (field.value === '') delete this.values[a.name];
        else this.values[a.name] = field.value;
        error.textContent = '';
      });
      const suggestions = complete
        ? attachCompletions(
            this.app,
            field,
            { type: 'ref/prompt', name: p.name },
            a.name,
            () => Object.fromEntries(Object.entries(this.values).filter(([k]) => k !== a.name)),
            (value) => {
              this.values[a.name] = value;
              error.textContent = '';
            },
          )
        : null;
      return h(
        'div',
        { class: 'field', dataset: { arg: clip(a.name, 200) } },
        h(
          'label',
          { class: 'field-label' },
          h('span', { class: 'field-name' }, clip(a.name, 200)),
          a.required ? h('span', { class: 'required', attrs: { 'aria-label': 'required' } }, '*') : null,
          h('span', { class: 'field-type' }, 'string'),
        ),
        field,
        suggestions,
        a.description ? h('div', { class: 'field-help' }, clip(a.description, 5000)) : null,
        error,
      );
    });
    setChildren(
      this.detail,
      h('div', { class: 'detail-header' }, h('h2', null, clip(p.title ?? p.name, 300))),
      p.title ? h('div', { class: 'mono muted' }, clip(p.name, 500)) : null,
      p.description ? h('div', { class: 'description' }, clip(p.description, 20000)) : null,
      h(
        'div',
        { class: 'schema-form' },
        ...(fields.length ? fields : [h('div', { class: 'muted' }, 'This prompt takes no arguments.')]),
      ),
      h(
        'div',
        { class: 'run-bar' },
        button('Get prompt', () => void this.get(), 'primary', { 'data-action': 'get' }, 'play'),
        h('span', { class: 'muted', attrs: { 'data-role': 'run-status' } }),
      ),
      h('div', { class: 'result-slot', attrs: { 'data-role': 'result' } }),
    );
  }

  private async get(): Promise<void> {
    const prompt = this.prompts.find((p) => p.name === this.selected);
    const connection = this.app.connection();
    if (!prompt || !connection) return;
    // Required arguments (prompts/get: `required` on PromptArgument) are checked before asking the server.
    const missing = prompt.arguments.filter((a) => a.required && !(a.name in this.values));
    for (const a of missing) {
      const slot = [...this.detail.querySelectorAll<HTMLElement>('.field')]
        .find((f) => f.dataset.arg === clip(a.name, 200))
        ?.querySelector('.field-error');
      if (slot) slot.textContent = 'Required.';
    }
    if (missing.length) return;
    const args = { ...this.values };
    const slot = this.detail.querySelector<HTMLElement>('[data-role="result"]');
    slot?.replaceChildren(h('vscode-progress-ring'));
    const entry: HistoryEntry = {
      id: newId(),
      kind: 'prompt',
      connectionId: connection.id,
      connectionName: connection.name,
      target: prompt.name,
      args,
      startedAt: Date.now(),
      status: 'running',
    };
    this.app.addHistory(entry);
    const started = performance.now();
    try {
      const outcome = await this.app.host.request('prompts/get', {
        connectionId: connection.id,
        name: prompt.name,
        args,
        callId: entry.id,
      });
      entry.status = 'ok';
      entry.durationMs = outcome.durationMs;
      entry.result = outcome.result;
      slot?.replaceChildren(
        h(
          'div',
          { class: 'result-header is-ok' },
          icon('pass'),
          h('span', null, 'Prompt'),
          h('span', { class: 'duration' }, formatDuration(outcome.durationMs)),
          outcomeMeta(outcome),
          h('span', { class: 'spacer' }),
          button('Copy', () => this.app.copy(JSON.stringify(outcome.result, null, 2)), 'secondary', {}, 'copy'),
        ),
        promptMessages(outcome.result, this.app.resultContext(connection.id)),
      );
    } catch (e) {
      const info = e instanceof RequestError ? e.info : { message: (e as Error).message, code: 'failed' };
      entry.status = 'error';
      entry.error = info;
      entry.durationMs = performance.now() - started;
      slot?.replaceChildren(
        h(
          'div',
          { class: 'notice error', attrs: { 'data-role': 'call-error' } },
          icon('error'),
          ` ${clip(info.message, 5000)}`,
        ),
      );
    } finally {
      this.app.updateHistory(entry);
      const saveCheck = saveCheckControl(this.app, entry);
      if (saveCheck) slot?.appendChild(saveCheck);
    }
  }
}
