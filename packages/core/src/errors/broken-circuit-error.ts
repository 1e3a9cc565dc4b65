import type { ErrorClassification } from '../classify/error-classification.js';
import { RampartError } from './rampart-error.js';

/**
 * What an open circuit means, fixed when the error is created: the provider is known to be down for
 * now (`providerDown`: a fallback chain switches at once when another provider may take the call),
 * and retrying the same call cannot succeed until the circuit half-opens (`retryable: false`: a retry
 * policy rethrows it at once instead of backing off). Not permanent: it recovers by itself.
 */
const OPEN_CIRCUIT: ErrorClassification = Object.freeze({ kind: 'transient', providerDown: true, retryable: false });

/** Fast-fail from an open (or saturated half-open) circuit. Built without a stack: it is hot. */
export class BrokenCircuitError extends RampartError {
  /** The breaker's name. */
  readonly breaker: string;
  /** Epoch ms at which the breaker will admit a half-open probe; undefined while isolated. */
  readonly halfOpenAt: number | undefined;
  /** How `classifyError` treats it (see {@link OPEN_CIRCUIT}): not retried by default, provider down. */
  readonly rampartClassification: ErrorClassification = OPEN_CIRCUIT;

  constructor(breaker: string, halfOpenAt: number | undefined, message?: string) {
    super(message ?? `Circuit "${breaker}" is open`, { code: 'BrokenCircuitError' });
    this.breaker = breaker;
    this.halfOpenAt = halfOpenAt;
  }
}
