/**
 * The extension's single `UriHandler` (VS Code allows one per extension), routing
 * `${uriScheme}://mcp-lens.mcp-lens/<path>` by path. Features register a path (the OAuth
 * engine registers its callback), so the handler and the `onUri` activation exist once.
 */
import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';

export type UriRoute = (uri: vscode.Uri) => void | Promise<void>;

export class UriRouter implements vscode.UriHandler {
  private readonly routes = new Map<string, UriRoute>();

  constructor(private readonly logger: Logger) {}

  /** Handles `path` (e.g. `/oauth/callback`) until the returned disposable is disposed. */
  register(path: string, route: UriRoute): vscode.Disposable {
    if (this.routes.has(path)) throw new Error(`The URI path ${path} already has a handler.`);
    this.routes.set(path, route);
    return { dispose: () => this.routes.get(path) === route && this.routes.delete(path) };
  }

  async handleUri(uri: vscode.Uri): Promise<void> {
    const route = this.routes.get(uri.path);
    // The query may carry an authorization code or state: only the path is logged.
    if (!route) {
      this.logger.warn(`Ignored URI for path ${uri.path}: no handler for it.`);
      return;
    }
    try {
      await route(uri);
    } catch (e) {
      this.logger.error(`The handler for ${uri.path} failed: ${(e as Error).message}`);
    }
  }
}
