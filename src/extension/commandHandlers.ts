/**
 * The handlers of every contributed command. The table is typed `Record<CommandId, …>`, so the
 * compiler refuses a command without a handler. Each handler accepts a tree node (from a
 * menu), explicit arguments (from code and tests), or nothing (from the command palette, where
 * it asks for what it needs).
 */
import * as vscode from 'vscode';
import type { CallToolResult, GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { AuthRequiredError, ConnectionError } from '../core/errors';
import { isHttpConfig, type ConnectionConfig, type HttpConnectionConfig } from '../core/config';
import type { AuthService } from './auth/authService';
import type { Connection, ListKind } from '../core/connection';
import type { ConnectionManager } from '../core/manager';
import { COMMANDS, type CommandId } from './commands';
import type { ConnectionStore, SavedScope } from './connectionStore';
import { type ScopeSetting, runConnectionWizard } from './connectionWizard';
import { type ConnectionsTreeProvider, STATE_LABELS, type TreeNode } from './connectionsTree';
import { promptPromptArguments, promptTemplateUri, promptToolArguments } from './argumentPrompts';
import { outputSchemaWarning, toolResultDocument, type ResultDocuments } from './resultDocuments';
import { DoctorReports, createDoctorHandler } from './doctorCommand';

export interface CommandContext {
  manager: ConnectionManager;
  store: ConnectionStore;
  tree: ConnectionsTreeProvider;
  results: ResultDocuments;
  log: vscode.LogOutputChannel;
  auth: AuthService;
  /** Saves a config and brings the manager in line with the store. */
  saveConnection(config: ConnectionConfig, scope: SavedScope, secretValues: Record<string, string>): Promise<Connection>;
  removeConnection(id: string): Promise<void>;
  /** Shows a connection in the Connections view (opening the view if needed). */
  revealConnection(id: string): Promise<void>;
}

type Handler = (...args: unknown[]) => unknown;

/** Sign-ins one tool call may trigger for more scope before giving up. */
const MAX_STEP_UPS = 3;

/**
 * Text from servers can end up in notifications, which render `[label](target)` as a link.
 * Breaking the `](` sequence keeps such text inert (it is data, never a command link).
 */
export function inertText(text: string, max = 500): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return clipped.replace(/\]\(/g, '] (');
}

function errorText(e: unknown): string {
  if (e instanceof ConnectionError) return e.fullMessage;
  return e instanceof Error ? e.message : String(e);
}

