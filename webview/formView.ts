/**
 * The form a tool's `inputSchema` becomes (see schemaForm.ts for the DOM-free rules). Typing
 * updates the value in place and re-validates; structural edits (add/remove an item, switch a
 * oneOf option, load JSON) rebuild the form. Errors show under the field once it was touched,
 * and everywhere after a Run attempt (`showAllErrors`).
 */
import type { JsonObject, JsonValue } from '../src/shared/protocol';
import { clip, h, iconButton } from './dom';
import {
  formatPath,
  isSchemaObject,
  pathKey,
  validate,
  type PathSegment,
  type Schema,
  type SchemaError,
} from './jsonSchema';
import {
  defaultValue,
  describeField,
  getAt,
  itemSchema,
  matchOption,
  newItemValue,
  objectProperties,
  parseNumberInput,
  removeItem,
  setAt,
  type FieldInfo,
} from './schemaForm';

type Control = HTMLElement & { value: string; checked?: boolean };

export class SchemaFormView {
  readonly element = h('div', { class: 'schema-form' });
  private value: JsonObject;
  private readonly errorSlots = new Map<string, HTMLElement>();
  private readonly controls = new Map<string, HTMLElement>();
  /** Text a control holds that is not a valid value yet (e.g. "12a" in a number box). */
  private readonly inputErrors = new Map<string, string>();
  private readonly touched = new Set<string>();
  private showAll = false;
  private readonly otherErrors = h('ul', { class: 'form-errors' });

  constructor(
    private readonly schema: Schema,
    initial: JsonObject | undefined,
    private readonly onChange: (value: JsonObject) => void,
  ) {
    this.value = initial ?? (defaultValue(schema, schema, true) as JsonObject | undefined) ?? {};
    this.render();
  }

  getValue(): JsonObject {
    return this.value;
  }

  /** Replaces the value (from the raw JSON box or a history re-run) and rebuilds the form. */
  setValue(value: JsonObject): void {
    this.value = value;
    this.inputErrors.clear();
    this.render();
  }

  /** Every problem: schema errors and unparsable inputs. */
  errors(): SchemaError[] {
    const local = [...this.inputErrors.entries()].map(([key, message]) => ({
      path: JSON.parse(key) as PathSegment[],
      message,
    }));
    return [...local, ...validate(this.schema, this.value, { formats: true })];
  }

  showAllErrors(): void {
    this.showAll = true;
    this.refreshErrors();
  }

  private render(): void {
    this.errorSlots.clear();
    this.controls.clear();
    const root = describeField(this.schema, this.schema, undefined, true);
    // `{type: "object"}` with no properties and no additionalProperties schema: a tool without arguments.
    const noArgs =
      (root.kind === 'object' && objectProperties(root).length === 0) ||
      (root.kind === 'json' &&
        (root.schema.type === 'object' || root.schema.type === undefined) &&
        !isSchemaObject(root.schema.additionalProperties) &&
        !isSchemaObject(root.schema.patternProperties));
    const body = noArgs
      ? h('div', { class: 'muted no-args' }, 'This tool takes no arguments.')
      : root.kind === 'object'
        ? this.objectBody(root, [], 0)
        : h(
            'div',
            { class: 'muted' },
            'The input schema is not a plain object with properties; edit the arguments in the JSON mode.',
          );
    this.element.replaceChildren(body, this.otherErrors);
    this.refreshErrors();
  }

  private update(path: PathSegment[], v: JsonValue | undefined, structural = false): void {
    this.value = (setAt(this.value, path, v) as JsonObject | undefined) ?? {};
    this.touched.add(pathKey(path));
    this.onChange(this.value);
    if (structural) this.render();
    else this.refreshErrors();
  }

