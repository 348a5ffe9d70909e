/**
 * Renders what servers return (tool results, resource contents, prompt messages) by type. All of
 * it is untrusted data: text goes into text nodes, images and audio only as `data:` URLs of an
 * allow-listed MIME type within a size limit, and links are never anchors: a resource link gets
 * a "Read" button that asks the server for it over MCP, so nothing navigates.
 */
import type { CacheHintView, JsonObject, OutputSchemaCheck } from '../src/shared/protocol';
import { button, clip, h, icon } from './dom';
import { outcomeMeta } from './era';
import {
  INLINE_AUDIO_TYPES,
  INLINE_IMAGE_TYPES,
  MAX_INLINE_AUDIO_BYTES,
  MAX_INLINE_IMAGE_BYTES,
  base64Bytes,
  formatBytes,
  formatDuration,
  isBase64,
  mediaKind,
  tryParseJson,
} from './format';
import { jsonTree, lazyText } from './jsonTree';

export interface ResultContext {
  /** Reads a resource over MCP (for resource links); resolves with a ReadResourceResult. */
  readResource(uri: string): Promise<JsonObject>;
  copy(text: string): void;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Text that may be JSON: a JSON tree with a toggle to the raw text, else lazy text. */
export function textContent(text: string): HTMLElement {
  // Parsing is skipped for huge texts that are unlikely to be JSON-looking at all.
  const parsed = text.length <= 16 * 1024 * 1024 ? tryParseJson(text) : undefined;
  if (parsed === undefined) return lazyText(text);
  const holder = h('div', { class: 'json-or-text' });
  let raw = false;
  const view = h('div', null, jsonTree(parsed, 1));
  const toggle = h('button', { class: 'link-button', attrs: { type: 'button' } }, 'Show raw text');
  toggle.addEventListener('click', () => {
    raw = !raw;
    view.replaceChildren(raw ? lazyText(text) : jsonTree(parsed, 1));
    toggle.textContent = raw ? 'Show as JSON' : 'Show raw text';
  });
  holder.append(h('div', { class: 'content-meta' }, h('span', { class: 'tag' }, 'JSON'), ' ', toggle), view);
  return holder;
}

function imageElement(data: string, mimeType: string): HTMLElement {
  const mime = mimeType.toLowerCase();
  const bytes = base64Bytes(data);
  if (!INLINE_IMAGE_TYPES.has(mime)) {
    return h(
      'div',
      { class: 'notice' },
      icon('file-media'),
      ` ${clip(mimeType, 100)} image (${formatBytes(bytes)}): this type is not shown inline.`,
    );
  }
  if (bytes > MAX_INLINE_IMAGE_BYTES) {
    return h(
      'div',
      { class: 'notice' },
      icon('file-media'),
      ` ${mime} image of ${formatBytes(bytes)}: larger than the ${formatBytes(MAX_INLINE_IMAGE_BYTES)} preview limit, not shown.`,
    );
  }
  if (!isBase64(data)) {
    return h('div', { class: 'notice error' }, icon('warning'), ' The image data is not valid base64.');
  }
  const img = h('img', { class: 'result-image', attrs: { alt: `${mime} image, ${formatBytes(bytes)}` } });
  img.src = `data:${mime};base64,${data.replace(/\s+/g, '')}`;
  return h('figure', { class: 'media' }, img, h('figcaption', null, `${mime} · ${formatBytes(bytes)}`));
}

function audioElement(data: string, mimeType: string): HTMLElement {
  const mime = mimeType.toLowerCase();
  const bytes = base64Bytes(data);
  if (!INLINE_AUDIO_TYPES.has(mime)) {
    return h(
      'div',
      { class: 'notice' },
      icon('unmute'),
      ` ${clip(mimeType, 100)} audio (${formatBytes(bytes)}): this type is not played inline.`,
    );
  }
  if (bytes > MAX_INLINE_AUDIO_BYTES) {
    return h(
      'div',
      { class: 'notice' },
      icon('unmute'),
      ` ${mime} audio of ${formatBytes(bytes)}: larger than the ${formatBytes(MAX_INLINE_AUDIO_BYTES)} limit, not played.`,
    );
  }
  if (!isBase64(data)) {
    return h('div', { class: 'notice error' }, icon('warning'), ' The audio data is not valid base64.');
  }
  const audio = h('audio', { attrs: { controls: true, preload: 'metadata' } });
  audio.src = `data:${mime};base64,${data.replace(/\s+/g, '')}`;
  return h('figure', { class: 'media' }, audio, h('figcaption', null, `${mime} · ${formatBytes(bytes)}`));
}

/** One item of `ReadResourceResult.contents` (or an embedded resource), shown by MIME type. */
export function resourceContents(item: Record<string, unknown>): HTMLElement {
  const uri = str(item.uri) ?? '';
  const mimeType = str(item.mimeType);
  const text = str(item.text);
  const blob = str(item.blob);
  const head = h(
    'div',
    { class: 'content-meta' },
    icon('file'),
    ' ',
    h('span', { class: 'uri' }, clip(uri, 500)),
    mimeType ? h('span', { class: 'tag' }, clip(mimeType, 80)) : null,
  );
  let body: HTMLElement;
  if (text !== undefined) {
    const kind = mediaKind(mimeType);
    body = kind === 'json' ? textContent(text) : lazyText(text);
  } else if (blob !== undefined) {
    const kind = mediaKind(mimeType);
    if (kind === 'image') body = imageElement(blob, mimeType ?? '');
    else if (kind === 'audio') body = audioElement(blob, mimeType ?? '');
    else {
      body = h(
        'div',
        { class: 'notice' },
        icon('file-binary'),
        ` Binary content, ${formatBytes(base64Bytes(blob))}${mimeType ? ` (${clip(mimeType, 80)})` : ''}.`,
      );
    }
  } else body = jsonTree(item, 1);
  return h('div', { class: 'resource-contents' }, head, body);
}

function resourceLink(item: Record<string, unknown>, ctx: ResultContext): HTMLElement {
  const uri = str(item.uri) ?? '';
  const name = str(item.title) ?? str(item.name) ?? uri;
  const out = h('div', { class: 'resource-output' });
  const read = button(
    'Read',
    async () => {
      read.setAttribute('disabled', '');
      out.replaceChildren(h('div', { class: 'muted' }, 'Reading…'));
      try {
        const result = await ctx.readResource(uri);
        out.replaceChildren(...readResult(result));
      } catch (e) {
        out.replaceChildren(h('div', { class: 'notice error' }, icon('error'), ` ${(e as Error).message}`));
      } finally {
        read.removeAttribute('disabled');
      }
    },
    'secondary',
    { 'data-action': 'read-link' },
    'go-to-file',
  );
  return h(
    'div',
    { class: 'resource-link' },
    h(
      'div',
      { class: 'content-meta' },
      icon('link'),
      ' ',
      h('strong', null, clip(name, 300)),
      str(item.mimeType) ? h('span', { class: 'tag' }, clip(str(item.mimeType) ?? '', 80)) : null,
    ),
    h('div', { class: 'uri' }, clip(uri, 2000)),
    str(item.description) ? h('div', { class: 'muted' }, clip(str(item.description) ?? '', 2000)) : null,
    h('div', { class: 'actions' }, read),
    out,
  );
}

/** One content block (text, image, audio, resource_link, resource). */
export function contentBlock(item: unknown, ctx: ResultContext): HTMLElement {
  if (!isObject(item)) return h('div', { class: 'content-block' }, jsonTree(item, 1));
  const type = str(item.type);
  let body: HTMLElement;
  switch (type) {
    case 'text':
      body = textContent(str(item.text) ?? '');
      break;
    case 'image':
      body = imageElement(str(item.data) ?? '', str(item.mimeType) ?? '');
      break;
    case 'audio':
      body = audioElement(str(item.data) ?? '', str(item.mimeType) ?? '');
      break;
    case 'resource_link':
      body = resourceLink(item, ctx);
      break;
    case 'resource':
      body = isObject(item.resource) ? resourceContents(item.resource) : jsonTree(item, 1);
      break;
    default:
      body = h(
        'div',
        null,
        h('div', { class: 'content-meta' }, h('span', { class: 'tag' }, clip(type ?? 'unknown', 60))),
        jsonTree(item, 1),
      );
  }
  return h('div', { class: 'content-block', dataset: { type: clip(type ?? 'unknown', 40) } }, body);
}

/**
 * The core's verdict on `structuredContent` against the tool's `outputSchema` (MCP 2025-06-18 tools,
 * "Output Schema"), read from the result's `outputSchemaCheck`. The core is its one owner: the
 * webview shows it and never validates again. Undefined when the result carries none (no schema, isError).
 */
export function structuredCheck(result: JsonObject): OutputSchemaCheck | undefined {
  const c = result.outputSchemaCheck;
  if (!isObject(c) || typeof c.ok !== 'boolean') return undefined;
  const status =
    c.status === 'valid' || c.status === 'invalid' || c.status === 'missing' || c.status === 'bad-schema'
      ? c.status
      : c.ok
        ? 'valid'
        : 'invalid';
  const errors = (Array.isArray(c.errors) ? c.errors : [])
    .filter((e): e is JsonObject => isObject(e))
    .map((e) => ({ path: str(e.path) ?? '', message: str(e.message) ?? '' }));
  return { ok: c.ok, status, message: str(c.message) ?? '', errors };
}

const CHECK_LABELS: Record<OutputSchemaCheck['status'], string> = {
  valid: 'matches outputSchema',
  invalid: 'does not match outputSchema',
  missing: 'no structuredContent although the tool declares an outputSchema',
  'bad-schema': 'outputSchema is not a valid JSON Schema',
};

/** The mark and, when the check failed, the summary and each validation error (path and message) as text. */
function schemaCheckView(check: OutputSchemaCheck): HTMLElement {
  const mark = h(
    'span',
    { class: `tag ${check.ok ? 'ok' : 'bad'}`, attrs: { 'data-schema-check': check.status } },
    CHECK_LABELS[check.status],
  );
  if (check.ok) return mark;
  return h(
    'div',
    { class: 'schema-check notice warning', attrs: { role: 'status' } },
    icon('warning'),
    ' ',
    mark,
    h('div', { class: 'schema-check-message' }, clip(check.message, 2000)),
    check.errors.length
      ? h(
          'ul',
          { class: 'schema-errors' },
          ...check.errors.map((e) =>
            h(
              'li',
              null,
              h('code', { class: 'schema-error-path' }, clip(e.path || '(root)', 500)),
              ' ',
              h('span', { class: 'schema-error-message' }, clip(e.message, 1000)),
            ),
          ),
        )
      : null,
  );
}

/** A whole tool result: status line, content blocks, structured content, and the core's outputSchema verdict. */
export function toolResult(
  result: JsonObject,
  durationMs: number,
  ctx: ResultContext,
  meta: { resultType?: string; cache?: CacheHintView } = {},
): HTMLElement {
  const isError = result.isError === true;
  const copy = button(
    'Copy',
    () => ctx.copy(JSON.stringify(result, null, 2)),
    'secondary',
    { 'data-action': 'copy-result' },
    'copy',
  );
  const header = h(
    'div',
    { class: `result-header ${isError ? 'is-error' : 'is-ok'}` },
    icon(isError ? 'error' : 'pass'),
    h('span', { class: 'result-status' }, isError ? 'Tool returned an error (isError)' : 'Success'),
    h('span', { class: 'duration' }, formatDuration(durationMs)),
    outcomeMeta(meta),
    h('span', { class: 'spacer' }),
    copy,
  );
  const blocks = Array.isArray(result.content) ? result.content : [];
  const check = structuredCheck(result);
  const section = h(
    'div',
    { class: `tool-result${isError ? ' error' : ''}`, attrs: { 'data-status': isError ? 'error' : 'ok' } },
    header,
  );
  // A failed check comes first, so the mark is seen before a long result.
  if (check && !check.ok) section.appendChild(schemaCheckView(check));
  blocks.forEach((b) => section.appendChild(contentBlock(b, ctx)));
  if (!blocks.length && result.structuredContent === undefined) {
    section.appendChild(h('div', { class: 'muted' }, 'The result has no content.'));
  }
  if (result.structuredContent !== undefined) {
    section.appendChild(
      h(
        'div',
        { class: 'structured' },
        h(
          'div',
          { class: 'content-meta' },
          h('strong', null, 'structuredContent'),
          check?.ok ? schemaCheckView(check) : null,
        ),
        jsonTree(result.structuredContent, 2),
      ),
    );
  }
  return section;
}

/** The elements of a ReadResourceResult. */
export function readResult(result: JsonObject): HTMLElement[] {
  const contents = Array.isArray(result.contents) ? result.contents : [];
  if (!contents.length) return [h('div', { class: 'muted' }, 'The resource has no contents.')];
  return contents.map((c) => (isObject(c) ? resourceContents(c) : jsonTree(c, 1)));
}

/** The messages of a GetPromptResult. */
export function promptMessages(result: JsonObject, ctx: ResultContext): HTMLElement {
  const messages = Array.isArray(result.messages) ? result.messages : [];
  return h(
    'div',
    { class: 'prompt-messages' },
    str(result.description) ? h('div', { class: 'muted' }, clip(str(result.description) ?? '', 5000)) : null,
    ...messages.map((m) => {
      const role = isObject(m) ? (str(m.role) ?? '?') : '?';
      return h(
        'div',
        { class: `prompt-message role-${role === 'user' || role === 'assistant' ? role : 'other'}` },
        h('div', { class: 'role' }, icon(role === 'assistant' ? 'hubot' : 'account'), ` ${clip(role, 40)}`),
        contentBlock(isObject(m) ? m.content : m, ctx),
      );
    }),
    messages.length ? null : h('div', { class: 'muted' }, 'The prompt returned no messages.'),
  );
}
