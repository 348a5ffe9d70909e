/**
 * `MCP Lens: Diagnose Connection` (mcpLens.diagnoseConnection): runs the connection doctor
 * (src/core/doctor) on a connection's URL, or on a URL the user types, with each check reported in a
 * progress notification as it completes, then opens the Markdown report in a read-only editor.
 * Reports live in memory on the `mcp-lens-doctor` scheme (never on disk); secrets are masked by the
 * doctor before they reach the report.
 */
import * as vscode from 'vscode';
import { ReadOnlyDocuments } from './resultDocuments';
import { isHttpConfig, validateServerUrl } from '../core/config';
import type { Connection } from '../core/connection';
import type { Logger } from '../core/logger';
import type { FetchLike } from '../core/auth/types';
import type { DoctorReport } from '../core/doctor/index';

export const DOCTOR_SCHEME = 'mcp-lens-doctor';

/** Reports kept for reopening; the oldest go first. */
const MAX_REPORTS = 20;

export interface DoctorCommandDeps {
  /** The connections to offer (HTTP ones only are diagnosable). `ConnectionManager` satisfies this. */
  manager: {
    list(): Connection[];
    get(id: string): Connection | undefined;
    findByName?(name: string): Connection | undefined;
  };
  log?: Logger;
  /** For tests; default the global fetch. */
  fetch?: FetchLike;
}

export interface DoctorCommandResult {
  report: DoctorReport;
  uri: vscode.Uri;
}

/** The Markdown reports, as read-only documents. */
export class DoctorReports extends ReadOnlyDocuments {
  constructor() {
    super(DOCTOR_SCHEME, MAX_REPORTS, '# This report is no longer kept\n\nRun MCP Lens: Diagnose Connection again.\n');
  }

  add(label: string, markdown: string): vscode.Uri {
    return this.store(undefined, `doctor-${label}`, 'md', markdown);
  }
}

function isTreeNode(arg: unknown): arg is { connectionId: string } {
  return (
    typeof arg === 'object' &&
    arg !== null &&
    'connectionId' in arg &&
    typeof (arg as { connectionId: unknown }).connectionId === 'string'
  );
}

/** A tree node, a connection id or name, a URL, or nothing (then ask). Returns the URL and a label. */
async function resolveTarget(
  deps: DoctorCommandDeps,
  arg: unknown,
): Promise<{ url: string; label: string; headers?: Record<string, string> } | undefined> {
  const fromConnection = (c: Connection | undefined) => {
    if (!c) throw new Error('That connection no longer exists.');
    if (!isHttpConfig(c.config)) {
      throw new Error(`"${c.config.name}" is a stdio connection; the doctor diagnoses servers over HTTP.`);
    }
    return { url: c.config.url, label: c.config.name, ...(c.config.headers ? { headers: c.config.headers } : {}) };
  };
  if (isTreeNode(arg)) return fromConnection(deps.manager.get(arg.connectionId));
  if (typeof arg === 'string' && arg.trim()) {
    if (/^https?:\/\//i.test(arg.trim())) {
      const problem = validateServerUrl(arg);
      if (problem) throw new Error(problem);
      return { url: arg.trim(), label: new URL(arg.trim()).host };
    }
    return fromConnection(deps.manager.get(arg) ?? deps.manager.findByName?.(arg));
  }
  type Item = vscode.QuickPickItem & { connection?: Connection };
  const items: Item[] = deps.manager
    .list()
    .filter((c) => isHttpConfig(c.config))
    .map((c) => ({ label: c.config.name, description: isHttpConfig(c.config) ? c.config.url : '', connection: c }));
  const enterUrl: Item = { label: '$(globe) Enter a server URL…', alwaysShow: true };
  let picked: Item | undefined = enterUrl;
  if (items.length) {
    picked = await vscode.window.showQuickPick([...items, enterUrl], {
      placeHolder: 'Which MCP server should be diagnosed?',
      matchOnDescription: true,
    });
    if (!picked) return undefined;
  }
  if (picked.connection) return fromConnection(picked.connection);
  const url = await vscode.window.showInputBox({
    title: 'Diagnose an MCP server',
    prompt: 'The URL of the MCP endpoint (Streamable HTTP or SSE)',
    placeHolder: 'http://127.0.0.1:3001/mcp',
    ignoreFocusOut: true,
    validateInput: (value) => validateServerUrl(value),
  });
  if (!url) return undefined;
  return { url: url.trim(), label: new URL(url.trim()).host };
}

/**
 * The command's handler, for the `Record<CommandId, Handler>` table of commandHandlers.ts.
 * Resolves with the report (undefined when the user cancelled), so tests can assert on it.
 */
export function createDoctorHandler(
  deps: DoctorCommandDeps,
  reports: DoctorReports,
): (arg?: unknown) => Promise<DoctorCommandResult | undefined> {
  return async (arg?: unknown) => {
    let target: Awaited<ReturnType<typeof resolveTarget>>;
    try {
      target = await resolveTarget(deps, arg);
    } catch (e) {
      void vscode.window.showErrorMessage(`Diagnose Connection: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    if (!target) return undefined;
    const { url, label } = target;
    deps.log?.info(`Connection doctor: diagnosing ${url}`);
    // Loaded on first use: the doctor pulls in the SDK, which activation should not pay for.
    const { CHECK_IDS, DoctorCancelled, checkLine, diagnose, statusLine, toMarkdown } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../core/doctor/index') as typeof import('../core/doctor/index');
    let report: DoctorReport;
    try {
      report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Diagnosing ${label}`, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          const sub = token.onCancellationRequested(() => controller.abort());
          try {
            return await diagnose(url, {
              signal: controller.signal,
              ...(target.headers ? { headers: target.headers } : {}),
              ...(deps.fetch ? { fetch: deps.fetch } : {}),
              onCheck: (check) => {
                deps.log?.info(`Connection doctor: ${checkLine(check)}`);
                progress.report({
                  message: `${check.index}/${CHECK_IDS.length} ${check.title}: ${check.status}`,
                  increment: 100 / CHECK_IDS.length,
                });
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (e) {
      if (e instanceof DoctorCancelled) return undefined;
      deps.log?.error(`Connection doctor failed: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Diagnose Connection failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const uri = reports.add(label, toMarkdown(report));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const summary = `Connection doctor (${label}): ${statusLine(report)}`;
    deps.log?.info(summary);
    const shown = report.ok
      ? vscode.window.showInformationMessage(summary, 'Open Preview')
      : vscode.window.showWarningMessage(summary, 'Open Preview');
    void shown.then((choice) => {
      if (choice === 'Open Preview') void vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    });
    return { report, uri };
  };
}