  private refreshErrors(): void {
    const byPath = new Map<string, string[]>();
    for (const e of this.errors()) {
      const key = pathKey(e.path);
      byPath.set(key, [...(byPath.get(key) ?? []), e.message]);
    }
    const orphans: string[] = [];
    for (const [key, messages] of byPath) {
      if (!this.errorSlots.has(key)) {
        orphans.push(...messages.map((m) => `${formatPath(JSON.parse(key) as PathSegment[])}: ${m}`));
      }
    }
    for (const [key, slot] of this.errorSlots) {
      const messages = byPath.get(key) ?? [];
      const visible = this.showAll || this.touched.has(key) || this.inputErrors.has(key);
      slot.textContent = visible ? messages.join(' ') : '';
      const control = this.controls.get(key);
      if (visible && messages.length) control?.setAttribute('aria-invalid', 'true');
      else control?.removeAttribute('aria-invalid');
      slot.parentElement?.classList.toggle('invalid', visible && messages.length > 0);
    }
    this.otherErrors.replaceChildren(...(this.showAll ? orphans.slice(0, 20).map((m) => h('li', null, m)) : []));
  }

  private objectBody(field: FieldInfo, path: PathSegment[], depth: number): HTMLElement {
    const body = h('div', { class: 'object-fields' });
    for (const p of objectProperties(field)) {
      body.appendChild(this.field(p.schema, p.name, p.required, [...path, p.name], depth + 1));
    }
    return body;
  }

  private field(schema: Schema, name: string, required: boolean, path: PathSegment[], depth: number): HTMLElement {
    const info = describeField(schema, this.schema, name, required, depth);
    const key = pathKey(path);
    const current = getAt(this.value, path);
    const id = `f-${Math.random().toString(36).slice(2, 10)}`;
    const label = h(
      'label',
      { class: 'field-label', attrs: { for: id } },
      h('span', { class: 'field-name' }, clip(info.label || name, 200)),
      required ? h('span', { class: 'required', attrs: { title: 'Required', 'aria-label': 'required' } }, '*') : null,
      h('span', { class: 'field-type' }, typeLabel(info)),
      info.constraints.length
        ? h('span', { class: 'field-constraints' }, clip(info.constraints.join(' · '), 300))
        : null,
    );
    const errorSlot = h('div', { class: 'field-error', attrs: { role: 'alert', 'data-error-for': key } });
    this.errorSlots.set(key, errorSlot);
    const control = this.control(info, path, current, id, depth);
    const wrapper = h(
      'div',
      { class: `field kind-${info.kind}`, dataset: { path: key, kind: info.kind } },
      info.kind === 'object' || info.kind === 'array' ? null : label,
      control,
      info.description && info.kind !== 'object' && info.kind !== 'array'
        ? h('div', { class: 'field-help' }, clip(info.description, 5000))
        : null,
      errorSlot,
    );
    if (info.kind === 'object' || info.kind === 'array') {
      // Containers carry their own legend (label + description) inside the fieldset.
      const legend = control.querySelector('legend');
      legend?.replaceChildren(...Array.from(label.childNodes));
      if (info.description) legend?.after(h('div', { class: 'field-help' }, clip(info.description, 5000)));
    }
    return wrapper;
  }

