/**
 * Pretty, collapsible JSON and long text, built lazily: a collapsed node creates its children on
 * first open, arrays and objects show PAGE entries at a time, and long strings show a chunk with
 * "Show more". So a 5 MB result appears without one long main-thread task (the inspector's
 * performance budget, measured by scripts/benchWebview.mjs).
 */
import { clip, h } from './dom';
import { formatBytes } from './format';

const PAGE = 100;
const STRING_INLINE = 2000;
export const TEXT_CHUNK = 64 * 1024;

/** A `<pre>` that shows text in chunks of TEXT_CHUNK characters. */
export function lazyText(text: string, className = 'text-block'): HTMLElement {
  const pre = h('pre', { class: className });
  const container = h('div', { class: 'lazy-text' }, pre);
  let shown = 0;
  const more = h('vscode-button', { attrs: { appearance: 'secondary' }, class: 'show-more' });
  const showNext = (all: boolean) => {
    const end = all ? text.length : Math.min(text.length, shown + TEXT_CHUNK);
    pre.appendChild(document.createTextNode(text.slice(shown, end)));
    shown = end;
    if (shown >= text.length) more.remove();
    else more.textContent = `Show more (${formatBytes(text.length - shown)} of text left)`;
  };
  more.addEventListener('click', () => showNext(false));
  showNext(false);
  if (shown < text.length) container.appendChild(more);
  return container;
}

function primitive(value: unknown): HTMLElement {
  if (typeof value === 'string') {
    if (value.length <= STRING_INLINE) return h('span', { class: 'json-string' }, JSON.stringify(value));
    const span = h('span', { class: 'json-string' }, JSON.stringify(value.slice(0, STRING_INLINE)).slice(0, -1) + '…"');
    const expand = h(
      'button',
      { class: 'link-button', attrs: { type: 'button' } },
      `(${formatBytes(value.length)} string: show all)`,
    );
    expand.addEventListener('click', () => {
      expand.replaceWith(lazyText(value, 'text-block json-long-string'));
      span.remove();
    });
    return h('span', null, span, ' ', expand);
  }
  if (value === null) return h('span', { class: 'json-null' }, 'null');
  if (typeof value === 'number') return h('span', { class: 'json-number' }, String(value));
  if (typeof value === 'boolean') return h('span', { class: 'json-boolean' }, String(value));
  return h('span', { class: 'json-null' }, String(value));
}

function summaryOf(value: object): string {
  if (Array.isArray(value)) return `[ ${value.length} item${value.length === 1 ? '' : 's'} ]`;
  const n = Object.keys(value).length;
  return `{ ${n} key${n === 1 ? '' : 's'} }`;
}

/**
 * Renders a JSON value. Nodes up to `openDepth` start open (their children are built then);
 * deeper ones are built when the user opens them.
 */
export function jsonTree(value: unknown, openDepth = 1): HTMLElement {
  return h('div', { class: 'json-tree' }, node(value, undefined, 0, openDepth));
}

function node(value: unknown, key: string | undefined, depth: number, openDepth: number): HTMLElement {
  const label = key !== undefined ? h('span', { class: 'json-key' }, `${clip(key, 500)}: `) : null;
  if (value === null || typeof value !== 'object') return h('div', { class: 'json-leaf' }, label, primitive(value));
  const details = h('details', { class: 'json-node' });
  const summary = h('summary', null, label, h('span', { class: 'json-summary' }, summaryOf(value)));
  const body = h('div', { class: 'json-children' });
  details.append(summary, body);
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    const entries: Array<[string, unknown]> = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : Object.entries(value);
    let shown = 0;
    const more = h('button', { class: 'link-button', attrs: { type: 'button' } });
    const page = () => {
      const end = Math.min(entries.length, shown + PAGE);
      const frag = document.createDocumentFragment();
      for (let i = shown; i < end; i++) frag.appendChild(node(entries[i][1], entries[i][0], depth + 1, openDepth));
      body.insertBefore(frag, more.parentNode ? more : null);
      shown = end;
      if (shown >= entries.length) more.remove();
      else {
        more.textContent = `Show ${Math.min(PAGE, entries.length - shown)} more of ${entries.length - shown}`;
        if (!more.parentNode) body.appendChild(more);
      }
    };
    more.addEventListener('click', page);
    page();
  };
  details.addEventListener('toggle', () => {
    if (details.open) build();
  });
  if (depth < openDepth) {
    build();
    details.open = true;
  }
  return details;
}
