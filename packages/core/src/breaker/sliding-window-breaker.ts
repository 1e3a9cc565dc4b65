import { ConfigError } from '../errors/config-error.js';
import { fraction, optionsObject, positiveInt, positiveNumber } from '../config/validate.js';
import type { Breaker, BreakerWindowSnapshot } from './breaker.js';
import { CountWindow } from './count-window.js';
import type { OutcomeWindow } from './outcome-window.js';
import { TimeWindow } from './time-window.js';
import type { OptionKeys } from '../config/known-keys.js';

/** Give exactly one of `windowSize` (a count window) or `windowMs` (a time window). */
export interface SlidingWindowBreakerOptions {
  /** Count window: look at the last `windowSize` calls (integer ≥ 1). */
  windowSize?: number;
  /** Time window: look at the calls of the last `windowMs` milliseconds. */
  windowMs?: number;
  /** Time window only: buckets the window is kept in (integer ≥ 1). Default 10. */
  bucketCount?: number;
  /** Open when failures / calls in the window reach this fraction, 0 < x ≤ 1. Default 0.5. */
  failureRateThreshold?: number;
  /**
   * Calls the window must hold before any rate is evaluated (integer ≥ 1). Default 10; for a count
   * window at most `windowSize`.
   */
  minimumCalls?: number;
  /** A call lasting at least this many ms is slow (success or failure). Default: slow calls not tracked. */
  slowCallDurationMs?: number;
  /** Open when slow calls / calls in the window reach this fraction, 0 < x ≤ 1. Default 1. */
  slowCallRateThreshold?: number;
}

/** Every option of {@link SlidingWindowBreakerOptions}: any other key is a ConfigError. */
const SLIDING_WINDOW_BREAKER_KEYS: OptionKeys<SlidingWindowBreakerOptions> = {
  windowSize: true, windowMs: true, bucketCount: true, failureRateThreshold: true, minimumCalls: true,
  slowCallDurationMs: true, slowCallRateThreshold: true,
};

const P = 'SlidingWindowBreaker';

function rateThreshold(path: string, value: unknown): number {
  const n = fraction(path, value);
  if (n === 0) throw new ConfigError(path, 'must be greater than 0 (0 would open on any call)', value);
  return n;
}

/**
 * Opens when the failure rate, or the slow-call rate, over a sliding window reaches its threshold
 * (resilience4j's COUNT_BASED and TIME_BASED windows), once the window holds `minimumCalls` calls.
 */
export class SlidingWindowBreaker implements Breaker {
  readonly needsClock: boolean;
  readonly slowCallDurationMs: number;
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number;
  readonly minimumCalls: number;
  readonly #window: OutcomeWindow;

  constructor(options: SlidingWindowBreakerOptions) {
    const o = optionsObject(P, options, SLIDING_WINDOW_BREAKER_KEYS);
    if ((o.windowSize === undefined) === (o.windowMs === undefined)) {
      throw new ConfigError(`${P}.windowSize`, 'give exactly one of windowSize (count window) or windowMs (time window)', o.windowSize);
    }
    let defaultMinimum = 10;
    if (o.windowSize !== undefined) {
      if (o.bucketCount !== undefined) throw new ConfigError(`${P}.bucketCount`, 'applies to time windows only', o.bucketCount);
      const size = positiveInt(`${P}.windowSize`, o.windowSize);
      defaultMinimum = Math.min(defaultMinimum, size);
      this.#window = new CountWindow(size);
    } else {
      const windowMs = positiveNumber(`${P}.windowMs`, o.windowMs);
      const buckets = positiveInt(`${P}.bucketCount`, o.bucketCount ?? 10);
      this.#window = new TimeWindow(windowMs, buckets);
    }
    this.failureRateThreshold = rateThreshold(`${P}.failureRateThreshold`, o.failureRateThreshold ?? 0.5);
    this.minimumCalls = positiveInt(`${P}.minimumCalls`, o.minimumCalls ?? defaultMinimum);
    if (o.slowCallDurationMs === undefined && o.slowCallRateThreshold !== undefined) {
      throw new ConfigError(`${P}.slowCallRateThreshold`, 'needs slowCallDurationMs', o.slowCallRateThreshold);
    }
    this.slowCallDurationMs =
      o.slowCallDurationMs === undefined ? Number.POSITIVE_INFINITY : positiveNumber(`${P}.slowCallDurationMs`, o.slowCallDurationMs);
    this.slowCallRateThreshold = rateThreshold(`${P}.slowCallRateThreshold`, o.slowCallRateThreshold ?? 1);
    this.needsClock = this.#window instanceof TimeWindow || this.slowCallDurationMs !== Number.POSITIVE_INFINITY;
  }

  get description(): Readonly<Record<string, string | number>> {
    return Object.freeze({
      kind: 'sliding_window',
      ...this.#window.description,
      failureRateThreshold: this.failureRateThreshold,
      minimumCalls: this.minimumCalls,
      slowCallDurationMs: this.slowCallDurationMs,
      slowCallRateThreshold: this.slowCallRateThreshold,
    });
  }

  /** Calls, failures and slow calls currently in the window. */
  get window(): { readonly total: number; readonly failures: number; readonly slow: number } {
    const w = this.#window;
    return { total: w.total, failures: w.failures, slow: w.slow };
  }

  #record(failure: boolean, slow: boolean, nowMs: number): boolean {
    const w = this.#window;
    w.record(failure, slow, nowMs);
    const total = w.total;
    if (total < this.minimumCalls) return false;
    return w.failures / total >= this.failureRateThreshold || w.slow / total >= this.slowCallRateThreshold;
  }

  success(slow: boolean, nowMs: number): boolean {
    return this.#record(false, slow, nowMs);
  }

  failure(slow: boolean, nowMs: number): boolean {
    return this.#record(true, slow, nowMs);
  }

  reset(): void {
    this.#window.reset();
  }

  snapshot(nowMs: number): BreakerWindowSnapshot {
    return this.#window.snapshot(nowMs);
  }

  restore(snapshot: BreakerWindowSnapshot, nowMs: number): boolean {
    return this.#window.restore(snapshot, nowMs);
  }
}
