/**
 * What a server asks of the client (elicitation, sampling, roots), whichever wire it came on:
 * a server→client request on the 2025 era, or one input request inside an `input_required`
 * result on 2026-07-28 (the v2 client answers those through the same handlers, then retries).
 *
 * The connection turns each into a `ServerRequest` and hands it to the `ServerRequestHandler` it
 * was given; no handler means the client declares none of these capabilities (servers then hide
 * the tools that need them). The extension's handler is a queue the person answers from the
 * inspector; the CLI's answers from flags, a file or a terminal prompt.
 */
import { brandedInstanceCheck } from './errors';
import type {
  JsonObject,
  RootView,
  ServerRequestKind,
  ServerRequestReply,
  ServerRequestState,
  ServerRequestView,
} from '../shared/protocol';

export type { ServerRequestKind, ServerRequestReply, ServerRequestState, ServerRequestView, RootView };

export interface ServerRequest {
  /** Unique within the process. */
  id: string;
  connectionId: string;
  kind: ServerRequestKind;
  method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  wire: 'request' | 'input-required';
  /** The call in flight that caused it, when known. */
  cause?: { method: string; name?: string };
  /** The request's params as the server sent them (data, never HTML). */
  params: JsonObject;
  receivedAt: number;
}

/** Which kinds a handler answers; decides the client capabilities the connection declares. */
export interface ClientCapabilityChoice {
  elicitation?: { form: boolean; url: boolean };
  sampling?: { tools: boolean; context: boolean };
  roots?: { listChanged: boolean };
}

/**
 * Answers server requests. `answer` resolves with the reply to send (the result of the request),
 * or rejects with a `ServerRequestRefused` (sent to the server as a JSON-RPC error, e.g. a declined
 * sampling request). The signal aborts when the server cancels the request, the connection closes
 * or the call that caused it ends.
 */
export interface ServerRequestHandler {
  readonly capabilities: ClientCapabilityChoice;
  answer(request: ServerRequest, signal: AbortSignal): Promise<JsonObject>;
  /** The roots offered to this connection (answered without asking the person). */
  rootsFor?(connectionId: string): RootView[];
}

const SERVER_REQUEST_REFUSED = Symbol.for('mcp-lens.ServerRequestRefused');
const isServerRequestRefused = brandedInstanceCheck(SERVER_REQUEST_REFUSED);

/** A refusal sent back to the server as a JSON-RPC error. */
export class ServerRequestRefused extends Error {
  /** `instanceof` across bundles: see `brandedInstanceCheck`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isServerRequestRefused(value);
  }

  constructor(
    message: string,
    readonly code: number = -1,
  ) {
    super(message);
    this.name = 'ServerRequestRefused';
    Object.defineProperty(this, SERVER_REQUEST_REFUSED, { value: true });
  }
}
