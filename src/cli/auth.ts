/**
 * Sign-in for the CLI, on the same OAuth engine as the extension: a loopback redirect
 * (RFC 8252 §7.3), tokens in a credentials file only the user can read (FileAuthStore, mode 0600),
 * and the system browser (RFC 8252 §4), honouring $BROWSER like other command-line tools.
 * When nobody can answer (no TTY, or --non-interactive) a needed sign-in becomes exit code 3.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HttpConnectionConfig } from '../core/config';
import { parseCommandLine } from '../core/config';
import type { ConnectionOptions, FetchHooks } from '../core/connection';
import {
  FileAuthStore,
  LoopbackRedirect,
  OAuthEngine,
  OAuthFlowError,
  validateClientCredentials,
} from '../core/auth/index';
import type { ClientCredentials, MachineGrant, PreRegisteredClient } from '../core/auth/types';
import type { Logger } from '../core/logger';
import type { RunRequest } from './args';
import type { CliIo } from './output';
import { safeText } from './format';

/** The environment variable that carries a pre-registered client's secret (never a command-line argument, which `ps` shows). */
export const CLIENT_SECRET_ENV = 'MCP_LENS_CLIENT_SECRET';
/** Cross-app access: the user's ID token from the identity provider, and the secret of the client there (both off the process list). */
export const IDP_ID_TOKEN_ENV = 'MCP_LENS_IDP_ID_TOKEN';
export const IDP_CLIENT_SECRET_ENV = 'MCP_LENS_IDP_CLIENT_SECRET';

/** A sign-in without a browser that cannot start: what is missing (exit code 2, like a usage error). */
export class GrantConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantConfigError';
  }
}

export interface CliAuth {
  /** Manager options that give HTTP connections the engine's authorized fetch. */
  connectionOptions(request: RunRequest, signal: AbortSignal): ConnectionOptions;
  /** What to tell the user when a sign-in is needed but could not happen. */
  authRequiredHint(request: RunRequest): string;
}

/**
 * `~/.config/mcp-lens/credentials.json` (or under $XDG_CONFIG_HOME; %APPDATA% on Windows).
 */
export function defaultCredentialsPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
): string {
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'mcp-lens', 'credentials.json');
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'mcp-lens', 'credentials.json');
}

/**
 * What a test entry puts in place of the person at the browser (the conformance suite's runner, see
 * test/support/cliWithTestOpener.ts). The shipped CLI never has one: it would approve sign-ins on the
 * user's behalf.
 */
export interface SignInStandIn {
  /** How the sign-in happens, for the message on stderr ("the TEST-ONLY headless browser"). */
  label: string;
  /** Opens the authorization URL instead of a browser; the sign-in then needs nobody at a terminal. */
  open(url: string): Promise<void>;
  /** The pre-registered client the test prescribes, when the command line names none. */
  preRegisteredClient?(env: NodeJS.ProcessEnv): PreRegisteredClient | undefined;
  /** The machine-to-machine grant the test prescribes, when the command line names none. */
  machineGrant?(env: NodeJS.ProcessEnv): MachineGrant | undefined;
}

/** Whether the CLI may run an interactive sign-in for this request. */
export function canSignIn(request: RunRequest, io: CliIo, standIn?: SignInStandIn): boolean {
  if (request.options.nonInteractive) return false;
  // A stand-in needs no person; everything else needs someone at a terminal.
  return !!standIn || io.interactive;
}

/**
 * The commands that open a URL in the user's browser: each entry of $BROWSER (colon-separated, as
 * in `sensible-browser`; `%s` is replaced by the URL, otherwise the URL is appended), then the
 * platform's opener.
 */
