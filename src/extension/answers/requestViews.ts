/**
 * The queue's requests as the webview and the notifications get them. Pure (no `vscode` import).
 * Everything in `params` is the server's data: copied as JSON (no prototypes, no functions), and
 * shown by the webview as text, never HTML.
 */
import type { JsonObject, ServerRequestView } from '../../shared/protocol';
import { toJson } from '../inspector/viewModel';

/** The origin of an elicitation URL (`https://example.com`), or undefined when it is not an http(s) URL. */
export function httpOrigin(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON-safe copy of each view; a URL request always carries its origin (computed here when the queue left it out). */
export function toServerRequestViews(views: readonly ServerRequestView[]): ServerRequestView[] {
  return views.map((view) => {
    const copy = toJson(view) as unknown as ServerRequestView;
    if (view.kind === 'elicitation-url' && !copy.urlOrigin) {
      const origin = httpOrigin(view.params.url);
      if (origin) copy.urlOrigin = origin;
    }
    return copy;
  });
}

const MAX_SUMMARY = 140;

/** One line of the server's text: whitespace collapsed, clipped. */
export function shortText(text: string, max = MAX_SUMMARY): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function lastUserText(params: JsonObject): string | undefined {
  const messages = Array.isArray(params.messages) ? params.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m?.role !== 'user') continue;
    const blocks = Array.isArray(m.content) ? m.content : [m.content];
    const text = blocks
      .map((b) => ((b as { type?: unknown })?.type === 'text' ? (b as { text?: unknown }).text : undefined))
      .filter((t): t is string => typeof t === 'string')
      .join(' ');
    if (text) return text;
  }
  return undefined;
}

/** What the request asks, in one short line of plain text (for "<server> asks: …"). */
export function requestSummary(view: ServerRequestView): string {
  const message = typeof view.params.message === 'string' ? view.params.message : '';
  switch (view.kind) {
    case 'elicitation-form':
      return shortText(message || 'information (a form to fill in)');
    case 'elicitation-url': {
      const origin = view.urlOrigin ?? httpOrigin(view.params.url) ?? 'a URL';
      return shortText(`${message || 'to open a page'} (opens ${origin})`);
    }
    case 'sampling': {
      const text = lastUserText(view.params);
      return shortText(text ? `a language model reply to "${text}"` : 'a language model reply');
    }
    case 'roots':
      return 'its roots (the folders it may use)';
  }
}
