/**
 * The DOM-free half of the tool/prompt forms: what kind of control each part of an
 * `inputSchema` gets, its label, hints and constraints, default values, and the value edits a
 * form makes (set/delete at a path). `formView.ts` turns this into elements; the unit tests in
 * test/unit/webview/ check it in plain Node. Schemas are untrusted: depth and size are bounded.
 */
import type { JsonObject, JsonValue } from '../src/shared/protocol';
import {
  isSchemaObject,
  jsonType,
  resolveRef,
  validate,
  type PathSegment,
  type Schema,
  type SchemaObject,
} from './jsonSchema';

export type FieldKind =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'multi'
  | 'const'
  | 'null'
  | 'array'
  | 'object'
  | 'choice'
  | 'json';

export interface ChoiceOption {
  label: string;
  schema: Schema;
}

export interface FieldInfo {
  kind: FieldKind;
  /** The schema after `$ref` resolution (and with `null` split off a nullable type). */
  schema: SchemaObject;
  label: string;
  description?: string;
  required: boolean;
  /** The schema also allows `null`. */
  nullable: boolean;
  /** For strings: the HTML input type that fits the format. */
  inputType?: 'text' | 'email' | 'url' | 'date' | 'datetime-local' | 'time' | 'password';
  format?: string;
  multiline?: boolean;
  placeholder?: string;
  enumValues?: JsonValue[];
  /** For `enum`/`multi`: a display title per value (titled enums `oneOf [{const, title}]`, legacy `enumNames`). */
  enumLabels?: string[];
  options?: ChoiceOption[];
  /** Human-readable constraints: "1 – 10", "at most 5 items", "format: email"… */
  constraints: string[];
  default?: JsonValue;
}

/** Forms deeper than this fall back to a JSON editor for the inner part. */
export const MAX_FORM_DEPTH = 10;
/** Objects with more properties than this show the first ones; the raw JSON mode edits the rest. */
export const MAX_FORM_PROPERTIES = 200;

const MULTILINE_NAME =
  /(text|content|body|code|script|message|prompt|query|sql|markdown|html|json|yaml|template|notes?|comment)s?$/i;

export function asSchemaObject(schema: Schema): SchemaObject {
  if (schema === true) return {};
  if (schema === false) return { not: {} };
  return schema;
}

/** Options of a `oneOf`/`anyOf` (or of a multi-type `type` array), `null` removed (that is `nullable`). */
function choiceOptionsOf(s: SchemaObject, root: Schema): { options: Schema[]; nullable: boolean } | undefined {
  const list = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (list) {
    const schemas = list.filter((x): x is Schema => typeof x === 'boolean' || isSchemaObject(x));
    const nonNull = schemas.filter((x) => {
      const r = resolveRef(x, root);
      return !(isSchemaObject(r) && r.type === 'null');
    });
    return { options: nonNull, nullable: nonNull.length !== schemas.length };
  }
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t): t is string => typeof t === 'string');
    const nonNull = types.filter((t) => t !== 'null');
    if (nonNull.length > 1) {
      const { type: _t, ...rest } = s;
      return { options: nonNull.map((t) => ({ ...rest, type: t })), nullable: nonNull.length !== types.length };
    }
  }
  return undefined;
}

function optionLabel(option: Schema, root: Schema, index: number): string {
  const s = resolveRef(option, root);
  if (!isSchemaObject(s)) return `Option ${index + 1}`;
  if (typeof s.title === 'string' && s.title) return s.title;
  if ('const' in s) return JSON.stringify(s.const);
  // A discriminated union: the variant's constant "type"/"kind" property names it.
  if (isSchemaObject(s.properties)) {
    for (const [key, p] of Object.entries(s.properties)) {
      const ps = resolveRef(p as Schema, root);
      if (isSchemaObject(ps) && 'const' in ps && typeof ps.const === 'string') return `${key}: ${ps.const}`;
    }
    const keys = Object.keys(s.properties).slice(0, 3);
    if (keys.length) return `object {${keys.join(', ')}${Object.keys(s.properties).length > 3 ? ', …' : ''}}`;
  }
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.enum)) return `one of ${s.enum.length} values`;
  return `Option ${index + 1}`;
}

/**
 * The values and titles of a titled enum: `oneOf`/`anyOf` whose every option is `{const, title?}`
 * (MCP elicitation, SEP-1330), or `enum` with the legacy `enumNames`. Undefined for anything else.
 */
