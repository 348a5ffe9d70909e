/** Helpers for AbortSignal that Node's own API leaves out. No `vscode`, no SDK. */

/**
 * Settles with `promise`, or rejects with `reason()` as soon as `signal` aborts, whichever comes
 * first: a wait that cannot be cancelled itself (a paused debugger step, a slow connect under
 * Ctrl+C) still ends at once. A rejection of `promise` after the abort is swallowed.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, reason: () => Error): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(reason());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The request signals made from one long-lived signal, held weakly (see perRequestSignal). */
interface RequestSignals {
  signals: Set<WeakRef<AbortSignal>>;
  /** The set's size at which the dead references are next swept out. */
  sweepAt: number;
}

const requestSignalsOf = new WeakMap<AbortSignal, RequestSignals>();
/** Each request signal's controller, for as long as the signal lives. */
const controllerOf = new WeakMap<AbortSignal, AbortController>();
const MIN_SWEEP = 64;
/** Signals given to perRequestSignal once: held weakly, so a signal made for one request goes with it. */
const seenOnce = new WeakSet<AbortSignal>();

/**
 * A signal for one request that aborts when `parent` does, for a fetch made under a long-lived
 * signal (an SDK HTTP transport passes the same one to every request, to end them all on close).
 *
 * Why: fetch (undici) adds an `abort` listener to the signal it is given and removes it only when
 * the request is garbage-collected. Given the same signal every time, a session that only makes
 * calls collects too rarely to keep up: past 1500 listeners every request lists all of them and
 * warns (MaxListenersExceededWarning), tens of µs per call that grow with the session. Here the
 * long-lived signal gets one listener in all; each request gets a signal of its own that fetch
 * is free to listen on. `AbortSignal.any([parent])` would do the same, but on Node 20 the signals
 * it makes stay reachable from their source (about 60 MB per 50 000 requests after forced GCs).
 *
 * A request signal is held weakly: fetch keeps it alive while its request lives (undici holds the
 * signal until it has collected the request), and one that was collected has nothing left to end.
 *
 * The first time a signal comes, it is returned as it is: only one that comes again is long-lived.
 * A signal made for one request must not be listened on: the v2 SDK gives each 2026-07-28 request
 * `AbortSignal.any([its transport's signal, the request's own])`, and Node keeps such a signal
 * alive for as long as it has an `abort` listener (fetch removes its own after the request; ours
 * would stay until the signal aborts: 1.5 KB per request, measured on Node 20).
 */
export function perRequestSignal(parent: AbortSignal): AbortSignal {
  if (!requestSignalsOf.has(parent) && !seenOnce.has(parent)) {
    seenOnce.add(parent);
    return parent;
  }
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return controller.signal;
  }
  let requests = requestSignalsOf.get(parent);
  if (!requests) {
    const made: RequestSignals = { signals: new Set(), sweepAt: MIN_SWEEP };
    requestSignalsOf.set(parent, made);
    parent.addEventListener(
      'abort',
      () => {
        for (const ref of made.signals) {
          const signal = ref.deref();
          if (signal) controllerOf.get(signal)?.abort(parent.reason);
        }
        made.signals.clear();
      },
      { once: true },
    );
    requests = made;
  }
  controllerOf.set(controller.signal, controller);
  requests.signals.add(new WeakRef(controller.signal));
  if (requests.signals.size >= requests.sweepAt) {
    for (const ref of requests.signals) if (ref.deref() === undefined) requests.signals.delete(ref);
    // Amortized: the next sweep waits until the set has doubled from what survived this one.
    requests.sweepAt = Math.max(MIN_SWEEP, requests.signals.size * 2);
  }
  return controller.signal;
}

/** How many request signals made from `parent` are still tracked (swept ones are not): for tests. */
export function trackedRequestSignals(parent: AbortSignal): number {
  return requestSignalsOf.get(parent)?.signals.size ?? 0;
}
