/**
 * Host-side validation of inspector webview messages (untrusted input), against the message maps of
 * src/shared/protocol.ts. It lives in the host, not in the shared file, so the webview bundle does
 * not ship it.
 */
import {
  LOGGING_LEVELS,
  type CommandMessage,
  type CommandMethod,
  type RequestMessage,
  type RequestMethod,
  type WebviewToHostMessage,
} from '../../shared/protocol';

/**
 * A webview is a web page: anything that runs in it (a bug, an injected script) can post any
 * value. The host therefore checks each message's shape and types, with limits, before acting.
 */
export type ValidationResult = { ok: true; message: WebviewToHostMessage } | { ok: false; error: string; id?: number };

type Check = (value: unknown, path: string) => string | undefined;

const MAX_STRING = 1_000_000;
const MAX_ID = 512;
/** History exports carry results, which can be big; bounded so one message cannot exhaust memory. */
const MAX_EXPORT = 64 * 1024 * 1024;

const str =
  (max = MAX_STRING, min = 0): Check =>
  (v, p) =>
    typeof v !== 'string'
      ? `${p} must be a string`
      : v.length > max
        ? `${p} is too long`
        : v.length < min
          ? `${p} is empty`
          : undefined;
const id = str(MAX_ID, 1);
const nonNegative: Check = (v, p) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : `${p} must be a non-negative number`;
const nullableId: Check = (v, p) => (v === null ? undefined : id(v, p));
const int: Check = (v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : `${p} must be a non-negative integer`;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A JSON value with bounded depth and size (no functions, no NaN, no cycles). */
function jsonCheck(maxDepth: number, objectOnly: boolean): Check {
  return (v, p) => {
    if (objectOnly && !isPlainObject(v)) return `${p} must be an object`;
    let nodes = 0;
    const walk = (x: unknown, depth: number, at: string): string | undefined => {
      if (++nodes > 200_000) return `${p} is too large`;
      if (depth > maxDepth) return `${at} is nested too deeply`;
      if (x === null || typeof x === 'boolean') return undefined;
      if (typeof x === 'number') return Number.isFinite(x) ? undefined : `${at} must be a finite number`;
      if (typeof x === 'string') return x.length > MAX_STRING ? `${at} is too long` : undefined;
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) {
          const e = walk(x[i], depth + 1, `${at}[${i}]`);
          if (e) return e;
        }
        return undefined;
      }
      if (isPlainObject(x)) {
        for (const [k, item] of Object.entries(x)) {
          const e = walk(item, depth + 1, `${at}.${k}`);
          if (e) return e;
        }
        return undefined;
      }
      return `${at} is not JSON`;
    };
    return walk(v, 0, p);
  };
}

const stringRecord: Check = (v, p) => {
  if (!isPlainObject(v)) return `${p} must be an object`;
  const entries = Object.entries(v);
  if (entries.length > 1000) return `${p} has too many entries`;
  for (const [k, item] of entries) {
    const e = str()(item, `${p}.${k}`);
    if (e) return e;
  }
  return undefined;
};

function shape(fields: Record<string, Check>): Check {
  return (v, p) => {
    if (!isPlainObject(v)) return `${p} must be an object`;
    for (const key of Object.keys(v)) if (!(key in fields)) return `${p} has an unknown field "${key}"`;
    for (const [key, check] of Object.entries(fields)) {
      const e = check(v[key], `${p}.${key}`);
      if (e) return e;
    }
    return undefined;
  };
}

const connectionOnly = shape({ connectionId: id });
const oneOf =
  (...values: string[]): Check =>
  (v, p) =>
    typeof v === 'string' && values.includes(v) ? undefined : `${p} must be one of ${values.join(', ')}`;

const optional =
  (check: Check): Check =>
  (v, p) =>
    v === undefined ? undefined : check(v, p);