export function titledEnum(s: SchemaObject, root: Schema): { values: JsonValue[]; labels: string[] } | undefined {
  const list = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (list && list.length > 0) {
    const values: JsonValue[] = [];
    const labels: string[] = [];
    for (const option of list) {
      const o = resolveRef(option as Schema, root);
      if (!isSchemaObject(o) || !('const' in o)) return undefined;
      values.push(o.const as JsonValue);
      labels.push(typeof o.title === 'string' && o.title ? o.title : String(o.const));
    }
    return { values, labels };
  }
  if (Array.isArray(s.enum) && Array.isArray(s.enumNames) && s.enumNames.length === s.enum.length) {
    return {
      values: s.enum as JsonValue[],
      labels: s.enum.map((v, i) => {
        const name = (s.enumNames as unknown[])[i];
        return typeof name === 'string' && name ? name : String(v);
      }),
    };
  }
  return undefined;
}

function plainEnum(s: SchemaObject): { values: JsonValue[]; labels: string[] } | undefined {
  if (!Array.isArray(s.enum)) return undefined;
  const values = s.enum as JsonValue[];
  return { values, labels: values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) };
}

/** Works out which control fits a schema, with its label, help and constraints. */
export function describeField(
  schema: Schema,
  root: Schema,
  name: string | undefined,
  required: boolean,
  depth = 0,
): FieldInfo {
  let s = asSchemaObject(resolveRef(schema, root));
  let nullable = false;
  // `allOf` of object parts is common (composition); merge it so the form shows every property.
  if (Array.isArray(s.allOf) && s.allOf.length > 0) s = mergeAllOf(s, root);

  const base = {
    label: (typeof s.title === 'string' && s.title) || name || '',
    description: typeof s.description === 'string' ? s.description : undefined,
    required,
    constraints: [] as string[],
    default: 'default' in s ? (s.default as JsonValue) : undefined,
  };
  if (depth > MAX_FORM_DEPTH) return { ...base, kind: 'json', schema: s, nullable };

  const titled = titledEnum(s, root);
  if (titled) {
    return { ...base, kind: 'enum', schema: s, nullable, enumValues: titled.values, enumLabels: titled.labels };
  }

  const choice = choiceOptionsOf(s, root);
  if (choice) {
    nullable = choice.nullable;
    if (choice.options.length === 1) {
      const inner = describeField(choice.options[0], root, name, required, depth + 1);
      const merged = {
        ...inner,
        nullable: true,
        description: inner.description ?? base.description,
        label: base.label || inner.label,
      };
      return merged;
    }
    if (choice.options.length > 1) {
      return {
        ...base,
        kind: 'choice',
        schema: s,
        nullable,
        options: choice.options.map((o, i) => ({ label: optionLabel(o, root, i), schema: o })),
      };
    }
  }

  let type = typeof s.type === 'string' ? s.type : undefined;
  if (Array.isArray(s.type)) {
    const nonNull = s.type.filter((t) => t !== 'null');
    nullable = nonNull.length !== s.type.length;
    type = typeof nonNull[0] === 'string' ? nonNull[0] : undefined;
  }
  if ('const' in s) return { ...base, kind: 'const', schema: s, nullable, enumValues: [s.const as JsonValue] };
  if (Array.isArray(s.enum)) {
    const values = s.enum as JsonValue[];
    nullable = nullable || values.includes(null);
    return { ...base, kind: 'enum', schema: s, nullable, enumValues: values.filter((v) => v !== null) };
  }
  if (!type) {
    if (isSchemaObject(s.properties)) type = 'object';
    else if (s.items !== undefined || Array.isArray(s.prefixItems)) type = 'array';
  }
  const constraints = base.constraints;
  switch (type) {
    case 'string': {
      const format = typeof s.format === 'string' ? s.format : undefined;
      if (format) constraints.push(`format: ${format}`);
      if (typeof s.minLength === 'number' && typeof s.maxLength === 'number') {
        constraints.push(`${s.minLength} – ${s.maxLength} characters`);
      } else if (typeof s.minLength === 'number' && s.minLength > 0) {
        constraints.push(`at least ${s.minLength} characters`);
      } else if (typeof s.maxLength === 'number') constraints.push(`at most ${s.maxLength} characters`);
      if (typeof s.pattern === 'string') constraints.push(`pattern: ${s.pattern}`);
      const inputType =
        format === 'email'
          ? 'email'
          : format === 'uri' || format === 'url'
            ? 'url'
            : format === 'date'
              ? 'date'
              : format === 'time'
                ? 'time'
                : format === 'date-time'
                  ? 'datetime-local'
                  : format === 'password' || s.writeOnly === true
                    ? 'password'
                    : 'text';
      const multiline =
        !format &&
        (typeof s.contentMediaType === 'string' ||
          (typeof s.maxLength === 'number' && s.maxLength > 300) ||
          (name !== undefined && MULTILINE_NAME.test(name)) ||
          (typeof s.maxLength !== 'number' &&
            typeof s.description === 'string' &&
            /multi-?line|paragraph|long text/i.test(s.description)));
      const placeholder =
        format === 'date-time'
          ? '2025-01-31T12:00:00Z'
          : format === 'email'
            ? 'name@example.com'
            : format === 'uri' || format === 'url'
              ? 'https://'
              : format === 'uuid'
                ? '00000000-0000-0000-0000-000000000000'
                : undefined;
      // `datetime-local` cannot hold a time zone, which date-time requires (RFC 3339): keep a text box with a placeholder.
      return {
        ...base,
        kind: 'string',
        schema: s,
        nullable,
        format,
        inputType: inputType === 'datetime-local' ? 'text' : inputType,
        multiline,
        placeholder,
      };
    }
    case 'number':
    case 'integer': {
      const min =
        typeof s.minimum === 'number'
          ? s.minimum
          : typeof s.exclusiveMinimum === 'number'
            ? s.exclusiveMinimum
            : undefined;
      const max =
        typeof s.maximum === 'number'
          ? s.maximum
          : typeof s.exclusiveMaximum === 'number'
            ? s.exclusiveMaximum
            : undefined;
      const exMin = typeof s.exclusiveMinimum === 'number' || s.exclusiveMinimum === true;
      const exMax = typeof s.exclusiveMaximum === 'number' || s.exclusiveMaximum === true;
      if (min !== undefined && max !== undefined) {
        constraints.push(`${min}${exMin ? ' (exclusive)' : ''} – ${max}${exMax ? ' (exclusive)' : ''}`);
      } else if (min !== undefined) constraints.push(exMin ? `> ${min}` : `≥ ${min}`);
      else if (max !== undefined) constraints.push(exMax ? `< ${max}` : `≤ ${max}`);
      if (typeof s.multipleOf === 'number') constraints.push(`multiple of ${s.multipleOf}`);
      if (type === 'integer') constraints.unshift('whole number');
      return { ...base, kind: type, schema: s, nullable };
    }
    case 'boolean':
      return { ...base, kind: 'boolean', schema: s, nullable };
    case 'null':
      return { ...base, kind: 'null', schema: s, nullable: true };
    case 'array': {
      // A multi-select (MCP elicitation): an array of items drawn from a (titled) enum.
      const items = isSchemaObject(s.items) ? asSchemaObject(resolveRef(s.items, root)) : undefined;
      const choices = items ? (titledEnum(items, root) ?? plainEnum(items)) : undefined;
      if (typeof s.minItems === 'number' && s.minItems > 0) {
        constraints.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
      }
      if (typeof s.maxItems === 'number') constraints.push(`at most ${s.maxItems} item${s.maxItems === 1 ? '' : 's'}`);
      if (s.uniqueItems === true) constraints.push('unique items');
      if (choices) {
        return { ...base, kind: 'multi', schema: s, nullable, enumValues: choices.values, enumLabels: choices.labels };
      }
      return { ...base, kind: 'array', schema: s, nullable };
    }
    case 'object': {
      // A map (no fixed properties) is edited as JSON: keys are data, not labels.
      if (!isSchemaObject(s.properties) || Object.keys(s.properties).length === 0) {
        return { ...base, kind: 'json', schema: s, nullable };
      }
      return { ...base, kind: 'object', schema: s, nullable };
    }
    default:
      return { ...base, kind: 'json', schema: s, nullable };
  }
}

