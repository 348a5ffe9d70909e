/**
 * A small JSON Schema validator for what MCP servers put in `inputSchema` and `outputSchema`
 * (draft-07 and 2020-12 keywords that tools use in practice). Pure: no DOM, no Node, so it runs
 * in the webview and in the unit tests. Schemas come from servers and are untrusted: `$ref`
 * cycles, deep nesting and bad regular expressions end in an error message, never a hang or throw.
 */

export type Schema = boolean | SchemaObject;
export interface SchemaObject {
  [keyword: string]: unknown;
}
export type PathSegment = string | number;

export interface SchemaError {
  path: PathSegment[];
  message: string;
}

export interface ValidateOptions {
  /** Check `format` (email, uri, date, date-time, time, uuid, ipv4). JSON Schema treats it as an annotation; forms want the hint. */
  formats?: boolean;
  /** Stop after this many errors. */
  maxErrors?: number;
}

const MAX_DEPTH = 64;

export function isSchemaObject(v: unknown): v is SchemaObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows a local `$ref` (`#`, `#/$defs/x`, `#/definitions/x`, JSON pointers) from `root`. */
export function resolveRef(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; hops < 32 && isSchemaObject(current) && typeof current.$ref === 'string'; hops++) {
    const target = lookupPointer(root, current.$ref);
    if (target === undefined) return true; // unknown reference: accept anything rather than block the user
    if (Object.keys(current).length > 1) {
      // Draft 2019+ allows siblings next to $ref: they apply as well (like allOf).
      const { $ref: _ref, ...rest } = current;
      current = isSchemaObject(target) ? { ...target, ...rest } : target;
    } else current = target;
  }
  return current;
}

