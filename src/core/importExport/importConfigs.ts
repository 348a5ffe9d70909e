/**
 * Reads MCP server configs written for other clients and turns them into our ConnectionConfig:
 * - the `mcpServers` JSON shared by Claude Desktop, Cursor, Windsurf and Cline;
 * - Claude Code's `.mcp.json` (entries with `type`) and `~/.claude.json` (top level and per project);
 * - an MCP registry `server.json` (packages run with npx / uvx / docker, or remotes over HTTP).
 * The input is untrusted text (a file or the clipboard): every field is checked, nothing is
 * evaluated, and secrets (credential headers) are returned apart so the caller stores them in
 * secret storage. Environment variables that look secret are not imported at all: a stdio config
 * keeps its environment in plain state, so the user is told to set them in the parent environment.
 */
import {
  type ConnectionConfig,
  type HttpConnectionConfig,
  type HttpTransportKind,
  type StdioConnectionConfig,
  newConnectionId,
  validateConfig,
} from '../config';

export type ImportFormat = 'mcpServers' | 'claude-code' | 'server.json';

export const IMPORT_FORMAT_LABELS: Readonly<Record<ImportFormat, string>> = {
  mcpServers: 'mcpServers JSON (Claude Desktop, Cursor, Windsurf, Cline)',
  'claude-code': 'Claude Code (.mcp.json / ~/.claude.json)',
  'server.json': 'MCP registry server.json',
};

export interface ImportedConnection {
  config: ConnectionConfig;
  /** Values of the headers listed in `config.secretHeaders`: for secret storage, never for settings. */
  secretValues: Record<string, string>;
  /** Where the entry came from, e.g. `mcpServers.github` or `projects["/repo"].mcpServers.db`. */
  source: string;
  /** What the user should know about this entry (also in `ImportResult.warnings`, prefixed with the name). */
  notes: string[];
}

export interface SkippedEntry {
  name: string;
  reason: string;
}

export interface ImportResult {
  format: ImportFormat;
  connections: ImportedConnection[];
  /** Things the user should know about imported entries (dropped secrets, ignored fields). */
  warnings: string[];
  /** Entries that could not be imported, each with the reason. */
  skipped: SkippedEntry[];
}

export class ImportError extends Error {}

/** Names of headers or environment variables whose values are credentials. */
export function isSecretName(name: string): boolean {
  return (
    /^(authorization|proxy-authorization|cookie)$/i.test(name) ||
    /(token|secret|api[-_]?key|(^|[-_])key($|[-_])|password|passwd|credential|session)/i.test(name)
  );
}

const MAX_NAME = 80;

/** A display name from untrusted text: no control characters, trimmed, bounded. */
export function cleanName(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > MAX_NAME ? `${flat.slice(0, MAX_NAME - 1)}…` : flat;
}

