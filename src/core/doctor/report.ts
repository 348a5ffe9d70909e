/**
 * The doctor's report as Markdown (for people, CI logs and the editor) and JSON (for programs).
 * Everything the server sent is data: in Markdown it is escaped, or fenced in code blocks whose fence is
 * longer than any backtick run inside, so a server cannot inject links, HTML or formatting.
 */
import { CHECK_ICON as ICON, CHECK_LABEL as LABEL, escapeMarkdown, exchangesMarkdown } from '../markdown.js';
import type { DoctorCheckResult, DoctorEras, DoctorReport } from './types.js';

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
  if (report.eras) out.push(`- **Protocol eras:** ${escapeMarkdown(erasLine(report.eras))}`);
  out.push(`- **Result:** ${statusLine(report)}`, '');
  out.push('| # | Check | Result | Summary |', '|---|---|---|---|');
  for (const c of report.checks) {
    out.push(
      `| ${c.index} | ${escapeMarkdown(c.title)} | ${ICON[c.status]} ${LABEL[c.status]} | ${escapeMarkdown(c.summary)} |`,
    );
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
    if (withExchanges) out.push(...exchangesMarkdown(c.exchanges));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The eras in one line: which ones answered, with their versions, and whether they agree. */
export function erasLine(eras: DoctorEras): string {
  const parts: string[] = [];
  if (eras.speaks.includes('modern')) parts.push(`2026-07-28 (offers ${eras.supportedVersions?.join(', ') || 'none'})`);
  if (eras.speaks.includes('legacy')) parts.push(`2025 (${eras.legacyVersion ?? 'version unknown'})`);
  const agreement = eras.agree === undefined ? '' : eras.agree ? '; both describe the same server' : '; they disagree';
  return `${parts.join(' and ')}${agreement}`;
}

export function toJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
