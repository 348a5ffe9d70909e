/**
 * The interactive sign-in: the authorization code flow with PKCE (OAuth 2.1 §4.1) — discovery,
 * the client, the system browser, the loopback (or URI handler) callback and its checks (state,
 * RFC 9207 `iss`), and the token exchange. Each phase is a step of the flow debugger (./flowSteps.ts).
 */
import { exchangeAuthorization, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { randomState, safeText, type EngineContext } from './context.js';
import { endpoints } from './discovery.js';
import { OAuthFlowError, cancelReason } from './errors.js';
import { flowStep, withFlowStepper, type FlowStepper } from './flowSteps.js';
import { maskUrl } from './redact.js';
import { bindPreRegisteredIssuer, settleClient, type ClientChoice } from './registration.js';
import { authKeys, readClient, writeJson } from './store.js';
import { clientAuthentication, selectScope, toInfo, toStored } from './tokens.js';
import type { AuthChallenge, DiscoveryState, PreparedRedirect, PreRegisteredClient, TokenInfo } from './types.js';
import { assertAuthorizationEndpoint, assertSecureUrl, canonicalResource } from './urls.js';

export interface SignInOptions {
  signal?: AbortSignal;
  /** Overrides scope selection (e.g. a step-up's scope). */
  scope?: string;
  preRegistered?: PreRegisteredClient;
  /** The 401/403 challenge that caused the sign-in (`AuthRequiredError.details`). */
  challenge?: AuthChallenge;
  /** Shown on the page after the callback. Default: the server's host. */
  serverName?: string;
  /**
   * Observes the flow and may pause it between steps (the flow debugger). The flow is
   * the same code with or without it: see ./flowSteps.ts.
   */
  stepper?: FlowStepper;
  /** Discover again even when the cached discovery is fresh (the debugger shows discovery). */
  rediscover?: boolean;
  /**
   * Check a stored client with the authorization endpoint before the browser opens (./preflight.ts).
   * Default true; false for a step-up within one request, whose client just obtained a token.
   */
  checkClient?: boolean;
}

/** One sign-in per resource at a time for `interactive` fetches; concurrent requests share it. */
export function signInOnce(ctx: EngineContext, resource: string, opts: SignInOptions): Promise<TokenInfo> {
  return ctx.once(resource, () => signIn(ctx, resource, opts));
}

/**
 * The interactive authorization code flow with PKCE (OAuth 2.1 §4.1): discovery, client identity,
 * browser, callback, token exchange. Rejects with `OAuthFlowError` (code says why); a cancel or
 * timeout leaves no listener behind.
 */
export async function signIn(ctx: EngineContext, resourceUrl: string, opts: SignInOptions = {}): Promise<TokenInfo> {
  const resource = canonicalResource(resourceUrl);
  assertSecureUrl(resource, 'MCP server URL');
  return withFlowStepper(opts.stepper, opts.signal, () =>
    ctx.bounded(resource, opts.signal, (signal) => runSignIn(ctx, resource, opts, signal)),
  );
}

async function runSignIn(
  ctx: EngineContext,
  resource: string,
  opts: SignInOptions,
  signal: AbortSignal,
): Promise<TokenInfo> {
  const challenge = opts.challenge ?? ctx.lastChallenge.get(resource) ?? {};
  const disc = await ctx.loadDiscovery(
    resource,
    challenge.resourceMetadataUrl,
    signal,
    'authorization_code',
    opts.rediscover,
  );
  const scope = await selectScope(ctx, resource, disc, opts, challenge);
  const state = randomState();
  const serverName = opts.serverName ?? new URL(resource).host;
  ctx.logger.info(`Signing in to ${resource} with ${disc.issuer}${scope ? ` (scope "${scope}")` : ''}.`);

  let lastError: unknown;
  for (const strategy of ctx.options.redirectStrategies) {
    if (signal.aborted) break;
    const stored = opts.preRegistered ? undefined : await readClient(ctx.options.store, disc.issuer);
    const prepared = await strategy.prepare({ state, serverName, preferredRedirectUri: stored?.redirectUris[0] });
    try {
      let client: ClientChoice;
      try {
        client = await flowStep('registration', () =>
          settleClient(ctx, resource, disc, prepared.redirectUri, opts.preRegistered, stored, scope, signal, {
            check: opts.checkClient ?? true,
          }),
        );
      } catch (error) {
        if (error instanceof OAuthFlowError && error.code === 'redirect-rejected') {
          ctx.logger.warn(`${strategy.name}: ${error.message} Trying the next redirect method.`);
          lastError = error;
          continue;
        }
        throw error;
      }
      return await authorize(ctx, resource, disc, client, prepared, { state, scope, serverName, signal });
    } finally {
      prepared.dispose();
    }
  }
  if (signal.aborted) throw cancelReason(signal);
  throw lastError instanceof Error
    ? lastError
    : new OAuthFlowError('redirect-rejected', 'No redirect method was accepted by the authorization server.');
}

async function authorize(
  ctx: EngineContext,
  resource: string,
  disc: DiscoveryState,
  client: ClientChoice,
  prepared: PreparedRedirect,
  flow: { state: string; scope: string | undefined; serverName: string; signal: AbortSignal },
): Promise<TokenInfo> {
  const metadata = disc.authorizationServerMetadata as
    (AuthorizationServerMetadata & { authorization_response_iss_parameter_supported?: boolean }) | undefined;
  const base = disc.authorizationServerMetadata ? disc.issuer : new URL(resource).origin;
  const { authorizationUrl, codeVerifier } = await flowStep('authorization', async () => {
    const started = await startAuthorization(base, {
      metadata,
      clientInformation: client.info,
      redirectUrl: prepared.redirectUri,
      scope: flow.scope,
      state: flow.state,
      resource: disc.resourceIndicator,
    });
    assertAuthorizationEndpoint(started.authorizationUrl.href);
    emitBrowserStep(ctx, 'authorization', started.authorizationUrl.href);
    return started;
  });

  const { code } = await flowStep('callback', async () => {
    // The listener is ready (prepare() resolved); only now is the browser opened.
    ctx.logger.info(`Opening the browser for ${flow.serverName}: ${maskUrl(authorizationUrl)}`);
    const callback = prepared.waitForCallback(flow.signal);
    const opening = ctx.options.openBrowser(authorizationUrl.href);
    opening.catch(() => undefined);
    let params: URLSearchParams;
    try {
      params = await Promise.race([
        callback,
        opening.then(
          () => callback,
          (error: unknown) => {
            throw new OAuthFlowError(
              'browser-failed',
              `Could not open the browser: ${error instanceof Error ? safeText(error.message) : 'unknown error'}.`,
              { cause: error },
            );
          },
        ),
      ]);
    } catch (error) {
      callback.catch(() => undefined);
      throw error;
    }
    const callbackUrl = new URL(prepared.redirectUri);
    callbackUrl.search = params.toString();
    emitBrowserStep(ctx, 'callback', callbackUrl.href);
    let checked: string;
    try {
      checked = checkCallback(params, disc, metadata, flow.state);
    } catch (error) {
      prepared.complete?.({ ok: false, message: error instanceof Error ? error.message : 'The sign-in failed.' });
      throw error;
    }
    return {
      params,
      expectedIssuer: metadata?.issuer ?? disc.issuer,
      issRequired: metadata?.authorization_response_iss_parameter_supported === true,
      code: checked,
    };
  });

  try {
    const tokens = await flowStep('token', () =>
      exchange(ctx, resource, disc, client, code, codeVerifier, prepared.redirectUri, flow.signal),
    );
    const stored = toStored(
      tokens,
      {
        issuer: disc.issuer,
        resource,
        clientId: client.info.client_id,
        clientSource: client.source,
        obtainedAt: ctx.now(),
      },
      flow.scope,
    );
    await writeJson(ctx.options.store, authKeys.tokens(disc.issuer, resource), stored);
    if (client.source === 'pre-registered') {
      await bindPreRegisteredIssuer(ctx, resource, client.info.client_id, disc.issuer);
    }
    ctx.lastChallenge.delete(resource);
    prepared.complete?.({ ok: true });
    ctx.logger.info(`Signed in to ${resource}.`);
    return toInfo(stored);
  } catch (error) {
    prepared.complete?.({ ok: false, message: error instanceof Error ? error.message : 'The sign-in failed.' });
    throw error;
  }
}

/**
 * RFC 6749 §4.1.2 / §10.12 state, RFC 9207 `iss` (compared exactly; required when the AS says it
 * sends it). On an `iss` mismatch neither the received `iss` nor the response's error text is
 * shown: both may come from an attacker's server (mix-up attack, RFC 9207 §2.4).
 */
function checkCallback(
  params: URLSearchParams,
  disc: DiscoveryState,
  metadata: (AuthorizationServerMetadata & { authorization_response_iss_parameter_supported?: boolean }) | undefined,
  state: string,
): string {
  if (params.get('state') !== state) {
    throw new OAuthFlowError(
      'state-mismatch',
      'The authorization response had a missing or unexpected state parameter; it was rejected (RFC 6749 §10.12).',
    );
  }
  const iss = params.get('iss');
  const expectedIss = metadata?.issuer ?? disc.issuer;
  if (iss !== null && iss !== expectedIss) {
    throw new OAuthFlowError(
      'iss-mismatch',
      `The authorization response names another issuer than ${expectedIss}, the authorization server it was sent to; it was rejected (RFC 9207 §2.4).`,
    );
  }
  if (iss === null && metadata?.authorization_response_iss_parameter_supported === true) {
    throw new OAuthFlowError(
      'iss-mismatch',
      `The authorization response lacks the iss parameter that ${expectedIss} promises to send; it was rejected (RFC 9207 §2.4).`,
    );
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    throw new OAuthFlowError(
      'authorization-denied',
      `The authorization server did not authorize MCP Lens: ${safeText(error, 80)}${description ? ` — ${safeText(description)}` : ''}.`,
    );
  }
  const code = params.get('code');
  if (!code) throw new OAuthFlowError('invalid-callback', 'The authorization response has no code.');
  return code;
}

async function exchange(
  ctx: EngineContext,
  resource: string,
  disc: DiscoveryState,
  client: ClientChoice,
  code: string,
  codeVerifier: string,
  redirectUri: string,
  signal: AbortSignal,
): Promise<OAuthTokens> {
  const base = disc.authorizationServerMetadata ? disc.issuer : new URL(resource).origin;
  assertSecureUrl(endpoints(disc).token, 'token endpoint');
  let tokens: OAuthTokens;
  try {
    tokens = await exchangeAuthorization(base, {
      metadata: disc.authorizationServerMetadata,
      clientInformation: client.info,
      authorizationCode: code,
      codeVerifier,
      redirectUri,
      resource: disc.resourceIndicator,
      addClientAuthentication: clientAuthentication(
        ctx,
        client.info,
        disc.authorizationServerMetadata?.token_endpoint_auth_methods_supported,
      ),
      fetchFn: ctx.http.fetchFor('token', { signal, noRedirects: true }),
    });
  } catch (error) {
    if (error instanceof OAuthFlowError) throw error;
    if (error instanceof OAuthError) {
      const refused = `The token request was refused (${error.errorCode}${error.message ? `: ${safeText(error.message)}` : ''}).`;
      if (error.errorCode === 'invalid_client' && client.source === 'dynamic-registration') {
        // RFC 6749 §5.2 invalid_client: the registration is no longer known to the server. The code
        // is bound to that client, so this sign-in cannot continue; forget the registration so the
        // next sign-in registers again.
        await ctx.options.store.delete(authKeys.client(disc.issuer));
        ctx.logger.warn(
          `The authorization server ${disc.issuer} no longer knows the client ${client.info.client_id}; its registration was deleted.`,
        );
        throw new OAuthFlowError(
          'unknown-client',
          `${refused} The authorization server no longer knows the client ${safeText(client.info.client_id, 200)}; its registration was deleted, so signing in again registers MCP Lens anew.`,
          { cause: error },
        );
      }
      if (error.errorCode === 'invalid_client' && client.source === 'pre-registered') {
        throw new OAuthFlowError(
          'unknown-client',
          `${refused} Check the client id (${safeText(client.info.client_id, 200)}) and its secret in the connection's settings.`,
          { cause: error },
        );
      }
      throw new OAuthFlowError('token-request-failed', refused, { cause: error });
    }
    throw new OAuthFlowError(
      'token-request-failed',
      `The token request failed: ${error instanceof Error ? safeText(error.message) : 'unknown error'}.`,
      { cause: error },
    );
  }
  if (tokens.token_type.toLowerCase() !== 'bearer') {
    throw new OAuthFlowError(
      'token-request-failed',
      `The authorization server issued a "${safeText(tokens.token_type, 40)}" token; MCP uses Bearer tokens.`,
    );
  }
  return tokens;
}

function emitBrowserStep(ctx: EngineContext, step: 'authorization' | 'callback', url: string): void {
  ctx.observe({ step, request: { method: 'GET', url: maskUrl(url), headers: {} }, durationMs: 0 });
}
