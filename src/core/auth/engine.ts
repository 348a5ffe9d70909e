/**
 * The OAuth engine: the MCP authorization client (spec 2025-06-18 / 2025-11-25, with the 2026
 * hardening), on the MCP SDK's primitives (`startAuthorization`, `exchangeAuthorization`,
 * `refreshAuthorization`, `buildDiscoveryUrls`, schemas) plus the checks SDK 1.x leaves out.
 * See docs/mcp-auth.md for the checklist this implements, item by item.
 *
 * This class is the facade; the parts live beside it and share one `EngineContext`:
 * ./bearer.ts (the resource side: the authorized fetch), ./authorizationCode.ts (the browser
 * sign-in), ./registration.ts (the client and its registration), ./machineGrants.ts (the grants
 * without a browser), ./tokens.ts (stored tokens, refresh, status) and ./revocation.ts (sign-out).
 *
 * Storage (`AuthStore`), the browser (`openBrowser`) and the redirect (`RedirectStrategy`) are
 * injected, so the extension, the CLI and the tests run the same code. Nothing here imports
 * `vscode`, and no token, code, verifier or client secret ever reaches the logger or an exchange.
 */
import { signIn, type SignInOptions } from './authorizationCode.js';
import { authorizedFetch, type AuthorizedFetchOptions } from './bearer.js';
import type { ClientCredentials } from './clientAuth.js';
import { EngineContext, type OAuthEngineOptions } from './context.js';
import { signInWithGrant, type MachineSignInOptions } from './machineGrants.js';
import { forgetClientRegistration } from './registration.js';
import { signOut } from './revocation.js';
import { refreshNow, status } from './tokens.js';
import type { AuthStatus, AuthStep, FetchLike, MachineGrant, PreRegisteredClient, TokenInfo } from './types.js';

export { parseBearerChallenge } from './bearer.js';
export type { AuthorizedFetchOptions, MachineSignInOptions, OAuthEngineOptions, SignInOptions };

export class OAuthEngine {
  private readonly ctx: EngineContext;

  constructor(options: OAuthEngineOptions) {
    this.ctx = new EngineContext(options);
  }

  /** Requests made so far, by step (the figures in the report, and tests). */
  requestCounts(): Partial<Record<AuthStep, number>> {
    return Object.fromEntries(this.ctx.http.counts) as Partial<Record<AuthStep, number>>;
  }

  /**
   * A fetch for the MCP transports of one server: the Bearer token on the server's own origin,
   * refreshed before expiry and once on a 401; `AuthRequiredError` when only a browser sign-in
   * can help. See ./bearer.ts.
   */
  authorizedFetch(resourceUrl: string, opts: AuthorizedFetchOptions = {}): FetchLike {
    return authorizedFetch(this.ctx, resourceUrl, opts);
  }

  /**
   * The interactive authorization code flow with PKCE (OAuth 2.1 §4.1). Rejects with
   * `OAuthFlowError` (code says why); a cancel or timeout leaves no listener behind.
   */
  signIn(resourceUrl: string, opts: SignInOptions = {}): Promise<TokenInfo> {
    return signIn(this.ctx, resourceUrl, opts);
  }

  /**
   * The client credentials grant (RFC 6749 §4.4; MCP extension SEP-1046): discovery and its
   * checks as for a browser sign-in (resource, issuer, https), then one token request with the
   * client's own authentication (`client_secret_basic`, `client_secret_post` or `private_key_jwt`).
   */
  signInWithClientCredentials(
    resourceUrl: string,
    client: ClientCredentials,
    opts: MachineSignInOptions = {},
  ): Promise<TokenInfo> {
    return this.signInWithGrant(resourceUrl, { type: 'client_credentials', client }, opts);
  }

  /**
   * Cross-app access (MCP extension SEP-990, draft-ietf-oauth-identity-assertion-authz-grant): the
   * IdP's ID token is exchanged at the IdP for an ID-JAG (RFC 8693), which the MCP server's
   * authorization server takes as a JWT bearer grant (RFC 7523 §2.1).
   */
  signInWithCrossAppAccess(
    resourceUrl: string,
    grant: Omit<Extract<MachineGrant, { type: 'cross_app_access' }>, 'type'>,
    opts: MachineSignInOptions = {},
  ): Promise<TokenInfo> {
    return this.signInWithGrant(resourceUrl, { type: 'cross_app_access', ...grant }, opts);
  }

  /** Obtains and stores tokens with a grant that needs no browser. See ./machineGrants.ts. */
  signInWithGrant(resourceUrl: string, grant: MachineGrant, opts: MachineSignInOptions = {}): Promise<TokenInfo> {
    return signInWithGrant(this.ctx, resourceUrl, grant, opts);
  }

  /** `signed-in` also while the access token expired but a refresh token can renew it silently. */
  status(resourceUrl: string): Promise<AuthStatus> {
    return status(this.ctx, resourceUrl);
  }

  /** Refreshes the access token now (RFC 6749 §6), whatever its expiry: the token vault's "Refresh now". */
  refreshNow(resourceUrl: string, opts: { preRegistered?: PreRegisteredClient } = {}): Promise<TokenInfo> {
    return refreshNow(this.ctx, resourceUrl, opts);
  }

  /** Revokes the tokens (RFC 7009) where the server offers it, then deletes them locally. */
  signOut(
    resourceUrl: string,
    opts: { preRegistered?: PreRegisteredClient; grant?: MachineGrant } = {},
  ): Promise<void> {
    return signOut(this.ctx, resourceUrl, opts);
  }

  /** Deletes the client registration for the resource's authorization server, and the resource's tokens issued to it. */
  forgetClientRegistration(resourceUrl: string): Promise<void> {
    return forgetClientRegistration(this.ctx, resourceUrl);
  }
}
