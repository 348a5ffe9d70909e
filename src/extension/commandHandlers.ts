/**
 * The handlers of every contributed command, gathered from src/extension/commands/* by feature. The
 * table is typed `Record<CommandId, …>`, so the compiler refuses a command without a handler. Each
 * handler accepts a tree node (from a menu), explicit arguments (from code and tests), or nothing
 * (from the command palette, where it asks for what it needs).
 */
import * as vscode from 'vscode';
import { COMMANDS, type CommandId } from './commands';
import { authCommands } from './commands/auth';
import { callCommands } from './commands/calls';
import { connectionCommands } from './commands/connections';
import { devLoopCommands } from './commands/devLoop';
import { importExportCommands } from './commands/importExport';
import { SessionTraceDocuments, sessionTraceCommands } from './commands/sessionTrace';
import { vscodeMcpCommands } from './commands/vscodeMcp';
import { commandDeps, type CommandContext, type Handler } from './commands/shared';
import { DoctorReports, createDoctorHandler } from './doctorCommand';
import { checksCommands } from './checks/checksCommand';

export type { CommandContext } from './commands/shared';
export { inertText } from './commands/shared';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const deps = commandDeps(ctx);
  const doctorReports = new DoctorReports();
  const checksOutput = vscode.window.createOutputChannel('MCP Lens Checks');
  const sessionDocuments = new SessionTraceDocuments();
  const handlers: Record<Exclude<CommandId, typeof COMMANDS.openInspector>, Handler> = {
    [COMMANDS.diagnoseConnection]: createDoctorHandler({ manager: ctx.manager, log: ctx.log }, doctorReports),
    ...connectionCommands(deps),
    ...callCommands(deps),
    ...authCommands(deps),
    ...checksCommands(deps, ctx.checks, checksOutput),
    ...devLoopCommands(deps, ctx.devLoop),
    ...importExportCommands(deps),
    ...sessionTraceCommands(deps, sessionDocuments),
    ...vscodeMcpCommands(deps),
  };
  return [
    doctorReports,
    checksOutput,
    sessionDocuments,
    ...Object.entries(handlers).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
}