/** `name`, or `name (2)`, `name (3)`… — the first one no taken name equals (case-insensitively). */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((n) => n.trim().toLowerCase()));
  if (!used.has(name.trim().toLowerCase())) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name} (${i})`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the text and recognises its format; throws ImportError saying what is wrong. */
export function importConfigText(text: string, options: { newId?: () => string } = {}): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(stripJsonComments(text));
  } catch (e) {
    throw new ImportError(
      `The text is not valid JSON (${(e as Error).message}). Copy the whole config file, including the outer braces.`,
    );
  }
  return importConfig(data, options);
}

export function detectFormat(data: unknown): ImportFormat | undefined {
  if (!isObject(data)) return undefined;
  if (typeof data.name === 'string' && (Array.isArray(data.packages) || Array.isArray(data.remotes))) {
    return 'server.json';
  }
  if (isObject(data.projects)) return 'claude-code';
  if (isObject(data.mcpServers)) {
    const typed = Object.values(data.mcpServers).some(
      (s) => isObject(s) && (s.type === 'stdio' || s.type === 'http') && !('transportType' in s),
    );
    return typed ? 'claude-code' : 'mcpServers';
  }
  return undefined;
}

export function importConfig(data: unknown, options: { newId?: () => string } = {}): ImportResult {
  const format = detectFormat(data);
  if (!format || !isObject(data)) {
    throw new ImportError(
      'This is not a config MCP Lens can import: expected an object with "mcpServers" (Claude Desktop, Claude Code, ' +
        'Cursor, Windsurf, Cline), "projects" (~/.claude.json) or a registry server.json with "name" and "packages"/"remotes".',
    );
  }
  const result: ImportResult = { format, connections: [], warnings: [], skipped: [] };
  const newId = options.newId ?? newConnectionId;
  if (format === 'server.json') {
    importServerJson(data, result, newId);
  } else {
    if (isObject(data.mcpServers)) importServers(data.mcpServers, 'mcpServers', result, newId);
    if (isObject(data.projects)) {
      for (const [path, project] of Object.entries(data.projects)) {
        if (isObject(project) && isObject(project.mcpServers)) {
          importServers(project.mcpServers, `projects[${JSON.stringify(path)}].mcpServers`, result, newId);
        }
      }
    }
  }
  // Names must be unique among the imported ones too (~/.claude.json repeats names across projects).
  const names: string[] = [];
  for (const c of result.connections) {
    const unique = uniqueName(c.config.name, names);
    if (unique !== c.config.name) {
      c.notes.push(`renamed from "${c.config.name}", a name used earlier in the same config.`);
    }
    c.config.name = unique;
    names.push(unique);
  }
  result.warnings = result.connections.flatMap((c) => c.notes.map((n) => `${c.config.name}: ${n}`));
  return result;
}

function importServers(servers: Json, where: string, result: ImportResult, newId: () => string): void {
  for (const [rawName, entry] of Object.entries(servers)) {
    const name = cleanName(rawName) || 'MCP server';
    const source = `${where}.${rawName}`;
    if (!isObject(entry)) {
      result.skipped.push({ name, reason: 'The entry is not an object.' });
      continue;
    }
    // Warnings are kept only for entries that are imported: a skipped entry has its reason instead.
    const pending: string[] = [];
    const warn = (text: string): void => void pending.push(text);
    if (entry.disabled === true) warn('it is disabled in the source config; imported anyway.');
    for (const ignored of ['autoApprove', 'alwaysAllow']) {
      if (ignored in entry) warn(`"${ignored}" is ignored (MCP Lens asks before every tool call).`);
    }
    if ('timeout' in entry) warn('"timeout" is ignored (MCP Lens uses its mcpLens.requestTimeoutSeconds setting).');
    const before = result.connections.length;
    importEntry(entry, name, source, result, newId, warn);
    if (result.connections.length > before) result.connections[before].notes.push(...pending);
  }
}

function importEntry(
  entry: Json,
  name: string,
  source: string,
  result: ImportResult,
  newId: () => string,
  warn: (text: string) => void,
): void {
  const url =
    typeof entry.url === 'string' ? entry.url : typeof entry.serverUrl === 'string' ? entry.serverUrl : undefined;
  const type =
    typeof entry.type === 'string'
      ? entry.type
      : typeof entry.transportType === 'string'
        ? entry.transportType
        : undefined;
  if (type !== undefined && type !== 'stdio' && !Object.hasOwn(REMOTE_TYPES, type)) {
    result.skipped.push({
      name,
      reason: `Unknown transport type "${cleanName(type)}": expected stdio, sse or http.`,
    });
    return;
  }
  if (type === 'stdio' || (type === undefined && entry.command !== undefined)) {
    const stdio = stdioConfig(entry, name, newId(), warn);
    if (typeof stdio === 'string') result.skipped.push({ name, reason: stdio });
    else result.connections.push({ config: stdio, secretValues: {}, source, notes: [] });
    return;
  }
  if (url === undefined) {
    result.skipped.push({ name, reason: 'The entry has neither a "command" (stdio) nor a "url" (HTTP).' });
    return;
  }
  const transport: HttpTransportKind = type ? REMOTE_TYPES[type] : 'auto';
  pushHttp(result, name, source, newId(), transport, url, headerPairs(entry.headers), warn);
}

const REMOTE_TYPES: Record<string, HttpTransportKind> = {
  sse: 'sse',
  http: 'streamable-http',
  'streamable-http': 'streamable-http',
  streamableHttp: 'streamable-http',
};

function stdioConfig(
  entry: Json,
  name: string,
  id: string,
  warn: (text: string) => void,
): StdioConnectionConfig | string {
  if (typeof entry.command !== 'string' || !entry.command.trim()) return 'The "command" is missing or empty.';
  if (entry.args !== undefined && !(Array.isArray(entry.args) && entry.args.every((a) => typeof a === 'string'))) {
    return '"args" must be a list of strings.';
  }
  const config: StdioConnectionConfig = {
    id,
    name,
    transport: 'stdio',
    command: entry.command,
    args: [...((entry.args as string[] | undefined) ?? [])],
  };
  const env = envFrom(entry.env, warn);
  if (env) config.env = env;
  if (typeof entry.cwd === 'string' && entry.cwd) config.cwd = entry.cwd;
  if ([config.command, ...config.args].some((w) => /\$\{[^}]*\}/.test(w))) {
    warn('its command line has ${…} placeholders, which MCP Lens passes through literally; edit them after import.');
  }
  return config;
}

function envFrom(value: unknown, warn: (text: string) => void): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const kept: Array<[string, string]> = [];
  for (const [key, v] of Object.entries(value)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || key === '__proto__') {
      warn(`the environment variable name "${cleanName(key)}" is not valid and was dropped.`);
    } else if (typeof v !== 'string') {
      warn(`the environment variable ${key} is not a string and was dropped.`);
    } else if (isSecretName(key)) {
      warn(
        `the environment variable ${key} looks secret and was not imported: set it in the environment VS Code starts from ` +
          '(MCP Lens keeps stdio environments in plain state, not in secret storage).',
      );
    } else {
      kept.push([key, v]);
    }
  }
  // fromEntries defines own properties, so a hostile "__proto__" key could never reach the prototype.
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** A value that refers to a secret instead of holding one: `${input:x}`, `${env:X}`, `<set me>`. */
function isPlaceholder(value: string): boolean {
  return value === '' || /^\$\{[^}]+\}$/.test(value.trim()) || /^<[^<>]*>$/.test(value.trim());
}

function headerPairs(value: unknown): Array<[string, unknown]> {
  if (isObject(value)) return Object.entries(value);
  return [];
}

function pushHttp(
  result: ImportResult,
  name: string,
  source: string,
  id: string,
  transport: HttpTransportKind,
  url: string,
  headers: Array<[string, unknown]>,
  warn: (text: string) => void,
  secretNames: ReadonlySet<string> = new Set(),
): void {
  const config: HttpConnectionConfig = { id, name, transport, url: url.trim() };
  const plain: Array<[string, string]> = [];
  const secretValues: Array<[string, string]> = [];
  for (const [header, v] of headers) {
    if (typeof v !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header) || /[\r\n]/.test(v)) {
      warn(`the header "${cleanName(header)}" is not a valid header and was dropped.`);
      continue;
    }
    if (secretNames.has(header) || isSecretName(header)) {
      if (isPlaceholder(v) || /\{[^}]*\}/.test(v)) {
        warn(`the header ${header} has a placeholder value; set it with Edit Connection.`);
      } else {
        secretValues.push([header, v]);
      }
      config.secretHeaders = [...(config.secretHeaders ?? []), header];
    } else {
      plain.push([header, v]);
    }
  }
  if (plain.length) config.headers = Object.fromEntries(plain);
  const problems = validateConfig(config);
  if (problems.length) {
    result.skipped.push({ name, reason: problems.join(' ') });
    return;
  }
  result.connections.push({ config, secretValues: Object.fromEntries(secretValues), source, notes: [] });
}

function importServerJson(data: Json, result: ImportResult, newId: () => string): void {
  const baseName = cleanName(String(data.name)).split('/').pop() || 'MCP server';
  const packages = Array.isArray(data.packages) ? data.packages : [];
  const remotes = Array.isArray(data.remotes) ? data.remotes : [];
  packages.forEach((pkg, i) => {
    const name = packages.length + remotes.length > 1 ? `${baseName} (${describePackage(pkg)})` : baseName;
    const pending: string[] = [];
    const warn = (text: string): void => void pending.push(text);
    const config = packageConfig(pkg, name, newId(), warn);
    if (typeof config === 'string') result.skipped.push({ name, reason: config });
    else result.connections.push({ config, secretValues: {}, source: `packages[${i}]`, notes: pending });
  });
  remotes.forEach((remote, i) => {
    const name = packages.length + remotes.length > 1 ? `${baseName} (remote ${i + 1})` : baseName;
    const pending: string[] = [];
    const warn = (text: string): void => void pending.push(text);
    if (!isObject(remote) || typeof remote.url !== 'string') {
      result.skipped.push({ name, reason: 'The remote has no "url".' });
      return;
    }
    const type = typeof remote.type === 'string' ? remote.type : '';
    if (!Object.hasOwn(REMOTE_TYPES, type)) {
      result.skipped.push({
        name,
        reason: `Unknown remote type "${cleanName(type)}": expected streamable-http or sse.`,
      });
      return;
    }
    if (/\{[^}]*\}/.test(remote.url)) warn('its URL has {…} variables to fill in; edit it after import.');
    const headers: Array<[string, unknown]> = [];
    const secret = new Set<string>();
    for (const h of Array.isArray(remote.headers) ? remote.headers : []) {
      if (!isObject(h) || typeof h.name !== 'string') continue;
      headers.push([h.name, typeof h.value === 'string' ? h.value : typeof h.default === 'string' ? h.default : '']);
      if (h.isSecret === true) secret.add(h.name);
    }
    const before = result.connections.length;
    pushHttp(result, name, `remotes[${i}]`, newId(), REMOTE_TYPES[type], remote.url, headers, warn, secret);
    if (result.connections.length > before) result.connections[before].notes.push(...pending);
  });
  if (!packages.length && !remotes.length) {
    result.skipped.push({ name: baseName, reason: 'The server.json lists no packages and no remotes.' });
  }
}

function describePackage(pkg: unknown): string {
  return isObject(pkg) && typeof pkg.registryType === 'string' ? cleanName(pkg.registryType) : 'package';
}

function packageConfig(
  pkg: unknown,
  name: string,
  id: string,
  warn: (text: string) => void,
): StdioConnectionConfig | string {
  if (!isObject(pkg)) return 'The package entry is not an object.';
  const identifier = typeof pkg.identifier === 'string' ? pkg.identifier.trim() : '';
  if (!identifier || identifier.startsWith('-')) return 'The package has no valid "identifier".';
  const version = typeof pkg.version === 'string' && pkg.version.trim() ? pkg.version.trim() : undefined;
  const transport = isObject(pkg.transport) ? pkg.transport.type : 'stdio';
  if (transport !== 'stdio') {
    return `The package runs over ${cleanName(String(transport))}: start it yourself and add its URL as an HTTP connection.`;
  }
  const runtimeArgs = argumentWords(pkg.runtimeArguments, warn);
  const packageArgs = argumentWords(pkg.packageArguments, warn);
  let command: string;
  let args: string[];
  switch (pkg.registryType) {
    case 'npm':
      command = typeof pkg.runtimeHint === 'string' && pkg.runtimeHint === 'bunx' ? 'bunx' : 'npx';
      args = [...(command === 'npx' ? ['-y'] : []), ...runtimeArgs, version ? `${identifier}@${version}` : identifier];
      break;
    case 'pypi':
      command = 'uvx';
      args = [...runtimeArgs, version ? `${identifier}==${version}` : identifier];
      break;
    case 'oci':
      command = 'docker';
      args = ['run', '-i', '--rm', ...runtimeArgs];
      break;
    default:
      return `Packages from the "${cleanName(String(pkg.registryType))}" registry are not supported (npm, pypi and oci are).`;
  }
  const env: Array<[string, string]> = [];
  for (const v of Array.isArray(pkg.environmentVariables) ? pkg.environmentVariables : []) {
    if (!isObject(v) || typeof v.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name)) continue;
    const value = typeof v.value === 'string' ? v.value : typeof v.default === 'string' ? v.default : undefined;
    if (v.isSecret === true || isSecretName(v.name)) {
      warn(
        `set the secret environment variable ${v.name} in the environment VS Code starts from` +
          `${v.isRequired === true ? ' (required)' : ''}; MCP Lens does not store secret environment values.`,
      );
    } else if (value !== undefined) {
      env.push([v.name, value]);
    } else if (v.isRequired === true) {
      warn(`the required environment variable ${v.name} has no default: add it with Edit Connection.`);
    }
  }
  if (pkg.registryType === 'oci') {
    // docker does not pass the parent environment into the container: name each variable with -e.
    const tagged =
      version && !/[:@][^/]+$/.test(identifier.split('/').pop() ?? '') ? `${identifier}:${version}` : identifier;
    for (const [key] of env) args.push('-e', key);
    args.push(tagged, ...packageArgs);
  } else {
    args.push(...packageArgs);
  }
  const config: StdioConnectionConfig = { id, name, transport: 'stdio', command, args };
  if (env.length) config.env = Object.fromEntries(env);
  return config;
}

/** The words of server.json `positional`/`named` arguments; values with `{…}` variables are flagged. */
function argumentWords(value: unknown, warn: (text: string) => void): string[] {
  const words: string[] = [];
  for (const arg of Array.isArray(value) ? value : []) {
    if (!isObject(arg)) continue;
    const v = typeof arg.value === 'string' ? arg.value : typeof arg.default === 'string' ? arg.default : undefined;
    if (arg.type === 'named' && typeof arg.name === 'string') {
      words.push(v !== undefined ? `${arg.name}=${v}` : arg.name);
    } else if (v !== undefined) {
      words.push(v);
    } else if (typeof arg.valueHint === 'string') {
      warn(`the argument <${cleanName(arg.valueHint)}> has no value: add it with Edit Connection.`);
    }
    if (v !== undefined && /\{[^}]*\}/.test(v)) warn(`the argument "${cleanName(v)}" has {…} variables to fill in.`);
  }
  return words;
}

/**
 * Removes `//` and `/* *\/` comments outside strings: Cursor, Windsurf and VS Code accept JSONC,
 * and users paste such files as they are.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}
