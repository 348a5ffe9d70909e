/**
 * Command-line parsing for `mcp-lens`. Pure (no I/O), so every usage error is unit-tested.
 * A usage error says what is wrong and becomes exit code 2.
 */
import {
  type ConnectionConfig,
  type HttpTransportKind,
  type ProtocolChoice,
  CommandLineError,
  defaultConnectionName,
  newConnectionId,
  parseCommandLine,
  parseEnvAssignment,
  parseHeaderLine,
  validateServerUrl,
} from '../core/config';
import { type CompletionRefView, LOGGING_LEVELS, type LoggingLevelView, PROTOCOL_CHOICES } from '../shared/protocol';
import type { AnswerFlags } from './answers';

export const COMMANDS = ['tools', 'call', 'resources', 'read', 'prompts', 'prompt', 'complete'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CliOptions {
  json: boolean;
  /** Prints every JSON-RPC message (redacted) to stderr. */
  verbose: boolean;
  /** Per-request timeout in milliseconds; undefined leaves the core's default. */
  timeoutMs?: number;
  /** Limit of one interactive sign-in in milliseconds (not counted in `timeoutMs`); undefined leaves the engine's default. */
  signInTimeoutMs?: number;
  /** Sign-in: where tokens are kept; undefined means the default file. */
  credentialsPath?: string;
  /** Print the authorization URL instead of opening a browser. */
  noBrowser: boolean;
  /** Never ask: a needed sign-in becomes exit code 3. */
  nonInteractive: boolean;
  /** A pre-registered OAuth client id; its secret comes from MCP_LENS_CLIENT_SECRET (kept off the process list). */
  clientId?: string;
  /** A Client ID Metadata Document URL to use as client_id when the server supports it. */
  clientMetadataUrl?: string;
  /** A fixed loopback port for the redirect URI, for servers that need an exact pre-registered URI. */
  callbackPort?: number;
  /**
   * Sign in without a browser: `client-credentials` (the client acts on its own behalf, RFC 6749 §4.4)
   * or `cross-app-access` (an enterprise IdP's ID token exchanged for an ID-JAG, then a JWT bearer grant).
   */
  grant?: 'client-credentials' | 'cross-app-access';
  /** `private_key_jwt`: the client's private key (PEM or JWK file). */
  privateKeyFile?: string;
  /** The token endpoint authentication method for a grant without a browser. */
  clientAuth?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** JWS algorithm of the private_key_jwt assertion; default from the key. */
  signingAlg?: string;
  /** Cross-app access: the identity provider's token endpoint (RFC 8693 token exchange), or its issuer to discover it. */
  idpTokenEndpoint?: string;
  idpIssuer?: string;
  /** Cross-app access: the client id at the identity provider (its secret, if any, in MCP_LENS_IDP_CLIENT_SECRET). */
  idpClientId?: string;
  /** How to answer what the server asks (elicitation, sampling, roots); see ./answers.ts. */
  answers: AnswerFlags;
  /** `logging/setLevel` after connecting; the server's log messages are then printed on stderr. */
  logLevel?: LoggingLevelView;
}

export interface RunRequest {
  kind: 'run';
  command: CommandName;
  config: ConnectionConfig;
  /** `call`: the tool; `prompt`: the prompt name. */
  name?: string;
  /** `read`: the resource URI. */
  uri?: string;
  /** `call`: JSON object; `prompt`: string values. */
  args?: Record<string, unknown>;
  /** `call --task`: run the call as a task (MCP tasks) and follow its status. */
  task?: boolean;
  /** `complete`: what to complete. */
  completion?: CompletionRequest;
  options: CliOptions;
}

export interface CompletionRequest {
  ref: CompletionRefView;
  argument: { name: string; value: string };
  context?: Record<string, string>;
}

export type ParsedArgs = RunRequest | { kind: 'help'; topic?: string } | { kind: 'version' };

export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint: string = 'Run `mcp-lens --help` for usage.',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionSpec = { takesValue: boolean; repeatable?: boolean };

const OPTIONS: Record<string, OptionSpec> = {
  '--stdio': { takesValue: true },
  '--transport': { takesValue: true },
  '--protocol': { takesValue: true },
  '--header': { takesValue: true, repeatable: true },
  '--env': { takesValue: true, repeatable: true },
  '--cwd': { takesValue: true },
  '--timeout': { takesValue: true },
  '--sign-in-timeout': { takesValue: true },
  '--json': { takesValue: false },
  '--verbose': { takesValue: false },
  '--credentials': { takesValue: true },
  '--no-browser': { takesValue: false },
  '--non-interactive': { takesValue: false },
  '--client-id': { takesValue: true },
  '--client-metadata-url': { takesValue: true },
  '--callback-port': { takesValue: true },
  '--client-credentials': { takesValue: false },
  '--cross-app-access': { takesValue: false },
  '--private-key-file': { takesValue: true },
  '--client-auth': { takesValue: true },
  '--signing-alg': { takesValue: true },
  '--idp-token-endpoint': { takesValue: true },
  '--idp-issuer': { takesValue: true },
  '--idp-client-id': { takesValue: true },
  '--elicit': { takesValue: true },
  '--sample-reply': { takesValue: true },
  '--roots': { takesValue: true, repeatable: true },
  '--open-elicitation-urls': { takesValue: false },
  '--log-level': { takesValue: true },
  '--task': { takesValue: false },
  '--prompt': { takesValue: true },
  '--resource-template': { takesValue: true },
  '--argument': { takesValue: true },
  '--context': { takesValue: true, repeatable: true },
  '--help': { takesValue: false },
  '--version': { takesValue: false },
};

const SHORT: Record<string, string> = {
  '-H': '--header',
  '-e': '--env',
  '-h': '--help',
  '-V': '--version',
  '-t': '--transport',
};

const TRANSPORTS: Record<string, HttpTransportKind> = {
  auto: 'auto',
  http: 'streamable-http',
  'streamable-http': 'streamable-http',
  streamablehttp: 'streamable-http',
  sse: 'sse',
};

/** Splits argv into options (by name, all values in order) and positionals. */
function tokenize(argv: string[]): { opts: Map<string, string[]>; positionals: string[] } {
  const opts = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // A lone '-' or a negative number is a positional, not an option.
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    let name = arg;
    let inlineValue: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      name = arg.slice(0, eq);
      inlineValue = arg.slice(eq + 1);
    }
    name = SHORT[name] ?? name;
    const spec = OPTIONS[name];
    if (!spec) throw new UsageError(`Unknown option ${name}.`);
    let value = '';
    if (spec.takesValue) {
      if (inlineValue !== undefined) value = inlineValue;
      else {
        if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value.`);
        value = argv[++i];
      }
    } else if (inlineValue !== undefined) {
      throw new UsageError(`${name} takes no value.`);
    }
    const list = opts.get(name) ?? [];
    if (list.length > 0 && !spec.repeatable && spec.takesValue) {
      throw new UsageError(`${name} is given more than once.`);
    }
    list.push(value);
    opts.set(name, list);
  }
  return { opts, positionals };
}

/** Parses `mcp-lens` arguments (without `node` and the script). Throws UsageError. */
export function parseArgs(argv: string[]): ParsedArgs {
  const { opts, positionals } = tokenize(argv);
  if (opts.has('--help')) return { kind: 'help', topic: positionals[0] };
  if (opts.has('--version')) return { kind: 'version' };
  const [commandWord, ...rest] = positionals;
  if (commandWord === undefined) throw new UsageError('No command given.');
  if (commandWord === 'help') return { kind: 'help', topic: rest[0] };
  if (commandWord === 'version') return { kind: 'version' };
  if (!(COMMANDS as readonly string[]).includes(commandWord)) {
    throw new UsageError(`Unknown command "${commandWord}". Commands: ${COMMANDS.join(', ')}.`);
  }
  const command = commandWord as CommandName;
  const one = (name: string): string | undefined => opts.get(name)?.[0];

  // --- target ---
  const stdioLine = one('--stdio');
  let config: ConnectionConfig;
  let operands: string[];
  if (stdioLine !== undefined) {
    for (const httpOnly of ['--transport', '--header']) {
      if (opts.has(httpOnly)) throw new UsageError(`${httpOnly} applies to an HTTP target, not to --stdio.`);
    }
    let words: string[];
    try {
      words = parseCommandLine(stdioLine);
    } catch (e) {
      if (e instanceof CommandLineError) throw new UsageError(`--stdio: ${e.message}`);
      throw e;
    }
    if (words.length === 0) {
      throw new UsageError(
        '--stdio needs a command line, for example --stdio "npx -y @modelcontextprotocol/server-everything".',
      );
    }
    const env: Record<string, string> = {};
    for (const assignment of opts.get('--env') ?? []) {
      const parsed = parseEnvAssignment(assignment);
      if (typeof parsed === 'string') throw new UsageError(`--env: ${parsed}`);
      env[parsed.name] = parsed.value;
    }
    const [cmd, ...cmdArgs] = words;
    config = {
      id: newConnectionId(),
      name: defaultConnectionName({ transport: 'stdio', command: cmd, args: cmdArgs }),
      transport: 'stdio',
      command: cmd,
      args: cmdArgs,
      ...(Object.keys(env).length ? { env } : {}),
      ...(one('--cwd') !== undefined ? { cwd: one('--cwd') } : {}),
    };
    operands = rest;
  } else {
    if (opts.has('--env')) throw new UsageError('--env applies to a --stdio target, not to a URL.');
    if (opts.has('--cwd')) throw new UsageError('--cwd applies to a --stdio target, not to a URL.');
    // The target comes first; it may also come last (`mcp-lens call echo '{}' <url>`), as test
    // harnesses that append the server URL to a command line expect (the MCP conformance suite does).
    let targetIndex = 0;
    const last = rest.length - 1;
    if (rest.length > 1 && !isHttpUrl(rest[0]) && isHttpUrl(rest[last])) targetIndex = last;
    const url = rest[targetIndex];
    if (url === undefined) {
      throw new UsageError(
        `"${command}" needs a target: a server URL (http:// or https://) or --stdio "<command line>".`,
      );
    }
    const problem = validateServerUrl(url);
    if (problem) throw new UsageError(`Invalid target: ${problem}`);
    const transportWord = one('--transport') ?? 'auto';
    const transport = TRANSPORTS[transportWord.toLowerCase()];
    if (!transport) throw new UsageError(`--transport must be auto, http or sse (got "${transportWord}").`);
    const headers: Record<string, string> = {};
    for (const line of opts.get('--header') ?? []) {
      const parsed = parseHeaderLine(line);
      if (typeof parsed === 'string') throw new UsageError(`--header: ${parsed}`);
      headers[parsed.name] = parsed.value;
    }
    config = {
      id: newConnectionId(),
      name: defaultConnectionName({ transport, url: url.trim() }),
      transport,
      url: url.trim(),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(one('--client-id') !== undefined ? { oauthClientId: one('--client-id') } : {}),
    };
    operands = rest.filter((_, i) => i !== targetIndex);
  }

  const protocol = parseProtocol(one('--protocol'));
  if (protocol === '2026-07-28' && config.transport === 'sse') {
    throw new UsageError(
      '--protocol 2026-07-28 is not spoken over --transport sse (the HTTP+SSE transport predates it): use --transport auto or http, or --protocol 2025.',
    );
  }
  if (protocol !== 'auto') config.protocol = protocol;

  // --- options ---
  const options: CliOptions = {
    json: opts.has('--json'),
    verbose: opts.has('--verbose'),
    noBrowser: opts.has('--no-browser'),
    nonInteractive: opts.has('--non-interactive'),
    answers: parseAnswerFlags(opts),
  };
  const logLevel = one('--log-level');
  if (logLevel !== undefined) {
    const level = LOGGING_LEVELS.find((l) => l === logLevel.trim().toLowerCase());
    if (!level) throw new UsageError(`--log-level must be ${LOGGING_LEVELS.join(', ')} (got "${logLevel}").`);
    options.logLevel = level;
  }
  const timeoutMs = timeoutOption('--timeout', one('--timeout'));
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const signInTimeoutMs = timeoutOption('--sign-in-timeout', one('--sign-in-timeout'));
  if (signInTimeoutMs !== undefined) options.signInTimeoutMs = signInTimeoutMs;
  const credentials = one('--credentials');
  if (credentials !== undefined) {
    if (!credentials.trim()) throw new UsageError('--credentials needs a file path.');
    options.credentialsPath = credentials;
  }
  const clientId = one('--client-id');
  if (clientId !== undefined) {
    if (config.transport === 'stdio') throw new UsageError('--client-id applies to an HTTP target, not to --stdio.');
    if (!clientId.trim()) throw new UsageError('--client-id needs a value.');
    options.clientId = clientId;
  }
  const metadataUrl = one('--client-metadata-url');
  if (metadataUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(metadataUrl);
    } catch {
      parsed = undefined;
    }
    // A Client ID Metadata Document URL is an https URL with a path (draft-ietf-oauth-client-id-metadata-document §3).
    if (!parsed || parsed.protocol !== 'https:' || parsed.pathname === '/') {
      throw new UsageError(`--client-metadata-url must be an https URL with a path (got "${metadataUrl}").`);
    }
    options.clientMetadataUrl = metadataUrl;
  }
  const port = one('--callback-port');
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n < 1 || n > 65535) {
      throw new UsageError(`--callback-port must be a port number from 1 to 65535 (got "${port}").`);
    }
    options.callbackPort = n;
  }
  parseGrantOptions(opts, options, config.transport === 'stdio');

  if (opts.has('--task') && command !== 'call') throw new UsageError('--task applies to `call`.');
  if (command !== 'complete') {
    for (const name of ['--prompt', '--resource-template', '--argument', '--context']) {
      if (opts.has(name)) throw new UsageError(`${name} applies to \`complete\`.`);
    }
  }

  // --- operands ---
  const request: RunRequest = { kind: 'run', command, config, options };
  const expect = (names: string[], optional: string[] = []): string[] => {
    if (operands.length < names.length) {
      throw new UsageError(
        `"${command}" needs ${names.map((n) => `<${n}>`).join(' ')} after the target.`,
        `Usage: ${usageLine(command)}`,
      );
    }
    if (operands.length > names.length + optional.length) {
      const extra = operands.slice(names.length + optional.length);
      throw new UsageError(
        `Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.map((e) => JSON.stringify(e)).join(' ')}.`,
        `Usage: ${usageLine(command)}`,
      );
    }
    return operands;
  };
  switch (command) {
    case 'tools':
    case 'resources':
    case 'prompts':
      expect([]);
      break;
    case 'read':
      request.uri = expect(['uri'])[0];
      break;
    case 'call': {
      const [tool, json] = expect(['tool'], ['json-args']);
      request.name = tool;
      request.args = parseJsonObject(json, 'Tool arguments');
      if (opts.has('--task')) request.task = true;
      break;
    }
    case 'complete':
      expect([]);
      request.completion = parseCompletion(opts);
      break;
    case 'prompt': {
      const [name, json] = expect(['name'], ['json-args']);
      request.name = name;
      request.args = promptArguments(parseJsonObject(json, 'Prompt arguments'));
      break;
    }
  }
  return request;
}

