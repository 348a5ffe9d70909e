/**
 * The doctor's report as Markdown (for people, CI logs and the editor) and JSON (for programs).
 * Everything the server sent is data: in Markdown it is escaped, or fenced in code blocks whose fence is
 * longer than any backtick run inside, so a server cannot inject links, HTML or formatting.
 */
import type { CheckStatus, DoctorCheckResult, DoctorExchange, DoctorReport } from './types.js';

const ICON: Record<CheckStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌', skip: '⏭️' };
const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/**
 * Inline text: HTML and the Markdown characters that make links, code, emphasis, tables or block
 * starts are escaped; the rest (dots, dashes, parentheses) stays readable in the plain-text editor.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([`*[\]|~])/g, '\\$1')
    // Intraword underscores (resource_metadata) cannot start emphasis (CommonMark §6.2); others can.
    .replace(/(^|[^A-Za-z0-9])_|_(?=[^A-Za-z0-9]|$)/g, (m) => m.replace('_', '\\_'))
    .replace(/^(\s*)([#+\-=])/, '$1\\$2')
    .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3');
}

function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}

function exchangeText(e: DoctorExchange): string {
  const lines = [`${e.request.method} ${e.request.url}`];
  for (const [k, v] of Object.entries(e.request.headers)) lines.push(`${k}: ${v}`);
  if (e.request.body) lines.push('', e.request.body);
  lines.push('');
  if (e.response) {
    lines.push(`HTTP ${e.response.status}  (${e.durationMs} ms)`);
    for (const [k, v] of Object.entries(e.response.headers)) lines.push(`${k}: ${v}`);
    if (e.response.body) lines.push('', e.response.body);
  } else {
    lines.push(`(no response: ${e.error ?? 'unknown error'}, ${e.durationMs} ms)`);
  }
  return lines.join('\n');
}

export function statusLine(report: DoctorReport): string {
  const c = report.counts;
  return `${report.ok ? 'OK' : 'FAILED'}: ${c.pass} passed, ${c.warn} warning${c.warn === 1 ? '' : 's'}, ${c.fail} failed, ${c.skip} skipped`;
}

/** One line per check, for progress output and terminals. */
export function checkLine(check: DoctorCheckResult): string {
  return `${ICON[check.status]} ${String(check.index).padStart(2)}. ${check.title}: ${LABEL[check.status]} — ${check.summary}`;
}

export function toMarkdown(report: DoctorReport, opts: { exchanges?: boolean } = {}): string {
  const withExchanges = opts.exchanges ?? true;
  const out: string[] = [];
  out.push(`# MCP Lens connection doctor`, '');
  out.push(`- **Server:** \`${report.url.replace(/`/g, '%60')}\``);
  out.push(`- **Run:** ${report.startedAt} (${report.durationMs} ms)`);
  if (report.transport) out.push(`- **Transport:** ${report.transport === 'sse' ? 'HTTP+SSE' : 'Streamable HTTP'}`);
  out.push(`- **Authorization required:** ${report.authorizationRequired ? 'yes' : 'no'}`);
  out.push(`- **Result:** ${statusLine(report)}`, '');
  out.push('| # | Check | Result | Summary |', '|---|---|---|---|');
  for (const c of report.checks) {
    out.push(`| ${c.index} | ${escapeMarkdown(c.title)} | ${ICON[c.status]} ${LABEL[c.status]} | ${escapeMarkdown(c.summary)} |`);
  }
  out.push('');
  for (const c of report.checks) {
    out.push(`## ${c.index}. ${escapeMarkdown(c.title)} — ${ICON[c.status]} ${LABEL[c.status]}`, '');
    out.push(escapeMarkdown(c.summary), '');
    if (c.fix) out.push(`**What to change:** ${escapeMarkdown(c.fix)}`, '');
    if (c.spec) out.push(`**Spec:** ${escapeMarkdown(c.spec)}`, '');
    if (c.details?.length) {
      for (const d of c.details) out.push(`- ${escapeMarkdown(d)}`);
      out.push('');
    }
    out.push(`_${c.durationMs} ms_`, '');
    if (withExchanges && c.exchanges?.length) {
      out.push(`<details><summary>HTTP exchanges (${c.exchanges.length}, secrets masked)</summary>`, '');
      for (const e of c.exchanges) out.push(fence(exchangeText(e), 'http'), '');
      out.push('</details>', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function toJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
