/** The commands that manage connections: add, edit, remove, connect, disconnect, reconnect, refresh, and the log. */
import * as vscode from 'vscode';
import type { Connection, ListKind } from '../../core/connection';
import { COMMANDS } from '../commands';
import { type ScopeSetting, runConnectionWizard } from '../connectionWizard';
import { errorText, isTreeNode, type CommandDeps, type HandlerTable } from './shared';

type ConnectionCommand =
  | typeof COMMANDS.addConnection
  | typeof COMMANDS.connect
  | typeof COMMANDS.disconnect
  | typeof COMMANDS.reconnect
  | typeof COMMANDS.editConnection
  | typeof COMMANDS.removeConnection
  | typeof COMMANDS.refresh
  | typeof COMMANDS.showLog;

export function connectionCommands(deps: CommandDeps): HandlerTable<ConnectionCommand> {
  const { manager, store, log, showError, resolveConnection, connectInteractive } = deps;
  return {
    [COMMANDS.addConnection]: async () => {
      const result = await runConnectionWizard({
        store,
        scopeSetting: vscode.workspace.getConfiguration('mcpLens').get<ScopeSetting>('connectionsScope', 'ask'),
        hasWorkspace: !!vscode.workspace.workspaceFolders?.length,
      });
      if (!result) return undefined;
      let connection: Connection;
      try {
        connection = await deps.saveConnection(result.config, result.scope, result.secretValues);
      } catch (e) {
        await showError('Could not save the connection', e);
        return undefined;
      }
      log.info(`Added connection "${result.config.name}" (${result.scope} scope)`);
      await deps
        .revealConnection(connection.id)
        .catch((e) => log.warn(`Could not reveal the new connection: ${errorText(e)}`));
      await connectInteractive(connection);
      return connection.id;
    },
    [COMMANDS.connect]: async (arg) => {
      const connection = await resolveConnection(arg, 'Connection to connect', (c) => c.status.state !== 'connected');
      if (connection) await connectInteractive(connection);
    },
    [COMMANDS.disconnect]: async (arg) => {
      const connection = await resolveConnection(
        arg,
        'Connection to disconnect',
        (c) => c.status.state === 'connected' || c.status.state === 'connecting',
      );
      if (connection) await connection.disconnect();
    },
    [COMMANDS.reconnect]: async (arg) => {
      const connection = await resolveConnection(arg, 'Connection to reconnect');
      if (connection) await connectInteractive(connection, 'reconnect');
    },
    [COMMANDS.editConnection]: async (arg) => {
      const connection = await resolveConnection(
        arg,
        'Connection to edit',
        (c) => store.get(c.id)?.scope !== 'settings',
      );
      if (!connection) return;
      const stored = store.get(connection.id);
      if (!stored || stored.scope === 'settings') {
        void vscode.window.showInformationMessage(
          `"${connection.config.name}" comes from the mcpLens.connections setting; edit it in settings.json.`,
        );
        return;
      }
      const result = await runConnectionWizard({
        store,
        scopeSetting: 'ask',
        hasWorkspace: !!vscode.workspace.workspaceFolders?.length,
        existing: { config: stored.config, scope: stored.scope },
      });
      if (!result) return;
      try {
        await deps.saveConnection(result.config, result.scope, result.secretValues);
        log.info(`Updated connection "${result.config.name}"`);
      } catch (e) {
        await showError('Could not save the connection', e);
      }
    },
    [COMMANDS.removeConnection]: async (arg) => {
      const connection = await resolveConnection(
        arg,
        'Connection to remove',
        (c) => store.get(c.id)?.scope !== 'settings',
      );
      if (!connection) return;
      if (store.get(connection.id)?.scope === 'settings') {
        void vscode.window.showInformationMessage(
          `"${connection.config.name}" comes from the mcpLens.connections setting; remove it there.`,
        );
        return;
      }
      const answer = await vscode.window.showWarningMessage(
        `Remove the connection "${connection.config.name}"?`,
        { modal: true, detail: 'Its saved secret headers are deleted too.' },
        'Remove',
      );
      if (answer !== 'Remove') return;
      await deps.removeConnection(connection.id);
      log.info(`Removed connection "${connection.config.name}"`);
    },
    [COMMANDS.refresh]: async (arg) => {
      const targets = isTreeNode(arg) || typeof arg === 'string' ? [await resolveConnection(arg, '')] : manager.list();
      let kinds: ListKind[] | undefined;
      if (isTreeNode(arg) && arg.kind === 'group') {
        kinds = arg.group === 'resources' ? ['resources', 'resourceTemplates'] : [arg.group];
      }
      await Promise.all(
        targets.map(async (c) => {
          if (!c || c.status.state !== 'connected') return;
          try {
            // The person asked for it: fresh cached lists are not good enough.
            await c.refreshLists(kinds, 'refresh');
          } catch (e) {
            log.warn(`Refreshing ${c.config.name} failed: ${errorText(e)}`);
          }
        }),
      );
      deps.tree.refresh();
    },

    [COMMANDS.showLog]: () => {
      log.show(true);
    },
  };
}
