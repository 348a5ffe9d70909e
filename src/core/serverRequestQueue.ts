/**
 * The person's queue of what servers ask of MCP Lens (elicitation, sampling, roots), one list per
 * connection, whichever wire the request came on (see ./serverRequests). The extension shows it in
 * the inspector; the person answers with `reply()`.
 *
 * Each request waits until it is answered, the server cancels it (or the connection closes, or the
 * call that asked ends: its signal aborts) or its deadline passes; then it moves to the history,
 * which keeps the most recent few per connection with a one-sentence outcome.
 *
 * Roots are answered at once from `rootsFor` when given (the person chose them beforehand). URL
 * elicitations carry the URL's origin, computed here, so the host shows where the link goes before
 * anything else; nothing is ever opened by the core.
 */
import { ConnectionError } from './errors';
import { Emitter, type Event } from './events';
import type { JsonObject, JsonValue } from '../shared/protocol';
import {
  ServerRequestRefused,
  type ClientCapabilityChoice,
  type RootView,
  type ServerRequest,
  type ServerRequestHandler,
  type ServerRequestReply,
  type ServerRequestState,
  type ServerRequestView,
} from './serverRequests';

export interface ServerRequestQueueOptions {
  capabilities: ClientCapabilityChoice;
  /** How long a request waits for the person (default 10 minutes). */
  timeoutMs?: number;
  /** The roots offered to a connection: `roots/list` is answered from them without asking. */
  rootsFor?: (connectionId: string) => RootView[];
  now?: () => number;
  /** Ended requests kept per connection (default 50). */
  historyLimit?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_HISTORY_LIMIT = 50;

interface Entry {
  view: ServerRequestView;
  resolve(result: JsonObject): void;
  reject(error: Error): void;
  /** Releases the timer and the signal listener. */
  release(): void;
}

export class ServerRequestQueue implements ServerRequestHandler {
  readonly capabilities: ClientCapabilityChoice;
  readonly rootsFor?: (connectionId: string) => RootView[];
  private readonly timeoutMs: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private readonly pending = new Map<string, Entry[]>();
  private readonly history = new Map<string, ServerRequestView[]>();
  private readonly changeEmitter = new Emitter<string>();
  private readonly enqueueEmitter = new Emitter<ServerRequestView>();
  private disposed = false;
  /** Fires with the connection id whenever its list changes. */
  readonly onDidChange: Event<string> = this.changeEmitter.event;
  /** Fires when a request starts waiting for the person. */
  readonly onDidEnqueue: Event<ServerRequestView> = this.enqueueEmitter.event;

  constructor(options: ServerRequestQueueOptions) {
    this.capabilities = options.capabilities;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.historyLimit = Math.max(0, options.historyLimit ?? DEFAULT_HISTORY_LIMIT);
    this.now = options.now ?? Date.now;
    const rootsFor = options.rootsFor;
    if (rootsFor) this.rootsFor = (connectionId) => rootsFor(connectionId);
  }

  /** Pending requests first (oldest first), then the ended ones (most recent first). */
  requests(connectionId: string): ServerRequestView[] {
    const pending = (this.pending.get(connectionId) ?? []).map((e) => copyView(e.view));
    const ended = [...(this.history.get(connectionId) ?? [])].reverse().map(copyView);
    return [...pending, ...ended];
  }

