/**
 * The roots a connection offers the server (MCP roots: `file://` URIs with optional names): where
 * they come from (the workspace folders, or a list edited for this connection), and an editor to
 * add, change and remove them, save (`roots/set`, after which the host tells the server
 * `roots/list_changed`) or go back to the workspace folders. Edits not saved yet survive the
 * details refreshing underneath (the editor is only rebuilt while it holds no edits).
 */
import type { RootView, RootsView } from '../src/shared/protocol';
import type { AppContext } from './context';
import { button, clip, h, icon, iconButton, setChildren } from './dom';
import { RequestError } from './rpc';

type TextControl = HTMLElement & { value: string };

/** Why a root cannot be sent, or undefined when it can (the spec: a root's uri MUST be a file:// URI). */
export function rootProblem(root: RootView): string | undefined {
  if (!root.uri.trim()) return 'Enter a file:// URI.';
  let url: URL;
  try {
    url = new URL(root.uri.trim());
  } catch {
    return 'Not a URI: write it as file:///path/to/folder.';
  }
  if (url.protocol !== 'file:') return `Roots must be file:// URIs (this one is ${clip(url.protocol, 40)}).`;
  return undefined;
}

export class RootsEditor {
  readonly element = h('section', { class: 'roots-editor', attrs: { 'data-role': 'roots-editor' } });
  private readonly source = h('div', { class: 'muted', attrs: { 'data-role': 'roots-source' } });
  private readonly rows = h('ol', { class: 'root-rows', attrs: { 'data-role': 'root-rows' } });
  private readonly status = h('div', { attrs: { 'data-role': 'roots-status', 'aria-live': 'polite' } });
  /** The list being edited; undefined while it shows what the host has. */
  private draft?: RootView[];
  /** The host's list the draft started from (JSON), to notice when it changes underneath. */
  private draftBase?: string;
  private shownFor?: string;
  private last?: RootsView;

  constructor(private readonly app: AppContext) {
    this.element.append(
      h('h3', null, 'Roots'),
      this.source,
      this.rows,
      h(
        'div',
        { class: 'actions' },
        button(
          'Add root',
          () => this.edit((d) => d.push({ uri: 'file:///', name: '' })),
          'secondary',
          { 'data-action': 'add-root' },
          'add',
        ),
        button('Save', () => void this.save(), 'primary', { 'data-action': 'save-roots' }, 'save'),
        button('Discard edits', () => this.discard(), 'secondary', { 'data-action': 'discard-roots' }),
        button(
          'Use workspace folders',
          () => void this.reset(),
          'secondary',
          { 'data-action': 'reset-roots' },
          'root-folder',
        ),
      ),
      this.status,
    );
  }

  refresh(): void {
    const id = this.app.connection()?.id;
    const roots = this.app.details()?.roots;
    if (id !== this.shownFor) {
      this.shownFor = id;
      this.draft = undefined;
      this.status.replaceChildren();
    }
    this.last = roots;
    this.source.textContent = !roots
      ? 'Known after connecting.'
      : roots.source === 'workspace'
        ? `From the workspace folders (${roots.roots.length}).`
        : `Edited for this connection (${roots.roots.length}).`;
    if (this.draft) {
      // Unsaved edits stay; only say when the host's list moved on underneath them.
      if (JSON.stringify(roots?.roots ?? []) !== this.draftBase) {
        this.status.replaceChildren(
          h(
            'span',
            { class: 'muted', attrs: { 'data-role': 'roots-moved' } },
            'The roots changed meanwhile (workspace folders or another window). Save keeps your list; Discard edits shows theirs.',
          ),
        );
      }
      return;
    }
    this.renderRows(roots?.roots ?? []);
  }

  private edit(change: (draft: RootView[]) => void): void {
    this.draft ??= this.startDraft();
    change(this.draft);
    this.renderRows(this.draft);
    this.status.replaceChildren(h('span', { class: 'muted' }, 'Unsaved edits: Save sends them to the server.'));
  }

