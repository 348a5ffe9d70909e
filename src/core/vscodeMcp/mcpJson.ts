/**
 * VS Code's own MCP configuration, `mcp.json` (`.vscode/mcp.json` in a workspace folder, `mcp.json` in the
 * user profile): `{ "inputs": [...], "servers": { "<name>": { "type": "stdio" | "http" | "sse", ... } } }`,
 * JSON with comments and trailing commas. This module reads it into servers that MCP Lens can inspect
 * without copying them into its own list: each server is checked on its own, so one bad entry (unknown
 * type, missing command, an `${input:…}` that no input defines) shows its problem and the others still work.
 * No `vscode` import: unit-tested in plain Node; the extension supplies file contents, folders and input values.
 * Format reference: https://code.visualstudio.com/docs/copilot/reference/mcp-configuration
 */
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ConnectionConfig, HttpConnectionConfig, StdioConnectionConfig } from '../config';
import { validateWatchGlobs } from '../devLoop';
import { parseDotenv } from './dotenv';

export type McpJsonScope = 'workspace' | 'user';

/** Where an mcp.json comes from. */
export interface McpJsonSource {
  /** A stable identifier of the file (its URI): part of server ids and of the keys of stored input values. */
  uri: string;
  scope: McpJsonScope;
  /** For people: "workspace folder app" or "user". */
  label: string;
  /** The folder `${workspaceFolder}` stands for (a workspace file's own folder; for the user file, the first one). */
  workspaceFolder?: string;
}

export interface McpJsonInputOption {
  label: string;
  value: string;
}

/** One entry of `inputs`: a value VS Code asks for when a server that uses `${input:<id>}` starts. */
export interface McpJsonInput {
  id: string;
  type: 'promptString' | 'pickString';
  description?: string;
  /** Masked while typed; MCP Lens keeps every input value in SecretStorage anyway. */
  password: boolean;
  default?: string;
  /** pickString only. */
  options?: McpJsonInputOption[];
}

export type McpJsonServerKind = 'stdio' | 'http' | 'sse';

export interface McpJsonServer {
  name: string;
  /** Undefined when the type is unknown (see problems). */
  kind?: McpJsonServerKind;
  /** The entry as written (variables not substituted). */
  definition: Record<string, unknown>;
  /** What keeps this server from starting, in words; empty when it can be tried. */
  problems: string[];
  /** The ids of the inputs its strings use, in order of first use. */
  inputIds: string[];
  /** 1-based line of its key in the file, for "open at". */
  line?: number;
}

export interface McpJsonFile {
  source: McpJsonSource;
  inputs: McpJsonInput[];
  servers: McpJsonServer[];
  /** Problems of the file itself (syntax errors with line and column, a `servers` that is not an object, bad inputs). */
  problems: string[];
}

/** A server id in the connection manager: never saved, unique per file and server name. */
export function vscodeMcpConnectionId(source: McpJsonSource, serverName: string): string {
  return `${VSCODE_MCP_ID_PREFIX}${source.uri}#${serverName}`;
}

export const VSCODE_MCP_ID_PREFIX = 'vscode-mcp:';

export function isVsCodeMcpId(id: string): boolean {
  return id.startsWith(VSCODE_MCP_ID_PREFIX);
}

/** Names whose values are credentials: such headers are kept out of sight (secret headers), like the settings do. */
export function looksSecretName(name: string): boolean {
  return (
    /^(authorization|proxy-authorization|cookie)$/i.test(name) ||
    /(token|secret|api[-_]?key|password|passwd|session|credential)/i.test(name)
  );
}

const VARIABLE = /\$\{([^}]*)\}/g;
const KNOWN_VARIABLES = new Set(['workspaceFolder', 'workspaceFolderBasename', 'userHome', 'pathSeparator', '/']);

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

