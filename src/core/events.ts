/**
 * A minimal typed event emitter with the same shape as `vscode.Event`, so that the core can
 * expose events without importing `vscode`, and adapters can pass them on unchanged.
 */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // A faulty listener must not stop the others, nor the connection that fired.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Disposes a group of resources once, in reverse order of registration. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.reverse()) {
      try {
        item.dispose();
      } catch {
        // keep disposing the rest
      }
    }
    this.items = [];
  }
}
