/**
 * How the CLI answers what a server asks of it (elicitation, sampling, roots): from flags or files
 * when given (`--elicit`, `--sample-reply`, `--roots`), otherwise by asking the person at the
 * terminal, otherwise not at all — then the request is refused and the command ends with
 * EXIT.unanswered, naming the flag that would have answered it.
 *
 * A URL elicitation (the server wants the person to open a page) is never opened without consent:
 * in a terminal the person is asked; without one only `--open-elicitation-urls` consents.
 *
 * Every question and every answer is one line on stderr. The lines name fields, never their values
 * (a form may ask for anything), and server text is made safe for the terminal first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JsonObject, JsonValue } from '../shared/protocol';
import {
  type ClientCapabilityChoice,
  type RootView,
  type ServerRequest,
  type ServerRequestHandler,
  ServerRequestRefused,
} from '../core/serverRequests';
import { safeText } from './format';

/** What `--elicit` says to do with a form elicitation. */
export type ElicitChoice = 'accept-defaults' | 'decline' | 'cancel' | { file: string };

/** The answering flags as parsed from the command line (no I/O yet). */
export interface AnswerFlags {
  elicit?: ElicitChoice;
  /** A file: its text is the reply, or it holds a CreateMessageResult as JSON. */
  sampleReply?: string;
  /** Directories offered as roots (declaring the roots capability only when there is at least one). */
  roots: string[];
  /** Consent to open the URLs of URL-mode elicitations without asking. */
  openElicitationUrls: boolean;
}

/** The flags with their files read and checked: what the handler answers from. */
export interface AnswerSources {
  elicit?: 'accept-defaults' | 'decline' | 'cancel' | { file: string; answer: ElicitFileAnswer };
  sampleReply?: { file: string; result: JsonObject };
  roots: RootView[];
  openElicitationUrls: boolean;
}

export type ElicitFileAnswer = { action: 'accept'; content: JsonObject } | { action: 'decline' | 'cancel' };

/** A flag's file or directory is missing or malformed: a usage error, reported before connecting. */
export class AnswerSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerSetupError';
  }
}

/** Reads the files the flags name and resolves the roots; throws AnswerSetupError with what to fix. */
export function loadAnswerSources(flags: AnswerFlags, cwd: string = process.cwd()): AnswerSources {
  const sources: AnswerSources = { roots: [], openElicitationUrls: flags.openElicitationUrls };
  if (flags.elicit !== undefined) {
    sources.elicit =
      typeof flags.elicit === 'string'
        ? flags.elicit
        : {
            file: flags.elicit.file,
            answer: parseElicitFile(readText(flags.elicit.file, '--elicit', cwd), '--elicit'),
          };
  }
  if (flags.sampleReply !== undefined) {
    sources.sampleReply = {
      file: flags.sampleReply,
      result: parseSampleReply(readText(flags.sampleReply, '--sample-reply', cwd)),
    };
  }
  const seen = new Set<string>();
  for (const dir of flags.roots) {
    const absolute = path.resolve(cwd, dir);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new AnswerSetupError(`--roots: "${dir}" does not exist. Pass an existing directory.`);
    }
    if (!stat.isDirectory()) throw new AnswerSetupError(`--roots: "${dir}" is not a directory.`);
    const uri = pathToFileURL(absolute).href;
    if (seen.has(uri)) continue;
    seen.add(uri);
    sources.roots.push({ uri, name: path.basename(absolute) || absolute });
  }
  return sources;
}

function readText(file: string, flag: string, cwd: string): string {
  try {
    return fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AnswerSetupError(
      `${flag}: cannot read "${file}"${code === 'ENOENT' ? ' (no such file)' : code ? ` (${code})` : ''}.`,
    );
  }
}

/**
 * An `--elicit` file: the form's content as a JSON object, or `{ "action": "decline" }`,
 * `{ "action": "cancel" }`, `{ "action": "accept", "content": {…} }`.
 */
