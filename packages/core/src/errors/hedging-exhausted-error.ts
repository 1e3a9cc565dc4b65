import { RampartError } from './rampart-error.js';

/**
 * Why a hedging policy stopped: every allowed attempt failed (`max_attempts`), or an attempt failed
 * with an error the policy does not handle, so no further attempt was started (`not_handled`).
 */
export type HedgingGiveUpReason = 'max_attempts' | 'not_handled';

/**
 * Thrown when every attempt a hedging policy started has failed; `errors` holds each attempt's error
 * in the order they failed, `cause` is the last of them (as {@link RetryExhaustedError} does).
 */
export class HedgingExhaustedError extends RampartError {
  readonly errors: readonly unknown[];
  readonly attempts: number;
  readonly reason: HedgingGiveUpReason;

  constructor(errors: readonly unknown[], reason: HedgingGiveUpReason = 'max_attempts') {
    const last = errors[errors.length - 1];
    const lastMsg = last instanceof Error ? last.message : String(last);
    super(`All ${errors.length} hedged attempt(s) failed (${reason}): ${lastMsg}`, { cause: last, code: 'HedgingExhaustedError' });
    this.errors = errors;
    this.attempts = errors.length;
    this.reason = reason;
  }

  get lastError(): unknown {
    return this.errors[this.errors.length - 1];
  }
}