const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} must be true or false`);

function arrayOf(check: Check, max: number): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return `${p} must be an array`;
    if (v.length > max) return `${p} has more than ${max} items`;
    for (let i = 0; i < v.length; i++) {
      const e = check(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return undefined;
  };
}

const nullable =
  (check: Check): Check =>
  (v, p) =>
    v === null ? undefined : check(v, p);

/** A union of object shapes chosen by one field's value (e.g. `kind`, `type`). */
function tagged(tag: string, variants: Record<string, Check>): Check {
  return (v, p) => {
    if (!isPlainObject(v)) return `${p} must be an object`;
    const value = v[tag];
    if (typeof value !== 'string' || !Object.prototype.hasOwnProperty.call(variants, value)) {
      return `${p}.${tag} must be one of ${Object.keys(variants).join(', ')}`;
    }
    return variants[value](v, p);
  };
}

/** The answers to an elicitation form: a flat object of primitives (and string arrays for multi-select), bounded. */
const elicitationContent: Check = (v, p) => {
  if (!isPlainObject(v)) return `${p} must be an object`;
  const entries = Object.entries(v);
  if (entries.length > 1000) return `${p} has too many fields`;
  for (const [key, value] of entries) {
    const at = `${p}.${key}`;
    if (Array.isArray(value)) {
      const e = arrayOf(str(65536), 1000)(value, at);
      if (e) return e;
    } else if (typeof value === 'string') {
      if (value.length > MAX_STRING) return `${at} is too long`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${at} must be a finite number`;
    } else if (typeof value !== 'boolean') return `${at} must be a string, number, boolean or list of strings`;
  }
  return undefined;
};

/** Which fields each answer may have, by `kind` and then by `action` (src/shared/protocol.ts ServerRequestReply). */
const SERVER_REPLY = tagged('kind', {
  elicitation: tagged('action', {
    accept: shape({ kind: str(), action: str(), content: elicitationContent }),
    decline: shape({ kind: str(), action: str() }),
    cancel: shape({ kind: str(), action: str() }),
  }),
  'elicitation-url': shape({ kind: str(), action: oneOf('accept', 'decline', 'cancel') }),
  sampling: tagged('action', {
    send: shape({ kind: str(), action: str(), result: jsonCheck(32, true) }),
    decline: shape({ kind: str(), action: str(), reason: optional(str(4096)) }),
  }),
  roots: shape({ kind: str(), action: oneOf('send', 'decline') }),
});

const ROOT = shape({ uri: str(65536, 1), name: optional(str(1000)) });

const COMPLETION_REF = tagged('type', {
  'ref/prompt': shape({ type: str(), name: str(4096, 1) }),
  'ref/resource': shape({ type: str(), uri: str(65536, 1) }),
});

const COMMAND_CHECKS: { [M in CommandMethod]: Check } = {
  'connection/add': shape({}),
  'connection/connect': connectionOnly,
  'connection/disconnect': connectionOnly,
  'connection/signIn': connectionOnly,
  'connection/signOut': connectionOnly,
  'connection/edit': connectionOnly,
  'view/select': shape({ connectionId: nullableId }),
  'call/cancel': shape({ callId: id }),
  'clipboard/write': shape({ text: str(16 * 1024 * 1024) }),
  'auth/debug/start': shape({ connectionId: id, mode: oneOf('step', 'run') }),
  'auth/debug/next': connectionOnly,
  'auth/debug/continue': connectionOnly,
  'auth/debug/cancel': connectionOnly,
};

