import { RampartError } from './rampart-error.js';

/** Why a retry loop stopped. */
export type RetryGiveUpReason = 'max_attempts' | 'not_retryable' | 'aborted';

/** Thrown when a retry policy gives up; `cause` is the last error, `errors` every attempt's error. */
export class RetryExhaustedError extends RampartError {
  readonly errors: readonly unknown[];
  readonly attempts: number;
  readonly reason: RetryGiveUpReason;

  constructor(errors: readonly unknown[], reason: RetryGiveUpReason = 'max_attempts') {
    const last = errors[errors.length - 1];
    const lastMsg = last instanceof Error ? last.message : String(last);
    super(`Gave up after ${errors.length} attempt(s) (${reason}): ${lastMsg}`, { cause: last, code: 'RetryExhaustedError' });
    this.errors = errors;
    this.attempts = errors.length;
    this.reason = reason;
  }

  get lastError(): unknown {
    return this.errors[this.errors.length - 1];
  }
}
