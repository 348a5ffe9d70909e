/**
 * The one check of a tool result's `structuredContent` against the tool's `outputSchema`
 * (MCP 2025-06-18 tools, "Output Schema": a tool that declares one MUST return structured results
 * that conform to it, and clients SHOULD validate them). The SDK client makes the same check but
 * throws on a mismatch, which hides the result; an inspector shows the result and the verdict, so
 * the connection calls tools without the SDK's check and attaches this verdict instead.
 *
 * The validator is Ajv, configured like the SDK's own (`AjvJsonSchemaValidator`: formats, all
 * errors, not strict), so a verdict here is the one an SDK-based client would reach; unlike the
 * webview's form validator (a subset for argument forms), it covers every keyword and reports a
 * schema that is itself invalid, with a JSON Pointer for every error.
 * Ajv is part of the SDK's dependencies and already in the engine bundle; this module is reached
 * only through ./sdk, so it loads lazily with the SDK.
 */
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OutputSchemaCheck } from '../shared/protocol';

export type { OutputSchemaCheck };

/** A result that fails in many places still gets a readable list. */
const MAX_ERRORS = 50;
const MAX_MESSAGE = 500;

type Compiled = { validate: ValidateFunction } | { errors: OutputSchemaCheck['errors'] };

let instances: { draft07: Ajv; draft2019: Ajv2019; draft2020: Ajv2020 } | undefined;
/** Tool lists are replaced, not mutated, on refresh: a schema object compiles once. */
const compiled = new WeakMap<object, Compiled>();

function ajvFor(schema: Record<string, unknown>): Ajv {
  // `logger: false`: Ajv would otherwise warn on the console about unknown formats and keywords.
  const options = { strict: false, allErrors: true, validateFormats: true, logger: false as const };
  instances ??= {
    draft07: addFormats(new Ajv(options)),
    draft2019: addFormats(new Ajv2019(options)) as Ajv2019,
    draft2020: addFormats(new Ajv2020(options)) as Ajv2020,
  };
  // The dialect follows `$schema` (JSON Schema core §8.1.1); without one, draft-07, as the SDK does.
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (dialect.includes('2020-12')) return instances.draft2020;
  if (dialect.includes('2019-09')) return instances.draft2019;
  return instances.draft07;
}

function compile(schema: Record<string, unknown>): Compiled {
  const hit = compiled.get(schema);
  if (hit) return hit;
  const ajv = ajvFor(schema);
  let result: Compiled;
  try {
    // A schema that breaks its meta-schema is reported as such, not as a mismatch of the content.
    if (!ajv.validateSchema(schema as AnySchema)) result = { errors: toErrors(ajv.errors) };
    // `$id`s are the server's: never register them in the shared instance (two tools may reuse one).
    else {
      const { $id: _id, ...anonymous } = schema;
      result = { validate: ajv.compile(anonymous) };
    }
  } catch (e) {
    // Unresolvable $ref, a bad regular expression, an unknown $schema: Ajv throws at compile time.
    result = { errors: [{ path: '', message: clip(e instanceof Error ? e.message : String(e)) }] };
  }
  compiled.set(schema, result);
  return result;
}

function toErrors(errors: ErrorObject[] | null | undefined): OutputSchemaCheck['errors'] {
  return (errors ?? []).slice(0, MAX_ERRORS).map((e) => {
    let path = e.instancePath;
    let message = e.message ?? `fails "${e.keyword}"`;
    // Point at the property itself, so the list reads "/conditions: is required", not a message about its parent.
    if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') {
      path = `${path}/${escapePointer(e.params.missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') {
      path = `${path}/${escapePointer(e.params.additionalProperty)}`;
      message = 'is not allowed (additionalProperties)';
    } else if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
      message = `must be one of ${JSON.stringify(e.params.allowedValues)}`;
    }
    return { path: clip(path), message: clip(message) };
  });
}

/** RFC 6901 §3: `~` and `/` in a reference token are escaped. */
function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/**
 * The verdict for one result, or undefined when there is nothing to check: no outputSchema, or an
 * `isError` result (the spec constrains structured content of successful results only).
 */
export function checkOutputSchema(
  outputSchema: unknown,
  result: { structuredContent?: unknown; isError?: unknown },
): OutputSchemaCheck | undefined {
  if (outputSchema === undefined || outputSchema === null) return undefined;
  if (result.isError === true) return undefined;
  if (typeof outputSchema !== 'object' || Array.isArray(outputSchema)) {
    return {
      ok: false,
      status: 'bad-schema',
      message: "The tool's outputSchema is not a JSON Schema object, so structuredContent could not be checked.",
      errors: [],
    };
  }
  const structured = result.structuredContent;
  if (structured === undefined) {
    return {
      ok: false,
      status: 'missing',
      message:
        'The tool declares an outputSchema but returned no structuredContent (MCP tools, "Output Schema": it must return structured results).',
      errors: [],
    };
  }
  const c = compile(outputSchema as Record<string, unknown>);
  if ('errors' in c) {
    return {
      ok: false,
      status: 'bad-schema',
      message: "The tool's outputSchema is not a valid JSON Schema, so structuredContent could not be checked.",
      errors: c.errors,
    };
  }
  if (c.validate(structured)) {
    return { ok: true, status: 'valid', message: "structuredContent matches the tool's outputSchema.", errors: [] };
  }
  const errors = toErrors(c.validate.errors);
  const count = c.validate.errors?.length ?? errors.length;
  return {
    ok: false,
    status: 'invalid',
    message: `structuredContent does not match the tool's outputSchema (${count} error${count === 1 ? '' : 's'}).`,
    errors,
  };
}

/**
 * Any value against any JSON Schema, with the same validator and error list as the outputSchema
 * verdict (saved checks, src/core/checks, use it for their `schema` expectation). `schemaErrors`
 * is set when the schema itself is invalid.
 */
export function checkAgainstSchema(
  schema: Record<string, unknown> | boolean,
  value: unknown,
): { ok: boolean; schemaInvalid: boolean; errors: OutputSchemaCheck['errors'] } {
  if (typeof schema === 'boolean') {
    return schema
      ? { ok: true, schemaInvalid: false, errors: [] }
      : { ok: false, schemaInvalid: false, errors: [{ path: '', message: 'the schema is false: nothing matches' }] };
  }
  const c = compile(schema);
  if ('errors' in c) return { ok: false, schemaInvalid: true, errors: c.errors };
  if (c.validate(value)) return { ok: true, schemaInvalid: false, errors: [] };
  return { ok: false, schemaInvalid: false, errors: toErrors(c.validate.errors) };
}