/**
 * `--protocol`: which MCP era to speak. `auto` (default) negotiates (server/discover, falling back to
 * initialize); `2025` speaks only the 2025 revisions; `2026-07-28` only the modern one.
 */
export function parseProtocol(value: string | undefined, hint?: string): ProtocolChoice {
  if (value === undefined) return 'auto';
  const choice = PROTOCOL_CHOICES.find((c) => c === value.trim().toLowerCase());
  if (!choice) {
    throw new UsageError(`--protocol must be ${PROTOCOL_CHOICES.join(', ')} (got "${value}").`, hint);
  }
  return choice;
}

const CLIENT_AUTH = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;

/** The options of the sign-ins without a browser: consistent with each other, or a usage error. */
function parseGrantOptions(opts: Map<string, string[]>, options: CliOptions, stdio: boolean): void {
  const one = (name: string): string | undefined => opts.get(name)?.[0];
  const clientCredentials = opts.has('--client-credentials');
  const crossApp = opts.has('--cross-app-access');
  if (clientCredentials && crossApp) {
    throw new UsageError('--client-credentials and --cross-app-access cannot be used together.');
  }
  const grantFlag = clientCredentials ? '--client-credentials' : crossApp ? '--cross-app-access' : undefined;
  for (const name of ['--private-key-file', '--client-auth', '--signing-alg']) {
    if (opts.has(name) && !grantFlag) {
      throw new UsageError(`${name} applies to --client-credentials or --cross-app-access.`);
    }
  }
  for (const name of ['--idp-token-endpoint', '--idp-issuer', '--idp-client-id']) {
    if (opts.has(name) && !crossApp) throw new UsageError(`${name} applies to --cross-app-access.`);
  }
  if (!grantFlag) return;
  if (stdio) throw new UsageError(`${grantFlag} applies to an HTTP target, not to --stdio.`);
  if (options.clientId === undefined) {
    throw new UsageError(
      `${grantFlag} needs --client-id (the client's secret in MCP_LENS_CLIENT_SECRET, or its key in --private-key-file).`,
    );
  }
  options.grant = clientCredentials ? 'client-credentials' : 'cross-app-access';
  const keyFile = one('--private-key-file');
  if (keyFile !== undefined) {
    if (!keyFile.trim()) throw new UsageError('--private-key-file needs a file path.');
    options.privateKeyFile = keyFile;
  }
  const method = one('--client-auth');
  if (method !== undefined) {
    if (!(CLIENT_AUTH as readonly string[]).includes(method)) {
      throw new UsageError(`--client-auth must be ${CLIENT_AUTH.join(', ')} (got "${method}").`);
    }
    options.clientAuth = method as CliOptions['clientAuth'];
    if (method === 'private_key_jwt' && keyFile === undefined) {
      throw new UsageError('--client-auth private_key_jwt needs --private-key-file.');
    }
    if (method !== 'private_key_jwt' && keyFile !== undefined) {
      throw new UsageError(`--private-key-file is used with private_key_jwt, not with ${method}.`);
    }
  }
  const alg = one('--signing-alg');
  if (alg !== undefined) {
    if (keyFile === undefined) throw new UsageError('--signing-alg applies to --private-key-file.');
    if (!/^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(alg)) {
      throw new UsageError(
        `--signing-alg must be an asymmetric JWS algorithm such as ES256, RS256, PS256 or EdDSA (got "${alg}").`,
      );
    }
    options.signingAlg = alg;
  }
  if (crossApp) {
    for (const name of ['--idp-token-endpoint', '--idp-issuer'] as const) {
      const value = one(name);
      if (value === undefined) continue;
      if (!isHttpUrl(value)) throw new UsageError(`${name} must be an http(s) URL (got "${value}").`);
      if (name === '--idp-token-endpoint') options.idpTokenEndpoint = value.trim();
      else options.idpIssuer = value.trim();
    }
    if (!options.idpTokenEndpoint && !options.idpIssuer) {
      throw new UsageError('--cross-app-access needs --idp-token-endpoint or --idp-issuer.');
    }
    const idpClientId = one('--idp-client-id');
    if (idpClientId === undefined || !idpClientId.trim()) {
      throw new UsageError('--cross-app-access needs --idp-client-id (the client at the identity provider).');
    }
    options.idpClientId = idpClientId;
  }
}

