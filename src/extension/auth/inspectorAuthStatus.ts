/**
 * The inspector's view of OAuth, from the AuthService: scopes and expiry only, never a token.
 * Sign-in and sign-out go through the commands, so the panel gets the same progress
 * notification, Cancel button and error messages as the tree.
 */
import * as vscode from 'vscode';
import { isHttpConfig } from '../../core/config';
import type { Connection } from '../../core/connection';
import { Emitter } from '../../core/events';
import type { ConnectionManager } from '../../core/manager';
import type { AuthStatus } from '../../shared/protocol';
import { COMMANDS } from '../commands';
import type { AuthStatusProvider } from '../inspector/authStatus';
import type { AuthService } from './authService';

export function inspectorAuthStatus(
  auth: AuthService,
  manager: ConnectionManager,
): AuthStatusProvider & vscode.Disposable {
  const changed = new Emitter<string>();
  const subscription = auth.onDidChangeStatus((resourceUrl) => {
    for (const connection of manager.list()) {
      if (isHttpConfig(connection.config) && connection.config.url === resourceUrl) changed.fire(connection.id);
    }
  });
  return {
    onDidChange: changed.event,
    async getStatus(connection: Connection): Promise<AuthStatus> {
      const config = connection.config;
      if (!isHttpConfig(config)) return { state: 'not-needed' };
      if (connection.status.state === 'auth-required') {
        return { state: 'sign-in-required', message: connection.status.message };
      }
      const status = await auth.status(config);
      const scopes = status.scopes ?? [];
      if (status.state === 'signed-in') {
        return {
          state: 'signed-in',
          scopes,
          ...(status.expiresAt !== undefined ? { expiresAt: status.expiresAt } : {}),
        };
      }
      if (status.state === 'expired') {
        return { state: 'expired', scopes, ...(status.expiresAt !== undefined ? { expiresAt: status.expiresAt } : {}) };
      }
      return { state: 'not-needed' };
    },
    async signIn(connection: Connection): Promise<void> {
      await vscode.commands.executeCommand(COMMANDS.signIn, connection.id);
    },
    async signOut(connection: Connection): Promise<void> {
      await vscode.commands.executeCommand(COMMANDS.signOut, connection.id);
    },
    dispose(): void {
      subscription.dispose();
      changed.dispose();
    },
  };
}
