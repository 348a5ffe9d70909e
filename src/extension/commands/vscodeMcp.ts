/**
 * VS Code's own MCP servers (vscodeMcpServers.ts): inspect one in one click, open its mcp.json, write an
 * MCP Lens connection into an mcp.json ("Add to VS Code"), and forget the input values MCP Lens asked for.
 */
import * as vscode from 'vscode';
import { isHttpConfig } from '../../core/config';
import { COMMANDS } from '../commands';
import { isVsCodeMcpId, type McpJsonTarget, type VsCodeMcpEntry } from '../vscodeMcpServers';
import { errorText, inertText, isTreeNode, type CommandDeps, type HandlerTable } from './shared';

type VsCodeMcpCommand =
  | typeof COMMANDS.inspectVsCodeServer
  | typeof COMMANDS.openVsCodeMcpJson
  | typeof COMMANDS.addToVsCode
  | typeof COMMANDS.forgetVsCodeInputs;

export function vscodeMcpCommands(deps: CommandDeps): HandlerTable<VsCodeMcpCommand> {
  const { vscodeMcp, log, showError } = deps;

  /** An entry from a tree node, a connection id, a server name, or a pick. */
  async function pickEntry(arg: unknown, placeHolder: string): Promise<VsCodeMcpEntry | undefined> {
    const entries = vscodeMcp.entries();
    if (isTreeNode(arg) || typeof arg === 'string') {
      const key = isTreeNode(arg) ? arg.connectionId : arg;
      const found = vscodeMcp.entry(key) ?? entries.find((e) => e.server.name === key);
      if (!found) throw new Error(`There is no server "${key}" in VS Code's mcp.json files.`);
      return found;
    }
    if (!entries.length) {
      void vscode.window.showInformationMessage(
        "VS Code's mcp.json files (.vscode/mcp.json, the user mcp.json) define no MCP servers.",
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      entries.map((entry) => ({
        label: entry.server.name,
        description: `${entry.server.kind ?? 'unknown type'} · ${entry.file.source.label} mcp.json`,
        detail: entry.server.problems.length ? `Cannot start: ${entry.server.problems[0]}` : undefined,
        entry,
      })),
      { placeHolder },
    );
    return picked?.entry;
  }

  return {
    [COMMANDS.inspectVsCodeServer]: async (arg) => {
      let entry: VsCodeMcpEntry | undefined;
      try {
        entry = await pickEntry(arg, 'VS Code MCP server to inspect');
        if (!entry) return undefined;
        const connection = await vscodeMcp.open(entry.connectionId);
        if (!connection) return undefined; // an input was cancelled
        if (connection.status.state !== 'connected' && !(await deps.connectInteractive(connection))) {
          return connection.id;
        }
        await vscode.commands.executeCommand(COMMANDS.openInspector, connection.id);
        await deps
          .revealConnection(connection.id)
          .catch((e) => log.warn(`Could not reveal ${connection.config.name}: ${errorText(e)}`));
        return connection.id;
      } catch (e) {
        const message = `Could not open ${entry ? `"${entry.server.name}"` : 'the server'}: ${inertText(errorText(e))}`;
        log.error(message);
        // Not awaited: the command is done; the notification stays until the user acts on it.
        const connectionId = entry?.connectionId;
        void vscode.window.showErrorMessage(message, ...(connectionId ? ['Open mcp.json'] : [])).then((choice) => {
          if (choice && connectionId) void vscode.commands.executeCommand(COMMANDS.openVsCodeMcpJson, connectionId);
        });
        return undefined;
      }
    },
    [COMMANDS.openVsCodeMcpJson]: async (arg) => {
      const entry = await pickEntry(arg, 'VS Code MCP server whose mcp.json to open').catch(async (e) => {
        await showError('Could not open mcp.json', e);
        return undefined;
      });
      if (!entry) return;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(entry.file.source.uri));
      const line = Math.max(0, (entry.server.line ?? 1) - 1);
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
    },
    [COMMANDS.addToVsCode]: async (arg, where) => {
      try {
        const connection = await deps.resolveConnection(
          arg,
          'Connection to add to VS Code',
          (c) => !isVsCodeMcpId(c.id),
        );
        if (!connection) return undefined;
        if (isVsCodeMcpId(connection.id)) {
          void vscode.window.showInformationMessage(`"${connection.config.name}" is already in VS Code's mcp.json.`);
          return undefined;
        }
        const targets = vscodeMcp.sources().map((s) => s.target);
        const target = typeof where === 'string' ? findTarget(targets, where) : await pickTarget(targets);
        if (!target) return undefined;
        const secrets = isHttpConfig(connection.config) ? await deps.store.secretHeaders(connection.config) : {};
        const name = await vscodeMcp.addToFile(connection.config, secrets, target);
        log.info(`Added "${connection.config.name}" to the ${target.label} as "${name}"`);
        void vscode.window
          .showInformationMessage(
            `Added "${name}" to the ${target.label}. Its secrets are password inputs: VS Code asks for them once.`,
            'Open mcp.json',
          )
          .then((choice) => {
            if (choice) void vscode.window.showTextDocument(target.uri);
          });
        return name;
      } catch (e) {
        await showError('Could not add the connection to VS Code', e);
        return undefined;
      }
    },
    [COMMANDS.forgetVsCodeInputs]: async () => {
      const count = await vscodeMcp.forgetInputs();
      void vscode.window.showInformationMessage(
        count
          ? `Forgot ${count} input value${count === 1 ? '' : 's'} of VS Code MCP servers; they are asked again the next time.`
          : 'No input values of VS Code MCP servers were stored.',
      );
      return count;
    },
  };
}

/** A target named by code or tests: "user", "workspace" (the first folder), or a file URI. */
function findTarget(targets: McpJsonTarget[], where: string): McpJsonTarget {
  const found =
    where === 'user' || where === 'workspace'
      ? targets.find((t) => t.scope === where)
      : targets.find((t) => t.uri.toString() === where);
  if (!found) throw new Error(`There is no mcp.json "${where}" to write to (open a folder for a workspace one).`);
  return found;
}

async function pickTarget(targets: McpJsonTarget[]): Promise<McpJsonTarget | undefined> {
  const picked = await vscode.window.showQuickPick(
    targets.map((target) => ({
      label: target.scope === 'user' ? 'User' : 'Workspace',
      description: target.label,
      detail:
        target.scope === 'user'
          ? 'Every workspace of this profile sees the server.'
          : 'Only this folder sees it; the file can be committed (its secrets are inputs, not values).',
      target,
    })),
    { placeHolder: "Which mcp.json should VS Code's server go to?", ignoreFocusOut: true },
  );
  return picked?.target;
}