export function parseElicitFile(text: string, flag = '--elicit'): ElicitFileAnswer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AnswerSetupError(`${flag}: the file is not valid JSON (${(e as Error).message}).`);
  }
  if (!isObject(value)) {
    throw new AnswerSetupError(
      `${flag}: the file must hold a JSON object: the form's content, or {"action": "decline"}.`,
    );
  }
  const action = value.action;
  if (action === 'decline' || action === 'cancel') return { action };
  if (action === 'accept') {
    const content = value.content ?? {};
    if (!isObject(content)) throw new AnswerSetupError(`${flag}: "content" must be a JSON object.`);
    return { action: 'accept', content };
  }
  if (action !== undefined && typeof action === 'string' && Object.keys(value).length === 1) {
    throw new AnswerSetupError(`${flag}: "action" must be accept, decline or cancel (got "${action}").`);
  }
  return { action: 'accept', content: value };
}

/** The model name sent with a reply the person wrote (there is no model behind it). */
export const CLI_MODEL = 'mcp-lens-cli (written reply)';

/**
 * A `--sample-reply` file: a JSON CreateMessageResult (an object with `content`), or else plain
 * text sent as the assistant's text reply.
 */
export function parseSampleReply(text: string): JsonObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      value = undefined;
    }
    if (isObject(value) && 'content' in value) {
      const content = value.content;
      const blocks = Array.isArray(content) ? content : [content];
      if (blocks.length === 0 || !blocks.every((b) => isObject(b) && typeof b.type === 'string')) {
        throw new AnswerSetupError(
          '--sample-reply: "content" must be a content block such as {"type": "text", "text": "…"} (or a list of them).',
        );
      }
      if (value.role !== undefined && value.role !== 'assistant' && value.role !== 'user') {
        throw new AnswerSetupError('--sample-reply: "role" must be "assistant" or "user".');
      }
      if (value.model !== undefined && typeof value.model !== 'string') {
        throw new AnswerSetupError('--sample-reply: "model" must be a string.');
      }
      return { role: 'assistant', model: CLI_MODEL, stopReason: 'endTurn', ...value };
    }
  }
  return textReply(text.replace(/\r?\n$/, ''));
}

export function textReply(text: string): JsonObject {
  return { role: 'assistant', content: { type: 'text', text }, model: CLI_MODEL, stopReason: 'endTurn' };
}

// ---- elicitation forms: defaults (SEP-1034) and checks against requestedSchema ----------------

interface FieldSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: JsonValue;
  enum?: JsonValue[];
  enumNames?: string[];
  oneOf?: Array<{ const?: JsonValue; title?: string }>;
  anyOf?: Array<{ const?: JsonValue; title?: string }>;
  items?: FieldSchema;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

interface FormSchema {
  properties: Record<string, FieldSchema>;
  required: string[];
}

export function formSchemaOf(params: JsonObject): FormSchema {
  const schema = isObject(params.requestedSchema) ? params.requestedSchema : {};
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, FieldSchema>) : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((r): r is string => typeof r === 'string')
    : [];
  return { properties, required };
}

/**
 * The form filled with the schema's defaults (SEP-1034). `missing` lists the required fields that
 * have no default: such a form cannot be accepted with defaults alone.
 */
export function defaultsOf(schema: FormSchema): { content: JsonObject; missing: string[] } {
  const content: JsonObject = {};
  for (const [name, field] of Object.entries(schema.properties)) {
    if (isObject(field) && field.default !== undefined) content[name] = field.default;
  }
  const missing = schema.required.filter((name) => !(name in content));
  return { content, missing };
}

/** The choices of an enum field (single select), or of an array field's items (multi select). */
export function choicesOf(field: FieldSchema): JsonValue[] | undefined {
  if (Array.isArray(field.enum)) return field.enum;
  const options = field.oneOf ?? field.anyOf;
  if (Array.isArray(options) && options.every((o) => isObject(o) && 'const' in o)) {
    return options.map((o) => o.const as JsonValue);
  }
  return undefined;
}

