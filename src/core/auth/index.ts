/** The OAuth engine of MCP Lens (no `vscode` import). Test-only openers live in test/support/headlessOpener.ts. */
export { OAuthEngine, parseBearerChallenge } from './engine.js';
export type { OAuthEngineOptions, SignInOptions, AuthorizedFetchOptions, MachineSignInOptions } from './engine.js';
export { CLIENT_AUTH_METHODS, loadSigningKey, validateClientCredentials } from './clientAuth.js';
export { OAuthFlowError } from './errors.js';
export type { OAuthFlowErrorCode } from './errors.js';
export { LoopbackRedirect, renderCallbackPage, escapeHtml, LOOPBACK_HOST, CALLBACK_PATH } from './loopback.js';
export type { LoopbackRedirectOptions } from './loopback.js';
export { MemoryAuthStore, FileAuthStore, authKeys } from './store.js';
export { maskUrl, maskHeaders, maskBody } from './redact.js';
export { isLoopbackHost, canonicalResource, resourceMatches, issuersEqual } from './urls.js';
export type * from './types.js';
