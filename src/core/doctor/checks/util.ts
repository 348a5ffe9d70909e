/** Helpers the connection doctor's checks share: reading bodies, bounding server text, MCP requests. */
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { SentResponse } from '../http.js';
import type { CheckContext } from './context.js';

const CLIENT_INFO = { name: 'mcp-lens-doctor', version: '1.0.0' };
export const JSON_ACCEPT = { Accept: 'application/json', 'MCP-Protocol-Version': LATEST_PROTOCOL_VERSION };

export function bodyObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Server-provided text in a summary: one line, bounded. */
export function clip(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export function initializeRequest(id: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
  });
}

export function postInitialize(
  ctx: CheckContext,
  url: string,
  headers: Record<string, string> = {},
): Promise<SentResponse> {
  return ctx.send(
    url,
    {
      method: 'POST',
      headers: ctx.mcpHeaders({
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        ...headers,
      }),
      body: initializeRequest(1),
    },
    { stream: true },
  );
}

export function sseGet(ctx: CheckContext, url: string, headers: Record<string, string> = {}): Promise<SentResponse> {
  return ctx.send(
    url,
    { method: 'GET', headers: ctx.mcpHeaders({ Accept: 'text/event-stream', ...headers }) },
    { stream: true },
  );
}

export async function closeStream(sent: SentResponse | undefined): Promise<void> {
  if (sent && sent.text === undefined) await sent.response.body?.cancel().catch(() => undefined);
}
