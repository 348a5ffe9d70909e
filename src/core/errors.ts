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
  /** What was asked for does not exist (any more): e.g. a server request that is no longer pending. */
  | 'not-found'
  /** A reply that does not fit what was asked (e.g. an elicitation form answer against its schema). */
  | 'invalid-reply'
  /** The tool runs only as a task (MCP tasks): call it with TaskRunner.callToolAsTask. */
  | 'task-required'
  | 'unknown';

/**
 * Marks an error class so that `instanceof` holds across bundles. The extension loads the SDK-heavy
 * part of the core lazily, as a second bundle (dist/engine.js, see esbuild.mjs) that carries its own
 * copy of these classes; a registry symbol is the same in both, a class object is not.
 */
export function brandedInstanceCheck(brand: symbol): (value: unknown) => boolean {
  return (value) => typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

const CONNECTION_ERROR = Symbol.for('mcp-lens.ConnectionError');
const isConnectionError = brandedInstanceCheck(CONNECTION_ERROR);

export class ConnectionError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isConnectionError(value);
  }

  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectionError';
    Object.defineProperty(this, CONNECTION_ERROR, { value: true });
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
const AUTH_REQUIRED_ERROR = Symbol.for('mcp-lens.AuthRequiredError');
const isAuthRequiredError = brandedInstanceCheck(AUTH_REQUIRED_ERROR);

export class AuthRequiredError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isAuthRequiredError(value);
  }

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
    Object.defineProperty(this, AUTH_REQUIRED_ERROR, { value: true });
  }
}
