/**
 * Connection configurations: what a user saves, independent of where it is saved.
 * Secrets are never part of a config: header values the user marks secret live in the
 * secret store and are referenced here only by header name (`secretHeaders`).
 */

import { PROTOCOL_CHOICES, type ProtocolChoice } from '../shared/protocol';
import { validateWatchGlobs } from './devLoop';

export type { ProtocolChoice, ProtocolEra } from '../shared/protocol';
export type HttpTransportKind = 'streamable-http' | 'sse' | 'auto';
export type TransportKind = HttpTransportKind | 'stdio';

interface ConfigBase {
  /** Stable identifier, used as the key for secrets, traces and tree items. */
  id: string;
  /** Display name, unique among the saved connections. */
  name: string;
  /** The protocol era: negotiated when absent or `auto`, else pinned (`2025`: initialize only; `2026-07-28`: server/discover only). */
  protocol?: ProtocolChoice;
}

export interface StdioConnectionConfig extends ConfigBase {
  transport: 'stdio';
  command: string;
  args: string[];
  /** Merged over the parent environment when the process is spawned. */
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Dev loop: glob patterns, relative to `cwd` (else the first workspace folder), whose changes
   * restart the server. Absent or empty: no watching.
   */
  watch?: string[];
}

export interface HttpConnectionConfig extends ConfigBase {
  /** `auto` tries Streamable HTTP first and falls back to SSE (spec: backwards compatibility). */
  transport: HttpTransportKind;
  url: string;
  /** Plain (non-secret) headers sent with every request. */
  headers?: Record<string, string>;
  /** Names of headers whose values are kept in the secret store, e.g. `Authorization`. */
  secretHeaders?: string[];
  /** Pre-registered OAuth client. The secret itself lives in the secret store. */
  oauthClientId?: string;
}

export type ConnectionConfig = StdioConnectionConfig | HttpConnectionConfig;

export function isHttpConfig(config: ConnectionConfig): config is HttpConnectionConfig {
  return config.transport !== 'stdio';
}

export const TRANSPORT_LABELS: Record<TransportKind, string> = {
  'streamable-http': 'Streamable HTTP',
  sse: 'SSE',
  auto: 'HTTP (auto-detect)',
  stdio: 'stdio',
};

/**
 * Validates an MCP server URL. Returns a message that says what is wrong, or undefined.
 * Only http(s) is accepted: MCP's HTTP transports are defined for nothing else.
 */
export function validateServerUrl(input: string): string | undefined {
  const text = input.trim();
  if (!text) return 'Enter the server URL, for example http://127.0.0.1:3001/mcp.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${truncate(text, 80)}" is not a valid URL. Include the scheme, for example http://127.0.0.1:3001/mcp.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `The URL must start with http:// or https:// (got "${url.protocol}").`;
  }
  if (!url.hostname) return 'The URL has no host name.';
  if (url.username || url.password) {
    return 'Do not put credentials in the URL; add an Authorization header instead, which is kept in secret storage.';
  }
  return undefined;
}

/**
 * Splits a command line into words the way a POSIX shell would for the common cases:
 * whitespace separates words, single quotes are literal, double quotes allow `\"`, `\\`, `\$`
 * and `` \` `` escapes, and a backslash outside quotes escapes the next character.
 * No expansion (variables, globs) happens: the words are passed to the process as they are.
 */
export function parseCommandLine(input: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const s = input;
  while (i < s.length) {
    const ch = s[i];
    if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError('Unterminated single quote.');
      current += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i];
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1])) {
          current += s[i + 1];
          i += 2;
          continue;
        }
        current += c;
        i++;
      }
      if (!closed) throw new CommandLineError('Unterminated double quote.');
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= s.length) throw new CommandLineError('The command line ends with a lone backslash.');
      current += s[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      i++;
    } else {
      current += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(current);
  return words;
}

export class CommandLineError extends Error {}

