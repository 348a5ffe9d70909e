/** The dev loop's commands for stdio servers: watch sources (restart on change), debug the server, stop debugging. */
import * as vscode from 'vscode';
import type { StdioConnectionConfig } from '../../core/config';
import {
  DEFAULT_WATCH_GLOBS,
  type DebugRuntime,
  detectRuntime,
  parseGlobList,
  validateWatchGlobs,
} from '../../core/devLoop';
import { isVsCodeMcpId } from '../../core/vscodeMcp/mcpJson';
import { COMMANDS } from '../commands';
import { type DevLoop, type StdioConnection, isStdio } from '../devLoop/devLoop';
import { inertText, type CommandDeps, type HandlerTable } from './shared';

type DevLoopCommand =
  typeof COMMANDS.watchServerSources | typeof COMMANDS.debugServer | typeof COMMANDS.stopDebuggingServer;

export function devLoopCommands(deps: CommandDeps, devLoop: DevLoop | undefined): HandlerTable<DevLoopCommand> {
  const { store, log, showError, resolveConnection } = deps;
  const needDevLoop = (): DevLoop => {
    if (!devLoop) throw new Error('The dev loop is not available in this window.');
    return devLoop;
  };
  const stdioConnection = async (
    arg: unknown,
    placeHolder: string,
    filter: (c: StdioConnection) => boolean = () => true,
  ) => {
    const connection = await resolveConnection(arg, placeHolder, (c) => isStdio(c) && filter(c));
    if (connection && !isStdio(connection)) {
      void vscode.window.showInformationMessage(
        `"${inertText(connection.config.name)}" is not a stdio server: only servers that MCP Lens starts can be watched or debugged.`,
      );
      return undefined;
    }
    return connection;
  };

  return {
    [COMMANDS.watchServerSources]: async (arg, globsArg?: unknown) => {
      try {
        const connection = await stdioConnection(arg, 'Server whose sources to watch');
        if (!connection) return undefined;
        if (isVsCodeMcpId(connection.id)) {
          void vscode.window.showInformationMessage(
            `"${inertText(connection.config.name)}" comes from an mcp.json: add "dev": { "watch": "src/**/*.ts" } to its entry there (VS Code's development mode, which MCP Lens follows).`,
          );
          return undefined;
        }
        const stored = store.get(connection.id);
        if (!stored || stored.scope === 'settings') {
          void vscode.window.showInformationMessage(
            `"${inertText(connection.config.name)}" comes from the mcpLens.connections setting: add "watch": ["src/**/*.ts"] to its entry there.`,
          );
          return undefined;
        }
        const base = needDevLoop().watchBase(connection.config);
        let globs: string[] | undefined;
        if (Array.isArray(globsArg)) globs = globsArg.filter((g): g is string => typeof g === 'string');
        else {
          const current = connection.config.watch?.length ? connection.config.watch : DEFAULT_WATCH_GLOBS;
          const text = await vscode.window.showInputBox({
            title: `Watch the sources of ${connection.config.name}`,
            prompt: `Glob patterns, separated by commas, relative to ${base ? base.fsPath : "the server's cwd"}. A change restarts the server. Empty: stop watching.`,
            value: current.join(', '),
            validateInput: (value) => (value.trim() ? validateWatchGlobs(parseGlobList(value)) : undefined),
          });
          if (text === undefined) return undefined;
          globs = parseGlobList(text);
        }
        const problem = globs.length ? validateWatchGlobs(globs) : undefined;
        if (problem) throw new Error(problem);
        const config: StdioConnectionConfig = { ...connection.config };
        if (globs.length) config.watch = globs;
        else delete config.watch;
        await deps.saveConnection(config, stored.scope, {});
        const message = globs.length
          ? `Watching ${globs.join(', ')} for "${connection.config.name}": a change restarts the server.`
          : `Stopped watching the sources of "${connection.config.name}".`;
        log.info(message);
        if (!Array.isArray(globsArg)) void vscode.window.showInformationMessage(inertText(message));
        return globs;
      } catch (e) {
        await showError('Could not watch the server sources', e);
        return undefined;
      }
    },
    [COMMANDS.debugServer]: async (arg, runtimeArg?: unknown) => {
      try {
        const connection = await stdioConnection(arg, 'Server to debug');
        if (!connection) return false;
        let runtime: DebugRuntime | undefined =
          runtimeArg === 'node' || runtimeArg === 'python' ? runtimeArg : detectRuntime(connection.config.command);
        if (!runtime) {
          const picked = await vscode.window.showQuickPick(
            [
              {
                label: 'Node.js',
                description: "Node's inspector (--inspect), the built-in JavaScript debugger",
                runtime: 'node' as const,
              },
              {
                label: 'Python',
                description: 'debugpy (python -m debugpy --listen), the Python Debugger extension',
                runtime: 'python' as const,
              },
            ],
            { placeHolder: `Which runtime runs "${connection.config.command}"?` },
          );
          runtime = picked?.runtime;
        }
        if (!runtime) return false;
        const chosen = runtime;
        await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Restarting ${connection.config.name} with the ${chosen === 'node' ? 'Node.js' : 'Python'} debugger…`,
          },
          () => needDevLoop().startDebugging(connection, chosen),
        );
        return true;
      } catch (e) {
        await showError('Could not debug the server', e);
        return false;
      }
    },
    [COMMANDS.stopDebuggingServer]: async (arg) => {
      try {
        const loop = needDevLoop();
        const connection = await stdioConnection(arg, 'Server to stop debugging', (c) => loop.isDebugging(c.id));
        if (!connection) return undefined;
        if (!loop.isDebugging(connection.id)) {
          void vscode.window.showInformationMessage(`"${inertText(connection.config.name)}" is not being debugged.`);
          return undefined;
        }
        await loop.stopDebugging(connection);
        return undefined;
      } catch (e) {
        await showError('Could not stop debugging the server', e);
        return undefined;
      }
    },
  };
}