/** `--elicit`, `--sample-reply`, `--roots`, `--open-elicitation-urls`: checked here, their files read before connecting. */
function parseAnswerFlags(opts: Map<string, string[]>): AnswerFlags {
  const flags: AnswerFlags = { roots: [], openElicitationUrls: opts.has('--open-elicitation-urls') };
  const elicit = opts.get('--elicit')?.[0];
  if (elicit !== undefined) {
    if (!elicit.trim()) {
      throw new UsageError('--elicit needs accept-defaults, decline, cancel or a JSON file with the answer.');
    }
    flags.elicit =
      elicit === 'accept-defaults' || elicit === 'decline' || elicit === 'cancel' ? elicit : { file: elicit };
  }
  const sampleReply = opts.get('--sample-reply')?.[0];
  if (sampleReply !== undefined) {
    if (!sampleReply.trim()) {
      throw new UsageError('--sample-reply needs a file (the reply text, or a CreateMessageResult as JSON).');
    }
    flags.sampleReply = sampleReply;
  }
  for (const dir of opts.get('--roots') ?? []) {
    if (!dir.trim()) throw new UsageError('--roots needs a directory.');
    flags.roots.push(dir);
  }
  return flags;
}

/** `complete`: exactly one of --prompt / --resource-template, one --argument name=value, any --context k=v. */
function parseCompletion(opts: Map<string, string[]>): CompletionRequest {
  const prompt = opts.get('--prompt')?.[0];
  const template = opts.get('--resource-template')?.[0];
  const usage = `Usage: ${usageLine('complete')}`;
  if ((prompt === undefined) === (template === undefined)) {
    throw new UsageError('"complete" needs one of --prompt <name> or --resource-template <uri-template>.', usage);
  }
  const ref: CompletionRefView =
    prompt !== undefined ? { type: 'ref/prompt', name: prompt } : { type: 'ref/resource', uri: template ?? '' };
  const argument = opts.get('--argument')?.[0];
  if (argument === undefined) {
    throw new UsageError('"complete" needs --argument <name>=<value> (the value typed so far; may be empty).', usage);
  }
  const [name, value] = splitAssignment(argument, '--argument');
  const context: Record<string, string> = {};
  for (const assignment of opts.get('--context') ?? []) {
    const [key, contextValue] = splitAssignment(assignment, '--context');
    context[key] = contextValue;
  }
  return { ref, argument: { name, value }, ...(Object.keys(context).length ? { context } : {}) };
}

