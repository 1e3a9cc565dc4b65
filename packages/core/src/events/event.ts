import type { Disposable } from '../policy/policy.js';

/** A typed event: call it with a listener to subscribe; the result disposes the subscription. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * A minimal typed emitter (cockatiel's pattern). `fire` costs one length check when nobody listens,
 * so policies may emit on hot paths. Listener errors are reported via `queueMicrotask` rethrow-free:
 * a failing listener never breaks the call it observes.
 */
export class EventEmitter<T> {
  #listeners: Array<(value: T) => void> = [];

  readonly event: Event<T> = (listener) => {
    this.#listeners = [...this.#listeners, listener];
    return {
      dispose: () => {
        this.#listeners = this.#listeners.filter((l) => l !== listener);
      },
    };
  };

  get size(): number {
    return this.#listeners.length;
  }

  fire(value: T): void {
    const ls = this.#listeners;
    if (ls.length === 0) return;
    for (const l of ls) {
      try {
        l(value);
      } catch {
        // a listener's failure must not change the outcome of the call it observes
      }
    }
  }
}
