/**
 * The commands that send a request to a server from the command palette or the tree: call a tool,
 * read a resource, get a prompt. Each asks for what it was not given and opens the result as a document.
 */
import * as vscode from 'vscode';
import type {
  CallToolResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { ConnectionError } from '../../core/errors';
import type { Connection } from '../../core/connection';
import { taskSupportOf } from '../../core/tasks';
import {
  type ArgumentCompleter,
  promptPromptArguments,
  promptTemplateUri,
  promptToolArguments,
} from '../argumentPrompts';
import { COMMANDS } from '../commands';
import {
  outputSchemaWarning,
  promptResultDocument,
  resourceResultDocument,
  toolResultDocument,
} from '../resultDocuments';
import { inertText, isTreeNode, stepUpScope, type CommandDeps, type HandlerTable } from './shared';

/** Sign-ins one tool call may trigger for more scope before giving up. */
const MAX_STEP_UPS = 3;

/** Runs a request with a cancellable progress notification; Cancel aborts it (the SDK sends notifications/cancelled). */
function withRequestProgress<T>(
  title: string,
  run: (
    signal: AbortSignal,
    onProgress: (p: { progress: number; total?: number; message?: string }) => void,
  ) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
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
    },
  );
}

async function pickTool(connection: Connection): Promise<Tool | undefined> {
  if (!connection.tools.length) {
    void vscode.window.showInformationMessage(`${connection.config.name} has no tools.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    connection.tools.map((tool) => ({
      label: tool.name,
      description: tool.title,
      detail: tool.description?.split('\n', 1)[0],
      tool,
    })),
    { placeHolder: `Tool of ${connection.config.name} to call`, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.tool;
}

/** The server's suggestions for a prompt argument or template variable, when it offers completions (else none asked). */
function completerFor(
  connection: Connection,
  ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string },
): ArgumentCompleter | undefined {
  if (!connection.capabilities?.completions) return undefined;
  return async (argument, context) => (await connection.complete(ref, argument, context)).values;
}

type CallCommand = typeof COMMANDS.callTool | typeof COMMANDS.readResource | typeof COMMANDS.getPrompt;

export function callCommands(deps: CommandDeps): HandlerTable<CallCommand> {
  const { log, showError, resolveConnection, ensureConnected, signIn } = deps;
  return {
    [COMMANDS.callTool]: async (arg, toolNameArg, argsArg): Promise<CallToolResult | undefined> => {
      const connection = await resolveConnection(arg, 'Connection whose tool to call');
      if (!connection || !(await ensureConnected(connection))) return undefined;
      let tool: Tool | undefined;
      if (isTreeNode(arg) && arg.kind === 'tool') {
        tool = connection.tools.find((t) => t.name === arg.tool.name) ?? arg.tool;
      } else if (typeof toolNameArg === 'string') {
        tool = connection.tools.find((t) => t.name === toolNameArg);
        if (!tool) throw new Error(`${connection.config.name} has no tool "${toolNameArg}".`);
      } else tool = await pickTool(connection);
      if (!tool) return undefined;
      const args =
        argsArg !== undefined && typeof argsArg === 'object' && argsArg !== null
          ? (argsArg as Record<string, unknown>)
          : await promptToolArguments(tool);
      if (!args) return undefined;
      const name = tool.name;
      const started = Date.now();
      // A tool that must run as a task (execution.taskSupport "required") runs through the connection's task runner.
      const asTask = taskSupportOf(tool) === 'required';
      const tasksFor = deps.tasksFor;
      if (asTask && !tasksFor) throw new Error(`${name} must run as a task, which this window cannot do.`);
      let result: Awaited<ReturnType<Connection['callTool']>>;
      try {
        const call = () =>
          withRequestProgress(
            `${connection.config.name}: ${asTask ? 'running task' : 'calling'} ${name}`,
            (signal, onProgress) =>
              asTask
                ? tasksFor!(connection).callToolAsTask(name, args, {
                    signal,
                    onProgress,
                    // The task's status message is its progress line while no numeric progress comes.
                    onStatus: (task) =>
                      onProgress({
                        progress: 0,
                        message: `${task.status}${task.statusMessage ? `: ${task.statusMessage}` : ''}`,
                      }),
                  })
                : connection.callTool(name, args, { signal, onProgress }),
          );
        // Step-up (MCP authorization, "Scope Challenge Handling"): a 403 insufficient_scope asks for
        // a sign-in with more scope, then the call is retried, at most MAX_STEP_UPS times.
        for (let stepUps = 0; ; stepUps++) {
          try {
            result = await call();
            break;
          } catch (e) {
            const scope = e instanceof ConnectionError && e.code === 'auth-required' ? stepUpScope(e) : undefined;
            if (!scope) throw e;
            if (stepUps >= MAX_STEP_UPS) {
              throw new ConnectionError(
                'auth-required',
                `${name} still needs more permissions after ${stepUps} sign-ins (scope "${scope}").`,
                'Check which scopes your account may be granted.',
              );
            }
            log.info(
              `[${connection.config.name}] ${name} needs the scope "${scope}": signing in again (step-up ${stepUps + 1}/${MAX_STEP_UPS}).`,
            );
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
      await deps.results.show(
        connection.config.name,
        `tool-${name}`,
        toolResultDocument(connection.config.name, name, args, durationMs, result),
      );
      if (result.isError) void vscode.window.showWarningMessage(`${name} returned an error result (isError: true).`);
      const schemaWarning = outputSchemaWarning(name, result);
      if (schemaWarning) void vscode.window.showWarningMessage(inertText(schemaWarning));
      return result;
    },
    [COMMANDS.readResource]: async (arg, uriArg, optionsArg): Promise<ReadResourceResult | undefined> => {
      // `{ cache: 'refresh' }` asks the server even when a fresh copy is cached (for scripts and tests).
      const cache = (optionsArg as { cache?: unknown } | undefined)?.cache === 'refresh' ? 'refresh' : 'use';
      const connection = await resolveConnection(arg, 'Connection whose resource to read');
      if (!connection || !(await ensureConnected(connection))) return undefined;
      let uri: string | undefined;
      if (isTreeNode(arg) && arg.kind === 'resource') uri = arg.resource.uri;
      else if (isTreeNode(arg) && arg.kind === 'resourceTemplate') {
        uri = await promptTemplateUri(
          arg.template,
          completerFor(connection, { type: 'ref/resource', uri: arg.template.uriTemplate }),
        );
      } else if (typeof uriArg === 'string') uri = uriArg;
      else {
        type Item = vscode.QuickPickItem & { resource?: Resource; template?: ResourceTemplate; manual?: boolean };
        const items: Item[] = [
          ...connection.resources.map((resource): Item => ({
            label: resource.name,
            description: resource.uri,
            resource,
          })),
          ...connection.resourceTemplates.map((template): Item => ({
            label: template.name,
            description: template.uriTemplate,
            detail: 'template: fill in its variables',
            template,
          })),
          { label: '$(edit) Enter a URI…', manual: true },
        ];
        const picked = await vscode.window.showQuickPick(items, {
          placeHolder: `Resource of ${connection.config.name} to read`,
          matchOnDescription: true,
        });
        if (!picked) return undefined;
        if (picked.resource) uri = picked.resource.uri;
        else if (picked.template) {
          uri = await promptTemplateUri(
            picked.template,
            completerFor(connection, { type: 'ref/resource', uri: picked.template.uriTemplate }),
          );
        } else {
          uri = await vscode.window.showInputBox({
            title: 'Read Resource',
            prompt: 'The URI of the resource',
            ignoreFocusOut: true,
            validateInput: (v) => {
              try {
                new URL(v);
                return undefined;
              } catch {
                return v
                  ? `"${v}" is not a URI (it needs a scheme, like file:///path or test://static/resource/1).`
                  : 'Enter a URI.';
              }
            },
          });
        }
      }
      if (!uri) return undefined;
      const target = uri;
      try {
        const result = await withRequestProgress(`${connection.config.name}: reading ${target}`, (signal, onProgress) =>
          connection.readResource(target, { signal, onProgress, cache }),
        );
        await deps.results.show(
          connection.config.name,
          'resource',
          resourceResultDocument(connection.config.name, target, result),
        );
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
          connection.prompts.map((p) => ({
            label: p.name,
            description: p.title,
            detail: p.description?.split('\n', 1)[0],
            prompt: p,
          })),
          { placeHolder: `Prompt of ${connection.config.name}` },
        );
        prompt = picked?.prompt;
      }
      if (!prompt) return undefined;
      const args =
        argsArg !== undefined && typeof argsArg === 'object' && argsArg !== null
          ? (argsArg as Record<string, string>)
          : await promptPromptArguments(prompt, completerFor(connection, { type: 'ref/prompt', name: prompt.name }));
      if (!args) return undefined;
      const name = prompt.name;
      try {
        const result = await withRequestProgress(
          `${connection.config.name}: getting prompt ${name}`,
          (signal, onProgress) => connection.getPrompt(name, args, { signal, onProgress }),
        );
        await deps.results.show(
          connection.config.name,
          `prompt-${name}`,
          promptResultDocument(connection.config.name, name, args, result),
        );
        return result;
      } catch (e) {
        if (e instanceof ConnectionError && e.code === 'cancelled') return undefined;
        await showError(`Getting prompt ${name} failed`, e);
        return undefined;
      }
    },
  };
}