function lookupPointer(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const pointer = ref.slice(1);
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isSchemaObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'boolean' || isSchemaObject(node) ? node : undefined;
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(type: string, v: unknown): boolean {
  const actual = jsonType(v);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

/** Deep JSON equality (for enum, const, uniqueItems). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  return (
    ak.length === Object.keys(bo).length &&
    ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]))
  );
}

const regexCache = new Map<string, RegExp | null>();
function compilePattern(pattern: string): RegExp | null {
  if (regexCache.has(pattern)) return regexCache.get(pattern) ?? null;
  let re: RegExp | null;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    try {
      re = new RegExp(pattern);
    } catch {
      re = null;
    }
  }
  if (regexCache.size > 500) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

const FORMATS: Record<string, (s: string) => boolean> = {
  email: (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s),
  uri: (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s),
  url: (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s),
  'date-time': (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  time: (s) => /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(s),
};

export const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  uri: 'a URI (with a scheme, e.g. https://…)',
  url: 'a URL',
  'date-time': 'a date and time (e.g. 2025-01-31T12:00:00Z)',
  date: 'a date (YYYY-MM-DD)',
  time: 'a time (HH:MM[:SS])',
  uuid: 'a UUID',
  ipv4: 'an IPv4 address',
};

/** Validates `value` against `schema`; returns every error found (empty when valid). */
export function validate(
  schema: Schema,
  value: unknown,
  options: ValidateOptions = {},
  root: Schema = schema,
): SchemaError[] {
  const errors: SchemaError[] = [];
  const max = options.maxErrors ?? 100;
  const push = (path: PathSegment[], message: string) => {
    if (errors.length < max) errors.push({ path, message });
  };

  const check = (s: Schema, v: unknown, path: PathSegment[], depth: number): void => {
    if (errors.length >= max) return;
    if (depth > MAX_DEPTH) {
      push(path, 'The schema nests too deeply to check.');
      return;
    }
    s = resolveRef(s, root);
    if (s === true) return;
    if (s === false) {
      push(path, 'No value is allowed here.');
      return;
    }

    const type = s.type;
    if (typeof type === 'string' || Array.isArray(type)) {
      const types = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string');
      if (types.length && !types.some((t) => typeMatches(t, v))) {
        push(path, `Expected ${types.map(article).join(' or ')}, got ${article(jsonType(v))}.`);
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, v))) {
      push(path, `Must be one of: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}.`);
    }
    if ('const' in s && !jsonEqual(s.const, v)) push(path, `Must be ${JSON.stringify(s.const)}.`);

    if (typeof v === 'string') {
      const length = [...v].length;
      if (typeof s.minLength === 'number' && length < s.minLength) {
        push(path, s.minLength === 1 ? 'Must not be empty.' : `At least ${s.minLength} characters.`);
      }
      if (typeof s.maxLength === 'number' && length > s.maxLength) push(path, `At most ${s.maxLength} characters.`);
      if (typeof s.pattern === 'string') {
        const re = compilePattern(s.pattern);
        if (re && !re.test(v)) push(path, `Must match the pattern ${s.pattern}.`);
      }
      if (options.formats && typeof s.format === 'string' && v !== '') {
        const test = FORMATS[s.format];
        if (test && !test(v)) push(path, `Must be ${FORMAT_NAMES[s.format] ?? s.format}.`);
      }
    }

    if (typeof v === 'number') {
      const exMin = s.exclusiveMinimum;
      const exMax = s.exclusiveMaximum;
      if (typeof s.minimum === 'number') {
        if (exMin === true ? v <= s.minimum : v < s.minimum) {
          push(path, exMin === true ? `Must be greater than ${s.minimum}.` : `Must be at least ${s.minimum}.`);
        }
      }
      if (typeof s.maximum === 'number') {
        if (exMax === true ? v >= s.maximum : v > s.maximum) {
          push(path, exMax === true ? `Must be less than ${s.maximum}.` : `Must be at most ${s.maximum}.`);
        }
      }
      if (typeof exMin === 'number' && v <= exMin) push(path, `Must be greater than ${exMin}.`);
      if (typeof exMax === 'number' && v >= exMax) push(path, `Must be less than ${exMax}.`);
      if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
        const q = v / s.multipleOf;
        if (Math.abs(q - Math.round(q)) > 1e-9) push(path, `Must be a multiple of ${s.multipleOf}.`);
      }
    }

    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) {
        push(path, `At least ${s.minItems} item${s.minItems === 1 ? '' : 's'}.`);
      }
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) {
        push(path, `At most ${s.maxItems} item${s.maxItems === 1 ? '' : 's'}.`);
      }
      if (s.uniqueItems === true) {
        for (let i = 0; i < v.length; i++) {
          for (let j = 0; j < i; j++) {
            if (jsonEqual(v[i], v[j])) {
              push([...path, i], `Duplicate of item ${j + 1}.`);
              break;
            }
          }
        }
      }
      const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
      const rest = prefix ? (Array.isArray(s.items) ? s.additionalItems : s.items) : s.items;
      v.forEach((item, i) => {
        const itemSchema = prefix && i < prefix.length ? prefix[i] : rest;
        if (typeof itemSchema === 'boolean' || isSchemaObject(itemSchema)) {
          check(itemSchema, item, [...path, i], depth + 1);
        }
      });
    }

    if (isSchemaObject(v)) {
      const props = isSchemaObject(s.properties) ? s.properties : {};
      if (Array.isArray(s.required)) {
        for (const name of s.required) {
          if (typeof name === 'string' && !Object.prototype.hasOwnProperty.call(v, name)) {
            push([...path, name], 'Required.');
          }
        }
      }
      const keys = Object.keys(v);
      if (typeof s.minProperties === 'number' && keys.length < s.minProperties) {
        push(path, `At least ${s.minProperties} properties.`);
      }
      if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) {
        push(path, `At most ${s.maxProperties} properties.`);
      }
      const patterns = isSchemaObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
      for (const key of keys) {
        let matched = false;
        if (Object.prototype.hasOwnProperty.call(props, key)) {
          matched = true;
          const ps = props[key];
          if (typeof ps === 'boolean' || isSchemaObject(ps)) check(ps, v[key], [...path, key], depth + 1);
        }
        for (const [pattern, ps] of patterns) {
          const re = compilePattern(pattern);
          if (re?.test(key)) {
            matched = true;
            if (typeof ps === 'boolean' || isSchemaObject(ps)) check(ps, v[key], [...path, key], depth + 1);
          }
        }
        if (!matched) {
          const ap = s.additionalProperties;
          if (ap === false) push([...path, key], `Unknown property "${key}".`);
          else if (isSchemaObject(ap)) check(ap, v[key], [...path, key], depth + 1);
        }
      }
    }

    if (Array.isArray(s.allOf)) {
      for (const sub of s.allOf) if (typeof sub === 'boolean' || isSchemaObject(sub)) check(sub, v, path, depth + 1);
    }
    if (Array.isArray(s.anyOf)) {
      const ok = s.anyOf.some(
        (sub) =>
          (typeof sub === 'boolean' || isSchemaObject(sub)) &&
          validate(sub, v, { ...options, maxErrors: 1 }, root).length === 0,
      );
      if (!ok) push(path, 'Does not match any of the allowed shapes (anyOf).');
    }
    if (Array.isArray(s.oneOf)) {
      const matches = s.oneOf.filter(
        (sub) =>
          (typeof sub === 'boolean' || isSchemaObject(sub)) &&
          validate(sub, v, { ...options, maxErrors: 1 }, root).length === 0,
      ).length;
      if (matches !== 1) {
        push(
          path,
          matches === 0
            ? 'Does not match any of the allowed shapes (oneOf).'
            : 'Matches more than one of the exclusive shapes (oneOf).',
        );
      }
    }
    if (s.not !== undefined && (typeof s.not === 'boolean' || isSchemaObject(s.not))) {
      if (validate(s.not, v, { ...options, maxErrors: 1 }, root).length === 0) {
        push(path, 'Matches a shape that is not allowed (not).');
      }
    }
    if (isSchemaObject(s.if) || typeof s.if === 'boolean') {
      const cond = validate(s.if as Schema, v, { ...options, maxErrors: 1 }, root).length === 0;
      const branch = cond ? s.then : s.else;
      if (typeof branch === 'boolean' || isSchemaObject(branch)) check(branch, v, path, depth + 1);
    }
  };

  check(schema, value, [], 0);
  return errors;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `a.b[2].c` for messages. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A stable key for a path (used to attach errors to form fields). */
export function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}
