/**
 * "MCP Lens: Run Saved Checks": runs the workspace's checks files (`.vscode/mcp-lens/*.json`), or the
 * one file given, with a cancellable progress notification, and writes the results to the "MCP Lens
 * Checks" output channel in the same words as `mcp-lens test`. Returns the run (for tests and callers).
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../commands';
import type { CommandDeps, HandlerTable } from '../commands/shared';
import type { ChecksRun, ChecksService } from './checksService';

export function checksCommands(
  deps: CommandDeps,
  checks: ChecksService,
  output: vscode.OutputChannel,
): HandlerTable<typeof COMMANDS.runChecks> {
  return {
    [COMMANDS.runChecks]: async (arg?: unknown): Promise<ChecksRun | undefined> => {
      const given = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
      const files = given ? [given] : checks.files();
      if (files.length === 0) {
        const choice = await vscode.window.showInformationMessage(
          'There are no saved checks in this workspace: checks files live in .vscode/mcp-lens/*.json. Save one from the inspector after a tool call, resource read or prompt ("Save as check").',
          'Open Inspector',
        );
        if (choice) await vscode.commands.executeCommand(COMMANDS.openInspector);
        return undefined;
      }
      output.clear();
      output.show(true);
      let run: ChecksRun;
      try {
        run = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Running saved checks', cancellable: true },
          async (progress, token) => {
            const controller = new AbortController();
            const cancelled = token.onCancellationRequested(() => controller.abort());
            try {
              return await checks.run(files, {
                signal: controller.signal,
                onText: (text) => output.append(text),
                onResult: (_file, result) => progress.report({ message: result.name }),
              });
            } finally {
              cancelled.dispose();
            }
          },
        );
      } catch (e) {
        await deps.showError('Could not run the saved checks', e);
        return undefined;
      }
      const summary = `${run.passed} passed, ${run.failed} failed`;
      const fileErrors = run.files.filter((f) => f.error).length;
      const problems = fileErrors ? ` (${fileErrors} file${fileErrors === 1 ? '' : 's'} could not be used)` : '';
      if (run.cancelled) void vscode.window.showInformationMessage(`Saved checks cancelled: ${summary}.`);
      else if (run.failed > 0 || fileErrors) {
        void vscode.window
          .showWarningMessage(`Saved checks: ${summary}${problems}.`, 'Show Results')
          .then((choice) => choice && output.show());
      } else void vscode.window.showInformationMessage(`Saved checks: ${summary}.`);
      return run;
    },
  };
}