function isTreeNode(arg: unknown): arg is TreeNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg && 'connectionId' in arg;
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, store, log } = ctx;

  async function showError(prefix: string, e: unknown): Promise<void> {
    const message = `${prefix}: ${inertText(errorText(e))}`;
    log.error(message);
    const choice = await vscode.window.showErrorMessage(message, 'Show Log');
    if (choice === 'Show Log') log.show(true);
  }

  /** A connection from a node, an id, or a pick (only the ones `filter` allows). */
  async function resolveConnection(arg: unknown, placeHolder: string, filter: (c: Connection) => boolean = () => true): Promise<Connection | undefined> {
    if (isTreeNode(arg)) return manager.get(arg.connectionId);
    if (typeof arg === 'string') {
      const found = manager.get(arg) ?? manager.findByName(arg);
      if (!found) throw new Error(`There is no connection "${arg}".`);
      return found;
    }
    const candidates = manager.list().filter(filter);
    if (!candidates.length) {
      const choice = await vscode.window.showInformationMessage('There is no matching MCP connection.', 'Add MCP Connection');
      if (choice) await vscode.commands.executeCommand(COMMANDS.addConnection);
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const picked = await vscode.window.showQuickPick(
      candidates.map((c) => ({ label: c.config.name, description: STATE_LABELS[c.status.state], connection: c })),
      { placeHolder },
    );
    return picked?.connection;
  }

  /**
   * Connects because the user asked to. When the server needs a sign-in, the browser sign-in starts
   * at once: the user is at the keyboard. (Background connects never open a browser; they leave the
   * connection in `auth-required` with a Sign In action.)
   */
  async function connectInteractive(connection: Connection, how: 'connect' | 'reconnect' = 'connect'): Promise<boolean> {
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Connecting to ${connection.config.name}…` },
        () => (how === 'reconnect' ? connection.reconnect() : connection.connect()),
      );
      return true;
    } catch (e) {
      if (e instanceof ConnectionError && e.code === 'auth-required' && isHttpConfig(connection.config)) return signIn(connection, stepUpScope(e));
      await showError(`Could not connect to ${connection.config.name}`, e);
      return false;
    }
  }

  /** Requests need a live session: connect first when the user asked for something on a disconnected server. */
  async function ensureConnected(connection: Connection): Promise<boolean> {
    return connection.status.state === 'connected' || connectInteractive(connection);
  }

  /** Browser sign-in for a connection, then reconnect. False when cancelled or failed (already reported). */
  async function signIn(connection: Connection, scope?: string): Promise<boolean> {
    try {
      return await ctx.auth.signIn(connection, scope);
    } catch (e) {
      await showError(`Signing in to ${connection.config.name} failed`, e);
      return false;
    }
  }

  /** The scope a 403 `insufficient_scope` challenge asks for (MCP authorization: step-up), if any. */
  function stepUpScope(e: ConnectionError): string | undefined {
    const cause = e.cause;
    return cause instanceof AuthRequiredError && cause.details.error === 'insufficient_scope' ? cause.details.scope : undefined;
  }

  function httpConnection(connection: Connection | undefined): (Connection & { config: HttpConnectionConfig }) | undefined {
    if (!connection) return undefined;
    if (!isHttpConfig(connection.config)) {
      void vscode.window.showInformationMessage(`"${connection.config.name}" is a stdio connection: it does not use OAuth.`);
      return undefined;
    }
    return connection as Connection & { config: HttpConnectionConfig };
  }

  /** Runs a request with a cancellable progress notification; Cancel aborts it (the SDK sends notifications/cancelled). */
  function withRequestProgress<T>(title: string, run: (signal: AbortSignal, onProgress: (p: { progress: number; total?: number; message?: string }) => void) => Promise<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      return run(controller.signal, (p) => {
        // VS Code progress increments are cumulative percentages; servers report absolute progress.
        let increment: number | undefined;
        if (p.total && p.total > 0) {
          const percent = Math.min(100, (p.progress / p.total) * 100);
          increment = Math.max(0, percent - reported);
          reported = percent;
        }
        progress.report({ message: p.message ?? (p.total ? `${p.progress}/${p.total}` : `${p.progress}`), increment });
      }).finally(() => sub.dispose());
    });
  }

  async function pickTool(connection: Connection): Promise<Tool | undefined> {
    if (!connection.tools.length) {
      void vscode.window.showInformationMessage(`${connection.config.name} has no tools.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      connection.tools.map((tool) => ({ label: tool.name, description: tool.title, detail: tool.description?.split('\n', 1)[0], tool })),
      { placeHolder: `Tool of ${connection.config.name} to call`, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.tool;
  }

  const doctorReports = new DoctorReports();
  const handlers: Record<Exclude<CommandId, typeof COMMANDS.openInspector>, Handler> = {
    [COMMANDS.diagnoseConnection]: createDoctorHandler({ manager, log }, doctorReports),

    [COMMANDS.addConnection]: async () => {
      const result = await runConnectionWizard({
        store,
        scopeSetting: vscode.workspace.getConfiguration('mcpLens').get<ScopeSetting>('connectionsScope', 'ask'),
        hasWorkspace: !!vscode.workspace.workspaceFolders?.length,
      });
      if (!result) return undefined;
      let connection: Connection;
      try {
        connection = await ctx.saveConnection(result.config, result.scope, result.secretValues);
      } catch (e) {
        await showError('Could not save the connection', e);
        return undefined;
      }
      log.info(`Added connection "${result.config.name}" (${result.scope} scope)`);
      await ctx.revealConnection(connection.id).catch((e) => log.warn(`Could not reveal the new connection: ${errorText(e)}`));
      await connectInteractive(connection);
      return connection.id;
    },

    [COMMANDS.connect]: async (arg) => {
      const connection = await resolveConnection(arg, 'Connection to connect', (c) => c.status.state !== 'connected');
      if (connection) await connectInteractive(connection);
    },

    [COMMANDS.disconnect]: async (arg) => {
      const connection = await resolveConnection(arg, 'Connection to disconnect', (c) => c.status.state === 'connected' || c.status.state === 'connecting');
      if (connection) await connection.disconnect();
    },

    [COMMANDS.reconnect]: async (arg) => {
      const connection = await resolveConnection(arg, 'Connection to reconnect');
      if (connection) await connectInteractive(connection, 'reconnect');
    },

    [COMMANDS.editConnection]: async (arg) => {
      const connection = await resolveConnection(arg, 'Connection to edit', (c) => store.get(c.id)?.scope !== 'settings');
      if (!connection) return;
      const stored = store.get(connection.id);
      if (!stored || stored.scope === 'settings') {
        void vscode.window.showInformationMessage(`"${connection.config.name}" comes from the mcpLens.connections setting; edit it in settings.json.`);
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
        await ctx.saveConnection(result.config, result.scope, result.secretValues);
        log.info(`Updated connection "${result.config.name}"`);
      } catch (e) {
        await showError('Could not save the connection', e);
      }
    },

    [COMMANDS.removeConnection]: async (arg) => {
      const connection = await resolveConnection(arg, 'Connection to remove', (c) => store.get(c.id)?.scope !== 'settings');
      if (!connection) return;
      if (store.get(connection.id)?.scope === 'settings') {
        void vscode.window.showInformationMessage(`"${connection.config.name}" comes from the mcpLens.connections setting; remove it there.`);
        return;
      }
      const answer = await vscode.window.showWarningMessage(
        `Remove the connection "${connection.config.name}"?`,
        { modal: true, detail: 'Its saved secret headers are deleted too.' },
        'Remove',
      );
      if (answer !== 'Remove') return;
      await ctx.removeConnection(connection.id);
      log.info(`Removed connection "${connection.config.name}"`);
    },

    [COMMANDS.refresh]: async (arg) => {
      const targets = isTreeNode(arg) || typeof arg === 'string' ? [await resolveConnection(arg, '')] : manager.list();
      let kinds: ListKind[] | undefined;
      if (isTreeNode(arg) && arg.kind === 'group') kinds = arg.group === 'resources' ? ['resources', 'resourceTemplates'] : [arg.group];
      await Promise.all(
        targets.map(async (c) => {
          if (!c || c.status.state !== 'connected') return;
          try {
            await c.refreshLists(kinds);
          } catch (e) {
            log.warn(`Refreshing ${c.config.name} failed: ${errorText(e)}`);
          }
        }),
      );
      ctx.tree.refresh();
    },

    [COMMANDS.callTool]: async (arg, toolNameArg, argsArg): Promise<CallToolResult | undefined> => {
      const connection = await resolveConnection(arg, 'Connection whose tool to call');
      if (!connection || !(await ensureConnected(connection))) return undefined;
      let tool: Tool | undefined;
      if (isTreeNode(arg) && arg.kind === 'tool') tool = connection.tools.find((t) => t.name === arg.tool.name) ?? arg.tool;
      else if (typeof toolNameArg === 'string') {
        tool = connection.tools.find((t) => t.name === toolNameArg);
        if (!tool) throw new Error(`${connection.config.name} has no tool "${toolNameArg}".`);
      } else tool = await pickTool(connection);
      if (!tool) return undefined;
      const args = argsArg !== undefined && typeof argsArg === 'object' && argsArg !== null ? (argsArg as Record<string, unknown>) : await promptToolArguments(tool);
      if (!args) return undefined;
      const name = tool.name;
      const started = Date.now();
      let result: CallToolResult;
      try {
        const call = () => withRequestProgress(`${connection.config.name}: calling ${name}`, (signal, onProgress) => connection.callTool(name, args, { signal, onProgress }));
        // Step-up (MCP authorization, "Scope Challenge Handling"): a 403 insufficient_scope asks for
        // a sign-in with more scope, then the call is retried, at most MAX_STEP_UPS times.
        for (let stepUps = 0; ; stepUps++) {
          try {
            result = await call();
            break;
          } catch (e) {
            const scope = e instanceof ConnectionError && e.code === 'auth-required' ? stepUpScope(e) : undefined;
            if (!scope) throw e;
            if (stepUps >= MAX_STEP_UPS) throw new ConnectionError('auth-required', `${name} still needs more permissions after ${stepUps} sign-ins (scope "${scope}").`, 'Check which scopes your account may be granted.');
            log.info(`[${connection.config.name}] ${name} needs the scope "${scope}": signing in again (step-up ${stepUps + 1}/${MAX_STEP_UPS}).`);
            if (!(await signIn(connection, scope))) return undefined;
          }
        }
      } catch (e) {
        if (e instanceof ConnectionError && e.code === 'cancelled') {
          log.info(`[${connection.config.name}] call of ${name} cancelled`);
          void vscode.window.showInformationMessage(`The call of ${name} was cancelled.`);
          return undefined;
        }
        await showError(`Calling ${name} on ${connection.config.name} failed`, e);
        return undefined;
      }
      const durationMs = Date.now() - started;
      await ctx.results.show(connection.config.name, `tool-${name}`, toolResultDocument(connection.config.name, name, args, durationMs, result));
      if (result.isError) void vscode.window.showWarningMessage(`${name} returned an error result (isError: true).`);
      const schemaWarning = outputSchemaWarning(name, result);
      if (schemaWarning) void vscode.window.showWarningMessage(schemaWarning);
      return result;
    },

    [COMMANDS.readResource]: async (arg, uriArg): Promise<ReadResourceResult | undefined> => {
      const connection = await resolveConnection(arg, 'Connection whose resource to read');
      if (!connection || !(await ensureConnected(connection))) return undefined;
      let uri: string | undefined;
      if (isTreeNode(arg) && arg.kind === 'resource') uri = arg.resource.uri;
      else if (isTreeNode(arg) && arg.kind === 'resourceTemplate') uri = await promptTemplateUri(arg.template);
      else if (typeof uriArg === 'string') uri = uriArg;
      else {
        type Item = vscode.QuickPickItem & { resource?: Resource; template?: ResourceTemplate; manual?: boolean };
        const items: Item[] = [
          ...connection.resources.map((resource): Item => ({ label: resource.name, description: resource.uri, resource })),
          ...connection.resourceTemplates.map((template): Item => ({ label: template.name, description: template.uriTemplate, detail: 'template: fill in its variables', template })),
          { label: '$(edit) Enter a URI…', manual: true },
        ];
        const picked = await vscode.window.showQuickPick(items, { placeHolder: `Resource of ${connection.config.name} to read`, matchOnDescription: true });
        if (!picked) return undefined;
        if (picked.resource) uri = picked.resource.uri;
        else if (picked.template) uri = await promptTemplateUri(picked.template);
        else {
          uri = await vscode.window.showInputBox({
            title: 'Read Resource',
            prompt: 'The URI of the resource',
            ignoreFocusOut: true,
            validateInput: (v) => {
              try {
                new URL(v);
                return undefined;
              } catch {
                return v ? `"${v}" is not a URI (it needs a scheme, like file:///path or test://static/resource/1).` : 'Enter a URI.';
              }
            },
          });
        }
      }
      if (!uri) return undefined;
      const target = uri;
      try {
        const result = await withRequestProgress(`${connection.config.name}: reading ${target}`, (signal, onProgress) =>
          connection.readResource(target, { signal, onProgress }),
        );
        await ctx.results.show(connection.config.name, 'resource', { connection: connection.config.name, uri: target, result });
        return result;
      } catch (e) {
        if (e instanceof ConnectionError && e.code === 'cancelled') return undefined;
        await showError(`Reading ${target} failed`, e);
        return undefined;
      }
    },

    [COMMANDS.getPrompt]: async (arg, nameArg, argsArg): Promise<GetPromptResult | undefined> => {
      const connection = await resolveConnection(arg, 'Connection whose prompt to get');
      if (!connection || !(await ensureConnected(connection))) return undefined;
      let prompt: Prompt | undefined;
      if (isTreeNode(arg) && arg.kind === 'prompt') prompt = arg.prompt;
      else if (typeof nameArg === 'string') {
        prompt = connection.prompts.find((p) => p.name === nameArg);
        if (!prompt) throw new Error(`${connection.config.name} has no prompt "${nameArg}".`);
      } else {
        if (!connection.prompts.length) {
          void vscode.window.showInformationMessage(`${connection.config.name} has no prompts.`);
          return undefined;
        }
        const picked = await vscode.window.showQuickPick(
          connection.prompts.map((p) => ({ label: p.name, description: p.title, detail: p.description?.split('\n', 1)[0], prompt: p })),
          { placeHolder: `Prompt of ${connection.config.name}` },
        );
        prompt = picked?.prompt;
      }
      if (!prompt) return undefined;
      const args = argsArg !== undefined && typeof argsArg === 'object' && argsArg !== null ? (argsArg as Record<string, string>) : await promptPromptArguments(prompt);
      if (!args) return undefined;
      const name = prompt.name;
      try {
        const result = await withRequestProgress(`${connection.config.name}: getting prompt ${name}`, (signal, onProgress) =>
          connection.getPrompt(name, args, { signal, onProgress }),
        );
        await ctx.results.show(connection.config.name, `prompt-${name}`, { connection: connection.config.name, prompt: name, arguments: args, result });
        return result;
      } catch (e) {
        if (e instanceof ConnectionError && e.code === 'cancelled') return undefined;
        await showError(`Getting prompt ${name} failed`, e);
        return undefined;
      }
    },

    // The inspector's Auth tab for one HTTP connection: its token vault and the sign-in debugger.
    [COMMANDS.openTokenVault]: async (arg) => {
      const connection = httpConnection(await resolveConnection(arg, 'Connection whose tokens to show', (c) => isHttpConfig(c.config)));
      if (connection) await vscode.commands.executeCommand(COMMANDS.openInspector, { connectionId: connection.id, tab: 'auth' });
    },

    [COMMANDS.signIn]: async (arg) => {
      const connection = httpConnection(await resolveConnection(arg, 'Connection to sign in to', (c) => isHttpConfig(c.config)));
      if (connection) await signIn(connection);
    },

    [COMMANDS.signOut]: async (arg) => {
      const connection = httpConnection(await resolveConnection(arg, 'Connection to sign out of', (c) => isHttpConfig(c.config)));
      if (!connection) return;
      try {
        await ctx.auth.signOut(connection.config);
        await connection.disconnect();
        void vscode.window.showInformationMessage(`Signed out of ${connection.config.name}. Its tokens were revoked where the server allows it, and deleted.`);
      } catch (e) {
        await showError(`Signing out of ${connection.config.name} failed`, e);
      }
    },

    [COMMANDS.forgetClientRegistration]: async (arg) => {
      const connection = httpConnection(await resolveConnection(arg, 'Connection whose client registration to forget', (c) => isHttpConfig(c.config)));
      if (!connection) return;
      const answer = await vscode.window.showWarningMessage(
        `Forget the OAuth client registration used for "${connection.config.name}"?`,
        { modal: true, detail: 'MCP Lens registers again at the next sign-in. The tokens issued to this registration are deleted too.' },
        'Forget',
      );
      if (answer !== 'Forget') return;
      await ctx.auth.forgetClientRegistration(connection.config);
      await connection.disconnect();
    },

    [COMMANDS.configureOAuthClient]: async (arg) => {
      const connection = httpConnection(await resolveConnection(arg, 'Connection to configure', (c) => isHttpConfig(c.config) && store.get(c.id)?.scope !== 'settings'));
      if (!connection) return;
      const stored = store.get(connection.id);
      if (!stored || stored.scope === 'settings') {
        void vscode.window.showInformationMessage(`"${connection.config.name}" comes from the mcpLens.connections setting; add it with Add MCP Connection to configure OAuth.`);
        return;
      }
      const redirectUri = await ctx.auth.redirectUriForPreRegistration();
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
      await ctx.auth.setClientSecret(connection.id, secret || undefined);
      await ctx.saveConnection(config, stored.scope, {});
      const copy = await vscode.window.showInformationMessage(`"${connection.config.name}" now signs in as client ${clientId.trim() || '(dynamic registration)'}. Redirect URI to register: ${redirectUri}`, 'Copy Redirect URI');
      if (copy) await vscode.env.clipboard.writeText(redirectUri);
    },

    [COMMANDS.showLog]: () => {
      log.show(true);
    },
  };

  return [doctorReports, ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler))];
}
