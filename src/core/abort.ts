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