  answer(request: ServerRequest, signal: AbortSignal): Promise<JsonObject> {
    const view: ServerRequestView = {
      id: request.id,
      connectionId: request.connectionId,
      kind: request.kind,
      method: request.method,
      wire: request.wire,
      ...(request.cause ? { cause: { ...request.cause } } : {}),
      params: request.params,
      receivedAt: request.receivedAt,
      state: 'pending',
    };
    if (this.disposed) {
      this.end(view, 'cancelled', 'cancelled: MCP Lens was closing');
      return Promise.reject(new ServerRequestRefused('MCP Lens is closing and cannot answer.', -1));
    }
    if (request.kind === 'roots' && this.rootsFor) {
      let roots: RootView[];
      try {
        roots = this.rootsFor(request.connectionId);
      } catch (e) {
        const message = `MCP Lens could not read the roots to offer: ${(e as Error).message}`;
        this.end(view, 'failed', `failed: ${clause(message)}`);
        return Promise.reject(new ServerRequestRefused(message, -32603));
      }
      this.end(view, 'answered', `sent ${plural(roots.length, 'root')}`);
      return Promise.resolve(rootsResult(roots));
    }
    if (request.kind === 'elicitation-url') {
      const url = request.params.url;
      const origin = typeof url === 'string' ? webOrigin(url) : undefined;
      if (!origin) {
        const shown = typeof url === 'string' ? `"${url.length > 200 ? `${url.slice(0, 200)}…` : url}"` : 'no URL';
        const message = `The server sent ${shown}, which is not an http(s) URL, so MCP Lens will not offer to open it.`;
        this.end(view, 'failed', `refused: ${clause(message)}`);
        return Promise.reject(new ServerRequestRefused(message, -32602));
      }
      view.urlOrigin = origin;
    }
    if (signal.aborted) {
      this.end(view, 'cancelled', `cancelled before it was shown: ${clause(reasonOf(signal))}`);
      return Promise.reject(abortError(signal));
    }
    view.deadline = this.now() + this.timeoutMs;
    return new Promise<JsonObject>((resolve, reject) => {
      const onAbort = () => {
        if (!this.remove(view)) return;
        entry.release();
        this.end(view, 'cancelled', `cancelled: ${clause(reasonOf(signal))}`);
        reject(abortError(signal));
      };
      const timer = setTimeout(() => {
        if (!this.remove(view)) return;
        entry.release();
        const waited = formatDuration(this.timeoutMs);
        this.end(view, 'timed-out', `timed out after ${waited} without an answer`);
        // An elicitation nobody answered was dismissed (cancel); the others are refused.
        if (view.kind === 'elicitation-form' || view.kind === 'elicitation-url') resolve({ action: 'cancel' });
        else reject(new ServerRequestRefused(`No answer within ${waited}.`, -1));
      }, this.timeoutMs);
      timer.unref?.();
      const entry: Entry = {
        view,
        resolve,
        reject,
        release: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const list = this.pending.get(view.connectionId) ?? [];
      list.push(entry);
      this.pending.set(view.connectionId, list);
      this.enqueueEmitter.fire(copyView(view));
      this.changeEmitter.fire(view.connectionId);
    });
  }

  /**
   * Answers a pending request. Returns the state it ended in. Throws a ConnectionError: `not-found`
   * when it is not pending (any more), `invalid-reply` when the reply does not fit what was asked (a
   * form answer against its schema, naming the field): the request then stays pending.
   */
  reply(connectionId: string, requestId: string, reply: ServerRequestReply): ServerRequestState {
    const entry = (this.pending.get(connectionId) ?? []).find((e) => e.view.id === requestId);
    if (!entry) {
      const ended = this.history.get(connectionId)?.find((v) => v.id === requestId);
      throw new ConnectionError(
        'not-found',
        ended
          ? `The server request ${requestId} is no longer pending: ${ended.outcome ?? ended.state}`
          : `There is no server request ${requestId} on this connection.`,
        'Only pending requests can be answered; refresh the list.',
      );
    }
    const view = entry.view;
    const outcome = this.settle(view, reply);
    this.remove(view);
    entry.release();
    this.end(view, outcome.state, outcome.sentence);
    if (outcome.error) entry.reject(outcome.error);
    else entry.resolve(outcome.result ?? {});
    return outcome.state;
  }

  /**
   * The server's `notifications/elicitation/complete` for a URL elicitation: the out-of-band flow the
   * person opened has finished. Noted on the request (answered or still pending), so the Requests
   * tab says the server confirmed it. Returns whether a request with that elicitationId was found.
   */
  completeUrlElicitation(connectionId: string, elicitationId: string): boolean {
    const matches = (view: ServerRequestView) =>
      view.kind === 'elicitation-url' && view.params.elicitationId === elicitationId;
    const pending = (this.pending.get(connectionId) ?? []).find((e) => matches(e.view))?.view;
    const ended = [...(this.history.get(connectionId) ?? [])].reverse().find(matches);
    const view = pending ?? ended;
    if (!view) return false;
    const note = 'the server reported the flow complete (elicitation/complete)';
    if (view.outcome?.includes(note)) return true;
    view.outcome = view.outcome ? `${view.outcome}; ${note}` : note;
    this.changeEmitter.fire(connectionId);
    return true;
  }

  /** Cancels what is pending for a connection and forgets its history. */
  clear(connectionId: string): void {
    const pending = this.pending.get(connectionId) ?? [];
    this.pending.delete(connectionId);
    for (const entry of pending) {
      entry.release();
      entry.reject(new ServerRequestRefused('The request was cleared from MCP Lens unanswered.', -1));
    }
    this.history.delete(connectionId);
    this.changeEmitter.fire(connectionId);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [connectionId, entries] of [...this.pending]) {
      this.pending.delete(connectionId);
      for (const entry of entries) {
        entry.release();
        entry.reject(new ServerRequestRefused('MCP Lens is closing and cannot answer.', -1));
      }
    }
    this.history.clear();
    this.changeEmitter.dispose();
    this.enqueueEmitter.dispose();
  }

