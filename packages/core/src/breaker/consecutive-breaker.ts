import { ConfigError } from '../errors/config-error.js';
import { optionsObject, positiveInt } from '../config/validate.js';
import type { Breaker, BreakerWindowSnapshot } from './breaker.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface ConsecutiveBreakerOptions {
  /** Consecutive counted failures that open the circuit (integer ≥ 1). */
  failureThreshold: number;
}

/** Every option of {@link ConsecutiveBreakerOptions}: any other key is a ConfigError. */
const CONSECUTIVE_BREAKER_KEYS: OptionKeys<ConsecutiveBreakerOptions> = { failureThreshold: true };

/**
 * Opens after `failureThreshold` counted failures in a row; any success starts the count again.
 * Needs no clock, so the success path through a closed circuit reads no time at all.
 */
export class ConsecutiveBreaker implements Breaker {
  readonly needsClock = false;
  readonly slowCallDurationMs = Number.POSITIVE_INFINITY;
  readonly failureThreshold: number;
  #failures = 0;

  constructor(options: ConsecutiveBreakerOptions) {
    const o = optionsObject('ConsecutiveBreaker', options, CONSECUTIVE_BREAKER_KEYS);
    if (o.failureThreshold === undefined) {
      throw new ConfigError('ConsecutiveBreaker.failureThreshold', 'is required', undefined);
    }
    this.failureThreshold = positiveInt('ConsecutiveBreaker.failureThreshold', o.failureThreshold);
  }

  get description(): Readonly<Record<string, string | number>> {
    return Object.freeze({ kind: 'consecutive', failureThreshold: this.failureThreshold });
  }

  /** Counted failures in a row so far. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  success(): boolean {
    this.#failures = 0;
    return false;
  }

  failure(): boolean {
    return ++this.#failures >= this.failureThreshold;
  }

  reset(): void {
    this.#failures = 0;
  }

  snapshot(): BreakerWindowSnapshot {
    return { kind: 'consecutive', failures: this.#failures };
  }

  restore(snapshot: BreakerWindowSnapshot): boolean {
    const failures = snapshot.failures;
    if (snapshot.kind !== 'consecutive' || !Number.isInteger(failures) || (failures as number) < 0) return false;
    // A count saved under a higher threshold is clamped: the next failure opens, as it would have.
    this.#failures = Math.min(failures as number, this.failureThreshold - 1);
    return true;
  }
}