/** Quotes words so that `parseCommandLine(formatCommandLine(words))` gives them back. */
export function formatCommandLine(words: string[]): string {
  return words.map((w) => (w !== '' && /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Validates a command line for a stdio server; returns a message or undefined. */
export function validateCommandLine(input: string): string | undefined {
  if (!input.trim()) {
    return 'Enter the command that starts the server, for example: npx -y @modelcontextprotocol/server-everything';
  }
  try {
    parseCommandLine(input);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** Parses one `Name: value` header line. */
export function parseHeaderLine(line: string): { name: string; value: string } | string {
  const idx = line.indexOf(':');
  if (idx <= 0) return `"${truncate(line, 60)}" is not a header. Use the form Name: value.`;
  const name = line.slice(0, idx).trim();
  const value = line.slice(idx + 1).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `"${truncate(name, 60)}" is not a valid header name.`;
  if (/[\r\n]/.test(value)) return 'A header value cannot contain a line break.';
  return { name, value };
}

/** Parses one `NAME=value` environment assignment. */
export function parseEnvAssignment(text: string): { name: string; value: string } | string {
  const idx = text.indexOf('=');
  if (idx <= 0) return `"${truncate(text, 60)}" is not an assignment. Use the form NAME=value.`;
  const name = text.slice(0, idx).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${truncate(name, 60)}" is not a valid variable name.`;
  return { name, value: text.slice(idx + 1) };
}

/** A readable default name for a new connection. */
export function defaultConnectionName(target: {
  transport: TransportKind;
  url?: string;
  command?: string;
  args?: string[];
}): string {
  if (target.transport === 'stdio') {
    const words = [target.command ?? '', ...(target.args ?? [])];
    // A package path names the server best: `…/node_modules/@scope/server-foo/dist/index.js` → `server-foo`.
    for (const word of words) {
      const m = /node_modules[\\/](?:@[^\\/]+[\\/])?([^\\/]+)/.exec(word);
      if (m) return m[1];
    }
    // `npx -y @scope/server-foo` → `server-foo`; `node build/server.js` → `server`; a generic
    // entry file (`index.js`, `main.py`) is named after its project folder instead.
    const meaningful = words.filter(
      (w) =>
        w &&
        !w.startsWith('-') &&
        !['npx', 'node', 'uvx', 'uv', 'python', 'python3', 'deno', 'bun', 'run', 'tsx'].includes(w),
    );
    const pick = meaningful[0] ?? words[0] ?? 'stdio server';
    const parts = pick.split(/[\\/]/).filter(Boolean);
    let base = (parts.pop() ?? pick).replace(/\.(m?js|cjs|ts|py)$/, '');
    if (['index', 'main', 'server', 'cli', 'app'].includes(base)) {
      const project = parts.filter((p) => !['dist', 'build', 'out', 'lib', 'src', 'bin'].includes(p)).pop();
      if (project) base = project;
    }
    return base || 'stdio server';
  }
  try {
    const url = new URL(target.url ?? '');
    return url.host;
  } catch {
    return 'MCP server';
  }
}

/** Checks a whole config; returns every problem found (empty when valid). */
export function validateConfig(config: ConnectionConfig, others: ConnectionConfig[] = []): string[] {
  const problems: string[] = [];
  if (!config.id) problems.push('The connection has no id.');
  if (!config.name.trim()) problems.push('The connection needs a name.');
  else if (others.some((o) => o.id !== config.id && o.name.trim().toLowerCase() === config.name.trim().toLowerCase())) {
    problems.push(`A connection named "${config.name}" already exists. Choose another name.`);
  }
  if (config.transport === 'stdio') {
    if (!config.command.trim()) problems.push('The stdio command is empty.');
    if (config.watch !== undefined) {
      const watchProblem = validateWatchGlobs(config.watch);
      if (watchProblem) problems.push(watchProblem);
    }
  } else {
    const urlProblem = validateServerUrl(config.url);
    if (urlProblem) problems.push(urlProblem);
  }
  if (config.protocol !== undefined && !PROTOCOL_CHOICES.includes(config.protocol)) {
    problems.push(
      `Unknown protocol "${String(config.protocol)}": use ${PROTOCOL_CHOICES.map((c) => `"${c}"`).join(', ')}.`,
    );
  } else if (config.protocol === '2026-07-28' && config.transport === 'sse') {
    // The HTTP+SSE transport was retired before 2026-07-28: no server speaks the modern era over it.
    problems.push(
      'MCP 2026-07-28 is not spoken over SSE: choose Streamable HTTP (or auto), or pin the protocol to 2025.',
    );
  }
  return problems;
}

export function newConnectionId(): string {
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
