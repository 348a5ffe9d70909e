/**
 * A recorded run of the flow debugger (the eight steps and how it ended) and its exports as
 * Markdown and JSON. Every step result is already masked by the recorder (./flowSteps.ts); the
 * exports mask once more, by parameter and header name, so a trace can never carry a token, code,
 * verifier or client secret even if it was stored by an older version. No SDK import: the
 * extension loads this at activation.
 */
import { CHECK_ICON as ICON, escapeMarkdown, exchangesMarkdown } from '../markdown.js';
import type { FlowTraceState, FlowTraceView } from '../../shared/protocol.js';
import type { FlowExchange } from './flowSteps.js';
import { MASK, maskBody, maskHeaders, maskUrl } from './redact.js';

/** A run of the debugger as the webview shows it and the workspace keeps it (masked). */
export type FlowTrace = FlowTraceView;
export type { FlowTraceState };

/** Masks an exchange again by name (defence in depth) and the `state` parameter, which is single-use but still a CSRF secret. */
function sanitizeExchange(e: FlowExchange): FlowExchange {
  const url = (u: string) => {
    const masked = maskUrl(u);
    try {
      const parsed = new URL(masked);
      if (parsed.searchParams.has('state')) parsed.searchParams.set('state', MASK);
      return parsed.href;
    } catch {
      return masked;
    }
  };
  const body = (b: string | undefined, headers: Record<string, string>) => {
    const masked = maskBody(b, headers['content-type']);
    return masked?.replace(/(^|&)state=[^&]*/g, `$1state=${encodeURIComponent(MASK)}`);
  };
  return {
    request: {
      method: e.request.method,
      url: url(e.request.url),
      headers: maskHeaders(e.request.headers),
      ...(e.request.body !== undefined ? { body: body(e.request.body, e.request.headers) } : {}),
    },
    ...(e.response
      ? {
          response: {
            status: e.response.status,
            headers: maskHeaders(e.response.headers),
            ...(e.response.body !== undefined ? { body: body(e.response.body, e.response.headers) } : {}),
          },
        }
      : {}),
    ...(e.error ? { error: e.error } : {}),
    durationMs: e.durationMs,
  };
}

/** A copy of the trace that is safe to keep (memento) and to export. */
export function sanitizeTrace(trace: FlowTrace): FlowTrace {
  return {
    ...trace,
    steps: trace.steps.map((s) => ({
      ...s,
      params: s.params?.map((p) =>
        p.name === 'state' || /^(code|code_verifier|client_secret|access_token|refresh_token)$/.test(p.name)
          ? { ...p, value: MASK }
          : p,
      ),
      exchanges: s.exchanges.map(sanitizeExchange),
    })),
  };
}

const STATE_LABEL: Record<FlowTraceState, string> = {
  running: 'running',
  paused: 'paused',
  succeeded: 'signed in',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function flowTraceToMarkdown(raw: FlowTrace): string {
  const trace = sanitizeTrace(raw);
  const out: string[] = ['# MCP Lens OAuth flow', ''];
  out.push(`- **Server:** ${escapeMarkdown(trace.serverName)} (\`${trace.resource.replace(/`/g, '%60')}\`)`);
  out.push(
    `- **Run:** ${new Date(trace.startedAt).toISOString()}${trace.finishedAt ? ` (${trace.finishedAt - trace.startedAt} ms)` : ''}, ${trace.mode === 'step' ? 'step by step' : 'straight through'}`,
  );
  out.push(`- **Result:** ${STATE_LABEL[trace.state]}${trace.error ? ` — ${escapeMarkdown(trace.error)}` : ''}`, '');
  out.push('| # | Step | Result | Time | Summary |', '|---|---|---|---|---|');
  for (const s of trace.steps) {
    out.push(
      `| ${s.index} | ${escapeMarkdown(s.title)} | ${ICON[s.status]} ${s.status.toUpperCase()} | ${s.durationMs} ms | ${escapeMarkdown(s.summary)} |`,
    );
  }
  out.push('');
  for (const s of trace.steps) {
    out.push(`## ${s.index}. ${escapeMarkdown(s.title)} — ${ICON[s.status]} ${s.status.toUpperCase()}`, '');
    out.push(escapeMarkdown(s.summary), '');
    for (const c of s.checks) {
      out.push(
        `- ${ICON[c.status]} ${escapeMarkdown(c.summary)}${c.spec ? ` _(${escapeMarkdown(c.spec)})_` : ''}${c.fix ? ` **Fix:** ${escapeMarkdown(c.fix)}` : ''}`,
      );
    }
    if (s.checks.length) out.push('');
    if (s.params?.length) {
      out.push('| Parameter | Value | Meaning |', '|---|---|---|');
      for (const p of s.params) {
        out.push(`| ${escapeMarkdown(p.name)} | ${escapeMarkdown(p.value)} | ${escapeMarkdown(p.meaning)} |`);
      }
      out.push('');
    }
    for (const d of s.details) out.push(`- ${escapeMarkdown(d)}`);
    if (s.details.length) out.push('');
    out.push(`_${s.durationMs} ms_`, '');
    out.push(...exchangesMarkdown(s.exchanges));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function flowTraceToJson(trace: FlowTrace): string {
  return `${JSON.stringify(sanitizeTrace(trace), null, 2)}\n`;
}
