/**
 * A breaker kind: decides, from the outcomes of calls made while the circuit is closed, when it
 * should open (cockatiel's `IBreaker`). Instances hold mutable per-circuit state, so one instance
 * belongs to exactly one circuit breaker policy.
 *
 * The policy calls {@link Breaker.success}/{@link Breaker.failure} only for calls admitted while
 * closed and only for errors that count; it calls {@link Breaker.reset} each time the circuit closes.
 */
export interface Breaker {
  /**
   * True when outcomes need the clock: time-based windows and slow-call detection. When false the
   * policy reads no clock on the success path (it then passes `nowMs = 0`, `slow = false`).
   */
  readonly needsClock: boolean;
  /** Calls taking at least this long count as slow; `Infinity` when slow calls are not tracked. */
  readonly slowCallDurationMs: number;
  /**
   * A plain, JSON-comparable description of the configuration (kind and thresholds). Two breakers
   * with equal descriptions behave the same; the registry compares it to detect conflicting options.
   */
  readonly description: Readonly<Record<string, string | number>>;
  /** Record a success (at monotonic `nowMs`); returns true when the circuit should open. */
  success(slow: boolean, nowMs: number): boolean;
  /** Record a counted failure (at monotonic `nowMs`); returns true when the circuit should open. */
  failure(slow: boolean, nowMs: number): boolean;
  /** Forget every recorded outcome (the circuit has just closed). */
  reset(): void;
  /** The recorded outcomes as plain JSON, relative to `nowMs` (monotonic times do not survive a restart). */
  snapshot(nowMs: number): BreakerWindowSnapshot;
  /** Load outcomes saved by {@link snapshot}; returns false (and keeps nothing) when they do not fit this kind. */
  restore(snapshot: BreakerWindowSnapshot, nowMs: number): boolean;
}

/** A breaker kind's recorded outcomes as plain JSON. `kind` names the breaker kind that wrote it. */
export interface BreakerWindowSnapshot {
  readonly kind: string;
  readonly [key: string]: unknown;
}
