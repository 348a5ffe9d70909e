/**
 * Read-only JSON documents for results (tool calls, resource reads, prompts), served by a
 * `TextDocumentContentProvider` on the `mcp-lens-result` scheme: VS Code opens them read-only,
 * with JSON highlighting and folding, and they never touch the disk.
 */
import * as vscode from 'vscode';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { OutputSchemaCheck } from '../shared/protocol';

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
 * The Call Tool document. The core's verdict on the outputSchema (also inside `result`) is repeated
 * before the result, so a mismatch is seen before a long result is scrolled through.
 */
export function toolResultDocument(
  connection: string,
  tool: string,
  args: unknown,
  durationMs: number,
  result: CallToolResult & { outputSchemaCheck?: OutputSchemaCheck },
): Record<string, unknown> {
  const check = result.outputSchemaCheck;
  return { connection, tool, arguments: args, durationMs, ...(check ? { outputSchemaCheck: check } : {}), result };
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