function splitAssignment(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} must be name=value (got "${text}").`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text.trim()) && validateServerUrl(text) === undefined;
}

function parseJsonObject(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined || !text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${what} are not valid JSON: ${(e as Error).message}.`,
      `Pass a JSON object, for example '{"message": "hi"}' (quote it for the shell).`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new UsageError(
      `${what} must be a JSON object, not ${got}.`,
      `Pass a JSON object, for example '{"message": "hi"}'.`,
    );
  }
  return value as Record<string, unknown>;
}

/** MCP prompt arguments are strings (spec: prompts/get `arguments: {[key]: string}`); numbers and booleans are converted. */
function promptArguments(args: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else {
      throw new UsageError(
        `Prompt argument "${key}" must be a string (prompt arguments are strings), not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `an ${typeof value}`}.`,
      );
    }
  }
  return out;
}

export function usageLine(command: CommandName): string {
  const target = '(<url> | --stdio "<command line>")';
  switch (command) {
    case 'tools':
    case 'resources':
    case 'prompts':
      return `mcp-lens ${command} ${target}`;
    case 'read':
      return `mcp-lens read ${target} <uri>`;
    case 'call':
      return `mcp-lens call ${target} <tool> ['<json-args>']`;
    case 'prompt':
      return `mcp-lens prompt ${target} <name> ['<json-args>']`;
    case 'complete':
      return `mcp-lens complete ${target} (--prompt <name> | --resource-template <uri-template>) --argument <name>=<value> [--context <name>=<value>…]`;
  }
}

