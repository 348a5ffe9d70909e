/**
 * Writes a connection as the JSON snippet another client reads. Secret values never appear:
 * secret headers, and environment variables whose names look secret, get a placeholder the user
 * fills in where the snippet is pasted.
 */
import { type ConnectionConfig, type HttpConnectionConfig, type StdioConnectionConfig, isHttpConfig } from '../config';
import { isSecretName } from './importConfigs';

export type ExportFormat = 'claude-desktop' | 'claude-code' | 'cursor' | 'windsurf' | 'cline' | 'server.json';

export const EXPORT_FORMATS: ReadonlyArray<{ format: ExportFormat; label: string; detail: string }> = [
  {
    format: 'claude-desktop',
    label: 'Claude Desktop',
    detail: 'claude_desktop_config.json (remote servers through mcp-remote)',
  },
  { format: 'claude-code', label: 'Claude Code', detail: '.mcp.json in a project' },
  { format: 'cursor', label: 'Cursor', detail: '.cursor/mcp.json or ~/.cursor/mcp.json' },
  { format: 'windsurf', label: 'Windsurf', detail: '~/.codeium/windsurf/mcp_config.json' },
  { format: 'cline', label: 'Cline', detail: 'cline_mcp_settings.json' },
  {
    format: 'server.json',
    label: 'MCP registry server.json',
    detail: 'for npx / uvx / docker commands and HTTP servers',
  },
];

/** What replaces a secret value in exported text. */
export const SECRET_PLACEHOLDER = '<set me>';

export class ExportError extends Error {}

type Json = Record<string, unknown>;

export function exportConnection(config: ConnectionConfig, format: ExportFormat): string {
  const body = format === 'server.json' ? serverJson(config) : { mcpServers: { [config.name]: entry(config, format) } };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function entry(config: ConnectionConfig, format: Exclude<ExportFormat, 'server.json'>): Json {
  if (!isHttpConfig(config)) return stdioEntry(config, format);
  const headers = exportedHeaders(config);
  switch (format) {
    case 'claude-desktop': {
      // Claude Desktop's config starts local processes only; mcp-remote bridges them to an HTTP server.
      const args = ['-y', 'mcp-remote', config.url];
      for (const [name, value] of Object.entries(headers)) args.push('--header', `${name}:${value}`);
      if (config.transport === 'sse') args.push('--transport', 'sse-only');
      return { command: 'npx', args };
    }
    case 'claude-code':
      return withHeaders({ type: config.transport === 'sse' ? 'sse' : 'http', url: config.url }, headers);
    case 'windsurf':
      return withHeaders({ serverUrl: config.url }, headers);
    case 'cline':
      return withHeaders(
        { type: config.transport === 'sse' ? 'sse' : 'streamableHttp', url: config.url, disabled: false },
        headers,
      );
    case 'cursor':
      return withHeaders({ url: config.url }, headers);
  }
}

function stdioEntry(config: StdioConnectionConfig, format: ExportFormat): Json {
  const out: Json = format === 'claude-code' ? { type: 'stdio' } : {};
  out.command = config.command;
  out.args = [...config.args];
  const env = exportedEnv(config);
  if (Object.keys(env).length) out.env = env;
  if (config.cwd) out.cwd = config.cwd;
  if (format === 'cline') out.disabled = false;
  return out;
}

function withHeaders(out: Json, headers: Record<string, string>): Json {
  if (Object.keys(headers).length) out.headers = headers;
  return out;
}

function exportedHeaders(config: HttpConnectionConfig): Record<string, string> {
  const secret = new Set((config.secretHeaders ?? []).map((n) => n.toLowerCase()));
  const pairs: Array<[string, string]> = Object.entries(config.headers ?? {})
    .filter(([n]) => !secret.has(n.toLowerCase()))
    .map(([n, v]) => [n, isSecretName(n) ? SECRET_PLACEHOLDER : v]);
  for (const name of config.secretHeaders ?? []) pairs.push([name, SECRET_PLACEHOLDER]);
  return Object.fromEntries(pairs);
}

function exportedEnv(config: StdioConnectionConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.env ?? {}).map(([n, v]) => [n, isSecretName(n) ? SECRET_PLACEHOLDER : v]),
  );
}

/** A server.json can describe a package run by npx / uvx / docker, or a remote; not an arbitrary command. */
function serverJson(config: ConnectionConfig): Json {
  const base: Json = {
    $schema: 'https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json',
    name: `io.example/${config.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-') || 'server'}`,
    description: `${config.name} (exported from MCP Lens)`,
    version: '0.0.0',
  };
  if (isHttpConfig(config)) {
    const remote: Json = { type: config.transport === 'sse' ? 'sse' : 'streamable-http', url: config.url };
    const secret = new Set((config.secretHeaders ?? []).map((n) => n.toLowerCase()));
    const headers = Object.entries(exportedHeaders(config)).map(([name, value]) => {
      const isSecret = secret.has(name.toLowerCase()) || isSecretName(name);
      return isSecret ? { name, isSecret: true, isRequired: true } : { name, value };
    });
    if (headers.length) remote.headers = headers;
    return { ...base, remotes: [remote] };
  }
  const pkg = packageOf(config);
  if (!pkg) {
    throw new ExportError(
      `"${config.name}" runs "${config.command}", which a server.json cannot describe: it lists npm, PyPI or OCI packages ` +
        '(started with npx, uvx or docker run) and HTTP remotes. Export it in another format.',
    );
  }
  const env = Object.entries(config.env ?? {}).map(([name, value]) =>
    isSecretName(name) ? { name, isSecret: true, isRequired: true } : { name, default: value },
  );
  if (env.length) pkg.environmentVariables = env;
  return { ...base, packages: [pkg] };
}

function packageOf(config: StdioConnectionConfig): Json | undefined {
  const args = [...config.args];
  const positional = (words: string[]): Json[] => words.map((value) => ({ type: 'positional', value }));
  const transport = { type: 'stdio' };
  if (config.command === 'npx') {
    while (args[0] === '-y' || args[0] === '--yes') args.shift();
    const spec = args.shift();
    const m = spec && /^(@?[^@\s]+)(?:@(.+))?$/.exec(spec);
    if (!m || spec.startsWith('-')) return undefined;
    return withArgs(
      { registryType: 'npm', identifier: m[1], version: m[2], runtimeHint: 'npx', transport },
      positional(args),
    );
  }
  if (config.command === 'uvx') {
    const spec = args.shift();
    const m = spec && /^([^=\s]+)(?:==(.+))?$/.exec(spec);
    if (!m || spec.startsWith('-')) return undefined;
    return withArgs(
      { registryType: 'pypi', identifier: m[1], version: m[2], runtimeHint: 'uvx', transport },
      positional(args),
    );
  }
  if (config.command === 'docker' && args[0] === 'run') {
    // docker run [-i] [--rm] [-e NAME]… image [args…]: the image is the first word that is not an option.
    let i = 1;
    while (i < args.length && args[i].startsWith('-')) i += args[i] === '-e' ? 2 : 1;
    const image = args[i];
    if (!image) return undefined;
    const m = /^(.+?)(?::([^:/]+))?$/.exec(image);
    return withArgs(
      { registryType: 'oci', identifier: m?.[1] ?? image, version: m?.[2], runtimeHint: 'docker', transport },
      positional(args.slice(i + 1)),
    );
  }
  return undefined;
}

function withArgs(pkg: Json, args: Json[]): Json {
  if (pkg.version === undefined) delete pkg.version;
  if (args.length) pkg.packageArguments = args;
  return pkg;
}