  /** What a reply sends, and the state and sentence it ends in; throws when it does not fit. */
  private settle(
    view: ServerRequestView,
    reply: ServerRequestReply,
  ): { state: ServerRequestState; sentence: string; result?: JsonObject; error?: Error } {
    const expected: Record<ServerRequestView['kind'], ServerRequestReply['kind']> = {
      'elicitation-form': 'elicitation',
      'elicitation-url': 'elicitation-url',
      sampling: 'sampling',
      roots: 'roots',
    };
    if (reply.kind !== expected[view.kind]) {
      throw new ConnectionError(
        'invalid-reply',
        `A "${reply.kind}" reply does not answer this ${describeKind(view.kind)}.`,
        `Answer it with a "${expected[view.kind]}" reply.`,
      );
    }
    switch (reply.kind) {
      case 'elicitation': {
        if (reply.action !== 'accept') return dismissal(reply.action);
        const content = checkFormReply(view.params.requestedSchema, reply.content);
        return {
          state: 'answered',
          sentence: `accepted with ${plural(Object.keys(content).length, 'field')}`,
          result: { action: 'accept', content },
        };
      }
      case 'elicitation-url':
        if (reply.action !== 'accept') return dismissal(reply.action);
        return {
          state: 'answered',
          sentence: `consented to open the page on ${view.urlOrigin ?? 'the server'}`,
          result: { action: 'accept' },
        };
      case 'sampling': {
        if (reply.action === 'decline') {
          const why = reply.reason?.trim();
          return {
            state: 'declined',
            sentence: why ? `declined: ${why}` : 'declined',
            error: new ServerRequestRefused('The user declined the sampling request', -1),
          };
        }
        const problem = samplingResultProblem(reply.result);
        if (problem) throw new ConnectionError('invalid-reply', problem, 'Fill in the reply and send it again.');
        const model = typeof reply.result.model === 'string' ? reply.result.model : 'an unnamed model';
        return { state: 'answered', sentence: `sent a reply from ${model}`, result: copyJson(reply.result) };
      }
      case 'roots': {
        if (reply.action === 'decline') {
          return {
            state: 'declined',
            sentence: 'declined to share the roots',
            error: new ServerRequestRefused('The user declined to share the roots', -1),
          };
        }
        const roots = this.rootsFor?.(view.connectionId) ?? [];
        return { state: 'answered', sentence: `sent ${plural(roots.length, 'root')}`, result: rootsResult(roots) };
      }
    }
  }

