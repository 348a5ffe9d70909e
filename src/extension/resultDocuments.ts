/**
 * Read-only JSON documents for results (tool calls, resource reads, prompts), served by a
 * `TextDocumentContentProvider` on the `mcp-lens-result` scheme: VS Code opens them read-only,
 * with JSON highlighting and folding, and they never touch the disk.
 */
import * as vscode from 'vscode';
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { ResultExtras } from '../core/connection';
import type { CacheHintView, OutputSchemaCheck } from '../shared/protocol';

export const RESULT_SCHEME = 'mcp-lens-result';

/** Results kept for reopening; the oldest are dropped first so memory stays bounded. */
const MAX_RESULTS = 100;

export function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || '_';
}

/**
 * Read-only documents held in memory under one URI scheme: VS Code opens them read-only and
 * they never touch the disk. At most `max` are kept; the oldest go first.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private counter = 0;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly scheme: string,
    private readonly max: number,
    /** What a document shows once it was dropped (or after a reload). */
    private readonly gone: string,
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? this.gone;
  }

  /** Keeps `text` under `/<folder>/<name>-<n>.<extension>` and returns its URI. */
  store(folder: string | undefined, name: string, extension: string, text: string): vscode.Uri {
    const n = ++this.counter;
    const path = `${folder ? `/${fileSafe(folder)}` : ''}/${fileSafe(name)}-${n}.${extension}`;
    const uri = vscode.Uri.from({ scheme: this.scheme, path });
    this.contents.set(uri.toString(), text);
    while (this.contents.size > this.max) this.contents.delete(this.contents.keys().next().value as string);
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}

export class ResultDocuments extends ReadOnlyDocuments {
  constructor() {
    super(
      RESULT_SCHEME,
      MAX_RESULTS,
      JSON.stringify({ error: 'This result is no longer kept. Run the request again.' }, null, 2),
    );
  }

  /** Stores `value` as pretty JSON under a readable name and opens it beside the current editor. */
  async show(
    connectionName: string,
    label: string,
    value: unknown,
    options: { reveal?: boolean } = {},
  ): Promise<vscode.TextDocument> {
    const uri = this.store(connectionName, label, 'json', JSON.stringify(value, null, 2));
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'json') doc = await vscode.languages.setTextDocumentLanguage(doc, 'json');
    if (options.reveal !== false) await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
    return doc;
  }
}

/**
 * What MCP Lens says about a result, for a document's header: the wire's `resultType` (2026-07-28
 * era) and the cache hint (its `ttlMs`/`cacheScope`, and whether MCP Lens served it from its cache).
 * Both come from the core (ResultExtras); a 2025-era result has neither.
 */
export function resultHeader(result: ResultExtras): { resultType?: string; cache?: CacheHintView } {
  return {
    ...(result.resultType !== undefined ? { resultType: result.resultType } : {}),
    ...(result.cache ? { cache: result.cache } : {}),
  };
}

/**
 * The result as the server sent it: without MCP Lens's own `cache` field, which the header shows.
 * `resultType` is a wire field and stays where the server put it.
 */
export function serverResult<T extends ResultExtras>(result: T): Omit<T, 'cache'> {
  const { cache: _ours, ...server } = result;
  return server;
}

/**
 * The Call Tool document. The core's verdict on the outputSchema (also inside `result`) is repeated
 * before the result, so a mismatch is seen before a long result is scrolled through; so are the
 * resultType and cache hint.
 */
export function toolResultDocument(
  connection: string,
  tool: string,
  args: unknown,
  durationMs: number,
  result: CallToolResult & ResultExtras & { outputSchemaCheck?: OutputSchemaCheck },
): Record<string, unknown> {
  const check = result.outputSchemaCheck;
  return {
    connection,
    tool,
    arguments: args,
    durationMs,
    ...resultHeader(result),
    ...(check ? { outputSchemaCheck: check } : {}),
    result: serverResult(result),
  };
}

/** The Read Resource document: the header (with resultType and cache hint), then the server's result. */
export function resourceResultDocument(
  connection: string,
  uri: string,
  result: ReadResourceResult & ResultExtras,
): Record<string, unknown> {
  return { connection, uri, ...resultHeader(result), result: serverResult(result) };
}

/** The Get Prompt document: the header (with resultType and cache hint), then the server's result. */
export function promptResultDocument(
  connection: string,
  prompt: string,
  args: Record<string, string>,
  result: GetPromptResult & ResultExtras,
): Record<string, unknown> {
  return { connection, prompt, arguments: args, ...resultHeader(result), result: serverResult(result) };
}

/** The warning for a result that fails its tool's outputSchema check, or undefined when it passes (or has none). */
export function outputSchemaWarning(
  tool: string,
  result: CallToolResult & { outputSchemaCheck?: OutputSchemaCheck },
): string | undefined {
  const check = result.outputSchemaCheck;
  if (!check || check.ok) return undefined;
  const first = check.errors[0];
  const detail = first ? ` First: ${first.path || '(root)'} ${first.message}.` : '';
  return `${tool}: ${check.message}${detail} The result document lists every error; fix the tool on the server.`;
}
