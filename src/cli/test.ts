/**
 * `mcp-lens test <file|dir>…`: runs saved checks (src/core/checks, docs/checks.md) for CI.
 * One line per check, then `N passed, N failed`. Exit 0 when all passed, 1 when one failed (or a
 * server could not be reached), 2 on a usage error or a bad checks file (before anything runs),
 * 130 when interrupted. `--junit` writes a JUnit XML report beside the usual output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectionManager } from '../core/manager';
import type { Logger } from '../core/logger';
import {
  type CheckResult,
  formatCheckLine,
  formatSummary,
  type CheckSpec,
  ChecksFileError,
  type ChecksFile,
  parseChecksFile,
  runChecks,
  checkTargetOf,
  toConnectionConfig,
  toJUnitXml,
} from '../core/checks/index';
import type { ConnectionConfig } from '../core/config';
import { EXIT, type RunRequest, UsageError } from './args';
import type { CliAuth } from './auth';
import type { CliIo } from './output';
import { safeText } from './format';
import { version as packageVersion } from '../../package.json';

export interface TestRequest {
  paths: string[];
  json: boolean;
  junitPath?: string;
  grep?: RegExp;
  timeoutMs?: number;
  credentialsPath?: string;
  noBrowser: boolean;
  nonInteractive: boolean;
  help: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function testUsage(): string {
  return `Usage: mcp-lens test <file.json|dir>… [--junit <out.xml>] [--json] [--grep <pattern>] [--timeout <seconds>]
                     [--credentials <file>] [--no-browser] [--non-interactive]

Runs saved checks: each file names a server ("connection") and the tool calls, resource reads and
prompts to make, with what each answer must satisfy (status, JSONPath values, a JSON Schema, a
duration). A directory stands for every *.json file in it (e.g. .vscode/mcp-lens/). The format is
described in docs/checks.md.

  --junit <out.xml>     also write a JUnit XML report (a testsuite per file, a testcase per check)
  --json                print the results as JSON on stdout instead of lines
  --grep <pattern>      run only the checks whose name matches this regular expression
  --timeout <seconds>   fail a request that takes longer (default: 60)
  --credentials, --no-browser, --non-interactive   sign-in, as for the other commands

Exit codes: 0 all checks passed, 1 a check failed, 2 usage error or bad checks file, 130 interrupted.
`;
}

/** Parses the arguments after `test`. Throws UsageError. */
export function parseTestArgs(argv: string[]): TestRequest {
  const request: TestRequest = { paths: [], json: false, noBrowser: false, nonInteractive: false, help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      request.paths.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      request.paths.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = arg === '-h' ? '--help' : eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const text = eq > 0 ? arg.slice(eq + 1) : i + 1 < argv.length ? argv[++i] : undefined;
      if (text === undefined || !text.trim()) throw new UsageError(`${name} needs a value.`, testUsage());
      return text;
    };
    const flag = (): void => {
      if (eq > 0) throw new UsageError(`${name} takes no value.`, testUsage());
    };
    if (seen.has(name)) throw new UsageError(`${name} is given more than once.`, testUsage());
    seen.add(name);
    switch (name) {
      case '--help':
        flag();
        request.help = true;
        break;
      case '--json':
        flag();
        request.json = true;
        break;
      case '--no-browser':
        flag();
        request.noBrowser = true;
        break;
      case '--non-interactive':
        flag();
        request.nonInteractive = true;
        break;
      case '--junit':
        request.junitPath = value();
        break;
      case '--credentials':
        request.credentialsPath = value();
        break;
      case '--grep': {
        const pattern = value();
        try {
          request.grep = new RegExp(pattern, 'u');
        } catch (e) {
          throw new UsageError(
            `--grep: "${pattern}" is not a valid regular expression (${(e as Error).message}).`,
            testUsage(),
          );
        }
        break;
      }
      case '--timeout': {
        const text = value();
        const seconds = Number(text);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 2_147_483) {
          throw new UsageError(`--timeout must be a positive number of seconds (got "${text}").`, testUsage());
        }
        request.timeoutMs = Math.max(1, Math.round(seconds * 1000));
        break;
      }
      default:
        throw new UsageError(`Unknown option ${name} for test.`, testUsage());
    }
  }
  if (!request.help && request.paths.length === 0) {
    throw new UsageError('"test" needs a checks file or a directory of them, e.g. .vscode/mcp-lens/.', testUsage());
  }
  return request;
}

interface LoadedFile {
  /** As given (or as found in a given directory), for messages and reports. */
  name: string;
  file: ChecksFile;
  config: ConnectionConfig;
  checks: CheckSpec[];
}