  /** Takes a request out of the pending list; false when it was not there (it ended already). */
  private remove(view: ServerRequestView): boolean {
    const list = this.pending.get(view.connectionId);
    const index = list?.findIndex((e) => e.view === view) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    if (!list.length) this.pending.delete(view.connectionId);
    return true;
  }

  /** Moves a request to the history, in its final state. */
  private end(view: ServerRequestView, state: ServerRequestState, outcome: string): void {
    view.state = state;
    view.outcome = outcome;
    view.answeredAt = this.now();
    if (this.disposed) return;
    const list = this.history.get(view.connectionId) ?? [];
    list.push(view);
    while (list.length > this.historyLimit) list.shift();
    if (list.length) this.history.set(view.connectionId, list);
    else this.history.delete(view.connectionId);
    this.changeEmitter.fire(view.connectionId);
  }
}

function dismissal(action: 'decline' | 'cancel'): { state: ServerRequestState; sentence: string; result: JsonObject } {
  return action === 'decline'
    ? { state: 'declined', sentence: 'declined', result: { action: 'decline' } }
    : { state: 'cancelled', sentence: 'cancelled by the user', result: { action: 'cancel' } };
}

function describeKind(kind: ServerRequestView['kind']): string {
  switch (kind) {
    case 'elicitation-form':
      return 'form elicitation';
    case 'elicitation-url':
      return 'URL elicitation';
    case 'sampling':
      return 'sampling request';
    case 'roots':
      return 'roots request';
  }
}

function rootsResult(roots: RootView[]): JsonObject {
  return {
    roots: roots.map((r): JsonObject => (r.name !== undefined ? { uri: r.uri, name: r.name } : { uri: r.uri })),
  };
}

/** The origin of an http(s) URL; undefined for anything else (a javascript: or data: URL is never offered). */
function webOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined;
  return text && text.trim() ? text : 'the server or the connection ended it.';
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(reasonOf(signal));
}

function copyView(view: ServerRequestView): ServerRequestView {
  return { ...view, params: copyJson(view.params), ...(view.cause ? { cause: { ...view.cause } } : {}) };
}

