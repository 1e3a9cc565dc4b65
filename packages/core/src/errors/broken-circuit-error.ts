import { RampartError } from './rampart-error.js';

/** Fast-fail from an open (or saturated half-open) circuit. Built without a stack: it is hot. */
export class BrokenCircuitError extends RampartError {
  /** The breaker's name. */
  readonly breaker: string;
  /** Epoch ms at which the breaker will admit a half-open probe; undefined while isolated. */
  readonly halfOpenAt: number | undefined;

  constructor(breaker: string, halfOpenAt: number | undefined, message?: string) {
    super(message ?? `Circuit "${breaker}" is open`);
    this.breaker = breaker;
    this.halfOpenAt = halfOpenAt;
  }
}
