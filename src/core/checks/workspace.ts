/**
 * Checks files in a workspace: where they are (`.vscode/mcp-lens/*.json` in each folder), how a saved
 * MCP Lens connection is written into one (no secrets), which saved connection a file's `connection`
 * is, and how a new check is added to a file. Shared by the extension's Run Saved Checks command and
 * the inspector's Checks tab; node `fs` only, no `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConnectionConfig } from '../config';
import { CHECKS_FILE_VERSION, type CheckSpec, type ChecksConnection, ChecksFileError, parseChecksFile } from './format';

/** The folder, relative to a workspace folder, that holds checks files. */
export const CHECKS_DIR = path.join('.vscode', 'mcp-lens');

/** Every `*.json` in `<folder>/.vscode/mcp-lens/` of each folder, sorted by path; missing folders are skipped. */
export function findChecksFiles(workspaceFolders: readonly string[]): string[] {
  const found: string[] = [];
  for (const folder of workspaceFolders) {
    const dir = path.join(folder, CHECKS_DIR);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // no checks in this folder
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith('.json')) found.push(path.join(dir, entry.name));
    }
  }
  return found.sort();
}

/**
 * A saved connection as a checks file writes it: the target and its plain settings. Secret header
 * values and stdio environment values are written as `${env:NAME}` references, so no secret lands
 * in a file reviewed in git; CI sets those variables (docs/checks.md).
 */
export function checksConnectionFor(config: ConnectionConfig): ChecksConnection {
  const protocol = config.protocol && config.protocol !== 'auto' ? { protocol: config.protocol } : {};
  if (config.transport === 'stdio') {
    const env = config.env && Object.keys(config.env).length ? config.env : undefined;
    return {
      name: config.name,
      command: config.command,
      ...(config.args.length ? { args: [...config.args] } : {}),
      ...(env ? { env: Object.fromEntries(Object.keys(env).map((name) => [name, `\${env:${name}}`])) } : {}),
      ...(config.cwd ? { cwd: config.cwd } : {}),
      ...protocol,
    };
  }
  const headers: Record<string, string> = { ...(config.headers ?? {}) };
  for (const name of config.secretHeaders ?? []) headers[name] = `\${env:${envNameForHeader(name)}}`;
  return {
    name: config.name,
    url: config.url,
    ...(config.transport !== 'auto' ? { transport: config.transport === 'sse' ? 'sse' : 'http' } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    ...protocol,
  };
}

/** `X-Api-Key` → `X_API_KEY`: the variable a secret header's value is taken from. */
export function envNameForHeader(header: string): string {
  const name = header.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z_]/.test(name) ? name : `_${name}`;
}

/**
 * The saved connection a file's `connection` stands for: the same server (URL, or command and
 * arguments) and, when the file names one, the same name. Running the file in the editor then uses
 * that live connection and its sign-in instead of starting another. Undefined when none is.
 */
export function matchSavedConnection<C extends ConnectionConfig>(
  connection: ChecksConnection,
  saved: readonly C[],
): C | undefined {
  const sameTarget = saved.filter((config) =>
    'url' in connection
      ? config.transport !== 'stdio' && normalUrl(config.url) === normalUrl(connection.url)
      : config.transport === 'stdio' &&
        config.command === connection.command &&
        JSON.stringify(config.args) === JSON.stringify(connection.args ?? []),
  );
  if (connection.name === undefined) return sameTarget.length === 1 ? sameTarget[0] : undefined;
  const wanted = connection.name.trim().toLowerCase();
  return sameTarget.find((config) => config.name.trim().toLowerCase() === wanted);
}

function normalUrl(url: string): string {
  try {
    return new URL(url.trim()).href;
  } catch {
    return url.trim();
  }
}

/** `<folder>/.vscode/mcp-lens/<connection name>.json`, the name made safe as a file name. */
export function defaultChecksFile(workspaceFolder: string, connectionName: string): string {
  const base =
    connectionName
      .trim()
      // eslint-disable-next-line no-control-regex -- control characters cannot be in a file name
      .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
      .replace(/^\.+/, '')
      .slice(0, 80) || 'checks';
  return path.join(workspaceFolder, CHECKS_DIR, `${base}.json`);
}

/**
 * The text of a checks file with `check` added at the end: a new file for `connection` when
 * `existingText` is undefined. The existing file must be valid (it is parsed, not guessed at) and
 * the name must be new. The result is validated again before it is returned. Throws ChecksFileError.
 */
export function addCheckToFile(
  existingText: string | undefined,
  source: string,
  connection: ChecksConnection,
  check: CheckSpec,
): string {
  let document: Record<string, unknown>;
  if (existingText === undefined || !existingText.trim()) {
    document = { version: CHECKS_FILE_VERSION, connection, checks: [] };
  } else {
    const parsed = parseChecksFile(existingText, source);
    if (parsed.checks.some((c) => c.name === check.name)) {
      throw new ChecksFileError(`${source}: a check named "${check.name}" already exists; choose another name.`);
    }
    // Keep what the user wrote (field order, $schema, descriptions): only the list grows.
    document = JSON.parse(existingText) as Record<string, unknown>;
  }
  document.checks = [...(document.checks as unknown[]), check];
  const text = `${JSON.stringify(document, null, 2)}\n`;
  parseChecksFile(text, source);
  return text;
}

/** Writes `check` into the file (creating it and its folder when missing). Returns the file's new text. */
export function saveCheck(file: string, connection: ChecksConnection, check: CheckSpec): string {
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ChecksFileError(`${file}: could not be read (${(e as Error).message}).`);
    }
  }
  const text = addCheckToFile(existing, file, connection, check);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return text;
}
