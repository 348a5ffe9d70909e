/**
 * Reads the `mcpLens.connections` setting: pre-configured connections that show in the tree
 * read-only. Settings files are plain text that users share and commit, so nothing secret may
 * come from them: header values that look like credentials are dropped with a warning.
 * No `vscode` import, so the parsing is unit-tested in plain Node.
 */
import { type ConnectionConfig, type HttpTransportKind, type ProtocolChoice, validateConfig } from '../core/config';

/** Header names whose values are credentials (RFC 9110 §11.6.2, §11.7.2; RFC 6265 cookies; API-key conventions). */
export function isSensitiveHeaderName(name: string): boolean {
  return (
    /^(authorization|proxy-authorization|cookie)$/i.test(name) ||
    /(token|secret|api[-_]?key|password|passwd|session)/i.test(name)
  );
}

export interface SettingsParseResult {
  configs: ConnectionConfig[];
  /** One line per entry (or header) that was skipped, saying why. */
  warnings: string[];
}

const HTTP_TRANSPORTS: readonly string[] = ['streamable-http', 'sse', 'auto'];

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

function slug(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'connection'
  );
}

/**
 * Turns the raw setting value into configs. `others` are the saved connections: a settings
 * entry whose name clashes with one of them (or with an earlier entry) is skipped.
 */
export function parseSettingsConnections(raw: unknown, others: readonly ConnectionConfig[] = []): SettingsParseResult {
  const configs: ConnectionConfig[] = [];
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { configs, warnings };
  if (!Array.isArray(raw)) {
    return { configs, warnings: ['The mcpLens.connections setting must be an array; it was ignored.'] };
  }
  raw.forEach((entry: unknown, index) => {
    const where = `mcpLens.connections[${index}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      warnings.push(`${where} is not an object; it was ignored.`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name.trim() : '';
    if (!name) {
      warnings.push(`${where} has no name; it was ignored.`);
      return;
    }
    const id = typeof e.id === 'string' && e.id.trim() ? `settings:${e.id.trim()}` : `settings:${slug(name)}`;
    let config: ConnectionConfig;
    if (e.transport === 'stdio') {
      const args = Array.isArray(e.args) ? e.args.filter((a): a is string => typeof a === 'string') : [];
      config = { id, name, transport: 'stdio', command: typeof e.command === 'string' ? e.command : '', args };
      const env = stringRecord(e.env);
      if (env && Object.keys(env).length) config.env = env;
      if (typeof e.cwd === 'string' && e.cwd) config.cwd = e.cwd;
      // Passed on as written (when present) so that validateConfig names what is wrong with it.
      if (e.watch !== undefined && e.watch !== null) config.watch = e.watch as string[];
    } else if (typeof e.transport === 'string' && HTTP_TRANSPORTS.includes(e.transport)) {
      config = { id, name, transport: e.transport as HttpTransportKind, url: typeof e.url === 'string' ? e.url : '' };
      const headers = stringRecord(e.headers);
      if (headers) {
        const kept: Record<string, string> = {};
        for (const [header, value] of Object.entries(headers)) {
          if (isSensitiveHeaderName(header)) {
            warnings.push(
              `${where} ("${name}"): the ${header} header was ignored; secrets do not belong in settings. Add the connection with "MCP Lens: Add MCP Connection" to keep it in secret storage.`,
            );
          } else {
            kept[header] = value;
          }
        }
        if (Object.keys(kept).length) config.headers = kept;
      }
    } else {
      warnings.push(
        `${where} ("${name}") has transport ${JSON.stringify(e.transport)}; use streamable-http, sse, auto or stdio. It was ignored.`,
      );
      return;
    }
    // Any value is passed on as written so that validateConfig refuses a bad one with its own message
    // (the same words the CLI and the wizard use); `auto` and absent mean the same and stay as written.
    if (e.protocol !== undefined && e.protocol !== null) config.protocol = e.protocol as ProtocolChoice;
    const problems = validateConfig(config, [...others, ...configs]);
    if (configs.some((c) => c.id === config.id) || others.some((c) => c.id === config.id)) {
      problems.push(`the id "${config.id}" is already used`);
    }
    if (problems.length) {
      warnings.push(`${where} ("${name}") was ignored: ${problems.join(' ')}`);
      return;
    }
    configs.push(config);
  });
  return { configs, warnings };
}
