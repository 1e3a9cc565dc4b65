import type { Backoff } from '../backoff/backoff.js';
import { ExponentialBackoff } from '../backoff/exponential-backoff.js';
import { classifyError } from '../classify/classify-error.js';
import type { Clock } from '../clock/clock.js';
import { readEnvDefaults } from '../config/env-defaults.js';
import { clockOption, errorFilterOption, functionValue, nonNegativeNumber, optionsObject, positiveInt } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { RetryExhaustedError, type RetryGiveUpReason } from '../errors/retry-exhausted-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import {
  COUNTS_ATTEMPTS,
  NEVER_ABORTED_SIGNAL,
  NO_SIGNAL_OPTIONS,
  abortReason,
  isThenable,
  peekSignal,
  type LayerExecuteOptions,
} from '../wrap/execute-options.js';
import { FIRST_ATTEMPT_CONTEXT, RetryContext } from './retry-context.js';
import type { OptionKeys } from '../config/known-keys.js';

/** Error classes to retry on (anything else is not retried). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass = new (...args: any[]) => Error;

/** Decide whether to retry: `attempt` is the number of the attempt that just failed (1-based). */
export type RetryPredicate = (error: unknown, attempt: number) => boolean;

export interface RetryOptions {
  /** Attempts in total, including the first (≥ 1; Infinity allowed). Default: RETRY_MAX_ATTEMPTS (3). */
  maxAttempts?: number;
  /** Delay between attempts. Default: ExponentialBackoff from RETRY_BASE_DELAY / RETRY_MAX_DELAY. */
  strategy?: Backoff;
  /**
   * Which errors to retry: a predicate, or error classes (`instanceof`). Default: every error that
   * {@link classifyError} does not class `permanent` nor `retryable: false` (an open circuit's
   * `BrokenCircuitError`: rethrown at once, without a backoff wait).
   */
  retryOn?: RetryPredicate | ErrorClass[];
  /**
   * Upper bound, in ms, on a server's retry-after (a rate limit's `retryAfterMs`, `Retry-After`
   * headers) when it overrides a shorter computed delay. Default: RETRY_MAX_DELAY (60 s).
   */
  maxRetryAfterMs?: number;
  /** Time source for the waits; default the system clock. */
  clock?: Clock;
  /** Random source in [0, 1) handed to the strategy (jitter); default Math.random. */
  random?: () => number;
}

/** Every option of {@link RetryOptions}: any other key is a ConfigError. */
const RETRY_KEYS: OptionKeys<RetryOptions> = {
  maxAttempts: true, strategy: true, retryOn: true, maxRetryAfterMs: true, clock: true, random: true,
};

export interface RetryEvent {
  /** The attempt that failed (1-based); equally, the number of this retry. */
  readonly attempt: number;
  readonly error: unknown;
  /** How long the policy waits before the next attempt. */
  readonly delayMs: number;
}

export interface GiveUpEvent {
  /** Attempts made. */
  readonly attempts: number;
  /** The last attempt's error. */
  readonly error: unknown;
  readonly reason: RetryGiveUpReason;
}

interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly strategy: Backoff;
  readonly retryOn: RetryPredicate | undefined;
  readonly maxRetryAfterMs: number;
  readonly random: () => number;
}

function resolveRetryOn(value: RetryOptions['retryOn']): RetryPredicate | undefined {
  return errorFilterOption('retry.retryOn', value);
}

/**
 * Retries a call with a backoff. Permanent errors (per {@link classifyError}) are not retried by
 * default; a permanent error on the first attempt is rethrown as is. When attempts run out it
 * throws {@link RetryExhaustedError} (every attempt's error, `cause` the last). If the caller's
 * signal aborts, the wait stops at once and the abort reason is thrown. Build with {@link createRetry}.
 */
export class RetryPolicy implements Policy {
  readonly [COUNTS_ATTEMPTS] = true as const;
  readonly options: ResolvedRetryOptions;
  readonly clock: Clock;
  readonly #onRetry = new EventEmitter<RetryEvent>();
  readonly #onGiveUp = new EventEmitter<GiveUpEvent>();
  /** Fired before each wait. */
  readonly onRetry: Event<RetryEvent> = this.#onRetry.event;
  /** Fired when the policy stops retrying and the call fails. */
  readonly onGiveUp: Event<GiveUpEvent> = this.#onGiveUp.event;

