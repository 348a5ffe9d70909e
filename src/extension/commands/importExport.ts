/**
 * Import MCP Servers… (from a config file or the clipboard, with a preview to pick from) and
 * Export Connection… (as another client's JSON, in a new untitled document or the clipboard).
 * The parsing and writing live in src/core/importExport; this file is the VS Code side.
 */
import * as vscode from 'vscode';
import {
  EXPORT_FORMATS,
  IMPORT_FORMAT_LABELS,
  type ExportFormat,
  type ImportResult,
  type ImportedConnection,
  exportConnection,
  importConfigText,
  uniqueName,
} from '../../core/importExport';
import { TRANSPORT_LABELS, formatCommandLine, isHttpConfig } from '../../core/config';
import { COMMANDS } from '../commands';
import type { SavedScope } from '../connectionStore';
import type { ScopeSetting } from '../connectionWizard';
import { errorText, inertText, type CommandDeps, type HandlerTable } from './shared';

type ImportExportCommand = typeof COMMANDS.importServers | typeof COMMANDS.exportConnection;

/**
 * Explicit arguments (from code and tests): the config `text` or a `file` path instead of asking,
 * `selectAll` to take every importable entry without the preview, and the `scope` to save in.
 */
export interface ImportArgs {
  text?: string;
  file?: string;
  selectAll?: boolean;
  scope?: SavedScope;
}

/** Explicit arguments of Export Connection…, after the connection (a tree node or an id). */
export interface ExportArgs {
  format?: ExportFormat;
  destination?: 'document' | 'clipboard';
}

const MAX_FILE_BYTES = 5 * 1024 * 1024;