  private control(
    info: FieldInfo,
    path: PathSegment[],
    current: JsonValue | undefined,
    id: string,
    depth: number,
  ): HTMLElement {
    const key = pathKey(path);
    const register = <T extends HTMLElement>(el: T): T => {
      el.id = id;
      el.dataset.path = key;
      this.controls.set(key, el);
      return el;
    };
    switch (info.kind) {
      case 'string': {
        const el = register(
          info.multiline
            ? (h('vscode-text-area', {
                attrs: { rows: 4, resize: 'vertical', placeholder: info.placeholder },
              }) as Control)
            : (h('vscode-text-field', {
                attrs: {
                  type:
                    info.inputType === 'email' || info.inputType === 'url' || info.inputType === 'password'
                      ? info.inputType
                      : 'text',
                  placeholder:
                    info.placeholder ??
                    (info.format === 'date' ? 'YYYY-MM-DD' : info.format === 'time' ? 'HH:MM:SS' : undefined),
                },
              }) as Control),
        );
        el.value =
          typeof current === 'string'
            ? current
            : current === undefined || current === null
              ? ''
              : JSON.stringify(current);
        el.addEventListener('input', () => this.update(path, el.value === '' ? undefined : el.value));
        return el;
      }
      case 'number':
      case 'integer': {
        const el = register(
          h('vscode-text-field', { attrs: { inputmode: info.kind === 'integer' ? 'numeric' : 'decimal' } }) as Control,
        );
        el.value = typeof current === 'number' ? String(current) : '';
        el.addEventListener('input', () => {
          const parsed = parseNumberInput(el.value, info.kind === 'integer');
          this.touched.add(key);
          if (!parsed.ok) {
            this.inputErrors.set(key, parsed.error);
            this.refreshErrors();
            return;
          }
          this.inputErrors.delete(key);
          this.update(path, parsed.value);
        });
        return el;
      }
      case 'boolean': {
        if (info.required || current !== undefined) {
          const el = register(h('vscode-checkbox', null, current === true ? 'true' : 'false') as Control);
          el.checked = current === true;
          el.addEventListener('change', () => {
            el.textContent = el.checked ? 'true' : 'false';
            this.update(path, el.checked === true);
          });
          return el;
        }
        return this.dropdown(register, ['(not set)', 'true', 'false'], 0, (i) =>
          this.update(path, i === 0 ? undefined : i === 1, true),
        );
      }
      case 'enum': {
        const values = info.enumValues ?? [];
        const labels = info.enumLabels ?? values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
        const offset = 1; // "(choose…)" or "(not set)" first
        const index =
          current === undefined ? -1 : values.findIndex((v) => JSON.stringify(v) === JSON.stringify(current));
        return this.dropdown(
          register,
          [info.required ? '(choose a value)' : '(not set)', ...labels],
          index + offset,
          (i) => this.update(path, i === 0 ? undefined : values[i - offset]),
        );
      }
      case 'multi':
        return this.multiControl(info, path, current, register);
      case 'const':
        return h(
          'div',
          { class: 'const-value' },
          h('code', null, clip(JSON.stringify(info.enumValues?.[0] ?? null), 500)),
          h('span', { class: 'muted' }, ' (fixed value)'),
        );
      case 'null':
        return h('div', { class: 'const-value' }, h('code', null, 'null'));
      case 'array':
        return this.arrayControl(info, path, current, depth);
      case 'object': {
        const fieldset = h('fieldset', { class: 'object-field', dataset: { path: key } }, h('legend'));
        fieldset.appendChild(this.objectBody(info, path, depth));
        if (!info.required && current !== undefined) {
          fieldset.appendChild(
            h(
              'div',
              { class: 'actions' },
              iconButton('clear-all', 'Remove this object (do not send it)', () => this.update(path, undefined, true), {
                'data-action': 'clear-object',
              }),
            ),
          );
        }
        return fieldset;
      }
      case 'choice': {
        const options = info.options ?? [];
        const selected = current === undefined && !info.required ? -1 : matchOption(options, current, this.schema);
        const offset = info.required ? 0 : 1;
        const labels = [...(info.required ? [] : ['(not set)']), ...options.map((o) => o.label)];
        const select = this.dropdown(register, labels, selected + offset, (i) => {
          const option = options[i - offset];
          this.update(path, option ? newItemValue(option.schema, this.schema, depth + 1) : undefined, true);
        });
        select.classList.add('choice-select');
        const box = h('div', { class: 'choice' }, select);
        if (selected >= 0 && options[selected]) {
          const inner = this.field(options[selected].schema, '', true, path, depth + 1);
          inner.classList.add('choice-body');
          // The inner field shares the path; its error slot replaces the outer one for the same key.
          box.appendChild(inner);
        }
        return box;
      }
      default: {
        const el = register(
          h('vscode-text-area', {
            attrs: { rows: 4, resize: 'vertical', placeholder: 'JSON value' },
            class: 'json-input',
          }) as Control,
        );
        el.value = current === undefined ? '' : JSON.stringify(current, null, 2);
        el.addEventListener('input', () => {
          this.touched.add(key);
          if (el.value.trim() === '') {
            this.inputErrors.delete(key);
            this.update(path, undefined);
            return;
          }
          try {
            const v = JSON.parse(el.value) as JsonValue;
            this.inputErrors.delete(key);
            this.update(path, v);
          } catch (e) {
            this.inputErrors.set(key, `Not valid JSON: ${(e as Error).message}`);
            this.refreshErrors();
          }
        });
        return el;
      }
    }
  }

