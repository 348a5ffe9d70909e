/**
 * "Add to VS Code": a connection of MCP Lens written into an mcp.json as VS Code expects it, keeping the
 * file's comments, order and indentation (jsonc-parser computes minimal edits). Secrets never go into the
 * file: each secret header (and each environment variable whose name says credential) becomes a
 * `${input:…}` reference to a new `promptString` input with `password: true`; the caller keeps the value
 * in SecretStorage under that input, so MCP Lens does not have to ask for it again.
 */
import {
  applyEdits,
  findNodeAtLocation,
  modify,
  parse,
  parseTree,
  type FormattingOptions,
  type ParseError,
} from 'jsonc-parser';
import { isHttpConfig, type ConnectionConfig } from '../config';
import { lineColumn, looksSecretName } from './mcpJson';

export interface McpJsonPasswordInput {
  type: 'promptString';
  id: string;
  description: string;
  password: true;
}

export interface McpJsonAddition {
  /** The server's key in "servers" (the connection's name, made unique in the file). */
  name: string;
  server: Record<string, unknown>;
  inputs: McpJsonPasswordInput[];
  /** The secret of each new input, by input id: for SecretStorage, never for the file. */
  inputValues: Record<string, string>;
}

/** The names of the servers and inputs a file already has (a file that does not parse has none we can trust). */
export function existingNames(text: string): { servers: string[]; inputs: string[] } {
  const root = parse(text, [], { allowTrailingComma: true }) as unknown;
  const object = root && typeof root === 'object' && !Array.isArray(root) ? (root as Record<string, unknown>) : {};
  const servers =
    object.servers && typeof object.servers === 'object' && !Array.isArray(object.servers)
      ? Object.keys(object.servers)
      : [];
  const inputs = Array.isArray(object.inputs)
    ? object.inputs.flatMap((i: unknown) =>
        i && typeof i === 'object' && typeof (i as { id?: unknown }).id === 'string' ? [(i as { id: string }).id] : [],
      )
    : [];
  return { servers, inputs };
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'server'
  );
}

function unique(base: string, taken: readonly string[]): string {
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!lower.has(`${base}-${n}`.toLowerCase())) return `${base}-${n}`;
}

/**
 * The mcp.json entry for a connection. `secretHeaderValues` are the values of `config.secretHeaders`
 * (from SecretStorage); a secret header without a value still gets its input, and VS Code asks for it.
 */
export function toMcpJsonAddition(
  config: ConnectionConfig,
  secretHeaderValues: Record<string, string>,
  existing: { servers: readonly string[]; inputs: readonly string[] },
): McpJsonAddition {
  const name = unique(config.name.trim() || 'server', existing.servers);
  const takenInputs = [...existing.inputs];
  const inputs: McpJsonPasswordInput[] = [];
  const inputValues: Record<string, string> = {};
  const secretReference = (what: string, description: string, value: string | undefined): string => {
    const id = unique(`${slug(name)}-${slug(what)}`, takenInputs);
    takenInputs.push(id);
    inputs.push({ type: 'promptString', id, description, password: true });
    if (value !== undefined) inputValues[id] = value;
    return `\${input:${id}}`;
  };

  let server: Record<string, unknown>;
  if (isHttpConfig(config)) {
    // VS Code's "http" tries Streamable HTTP and falls back to SSE, like our auto; "sse" is the old transport only.
    server = { type: config.transport === 'sse' ? 'sse' : 'http', url: config.url };
    const headers: Record<string, string> = {};
    const secret = new Set((config.secretHeaders ?? []).map((h) => h.toLowerCase()));
    for (const [header, value] of Object.entries(config.headers ?? {})) {
      if (secret.has(header.toLowerCase())) continue;
      headers[header] = looksSecretName(header) ? secretReference(header, `${header} header of ${name}`, value) : value;
    }
    for (const header of config.secretHeaders ?? []) {
      headers[header] = secretReference(header, `${header} header of ${name}`, secretHeaderValues[header]);
    }
    if (Object.keys(headers).length) server.headers = headers;
    if (config.oauthClientId) server.oauth = { clientId: config.oauthClientId };
  } else {
    server = { type: 'stdio', command: config.command, args: config.args };
    const env: Record<string, string> = {};
    for (const [variable, value] of Object.entries(config.env ?? {})) {
      env[variable] = looksSecretName(variable) ? secretReference(variable, `${variable} for ${name}`, value) : value;
    }
    if (Object.keys(env).length) server.env = env;
    if (config.cwd) server.cwd = config.cwd;
    // VS Code's development mode takes one glob: several become one brace pattern.
    if (config.watch?.length) {
      server.dev = { watch: config.watch.length === 1 ? config.watch[0] : `{${config.watch.join(',')}}` };
    }
  }
  return { name, server, inputs, inputValues };
}