function copyJson<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A sentence as a clause after a colon: "The connection closed." → "the connection closed" (names such as "MCP Lens" keep their capitals). */
function clause(sentence: string): string {
  const trimmed = sentence.trim().replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? trimmed[0].toLowerCase() + trimmed.slice(1) : trimmed;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

function samplingResultProblem(result: JsonObject): string | undefined {
  if (result.role !== 'assistant') return 'The sampling reply must have role "assistant".';
  if (typeof result.model !== 'string' || !result.model.trim()) return 'The sampling reply must name its model.';
  const content = result.content;
  const blocks = Array.isArray(content) ? content : [content];
  if (
    !blocks.length ||
    blocks.some((b) => !b || typeof b !== 'object' || Array.isArray(b) || typeof b.type !== 'string')
  ) {
    return 'The sampling reply must have content (e.g. { type: "text", text: "…" }).';
  }
  return undefined;
}

// ---- elicitation form replies against their requestedSchema ----------------------------------

type FieldSchema = {
  type?: unknown;
  title?: unknown;
  enum?: unknown;
  oneOf?: unknown;
  anyOf?: unknown;
  items?: unknown;
  minLength?: unknown;
  maxLength?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  minItems?: unknown;
  maxItems?: unknown;
  default?: unknown;
};

/**
 * Checks an accepted form against the server's `requestedSchema` (the flat object of primitives the
 * spec allows) after filling the fields left out with the schema's defaults (SEP-1034). Returns the
 * content to send; throws a ConnectionError naming the field that does not fit.
 */
export function checkFormReply(requestedSchema: JsonValue | undefined, content: JsonObject): JsonObject {
  if (!content || typeof content !== 'object' || Array.isArray(content)) {
    throw new ConnectionError('invalid-reply', 'The form reply is not an object of fields.');
  }
  const schema = (
    requestedSchema && typeof requestedSchema === 'object' && !Array.isArray(requestedSchema) ? requestedSchema : {}
  ) as { properties?: unknown; required?: unknown };
  const properties = (
    schema.properties && typeof schema.properties === 'object' && !Array.isArray(schema.properties)
      ? schema.properties
      : {}
  ) as Record<string, FieldSchema>;
  const required = Array.isArray(schema.required)
    ? schema.required.filter((r): r is string => typeof r === 'string')
    : [];
  const filled: JsonObject = copyJson(content);
  for (const [name, field] of Object.entries(properties)) {
    if (filled[name] === undefined && field && field.default !== undefined) {
      filled[name] = copyJson(field.default as JsonValue);
    }
  }
  const fail = (name: string, problem: string): never => {
    throw new ConnectionError('invalid-reply', `The field "${name}" ${problem}`, 'Correct it and send the form again.');
  };
  for (const name of required) {
    if (filled[name] === undefined || filled[name] === null) fail(name, 'is required.');
  }
  for (const [name, value] of Object.entries(filled)) {
    const field = properties[name];
    if (!field || typeof field !== 'object') fail(name, 'is not part of the form.');
    checkField(name, field, value, fail);
  }
  return filled;
}

function checkField(
  name: string,
  field: FieldSchema,
  value: JsonValue,
  fail: (name: string, problem: string) => never,
): void {
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') fail(name, 'must be text.');
      const text = value as string;
      const allowed = allowedValues(field);
      if (allowed && !allowed.includes(text)) fail(name, `must be one of ${allowed.map((v) => `"${v}"`).join(', ')}.`);
      if (typeof field.minLength === 'number' && text.length < field.minLength) {
        fail(name, `must be at least ${plural(field.minLength, 'character')} long.`);
      }
      if (typeof field.maxLength === 'number' && text.length > field.maxLength) {
        fail(name, `must be at most ${plural(field.maxLength, 'character')} long.`);
      }
      return;
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, 'must be a number.');
      const n = value as number;
      if (field.type === 'integer' && !Number.isInteger(n)) fail(name, 'must be a whole number.');
      if (typeof field.minimum === 'number' && n < field.minimum) fail(name, `must be at least ${field.minimum}.`);
      if (typeof field.maximum === 'number' && n > field.maximum) fail(name, `must be at most ${field.maximum}.`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail(name, 'must be true or false.');
      return;
    case 'array': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(name, 'must be a list of choices.');
      const chosen = value as string[];
      const items = (field.items && typeof field.items === 'object' ? field.items : {}) as FieldSchema;
      const allowed = allowedValues(items);
      const wrong = allowed ? chosen.find((v) => !allowed.includes(v)) : undefined;
      if (wrong !== undefined) {
        fail(name, `has "${wrong}", which is not one of ${allowed!.map((v) => `"${v}"`).join(', ')}.`);
      }
      if (typeof field.minItems === 'number' && chosen.length < field.minItems) {
        fail(name, `needs at least ${plural(field.minItems, 'choice')}.`);
      }
      if (typeof field.maxItems === 'number' && chosen.length > field.maxItems) {
        fail(name, `allows at most ${plural(field.maxItems, 'choice')}.`);
      }
      return;
    }
    default:
      // A type the spec does not allow in a form: the value is passed on as given (the SDK checks the reply too).
      return;
  }
}

/** The values an enum field allows: `enum`, or the `const`s of `oneOf`/`anyOf` (titled enums). */
function allowedValues(field: FieldSchema): string[] | undefined {
  if (Array.isArray(field.enum)) return field.enum.filter((v): v is string => typeof v === 'string');
  const options = Array.isArray(field.oneOf) ? field.oneOf : Array.isArray(field.anyOf) ? field.anyOf : undefined;
  if (!options) return undefined;
  return options
    .map((o) => (o && typeof o === 'object' ? (o as { const?: unknown }).const : undefined))
    .filter((v): v is string => typeof v === 'string');
}
