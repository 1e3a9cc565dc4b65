/** What a {@link Backoff} may use to compute the next delay. */
export interface BackoffContext {
  /** The delay returned for the previous retry (undefined before the first retry). */
  previousDelayMs?: number;
  /** A random source in [0, 1); pass {@link seededRandom} for deterministic delays. */
  random: () => number;
}

/** A delay strategy between retries: a small object, not a string switched on. */
export interface Backoff {
  /** Delay in ms before retry number `attempt` (1 for the first retry). */
  delayMs(attempt: number, context: BackoffContext): number;
}
