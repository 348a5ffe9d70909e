/**
 * `mcp-lens doctor <url>`: the connection doctor (src/core/doctor) on the command line, for server
 * authors and their CI. Exit code 0 when no check fails (warnings do not fail), 1 when one does,
 * 2 on a usage error, 130 when interrupted.
 */
import { writeFile } from 'node:fs/promises';
import { CommandLineError, parseCommandLine, validateServerUrl, parseHeaderLine } from '../core/config';
import {
  CHECK_IDS,
  DoctorCancelled,
  checkLine,
  diagnose,
  diagnoseStdio,
  erasLine,
  statusLine,
  toJson,
  toMarkdown,
  type DoctorCheckResult,
  type DoctorOptions,
} from '../core/doctor/index';
import { EXIT, UsageError, parseProtocol } from './args';
import { safeText } from './format';
import type { CliIo } from './output';

export interface DoctorRequest {
  url: string;
  /** `--stdio`: the server's command line, split into words (then `url` is empty). */
  stdio?: string[];
  json: boolean;
  /** Where to write the Markdown report ('-' = stdout). */
  markdownPath?: string;
  transport: NonNullable<DoctorOptions['transport']>;
  protocol: NonNullable<DoctorOptions['protocol']>;
  timeoutMs?: number;
  headers: Record<string, string>;
  probeRegistration: boolean;
  help: boolean;
}

const TRANSPORTS: Record<string, DoctorRequest['transport']> = {
  auto: 'auto',
  http: 'streamable-http',
  'streamable-http': 'streamable-http',
  streamablehttp: 'streamable-http',
  sse: 'sse',
};

export function doctorUsage(): string {
  return `Usage: mcp-lens doctor <url> [--json] [--markdown FILE] [--transport auto|http|sse]
                       [--protocol auto|2025|2026-07-28] [--timeout <seconds>] [-H 'Name: value']
                       [--no-registration-probe]
       mcp-lens doctor --stdio "<command line>" [--json] [--markdown FILE] [--timeout <seconds>]

Runs ${CHECK_IDS.length} checks against an MCP server over HTTP, from the URL, DNS, TCP and TLS, through the
protocol eras it speaks (server/discover for MCP 2026-07-28, initialize for the 2025 revisions: versions,
serverInfo, whether they agree, the legacy fallback, Mcp-Method validation, cache hints) up to its OAuth
setup (401 challenge, protected resource metadata, authorization server metadata, PKCE, registration,
token endpoint auth, refresh) and how it answers an invalid token. Each failure says what to change and
cites the spec.

With --stdio, the server is started twice (a fresh process per probe, ended afterwards): once for
server/discover, once for initialize; the report says which eras it speaks and whether they agree.

  --json                    print the report as JSON on stdout (no progress lines)
  --markdown FILE           also write the report as Markdown to FILE ('-' for stdout)
  --transport auto|http|sse which transport to try (default auto: Streamable HTTP, then SSE)
  --protocol auto|2025|2026-07-28
                            the eras to probe: auto and 2026-07-28 (default auto) probe both, to see how
                            a modern server answers 2025 clients; 2025 sends no 2026-07-28 request
  --stdio "<command line>"  probe the protocol eras of a local stdio server instead of a URL
  --timeout <seconds>       limit of each network step (default 10)
  -H, --header 'Name: value'  send a header with every MCP request (repeatable)
  --no-registration-probe   do not register a throw-away client at the registration endpoint

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error, 130 interrupted.
`;
}

