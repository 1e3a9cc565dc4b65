import type { ExecuteOptions } from '../policy/policy.js';

/**
 * Internal protocol shared by Rampart's policies and `wrap` (not part of the public contract):
 * how a layer hands the next one its signal without forcing a lazy AbortController into
 * existence, and how the retry's attempt number reaches the innermost function.
 */

/** A signal that never aborts: `ctx.signal` when the caller passed none. Never add listeners to it. */
export const NEVER_ABORTED_SIGNAL: AbortSignal = new AbortController().signal;

/** What `wrap` hands its outermost layer when the caller passed no options. */
export const NO_SIGNAL_OPTIONS: LayerExecuteOptions = Object.freeze({ signal: NEVER_ABORTED_SIGNAL });

/**
 * Method key on a lazy context: returns the context's signal if it already exists (or is already
 * aborted), else the nearest existing ancestor signal, without allocating anything.
 */
export const PEEK_SIGNAL: unique symbol = Symbol('rampart.peekSignal');

/** Brand on policies whose `ctx.attempt` counts attempts (retry); `wrap` carries it inward. */
export const COUNTS_ATTEMPTS: unique symbol = Symbol('rampart.countsAttempts');

/** Brand on policies that take their `ctx.attempt` from `options.attempt`. */
export const FORWARDS_ATTEMPT: unique symbol = Symbol('rampart.forwardsAttempt');

/**
 * Type-only brand: a policy that may resolve with a value of its own instead of the function's (a
 * fallback) declares that value's type under this key, so `wrap` can add it to its result type.
 * Never set at run time.
 */
export const ALTERNATIVE_RESULT: unique symbol = Symbol('rampart.alternativeResult');

/** Options a layer may receive from `wrap`: the caller's, plus the carried attempt. */
export interface LayerExecuteOptions extends ExecuteOptions {
  /** The enclosing retry's attempt number (1-based). */
  readonly attempt?: number;
  /** Units requested from a rate limiter (see `createRateLimiter`). */
  readonly weight?: number;
  [PEEK_SIGNAL]?(): AbortSignal | undefined;
}

/**
 * The signal a policy should observe, without forcing a lazy one: for a Rampart context this is
 * its signal if created, else its parent's; for anything else, `options.signal`.
 * Returns undefined for "no signal" (including {@link NEVER_ABORTED_SIGNAL}).
 */
export function peekSignal(options: LayerExecuteOptions | undefined): AbortSignal | undefined {
  if (options === undefined) return undefined;
  const s = options[PEEK_SIGNAL] === undefined ? options.signal : options[PEEK_SIGNAL]();
  return s === NEVER_ABORTED_SIGNAL ? undefined : s;
}

/** The reason a signal aborted with, or a DOM AbortError if it gave none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Whether a function's result must be awaited (a Promise or any other thenable). */
export function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
