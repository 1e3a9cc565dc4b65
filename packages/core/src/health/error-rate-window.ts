import type { Clock } from '../clock/clock.js';

/**
 * Calls and failures over a sliding window (`buckets` × `bucketMs`, default 10 × 6 s = 1 min),
 * for the health report's `error_rate`. Constant memory, no timers: old buckets are recycled when
 * time moves past them.
 */
export class ErrorRateWindow {
  readonly #clock: Clock;
  readonly #bucketMs: number;
  readonly #calls: Float64Array;
  readonly #failures: Float64Array;
  readonly #stamps: Float64Array;

  constructor(clock: Clock, buckets = 10, bucketMs = 6_000) {
    this.#clock = clock;
    this.#bucketMs = bucketMs;
    this.#calls = new Float64Array(buckets);
    this.#failures = new Float64Array(buckets);
    this.#stamps = new Float64Array(buckets).fill(-1);
  }

  record(ok: boolean): void {
    const slot = Math.floor(this.#clock.now() / this.#bucketMs);
    const i = slot % this.#calls.length;
    if (this.#stamps[i] !== slot) {
      this.#stamps[i] = slot;
      this.#calls[i] = 0;
      this.#failures[i] = 0;
    }
    this.#calls[i]!++;
    if (!ok) this.#failures[i]!++;
  }

  /** Calls and failures within the window. */
  totals(): { calls: number; failures: number } {
    const current = Math.floor(this.#clock.now() / this.#bucketMs);
    let calls = 0;
    let failures = 0;
    for (let i = 0; i < this.#calls.length; i++) {
      if (this.#stamps[i]! > current - this.#calls.length) {
        calls += this.#calls[i]!;
        failures += this.#failures[i]!;
      }
    }
    return { calls, failures };
  }
}
