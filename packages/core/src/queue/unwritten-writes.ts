import type { Clock, TimerHandle } from '../clock/clock.js';

/** Writes kept for retry at most, per queue; see {@link UnwrittenWrites}. */
export const MAX_UNWRITTEN_WRITES = 10_000;

/** How often kept writes are retried while the store fails, in ms. */
export const UNWRITTEN_RETRY_MS = 1_000;

/**
 * Store writes that failed (a queued request's outcome while Redis is unreachable), kept by key and
 * retried until written: every {@link UNWRITTEN_RETRY_MS} on a background timer, oldest first,
 * stopping at the first that fails again (one write per tick while the store is down). A later write
 * of the same key replaces the kept one. At most `max` keys are kept; `keep` returns false for a
 * new key beyond that, and the caller reports it (nothing is dropped silently).
 */
export class UnwrittenWrites {
  readonly #clock: Clock;
  readonly #max: number;
  readonly #writes = new Map<string, () => Promise<void>>();
  #timer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(clock: Clock, max = MAX_UNWRITTEN_WRITES) {
    this.#clock = clock;
    this.#max = max;
  }

  get size(): number {
    return this.#writes.size;
  }

  has(key: string): boolean {
    return this.#writes.has(key);
  }

  /** Keep `write` for retry under `key`; false (nothing kept) when full. */
  keep(key: string, write: () => Promise<void>): boolean {
    if (!this.#writes.has(key) && this.#writes.size >= this.#max) return false;
    this.#writes.delete(key); // a replaced write goes to the back, with the newest
    this.#writes.set(key, write);
    this.#arm();
    return true;
  }

  /** Forget a kept write (a later write of the key succeeded). */
  forget(key: string): void {
    this.#writes.delete(key);
  }

  /** Try every kept write now, oldest first, until one fails; resolves with how many are left. */
  retry(): Promise<number> {
    this.#running ??= this.#retry().finally(() => (this.#running = undefined));
    return this.#running.then(() => this.#writes.size);
  }

  /** Stop retrying (kept writes stay kept: {@link retry} still works). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  async #retry(): Promise<void> {
    for (const [key, write] of [...this.#writes]) {
      try {
        await write();
      } catch {
        return;
      }
      if (this.#writes.get(key) === write) this.#writes.delete(key);
    }
  }

  #arm(): void {
    if (this.#timer || this.#stopped || this.#writes.size === 0) return;
    this.#timer = this.#clock.setBackgroundTimeout(() => {
      this.#timer = undefined;
      void this.retry().then(() => this.#arm());
    }, UNWRITTEN_RETRY_MS);
  }
}
