import { RampartError } from './rampart-error.js';

/** A rate limiter could not grant tokens within `maxWaitMs`. Classified as `rate_limited`. */
export class RateLimitedError extends RampartError {
  readonly limiter: string;
  /** How long until enough tokens would be available. */
  readonly retryAfterMs: number;

  constructor(limiter: string, retryAfterMs: number) {
    super(`Rate limiter "${limiter}" exhausted; retry after ${Math.ceil(retryAfterMs)} ms`, {
      code: 'RateLimitedError',
      classification: { kind: 'rate_limited', retryAfterMs: Math.max(0, retryAfterMs) },
    });
    this.limiter = limiter;
    this.retryAfterMs = retryAfterMs;
  }
}
