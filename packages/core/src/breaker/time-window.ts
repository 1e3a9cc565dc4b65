import type { BreakerWindowSnapshot } from './breaker.js';
import { isCountTriples, type OutcomeWindow } from './outcome-window.js';

/**
 * The outcomes of the last `windowMs`, in `bucketCount` buckets of `windowMs / bucketCount` each
 * (resilience4j's time-based window): memory is fixed however many calls arrive. Buckets expire
 * lazily when time moves on (no timer), so the window covers between `windowMs - bucketMs` and
 * `windowMs` of history.
 */
export class TimeWindow implements OutcomeWindow {
  readonly bucketMs: number;
  /** Per bucket: [total, failures, slow] at offsets 3i, 3i+1, 3i+2. Bucket of epoch e lives at e mod n. */
  readonly #counts: number[];
  readonly #n: number;
  /** Epoch (floor(now / bucketMs)) of the newest bucket. */
  #epoch = Number.NEGATIVE_INFINITY;
  #total = 0;
  #failures = 0;
  #slow = 0;

  constructor(
    readonly windowMs: number,
    readonly bucketCount: number,
  ) {
    this.#n = bucketCount;
    this.bucketMs = windowMs / bucketCount;
    // A plain array of small integers is ~150 B lighter than a typed array (which needs an ArrayBuffer).
    this.#counts = Array.from({ length: 3 * bucketCount }, () => 0);
  }

  get description(): Readonly<Record<string, string | number>> {
    return Object.freeze({ window: 'time', windowMs: this.windowMs, bucketCount: this.bucketCount });
  }

  get total(): number {
    return this.#total;
  }

  get failures(): number {
    return this.#failures;
  }

  get slow(): number {
    return this.#slow;
  }

  #slot(epoch: number): number {
    const n = this.#n;
    return (((epoch % n) + n) % n) * 3;
  }

  /** Move the newest bucket to `nowMs`'s, clearing the buckets that fell out of the window. */
  #advance(nowMs: number): number {
    const epoch = Math.floor(nowMs / this.bucketMs);
    if (epoch <= this.#epoch) return this.#slot(this.#epoch);
    if (epoch - this.#epoch >= this.#n) {
      this.#clear();
    } else {
      const c = this.#counts;
      for (let e = this.#epoch + 1; e <= epoch; e++) {
        const s = this.#slot(e);
        this.#total -= c[s]!;
        this.#failures -= c[s + 1]!;
        this.#slow -= c[s + 2]!;
        c[s] = c[s + 1] = c[s + 2] = 0;
      }
    }
    this.#epoch = epoch;
    return this.#slot(epoch);
  }

  #clear(): void {
    this.#counts.fill(0);
    this.#total = this.#failures = this.#slow = 0;
  }

  record(failure: boolean, slow: boolean, nowMs: number): void {
    const s = this.#advance(nowMs);
    const c = this.#counts;
    c[s]!++;
    this.#total++;
    if (failure) {
      c[s + 1]!++;
      this.#failures++;
    }
    if (slow) {
      c[s + 2]!++;
      this.#slow++;
    }
  }

  reset(): void {
    this.#clear();
    this.#epoch = Number.NEGATIVE_INFINITY;
  }

  /** Buckets newest first (index = age in buckets) as `[total, failures, slow]`, as of `nowMs`. */
  snapshot(nowMs: number): BreakerWindowSnapshot {
    this.#advance(nowMs);
    const buckets: Array<[number, number, number]> = [];
    const c = this.#counts;
    if (this.#total > 0) {
      for (let age = 0; age < this.#n; age++) {
        const s = this.#slot(this.#epoch - age);
        buckets.push([c[s]!, c[s + 1]!, c[s + 2]!]);
      }
    }
    return { kind: 'time', bucketMs: this.bucketMs, buckets };
  }

  /** Restore buckets as of `nowMs` (the monotonic time the snapshot was taken, mapped to this process). */
  restore(snapshot: BreakerWindowSnapshot, nowMs: number): boolean {
    const buckets = snapshot.buckets;
    if (snapshot.kind !== 'time' || snapshot.bucketMs !== this.bucketMs || !isCountTriples(buckets)) return false;
    this.reset();
    const epoch = Math.floor(nowMs / this.bucketMs);
    this.#epoch = epoch;
    const c = this.#counts;
    buckets.slice(0, this.#n).forEach(([total, failures, slow], age) => {
      const s = this.#slot(epoch - age);
      c[s] = total;
      c[s + 1] = failures;
      c[s + 2] = slow;
      this.#total += total;
      this.#failures += failures;
      this.#slow += slow;
    });
    return true;
  }
}