/** What is wrong with `content` as an answer to the form, one sentence per problem; empty when it fits. */
export function checkFormContent(schema: FormSchema, content: JsonObject): string[] {
  const problems: string[] = [];
  for (const name of schema.required) {
    if (!(name in content)) problems.push(`"${name}" is required.`);
  }
  for (const [name, value] of Object.entries(content)) {
    const field = schema.properties[name];
    if (!isObject(field)) {
      problems.push(`"${name}" is not a field of this form.`);
      continue;
    }
    const problem = checkField(field, value);
    if (problem) problems.push(`"${name}" ${problem}`);
  }
  return problems;
}

function checkField(field: FieldSchema, value: JsonValue): string | undefined {
  const choices = choicesOf(field);
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') return `must be a string, not ${kindOf(value)}.`;
      if (choices && !choices.includes(value)) return `must be one of ${choices.map(show).join(', ')}.`;
      if (field.minLength !== undefined && value.length < field.minLength) {
        return `must have at least ${field.minLength} characters.`;
      }
      if (field.maxLength !== undefined && value.length > field.maxLength) {
        return `must have at most ${field.maxLength} characters.`;
      }
      const formatProblem = checkFormat(field.format, value);
      if (formatProblem) return formatProblem;
      return undefined;
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, not ${kindOf(value)}.`;
      if (field.type === 'integer' && !Number.isInteger(value)) return 'must be an integer.';
      if (field.minimum !== undefined && value < field.minimum) return `must be at least ${field.minimum}.`;
      if (field.maximum !== undefined && value > field.maximum) return `must be at most ${field.maximum}.`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${kindOf(value)}.`;
    case 'array': {
      if (!Array.isArray(value)) return `must be a list, not ${kindOf(value)}.`;
      const itemChoices = field.items ? choicesOf(field.items) : undefined;
      const wrong = itemChoices ? value.filter((v) => !itemChoices.includes(v)) : [];
      if (wrong.length) {
        return `may only hold ${itemChoices!.map(show).join(', ')} (not ${wrong.map(show).join(', ')}).`;
      }
      if (field.minItems !== undefined && value.length < field.minItems) {
        return `needs at least ${field.minItems} items.`;
      }
      if (field.maxItems !== undefined && value.length > field.maxItems) {
        return `takes at most ${field.maxItems} items.`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function checkFormat(format: string | undefined, value: string): string | undefined {
  switch (format) {
    case 'email':
      return /^[^\s@]+@[^\s@]+$/.test(value) ? undefined : 'must be an email address.';
    case 'uri':
      try {
        new URL(value);
        return undefined;
      } catch {
        return 'must be a URI.';
      }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : 'must be a date (YYYY-MM-DD).';
    case 'date-time':
      return Number.isNaN(Date.parse(value)) ? 'must be a date and time (ISO 8601).' : undefined;
    default:
      return undefined;
  }
}

/** Parses what a person typed for one field; a string explaining the problem when it does not fit. */
export function parseFieldInput(field: FieldSchema, input: string): JsonValue | { problem: string } {
  const text = input.trim();
  let value: JsonValue;
  switch (field.type) {
    case 'number':
    case 'integer': {
      const n = Number(text);
      if (!text || !Number.isFinite(n)) return { problem: 'Type a number.' };
      value = n;
      break;
    }
    case 'boolean':
      if (/^(y|yes|true)$/i.test(text)) value = true;
      else if (/^(n|no|false)$/i.test(text)) value = false;
      else return { problem: 'Type y or n.' };
      break;
    case 'array':
      value = text
        ? text
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
      break;
    default:
      value = input;
  }
  const problem = checkField(field, value);
  return problem ? { problem: `It ${problem}` } : value;
}

// ---- the handler ----------------------------------------------------------------------------------

/** Asks the person one question in the terminal and resolves with the line typed. */
export type Ask = (question: string, signal: AbortSignal) => Promise<string>;

export interface CliAnswersOptions {
  sources: AnswerSources;
  /** Present when a person can answer (stdin and stderr are terminals). */
  ask?: Ask;
  /** One line of the answering log (stderr). */
  log(line: string): void;
  /** Opens a URL in the browser (URL elicitation, after consent). */
  openUrl(url: string): Promise<void>;
}

/** A request the CLI could not answer: the command exits with EXIT.unanswered and this hint. */
export interface Unanswered {
  kind: ServerRequest['kind'];
  reason: string;
  hint: string;
}

export class CliAnswers implements ServerRequestHandler {
  readonly capabilities: ClientCapabilityChoice;
  /** The requests refused because nothing could answer them, in order. */
  readonly unanswered: Unanswered[] = [];

  constructor(private readonly options: CliAnswersOptions) {
    this.capabilities = {
      // Declared even without a flag: a call that needs one then ends with a clear exit code and
      // the flag to pass, instead of the server hiding the tool.
      elicitation: { form: true, url: true },
      sampling: { tools: false, context: false },
      // Roots only when offered: servers ask for them at connect, and an empty answer would be a lie.
      ...(options.sources.roots.length ? { roots: { listChanged: false } } : {}),
    };
  }

  rootsFor(): RootView[] {
    return this.options.sources.roots;
  }

  async answer(request: ServerRequest, signal: AbortSignal): Promise<JsonObject> {
    this.options.log(`the server asks for ${describeRequest(request)}`);
    const unansweredBefore = this.unanswered.length;
    try {
      const reply = await this.reply(request, signal);
      this.options.log(`answered: ${describeReply(request, reply)}`);
      return reply;
    } catch (e) {
      if (e instanceof ServerRequestRefused) {
        // An unanswerable request's hint is printed once, when the command ends.
        const reason = this.unanswered.length > unansweredBefore ? this.unanswered[unansweredBefore].reason : e.message;
        this.options.log(`refused: ${reason}`);
      }
      throw e;
    }
  }

  private reply(request: ServerRequest, signal: AbortSignal): Promise<JsonObject> {
    switch (request.kind) {
      case 'elicitation-form':
        return this.elicitForm(request, signal);
      case 'elicitation-url':
        return this.elicitUrl(request, signal);
      case 'sampling':
        return this.sample(request, signal);
      case 'roots':
        return Promise.resolve({ roots: this.options.sources.roots.map((r) => ({ ...r })) });
    }
  }

  private unanswerable(kind: ServerRequest['kind'], reason: string, hint: string): never {
    this.unanswered.push({ kind, reason, hint });
    throw new ServerRequestRefused(`${reason} ${hint}`);
  }

  private async elicitForm(request: ServerRequest, signal: AbortSignal): Promise<JsonObject> {
    const schema = formSchemaOf(request.params);
    const choice = this.options.sources.elicit;
    if (choice === 'decline' || choice === 'cancel') return { action: choice };
    if (choice === 'accept-defaults') {
      const { content, missing } = defaultsOf(schema);
      if (missing.length) {
        return this.unanswerable(
          'elicitation-form',
          `The form cannot be accepted with its defaults: required field${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${safeText(m)}"`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no default.`,
          'Answer it with --elicit <file.json> (the fields as a JSON object), or decline with --elicit decline.',
        );
      }
      return { action: 'accept', content };
    }
    if (choice !== undefined) {
      const answer = choice.answer;
      if (answer.action !== 'accept') return { action: answer.action };
      // Fields the file leaves out take the schema's defaults (SEP-1034).
      const content = { ...defaultsOf(schema).content, ...answer.content };
      const problems = checkFormContent(schema, content);
      if (problems.length) {
        return this.unanswerable(
          'elicitation-form',
          `The answer in ${safeText(choice.file)} does not fit the form: ${problems.map(safeText).join(' ')}`,
          'Fix the file (--elicit <file.json>), or decline with --elicit decline.',
        );
      }
      return { action: 'accept', content };
    }
    if (this.options.ask) return this.askForm(request, schema, this.options.ask, signal);
    return this.unanswerable(
      'elicitation-form',
      'The server asked for a form (elicitation) and there is no terminal to ask in.',
      'Pass --elicit accept-defaults, --elicit <file.json>, --elicit decline or --elicit cancel.',
    );
  }

  private async askForm(
    request: ServerRequest,
    schema: FormSchema,
    ask: Ask,
    signal: AbortSignal,
  ): Promise<JsonObject> {
    const message = typeof request.params.message === 'string' ? request.params.message : '';
    const first = (
      await ask(`The server asks: ${oneLine(message)}\nFill in the form? [Y]es, [n]o (decline), [c]ancel: `, signal)
    )
      .trim()
      .toLowerCase();
    if (first === 'n' || first === 'no') return { action: 'decline' };
    if (first === 'c' || first === 'cancel') return { action: 'cancel' };
    const content: JsonObject = {};
    for (const [name, field] of Object.entries(schema.properties)) {
      if (!isObject(field)) continue;
      const required = schema.required.includes(name);
      for (;;) {
        const input = await ask(fieldQuestion(name, field, required), signal);
        if (!input.trim()) {
          if (field.default !== undefined) content[name] = field.default;
          else if (required) {
            this.options.log(`"${safeText(name)}" is required.`);
            continue;
          }
          break;
        }
        const value = parseFieldInput(field, input);
        if (isObject(value) && 'problem' in value && typeof value.problem === 'string') {
          this.options.log(value.problem);
          continue;
        }
        content[name] = value as JsonValue;
        break;
      }
    }
    return { action: 'accept', content };
  }

  private async elicitUrl(request: ServerRequest, signal: AbortSignal): Promise<JsonObject> {
    const url = typeof request.params.url === 'string' ? request.params.url : '';
    let origin: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
      origin = parsed.origin;
    } catch {
      // Only web pages are opened: anything else could start a program.
      this.options.log(`the URL "${safeText(url)}" is not an http(s) URL; declined.`);
      return { action: 'decline' };
    }
    const choice = this.options.sources.elicit;
    if (choice === 'decline' || choice === 'cancel') return { action: choice };
    let consent = this.options.sources.openElicitationUrls;
    if (!consent && this.options.ask) {
      const message = typeof request.params.message === 'string' ? request.params.message : '';
      const typed = await this.options.ask(
        `The server asks you to open a page: ${oneLine(message)}\n  ${safeText(url)}\nOpen ${safeText(origin)}…? [y/N] `,
        signal,
      );
      consent = /^(y|yes)$/i.test(typed.trim());
      if (!consent) return { action: 'decline' };
    }
    if (!consent) {
      this.options.log(
        `not opening ${safeText(origin)} without consent: pass --open-elicitation-urls to open such pages.`,
      );
      return { action: 'decline' };
    }
    try {
      await this.options.openUrl(url);
    } catch (e) {
      this.options.log(
        `could not open the page (${safeText((e as Error).message)}); open it yourself: ${safeText(url)}`,
      );
    }
    return { action: 'accept' };
  }

  private async sample(request: ServerRequest, signal: AbortSignal): Promise<JsonObject> {
    const reply = this.options.sources.sampleReply;
    if (reply) return reply.result;
    if (this.options.ask) {
      const shown = describeSamplingMessages(request.params);
      const text = await this.options.ask(
        `The server asks for a model reply (sampling):\n${shown}Type the reply (an empty line declines): `,
        signal,
      );
      if (!text.trim()) throw new ServerRequestRefused('The user declined the sampling request.');
      return textReply(text);
    }
    return this.unanswerable(
      'sampling',
      'The server asked for a model reply (sampling) and there is no terminal to ask in.',
      'Pass --sample-reply <file> (the reply text, or a CreateMessageResult as JSON).',
    );
  }
}

/** The sampling request's system prompt and messages as lines for the terminal. */
export function describeSamplingMessages(params: JsonObject): string {
  const lines: string[] = [];
  if (typeof params.systemPrompt === 'string') lines.push(`  [system] ${oneLine(params.systemPrompt)}`);
  const messages = Array.isArray(params.messages) ? params.messages : [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    const role = typeof message.role === 'string' ? message.role : '?';
    const blocks = Array.isArray(message.content) ? message.content : [message.content];
    for (const block of blocks) {
      if (!isObject(block)) continue;
      const text =
        block.type === 'text' && typeof block.text === 'string'
          ? oneLine(block.text)
          : `(${safeText(String(block.type))} content)`;
      lines.push(`  [${safeText(role)}] ${text}`);
    }
  }
  if (typeof params.maxTokens === 'number') lines.push(`  (at most ${params.maxTokens} tokens)`);
  return lines.map((l) => `${l}\n`).join('');
}

function fieldQuestion(name: string, field: FieldSchema, required: boolean): string {
  const label = safeText(field.title ? `${field.title} (${name})` : name);
  const choices = choicesOf(field) ?? (field.items ? choicesOf(field.items) : undefined);
  const kind =
    field.type === 'array'
      ? `list${choices ? ` of ${choices.map(show).join('|')}` : ''}, comma-separated`
      : choices
        ? choices.map(show).join('|')
        : field.type === 'boolean'
          ? 'y/n'
          : (field.format ?? field.type ?? 'text');
  const description = field.description ? ` — ${oneLine(field.description)}` : '';
  const fallback =
    field.default !== undefined ? ` [${safeText(JSON.stringify(field.default))}]` : required ? ' (required)' : '';
  return `  ${label} (${safeText(kind)})${description}${fallback}: `;
}

/** The request in one line: what it is, what caused it, and its message (never the form's values). */
export function describeRequest(request: ServerRequest): string {
  const cause = request.cause
    ? ` during ${request.cause.method}${request.cause.name ? ` ${request.cause.name}` : ''}`
    : '';
  const message = typeof request.params.message === 'string' ? ` "${oneLine(request.params.message)}"` : '';
  switch (request.kind) {
    case 'elicitation-form': {
      const schema = formSchemaOf(request.params);
      const fields = Object.keys(schema.properties).map((n) => (schema.required.includes(n) ? `${n}*` : n));
      return `a form (elicitation)${cause}${message}; fields: ${safeText(fields.join(', ') || '(none)')}`;
    }
    case 'elicitation-url': {
      let origin = '(not a URL)';
      try {
        origin = new URL(String(request.params.url)).origin;
      } catch {
        // described as not a URL
      }
      return `a page to open on ${safeText(origin)} (URL elicitation)${cause}${message}`;
    }
    case 'sampling': {
      const count = Array.isArray(request.params.messages) ? request.params.messages.length : 0;
      return `a model reply (sampling)${cause}, ${count} message${count === 1 ? '' : 's'}`;
    }
    case 'roots':
      return `the roots (roots/list)${cause}`;
  }
}

/** The reply in one line: the action and the field names or sizes, never the values. */
export function describeReply(request: ServerRequest, reply: JsonObject): string {
  switch (request.kind) {
    case 'elicitation-form':
    case 'elicitation-url': {
      const content = isObject(reply.content) ? Object.keys(reply.content) : undefined;
      if (reply.action !== 'accept') return `${String(reply.action)}d`.replace('canceld', 'cancelled');
      return content ? `accepted with ${content.length ? safeText(content.join(', ')) : 'no fields'}` : 'accepted';
    }
    case 'sampling': {
      const content = reply.content;
      const text = isObject(content) && typeof content.text === 'string' ? content.text : undefined;
      return text !== undefined ? `a reply of ${text.length} characters` : 'a reply';
    }
    case 'roots': {
      const roots = Array.isArray(reply.roots) ? reply.roots : [];
      return `${roots.length} root${roots.length === 1 ? '' : 's'}: ${safeText(roots.map((r) => (isObject(r) ? String(r.uri) : '')).join(', '))}`;
    }
  }
}

/** Server text on one line, terminal controls made visible. */
function oneLine(text: string): string {
  return safeText(text.replace(/\s+/g, ' ').trim());
}

function show(value: JsonValue): string {
  return safeText(typeof value === 'string' ? value : JSON.stringify(value));
}

function kindOf(value: JsonValue): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Asks in the terminal: the question on stderr (stdout stays the command's result), the answer
 * from stdin. Ctrl+C while asking interrupts the command like anywhere else.
 */
export function terminalAsk(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Ask {
  return async (question, signal) => {
    // Loaded here: only an interactive session needs it.
    const readline = await import('node:readline/promises');
    const rl = readline.createInterface({ input, output, terminal: true });
    // readline swallows Ctrl+C in a terminal; hand it to the process's handler (cancel and exit 130).
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    try {
      return await rl.question(question, { signal });
    } finally {
      rl.close();
    }
  };
}