export function importExportCommands(deps: CommandDeps): HandlerTable<ImportExportCommand> {
  const { store, log, showError, resolveConnection } = deps;

  async function readSource(args: ImportArgs): Promise<{ text: string; origin: string } | undefined> {
    if (args.text !== undefined) return { text: args.text, origin: 'the given text' };
    let uri: vscode.Uri | undefined = args.file ? vscode.Uri.file(args.file) : undefined;
    if (!uri) {
      const source = await vscode.window.showQuickPick(
        [
          {
            label: '$(file) From a file…',
            detail:
              'claude_desktop_config.json, .cursor/mcp.json, mcp_config.json, .mcp.json, ~/.claude.json, server.json',
            from: 'file' as const,
          },
          {
            label: '$(clippy) From the clipboard',
            detail: 'JSON copied from a config or a README',
            from: 'clipboard' as const,
          },
        ],
        { placeHolder: 'Import MCP servers from…', ignoreFocusOut: true },
      );
      if (!source) return undefined;
      if (source.from === 'clipboard') return { text: await vscode.env.clipboard.readText(), origin: 'the clipboard' };
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Import',
        title: 'MCP server config to import',
        filters: { 'JSON config': ['json', 'jsonc'], 'All files': ['*'] },
      });
      uri = picked?.[0];
      if (!uri) return undefined;
    }
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_FILE_BYTES) {
      throw new Error(
        `${uri.fsPath} is ${Math.round(stat.size / 1024)} KiB: too large for a config file (5 MiB at most).`,
      );
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    return { text: new TextDecoder().decode(bytes), origin: uri.fsPath };
  }

  async function pickScope(args: ImportArgs): Promise<SavedScope | undefined> {
    if (args.scope) return args.scope;
    const hasWorkspace = !!vscode.workspace.workspaceFolders?.length;
    const setting = vscode.workspace.getConfiguration('mcpLens').get<ScopeSetting>('connectionsScope', 'ask');
    if (!hasWorkspace) return 'user';
    if (setting !== 'ask') return setting;
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'User', detail: 'Available in every workspace on this machine.', scope: 'user' as const },
        {
          label: 'Workspace',
          detail: 'Only in this workspace (kept in workspace state).',
          scope: 'workspace' as const,
        },
      ],
      { placeHolder: 'Where should the imported connections be saved?', ignoreFocusOut: true },
    );
    return picked?.scope;
  }

  /** The preview: every importable entry, checked by default, with its warnings; skipped entries are counted. */
  async function pickEntries(result: ImportResult, origin: string): Promise<ImportedConnection[] | undefined> {
    type Item = vscode.QuickPickItem & { entry: ImportedConnection };
    const items: Item[] = result.connections.map((entry) => {
      const { config } = entry;
      const target = isHttpConfig(config) ? config.url : formatCommandLine([config.command, ...config.args]);
      const notes = entry.notes;
      const secrets =
        isHttpConfig(config) && config.secretHeaders?.length ? ` · secret: ${config.secretHeaders.join(', ')}` : '';
      return {
        label: config.name,
        description: `${TRANSPORT_LABELS[config.transport]} · ${inertText(target, 120)}${secrets}`,
        detail: notes.length ? `$(warning) ${inertText(notes.join(' '), 300)}` : undefined,
        picked: true,
        entry,
      };
    });
    const skipped = result.skipped.length ? ` · ${result.skipped.length} skipped (see the MCP Lens log)` : '';
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      ignoreFocusOut: true,
      title: `Import from ${IMPORT_FORMAT_LABELS[result.format]}`,
      placeHolder: `${items.length} server(s) in ${inertText(origin, 80)}${skipped}. Uncheck the ones to leave out.`,
    });
    return picked?.map((p) => p.entry);
  }

  return {
    [COMMANDS.importServers]: async (arg): Promise<string[] | undefined> => {
      const args: ImportArgs = typeof arg === 'object' && arg !== null && !('kind' in arg) ? (arg as ImportArgs) : {};
      let source: { text: string; origin: string } | undefined;
      let result: ImportResult;
      try {
        source = await readSource(args);
        if (!source) return undefined;
        result = importConfigText(source.text);
      } catch (e) {
        await showError('Could not import MCP servers', e);
        return undefined;
      }
      // Names must not clash with the saved connections: an imported "github" next to an existing one becomes "github (2)".
      const taken = store.list().map((c) => c.config.name);
      for (const entry of result.connections) {
        const unique = uniqueName(entry.config.name, taken);
        if (unique !== entry.config.name) {
          entry.notes.push(`renamed from "${entry.config.name}": a connection with that name exists.`);
          entry.config.name = unique;
        }
        taken.push(unique);
      }
      for (const s of result.skipped) log.warn(`Import from ${source.origin}: skipped "${s.name}": ${s.reason}`);
      for (const c of result.connections) {
        for (const note of c.notes) log.info(`Import from ${source.origin}: ${c.config.name}: ${note}`);
      }
      if (!result.connections.length) {
        void vscode.window.showWarningMessage(
          inertText(
            `Nothing to import from ${source.origin}: ${result.skipped.map((s) => `"${s.name}": ${s.reason}`).join(' ') || 'the config lists no servers.'}`,
          ),
        );
        return [];
      }
      const chosen = args.selectAll ? result.connections : await pickEntries(result, source.origin);
      if (!chosen?.length) return undefined;
      const scope = await pickScope(args);
      if (!scope) return undefined;
      const added: string[] = [];
      const failed: string[] = [];
      for (const { config, secretValues } of chosen) {
        try {
          await deps.saveConnection(config, scope, secretValues);
          added.push(config.id);
          log.info(`Imported connection "${config.name}" (${scope} scope) from ${source.origin}`);
        } catch (e) {
          failed.push(`"${config.name}": ${errorText(e)}`);
        }
      }
      const warned = chosen.filter((c) => c.notes.length).length;
      const summary =
        `Imported ${added.length} MCP server(s).` +
        (warned ? ` ${warned} need attention (see the MCP Lens log).` : '') +
        (failed.length ? ` Not saved: ${failed.join(' ')}` : '');
      if (failed.length) void vscode.window.showWarningMessage(inertText(summary));
      else void vscode.window.showInformationMessage(inertText(summary));
      if (added[0]) {
        await deps
          .revealConnection(added[0])
          .catch((e) => log.warn(`Could not reveal the imported connection: ${errorText(e)}`));
      }
      return added;
    },

    [COMMANDS.exportConnection]: async (arg, options): Promise<string | undefined> => {
      const connection = await resolveConnection(arg, 'Connection to export');
      if (!connection) return undefined;
      const given = (typeof options === 'object' && options !== null ? options : {}) as ExportArgs;
      let format = given.format;
      if (!format) {
        const picked = await vscode.window.showQuickPick(
          EXPORT_FORMATS.map((f) => ({ label: f.label, detail: f.detail, format: f.format })),
          { placeHolder: `Export "${connection.config.name}" for…`, ignoreFocusOut: true },
        );
        if (!picked) return undefined;
        format = picked.format;
      }
      let text: string;
      try {
        text = exportConnection(connection.config, format);
      } catch (e) {
        await showError('Could not export the connection', e);
        return undefined;
      }
      let destination = given.destination;
      if (!destination) {
        const picked = await vscode.window.showQuickPick(
          [
            { label: '$(new-file) New JSON document', destination: 'document' as const },
            { label: '$(clippy) Copy to the clipboard', destination: 'clipboard' as const },
          ],
          { placeHolder: 'Where should the exported config go?', ignoreFocusOut: true },
        );
        if (!picked) return undefined;
        destination = picked.destination;
      }
      if (destination === 'clipboard') {
        await vscode.env.clipboard.writeText(text);
        void vscode.window.showInformationMessage(
          inertText(`Copied "${connection.config.name}" as ${format} JSON. Secret values are left as "<set me>".`),
        );
      } else {
        const document = await vscode.workspace.openTextDocument({ language: 'json', content: text });
        await vscode.window.showTextDocument(document, { preview: false });
      }
      return text;
    },
  };
}
