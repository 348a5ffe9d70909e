/** The OAuth commands of HTTP connections: sign in and out, the client registration, a pre-registered client, the token vault. */
import * as vscode from 'vscode';
import { isHttpConfig, type HttpConnectionConfig } from '../../core/config';
import { COMMANDS } from '../commands';
import type { CommandDeps, HandlerTable } from './shared';

type AuthCommand =
  | typeof COMMANDS.openTokenVault
  | typeof COMMANDS.signIn
  | typeof COMMANDS.signOut
  | typeof COMMANDS.forgetClientRegistration
  | typeof COMMANDS.configureOAuthClient;

export function authCommands(deps: CommandDeps): HandlerTable<AuthCommand> {
  const { store, showError, resolveConnection, signIn, httpConnection } = deps;
  return {
    // The inspector's Auth tab for one HTTP connection: its token vault and the sign-in debugger.
    [COMMANDS.openTokenVault]: async (arg) => {
      const connection = httpConnection(
        await resolveConnection(arg, 'Connection whose tokens to show', (c) => isHttpConfig(c.config)),
      );
      if (connection) {
        await vscode.commands.executeCommand(COMMANDS.openInspector, { connectionId: connection.id, tab: 'auth' });
      }
    },

    [COMMANDS.signIn]: async (arg) => {
      const connection = httpConnection(
        await resolveConnection(arg, 'Connection to sign in to', (c) => isHttpConfig(c.config)),
      );
      if (connection) await signIn(connection);
    },

    [COMMANDS.signOut]: async (arg) => {
      const connection = httpConnection(
        await resolveConnection(arg, 'Connection to sign out of', (c) => isHttpConfig(c.config)),
      );
      if (!connection) return;
      try {
        await deps.auth.signOut(connection.config);
        await connection.disconnect();
        void vscode.window.showInformationMessage(
          `Signed out of ${connection.config.name}. Its tokens were revoked where the server allows it, and deleted.`,
        );
      } catch (e) {
        await showError(`Signing out of ${connection.config.name} failed`, e);
      }
    },

    [COMMANDS.forgetClientRegistration]: async (arg) => {
      const connection = httpConnection(
        await resolveConnection(arg, 'Connection whose client registration to forget', (c) => isHttpConfig(c.config)),
      );
      if (!connection) return;
      const answer = await vscode.window.showWarningMessage(
        `Forget the OAuth client registration used for "${connection.config.name}"?`,
        {
          modal: true,
          detail:
            'MCP Lens registers again at the next sign-in. The tokens issued to this registration are deleted too.',
        },
        'Forget',
      );
      if (answer !== 'Forget') return;
      await deps.auth.forgetClientRegistration(connection.config);
      await connection.disconnect();
    },

    [COMMANDS.configureOAuthClient]: async (arg) => {
      const connection = httpConnection(
        await resolveConnection(
          arg,
          'Connection to configure',
          (c) => isHttpConfig(c.config) && store.get(c.id)?.scope !== 'settings',
        ),
      );
      if (!connection) return;
      const stored = store.get(connection.id);
      if (!stored || stored.scope === 'settings') {
        void vscode.window.showInformationMessage(
          `"${connection.config.name}" comes from the mcpLens.connections setting; add it with Add MCP Connection to configure OAuth.`,
        );
        return;
      }
      const redirectUri = await deps.auth.redirectUriForPreRegistration();
      const clientId = await vscode.window.showInputBox({
        title: `Pre-registered OAuth client for ${connection.config.name} (1/2)`,
        prompt: `The client ID from the authorization server. Register this redirect URI with it: ${redirectUri} — leave empty to use dynamic registration again.`,
        value: connection.config.oauthClientId ?? '',
        ignoreFocusOut: true,
        validateInput: (v) => (/\s/.test(v.trim()) ? 'A client ID has no spaces.' : undefined),
      });
      if (clientId === undefined) return;
      let secret: string | undefined;
      if (clientId.trim()) {
        secret = await vscode.window.showInputBox({
          title: `Pre-registered OAuth client for ${connection.config.name} (2/2)`,
          prompt: 'The client secret, if the client has one (kept in secret storage). Leave empty for a public client.',
          password: true,
          ignoreFocusOut: true,
        });
        if (secret === undefined) return;
      }
      const config: HttpConnectionConfig = { ...connection.config, oauthClientId: clientId.trim() || undefined };
      await deps.auth.setClientSecret(connection.id, secret || undefined);
      await deps.saveConnection(config, stored.scope, {});
      const copy = await vscode.window.showInformationMessage(
        `"${connection.config.name}" now signs in as client ${clientId.trim() || '(dynamic registration)'}. Redirect URI to register: ${redirectUri}`,
        'Copy Redirect URI',
      );
      if (copy) await vscode.env.clipboard.writeText(redirectUri);
    },
  };
}