export function browserCommands(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Array<{ command: string; args: string[] }> {
  const commands: Array<{ command: string; args: string[] }> = [];
  for (const entry of (env.BROWSER ?? '').split(platform === 'win32' ? ';' : ':')) {
    if (!entry.trim()) continue;
    let words: string[];
    try {
      words = parseCommandLine(entry);
    } catch {
      continue;
    }
    if (words.length === 0) continue;
    const substituted = words.some((w) => w.includes('%s'));
    const all = substituted ? words.map((w) => w.split('%s').join(url)) : [...words, url];
    commands.push({ command: all[0], args: all.slice(1) });
  }
  if (platform === 'darwin') commands.push({ command: 'open', args: [url] });
  // `start` is a cmd builtin; its first quoted argument is a window title.
  else if (platform === 'win32') {
    commands.push({ command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] });
  } else commands.push({ command: 'xdg-open', args: [url] });
  return commands;
}

/** Starts the first browser command that can be spawned; the browser lives on after we exit. */
export async function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const failures: string[] = [];
  for (const { command, args } of browserCommands(url, env)) {
    const started = await new Promise<boolean>((resolve) => {
      try {
        const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
        child.once('error', () => resolve(false));
        child.once('spawn', () => {
          child.unref();
          resolve(true);
        });
      } catch {
        resolve(false);
      }
    });
    if (started) return command;
    failures.push(command);
  }
  throw new Error(`no browser could be started (tried ${failures.join(', ')}); set BROWSER or use --no-browser`);
}

/**
 * The sign-in without a browser asked for on the command line (--client-credentials,
 * --cross-app-access), with secrets from the environment and the key from its file; with a test's
 * stand-in, the grant it prescribes. Throws GrantConfigError when something is missing.
 */
export function machineGrant(
  request: RunRequest,
  env: NodeJS.ProcessEnv,
  readFile: (file: string) => string = (f) => readFileSync(f, 'utf8'),
  standIn?: SignInStandIn,
): MachineGrant | undefined {
  const { options } = request;
  if (!options.grant) return standIn?.machineGrant?.(env);
  const clientId = options.clientId ?? '';
  const flag = options.grant === 'client-credentials' ? '--client-credentials' : '--cross-app-access';
  let privateKey: string | undefined;
  if (options.privateKeyFile) {
    try {
      privateKey = readFile(options.privateKeyFile);
    } catch (e) {
      throw new GrantConfigError(
        `Could not read the private key file ${options.privateKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
      );
    }
  }
  const secret = env[CLIENT_SECRET_ENV] || undefined;
  const client: ClientCredentials = {
    clientId,
    ...(privateKey !== undefined ? { privateKey } : secret ? { clientSecret: secret } : {}),
    ...(options.clientAuth ? { authMethod: options.clientAuth } : {}),
    ...(options.signingAlg ? { signingAlgorithm: options.signingAlg } : {}),
  };
  if (privateKey !== undefined) {
    // A key that cannot be read or does not fit --signing-alg is a mistake on the command line: say so before any request.
    try {
      validateClientCredentials(client);
    } catch (e) {
      if (e instanceof OAuthFlowError) {
        throw new GrantConfigError(`--private-key-file ${options.privateKeyFile}: ${e.message}`);
      }
      throw e;
    }
  }
  if (options.grant === 'client-credentials') {
    if (privateKey === undefined && !secret) {
      throw new GrantConfigError(
        `${flag} needs the client's secret in ${CLIENT_SECRET_ENV} or its private key in --private-key-file.`,
      );
    }
    return { type: 'client_credentials', client };
  }
  const idToken = env[IDP_ID_TOKEN_ENV];
  if (!idToken) throw new GrantConfigError(`${flag} needs the identity provider's ID token in ${IDP_ID_TOKEN_ENV}.`);
  const idpSecret = env[IDP_CLIENT_SECRET_ENV] || undefined;
  return {
    type: 'cross_app_access',
    client,
    identityProvider: {
      idToken,
      client: { clientId: options.idpClientId ?? '', ...(idpSecret ? { clientSecret: idpSecret } : {}) },
      ...(options.idpTokenEndpoint ? { tokenEndpoint: options.idpTokenEndpoint } : {}),
      ...(options.idpIssuer ? { issuer: options.idpIssuer } : {}),
    },
  };
}