export function parseMcpJson(text: string, source: McpJsonSource): McpJsonFile {
  const file: McpJsonFile = { source, inputs: [], servers: [], problems: [] };
  // An empty file (just created, or emptied) has no servers and nothing wrong with it.
  if (!text.trim()) return file;
  const errors: ParseError[] = [];
  const root: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const error of errors.slice(0, 5)) {
    const { line, column } = lineColumn(text, error.offset);
    file.problems.push(`${describeParseError(printParseErrorCode(error.error))} at line ${line}, column ${column}`);
  }
  if (errors.length > 5) file.problems.push(`…and ${errors.length - 5} more syntax errors`);
  if (root === undefined || root === null) {
    if (!errors.length && text.trim()) file.problems.push('The file is not a JSON object.');
    return file;
  }
  if (typeof root !== 'object' || Array.isArray(root)) {
    file.problems.push('The file must hold a JSON object with a "servers" object.');
    return file;
  }
  const object = root as Record<string, unknown>;

  const inputs = object.inputs;
  if (inputs !== undefined && !Array.isArray(inputs)) file.problems.push('"inputs" must be an array; it was ignored.');
  if (Array.isArray(inputs)) {
    inputs.forEach((raw: unknown, index) => {
      const input = parseInput(raw, index, file.problems);
      if (!input) return;
      if (file.inputs.some((i) => i.id === input.id)) {
        file.problems.push(`inputs[${index}]: the id "${input.id}" is defined twice; the first one is used.`);
        return;
      }
      file.inputs.push(input);
    });
  }

  const servers = object.servers;
  if (servers === undefined) {
    // VS Code's older format kept servers under "mcp" in settings.json; a bare file with neither is just empty.
    if ('mcpServers' in object) {
      file.problems.push('This file uses "mcpServers"; VS Code\'s mcp.json names them under "servers".');
    }
    return file;
  }
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    file.problems.push('"servers" must be an object that maps server names to their configuration.');
    return file;
  }
  const tree = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const inputIds = new Set(file.inputs.map((i) => i.id));
  for (const [name, raw] of Object.entries(servers as Record<string, unknown>)) {
    const node = tree ? findNodeAtLocation(tree, ['servers', name]) : undefined;
    const keyOffset = node?.parent?.offset;
    const server = checkServer(name, raw, inputIds);
    if (keyOffset !== undefined) server.line = lineColumn(text, keyOffset).line;
    file.servers.push(server);
  }
  return file;
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'Unexpected character',
    PropertyNameExpected: 'A property name (in double quotes) is expected',
    ValueExpected: 'A value is expected',
    ColonExpected: 'A colon is expected',
    CommaExpected: 'A comma is expected',
    CloseBraceExpected: 'A closing } is expected',
    CloseBracketExpected: 'A closing ] is expected',
    EndOfFileExpected: 'Nothing more is expected',
    UnexpectedEndOfString: 'A string is not closed',
    UnexpectedEndOfComment: 'A comment is not closed',
  };
  return words[code] ?? `Syntax error (${code})`;
}