  private startDraft(): RootView[] {
    this.draftBase = JSON.stringify(this.last?.roots ?? []);
    return (this.last?.roots ?? []).map((r) => ({ ...r }));
  }

  private renderRows(roots: RootView[]): void {
    if (!roots.length) {
      setChildren(this.rows, h('li', { class: 'muted' }, 'No roots: the server sees an empty list.'));
      return;
    }
    setChildren(
      this.rows,
      ...roots.map((root, i) => {
        const uri = h('vscode-text-field', {
          attrs: { 'aria-label': `Root ${i + 1} URI`, 'data-role': 'root-uri', placeholder: 'file:///path' },
        }) as TextControl;
        const name = h('vscode-text-field', {
          attrs: { 'aria-label': `Root ${i + 1} name`, 'data-role': 'root-name', placeholder: 'name (optional)' },
        }) as TextControl;
        uri.value = root.uri;
        name.value = root.name ?? '';
        const problem = h('div', { class: 'field-error', attrs: { role: 'alert' } });
        const change = () => {
          // The first keystroke turns the shown list into a draft without rebuilding the row being typed in.
          this.draft ??= this.startDraft();
          this.draft[i] = { uri: uri.value, ...(name.value ? { name: name.value } : {}) };
          problem.textContent = '';
          this.status.replaceChildren(h('span', { class: 'muted' }, 'Unsaved edits: Save sends them to the server.'));
        };
        uri.addEventListener('input', change);
        name.addEventListener('input', change);
        return h(
          'li',
          { class: 'root-row', dataset: { index: String(i) } },
          uri,
          name,
          iconButton('trash', `Remove root ${i + 1}`, () => this.edit((d) => d.splice(i, 1)), {
            'data-action': 'remove-root',
          }),
          problem,
        );
      }),
    );
  }

  private discard(): void {
    this.draft = undefined;
    this.status.replaceChildren();
    this.renderRows(this.last?.roots ?? []);
  }

  private async save(): Promise<void> {
    const connectionId = this.app.connection()?.id;
    if (!connectionId) return;
    const roots = (this.draft ?? this.last?.roots ?? []).map((r) => ({
      uri: r.uri.trim(),
      ...(r.name?.trim() ? { name: r.name.trim() } : {}),
    }));
    const problems = roots.map(rootProblem);
    if (problems.some((p) => p)) {
      this.rows.querySelectorAll<HTMLElement>('.root-row').forEach((row, i) => {
        const slot = row.querySelector('.field-error');
        if (slot) slot.textContent = problems[i] ?? '';
      });
      this.status.replaceChildren(
        h('div', { class: 'notice warning' }, icon('warning'), ' Fix the marked roots, then Save.'),
      );
      return;
    }
    await this.send(connectionId, roots);
  }

  private async reset(): Promise<void> {
    const connectionId = this.app.connection()?.id;
    if (connectionId) await this.send(connectionId, null);
  }

  private async send(connectionId: string, roots: RootView[] | null): Promise<void> {
    this.status.replaceChildren(h('span', { class: 'muted' }, 'Saving…'));
    try {
      const result = await this.app.host.request('roots/set', { connectionId, roots });
      this.draft = undefined;
      this.last = result;
      this.renderRows(result.roots);
      this.source.textContent =
        result.source === 'workspace'
          ? `From the workspace folders (${result.roots.length}).`
          : `Edited for this connection (${result.roots.length}).`;
      this.status.replaceChildren(
        h(
          'span',
          { class: 'muted', attrs: { 'data-role': 'roots-saved' } },
          icon('check'),
          ' Saved; the server was told the roots changed.',
        ),
      );
    } catch (e) {
      const message = e instanceof RequestError ? e.info.message : (e as Error).message;
      this.status.replaceChildren(
        h(
          'div',
          { class: 'notice error' },
          icon('error'),
          ` Could not save the roots: ${clip(message, 1000)} Your edits are kept; try again.`,
        ),
      );
    }
  }
}