export const EXIT = { ok: 0, failure: 1, usage: 2, authRequired: 3, unanswered: 4, interrupted: 130 } as const;

export function usageText(): string {
  return `mcp-lens — inspect and call MCP (Model Context Protocol) servers from the command line.

Usage:
  ${usageLine('tools')}               list the tools
  ${usageLine('call')}   call a tool
  ${usageLine('resources')}           list resources and resource templates
  ${usageLine('read')}          read a resource
  ${usageLine('prompts')}             list the prompts
  ${usageLine('prompt')}  get a prompt
  mcp-lens complete ${'(<url> | --stdio "<command line>")'} --prompt <name> --argument <name>=<value>
                       (or --resource-template <uri-template>; [--context <name>=<value>…])
                                                 the server's completions for an argument, one a line
  mcp-lens doctor <url> [--json] [--markdown FILE]   diagnose an HTTP server (see mcp-lens doctor --help)
  mcp-lens test <file.json|dir>… [--junit <out.xml>] [--json] [--grep <pattern>]
                                                 run saved checks (e.g. .vscode/mcp-lens/) for CI: prints
                                                 "N passed, N failed", exit 1 when one fails (see mcp-lens test --help)
  mcp-lens help | --help | --version

Target:
  <url>                       an http(s) MCP endpoint, e.g. http://127.0.0.1:3001/mcp
                              (it may also be the last argument, for harnesses that append it)
    --transport auto|http|sse   auto (default) tries Streamable HTTP, then falls back to SSE
    -H, --header 'Name: value'  send a header with every request (repeatable)
  --protocol auto|2025|2026-07-28
                              the MCP era to speak: auto (default) asks server/discover (2026-07-28) and
                              falls back to initialize (2025); 2025 or 2026-07-28 speak only that era
                              (2026-07-28 is not spoken over --transport sse). Applies to --stdio too.
  --stdio "<command line>"    start a local server and talk to it over stdin/stdout
    -e, --env NAME=value        set an environment variable for it (repeatable)
    --cwd <dir>                 its working directory

Output:
  --json                      print the raw result JSON on stdout (for scripts); tools, resources and
                              prompts also carry server, era, protocolVersion and negotiation
  --verbose                   print every JSON-RPC message (secrets redacted) to stderr
  --timeout <seconds>         fail a request that takes longer (default: 60); time spent signing in
                              does not count, the request's time starts again after the sign-in

Calls and server logs:
  --task                      \`call\`: run the call as a task (MCP tasks): its status changes on stderr, the
                              result as usual; needed for tools whose execution.taskSupport is "required"
  --log-level <level>         ask the server for log messages from this level up (debug, info, notice,
                              warning, error, critical, alert, emergency) and print them on stderr

Answering the server (elicitation, sampling, roots):
  In a terminal, mcp-lens asks you (form fields one by one, defaults in [brackets]; a sampling
  request's messages, then your reply). Without a terminal, these flags answer; a request none of
  them answers is refused and mcp-lens exits with code 4, naming the flag to pass.
  --elicit accept-defaults    accept forms with the schema's defaults (fails when a required field has none)
  --elicit decline|cancel     decline or cancel every form (and every page to open)
  --elicit <file.json>        accept forms with the fields in this JSON object (checked against the form;
                              fields it leaves out take their defaults); or {"action": "decline"}
  --sample-reply <file>       reply to sampling requests with the file's text, or with the
                              CreateMessageResult it holds as JSON ({"role", "content", "model"…})
  --roots <dir>               offer this directory as a root (repeatable; declares the roots capability)
  --open-elicitation-urls     open the pages servers ask to open (URL elicitation) without asking;
                              without it and without a terminal, they are declined
  Each question and answer is logged on stderr, one line each (field names, never their values).

Sign-in (servers protected by OAuth):
  --credentials <file>        where tokens are kept (default: ~/.config/mcp-lens/credentials.json, mode 0600)
  --no-browser                print the sign-in URL instead of opening a browser
  --non-interactive           never ask: exit with code 3 when a sign-in is needed (and answer the server
                              only from the flags below, see "Answering the server")
  --client-id <id>            a pre-registered OAuth client id (its secret, if any, in MCP_LENS_CLIENT_SECRET)
  --client-metadata-url <url> an https Client ID Metadata Document URL to use as the client id
  --callback-port <port>      a fixed port for the loopback redirect (http://127.0.0.1:<port>/callback)
  --sign-in-timeout <seconds> give up a browser sign-in that takes longer (default: 300)
  The browser is $BROWSER if set, otherwise xdg-open / open / start.

Sign-in without a browser (machine-to-machine; needs --client-id, no person, works with --non-interactive):
  --client-credentials        the OAuth client credentials grant: the client acts on its own behalf, with
                              its secret from MCP_LENS_CLIENT_SECRET or its key from --private-key-file
  --private-key-file <file>   the client's private key, PEM (PKCS#8, SEC1, PKCS#1) or a JWK: private_key_jwt
  --client-auth <method>      client_secret_basic, client_secret_post or private_key_jwt
                              (default: private_key_jwt with a key, else what the server supports, Basic first)
  --signing-alg <alg>         the key's JWS algorithm (ES256, RS256, PS256, EdDSA…; default: fits the key)
  --cross-app-access          enterprise cross-app access: exchange the identity provider's ID token (from
                              MCP_LENS_IDP_ID_TOKEN) there for an identity assertion grant (ID-JAG), then
                              trade it for a token at the server's authorization server
    --idp-token-endpoint <url>  the identity provider's token endpoint (or --idp-issuer <url> to discover it)
    --idp-client-id <id>        the client at the identity provider (secret, if any, in MCP_LENS_IDP_CLIENT_SECRET)

Exit codes:
  0  success
  1  failure (connection error, server error, a tool result with isError or
     with structuredContent that does not match the tool's outputSchema; \`test\`: a check failed)
  2  usage error (unknown command or option, bad JSON arguments, a bad checks file for \`test\`)
  3  authorization required (a sign-in is needed and could not happen)
  4  a server request could not be answered (no terminal and no --elicit / --sample-reply
     for it, or the answer did not fit the form); the message names the flag to pass
  130 interrupted (Ctrl+C; a running call is cancelled first)

Examples:
  mcp-lens tools --stdio "npx -y @modelcontextprotocol/server-everything"
  mcp-lens call http://127.0.0.1:3001/mcp echo '{"message": "hello"}'
  mcp-lens read http://127.0.0.1:3001/sse --transport sse demo://resource/static/document/architecture.md
  mcp-lens prompt --stdio "node server.js" args-prompt '{"city": "Paris"}' --json
  mcp-lens call http://127.0.0.1:3001/mcp trigger-elicitation-request --elicit answer.json
  mcp-lens complete http://127.0.0.1:3001/mcp --prompt completable-prompt --argument department=E
`;
}

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** A timeout flag in seconds, as milliseconds: positive, at least 1 ms, and within what a timer can wait. */
function timeoutOption(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  const ms = Math.round(seconds * 1000);
  if (!value.trim() || !Number.isFinite(seconds) || ms < 1 || ms > MAX_TIMER_MS) {
    throw new UsageError(
      `${flag} must be a positive number of seconds (got "${value}"), from 0.001 to ${Math.floor(MAX_TIMER_MS / 1000)}.`,
    );
  }
  return ms;
}