/** How a file is indented and which line ends it uses, so new text looks like the old. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /\n([ \t]+)\S/.exec(text)?.[1];
  if (indented?.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  const size = indented ? Math.min(indented.length, 8) : 2;
  return { insertSpaces: true, tabSize: size || 2, eol };
}

/**
 * The file's text with the server (and its inputs) added. Refuses a file with syntax errors, where an
 * edit could land in the wrong place: the message says where the error is.
 */
export function addToMcpJson(text: string, addition: McpJsonAddition): string {
  const errors: ParseError[] = [];
  const root: unknown = text.trim() ? parse(text, errors, { allowTrailingComma: true }) : undefined;
  if (errors.length) {
    const { line, column } = lineColumn(text, errors[0].offset);
    throw new Error(
      `The mcp.json has a syntax error at line ${line}, column ${column}; fix it, then add the server again.`,
    );
  }
  if (root !== undefined && (typeof root !== 'object' || root === null || Array.isArray(root))) {
    throw new Error('The mcp.json does not hold a JSON object; fix it, then add the server again.');
  }
  let result = text.trim() ? text : '{}\n';
  const formatting = detectFormatting(text.trim() ? text : '');
  for (const input of addition.inputs) result = appendTo(result, ['inputs'], undefined, input, formatting);
  return appendTo(result, ['servers'], addition.name, addition.server, formatting);
}

/**
 * Appends a property (`key`) or an array item to the container at `path`, touching no other text: the
 * new entry is printed on its own lines after the last existing one, indented one step deeper than the
 * container's line. (jsonc-parser's own formatting would re-flow the line of the previous entry.)
 * A missing container is created by jsonc-parser, a new "inputs" first, where VS Code puts it.
 */
function appendTo(
  text: string,
  path: ['servers'] | ['inputs'],
  key: string | undefined,
  value: unknown,
  formatting: FormattingOptions,
): string {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const container = tree ? findNodeAtLocation(tree, path) : undefined;
  const isArray = path[0] === 'inputs';
  if (!container || container.type !== (isArray ? 'array' : 'object')) {
    const edits = isArray
      ? modify(text, [...path, -1], value, {
          formattingOptions: formatting,
          isArrayInsertion: true,
          getInsertionIndex: () => 0,
        })
      : modify(text, [...path, key ?? ''], value, { formattingOptions: formatting });
    return applyEdits(text, edits);
  }
  const eol = formatting.eol ?? '\n';
  const unit = formatting.insertSpaces ? ' '.repeat(formatting.tabSize ?? 2) : '\t';
  const lineStart = text.lastIndexOf('\n', container.offset) + 1;
  const containerIndent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  const childIndent = containerIndent + unit;
  const printed = JSON.stringify(value, null, unit)
    .split('\n')
    .join(eol + childIndent);
  const entry = (key !== undefined ? `${JSON.stringify(key)}: ` : '') + printed;
  const children = container.children ?? [];
  if (children.length) {
    const last = children[children.length - 1];
    const at = last.offset + last.length;
    return `${text.slice(0, at)},${eol}${childIndent}${entry}${text.slice(at)}`;
  }
  const open = container.offset + 1;
  const close = container.offset + container.length - 1;
  const inside = text.slice(open, close);
  // An empty container holds only whitespace (keep a comment inside it: the entry goes before it).
  const tail = inside.trim() ? inside : `${eol}${containerIndent}`;
  return `${text.slice(0, open)}${eol}${childIndent}${entry}${tail}${text.slice(close)}`;
}
