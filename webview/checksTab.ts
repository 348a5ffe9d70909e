/**
 * Saved checks in the inspector. The Checks tab lists the checks of the workspace files that stand
 * for the selected connection (`.vscode/mcp-lens/*.json`), with Run per check and Run all, each
 * result showing ✔/✘, its duration and the failed assertions. `saveCheckControl` is the "Save as
 * check" action under a call's result: it asks the file and the name, and the host writes the check
 * with the observed status and a duration bound, then opens the file for editing.
 * File names, check names and failure lines come from files and servers: text only (dom.ts).
 */
import type { CheckResultView, ChecksFileView, HistoryEntry, JsonObject } from '../src/shared/protocol';
import type { AppContext, Tab } from './context';
import { button, clip, h, icon, setChildren } from './dom';
import { formatDuration } from './format';
import { RequestError } from './rpc';

const KIND_ICON = { tool: 'tools', resource: 'file', prompt: 'comment-discussion' } as const;

function messageOf(e: unknown): string {
  return e instanceof RequestError ? e.info.message : (e as Error).message;
}

/** A check's identity across a list refresh: its file and name. */
function key(file: string, name: string): string {
  return `${file}\u0000${name}`;
}

export class ChecksTab implements Tab {
  readonly element = h('div', { class: 'detail checks-tab', attrs: { 'data-role': 'checks' } });
  private readonly list = h('div', { class: 'checks-list', attrs: { 'data-role': 'checks-list' } });
  private readonly status = h('div', {
    class: 'muted',
    attrs: { 'data-role': 'checks-status', 'aria-live': 'polite' },
  });
  private files: ChecksFileView[] = [];
  private loadedFor?: string;
  /** The last result of each check, for the connection it ran on. */
  private readonly results = new Map<string, CheckResultView>();
  private running = false;

  constructor(private readonly app: AppContext) {
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      button('Run all', () => void this.run(), 'primary', { 'data-action': 'run-all-checks' }, 'run-all'),
      button('Refresh', () => void this.load(), 'secondary', { 'data-action': 'refresh-checks' }, 'refresh'),
    );
    setChildren(
      this.element,
      h('h2', null, 'Saved checks'),
      h(
        'div',
        { class: 'muted' },
        'Checks of this connection from .vscode/mcp-lens/*.json. Save one with "Save as check" after a call; mcp-lens test runs the same files in CI.',
      ),
      toolbar,
      this.status,
      this.list,
    );
  }

  refresh(): void {
    const id = this.app.connection()?.id;
    if (id !== this.loadedFor) {
      this.loadedFor = undefined;
      this.files = [];
      this.results.clear();
      this.render();
      if (this.isVisible()) void this.load();
    }
  }

  shown(): void {
    void this.load();
  }

  private isVisible(): boolean {
    return this.app.state.tab === 'checks';
  }

  private async load(): Promise<void> {
    const connection = this.app.connection();
    if (!connection) {
      this.render();
      return;
    }
    try {
      const { files } = await this.app.host.request('checks/list', { connectionId: connection.id });
      if (this.app.connection()?.id !== connection.id) return;
      this.files = files;
      this.loadedFor = connection.id;
      this.render();
    } catch (e) {
      this.status.textContent = `Could not list the checks: ${clip(messageOf(e), 1000)}`;
    }
  }

  /** All of the connection's checks, one file's, or one check. */
  private async run(file?: string, name?: string): Promise<void> {
    const connection = this.app.connection();
    if (!connection || this.running) return;
    this.running = true;
    this.status.textContent = name ? `Running ${clip(name, 200)}…` : 'Running the checks…';
    this.setRunButtonsDisabled(true);
    try {
      const run = await this.app.host.request('checks/run', {
        connectionId: connection.id,
        ...(file ? { file } : {}),
        ...(name ? { name } : {}),
      });
      for (const result of run.results) this.results.set(key(result.file, result.name), result);
      this.status.textContent = `${run.cancelled ? 'Cancelled: ' : ''}${run.passed} passed, ${run.failed} failed`;
    } catch (e) {
      this.status.textContent = `The checks could not run: ${clip(messageOf(e), 1000)}`;
    } finally {
      this.running = false;
      if (this.app.connection()?.id === connection.id) this.render();
      this.setRunButtonsDisabled(false);
    }
  }

  private setRunButtonsDisabled(disabled: boolean): void {
    for (const b of this.element.querySelectorAll<HTMLElement>(
      '[data-action="run-all-checks"], [data-action="run-check"]',
    )) {
      if (disabled) b.setAttribute('disabled', '');
      else b.removeAttribute('disabled');
    }
  }

  private render(): void {
    const connection = this.app.connection();
    if (!connection) {
      setChildren(this.list, h('div', { class: 'empty' }, 'Select a connection.'));
      return;
    }
    if (!this.files.length) {
      setChildren(
        this.list,
        h(
          'div',
          { class: 'empty', attrs: { 'data-role': 'checks-empty' } },
          'No saved checks for this connection yet. Run a tool, read a resource or get a prompt, then "Save as check".',
        ),
      );
      return;
    }
    setChildren(this.list, ...this.files.map((file) => this.fileSection(file)));
  }

  private fileSection(file: ChecksFileView): HTMLElement {
    if (file.error) {
      return h(
        'section',
        { class: 'checks-file', dataset: { file: file.file } },
        h('h3', { class: 'mono' }, clip(file.file, 300)),
        h(
          'div',
          { class: 'notice error', attrs: { 'data-role': 'checks-file-error' } },
          icon('error'),
          ` ${clip(file.error, 2000)}`,
        ),
      );
    }
    return h(
      'section',
      { class: 'checks-file', dataset: { file: file.file } },
      h('h3', { class: 'mono' }, clip(file.file, 300)),
      ...file.checks.map((check) => {
        const result = this.results.get(key(file.file, check.name));
        const verdict = result
          ? h(
              'span',
              {
                class: `tag ${result.passed ? 'ok' : 'bad'}`,
                attrs: { 'data-role': 'check-verdict', 'data-passed': String(result.passed) },
              },
              result.passed ? '✔ passed' : '✘ failed',
            )
          : null;
        return h(
          'div',
          { class: 'check-row', dataset: { check: check.name } },
          h(
            'div',
            { class: 'check-title' },
            icon(KIND_ICON[check.kind]),
            ' ',
            h('span', { class: 'check-name' }, clip(check.name, 200)),
            h('span', { class: 'muted mono' }, ` ${clip(check.target, 200)}`),
            verdict,
            result
              ? h(
                  'span',
                  { class: 'duration', attrs: { 'data-role': 'check-duration' } },
                  formatDuration(result.durationMs),
                )
              : null,
            h('span', { class: 'spacer' }),
            button(
              'Run',
              () => void this.run(file.file, check.name),
              'secondary',
              { 'data-action': 'run-check' },
              'play',
            ),
          ),
          result && result.failures.length
            ? h(
                'ul',
                { class: 'check-failures', attrs: { 'data-role': 'check-failures' } },
                ...result.failures.map((line) => h('li', { class: 'mono' }, clip(line, 2000))),
              )
            : null,
        );
      }),
    );
  }
}

