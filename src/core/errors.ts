/**
 * Errors the core raises. Each carries a code for programs and a message for people that says
 * what went wrong; `hint` says what to do next.
 */
export type ConnectionErrorCode =
  | 'invalid-config'
  | 'refused'
  | 'timeout'
  | 'spawn-failed'
  | 'process-exited'
  | 'protocol'
  | 'auth-required'
  | 'http'
  | 'cancelled'
  | 'unknown';

export class ConnectionError extends Error {
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectionError';
  }

  /** The message and the hint, for places that show one line of text. */
  get fullMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/**
 * Thrown (by the authorized fetch of the OAuth engine, or by the core) when the server needs a
 * sign-in that cannot happen silently: no tokens, a refresh that failed, or a step-up.
 * The connection turns it into status `auth-required`; an adapter then offers "Sign In".
 */
export class AuthRequiredError extends Error {
  constructor(
    message: string,
    readonly details: {
      /** The resource (MCP server URL) that asked for authorization. */
      resourceUrl?: string;
      /** `resource_metadata` from the WWW-Authenticate challenge (RFC 9728 §5.1). */
      resourceMetadataUrl?: string;
      /** The scope named by the challenge, e.g. for a step-up after `insufficient_scope`. */
      scope?: string;
      /** `invalid_token`, `insufficient_scope`, … from the challenge. */
      error?: string;
    } = {},
  ) {
    super(message);
    this.name = 'AuthRequiredError';
  }
}
