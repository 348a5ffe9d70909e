/**
 * Human-readable output for the CLI. Pure functions from SDK result types to text, so the layout is
 * unit-tested. Server-provided text is printed as data; control characters that could drive the
 * terminal (ANSI escapes, carriage returns) are made visible instead of being interpreted.
 */
import type {
  CallToolResult,
  ContentBlock,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { OutputSchemaCheck } from '../core/outputSchema';
import type { ProtocolEra } from '../core/config';
import type { ResultExtras, ServerLogEntry } from '../core/connection';
import type { TaskView } from '../shared/protocol';

/** What the CLI says about the server it talked to: who it is, and which protocol era and version were negotiated. */
export interface ServerDescription {
  server?: { name?: string; version?: string };
  era?: ProtocolEra;
  protocolVersion?: string;
  negotiation?: string;
}

/** One line describing the server: name and version, the era and the protocol version, and how they were chosen. */
export function formatServerLine(description: ServerDescription): string {
  const who =
    [description.server?.name, description.server?.version]
      .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
      .map((part) => safeText(part))
      .join(' ') || 'unnamed server';
  const era = description.era === 'modern' ? '2026-07-28 era' : description.era === 'legacy' ? '2025 era' : undefined;
  const protocol = `MCP ${description.protocolVersion ? safeText(description.protocolVersion) : '(version unknown)'}`;
  const how = description.negotiation ? `; ${safeText(firstLineOf(description.negotiation))}` : '';
  return `Server: ${who} · ${protocol}${era ? ` (${era}${how})` : how ? ` (${how.slice(2)})` : ''}\n`;
}

function firstLineOf(text: string): string {
  return text.split(/\r?\n/)[0].trim();
}

/** Replaces terminal control characters (except newline and tab) with a visible escape. */
export function safeText(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** A one-line version of a description: the first non-empty line, whitespace collapsed. */
export function firstLine(text: string | undefined): string {
  if (!text) return '';
  const line = text.split(/\r?\n/).find((l) => l.trim()) ?? '';
  return safeText(line.trim().replace(/\s+/g, ' '));
}

/** Two aligned columns; rows whose first cell is long still align the rest. */
export function columns(rows: Array<[string, string]>, indent = '  ', gap = 2): string[] {
  const width = Math.min(Math.max(0, ...rows.map(([a]) => a.length)), 60);
  return rows.map(([a, b]) => (b ? `${indent}${a.padEnd(width)}${' '.repeat(gap)}${b}` : `${indent}${a}`).trimEnd());
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface SchemaProperty {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: { type?: string };
  default?: unknown;
}

/** `message: string (required)`, `count: number = 5`… one entry per input schema property. */
export function describeParameters(schema: Tool['inputSchema'] | undefined): string[] {
  const props = (schema?.properties ?? {}) as Record<string, SchemaProperty>;
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  return Object.entries(props).map(([name, prop]) => {
    let type = Array.isArray(prop?.type) ? prop.type.join('|') : (prop?.type ?? 'any');
    if (type === 'array' && prop?.items?.type) type = `${prop.items.type}[]`;
    if (Array.isArray(prop?.enum)) type = prop.enum.map((v) => JSON.stringify(v)).join('|');
    let text = `${safeText(name)}: ${safeText(type)}`;
    if (required.has(name)) text += ' (required)';
    else if (prop?.default !== undefined) text += ` = ${safeText(JSON.stringify(prop.default))}`;
    const description = firstLine(prop?.description);
    if (description) text += ` — ${description}`;
    return text;
  });
}

export function formatTools(tools: Tool[]): string {
  if (tools.length === 0) return 'No tools.\n';
  const lines = [`${plural(tools.length, 'tool')}:`, ''];
  const width = Math.min(Math.max(...tools.map((t) => t.name.length)), 40);
  const pad = ' '.repeat(2 + width + 2);
  for (const tool of tools) {
    const description = firstLine(tool.description) || firstLine(tool.title);
    lines.push(`  ${safeText(tool.name).padEnd(width)}  ${description}`.trimEnd());
    for (const param of describeParameters(tool.inputSchema)) lines.push(`${pad}· ${param}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatResources(resources: Resource[], templates: ResourceTemplate[]): string {
  const lines: string[] = [];
  if (resources.length === 0) lines.push('No resources.');
  else {
    lines.push(`${plural(resources.length, 'resource')}:`, '');
    lines.push(
      ...columns(
        resources.map((r) => {
          const details = [firstLine(r.name), r.mimeType ? `(${safeText(r.mimeType)})` : ''].filter(Boolean).join(' ');
          return [safeText(r.uri), details];
        }),
      ),
    );
  }
  lines.push('');
  if (templates.length === 0) lines.push('No resource templates.');
  else {
    lines.push(`${plural(templates.length, 'resource template')}:`, '');
    lines.push(
      ...columns(
        templates.map((t) => {
          const details = [firstLine(t.name), t.mimeType ? `(${safeText(t.mimeType)})` : ''].filter(Boolean).join(' ');
          return [safeText(t.uriTemplate), details];
        }),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function formatPrompts(prompts: Prompt[]): string {
  if (prompts.length === 0) return 'No prompts.\n';
  const lines = [`${plural(prompts.length, 'prompt')}:`, ''];
  const width = Math.min(Math.max(...prompts.map((p) => p.name.length)), 40);
  const pad = ' '.repeat(2 + width + 2);
  for (const prompt of prompts) {
    lines.push(
      `  ${safeText(prompt.name).padEnd(width)}  ${firstLine(prompt.description) || firstLine(prompt.title)}`.trimEnd(),
    );
    for (const arg of prompt.arguments ?? []) {
      let text = `· ${safeText(arg.name)}${arg.required ? ' (required)' : ''}`;
      const description = firstLine(arg.description);
      if (description) text += ` — ${description}`;
      lines.push(`${pad}${text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Decoded size of base64 data without decoding it. */
export function base64Bytes(data: string): number {
  const clean = data.replace(/\s/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Text content is printed as is; everything else gets a one-line summary in brackets. */
export function formatContentBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return safeText(block.text);
    case 'image':
    case 'audio':
      return `[${block.type} ${safeText(block.mimeType)}, ${formatBytes(base64Bytes(block.data))}]`;
    case 'resource_link':
      return `[resource link] ${safeText(block.uri)}${block.name ? ` (${firstLine(block.name)})` : ''}${block.mimeType ? ` ${safeText(block.mimeType)}` : ''}`;
    case 'resource': {
      const r = block.resource;
      if ('text' in r && typeof r.text === 'string') return `[resource ${safeText(r.uri)}]\n${safeText(r.text)}`;
      const blob = 'blob' in r && typeof r.blob === 'string' ? r.blob : '';
      return `[resource ${safeText(r.uri)}${r.mimeType ? ` ${safeText(r.mimeType)}` : ''}, ${formatBytes(base64Bytes(blob))}]`;
    }
    default: {
      const unknown = block as { type?: unknown };
      return `[${safeText(String(unknown.type ?? 'unknown'))} content]`;
    }
  }
}

export function formatToolResult(result: CallToolResult): string {
  const parts = (result.content ?? []).map(formatContentBlock);
  if (result.structuredContent !== undefined && parts.length === 0) {
    parts.push(safeText(JSON.stringify(result.structuredContent, null, 2)));
  }
  if (parts.length === 0) return '(no content)\n';
  return `${parts.join('\n')}\n`;
}

/** Why a call failed its tool's outputSchema check: the verdict, then one line per validation error. */
export function formatOutputSchemaCheck(tool: string, check: OutputSchemaCheck): string {
  const lines = [
    `mcp-lens: the result of "${safeText(tool)}" fails the tool's output schema: ${safeText(check.message)}`,
  ];
  for (const e of check.errors) lines.push(`  ${safeText(e.path || '(root)')}: ${safeText(e.message)}`);
  lines.push(
    check.status === 'bad-schema'
      ? "hint: Fix the tool's outputSchema on the server; the result is shown as the server sent it."
      : 'hint: Fix the tool on the server so that its structuredContent matches its outputSchema; the result is shown as the server sent it.',
  );
  return `${lines.join('\n')}\n`;
}

export function formatReadResult(result: ReadResourceResult): string {
  const parts = result.contents.map((c) => {
    if ('text' in c && typeof c.text === 'string') {
      return result.contents.length > 1 ? `[${safeText(c.uri)}]\n${safeText(c.text)}` : safeText(c.text);
    }
    const blob = 'blob' in c && typeof c.blob === 'string' ? c.blob : '';
    return `[${safeText(c.uri)}${c.mimeType ? ` ${safeText(c.mimeType)}` : ''}, binary, ${formatBytes(base64Bytes(blob))}; use --json for the base64 data]`;
  });
  if (parts.length === 0) return '(no contents)\n';
  return `${parts.join('\n')}\n`;
}

export function formatPromptResult(result: GetPromptResult): string {
  const lines: string[] = [];
  if (result.description) lines.push(`${firstLine(result.description)}`, '');
  for (const message of result.messages) {
    const text = formatContentBlock(message.content as ContentBlock);
    lines.push(`${message.role}: ${text}`);
  }
  if (result.messages.length === 0) lines.push('(no messages)');
  return `${lines.join('\n')}\n`;
}

/** A duration in whole seconds, minutes or hours, as people say it ("30 s", "2 min 5 s", "1 h"). */
function formatTtl(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 ? `${min} min ${s % 60} s` : `${min} min`;
  const hours = Math.floor(min / 60);
  return min % 60 ? `${hours} h ${min % 60} min` : `${hours} h`;
}

/**
 * The one line about a result that the result itself does not say (2026-07-28 era): its `resultType`
 * when it is not the plain `complete`, and its cache hint ("fresh for 30 s · private", or how long a
 * copy served from the cache stays fresh). Undefined when there is nothing to say (always on 2025).
 */
export function formatResultMeta(extras: ResultExtras, now = Date.now()): string | undefined {
  const parts: string[] = [];
  if (extras.resultType !== undefined && extras.resultType !== 'complete') {
    parts.push(`resultType ${safeText(extras.resultType)}`);
  }
  const cache = extras.cache;
  if (cache) {
    const scope = cache.cacheScope === 'public' ? 'public' : 'private';
    if (!cache.servedFromCache) {
      parts.push(
        cache.ttlMs > 0 ? `fresh for ${formatTtl(cache.ttlMs)} · ${scope}` : `stale at once (ttlMs 0) · ${scope}`,
      );
    } else {
      const left = cache.receivedAt + cache.ttlMs - now;
      parts.push(`served from cache, ${left > 0 ? `${formatTtl(left)} left` : 'stale'} · ${scope}`);
    }
  }
  return parts.length ? `Result: ${parts.join(' · ')}\n` : undefined;
}

/** `complete`: the values one a line, so they pipe as they are. */
export function formatCompletion(completion: { values: string[] }): string {
  return completion.values.map((v) => `${safeText(v.replace(/\r?\n/g, ' '))}\n`).join('');
}

/** `complete`, on stderr: none matched, or the server has more than it sent. */
export function formatCompletionNote(completion: {
  values: string[];
  total?: number;
  hasMore?: boolean;
}): string | undefined {
  const shown = completion.values.length;
  if (completion.hasMore || (completion.total !== undefined && completion.total > shown)) {
    return `(${shown} shown${completion.total !== undefined ? ` of ${completion.total}` : ''}; more match: type more of the value)\n`;
  }
  return shown === 0 ? '(no completions)\n' : undefined;
}

/** A task's status as one stderr line: `task <id>: working — <status message>`. */
export function formatTaskStatus(task: TaskView): string {
  const message = task.statusMessage ? ` — ${safeText(task.statusMessage.replace(/\s+/g, ' ').trim())}` : '';
  return `task ${safeText(task.taskId)}: ${task.status}${message}\n`;
}

/** One server `notifications/message` on stderr: its level, its logger, its data (as data). */
export function formatServerLog(entry: ServerLogEntry): string {
  const data = typeof entry.data === 'string' ? entry.data : JSON.stringify(entry.data);
  return `[server ${entry.level}]${entry.logger ? ` ${safeText(entry.logger)}:` : ''} ${safeText(String(data))}\n`;
}
