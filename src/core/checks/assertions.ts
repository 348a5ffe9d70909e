/**
 * Judges one answer against a check's expectations. Every failed assertion becomes one line that
 * says where, what was expected and what came (server text clipped and stripped of control
 * characters, since it is printed on terminals and written into CI reports).
 */
import { isDeepStrictEqual } from 'node:util';
import { checkAgainstSchema } from '../outputSchema';
import type { CheckExpectation, JsonPathAssertion } from './format';
import { queryJsonPath } from './jsonPath';
import { shownText } from './text';

export { shownText } from './text';

/** What a request produced, as the assertions see it. */
export interface CheckOutcome {
  /** `error`: a tool result with isError, or a JSON-RPC error. */
  status: 'ok' | 'error';
  /** The result; for a JSON-RPC error, `{ error: { code, message, data? } }`. */
  document: unknown;
  durationMs: number;
  /** One line on why the status is `error`, for the status assertion's message. */
  errorSummary?: string;
  /** The tool's outputSchema verdict when it failed (a result that breaks the tool's own schema). */
  outputSchemaProblem?: string;
}

const MAX_SCHEMA_ERRORS = 5;

/** The failed assertions, in the order they are written; empty when the check passed. */
export function evaluateExpectation(expect: CheckExpectation, outcome: CheckOutcome): string[] {
  const failures: string[] = [];
  const wanted = expect.status ?? 'ok';
  if (outcome.status !== wanted) {
    failures.push(
      `status: expected ${wanted}, got ${outcome.status}${outcome.errorSummary ? ` (${shownText(outcome.errorSummary)})` : ''}`,
    );
  }
  if (wanted === 'ok' && outcome.status === 'ok' && outcome.outputSchemaProblem) {
    failures.push(`outputSchema: ${shownText(outcome.outputSchemaProblem)}`);
  }
  for (const assertion of expect.jsonPath ?? []) {
    const failure = evaluateJsonPath(assertion, outcome.document);
    if (failure) failures.push(failure);
  }
  if (expect.schema !== undefined) {
    const verdict = checkAgainstSchema(expect.schema, outcome.document);
    if (verdict.schemaInvalid) {
      failures.push(`schema: the expected schema is not a valid JSON Schema: ${describeSchemaErrors(verdict.errors)}`);
    } else if (!verdict.ok) {
      failures.push(`schema: the result does not match: ${describeSchemaErrors(verdict.errors)}`);
    }
  }
  if (expect.maxDurationMs !== undefined && outcome.durationMs > expect.maxDurationMs) {
    failures.push(`duration: expected at most ${expect.maxDurationMs} ms, took ${Math.round(outcome.durationMs)} ms`);
  }
  return failures;
}

/** One JSONPath assertion; with several selected values (a `[*]` step) it holds when any of them satisfies it. */
export function evaluateJsonPath(assertion: JsonPathAssertion, document: unknown): string | undefined {
  const values = queryJsonPath(document, assertion.path);
  const where = shownText(assertion.path);
  const got = values.length === 0 ? 'nothing' : values.map(shown).join(', ');
  if ('exists' in assertion) {
    if (assertion.exists && values.length === 0) return `${where}: expected to exist, found nothing`;
    if (!assertion.exists && values.length > 0) return `${where}: expected not to exist, got ${got}`;
    return undefined;
  }
  if ('equals' in assertion) {
    if (values.some((v) => isDeepStrictEqual(v, assertion.equals))) return undefined;
    return `${where}: expected to equal ${shown(assertion.equals)}, got ${got}`;
  }
  if ('contains' in assertion) {
    if (values.some((v) => textOf(v).includes(assertion.contains))) return undefined;
    return `${where}: expected to contain ${shown(assertion.contains)}, got ${got}`;
  }
  const pattern = new RegExp(assertion.matches, 'u');
  if (values.some((v) => pattern.test(textOf(v)))) return undefined;
  return `${where}: expected to match /${shownText(assertion.matches)}/, got ${got}`;
}

/** Strings as they are; anything else as its JSON text (so `contains` also works on numbers and objects). */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** A value for a message: strings in single quotes, the rest as JSON, clipped and without control characters. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? `'${shownText(value)}'` : shownText(JSON.stringify(value) ?? String(value));
}

function describeSchemaErrors(errors: Array<{ path: string; message: string }>): string {
  const list = errors
    .slice(0, MAX_SCHEMA_ERRORS)
    .map((e) => `${e.path || '/'} ${shownText(e.message)}`)
    .join('; ');
  const more = errors.length > MAX_SCHEMA_ERRORS ? ` (and ${errors.length - MAX_SCHEMA_ERRORS} more)` : '';
  return `${list || 'no details'}${more}`;
}
