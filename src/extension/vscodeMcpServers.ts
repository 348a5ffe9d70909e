/**
 * VS Code's own MCP servers, read from its `mcp.json` files and shown in the Connections tree as their own
 * group. They are inspected where they are defined: nothing is copied into MCP Lens's list. A server joins
 * the connection manager (under a `vscode-mcp:` id that is never saved) when the user opens it, with its
 * `${input:…}` values asked once and kept in SecretStorage (keyed by file and input id), and leaves it when
 * its entry leaves the file.
 *
 * The files:
 * - `.vscode/mcp.json` in each workspace folder;
 * - the user `mcp.json`, in the user data folder's `User` directory. The API does not name that folder, so it
 *   is derived from `context.globalStorageUri` (`<user data>/User/globalStorage/<extension id>`): two levels
 *   up is `User`. The extension host is always given the default profile's global storage (checked in the
 *   workbench code of code-server 4.139), so this is the default profile's `mcp.json`; a non-default profile
 *   that does not share MCP servers with the default keeps its own under `User/profiles/<id>/mcp.json`,
 *   which the API gives no way to find and this does not read.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionConfig, HttpConnectionConfig } from '../core/config';
import type { Connection } from '../core/connection';
import { Emitter, type Event } from '../core/events';
import type { ConnectionManager } from '../core/manager';
import {
  isVsCodeMcpId,
  parseMcpJson,
  resolveMcpJsonServer,
  vscodeMcpConnectionId,
  type McpJsonFile,
  type McpJsonInput,
  type McpJsonServer,
  type McpJsonSource,
} from '../core/vscodeMcp/mcpJson';
import { addToMcpJson, existingNames, toMcpJsonAddition } from '../core/vscodeMcp/writeBack';

export { isVsCodeMcpId } from '../core/vscodeMcp/mcpJson';

/** The SecretStorage key of one input value: per file, since two files may use the same input id for different things. */
export function vscodeInputKey(fileUri: string, inputId: string): string {
  return `mcpLens.vscodeInput.${fileUri}#${inputId}`;
}

/** Which input keys hold a value (never the values): SecretStorage cannot list its keys, and "forget" needs them. */
const INPUT_KEYS_STATE = 'mcpLens.vscodeInputKeys.v1';

export interface VsCodeMcpEntry {
  file: McpJsonFile;
  server: McpJsonServer;
  connectionId: string;
}

/** An option of a pickString input. */
export interface PickItem extends vscode.QuickPickItem {
  value: string;
}

/** Where "Add to VS Code" can write. */
export interface McpJsonTarget {
  uri: vscode.Uri;
  scope: 'workspace' | 'user';
  label: string;
}