function mergeAllOf(s: SchemaObject, root: Schema): SchemaObject {
  const { allOf, ...rest } = s;
  const out: SchemaObject = { ...rest };
  const props: Record<string, unknown> = isSchemaObject(rest.properties) ? { ...rest.properties } : {};
  const required = new Set<string>(
    Array.isArray(rest.required) ? rest.required.filter((r): r is string => typeof r === 'string') : [],
  );
  for (const part of allOf as unknown[]) {
    const p = resolveRef(part as Schema, root);
    if (!isSchemaObject(p)) continue;
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties' && isSchemaObject(v)) Object.assign(props, v);
      else if (k === 'required' && Array.isArray(v)) v.forEach((r) => typeof r === 'string' && required.add(r));
      else if (!(k in out)) out[k] = v;
    }
  }
  if (Object.keys(props).length) out.properties = props;
  if (required.size) out.required = [...required];
  if (!out.type && out.properties) out.type = 'object';
  return out;
}

/** The properties of an object field, in schema order, with whether each is required. */
export function objectProperties(field: FieldInfo): Array<{ name: string; schema: Schema; required: boolean }> {
  const s = field.schema;
  const props = isSchemaObject(s.properties) ? s.properties : {};
  const required = new Set(
    Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [],
  );
  return Object.entries(props)
    .slice(0, MAX_FORM_PROPERTIES)
    .map(([name, schema]) => ({
      name,
      schema: typeof schema === 'boolean' || isSchemaObject(schema) ? schema : true,
      required: required.has(name),
    }));
}

