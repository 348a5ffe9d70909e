/**
 * Sign-in for the CLI (issue 3 §6), on the same OAuth engine as the extension: a loopback redirect
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
import { FileAuthStore, LoopbackRedirect, OAuthEngine, OAuthFlowError, validateClientCredentials } from '../core/auth/index';
import type { ClientCredentials, MachineGrant, PreRegisteredClient } from '../core/auth/types';
import { headlessAutoApproveOpener } from '../core/auth/testOpeners';
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
export function defaultCredentialsPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'mcp-lens', 'credentials.json');
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'mcp-lens', 'credentials.json');
}

/** Whether the CLI may run an interactive sign-in for this request. */
export function canSignIn(request: RunRequest, io: CliIo): boolean {
  if (request.options.nonInteractive) return false;
  // The test-only opener needs no person; everything else needs someone at a terminal.
  return request.options.testOnlyHeadlessBrowser || io.interactive;
}

/**
 * The commands that open a URL in the user's browser: each entry of $BROWSER (colon-separated, as
 * in `sensible-browser`; `%s` is replaced by the URL, otherwise the URL is appended), then the
 * platform's opener.
 */
export function browserCommands(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Array<{ command: string; args: string[] }> {
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
  else if (platform === 'win32') commands.push({ command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] });
  else commands.push({ command: 'xdg-open', args: [url] });
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
 * TEST ONLY: the conformance suite passes pre-registered credentials in MCP_CONFORMANCE_CONTEXT
 * (`{"client_id": …, "client_secret": …}`). Read only together with --test-only-headless-browser.
 */
function conformanceClient(env: NodeJS.ProcessEnv): PreRegisteredClient | undefined {
  const raw = env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return undefined;
  try {
    const context = JSON.parse(raw) as { client_id?: unknown; client_secret?: unknown };
    if (typeof context.client_id !== 'string' || !context.client_id) return undefined;
    return { clientId: context.client_id, ...(typeof context.client_secret === 'string' ? { clientSecret: context.client_secret } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * TEST ONLY: the conformance suite's machine-to-machine scenarios say in MCP_CONFORMANCE_CONTEXT
 * which grant they test: `private_key_pem` (+ `signing_algorithm`) for client credentials with
 * private_key_jwt, `idp_id_token` (+ `idp_token_endpoint`, `idp_issuer`, `idp_client_id`) for
 * cross-app access. The client-secret variant's context looks like a pre-registered client's, so
 * the scenario's `name` (auth/client-credentials-…) tells them apart. Read only together with
 * --test-only-headless-browser.
 */
export function conformanceGrant(env: NodeJS.ProcessEnv): MachineGrant | undefined {
  const raw = env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return undefined;
  let context: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    context = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const text = (key: string): string | undefined => (typeof context[key] === 'string' && context[key] ? (context[key] as string) : undefined);
  const clientId = text('client_id');
  if (!clientId) return undefined;
  const secret = text('client_secret');
  const idToken = text('idp_id_token');
  if (idToken) {
    const idpClientId = text('idp_client_id');
    if (!idpClientId) return undefined;
    return {
      type: 'cross_app_access',
      client: { clientId, ...(secret ? { clientSecret: secret } : {}) },
      identityProvider: {
        idToken,
        client: { clientId: idpClientId },
        ...(text('idp_token_endpoint') ? { tokenEndpoint: text('idp_token_endpoint') } : {}),
        ...(text('idp_issuer') ? { issuer: text('idp_issuer') } : {}),
      },
    };
  }
  const pem = text('private_key_pem');
  if (pem) {
    return {
      type: 'client_credentials',
      client: { clientId, privateKey: pem, authMethod: 'private_key_jwt', ...(text('signing_algorithm') ? { signingAlgorithm: text('signing_algorithm') } : {}) },
    };
  }
  const name = text('name') ?? env.MCP_CONFORMANCE_SCENARIO ?? '';
  if (name.startsWith('auth/client-credentials-') && secret) return { type: 'client_credentials', client: { clientId, clientSecret: secret } };
  return undefined;
}

/**
 * The sign-in without a browser asked for on the command line (--client-credentials,
 * --cross-app-access), with secrets from the environment and the key from its file; in the
 * test-only mode, the conformance scenario's grant. Throws GrantConfigError when something is missing.
 */
export function machineGrant(request: RunRequest, env: NodeJS.ProcessEnv, readFile: (file: string) => string = (f) => readFileSync(f, 'utf8')): MachineGrant | undefined {
  const { options } = request;
  if (!options.grant) return options.testOnlyHeadlessBrowser ? conformanceGrant(env) : undefined;
  const clientId = options.clientId ?? '';
  const flag = options.grant === 'client-credentials' ? '--client-credentials' : '--cross-app-access';
  let privateKey: string | undefined;
  if (options.privateKeyFile) {
    try {
      privateKey = readFile(options.privateKeyFile);
    } catch (e) {
      throw new GrantConfigError(`Could not read the private key file ${options.privateKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
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
      if (e instanceof OAuthFlowError) throw new GrantConfigError(`--private-key-file ${options.privateKeyFile}: ${e.message}`);
      throw e;
    }
  }
  if (options.grant === 'client-credentials') {
    if (privateKey === undefined && !secret) {
      throw new GrantConfigError(`${flag} needs the client's secret in ${CLIENT_SECRET_ENV} or its private key in --private-key-file.`);
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

export function preRegisteredClient(request: RunRequest, env: NodeJS.ProcessEnv): PreRegisteredClient | undefined {
  if (request.options.clientId) {
    const secret = env[CLIENT_SECRET_ENV];
    return { clientId: request.options.clientId, ...(secret ? { clientSecret: secret } : {}) };
  }
  if (request.options.testOnlyHeadlessBrowser) return conformanceClient(env);
  return undefined;
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

export function createCliAuth(io: CliIo, logger?: Logger): CliAuth {
  return {
    connectionOptions(request, signal) {
      if (request.config.transport === 'stdio') return {};
      const { options } = request;
      const store = new FileAuthStore(options.credentialsPath ?? defaultCredentialsPath(io.env));
      const serverName = new URL(request.config.url).host;
      const openBrowser = async (url: string): Promise<void> => {
        if (options.testOnlyHeadlessBrowser) {
          io.stderr(`Signing in to ${serverName} with the TEST-ONLY headless browser…\n`);
          await headlessAutoApproveOpener()(url);
          return;
        }
        if (options.noBrowser) {
          io.stderr(`To sign in to ${serverName}, open this URL in a browser:\n\n  ${url}\n\nWaiting for the sign-in to finish (Ctrl+C to cancel)…\n`);
          return;
        }
        io.stderr(`Opening your browser to sign in to ${serverName}…\nIf it does not open, visit:\n\n  ${url}\n\nWaiting for the sign-in to finish (Ctrl+C to cancel)…\n`);
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
      const grant = machineGrant(request, io.env);
      const preRegistered = grant ? undefined : preRegisteredClient(request, io.env);
      const interactive = canSignIn(request, io);
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
      if (request.options.nonInteractive) return 'Run the command again without --non-interactive, in a terminal, to sign in.';
      if (!io.interactive) return 'Run the command in a terminal to sign in: it opens your browser (or prints a URL with --no-browser).';
      return 'Run the command again to sign in.';
    },
  };
}