const REQUEST_CHECKS: { [M in RequestMethod]: Check } = {
  'tools/call': shape({
    connectionId: id,
    name: str(4096, 1),
    args: jsonCheck(64, true),
    callId: id,
    asTask: optional(bool),
  }),
  'serverRequest/answer': shape({ connectionId: id, requestId: id, reply: SERVER_REPLY }),
  'sampling/models': shape({}),
  'sampling/generate': shape({ connectionId: id, requestId: id, modelId: optional(str(1000, 1)) }),
  'roots/set': shape({ connectionId: id, roots: nullable(arrayOf(ROOT, 100)) }),
  'completion/complete': shape({
    connectionId: id,
    ref: COMPLETION_REF,
    argument: shape({ name: str(4096, 1), value: str(65536) }),
    context: optional(stringRecord),
  }),
  'logging/setLevel': shape({ connectionId: id, level: oneOf(...LOGGING_LEVELS) }),
  'serverLog/list': connectionOnly,
  'tasks/list': connectionOnly,
  'tasks/cancel': shape({ connectionId: id, taskId: str(1024, 1) }),
  'tasks/result': shape({ connectionId: id, taskId: str(1024, 1) }),
  'resources/read': shape({
    connectionId: id,
    uri: str(65536, 1),
    callId: id,
    cache: optional(oneOf('use', 'refresh')),
  }),
  'lists/refresh': shape({ connectionId: id, cache: optional(oneOf('use', 'refresh')) }),
  'resources/subscribe': shape({ connectionId: id, uri: str(65536, 1) }),
  'resources/unsubscribe': shape({ connectionId: id, uri: str(65536, 1) }),
  'prompts/get': shape({ connectionId: id, name: str(4096, 1), args: stringRecord, callId: id }),
  'trace/list': connectionOnly,
  'trace/entry': shape({ connectionId: id, seq: int }),
  'trace/curl': shape({ connectionId: id, seq: int }),
  'history/export': shape({ json: str(MAX_EXPORT) }),
  'checks/list': connectionOnly,
  'checks/save': shape({
    connectionId: id,
    file: str(4096, 1),
    name: str(1000, 1),
    kind: oneOf('tool', 'resource', 'prompt'),
    target: str(65536, 1),
    args: jsonCheck(64, true),
    status: oneOf('ok', 'error'),
    durationMs: nonNegative,
  }),
  'checks/run': shape({ connectionId: id, file: optional(str(4096, 1)), name: optional(str(1000, 1)) }),
  'auth/vault': connectionOnly,
  'auth/trace': connectionOnly,
  'auth/refreshNow': connectionOnly,
  'auth/revoke': connectionOnly,
  'auth/forgetRegistration': connectionOnly,
  'auth/copyToken': connectionOnly,
  'auth/export': shape({ connectionId: id, format: oneOf('markdown', 'json') }),
  'playground/models': shape({}),
  'playground/get': connectionOnly,
  'playground/send': shape({ connectionId: id, text: str(256 * 1024, 1), modelId: optional(str(1000, 1)) }),
  'playground/decide': shape({ connectionId: id, entryId: id, approve: bool }),
  'playground/cancel': connectionOnly,
  'playground/clear': connectionOnly,
};

export const COMMAND_METHODS = Object.keys(COMMAND_CHECKS) as CommandMethod[];
export const REQUEST_METHODS = Object.keys(REQUEST_CHECKS) as RequestMethod[];

function has<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** Checks one message from the webview. Unknown kinds, methods and fields are rejected. */
export function validateWebviewMessage(raw: unknown): ValidationResult {
  if (!isPlainObject(raw)) return { ok: false, error: 'message must be an object' };
  const kind = raw.kind;
  if (kind === 'ready') {
    return Object.keys(raw).length === 1
      ? { ok: true, message: { kind: 'ready' } }
      : { ok: false, error: 'ready has unknown fields' };
  }
  if (kind === 'command') {
    const extra = Object.keys(raw).find((k) => k !== 'kind' && k !== 'method' && k !== 'params');
    if (extra) return { ok: false, error: `command has an unknown field "${extra}"` };
    const method = raw.method;
    if (typeof method !== 'string' || !has(COMMAND_CHECKS, method)) {
      return { ok: false, error: `unknown command ${describe(method)}` };
    }
    const error = COMMAND_CHECKS[method](raw.params, 'params');
    if (error) return { ok: false, error: `${method}: ${error}` };
    return { ok: true, message: { kind: 'command', method, params: raw.params } as CommandMessage };
  }
  if (kind === 'request') {
    const requestId = raw.id;
    if (typeof requestId !== 'number' || !Number.isSafeInteger(requestId) || requestId < 0) {
      return { ok: false, error: 'request id must be a non-negative integer' };
    }
    const extra = Object.keys(raw).find((k) => k !== 'kind' && k !== 'method' && k !== 'params' && k !== 'id');
    if (extra) return { ok: false, error: `request has an unknown field "${extra}"`, id: requestId };
    const method = raw.method;
    if (typeof method !== 'string' || !has(REQUEST_CHECKS, method)) {
      return { ok: false, error: `unknown request ${describe(method)}`, id: requestId };
    }
    const error = REQUEST_CHECKS[method](raw.params, 'params');
    if (error) return { ok: false, error: `${method}: ${error}`, id: requestId };
    return { ok: true, message: { kind: 'request', id: requestId, method, params: raw.params } as RequestMessage };
  }
  return { ok: false, error: `unknown message kind ${describe(kind)}` };
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `"${v.slice(0, 60)}"` : typeof v;
}