/** The schema of item `index` of an array field (tuple `prefixItems`/`items[]` first, then `items`). */
export function itemSchema(field: FieldInfo, index: number): Schema {
  const s = field.schema;
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  if (prefix && index < prefix.length) return prefix[index] as Schema;
  const rest = prefix ? (Array.isArray(s.items) ? s.additionalItems : s.items) : s.items;
  return typeof rest === 'boolean' || isSchemaObject(rest) ? rest : true;
}

function clone<T extends JsonValue>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * The value a form starts with: defaults where the schema has them, required nested objects
 * created (so their fields show), required booleans false. Everything else is left out, so that
 * an untouched optional field is not sent to the server.
 */
export function defaultValue(schema: Schema, root: Schema, required: boolean, depth = 0): JsonValue | undefined {
  const field = describeField(schema, root, undefined, required, depth);
  if (field.default !== undefined) return clone(field.default);
  if (depth > MAX_FORM_DEPTH) return undefined;
  switch (field.kind) {
    case 'const':
      return required ? clone(field.enumValues?.[0] ?? null) : undefined;
    case 'object': {
      if (!required && depth > 0) return undefined;
      const out: JsonObject = {};
      for (const p of objectProperties(field)) {
        const v = defaultValue(p.schema, root, p.required, depth + 1);
        if (v !== undefined) out[p.name] = v;
      }
      return out;
    }
    case 'multi':
      return required ? [] : undefined;
    case 'array': {
      if (!required) return undefined;
      const min = typeof field.schema.minItems === 'number' ? Math.min(field.schema.minItems, 20) : 0;
      return Array.from({ length: min }, (_, i) => newItemValue(itemSchema(field, i), root, depth + 1));
    }
    case 'boolean':
      return required ? false : undefined;
    case 'null':
      return required ? null : undefined;
    case 'choice':
      return required && field.options?.length
        ? defaultValue(field.options[0].schema, root, true, depth + 1)
        : undefined;
    default:
      return undefined;
  }
}

/** The value of a newly added array item: something a control can show (never `undefined`). */
export function newItemValue(schema: Schema, root: Schema, depth = 0): JsonValue {
  const field = describeField(schema, root, undefined, true, depth);
  if (field.default !== undefined) return clone(field.default);
  switch (field.kind) {
    case 'string':
      return '';
    case 'number':
    case 'integer': {
      const min = field.schema.minimum;
      return typeof min === 'number' ? min : 0;
    }
    case 'boolean':
      return false;
    case 'enum':
    case 'const':
      return clone(field.enumValues?.[0] ?? null);
    case 'array':
    case 'multi':
      return [];
    case 'object':
      return (defaultValue(schema, root, true, depth) as JsonObject | undefined) ?? {};
    case 'choice':
      return field.options?.length ? newItemValue(field.options[0].schema, root, depth + 1) : null;
    default:
      return null;
  }
}

/**
 * Which option of a choice field the current value belongs to: the first that validates; else the
 * one whose constant discriminator (`kind: {const: "phone"}`) the value carries; else the one with
 * the fewest errors (a half-filled variant still shows as itself).
 */
