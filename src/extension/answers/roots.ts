/**
 * The roots each connection offers its server (MCP `roots/list`): by default the workspace
 * folders, or a custom list edited for one connection. Custom lists are kept in globalState (they
 * are paths, not secrets) under a versioned key. Only `import type` from vscode, so it is
 * unit-tested with plain fakes.
 */
import type { Memento } from 'vscode';
import { Emitter, type Event } from '../../core/events';
import type { RootsView, RootView } from '../../shared/protocol';

export const ROOTS_STATE_KEY = 'mcpLens.roots.v1';
export const MAX_ROOTS = 100;

/** What a workspace folder gives (vscode.WorkspaceFolder's parts used here). */
export interface FolderLike {
  uri: { scheme: string; toString(): string };
  name: string;
}

/** The workspace folders as roots. MCP roots are `file://` URIs, so folders of other schemes (virtual, remote) are left out. */
export function workspaceRoots(folders: readonly FolderLike[] | undefined): RootView[] {
  return (folders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ uri: f.uri.toString(), name: f.name }));
}

/** Why a root cannot be offered, or undefined when it can. */
export function rootProblem(root: RootView): string | undefined {
  let url: URL;
  try {
    url = new URL(root.uri);
  } catch {
    return `"${root.uri}" is not a URI; roots are file:// URIs such as file:///home/me/project.`;
  }
  if (url.protocol !== 'file:') return `"${root.uri}" is not a file:// URI; MCP roots must be file:// URIs.`;
  return undefined;
}

export class RootsStore {
  private readonly changeEmitter = new Emitter<string | undefined>();
  /** A connection's roots changed (its id), or the workspace folders did (undefined: every connection using them). */
  readonly onDidChange: Event<string | undefined> = this.changeEmitter.event;

  constructor(
    private readonly state: Memento,
    private readonly folders: () => readonly FolderLike[] | undefined,
  ) {}

  private custom(): Record<string, RootView[]> {
    const stored = this.state.get<unknown>(ROOTS_STATE_KEY);
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
    const out: Record<string, RootView[]> = {};
    for (const [id, roots] of Object.entries(stored as Record<string, unknown>)) {
      if (!Array.isArray(roots)) continue;
      // A stored list is read back defensively: another version may have written it.
      out[id] = roots.flatMap((r) => {
        const root = r as { uri?: unknown; name?: unknown };
        if (typeof root?.uri !== 'string') return [];
        const view: RootView = { uri: root.uri, ...(typeof root.name === 'string' ? { name: root.name } : {}) };
        return rootProblem(view) ? [] : [view];
      });
    }
    return out;
  }

  view(connectionId: string): RootsView {
    const custom = this.custom()[connectionId];
    return custom
      ? { source: 'custom', roots: custom }
      : { source: 'workspace', roots: workspaceRoots(this.folders()) };
  }

  rootsFor(connectionId: string): RootView[] {
    return this.view(connectionId).roots;
  }

  /** Sets a connection's custom roots; `null` goes back to the workspace folders. Throws on a root that is not a file:// URI. */
  async set(connectionId: string, roots: RootView[] | null): Promise<RootsView> {
    const all = this.custom();
    if (roots === null) delete all[connectionId];
    else {
      if (roots.length > MAX_ROOTS) throw new Error(`At most ${MAX_ROOTS} roots can be offered.`);
      for (const root of roots) {
        const problem = rootProblem(root);
        if (problem) throw new Error(problem);
      }
      all[connectionId] = roots.map((r) => ({ uri: r.uri, ...(r.name ? { name: r.name } : {}) }));
    }
    await this.state.update(ROOTS_STATE_KEY, all);
    this.changeEmitter.fire(connectionId);
    return this.view(connectionId);
  }

  /** Forgets a removed connection's custom roots. */
  async forget(connectionId: string): Promise<void> {
    const all = this.custom();
    if (!(connectionId in all)) return;
    delete all[connectionId];
    await this.state.update(ROOTS_STATE_KEY, all);
  }

  /** The workspace folders changed: connections that use them must tell their servers. */
  workspaceChanged(): void {
    this.changeEmitter.fire(undefined);
  }

  /** Whether a connection uses the workspace folders (and so hears about folder changes). */
  usesWorkspace(connectionId: string): boolean {
    return this.view(connectionId).source === 'workspace';
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