function parseInput(raw: unknown, index: number, problems: string[]): McpJsonInput | undefined {
  const where = `inputs[${index}]`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${where} is not an object; it was ignored.`);
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id) {
    problems.push(`${where} has no "id"; it was ignored.`);
    return undefined;
  }
  if (r.type !== 'promptString' && r.type !== 'pickString') {
    problems.push(
      `${where} ("${r.id}") has type ${JSON.stringify(r.type)}; MCP Lens asks for promptString and pickString inputs only.`,
    );
    return undefined;
  }
  const input: McpJsonInput = { id: r.id, type: r.type, password: r.password === true };
  if (typeof r.description === 'string') input.description = r.description;
  if (typeof r.default === 'string') input.default = r.default;
  if (r.type === 'pickString') {
    const options = Array.isArray(r.options) ? r.options : [];
    input.options = options.flatMap((o: unknown): McpJsonInputOption[] => {
      if (typeof o === 'string') return [{ label: o, value: o }];
      if (o && typeof o === 'object' && typeof (o as { value?: unknown }).value === 'string') {
        const value = (o as { value: string }).value;
        const label = (o as { label?: unknown }).label;
        return [{ label: typeof label === 'string' ? label : value, value }];
      }
      return [];
    });
    if (!input.options.length) {
      problems.push(`${where} ("${r.id}") is a pickString without options; it was ignored.`);
      return undefined;
    }
  }
  return input;
}

/** The strings of an entry where VS Code substitutes variables. */
function stringsOf(definition: Record<string, unknown>): string[] {
  const out: string[] = [];
  const push = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
  };
  push(definition.command);
  push(definition.url);
  push(definition.cwd);
  push(definition.envFile);
  if (Array.isArray(definition.args)) definition.args.forEach(push);
  for (const key of ['env', 'headers']) {
    const record = definition[key];
    if (record && typeof record === 'object' && !Array.isArray(record)) Object.values(record).forEach(push);
  }
  return out;
}

function checkServer(name: string, raw: unknown, inputIds: Set<string>): McpJsonServer {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { name, definition: {}, problems: ['The entry is not an object.'], inputIds: [] };
  }
  const definition = raw as Record<string, unknown>;
  const problems: string[] = [];
  let kind: McpJsonServerKind | undefined;
  const type = definition.type;
  if (type === undefined) {
    // VS Code infers the type when it is left out: a command means stdio, a URL means HTTP.
    if (typeof definition.command === 'string') kind = 'stdio';
    else if (typeof definition.url === 'string') kind = 'http';
    else problems.push('The entry has neither "command" (stdio) nor "url" (http); add one, with its "type".');
  } else if (type === 'stdio' || type === 'http' || type === 'sse') {
    kind = type;
  } else {
    problems.push(`Unknown type ${JSON.stringify(type)}: use "stdio", "http" or "sse".`);
  }
  if (kind === 'stdio') {
    if (typeof definition.command !== 'string' || !definition.command.trim()) {
      problems.push('A stdio server needs "command": the program that starts it, for example "npx" or "node".');
    }
    if (definition.args !== undefined && !isStringArray(definition.args)) {
      problems.push('"args" must be an array of strings.');
    }
    if (definition.env !== undefined && !isStringRecord(definition.env, true)) {
      problems.push('"env" must map names to strings (or numbers, or null to unset).');
    }
    if (definition.envFile !== undefined && typeof definition.envFile !== 'string') {
      problems.push('"envFile" must be a path.');
    }
    if (definition.cwd !== undefined && typeof definition.cwd !== 'string') problems.push('"cwd" must be a path.');
    const dev = definition.dev as { watch?: unknown } | undefined;
    if (dev !== undefined && (typeof dev !== 'object' || dev === null || Array.isArray(dev))) {
      problems.push('"dev" must be an object, for example { "watch": "build/**/*.js" }.');
    } else if (dev?.watch !== undefined && typeof dev.watch !== 'string' && !isStringArray(dev.watch)) {
      problems.push('"dev.watch" must be a glob or a list of globs, for example "build/**/*.js".');
    }
  } else if (kind) {
    if (typeof definition.url !== 'string' || !definition.url.trim()) {
      problems.push(`An ${kind} server needs "url", for example "http://127.0.0.1:3001/mcp".`);
    }
    if (definition.headers !== undefined && !isStringRecord(definition.headers, false)) {
      problems.push('"headers" must map header names to strings.');
    }
    const oauth = definition.oauth as { clientId?: unknown } | undefined;
    if (oauth !== undefined && (typeof oauth?.clientId !== 'string' || !oauth.clientId.trim())) {
      problems.push('"oauth" must give "clientId": the OAuth client registered for this server.');
    }
  }
  const used: string[] = [];
  for (const text of stringsOf(definition)) {
    for (const match of text.matchAll(VARIABLE)) {
      const variable = match[1];
      if (variable.startsWith('input:')) {
        const id = variable.slice('input:'.length);
        if (!inputIds.has(id)) {
          if (!problems.some((p) => p.includes(`\${input:${id}}`))) {
            problems.push(`\${input:${id}} is used but no entry of "inputs" has the id "${id}".`);
          }
        } else if (!used.includes(id)) used.push(id);
      } else if (!KNOWN_VARIABLES.has(variable) && !variable.startsWith('env:')) {
        const message = `\${${variable}} is not a variable MCP Lens knows (use workspaceFolder, workspaceFolderBasename, userHome, env:NAME, input:ID).`;
        if (!problems.includes(message)) problems.push(message);
      }
    }
  }
  return { name, kind, definition, problems, inputIds: used };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isStringRecord(value: unknown, allowNumbersAndNull: boolean): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every(
    (v) => typeof v === 'string' || (allowNumbersAndNull && (typeof v === 'number' || v === null)),
  );
}

/** What resolving a server needs from its surroundings. */
export interface ResolveContext {
  userHome: string;
  /** The environment `${env:NAME}` reads (the extension host's). */
  env: Record<string, string | undefined>;
  /** Values of the inputs, by id (asked for, or read from SecretStorage, by the caller). */
  inputs: Record<string, string>;
  /** Reads an envFile; throws (with a message) when it cannot. */
  readFile(path: string): string;
  /** Joins a relative envFile or cwd path to a folder. */
  resolvePath(base: string, path: string): string;
  pathSeparator?: string;
}

export interface ResolvedServer {
  config?: ConnectionConfig;
  /** Values of `config.secretHeaders` (HTTP): kept in memory, never in a saved config. */
  secretHeaderValues: Record<string, string>;
  problems: string[];
}

/**
 * Substitutes the variables of one server and turns it into a connection config. VS Code's "http" type
 * tries Streamable HTTP and falls back to SSE, which is our `auto`. Headers that carry a password input,
 * or whose name says credential, become secret headers so their values stay out of tooltips and the webview.
 * A stdio server from a workspace file starts in its workspace folder unless `cwd` says otherwise.
 */
export function resolveMcpJsonServer(file: McpJsonFile, server: McpJsonServer, ctx: ResolveContext): ResolvedServer {
  const problems = [...server.problems];
  const secretHeaderValues: Record<string, string> = {};
  if (problems.length || !server.kind) return { secretHeaderValues, problems };
  const folder = file.source.workspaceFolder;
  const passwordInputs = new Set(file.inputs.filter((i) => i.password).map((i) => i.id));
  const substitute = (text: string, where: string): string =>
    text.replace(VARIABLE, (whole, variable: string) => {
      if (variable === 'workspaceFolder' || variable === 'workspaceFolderBasename') {
        if (!folder) {
          const message = `${where}: \${${variable}} needs an open workspace folder.`;
          if (!problems.includes(message)) problems.push(message);
          return whole;
        }
        return variable === 'workspaceFolder' ? folder : basename(folder);
      }
      if (variable === 'userHome') return ctx.userHome;
      if (variable === 'pathSeparator' || variable === '/') return ctx.pathSeparator ?? '/';
      if (variable.startsWith('env:')) return ctx.env[variable.slice(4)] ?? '';
      if (variable.startsWith('input:')) {
        const id = variable.slice(6);
        const value = ctx.inputs[id];
        if (value === undefined) {
          const message = `No value was given for \${input:${id}}.`;
          if (!problems.includes(message)) problems.push(message);
          return whole;
        }
        return value;
      }
      return whole;
    });
  const usesPasswordInput = (text: string) =>
    [...text.matchAll(VARIABLE)].some((m) => m[1].startsWith('input:') && passwordInputs.has(m[1].slice(6)));

  const d = server.definition;
  const id = vscodeMcpConnectionId(file.source, server.name);
  let config: ConnectionConfig;
  if (server.kind === 'stdio') {
    const stdio: StdioConnectionConfig = {
      id,
      name: server.name,
      transport: 'stdio',
      command: substitute(String(d.command), 'command'),
      args: ((d.args as string[] | undefined) ?? []).map((a, i) => substitute(a, `args[${i}]`)),
    };
    const env: Record<string, string> = {};
    if (typeof d.envFile === 'string') {
      const path = substitute(d.envFile, 'envFile');
      const full = folder ? ctx.resolvePath(folder, path) : path;
      try {
        const parsed = parseDotenv(ctx.readFile(full));
        Object.assign(env, parsed.values);
        for (const p of parsed.problems) problems.push(`envFile ${full}: ${p}`);
      } catch (e) {
        problems.push(`envFile ${full} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    // "env" wins over the envFile. A null value means "unset" in VS Code; a connection config can only
    // set variables over the parent environment, so the nearest we can do is an empty value.
    for (const [name, value] of Object.entries((d.env as Record<string, unknown> | undefined) ?? {})) {
      env[name] = value === null ? '' : substitute(String(value), `env.${name}`);
    }
    if (Object.keys(env).length) stdio.env = env;
    if (typeof d.cwd === 'string') {
      const cwd = substitute(d.cwd, 'cwd');
      stdio.cwd = folder ? ctx.resolvePath(folder, cwd) : cwd;
    } else if (folder && file.source.scope === 'workspace') stdio.cwd = folder;
    // VS Code's development mode: `dev.watch` restarts the server on change, as our `watch` does
    // (both relative to the server's folder). `dev.debug` is not needed: Debug Server finds the runtime.
    const watch = (d.dev as { watch?: string | string[] } | undefined)?.watch;
    if (watch !== undefined) {
      const globs = (typeof watch === 'string' ? [watch] : watch).map((g, i) => substitute(g, `dev.watch[${i}]`));
      const problem = validateWatchGlobs(globs);
      if (problem) problems.push(`dev.watch: ${problem}`);
      else if (globs.length) stdio.watch = globs;
    }
    config = stdio;
  } else {
    const http: HttpConnectionConfig = {
      id,
      name: server.name,
      transport: server.kind === 'sse' ? 'sse' : 'auto',
      url: substitute(String(d.url), 'url'),
    };
    const headers: Record<string, string> = {};
    const secretHeaders: string[] = [];
    for (const [name, raw] of Object.entries((d.headers as Record<string, string> | undefined) ?? {})) {
      const value = substitute(raw, `headers.${name}`);
      if (usesPasswordInput(raw) || looksSecretName(name)) {
        secretHeaders.push(name);
        secretHeaderValues[name] = value;
      } else headers[name] = value;
    }
    if (Object.keys(headers).length) http.headers = headers;
    if (secretHeaders.length) http.secretHeaders = secretHeaders;
    // A client registered for this server beforehand: no dynamic registration.
    const clientId = (d.oauth as { clientId?: string } | undefined)?.clientId;
    if (clientId) http.oauthClientId = substitute(clientId, 'oauth.clientId');
    config = http;
  }
  return problems.length ? { secretHeaderValues: {}, problems } : { config, secretHeaderValues, problems };
}

function basename(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
