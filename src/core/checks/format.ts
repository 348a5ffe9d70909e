/**
 * Saved checks: the file format (docs/checks.md) and its strict validation. A file names one
 * server (`connection`) and an ordered list of checks, each a tool call, resource read or prompt
 * with what its answer must satisfy. Files live in the workspace (`.vscode/mcp-lens/*.json`) so they
 * are reviewed in git like code; a mistake in one is reported with the check and the field, never
 * guessed around.
 */
import * as path from 'node:path';
import {
  type ConnectionConfig,
  type HttpTransportKind,
  defaultConnectionName,
  newConnectionId,
  validateServerUrl,
} from '../config';
import { PROTOCOL_CHOICES, type ProtocolChoice } from '../../shared/protocol';
import { JsonPathError, parseJsonPath } from './jsonPath';

export const CHECKS_FILE_VERSION = 1;
export const CHECK_KINDS = ['tool', 'resource', 'prompt'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** The server to check, as written in the file (a subset of a saved connection: no secrets). */
export type ChecksConnection =
  | {
      url: string;
      transport?: 'auto' | 'http' | 'streamable-http' | 'sse';
      /** Values may use `${env:NAME}`, so tokens come from the CI's secrets, never from the file. */
      headers?: Record<string, string>;
      protocol?: ProtocolChoice;
      name?: string;
    }
  | {
      command: string;
      args?: string[];
      env?: Record<string, string>;
      /** Relative to the file's folder. */
      cwd?: string;
      protocol?: ProtocolChoice;
      name?: string;
    };

export type JsonPathAssertion = { path: string } & (
  { equals: unknown } | { matches: string } | { contains: string } | { exists: boolean }
);

export interface CheckExpectation {
  /** `ok` (the default): a result without isError. `error`: a result with isError, or a JSON-RPC error. */
  status?: 'ok' | 'error';
  jsonPath?: JsonPathAssertion[];
  /** A JSON Schema the result (or, for a JSON-RPC error, `{ error: { code, message, data } }`) must satisfy. */
  schema?: Record<string, unknown>;
  maxDurationMs?: number;
}

export interface CheckSpec {
  name: string;
  kind: CheckKind;
  /** kind `tool`. */
  tool?: string;
  /** kind `resource`. */
  uri?: string;
  /** kind `prompt`. */
  prompt?: string;
  /** Tool arguments (any JSON values) or prompt arguments (strings). */
  arguments?: Record<string, unknown>;
  expect: CheckExpectation;
}

export interface ChecksFile {
  version: 1;
  connection: ChecksConnection;
  checks: CheckSpec[];
}

/** A file that cannot be used as it is. The message names the file, the check and the field. */
export class ChecksFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChecksFileError';
  }
}

const TOP_KEYS = ['$schema', 'version', 'connection', 'checks'];
const HTTP_KEYS = ['url', 'transport', 'headers', 'protocol', 'name'];
const STDIO_KEYS = ['command', 'args', 'env', 'cwd', 'protocol', 'name'];
const CHECK_KEYS = ['name', 'kind', 'tool', 'uri', 'prompt', 'arguments', 'expect', 'description'];
const EXPECT_KEYS = ['status', 'jsonPath', 'schema', 'maxDurationMs'];
const OPERATORS = ['equals', 'matches', 'contains', 'exists'] as const;
const TARGET_FIELD: Record<CheckKind, 'tool' | 'uri' | 'prompt'> = { tool: 'tool', resource: 'uri', prompt: 'prompt' };

/** Parses and validates a checks file's text. `source` names it in messages. Throws ChecksFileError. */
export function parseChecksFile(text: string, source: string): ChecksFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ChecksFileError(`${source}: not valid JSON (${(e as Error).message}).`);
  }
  return validateChecksFile(value, source);
}

export function validateChecksFile(value: unknown, source: string): ChecksFile {
  const fail = (where: string, what: string): never => {
    throw new ChecksFileError(`${source}: ${where}${what}`);
  };
  if (!isObject(value)) {
    fail('', `must be a JSON object with "version", "connection" and "checks" (got ${kindOf(value)}).`);
  }
  const top = value as Record<string, unknown>;
  unknownKeys(top, TOP_KEYS, (key) => fail('', `unknown field "${key}" (fields: ${TOP_KEYS.join(', ')}).`));
  if (top.version !== CHECKS_FILE_VERSION) {
    fail('"version" ', `must be ${CHECKS_FILE_VERSION} (got ${JSON.stringify(top.version) ?? 'nothing'}).`);
  }
  const connection = validateConnection(top.connection, (field, what) => fail(`"connection${field}" `, what));
  if (!Array.isArray(top.checks)) fail('"checks" ', `must be an array of checks (got ${kindOf(top.checks)}).`);
  const checks = top.checks as unknown[];
  if (checks.length === 0) fail('"checks" ', 'is empty: add at least one check.');
  const names = new Set<string>();
  const parsed = checks.map((raw, index) => {
    const label = isObject(raw) && typeof raw.name === 'string' && raw.name.trim() ? ` "${raw.name}"` : '';
    const check = validateCheck(raw, (field, what) =>
      fail(`checks[${index}]${label}${field ? ` ${field}` : ''}: `, what),
    );
    if (names.has(check.name)) {
      fail(`checks[${index}]${label}: `, 'the name is used by an earlier check; names must be unique.');
    }
    names.add(check.name);
    return check;
  });
  return { version: 1, connection, checks: parsed };
}