export function preRegisteredClient(
  request: RunRequest,
  env: NodeJS.ProcessEnv,
  standIn?: SignInStandIn,
): PreRegisteredClient | undefined {
  if (request.options.clientId) {
    const secret = env[CLIENT_SECRET_ENV];
    return { clientId: request.options.clientId, ...(secret ? { clientSecret: secret } : {}) };
  }
  return standIn?.preRegisteredClient?.(env);
}

/** True when `e` or one of its causes is a failed interactive sign-in. */
export function findOAuthFlowError(e: unknown): OAuthFlowError | undefined {
  let cursor: unknown = e;
  for (let i = 0; i < 6 && cursor; i++) {
    if (cursor instanceof OAuthFlowError) return cursor;
    cursor = (cursor as { cause?: unknown }).cause;
  }
  return undefined;
}

export function createCliAuth(io: CliIo, logger?: Logger, standIn?: SignInStandIn): CliAuth {
  return {
    connectionOptions(request, signal) {
      if (request.config.transport === 'stdio') return {};
      const { options } = request;
      const store = new FileAuthStore(options.credentialsPath ?? defaultCredentialsPath(io.env));
      const serverName = new URL(request.config.url).host;
      const openBrowser = async (url: string): Promise<void> => {
        if (standIn) {
          io.stderr(`Signing in to ${serverName} with ${standIn.label}…\n`);
          await standIn.open(url);
          return;
        }
        if (options.noBrowser) {
          io.stderr(
            `To sign in to ${serverName}, open this URL in a browser:\n\n  ${url}\n\nWaiting for the sign-in to finish (Ctrl+C to cancel)…\n`,
          );
          return;
        }
        io.stderr(
          `Opening your browser to sign in to ${serverName}…\nIf it does not open, visit:\n\n  ${url}\n\nWaiting for the sign-in to finish (Ctrl+C to cancel)…\n`,
        );
        try {
          await openInBrowser(url, io.env);
        } catch (e) {
          // The URL is on screen: the user can still open it by hand, and the listener keeps waiting.
          io.stderr(`mcp-lens: could not open a browser (${safeText((e as Error).message)}).\n`);
        }
      };
      const engine = new OAuthEngine({
        store,
        logger,
        openBrowser,
        redirectStrategies: [new LoopbackRedirect(options.callbackPort ? { port: options.callbackPort } : {})],
        clientName: 'MCP Lens CLI',
        ...(options.signInTimeoutMs !== undefined ? { timeoutMs: options.signInTimeoutMs } : {}),
        ...(options.clientMetadataUrl ? { cimdUrl: options.clientMetadataUrl } : {}),
      });
      // A grant without a browser needs no person: it runs even without a terminal or with --non-interactive.
      const grant = machineGrant(request, io.env, undefined, standIn);
      const preRegistered = grant ? undefined : preRegisteredClient(request, io.env, standIn);
      const interactive = canSignIn(request, io, standIn);
      return {
        // The connection's --timeout stands still while a sign-in runs (hooks.signingIn): --sign-in-timeout bounds that.
        fetchFor: (config: HttpConnectionConfig, hooks: FetchHooks) =>
          engine.authorizedFetch(config.url, {
            interactive,
            signal,
            serverName,
            onSignIn: (signIn) => hooks.signingIn(signIn),
            ...(grant ? { grant } : preRegistered ? { preRegistered } : {}),
          }),
      };
    },
    authRequiredHint(request) {
      if (request.options.nonInteractive) {
        return 'Run the command again without --non-interactive, in a terminal, to sign in.';
      }
      if (!io.interactive) {
        return 'Run the command in a terminal to sign in: it opens your browser (or prints a URL with --no-browser).';
      }
      return 'Run the command again to sign in.';
    },
  };
}
