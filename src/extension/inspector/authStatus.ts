/**
 * How the inspector learns a connection's auth status and starts a sign-in or sign-out. The
 * OAuth engine (src/core/auth) implements this when it is wired in; until then the panel uses
 * `defaultAuthStatus` (sign-in required exactly when the server answered 401/403).
 * Nothing here returns a token: scopes and expiry are all the webview gets.
 */
import type { Connection } from '../../core/connection';
import type { Event } from '../../core/events';
import type { AuthStatus } from '../../shared/protocol';

export interface AuthStatusProvider {
  getStatus(connection: Connection): AuthStatus | Promise<AuthStatus>;
  /** Fires with a connection id when its auth status may have changed (sign-in, expiry, sign-out). */
  readonly onDidChange?: Event<string>;
  signIn?(connection: Connection): Promise<void>;
  signOut?(connection: Connection): Promise<void>;
}