type Fail = (field: string, what: string) => never;

function validateConnection(value: unknown, fail: Fail): ChecksConnection {
  if (!isObject(value)) {
    return fail('', `must be an object with "url" (HTTP) or "command" (stdio) (got ${kindOf(value)}).`);
  }
  const has = (key: string) => value[key] !== undefined;
  if (has('url') === has('command')) {
    fail('', 'needs exactly one of "url" (an HTTP server) or "command" (a stdio server).');
  }
  const protocol = value.protocol;
  if (protocol !== undefined && !(PROTOCOL_CHOICES as readonly unknown[]).includes(protocol)) {
    fail('.protocol', `must be one of ${PROTOCOL_CHOICES.join(', ')} (got ${JSON.stringify(protocol)}).`);
  }
  if (has('name') && typeof value.name !== 'string') fail('.name', 'must be a string.');
  if (has('url')) {
    unknownKeys(value, HTTP_KEYS, (key) =>
      fail('', `unknown field "${key}" for an HTTP server (fields: ${HTTP_KEYS.join(', ')}).`),
    );
    if (typeof value.url !== 'string') return fail('.url', 'must be a string.');
    const problem = validateServerUrl(value.url);
    if (problem) fail('.url', problem);
    const transport = value.transport;
    if (transport !== undefined && !['auto', 'http', 'streamable-http', 'sse'].includes(transport as string)) {
      fail('.transport', `must be auto, http or sse (got ${JSON.stringify(transport)}).`);
    }
    if (has('headers')) stringRecord(value.headers, (what) => fail('.headers', what));
    return value as ChecksConnection;
  }
  unknownKeys(value, STDIO_KEYS, (key) =>
    fail('', `unknown field "${key}" for a stdio server (fields: ${STDIO_KEYS.join(', ')}).`),
  );
  if (typeof value.command !== 'string' || !value.command.trim()) {
    return fail('.command', 'must be a non-empty string.');
  }
  if (has('args') && (!Array.isArray(value.args) || value.args.some((a) => typeof a !== 'string'))) {
    fail('.args', 'must be an array of strings.');
  }
  if (has('env')) stringRecord(value.env, (what) => fail('.env', what));
  if (has('cwd') && typeof value.cwd !== 'string') fail('.cwd', 'must be a string.');
  return value as ChecksConnection;
}

function validateCheck(value: unknown, fail: Fail): CheckSpec {
  if (!isObject(value)) return fail('', `must be an object (got ${kindOf(value)}).`);
  unknownKeys(value, CHECK_KEYS, (key) => fail('', `unknown field "${key}" (fields: ${CHECK_KEYS.join(', ')}).`));
  if (typeof value.name !== 'string' || !value.name.trim()) fail('"name"', 'must be a non-empty string.');
  const kind = value.kind;
  if (!(CHECK_KINDS as readonly unknown[]).includes(kind)) {
    fail('"kind"', `must be one of ${CHECK_KINDS.join(', ')} (got ${JSON.stringify(kind) ?? 'nothing'}).`);
  }
  const target = TARGET_FIELD[kind as CheckKind];
  for (const field of Object.values(TARGET_FIELD)) {
    if (field === target) {
      if (typeof value[field] !== 'string' || !(value[field] as string).trim()) {
        fail(`"${field}"`, `a ${kind as string} check needs "${field}" (a non-empty string).`);
      }
    } else if (value[field] !== undefined) {
      fail(`"${field}"`, `does not apply to a ${kind as string} check (it uses "${target}").`);
    }
  }
  if (value.arguments !== undefined) {
    if (kind === 'resource') fail('"arguments"', 'does not apply to a resource check.');
    if (!isObject(value.arguments)) fail('"arguments"', `must be an object (got ${kindOf(value.arguments)}).`);
    if (kind === 'prompt') {
      for (const [key, arg] of Object.entries(value.arguments as Record<string, unknown>)) {
        if (typeof arg !== 'string') {
          fail(`"arguments.${key}"`, `must be a string (prompt arguments are strings; got ${kindOf(arg)}).`);
        }
      }
    }
  }
  if (value.description !== undefined && typeof value.description !== 'string') {
    fail('"description"', 'must be a string.');
  }
  const expect = value.expect === undefined ? {} : value.expect;
  if (!isObject(expect)) fail('"expect"', `must be an object (got ${kindOf(expect)}).`);
  const e = expect as Record<string, unknown>;
  unknownKeys(e, EXPECT_KEYS, (key) => fail('"expect"', `unknown field "${key}" (fields: ${EXPECT_KEYS.join(', ')}).`));
  if (e.status !== undefined && e.status !== 'ok' && e.status !== 'error') {
    fail('"expect.status"', `must be "ok" or "error" (got ${JSON.stringify(e.status)}).`);
  }
  if (e.maxDurationMs !== undefined && (typeof e.maxDurationMs !== 'number' || !(e.maxDurationMs > 0))) {
    fail(
      '"expect.maxDurationMs"',
      `must be a positive number of milliseconds (got ${JSON.stringify(e.maxDurationMs)}).`,
    );
  }
  if (e.schema !== undefined && !isObject(e.schema) && typeof e.schema !== 'boolean') {
    fail('"expect.schema"', `must be a JSON Schema (an object) (got ${kindOf(e.schema)}).`);
  }
  if (e.jsonPath !== undefined) {
    if (!Array.isArray(e.jsonPath)) {
      fail('"expect.jsonPath"', `must be an array of assertions (got ${kindOf(e.jsonPath)}).`);
    }
    (e.jsonPath as unknown[]).forEach((assertion, i) =>
      validateAssertion(assertion, (what) => fail(`"expect.jsonPath[${i}]"`, what)),
    );
  }
  return { ...(value as unknown as CheckSpec), expect: e as CheckExpectation };
}