export interface VsCodeMcpDeps {
  manager: ConnectionManager;
  secrets: vscode.SecretStorage;
  globalState: vscode.Memento;
  globalStorageUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

export class VsCodeMcpServers implements vscode.Disposable {
  private readonly onDidChangeEmitter = new Emitter<void>();
  /** Fires after the files were read again. */
  readonly onDidChange: Event<void> = this.onDidChangeEmitter.event;
  private files: McpJsonFile[] = [];
  private readonly secretHeaderValues = new Map<string, Record<string, string>>();
  private readonly disposables: vscode.Disposable[] = [];
  private folderWatchers: vscode.Disposable[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private reloading: Promise<void> = Promise.resolve();
  /** The input box on screen while a value is asked for (test runs answer it through the test API). */
  pendingInput: vscode.InputBox | vscode.QuickPick<PickItem> | undefined;

  constructor(private readonly deps: VsCodeMcpDeps) {
    this.watchFolders();
    const userWatcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(this.userDirectory(), 'mcp.json'),
    );
    this.disposables.push(
      userWatcher,
      userWatcher.onDidCreate(() => this.scheduleReload()),
      userWatcher.onDidChange(() => this.scheduleReload()),
      userWatcher.onDidDelete(() => this.scheduleReload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watchFolders();
        this.scheduleReload();
      }),
      // An edit in an open editor is seen at save by the watchers; this catches saves the watcher misses
      // (user data folders outside the workspace are not always watched).
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.sources().some((s) => s.uri.toString() === doc.uri.toString())) this.scheduleReload();
      }),
    );
  }

  /** `<user data>/User`, from `<user data>/User/globalStorage/<extension id>` (see the file comment). */
  userDirectory(): vscode.Uri {
    return vscode.Uri.joinPath(this.deps.globalStorageUri, '..', '..');
  }

  /** The files that may exist, workspace folders first. */
  sources(): Array<McpJsonSource & { target: McpJsonTarget }> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const out: Array<McpJsonSource & { target: McpJsonTarget }> = folders.map((folder) => {
      const uri = vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json');
      const label = folders.length > 1 ? `workspace folder ${folder.name}` : 'workspace';
      return {
        uri: uri.toString(),
        scope: 'workspace' as const,
        label,
        workspaceFolder: folder.uri.fsPath,
        target: { uri, scope: 'workspace' as const, label: `${label}: .vscode/mcp.json` },
      };
    });
    const userUri = vscode.Uri.joinPath(this.userDirectory(), 'mcp.json');
    out.push({
      uri: userUri.toString(),
      scope: 'user' as const,
      label: 'user',
      // VS Code resolves `${workspaceFolder}` in user servers against the open folder; with several, the first.
      workspaceFolder: folders[0]?.uri.fsPath,
      target: { uri: userUri, scope: 'user', label: 'user mcp.json' },
    });
    return out;
  }

  /** The files read, with their servers and problems (files that do not exist are left out). */
  list(): readonly McpJsonFile[] {
    return this.files;
  }

  entries(): VsCodeMcpEntry[] {
    return this.files.flatMap((file) =>
      file.servers.map((server) => ({ file, server, connectionId: vscodeMcpConnectionId(file.source, server.name) })),
    );
  }

  entry(connectionId: string): VsCodeMcpEntry | undefined {
    return this.entries().find((e) => e.connectionId === connectionId);
  }

  /** Reads every file again (watchers call this a little after a change, so a burst of events reads once). */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.readAll()).catch((e) => this.deps.log.error(String(e)));
    return this.reloading;
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, 100);
  }

  private watchFolders(): void {
    for (const d of this.folderWatchers) d.dispose();
    this.folderWatchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.vscode/mcp.json'));
      this.folderWatchers.push(
        watcher,
        watcher.onDidCreate(() => this.scheduleReload()),
        watcher.onDidChange(() => this.scheduleReload()),
        watcher.onDidDelete(() => this.scheduleReload()),
      );
    }
  }

  private async readAll(): Promise<void> {
    const files: McpJsonFile[] = [];
    for (const source of this.sources()) {
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(source.uri)));
      } catch (e) {
        if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') continue;
        files.push({
          source,
          inputs: [],
          servers: [],
          problems: [`The file could not be read: ${e instanceof Error ? e.message : String(e)}`],
        });
        continue;
      }
      const { target: _target, ...plainSource } = source;
      const file = parseMcpJson(text, plainSource);
      for (const problem of file.problems) this.deps.log.warn(`${source.label} mcp.json: ${problem}`);
      files.push(file);
    }
    const before = new Map(this.entries().map((e) => [e.connectionId, JSON.stringify(e.server.definition)]));
    const inputsBefore = new Map(this.files.map((f) => [f.source.uri, JSON.stringify(f.inputs)]));
    this.files = files;
    // Servers that are open follow their file: gone → removed; changed → reopened with the stored inputs
    // (or closed when it now needs an input that was never given: the next click asks for it).
    for (const connection of this.deps.manager.list()) {
      if (!isVsCodeMcpId(connection.id)) continue;
      const entry = this.entry(connection.id);
      if (!entry) {
        await this.close(connection.id);
        continue;
      }
      const changed =
        before.get(connection.id) !== JSON.stringify(entry.server.definition) ||
        inputsBefore.get(entry.file.source.uri) !== JSON.stringify(entry.file.inputs);
      if (!changed) continue;
      const resolved = await this.resolve(entry, false);
      if (resolved.config) await this.deps.manager.update(resolved.config);
      else await this.close(connection.id);
    }
    this.onDidChangeEmitter.fire();
  }

  private async close(connectionId: string): Promise<void> {
    this.secretHeaderValues.delete(connectionId);
    await this.deps.manager.remove(connectionId);
  }

  /** Secret header values of an opened HTTP server (in memory only, like the file's inputs they came from). */
  async secretHeaders(config: HttpConnectionConfig): Promise<Record<string, string>> {
    return { ...(this.secretHeaderValues.get(config.id) ?? {}) };
  }

  /**
   * Resolves an entry into a config: stored input values first; the missing ones are asked for when
   * `ask` (undefined when the user cancels). Problems are returned, never thrown.
   */
  private async resolve(
    entry: VsCodeMcpEntry,
    ask: boolean,
  ): Promise<{ config?: ConnectionConfig; problems: string[]; cancelled?: boolean }> {
    const values: Record<string, string> = {};
    for (const id of entry.server.inputIds) {
      const input = entry.file.inputs.find((i) => i.id === id);
      if (!input) continue;
      const key = vscodeInputKey(entry.file.source.uri, id);
      let value = await this.deps.secrets.get(key);
      if (value === undefined && ask) {
        value = await this.askInput(input, entry);
        if (value === undefined) return { problems: [], cancelled: true };
        await this.deps.secrets.store(key, value);
        await this.rememberKey(key);
      }
      if (value !== undefined) values[id] = value;
    }
    const resolved = resolveMcpJsonServer(entry.file, entry.server, {
      userHome: os.homedir(),
      env: process.env,
      inputs: values,
      // envFile paths are local paths of the extension host, read when the server is opened.
      readFile: (file) => fs.readFileSync(file, 'utf8'),
      resolvePath: (base, p) => path.resolve(base, p),
      pathSeparator: path.sep,
    });
    if (resolved.config) this.secretHeaderValues.set(resolved.config.id, resolved.secretHeaderValues);
    return { config: resolved.config, problems: resolved.problems };
  }

  private askInput(input: McpJsonInput, entry: VsCodeMcpEntry): Promise<string | undefined> {
    const title = `${entry.server.name} (${entry.file.source.label} mcp.json): ${input.description ?? input.id}`;
    const ui = input.type === 'pickString' ? this.pickBox(input, title) : this.inputBox(input, title);
    this.pendingInput = ui.widget;
    return new Promise<string | undefined>((resolve) => {
      let settled = false;
      const finish = (value: string | undefined) => {
        if (settled) return;
        settled = true;
        if (this.pendingInput === ui.widget) this.pendingInput = undefined;
        resolve(value);
        ui.widget.dispose();
      };
      ui.widget.onDidAccept(() => finish(ui.value()));
      ui.widget.onDidHide(() => finish(undefined));
      ui.widget.show();
    });
  }

  private inputBox(input: McpJsonInput, title: string): { widget: vscode.InputBox; value(): string } {
    const box = vscode.window.createInputBox();
    box.title = title;
    box.prompt = `${input.description ?? input.id} — kept in MCP Lens's secret storage, asked once`;
    box.password = input.password;
    box.value = input.default ?? '';
    box.ignoreFocusOut = true;
    return { widget: box, value: () => box.value };
  }

  private pickBox(
    input: McpJsonInput,
    title: string,
  ): { widget: vscode.QuickPick<PickItem>; value(): string | undefined } {
    const pick = vscode.window.createQuickPick<PickItem>();
    pick.title = title;
    pick.placeholder = input.description ?? input.id;
    pick.ignoreFocusOut = true;
    pick.items = (input.options ?? []).map((o) => ({
      label: o.label,
      description: o.value === input.default ? 'default' : undefined,
      value: o.value,
    }));
    const preferred = pick.items.find((item) => item.value === input.default);
    if (preferred) pick.activeItems = [preferred];
    return { widget: pick, value: () => (pick.selectedItems[0] ?? pick.activeItems[0])?.value };
  }

  private async rememberKey(key: string): Promise<void> {
    const keys = this.deps.globalState.get<string[]>(INPUT_KEYS_STATE, []);
    if (!keys.includes(key)) await this.deps.globalState.update(INPUT_KEYS_STATE, [...keys, key]);
  }

  /** Whether a value of an input is stored (for the command that forgets them, and for tests; never the value). */
  async hasStoredInput(fileUri: string, inputId: string): Promise<boolean> {
    return (await this.deps.secrets.get(vscodeInputKey(fileUri, inputId))) !== undefined;
  }

  /** Deletes every stored input value (all files); returns how many there were. Open servers keep running. */
  async forgetInputs(): Promise<number> {
    const keys = this.deps.globalState.get<string[]>(INPUT_KEYS_STATE, []);
    for (const key of keys) await this.deps.secrets.delete(key);
    await this.deps.globalState.update(INPUT_KEYS_STATE, []);
    return keys.length;
  }

  /**
   * Puts a server into the manager (or refreshes it there) and returns its connection; undefined when
   * the user cancelled an input. Throws with the server's problems when it cannot start.
   */
  async open(connectionId: string): Promise<Connection | undefined> {
    await this.reloading;
    const entry = this.entry(connectionId);
    if (!entry) throw new Error('This server is no longer in its mcp.json.');
    const resolved = await this.resolve(entry, true);
    if (resolved.cancelled) return undefined;
    if (!resolved.config) {
      throw new Error(
        `"${entry.server.name}" in the ${entry.file.source.label} mcp.json cannot start: ${resolved.problems.join(' ')}`,
      );
    }
    const existing = this.deps.manager.get(connectionId);
    if (existing) {
      if (JSON.stringify(existing.config) !== JSON.stringify(resolved.config)) {
        await this.deps.manager.update(resolved.config);
      }
      return existing;
    }
    return this.deps.manager.add(resolved.config);
  }

  /**
   * "Add to VS Code": writes the connection into an mcp.json (created when missing), its secrets as password
   * inputs whose values go to SecretStorage, and reads the files again. Returns the server's name in the file.
   */
  async addToFile(
    config: ConnectionConfig,
    secretHeaderValues: Record<string, string>,
    target: McpJsonTarget,
  ): Promise<string> {
    let text = '';
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target.uri));
    } catch (e) {
      if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound')) throw e;
    }
    const addition = toMcpJsonAddition(config, secretHeaderValues, existingNames(text));
    const updated = addToMcpJson(text, addition);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target.uri, '..'));
    await vscode.workspace.fs.writeFile(target.uri, new TextEncoder().encode(updated));
    for (const [id, value] of Object.entries(addition.inputValues)) {
      const key = vscodeInputKey(target.uri.toString(), id);
      await this.deps.secrets.store(key, value);
      await this.rememberKey(key);
    }
    await this.reload();
    return addition.name;
  }

  dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const d of [...this.disposables, ...this.folderWatchers]) d.dispose();
    this.pendingInput?.dispose();
    this.onDidChangeEmitter.dispose();
  }
}
