/**
 * The inspector's Checks tab and its Save as check action, host side: `checks/list`, `checks/save`
 * and `checks/run` of src/shared/protocol.ts on top of the ChecksService. No `vscode` import (the
 * panel passes in how to open a file), so unit tests drive it with a real connection.
 */
import * as path from 'node:path';
import { type CheckSpec, ChecksFileError } from '../../core/checks/format';
import {
  CHECKS_DIR,
  checksConnectionFor,
  defaultChecksFile,
  matchSavedConnection,
  saveCheck,
} from '../../core/checks/workspace';
import { ConnectionError } from '../../core/errors';
import type { ConnectionManager } from '../../core/manager';
import type { CheckItemView, ChecksFileView, RequestMap } from '../../shared/protocol';
import type { ChecksService, LoadedChecksFile } from './checksService';

type Result<M extends keyof RequestMap> = RequestMap[M]['result'];
type Params<M extends keyof RequestMap> = RequestMap[M]['params'];

export interface InspectorChecksDeps {
  service: ChecksService;
  manager: ConnectionManager;
  workspaceFolders(): readonly string[];
  /** Opens a saved file for editing (the defaults are a start: the user tightens them in the file). */
  openFile(file: string): Promise<void>;
}

/** The slowest a saved check may be by default: five times what was observed, in whole seconds, at least 5 s (CI machines are slower). */
export function defaultMaxDurationMs(observedMs: number): number {
  return Math.max(5000, Math.ceil((observedMs * 5) / 1000) * 1000);
}

export class InspectorChecks {
  constructor(private readonly deps: InspectorChecksDeps) {}

  list({ connectionId }: Params<'checks/list'>): Result<'checks/list'> {
    const connection = this.connection(connectionId);
    const files: ChecksFileView[] = [];
    for (const file of this.deps.service.files()) {
      const loaded = this.deps.service.load(file);
      if (!loaded.ok) files.push({ file: loaded.label, checks: [], error: loaded.error });
      else if (loaded.savedConnectionId === connectionId) files.push({ file: loaded.label, checks: items(loaded) });
    }
    const folder = this.deps.workspaceFolders()[0];
    const defaultFile = folder
      ? toPosix(path.relative(folder, defaultChecksFile(folder, connection.config.name)))
      : null;
    return { files, defaultFile };
  }

  async save(params: Params<'checks/save'>): Promise<Result<'checks/save'>> {
    const connection = this.connection(params.connectionId);
    const folder = this.deps.workspaceFolders()[0];
    if (!folder) {
      throw new ChecksFileError('Open a folder first: checks files are saved in its .vscode/mcp-lens/ folder.');
    }
    const file = this.resolveSaveTarget(folder, params.file);
    const label = toPosix(path.relative(folder, file));
    const existing = this.deps.service.files().includes(file) ? this.deps.service.load(file) : undefined;
    if (existing?.ok) {
      const standsFor = matchSavedConnection(existing.file.connection, [connection.config]);
      if (!standsFor) {
        throw new ChecksFileError(
          `${label} checks another server (its "connection" is not "${connection.config.name}"); choose another file.`,
        );
      }
    }
    const check: CheckSpec = {
      name: params.name.trim(),
      kind: params.kind,
      ...(params.kind === 'tool' ? { tool: params.target } : {}),
      ...(params.kind === 'resource' ? { uri: params.target } : {}),
      ...(params.kind === 'prompt' ? { prompt: params.target } : {}),
      ...(params.kind !== 'resource' && Object.keys(params.args).length ? { arguments: params.args } : {}),
      expect: { status: params.status, maxDurationMs: defaultMaxDurationMs(params.durationMs) },
    };
    saveCheck(file, checksConnectionFor(connection.config), check);
    await this.deps.openFile(file);
    return { file: label, check: { name: check.name, kind: check.kind, target: params.target } };
  }

  async run(params: Params<'checks/run'>, signal?: AbortSignal): Promise<Result<'checks/run'>> {
    this.connection(params.connectionId);
    const files = this.deps.service.files().filter((file) => {
      const loaded = this.deps.service.load(file);
      return (
        loaded.ok && loaded.savedConnectionId === params.connectionId && (!params.file || loaded.label === params.file)
      );
    });
    if (files.length === 0) {
      throw new ChecksFileError(
        params.file
          ? `${params.file} is not a checks file of this connection (any more): refresh the list.`
          : `No checks file of the workspace stands for this connection: save one with "Save as check" after a call.`,
      );
    }
    const labels = new Map(files.map((file) => [file, this.deps.service.load(file).label]));
    const run = await this.deps.service.run(files, {
      signal,
      only: params.name ? (_file, check) => check.name === params.name : undefined,
    });
    if (params.name && run.passed + run.failed === 0 && !run.cancelled) {
      throw new ChecksFileError(
        `There is no check "${params.name}" in ${params.file ?? 'the files'} (any more): refresh the list.`,
      );
    }
    const results = run.files.flatMap((f) => f.results.map((r) => ({ file: labels.get(f.path) ?? f.label, ...r })));
    return { results, passed: run.passed, failed: run.failed, cancelled: run.cancelled };
  }

  /** `file` as typed by the user: relative to the folder and inside .vscode/mcp-lens/, a .json file. */
  private resolveSaveTarget(folder: string, file: string): string {
    const checksDir = path.join(folder, CHECKS_DIR);
    const resolved = path.resolve(folder, file.trim());
    if (path.dirname(resolved) !== checksDir || !resolved.endsWith('.json') || path.basename(resolved) === '.json') {
      throw new ChecksFileError(
        `"${file}": checks files are .json files directly in ${toPosix(CHECKS_DIR)}/ (e.g. ${toPosix(CHECKS_DIR)}/server.json), where Run Saved Checks and mcp-lens test find them.`,
      );
    }
    return resolved;
  }

  private connection(connectionId: string) {
    const connection = this.deps.manager.get(connectionId);
    if (!connection) throw new ConnectionError('not-found', 'That connection no longer exists.');
    return connection;
  }
}

function items(loaded: Extract<LoadedChecksFile, { ok: true }>): CheckItemView[] {
  return loaded.file.checks.map((check) => ({
    name: check.name,
    kind: check.kind,
    target: check.tool ?? check.uri ?? check.prompt ?? '',
  }));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