/** What a finished call saves as: its kind, target and arguments, and whether it answered ok or with an error. */
function savable(entry: HistoryEntry): { target: string; args: JsonObject; status: 'ok' | 'error' } | undefined {
  if (entry.status === 'ok') {
    return { target: entry.target, args: entry.kind === 'resource' ? {} : entry.args, status: 'ok' };
  }
  // An error the server answered with (an isError result, a JSON-RPC error) is a behaviour to check;
  // a timeout or a lost connection is not.
  if (entry.status === 'error' && (entry.result !== undefined || entry.error?.code === 'protocol')) {
    return { target: entry.target, args: entry.kind === 'resource' ? {} : entry.args, status: 'error' };
  }
  return undefined;
}

/**
 * "Save as check" under a call's result: a button that opens a small form (file, check name). Null
 * when the call cannot be saved (cancelled, still running, failed without an answer).
 */
export function saveCheckControl(app: AppContext, entry: HistoryEntry): HTMLElement | null {
  const saved = savable(entry);
  if (!saved || entry.durationMs === undefined) return null;
  const durationMs = entry.durationMs;
  const box = h('div', { class: 'save-check', attrs: { 'data-role': 'save-check' } });
  const status = h('div', { class: 'muted', attrs: { 'data-role': 'save-check-status', 'aria-live': 'polite' } });
  const open = async () => {
    let defaultFile: string | null;
    try {
      defaultFile = (await app.host.request('checks/list', { connectionId: entry.connectionId })).defaultFile;
    } catch (e) {
      status.textContent = `Could not find the checks folder: ${clip(messageOf(e), 1000)}`;
      return;
    }
    if (defaultFile === null) {
      status.textContent = 'Open a folder first: checks files are saved in its .vscode/mcp-lens/ folder.';
      return;
    }
    const fileField = h('input', {
      class: 'save-check-file mono',
      attrs: { type: 'text', 'data-role': 'save-check-file', 'aria-label': 'Checks file', spellcheck: 'false' },
    });
    fileField.value = defaultFile;
    const nameField = h('input', {
      class: 'save-check-name',
      attrs: { type: 'text', 'data-role': 'save-check-name', 'aria-label': 'Check name' },
    });
    nameField.value = `${entry.target.slice(0, 80)} ${saved.status === 'ok' ? 'answers' : 'fails'}`;
    const save = async () => {
      const name = nameField.value.trim();
      const file = fileField.value.trim();
      if (!name || !file) {
        status.textContent = 'A check needs a file and a name.';
        return;
      }
      status.textContent = 'Saving…';
      try {
        const result = await app.host.request('checks/save', {
          connectionId: entry.connectionId,
          file,
          name,
          kind: entry.kind,
          target: saved.target,
          args: saved.args,
          status: saved.status,
          durationMs,
        });
        setChildren(
          box,
          h(
            'div',
            { class: 'notice', attrs: { 'data-role': 'save-check-done' } },
            icon('pass'),
            ` Saved "${clip(result.check.name, 200)}" to ${clip(result.file, 300)} (opened for editing: add assertions there).`,
          ),
        );
      } catch (e) {
        status.textContent = `Not saved: ${clip(messageOf(e), 2000)}`;
      }
    };
    nameField.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void save();
    });
    setChildren(
      box,
      h(
        'div',
        { class: 'save-check-form' },
        h('label', null, 'File ', fileField),
        h('label', null, 'Name ', nameField),
        button('Save', () => void save(), 'primary', { 'data-action': 'save-check-confirm' }, 'save'),
        button('Cancel', () => setChildren(box, openButton, status), 'secondary', {
          'data-action': 'save-check-cancel',
        }),
      ),
      h(
        'div',
        { class: 'muted' },
        `Expects status ${saved.status} and a duration bound; add JSONPath or schema assertions in the file.`,
      ),
      status,
    );
    nameField.focus();
    nameField.select();
  };
  const openButton = button('Save as check', () => void open(), 'secondary', { 'data-action': 'save-check' }, 'beaker');
  setChildren(box, openButton, status);
  return box;
}
