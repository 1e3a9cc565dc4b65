import { RampartError } from './rampart-error.js';

/**
 * Why a hedging policy stopped: every allowed attempt failed (`max_attempts`), or an attempt failed
 * with an error the policy does not handle, so no further attempt was started (`not_handled`).
 */
export type HedgingGiveUpReason = 'max_attempts' | 'not_handled';

/**
 * Thrown when every attempt a hedging policy started has failed; `errors` holds each attempt's error
 * in the order they failed, `cause` is the last of them (as {@link RetryExhaustedError} does). With
 * `targets` (what each attempt was sent to, in the same order) the message names each with its error.
 */
export class HedgingExhaustedError extends RampartError {
  readonly errors: readonly unknown[];
  readonly attempts: number;
  readonly reason: HedgingGiveUpReason;

  constructor(errors: readonly unknown[], reason: HedgingGiveUpReason = 'max_attempts', targets?: readonly string[]) {
    const last = errors[errors.length - 1];
    const text = (e: unknown) => (e instanceof Error ? e.message : String(e));
    const message =
      targets === undefined
        ? `All ${errors.length} hedged attempt(s) failed (${reason}): ${text(last)}`
        : `Every hedged request failed: ${errors.map((e, i) => `${targets[i] ?? '?'}: ${text(e)}`).join('; ')}`;
    super(message, { cause: last, code: 'HedgingExhaustedError' });
    this.errors = errors;
    this.attempts = errors.length;
    this.reason = reason;
  }

  get lastError(): unknown {
    return this.errors[this.errors.length - 1];
  }
}
