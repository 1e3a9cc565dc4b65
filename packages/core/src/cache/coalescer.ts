/**
 * Coalesces identical concurrent calls: while a call for `key` is in flight, later calls for the
 * same key share its promise instead of starting another.
 */
export class Coalescer {
  readonly #inFlight = new Map<string, Promise<unknown>>();

  get inFlight(): number {
    return this.#inFlight.size;
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.#inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const p = fn().finally(() => {
      if (this.#inFlight.get(key) === p) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, p);
    return p;
  }
}