  constructor(options?: RetryOptions) {
    const o = optionsObject('retry', options, RETRY_KEYS);
    const needsEnv = o.maxAttempts === undefined || o.strategy === undefined || o.maxRetryAfterMs === undefined;
    const env = needsEnv ? readEnvDefaults() : undefined;
    const maxAttempts = positiveInt('retry.maxAttempts', o.maxAttempts ?? env!.retryMaxAttempts, { allowInfinity: true });
    const strategy =
      o.strategy ?? new ExponentialBackoff({ baseDelayMs: env!.retryBaseDelayMs, maxDelayMs: env!.retryMaxDelayMs });
    if (typeof strategy !== 'object' || strategy === null || typeof strategy.delayMs !== 'function') {
      throw new ConfigError('retry.strategy', 'must be a Backoff (an object with delayMs(attempt, context))', typeof strategy);
    }
    const maxRetryAfterMs = nonNegativeNumber('retry.maxRetryAfterMs', o.maxRetryAfterMs ?? env!.retryMaxDelayMs, {
      allowInfinity: true,
    });
    const random = o.random === undefined ? Math.random : functionValue<() => number>('retry.random', o.random);
    this.clock = clockOption('retry.clock', o.clock);
    this.options = Object.freeze({ maxAttempts, strategy, retryOn: resolveRetryOn(o.retryOn), maxRetryAfterMs, random });
  }

  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: LayerExecuteOptions): Promise<T> {
    const signal = peekSignal(options);
    if (signal !== undefined && signal.aborted) return Promise.reject(abortReason(signal));
    let result: PromiseLike<T> | T;
    try {
      result = fn(options === undefined || options === NO_SIGNAL_OPTIONS ? FIRST_ATTEMPT_CONTEXT : new RetryContext(options, 1));
    } catch (error) {
      return this.#retry(fn, options, error);
    }
    // the success path is one `then` on the function's own promise: no async frame, no listener
    if (result instanceof Promise) return result.then(undefined, (error: unknown) => this.#retry(fn, options, error));
    if (isThenable<T>(result)) {
      return Promise.resolve(result).then(undefined, (error: unknown) => this.#retry(fn, options, error));
    }
    return Promise.resolve(result);
  }

  /**
   * Continue a call whose first attempt already ran outside the policy and failed with `error`:
   * decide (retryable? retry-after?) and run attempts 2..maxAttempts exactly as {@link execute}
   * would have after that failure. What a fallback chain's RETRY step and `wrap`'s fused path use.
   */
  executeAfterFailure<T>(
    error: unknown,
    fn: (context: PolicyContext) => PromiseLike<T> | T,
    options?: LayerExecuteOptions,
  ): Promise<T> {
    return this.#retry(fn, options, error);
  }

  /** The failure path: attempts 2..maxAttempts. */
  async #retry<T>(
    fn: (context: PolicyContext) => PromiseLike<T> | T,
    options: LayerExecuteOptions | undefined,
    firstError: unknown,
  ): Promise<T> {
    const { maxAttempts, strategy, retryOn, maxRetryAfterMs, random } = this.options;
    const errors: unknown[] = [firstError];
    let error = firstError;
    let previousDelayMs: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const peeked = peekSignal(options);
      if (peeked !== undefined && peeked.aborted) throw this.#giveUp(errors, 'aborted', abortReason(peeked));
      const classification = classifyError(error);
      const retryable = retryOn === undefined ? classification.kind !== 'permanent' && classification.retryable !== false : retryOn(error, attempt);
      if (!retryable) {
        throw this.#giveUp(errors, 'not_retryable', attempt === 1 ? error : new RetryExhaustedError(errors, 'not_retryable'));
      }
      if (attempt >= maxAttempts) throw this.#giveUp(errors, 'max_attempts', new RetryExhaustedError(errors));
      let delayMs = strategy.delayMs(attempt, previousDelayMs === undefined ? { random } : { previousDelayMs, random });
      if (!(delayMs >= 0) || delayMs === Number.POSITIVE_INFINITY) {
        throw new ConfigError('retry.strategy', `returned an invalid delay for retry ${attempt}: ${delayMs}`, delayMs);
      }
      const retryAfterMs = classification.retryAfterMs;
      if (retryAfterMs !== undefined && retryAfterMs > delayMs) delayMs = Math.min(retryAfterMs, maxRetryAfterMs);
      this.#onRetry.fire({ attempt, error, delayMs });
      const waitSignal = options?.signal;
      if (waitSignal !== undefined && waitSignal !== NEVER_ABORTED_SIGNAL) {
        try {
          await this.clock.sleep(delayMs, waitSignal);
        } catch (reason) {
          throw this.#giveUp(errors, 'aborted', reason);
        }
      } else if (delayMs > 0) {
        await this.clock.sleep(delayMs);
      }
      previousDelayMs = delayMs;
      try {
        return await fn(new RetryContext(options, attempt + 1));
      } catch (e) {
        errors.push(e);
        error = e;
      }
    }
  }

  #giveUp(errors: readonly unknown[], reason: RetryGiveUpReason, thrown: unknown): unknown {
    this.#onGiveUp.fire({ attempts: errors.length, error: errors[errors.length - 1], reason });
    return thrown;
  }
}

/** A retry policy; see {@link RetryOptions} for defaults (read from the environment). */
export function createRetry(options?: RetryOptions): RetryPolicy {
  return new RetryPolicy(options);
}