/** The checks files the paths name, read and validated; any problem is a ChecksFileError. */
export function loadChecksFiles(paths: string[], env: NodeJS.ProcessEnv): LoadedFile[] {
  const files: string[] = [];
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch {
      throw new ChecksFileError(`${given}: no such file or directory.`);
    }
    if (stat.isDirectory()) {
      const found = fs
        .readdirSync(given)
        .filter((entry) => entry.endsWith('.json'))
        .sort()
        .map((entry) => path.join(given, entry));
      if (found.length === 0) throw new ChecksFileError(`${given}: the directory has no *.json checks files.`);
      files.push(...found);
    } else {
      files.push(given);
    }
  }
  return files.map((name) => {
    let text: string;
    try {
      text = fs.readFileSync(name, 'utf8');
    } catch (e) {
      throw new ChecksFileError(`${name}: could not be read (${(e as Error).message}).`);
    }
    const file = parseChecksFile(text, name);
    const config = toConnectionConfig(file.connection, path.dirname(path.resolve(name)), env, name);
    return { name, file, config, checks: file.checks };
  });
}

export async function runTest(
  argv: string[],
  io: CliIo,
  interrupt: AbortSignal,
  makeAuth?: (io: CliIo, logger?: Logger) => CliAuth,
): Promise<number> {
  let request: TestRequest;
  let loaded: LoadedFile[];
  try {
    request = parseTestArgs(argv);
    if (request.help) {
      io.stdout(testUsage());
      return EXIT.ok;
    }
    loaded = loadChecksFiles(request.paths, io.env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`mcp-lens: ${e.message}\n${e.hint}\n`);
      return EXIT.usage;
    }
    if (e instanceof ChecksFileError) {
      io.stderr(`mcp-lens: ${safeText(e.message)}\nhint: See docs/checks.md for the checks file format.\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (request.grep) {
    const grep = request.grep;
    for (const file of loaded) file.checks = file.checks.filter((c) => grep.test(c.name));
    if (loaded.every((f) => f.checks.length === 0)) {
      io.stderr(`mcp-lens: no check's name matches --grep ${safeText(String(grep))}.\n`);
      return EXIT.usage;
    }
  }
  const auth = makeAuth?.(io);
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const suites: Array<{ name: string; results: CheckResult[] }> = [];
  for (const file of loaded) {
    if (file.checks.length === 0 || interrupt.aborted) continue;
    if (!request.json) io.stdout(`${safeText(file.name)} (${safeText(file.config.name)})\n`);
    // The CLI's own sign-in path, so a server signed in to with `mcp-lens` works here with the stored tokens.
    const runRequest: RunRequest = {
      kind: 'run',
      command: 'tools',
      config: file.config,
      options: {
        json: request.json,
        verbose: false,
        noBrowser: request.noBrowser,
        nonInteractive: request.nonInteractive,
        answers: { roots: [], openElicitationUrls: false },
        ...(request.credentialsPath ? { credentialsPath: request.credentialsPath } : {}),
      },
    };
    const manager = new ConnectionManager({
      requestTimeoutMs: timeoutMs,
      clientInfo: { name: 'mcp-lens-cli', version: packageVersion },
      ...(auth ? auth.connectionOptions(runRequest, interrupt) : {}),
    });
    try {
      const results = await runChecks(
        file.checks,
        async () => {
          const connection = manager.add(file.config);
          await connection.connect();
          return checkTargetOf(connection);
        },
        {
          timeoutMs,
          signal: interrupt,
          onResult: (result) => {
            if (!request.json) io.stdout(formatCheckLine(result));
          },
        },
      );
      suites.push({ name: file.name, results });
    } finally {
      await manager.disposeAsync();
    }
  }
  if (interrupt.aborted) {
    io.stderr('mcp-lens: interrupted.\n');
    return EXIT.interrupted;
  }
  const all = suites.flatMap((s) => s.results);
  const passed = all.filter((r) => r.passed).length;
  const failed = all.length - passed;
  if (request.junitPath) {
    try {
      fs.writeFileSync(request.junitPath, toJUnitXml(suites));
    } catch (e) {
      io.stderr(`mcp-lens: could not write the JUnit report to ${request.junitPath}: ${(e as Error).message}\n`);
      return EXIT.failure;
    }
  }
  if (request.json) {
    io.stdout(
      `${JSON.stringify({ passed, failed, files: suites.map((s) => ({ file: s.name, results: s.results })) }, null, 2)}\n`,
    );
  } else {
    io.stdout(`\n${formatSummary(all)}`);
  }
  return failed > 0 ? EXIT.failure : EXIT.ok;
}
