/**
 * Read-only JSON documents for results (tool calls, resource reads, prompts), served by a
 * `TextDocumentContentProvider` on the `mcp-lens-result` scheme: VS Code opens them read-only,
 * with JSON highlighting and folding, and they never touch the disk.
 */
import * as vscode from 'vscode';

export const RESULT_SCHEME = 'mcp-lens-result';

/** Results kept for reopening; the oldest are dropped first so memory stays bounded. */
const MAX_RESULTS = 100;

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || '_';
}

export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private counter = 0;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? JSON.stringify({ error: 'This result is no longer kept. Run the request again.' }, null, 2);
  }

  /** Stores `value` as pretty JSON under a readable name and opens it beside the current editor. */
  async show(connectionName: string, label: string, value: unknown, options: { reveal?: boolean } = {}): Promise<vscode.TextDocument> {
    const n = ++this.counter;
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${fileSafe(connectionName)}/${fileSafe(label)}-${n}.json` });
    this.contents.set(uri.toString(), JSON.stringify(value, null, 2));
    while (this.contents.size > MAX_RESULTS) {
      const oldest = this.contents.keys().next().value as string;
      this.contents.delete(oldest);
    }
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'json') doc = await vscode.languages.setTextDocumentLanguage(doc, 'json');
    if (options.reveal !== false) await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
    return doc;
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}