  /** A multi-select: one checkbox per allowed value; the value is the checked ones, in schema order. */
  private multiControl(
    info: FieldInfo,
    path: PathSegment[],
    current: JsonValue | undefined,
    register: <T extends HTMLElement>(el: T) => T,
  ): HTMLElement {
    const values = info.enumValues ?? [];
    const labels = info.enumLabels ?? values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    const chosen = new Set((Array.isArray(current) ? current : []).map((v) => JSON.stringify(v)));
    const group = register(h('div', { class: 'multi-select', attrs: { role: 'group' } }));
    values.forEach((v, i) => {
      const box = h(
        'vscode-checkbox',
        { attrs: { 'data-value-index': i, 'data-value': clip(typeof v === 'string' ? v : JSON.stringify(v), 200) } },
        clip(labels[i] ?? String(v), 200),
      ) as HTMLElement & { checked: boolean };
      box.checked = chosen.has(JSON.stringify(v));
      box.addEventListener('change', () => {
        if (box.checked) chosen.add(JSON.stringify(v));
        else chosen.delete(JSON.stringify(v));
        const next = values.filter((x) => chosen.has(JSON.stringify(x)));
        this.update(path, next.length || info.required ? next : undefined);
      });
      group.appendChild(box);
    });
    return group;
  }

  private dropdown(
    register: <T extends HTMLElement>(el: T) => T,
    labels: string[],
    selectedIndex: number,
    onSelect: (index: number) => void,
  ): HTMLElement {
    const el = register(h('vscode-dropdown', { attrs: { position: 'below' } }) as Control);
    labels.forEach((text, i) => {
      const option = h(
        'vscode-option',
        { attrs: { value: String(i), selected: i === Math.max(0, selectedIndex) } },
        clip(text, 200),
      );
      el.appendChild(option);
    });
    el.addEventListener('change', () => {
      const i = Number(el.value);
      if (Number.isInteger(i) && i >= 0 && i < labels.length) onSelect(i);
    });
    return el;
  }

  private arrayControl(
    info: FieldInfo,
    path: PathSegment[],
    current: JsonValue | undefined,
    depth: number,
  ): HTMLElement {
    const items = Array.isArray(current) ? current : [];
    const max = typeof info.schema.maxItems === 'number' ? info.schema.maxItems : Infinity;
    const fieldset = h('fieldset', { class: 'array-field', dataset: { path: pathKey(path) } }, h('legend'));
    const list = h('ol', { class: 'array-items' });
    items.forEach((_, i) => {
      const itemPath = [...path, i];
      const remove = iconButton(
        'trash',
        `Remove item ${i + 1}`,
        () => {
          this.value = (removeItem(this.value, path, i) as JsonObject | undefined) ?? {};
          this.touched.add(pathKey(path));
          this.onChange(this.value);
          this.render();
        },
        { 'data-action': 'remove-item' },
      );
      list.appendChild(
        h(
          'li',
          { class: 'array-item' },
          this.field(itemSchema(info, i), `Item ${i + 1}`, true, itemPath, depth + 1),
          remove,
        ),
      );
    });
    const add = h(
      'vscode-button',
      {
        attrs: { appearance: 'secondary', 'data-action': 'add-item', disabled: items.length >= max },
        on: {
          click: () =>
            this.update(
              [...path, items.length],
              newItemValue(itemSchema(info, items.length), this.schema, depth + 1),
              true,
            ),
        },
      },
      h('span', { class: 'codicon codicon-add', attrs: { slot: 'start', 'aria-hidden': 'true' } }),
      'Add item',
    );
    fieldset.append(
      list,
      h(
        'div',
        { class: 'actions' },
        add,
        items.length === 0
          ? h('span', { class: 'muted' }, info.required ? ' No items yet.' : ' Not sent while empty and untouched.')
          : null,
      ),
    );
    return fieldset;
  }
}

function typeLabel(info: FieldInfo): string {
  switch (info.kind) {
    case 'enum':
      return 'enum';
    case 'multi':
      return 'choose any';
    case 'choice':
      return Array.isArray(info.schema.oneOf) ? 'one of' : 'any of';
    case 'json':
      return 'JSON';
    default:
      return info.kind + (info.nullable ? ' | null' : '');
  }
}