export function matchOption(options: readonly ChoiceOption[], value: unknown, root: Schema): number {
  if (value === undefined) return 0;
  for (let i = 0; i < options.length; i++) {
    if (validate(options[i].schema, value, { maxErrors: 1 }, root).length === 0) return i;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    for (let i = 0; i < options.length; i++) {
      const s = resolveRef(options[i].schema, root);
      if (!isSchemaObject(s) || !isSchemaObject(s.properties)) continue;
      for (const [key, p] of Object.entries(s.properties)) {
        const ps = resolveRef(p as Schema, root);
        if (isSchemaObject(ps) && 'const' in ps && key in v && JSON.stringify(v[key]) === JSON.stringify(ps.const)) {
          return i;
        }
      }
    }
  }
  const type = jsonType(value);
  let best = -1;
  let bestErrors = Infinity;
  for (let i = 0; i < options.length; i++) {
    const s = resolveRef(options[i].schema, root);
    const typeOk =
      !isSchemaObject(s) || s.type === undefined || s.type === type || (s.type === 'number' && type === 'integer');
    if (!typeOk) continue;
    const n = validate(options[i].schema, value, { maxErrors: 50 }, root).length;
    if (n < bestErrors) {
      best = i;
      bestErrors = n;
    }
  }
  return best >= 0 ? best : 0;
}

export type NumberParse = { ok: true; value: number | undefined } | { ok: false; error: string };

/** Reads a number box: empty is "no value"; anything else must be a finite number (whole for integers). */
export function parseNumberInput(text: string, integer: boolean): NumberParse {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    return { ok: false, error: integer ? 'Enter a whole number.' : 'Enter a number.' };
  }
  const n = Number(t);
  if (!Number.isFinite(n)) return { ok: false, error: 'The number is too large.' };
  if (integer && !Number.isInteger(n)) return { ok: false, error: 'Enter a whole number.' };
  return { ok: true, value: n };
}

// ---- value edits (immutable: each returns a new root) --------------------------------------

export function getAt(root: JsonValue | undefined, path: readonly PathSegment[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node)
      ? typeof seg === 'number'
        ? node[seg]
        : undefined
      : Object.prototype.hasOwnProperty.call(node, seg)
        ? (node as JsonObject)[seg]
        : undefined;
  }
  return node;
}

/** Sets (or, with `undefined`, deletes) the value at `path`, creating objects/arrays on the way. */
export function setAt(
  root: JsonValue | undefined,
  path: readonly PathSegment[],
  value: JsonValue | undefined,
): JsonValue | undefined {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const arr = Array.isArray(root) ? [...root] : [];
    const next = setAt(arr[head], rest, value);
    if (next === undefined && rest.length === 0) arr.splice(head, 1);
    else arr[head] = next === undefined ? null : next;
    return arr;
  }
  const obj: JsonObject = root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...root } : {};
  const next = setAt(Object.prototype.hasOwnProperty.call(obj, head) ? obj[head] : undefined, rest, value);
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj;
}

export function removeItem(
  root: JsonValue | undefined,
  arrayPath: readonly PathSegment[],
  index: number,
): JsonValue | undefined {
  const arr = getAt(root, arrayPath);
  if (!Array.isArray(arr)) return root;
  return setAt(
    root,
    arrayPath,
    arr.filter((_, i) => i !== index),
  );
}

export function moveItem(
  root: JsonValue | undefined,
  arrayPath: readonly PathSegment[],
  from: number,
  to: number,
): JsonValue | undefined {
  const arr = getAt(root, arrayPath);
  if (!Array.isArray(arr) || to < 0 || to >= arr.length) return root;
  const copy = [...arr];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return setAt(root, arrayPath, copy);
}

/** Parses the raw JSON box: arguments must be an object. */
export function parseArgsJson(text: string): { ok: true; value: JsonObject } | { ok: false; error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return { ok: false, error: 'The arguments must be a JSON object ({ … }).' };
  }
  return { ok: true, value: v as JsonObject };
}

/** Text the tool filter matches against: name, title, description (lowercased once). */
export function toolSearchText(tool: {
  name: string;
  title?: string;
  description?: string;
  annotations?: { title?: string };
}): string {
  return [tool.name, tool.title, tool.annotations?.title, tool.description].filter(Boolean).join('\n').toLowerCase();
}

/** Every whitespace-separated term must occur (in any order). */
export function matchesFilter(haystack: string, query: string): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  return terms.every((t) => haystack.includes(t));
}
