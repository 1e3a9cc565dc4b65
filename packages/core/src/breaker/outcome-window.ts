import type { BreakerWindowSnapshot } from './breaker.js';

/**
 * The outcomes a sliding-window breaker looks at: the last N calls, or the calls of the last T ms.
 * Counts are kept as running totals, so recording and reading are O(1) (amortised for time windows).
 */
export interface OutcomeWindow {
  /** Record one call's outcome at monotonic `nowMs`. */
  record(failure: boolean, slow: boolean, nowMs: number): void;
  /** Calls in the window (as of the last `record`). */
  readonly total: number;
  readonly failures: number;
  readonly slow: number;
  /** A plain description of the window's shape, for {@link Breaker.description}. */
  readonly description: Readonly<Record<string, string | number>>;
  reset(): void;
  snapshot(nowMs: number): BreakerWindowSnapshot;
  /** Returns false when the snapshot was written by another window shape. */
  restore(snapshot: BreakerWindowSnapshot, nowMs: number): boolean;
}

/** Outcome codes, one byte per call in count windows. */
export const FAILURE = 1;
export const SLOW = 2;

/** True when `v` is an array of `[total, failures, slow]` triples of non-negative integers, consistent. */
export function isCountTriples(v: unknown): v is Array<[number, number, number]> {
  return (
    Array.isArray(v) &&
    v.every(
      (t) =>
        Array.isArray(t) &&
        t.length === 3 &&
        t.every((n) => Number.isInteger(n) && n >= 0) &&
        t[1] <= t[0] &&
        t[2] <= t[0],
    )
  );
}
