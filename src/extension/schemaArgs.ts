/**
 * Turns a tool's JSON Schema `inputSchema` into one field per property, and parses what the
 * user typed for a field into a JSON value with a message when it does not fit. No `vscode`
 * import: the quick-input UI (argumentPrompts.ts) uses it, and unit tests cover it in Node.
 */
export type ArgumentKind = 'boolean' | 'enum' | 'integer' | 'number' | 'string' | 'json';

export interface ArgumentField {
  name: string;
  kind: ArgumentKind;
  required: boolean;
  description?: string;
  /** For `enum`: the allowed values, in schema order. */
  enumValues?: unknown[];
  default?: unknown;
  /** For `json`: 'object' or 'array' when the schema says which, else undefined (any JSON). */
  jsonType?: 'object' | 'array';
  minimum?: number;
  maximum?: number;
}

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The single non-null type of a schema, if it names one (`"type": ["string", "null"]` → string). */
function primaryType(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const nonNull = t.filter((x) => x !== 'null');
    return nonNull.length === 1 && typeof nonNull[0] === 'string' ? nonNull[0] : undefined;
  }
  return undefined;
}

export function argumentFields(inputSchema: unknown): ArgumentField[] {
  if (!isSchema(inputSchema) || !isSchema(inputSchema.properties)) return [];
  const required = new Set(
    Array.isArray(inputSchema.required) ? inputSchema.required.filter((r): r is string => typeof r === 'string') : [],
  );
  return Object.entries(inputSchema.properties).map(([name, raw]) => {
    const schema = isSchema(raw) ? raw : {};
    const field: ArgumentField = { name, kind: 'json', required: required.has(name) };
    if (typeof schema.description === 'string') field.description = schema.description;
    if ('default' in schema) field.default = schema.default;
    const type = primaryType(schema);
    if (Array.isArray(schema.enum) && schema.enum.length) {
      field.kind = 'enum';
      field.enumValues = schema.enum;
    } else if ('const' in schema) {
      field.kind = 'enum';
      field.enumValues = [schema.const];
    } else if (type === 'boolean') field.kind = 'boolean';
    else if (type === 'integer' || type === 'number') {
      field.kind = type;
      if (typeof schema.minimum === 'number') field.minimum = schema.minimum;
      if (typeof schema.maximum === 'number') field.maximum = schema.maximum;
    } else if (type === 'string') field.kind = 'string';
    else {
      field.kind = 'json';
      if (type === 'object' || type === 'array') field.jsonType = type;
    }
    return field;
  });
}

export type ParsedArgument = { ok: true; value: unknown } | { ok: true; skip: true } | { ok: false; error: string };

/**
 * Parses the text typed for a field. Empty text skips an optional field and is refused for a
 * required one. Booleans and enums come from pick lists, so they are parsed from their JSON text.
 */
export function parseArgumentText(field: ArgumentField, text: string): ParsedArgument {
  const trimmed = text.trim();
  if (!trimmed && field.kind !== 'string') {
    return field.required ? { ok: false, error: `${field.name} is required.` } : { ok: true, skip: true };
  }
  switch (field.kind) {
    case 'string':
      if (!text) return field.required ? { ok: false, error: `${field.name} is required.` } : { ok: true, skip: true };
      return { ok: true, value: text };
    case 'integer':
    case 'number': {
      const n = Number(trimmed);
      if (!Number.isFinite(n)) return { ok: false, error: `${field.name} must be a number; "${trimmed}" is not one.` };
      if (field.kind === 'integer' && !Number.isInteger(n)) {
        return { ok: false, error: `${field.name} must be a whole number.` };
      }
      if (field.minimum !== undefined && n < field.minimum) {
        return { ok: false, error: `${field.name} must be at least ${field.minimum}.` };
      }
      if (field.maximum !== undefined && n > field.maximum) {
        return { ok: false, error: `${field.name} must be at most ${field.maximum}.` };
      }
      return { ok: true, value: n };
    }
    case 'boolean':
      if (trimmed === 'true') return { ok: true, value: true };
      if (trimmed === 'false') return { ok: true, value: false };
      return { ok: false, error: `${field.name} must be true or false.` };
    case 'enum':
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (e) {
        return { ok: false, error: `${field.name} must be JSON: ${(e as Error).message}` };
      }
      if (field.kind === 'enum' && !(field.enumValues ?? []).some((v) => JSON.stringify(v) === JSON.stringify(value))) {
        return {
          ok: false,
          error: `${field.name} must be one of ${(field.enumValues ?? []).map((v) => JSON.stringify(v)).join(', ')}.`,
        };
      }
      if (field.jsonType === 'array' && !Array.isArray(value)) {
        return { ok: false, error: `${field.name} must be a JSON array, like [1, 2].` };
      }
      if (field.jsonType === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
        return { ok: false, error: `${field.name} must be a JSON object, like {"key": "value"}.` };
      }
      return { ok: true, value };
    }
  }
}

/** The text to prefill a field with: its default, as the user would type it. */
export function defaultText(field: ArgumentField): string {
  if (field.default === undefined) return '';
  if (field.kind === 'string' && typeof field.default === 'string') return field.default;
  return JSON.stringify(field.default);
}
