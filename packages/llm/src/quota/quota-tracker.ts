import { systemClock, type Clock } from '@rampart/core';
import type { QuotaSnapshot, QuotaWindow } from './rate-limit-headers.js';

/** What `ApiQuotaMonitor` callbacks return: what is left of the most-used window, or a usage percentage. */
export type QuotaReading = { remaining: number; limit: number } | number;

/**
 * The last known quota of one provider, fed from the rate-limit headers of its responses (successes
 * and errors) instead of polling. Time is checked lazily: a window whose reset has passed counts as
 * refilled. Read by the provider's `api_quota:<name>` monitor. A 429 itself is not recorded here: the
 * provider's cooldown in the manager covers it, and a fallback chain can wait for a cooldown to end
 * but not for a monitor to recover.
 */
export class QuotaTracker {
  readonly #clock: Clock;
  #snapshot: QuotaSnapshot | undefined;
  #observedAt = 0;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** Record what a response's rate-limit headers said. */
  record(snapshot: QuotaSnapshot): void {
    this.#snapshot = snapshot;
    this.#observedAt = this.#clock.now();
  }

  /** The most-used window that has not reset yet, or undefined. */
  #current(): QuotaWindow | undefined {
    if (!this.#snapshot) return undefined;
    const now = this.#clock.now();
    let worst: QuotaWindow | undefined;
    for (const w of Object.values(this.#snapshot.windows)) {
      if (w.resetMs !== undefined && now >= this.#observedAt + w.resetMs) continue;
      if (!worst || w.usagePercent > worst.usagePercent) worst = w;
    }
    return worst;
  }

  /** Usage in percent now (0 when nothing is known). */
  usagePercent(): number {
    return this.#current()?.usagePercent ?? 0;
  }

  /** The reading for `manager.registerApiQuotaMonitor(name, () => tracker.reading())`. */
  reading(): QuotaReading {
    const w = this.#current();
    return w ? { remaining: Math.min(w.remaining, w.limit), limit: w.limit } : 0;
  }
}
