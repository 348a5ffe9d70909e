/**
 * The webview end of src/shared/protocol.ts: typed requests with a pending-replies map, commands,
 * notification listeners, and the `ready` handshake. `acquireVsCodeApi` may be called once per page.
 */
import type {
  CommandMap,
  CommandMethod,
  ErrorInfo,
  HostToWebviewMessage,
  NotificationMap,
  NotificationMethod,
  RequestMap,
  RequestMethod,
  WebviewState,
  WebviewToHostMessage,
} from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class RequestError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

type Listener<M extends NotificationMethod> = (params: NotificationMap[M]) => void;

export class HostConnection {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<NotificationMethod, Set<(params: unknown) => void>>();

  constructor() {
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
  }

  /** Announces that listeners are installed; the host answers with `init`. */
  ready(): void {
    this.api.postMessage({ kind: 'ready' });
  }

  command<M extends CommandMethod>(method: M, params: CommandMap[M]): void {
    this.api.postMessage({ kind: 'command', method, params } as WebviewToHostMessage);
  }

  request<M extends RequestMethod>(method: M, params: RequestMap[M]['params']): Promise<RequestMap[M]['result']> {
    const id = this.nextId++;
    return new Promise<RequestMap[M]['result']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.api.postMessage({ kind: 'request', id, method, params } as WebviewToHostMessage);
    });
  }

  on<M extends NotificationMethod>(method: M, listener: Listener<M>): void {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    set.add(listener as (params: unknown) => void);
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: WebviewState): void {
    this.api.setState(state);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const message = data as HostToWebviewMessage;
    if (message.kind === 'response') {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new RequestError(message.error));
    } else if (message.kind === 'notification') {
      for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
    }
  }
}
