/**
 * Export Session Trace… (a connection's protocol trace and its last OAuth debugger run, as a
 * HAR-like JSON file) and Open Session Trace… (such a file, validated, shown as a read-only
 * timeline). The format, its redaction and the timeline live in src/core/sessionTrace.ts.
 */
import * as vscode from 'vscode';
import { isHttpConfig } from '../../core/config';
import { buildSessionTrace, parseSessionTrace, renderSessionTrace, sessionTraceToJson } from '../../core/sessionTrace';
import { COMMANDS } from '../commands';
import { ReadOnlyDocuments } from '../resultDocuments';
import { inertText, type CommandDeps, type HandlerTable } from './shared';

type SessionTraceCommand = typeof COMMANDS.exportSessionTrace | typeof COMMANDS.openSessionTrace;

export const SESSION_SCHEME = 'mcp-lens-session';
/** Session files are a few MB at most (a trace buffer holds 32 MB at the very most). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The opened session traces, as read-only documents (nothing to save, nothing to edit). */
export class SessionTraceDocuments extends ReadOnlyDocuments {
  constructor() {
    super(
      SESSION_SCHEME,
      10,
      'This session trace is no longer kept. Open it again with MCP Lens: Open Session Trace….\n',
    );
  }

  add(name: string, text: string): vscode.Uri {
    return this.store(undefined, `session-${name}`, 'txt', text);
  }
}

/** Explicit arguments (from code and tests): the file to write or read, instead of a dialog. */
export interface SessionFileArgs {
  file?: string;
}

function fileArg(value: unknown): string | undefined {
  if (value instanceof vscode.Uri) return value.fsPath;
  if (typeof value === 'object' && value !== null && typeof (value as SessionFileArgs).file === 'string') {
    return (value as SessionFileArgs).file;
  }
  return undefined;
}

function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'connection';
}

export function sessionTraceCommands(
  deps: CommandDeps,
  documents: SessionTraceDocuments,
): HandlerTable<SessionTraceCommand> {
  const { store, log, showError, resolveConnection } = deps;

  return {
    [COMMANDS.exportSessionTrace]: async (arg, options): Promise<string | undefined> => {
      const connection = await resolveConnection(arg, 'Connection whose session trace to export');
      if (!connection) return undefined;
      const { config } = connection;
      try {
        const messages = connection.trace.entries();
        const oauth = deps.oauthTrace?.(connection.id);
        if (!messages.length && !oauth) {
          throw new Error(
            `the trace of "${config.name}" is empty. Connect and use the server first, then export its session.`,
          );
        }
        // The secret header values, to redact them wherever they appear, as the trace itself does.
        const secretValues = isHttpConfig(config) ? Object.values(await store.secretHeaders(config)) : [];
        const trace = buildSessionTrace({
          connection: {
            name: config.name,
            transport: connection.activeTransport ?? config.transport,
            ...(isHttpConfig(config) ? { url: config.url } : { command: config.command }),
          },
          protocolVersion: connection.protocolVersion,
          messages,
          oauth,
          secretValues,
          creatorVersion: deps.extensionVersion ?? 'unknown',
        });
        let target = fileArg(options);
        if (!target) {
          const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
          const name = `mcp-lens-session-${fileSafe(config.name)}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
          const picked = await vscode.window.showSaveDialog({
            filters: { 'MCP Lens session trace': ['json'] },
            saveLabel: 'Export Session Trace',
            title: `Export the session trace of ${config.name}`,
            ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
          });
          if (!picked) return undefined;
          target = picked.fsPath;
        }
        const uri = vscode.Uri.file(target);
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(sessionTraceToJson(trace)));
        log.info(`Exported the session trace of "${config.name}" (${trace.log.entries.length} entries) to ${target}`);
        void vscode.window
          .showInformationMessage(
            inertText(
              `The session trace of "${config.name}" (${trace.log.entries.length} entries, secrets redacted) was saved to ${target}.`,
            ),
            'Open',
          )
          .then((choice) => {
            if (choice === 'Open') void vscode.commands.executeCommand(COMMANDS.openSessionTrace, { file: target });
          });
        return target;
      } catch (e) {
        void showError('Could not export the session trace', e);
        return undefined;
      }
    },

    [COMMANDS.openSessionTrace]: async (arg): Promise<vscode.Uri | undefined> => {
      let file = fileArg(arg);
      if (!file) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Open Session Trace',
          title: 'MCP Lens session trace to open',
          filters: { 'MCP Lens session trace': ['json'], 'All files': ['*'] },
        });
        if (!picked?.[0]) return undefined;
        file = picked[0].fsPath;
      }
      try {
        const uri = vscode.Uri.file(file);
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_FILE_BYTES) {
          throw new Error(
            `${file} is ${Math.round(stat.size / 1024 / 1024)} MiB: too large for a session trace (64 MiB at most).`,
          );
        }
        const trace = parseSessionTrace(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
        const view = documents.add(fileSafe(trace.log._mcpLens.connection.name), renderSessionTrace(trace));
        const document = await vscode.workspace.openTextDocument(view);
        await vscode.window.showTextDocument(document, { preview: false });
        return view;
      } catch (e) {
        // Not awaited: the error stays up until dismissed, and the command has nothing more to do.
        void showError(`Could not open the session trace ${file}`, e);
        return undefined;
      }
    },
  };
}
