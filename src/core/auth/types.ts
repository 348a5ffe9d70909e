/**
 * Shared types of the OAuth engine. Nothing here imports `vscode`: the extension, the CLI and the
 * tests plug their own storage, browser opener and redirect strategies into the same engine.
 */
import type {
  AuthorizationServerMetadata,
  OAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { ClientCredentials } from './clientAuth.js';
import type { RecordedExchange } from '../markdown.js';

export type { ClientAuthMethod, ClientCredentials, PrivateJwk } from './clientAuth.js';

/** The fetch signature the SDK transports accept (`fetch` option). */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Where the engine keeps registrations, tokens and discovery state. Every value is a JSON string.
 * `vscode.SecretStorage` satisfies this interface as it is; the CLI uses `FileAuthStore`.
 */
export interface AuthStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What the authorization server sent back to the redirect URI (RFC 6749 §4.1.2, RFC 9207). */
export type CallbackParams = URLSearchParams;

/** The outcome the engine reports back to the page the browser is showing, when the strategy has one. */
export type CallbackOutcome = { ok: true } | { ok: false; message: string };

/** One prepared redirect: a listener (or handler) that is ready before the browser is opened. */
export interface PreparedRedirect {
  /** The exact redirect URI to register and to send in the authorization and token requests. */
  readonly redirectUri: string;
  /**
   * Resolves with the callback's query parameters (`code`, `state`, `iss`, or `error`…) for this
   * flow's state. Rejects with an `OAuthFlowError` on abort, or when the callback is unusable.
   */
  waitForCallback(signal: AbortSignal): Promise<CallbackParams>;
  /**
   * Optional: tells the page the browser shows how the sign-in ended (after the token exchange),
   * so it never claims success before tokens are stored. A URI handler has no page and omits it.
   */
  complete?(outcome: CallbackOutcome): void;
  /** Releases the listener/handler. Idempotent. */
  dispose(): void;
}

export interface PrepareRequest {
  /** The `state` of this flow; callbacks are routed by it and any other state is rejected. */
  state: string;
  /** A display name of the server, for the page shown after the callback. */
  serverName: string;
  /**
   * A redirect URI that an existing client registration already lists. A strategy may reuse it
   * (e.g. listen on the same loopback port) so that the registration stays valid.
   */
  preferredRedirectUri?: string;
}

/**
 * A way to receive the authorization response: a loopback listener (RFC 8252 §7.3), or, in VS Code,
 * a URI handler. The engine tries strategies in order and moves on when the authorization server
 * refuses to register a strategy's redirect URI.
 */
export interface RedirectStrategy {
  readonly name: string;
  prepare(request: PrepareRequest): Promise<PreparedRedirect>;
}

/** A pre-registered OAuth client, given by the user per connection. */
export interface PreRegisteredClient {
  clientId: string;
  clientSecret?: string;
}

/**
 * Where the cross-app access flow gets its identity assertion: the enterprise identity provider
 * that signed the user in (its ID token), and the client MCP Lens is registered as there.
 */
export interface IdentityProviderGrant {
  /** The IdP's token endpoint, for the RFC 8693 token exchange. When absent, it is discovered from `issuer`. */
  tokenEndpoint?: string;
  /** The IdP's issuer identifier (RFC 8414 / OpenID Connect Discovery). */
  issuer?: string;
  /** The user's ID token from the IdP (the `subject_token`). A secret: never stored or logged. */
  idToken: string;
  /** The client at the IdP; a client without secret or key authenticates as a public client. */
  client: ClientCredentials;
}

/**
 * A grant that needs no browser and no person at the keyboard (MCP authorization extensions):
 * - `client_credentials` (SEP-1046, RFC 6749 §4.4): the client acts on its own behalf;
 * - `cross_app_access` (SEP-990, Enterprise-Managed Authorization): an ID token from the
 *   enterprise IdP is exchanged there for an Identity Assertion JWT Authorization Grant (ID-JAG,
 *   RFC 8693), which the MCP server's authorization server takes as an RFC 7523 §2.1 JWT bearer grant.
 */
export type MachineGrant =
  | { type: 'client_credentials'; client: ClientCredentials; scope?: string }
  | { type: 'cross_app_access'; client: ClientCredentials; identityProvider: IdentityProviderGrant; scope?: string };

/** The steps of the flow that make HTTP requests, as named in exchanges and logs. */
export type AuthStep =
  | 'protected-resource-metadata'
  | 'authorization-server-metadata'
  | 'registration'
  | 'authorization-preflight'
  | 'authorization'
  | 'callback'
  | 'token'
  | 'token-exchange'
  | 'refresh'
  | 'revocation';

/** One HTTP request of the engine, secrets masked; for the trace and a step-by-step debugger. */
export interface HttpExchange extends RecordedExchange {
  step: AuthStep;
}

/** What a caller may know about a sign-in. Never contains a token. */
export interface TokenInfo {
  issuer: string;
  resource: string;
  clientId: string;
  scopes: string[];
  obtainedAt: number;
  /** Epoch milliseconds; absent when the server did not say (`expires_in` missing). */
  expiresAt?: number;
  hasRefreshToken: boolean;
}

export interface AuthStatus {
  state: 'none' | 'signed-in' | 'expired';
  issuer?: string;
  clientId?: string;
  scopes?: string[];
  expiresAt?: number;
}

/** The challenge of a 401/403 (RFC 6750 §3, RFC 9728 §5.1). */
export interface AuthChallenge {
  resourceMetadataUrl?: string;
  scope?: string;
  error?: string;
}

/** Discovery results, cached per resource so a second connect does no rediscovery while fresh. */
export interface DiscoveryState {
  /** The canonical resource (MCP server URL) this was discovered for. */
  resource: string;
  /** RFC 8707 resource indicator to send: the metadata's `resource` verbatim, else `resource`. */
  resourceIndicator: string;
  /** Where the protected resource metadata was found; absent for a 2025-03-26 server. */
  resourceMetadataUrl?: string;
  resourceMetadata?: OAuthProtectedResourceMetadata;
  /** The authorization server's issuer identifier: the key of registrations and tokens. */
  issuer: string;
  /** Absent when the server has no metadata at all (2025-03-26 default endpoints). */
  authorizationServerMetadata?: AuthorizationServerMetadata;
  /** `true` when no protected resource metadata exists (2025-03-26 back-compat). */
  legacy: boolean;
  /**
   * `machine` when the metadata was checked only for the grants without a browser (no
   * authorization endpoint or PKCE needed); an authorization code sign-in discovers again.
   * Absent: checked for the authorization code flow (which includes every machine check).
   */
  checkedFor?: 'machine';
  fetchedAt: number;
}

/** What discovery checks the metadata for: the browser flow needs PKCE S256 and an authorization endpoint. */
export type DiscoveryPurpose = 'authorization_code' | 'machine';

/** The stored form of tokens (a secret: lives only in the `AuthStore`). */
export interface StoredTokens {
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  scope?: string;
  obtainedAt: number;
  expiresAt?: number;
  issuer: string;
  resource: string;
  clientId: string;
  clientSource: ClientSource;
}

/**
 * How the client was identified when the tokens were issued. `client-credentials` and
 * `cross-app-access` are the grants without a browser (the engine keeps no secret or key for them).
 */
export type ClientSource =
  'pre-registered' | 'client-id-metadata-document' | 'dynamic-registration' | 'client-credentials' | 'cross-app-access';

/** The stored form of a dynamic client registration (RFC 7591 §3.2.1), per issuer. */
export interface StoredClient {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Epoch seconds, 0 = never (RFC 7591 §3.2.1). */
  clientSecretExpiresAt?: number;
  redirectUris: string[];
  tokenEndpointAuthMethod?: string;
  registeredAt: number;
}
