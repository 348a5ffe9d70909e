/**
 * What the inspector's Auth tab needs from the OAuth side (src/extension/auth/authDebugger.ts):
 * the token vault and its actions, and the flow debugger. Nothing here returns a token: the vault
 * is facts about the token, the trace is masked, and "copy" happens entirely in the host.
 */
import type { Connection } from '../../core/connection';
import type { Event } from '../../core/events';
import type { FlowMode, FlowTraceView, VaultView } from '../../shared/protocol';

export interface InspectorAuthTools {
  vault(connection: Connection): Promise<VaultView | null>;
  refreshNow(connection: Connection): Promise<void>;
  revoke(connection: Connection): Promise<void>;
  forgetRegistration(connection: Connection): Promise<void>;
  /** Asks in a modal warning; resolves false when the user declined. */
  copyToken(connection: Connection): Promise<boolean>;
  /** The running or last trace of a connection. */
  trace(connectionId: string): FlowTraceView | undefined;
  startDebug(connection: Connection, mode: FlowMode): void;
  next(connectionId: string): void;
  continueRun(connectionId: string): void;
  cancel(connectionId: string): void;
  exportTrace(connectionId: string, format: 'markdown' | 'json'): Promise<boolean>;
  readonly onDidChangeTrace: Event<{ connectionId: string; trace: FlowTraceView }>;
}