/** Parses the arguments after `doctor`. Throws UsageError. */
export function parseDoctorArgs(argv: string[]): DoctorRequest {
  const request: DoctorRequest = {
    url: '',
    json: false,
    transport: 'auto',
    protocol: 'auto',
    headers: {},
    probeRegistration: true,
    help: false,
  };
  const positionals: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    let name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '-H') name = '--header';
    if (name === '-t') name = '--transport';
    if (name === '-h') name = '--help';
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value.`, doctorUsage());
      return argv[++i];
    };
    const flag = (): void => {
      if (eq > 0) throw new UsageError(`${name} takes no value.`, doctorUsage());
    };
    if (name !== '--header') {
      if (seen.has(name)) throw new UsageError(`${name} is given more than once.`, doctorUsage());
      seen.add(name);
    }
    switch (name) {
      case '--help':
        flag();
        request.help = true;
        break;
      case '--json':
        flag();
        request.json = true;
        break;
      case '--no-registration-probe':
        flag();
        request.probeRegistration = false;
        break;
      case '--markdown': {
        const path = value();
        if (!path.trim()) throw new UsageError('--markdown needs a file path (or - for stdout).', doctorUsage());
        request.markdownPath = path;
        break;
      }
      case '--transport': {
        const word = value();
        const transport = TRANSPORTS[word.toLowerCase()];
        if (!transport) throw new UsageError(`--transport must be auto, http or sse (got "${word}").`, doctorUsage());
        request.transport = transport;
        break;
      }
      case '--stdio': {
        const line = value();
        let words: string[];
        try {
          words = parseCommandLine(line);
        } catch (e) {
          if (e instanceof CommandLineError) throw new UsageError(`--stdio: ${e.message}`, doctorUsage());
          throw e;
        }
        if (!words.length) throw new UsageError('--stdio needs a command line.', doctorUsage());
        request.stdio = words;
        break;
      }
      case '--protocol':
        request.protocol = parseProtocol(value(), doctorUsage());
        break;
      case '--timeout': {
        const text = value();
        const seconds = Number(text);
        if (!text.trim() || !Number.isFinite(seconds) || seconds <= 0) {
          throw new UsageError(`--timeout must be a positive number of seconds (got "${text}").`, doctorUsage());
        }
        request.timeoutMs = Math.round(seconds * 1000);
        break;
      }
      case '--header': {
        const parsed = parseHeaderLine(value());
        if (typeof parsed === 'string') throw new UsageError(`--header: ${parsed}`, doctorUsage());
        request.headers[parsed.name] = parsed.value;
        break;
      }
      default:
        throw new UsageError(`Unknown option ${name} for doctor.`, doctorUsage());
    }
  }
  if (request.help) return request;
  if (request.stdio) {
    for (const httpOnly of ['--transport', '--protocol', '--header', '--no-registration-probe']) {
      if (seen.has(httpOnly)) throw new UsageError(`${httpOnly} applies to a URL, not to --stdio.`, doctorUsage());
    }
    if (Object.keys(request.headers).length) {
      throw new UsageError('--header applies to a URL, not to --stdio.', doctorUsage());
    }
    if (positionals.length) {
      throw new UsageError('Give either a URL or --stdio "<command line>", not both.', doctorUsage());
    }
    if (request.json && request.markdownPath === '-') {
      throw new UsageError('--json and --markdown - both write to stdout; give --markdown a file.', doctorUsage());
    }
    return request;
  }
  if (positionals.length === 0) {
    throw new UsageError('"doctor" needs the URL of an MCP server (http:// or https://).', doctorUsage());
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Unexpected argument${positionals.length > 2 ? 's' : ''}: ${positionals
        .slice(1)
        .map((p) => JSON.stringify(p))
        .join(' ')}.`,
      doctorUsage(),
    );
  }
  const problem = validateServerUrl(positionals[0]);
  if (problem) throw new UsageError(`Invalid URL: ${problem}`, doctorUsage());
  request.url = positionals[0].trim();
  if (request.json && request.markdownPath === '-') {
    throw new UsageError('--json and --markdown - both write to stdout; give --markdown a file.', doctorUsage());
  }
  return request;
}

/** `mcp-lens doctor …` (argv without "doctor"): returns the exit code. */
export async function runDoctor(argv: string[], io: CliIo, interrupt: AbortSignal): Promise<number> {
  let request: DoctorRequest;
  try {
    request = parseDoctorArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`mcp-lens: ${e.message}\n${e.hint}`);
      return EXIT.usage;
    }
    throw e;
  }
  if (request.help) {
    io.stdout(doctorUsage());
    return EXIT.ok;
  }
  const progress = !request.json && request.markdownPath !== '-';
  if (progress) io.stdout(`Diagnosing ${safeText(request.stdio ? request.stdio.join(' ') : request.url)}\n\n`);
  const onCheck = progress
    ? (check: DoctorCheckResult) => {
        io.stdout(`${safeText(checkLine(check))}\n`);
        if (check.status === 'fail' || check.status === 'warn') {
          if (check.fix) io.stdout(`      fix:  ${safeText(check.fix)}\n`);
          if (check.spec) io.stdout(`      spec: ${safeText(check.spec)}\n`);
        }
      }
    : undefined;
  let report;
  try {
    if (request.stdio) {
      const [command, ...args] = request.stdio;
      report = await diagnoseStdio(
        { command, args },
        { ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}), onCheck },
      );
    } else {
      report = await diagnose(request.url, {
        transport: request.transport,
        protocol: request.protocol,
        ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
        headers: request.headers,
        probeRegistration: request.probeRegistration,
        signal: interrupt,
        onCheck,
      });
    }
  } catch (e) {
    if (e instanceof DoctorCancelled || interrupt.aborted) {
      io.stderr('mcp-lens: interrupted.\n');
      return EXIT.interrupted;
    }
    throw e;
  }
  if (request.json) io.stdout(toJson(report));
  if (request.markdownPath === '-') io.stdout(toMarkdown(report));
  else if (request.markdownPath) {
    try {
      await writeFile(request.markdownPath, toMarkdown(report), 'utf8');
    } catch (e) {
      io.stderr(
        `mcp-lens: could not write ${safeText(request.markdownPath)}: ${safeText(e instanceof Error ? e.message : String(e))}\n`,
      );
      return EXIT.failure;
    }
  }
  if (progress && report.eras) io.stdout(`\nProtocol eras: ${safeText(erasLine(report.eras))}`);
  if (progress) io.stdout(`\n${statusLine(report)}\n`);
  return report.ok ? EXIT.ok : EXIT.failure;
}
