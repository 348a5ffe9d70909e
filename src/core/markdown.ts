/**
 * Markdown for the reports MCP Lens writes (the connection doctor's and the OAuth flow debugger's).
 * Everything a server sent is data: inline text is escaped, and HTTP exchanges go in code fences
 * longer than any backtick run inside, so a server cannot inject links, HTML or formatting.
 */

import type { FlowCheckStatus, FlowExchangeView } from '../shared/protocol.js';

/** One recorded HTTP request and its answer, secrets already masked (the doctor's and the flow's). */
export type RecordedExchange = FlowExchangeView;

/** A check's verdict, in the doctor and the flow debugger alike. */
export type CheckStatus = FlowCheckStatus;

export const CHECK_ICON: Record<CheckStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌', skip: '⏭️' };
export const CHECK_LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/**
 * Inline text: HTML and the Markdown characters that make links, code, emphasis, tables or block
 * starts are escaped; the rest (dots, dashes, parentheses) stays readable in the plain-text editor.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\r\n]+/g, ' ')
      .replace(/\\/g, '\\\\')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([`*[\]|~])/g, '\\$1')
      // Intraword underscores (resource_metadata) cannot start emphasis (CommonMark §6.2); others can.
      .replace(/(^|[^A-Za-z0-9])_|_(?=[^A-Za-z0-9]|$)/g, (m) => m.replace('_', '\\_'))
      .replace(/^(\s*)([#+\-=])/, '$1\\$2')
      .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3')
  );
}

/** A code block whose fence is longer than any backtick run in `text` (CommonMark §4.5). */
export function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}

/** An exchange as raw HTTP, request then response. */
export function exchangeText(e: RecordedExchange): string {
  const lines = [`${e.request.method} ${e.request.url}`];
  for (const [k, v] of Object.entries(e.request.headers)) lines.push(`${k}: ${v}`);
  if (e.request.body) lines.push('', e.request.body);
  lines.push('');
  if (e.response) {
    lines.push(`HTTP ${e.response.status}  (${e.durationMs} ms)`);
    for (const [k, v] of Object.entries(e.response.headers)) lines.push(`${k}: ${v}`);
    if (e.response.body) lines.push('', e.response.body);
  } else {
    // The flow debugger records the authorization URL it hands to the browser with neither.
    lines.push(e.error ? `(no response: ${e.error}, ${e.durationMs} ms)` : '(opened in the browser)');
  }
  return lines.join('\n');
}

/** A collapsed block of fenced exchanges, or nothing when there are none. */
export function exchangesMarkdown(exchanges: readonly RecordedExchange[] | undefined): string[] {
  if (!exchanges?.length) return [];
  const out = [`<details><summary>HTTP exchanges (${exchanges.length}, secrets masked)</summary>`, ''];
  for (const e of exchanges) out.push(fence(exchangeText(e), 'http'), '');
  out.push('</details>', '');
  return out;
}