function validateAssertion(value: unknown, fail: (what: string) => never): void {
  if (!isObject(value)) {
    fail(`must be an object like {"path": "$.content[0].text", "contains": "…"} (got ${kindOf(value)}).`);
  }
  const a = value as Record<string, unknown>;
  unknownKeys(a, ['path', ...OPERATORS], (key) =>
    fail(`unknown field "${key}" (fields: path, ${OPERATORS.join(', ')}).`),
  );
  if (typeof a.path !== 'string') fail('needs "path", a JSONPath such as "$.content[0].text".');
  try {
    parseJsonPath(a.path as string);
  } catch (e) {
    if (e instanceof JsonPathError) fail(`"path" ${e.message}`);
    throw e;
  }
  const given = OPERATORS.filter((op) => a[op] !== undefined);
  if (given.length !== 1) {
    fail(`needs exactly one of ${OPERATORS.join(', ')} (got ${given.length ? given.join(', ') : 'none'}).`);
  }
  const op = given[0];
  if ((op === 'matches' || op === 'contains') && typeof a[op] !== 'string') fail(`"${op}" must be a string.`);
  if (op === 'matches') {
    try {
      new RegExp(a.matches as string, 'u');
    } catch (e) {
      fail(`"matches" is not a valid regular expression: ${(e as Error).message}.`);
    }
  }
  if (op === 'exists' && typeof a.exists !== 'boolean') fail('"exists" must be true or false.');
}

/**
 * The connection config the core connects with. `${env:NAME}` in header and env values is
 * replaced from `env` (a missing variable is an error: a check without its token would fail
 * for the wrong reason). A stdio `cwd` is relative to the file's folder.
 */
export function toConnectionConfig(
  connection: ChecksConnection,
  fileDir: string,
  env: NodeJS.ProcessEnv,
  source: string,
): ConnectionConfig {
  const expand = (text: string, field: string): string =>
    text.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new ChecksFileError(`${source}: "connection.${field}" uses \${env:${name}}, which is not set.`);
      }
      return found;
    });
  const expandAll = (record: Record<string, string> | undefined, field: string) =>
    record && Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expand(v, `${field}.${k}`)]));
  const protocol = connection.protocol && connection.protocol !== 'auto' ? { protocol: connection.protocol } : {};
  if ('url' in connection) {
    const transports: Record<string, HttpTransportKind> = {
      auto: 'auto',
      http: 'streamable-http',
      'streamable-http': 'streamable-http',
      sse: 'sse',
    };
    const transport = transports[connection.transport ?? 'auto'];
    const headers = expandAll(connection.headers, 'headers');
    return {
      id: newConnectionId(),
      name: connection.name ?? defaultConnectionName({ transport, url: connection.url }),
      transport,
      url: connection.url.trim(),
      ...(headers && Object.keys(headers).length ? { headers } : {}),
      ...protocol,
    };
  }
  const args = connection.args ?? [];
  const env2 = expandAll(connection.env, 'env');
  return {
    id: newConnectionId(),
    name: connection.name ?? defaultConnectionName({ transport: 'stdio', command: connection.command, args }),
    transport: 'stdio',
    command: connection.command,
    args,
    ...(env2 ? { env: env2 } : {}),
    cwd: path.resolve(fileDir, connection.cwd ?? '.'),
    ...protocol,
  };
}

function stringRecord(value: unknown, fail: (what: string) => never): void {
  if (!isObject(value)) fail(`must be an object of strings (got ${kindOf(value)}).`);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`"${key}" must be a string (got ${kindOf(v)}).`);
  }
}

function unknownKeys(value: Record<string, unknown>, known: string[], fail: (key: string) => never): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) fail(key);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
