/**
 * Why an interactive sign-in (or a step of it) failed. `code` is for programs and tests; the
 * message is for people and names the rule that was broken, so a refusal is never silent.
 * Messages never contain tokens, codes or secrets.
 */
import { brandedInstanceCheck } from '../errors.js';

export type OAuthFlowErrorCode =
  | 'cancelled'
  | 'timeout'
  | 'insecure-url'
  | 'discovery-failed'
  | 'resource-mismatch'
  | 'issuer-mismatch'
  | 'pkce-unsupported'
  | 'unsupported-server'
  | 'no-client'
  | 'unknown-client'
  | 'client-issuer-mismatch'
  | 'invalid-client-credentials'
  | 'registration-failed'
  | 'redirect-rejected'
  | 'state-mismatch'
  | 'iss-mismatch'
  | 'authorization-denied'
  | 'invalid-callback'
  | 'browser-failed'
  | 'token-endpoint-redirect'
  | 'token-request-failed'
  | 'token-exchange-failed';

const OAUTH_FLOW_ERROR = Symbol.for('mcp-lens.OAuthFlowError');
const isOAuthFlowError = brandedInstanceCheck(OAUTH_FLOW_ERROR);

export class OAuthFlowError extends Error {
  /** `instanceof` across bundles: see `brandedInstanceCheck`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isOAuthFlowError(value);
  }

  constructor(
    readonly code: OAuthFlowErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OAuthFlowError';
    Object.defineProperty(this, OAUTH_FLOW_ERROR, { value: true });
  }
}

/** Why an aborted sign-in stopped: the OAuthFlowError it was aborted with (timeout, a user's cancel), else a plain cancel. */
export function cancelReason(signal: AbortSignal): OAuthFlowError {
  const reason: unknown = signal.reason;
  return reason instanceof OAuthFlowError ? reason : new OAuthFlowError('cancelled', 'The sign-in was cancelled.');
}
