/**
 * Argument completion (MCP `completion/complete`) for a text field: after the user stops typing
 * for a moment, ask the server for values and offer them in a listbox under the field. The
 * keyboard stays in the field: ↓/↑ move through the suggestions, Enter takes one, Escape closes
 * the list. The values are server data (text only). A failure is not an error for the user (they
 * can type anything): it only leaves a quiet hint.
 */
import type { CompletionRefView, ConnectionDetails } from '../src/shared/protocol';
import type { AppContext } from './context';
import { clip, h } from './dom';
import { RequestError } from './rpc';

export const COMPLETION_DEBOUNCE_MS = 200;
const MAX_SHOWN = 100;

/** Whether the server declared the `completions` capability (only then is it asked). */
export function canComplete(details: ConnectionDetails | undefined): boolean {
  const caps = details?.server.capabilities;
  return !!caps && typeof caps.completions === 'object' && caps.completions !== null;
}

let listCounter = 0;

/**
 * Adds suggestions to `field`. `context` gives the other arguments already filled in; `onPick`
 * is told when a suggestion replaced the field's value (the caller keeps its own copy of values).
 * Returns the element to place under the field (the listbox and the hint).
 */
export function attachCompletions(
  app: AppContext,
  field: HTMLElement & { value: string },
  ref: CompletionRefView,
  argumentName: string,
  context: () => Record<string, string>,
  onPick: (value: string) => void,
): HTMLElement {
  const listId = `completions-${++listCounter}`;
  const list = h('ul', {
    class: 'completion-list',
    attrs: {
      id: listId,
      role: 'listbox',
      'aria-label': `Suggestions for ${clip(argumentName, 100)}`,
      'data-role': 'completions',
    },
  });
  list.hidden = true;
  const hint = h('span', { class: 'completion-hint muted', attrs: { 'data-role': 'completion-hint' } });
  field.setAttribute('aria-autocomplete', 'list');
  field.setAttribute('aria-controls', listId);
  field.setAttribute('aria-expanded', 'false');
  let timer: number | undefined;
  let sequence = 0;
  let values: string[] = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    active = -1;
    field.setAttribute('aria-expanded', 'false');
    field.removeAttribute('aria-activedescendant');
  };
  const highlight = (i: number) => {
    active = i;
    list.querySelectorAll<HTMLElement>('[role="option"]').forEach((el, j) => {
      el.setAttribute('aria-selected', String(j === i));
      if (j === i) {
        field.setAttribute('aria-activedescendant', el.id);
        el.scrollIntoView({ block: 'nearest' });
      }
    });
  };
  const pick = (value: string) => {
    field.value = value;
    onPick(value);
    close();
  };
  const show = (found: string[], total?: number, hasMore?: boolean) => {
    values = found.slice(0, MAX_SHOWN);
    list.replaceChildren(
      ...values.map((v, i) => {
        const li = h(
          'li',
          { class: 'completion-option', attrs: { id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false' } },
          clip(v, 300),
        );
        // mousedown, not click: the field keeps the focus.
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          pick(v);
        });
        return li;
      }),
    );
    const more = hasMore || (total !== undefined && total > values.length);
    hint.textContent = values.length
      ? `${values.length}${more ? `${total !== undefined ? ` of ${total}` : '+'}` : ''} suggestion${values.length === 1 ? '' : 's'} (↓ to choose)`
      : '';
    if (values.length) {
      list.hidden = false;
      field.setAttribute('aria-expanded', 'true');
      active = -1;
    } else close();
  };
  const ask = async () => {
    const mine = ++sequence;
    const connectionId = app.connection()?.id;
    if (!connectionId) return;
    try {
      const r = await app.host.request('completion/complete', {
        connectionId,
        ref,
        argument: { name: argumentName, value: field.value },
        context: context(),
      });
      if (mine !== sequence) return; // an older answer: the user typed on
      show(r.values, r.total, r.hasMore);
    } catch (e) {
      if (mine !== sequence) return;
      close();
      const message = e instanceof RequestError ? e.info.message : (e as Error).message;
      hint.textContent = 'No suggestions';
      hint.title = clip(`Completion failed: ${message}`, 1000);
    }
  };
  field.addEventListener('input', () => {
    window.clearTimeout(timer);
    hint.title = '';
    timer = window.setTimeout(() => void ask(), COMPLETION_DEBOUNCE_MS);
  });
  field.addEventListener('keydown', (e: KeyboardEvent) => {
    if (list.hidden || !values.length) {
      if (e.key === 'ArrowDown' && e.altKey) void ask();
      return;
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      highlight((active + 1) % values.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      highlight(active <= 0 ? values.length - 1 : active - 1);
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      pick(values[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  field.addEventListener('focusout', () => window.setTimeout(close, 150));
  return h('div', { class: 'completion-box' }, list, hint);
}
