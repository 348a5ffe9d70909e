/**
 * The only way the webview builds DOM. Strings become text nodes (`textContent`), never markup:
 * server data cannot turn into elements, attributes or scripts. Event handlers are attached with
 * `addEventListener` (the CSP forbids inline handlers), and `on*` attributes are refused outright.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Attributes set with setAttribute. Names starting with "on" throw; values are plain strings. */
  attrs?: Record<string, string | number | boolean | undefined>;
  title?: string;
  /** Event listeners, attached with addEventListener. */
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
  dataset?: Record<string, string>;
}

/** Clips text for one-line labels so that a 1 MB name cannot stall layout. */
export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (props) {
    if (props.class) el.className = props.class;
    if (props.title !== undefined) el.title = clip(props.title, 2000);
    if (props.attrs) {
      for (const [name, value] of Object.entries(props.attrs)) {
        if (/^on/i.test(name)) throw new Error(`Refusing to set the event attribute ${name}.`);
        if (value === undefined || value === false) continue;
        el.setAttribute(name, value === true ? '' : String(value));
      }
    }
    if (props.dataset) for (const [k, v] of Object.entries(props.dataset)) el.dataset[k] = v;
    if (props.on) {
      for (const [type, listener] of Object.entries(props.on)) {
        if (listener) el.addEventListener(type, listener as EventListener);
      }
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
}

/** Replaces all children. */
export function setChildren(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** A codicon (font loaded from the codicons package through asWebviewUri). */
export function icon(name: string, label?: string): HTMLElement {
  return h('span', {
    class: `codicon codicon-${name}`,
    attrs: label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': 'true' },
  });
}

/** A toolkit icon button with a tooltip and an accessible name. */
export function iconButton(
  codicon: string,
  label: string,
  onClick: (e: MouseEvent) => void,
  extra: Props['attrs'] = {},
): HTMLElement {
  const b = h(
    'vscode-button',
    { attrs: { appearance: 'icon', 'aria-label': label, title: label, ...extra }, on: { click: onClick } },
    icon(codicon),
  );
  return b;
}

export function button(
  text: string,
  onClick: (e: MouseEvent) => void,
  appearance: 'primary' | 'secondary' = 'secondary',
  extra: Props['attrs'] = {},
  codicon?: string,
): HTMLElement {
  return h(
    'vscode-button',
    { attrs: { appearance, ...extra }, on: { click: onClick } },
    codicon
      ? h('span', { class: `codicon codicon-${codicon}`, attrs: { slot: 'start', 'aria-hidden': 'true' } })
      : null,
    text,
  );
}

/**
 * A selectable row of a list (role "option"): a click selects it, and so do Enter and Space while
 * the row itself has the focus (not a button inside it). Every list of the inspector uses it, so
 * the keyboard works the same in all of them.
 */
export function option(
  props: { class: string; selected: boolean; dataset: Record<string, string> },
  onSelect: () => void,
  ...children: Child[]
): HTMLElement {
  const el = h(
    'div',
    {
      class: props.class,
      attrs: { role: 'option', tabindex: 0, 'aria-selected': String(props.selected) },
      dataset: props.dataset,
    },
    ...children,
  );
  el.addEventListener('click', onSelect);
  el.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && e.target === el) {
      e.preventDefault();
      onSelect();
    }
  });
  return el;
}
