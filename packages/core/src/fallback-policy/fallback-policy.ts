import { errorFilterOption, optionsObject } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { FallbackFailedError } from '../errors/fallback-failed-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { PolicyContext } from '../policy/policy.js';
import type { ErrorClass } from '../retry/retry-policy.js';
import { FIRST_ATTEMPT_CONTEXT } from '../retry/retry-context.js';
import {
  ALTERNATIVE_RESULT,
  FORWARDS_ATTEMPT,
  NEVER_ABORTED_SIGNAL,
  NO_SIGNAL_OPTIONS,
  abortReason,
  isThenable,
  peekSignal,
  type LayerExecuteOptions,
} from '../wrap/execute-options.js';
import { LayerOptions } from '../wrap/layer-options.js';
import type { OptionKeys } from '../config/known-keys.js';

/** Decide whether a failure is replaced by the fallback value. */
export type FallbackPredicate = (error: unknown) => boolean;

/**
 * Computes the fallback value from the call's error. `signal` is the caller's: it aborts when the
 * caller gives up, so a slow fallback (a cache read) can stop.
 */
export type FallbackHandler<R> = (error: unknown, context: { readonly signal: AbortSignal }) => R | PromiseLike<R>;

export interface FallbackPolicyOptions<R> {
  /**
   * The value a failed call resolves with, or a function computing it from the error (called once
   * per failure; it may be async). To fall back to a function value, return it from a function.
   */
  fallback: R | FallbackHandler<R>;
  /**
   * Which errors fall back: a predicate, or error classes (`instanceof`), as retry's `retryOn`.
   * Default: every error. Whatever it says, an abort of the caller's own signal is rethrown.
   */
  handle?: FallbackPredicate | ErrorClass[];
}

/** Every option of {@link FallbackPolicyOptions}: any other key is a ConfigError. */
const FALLBACK_POLICY_KEYS: OptionKeys<FallbackPolicyOptions<any>> = { fallback: true, handle: true };

export interface FallbackEvent {
  /** The error the fallback value replaces. */
  readonly error: unknown;
}

interface ResolvedFallbackOptions<R> {
  readonly fallback: R | FallbackHandler<R>;
  readonly handle: FallbackPredicate | undefined;
}

function resolveHandle(value: FallbackPolicyOptions<unknown>['handle']): FallbackPredicate | undefined {
  return errorFilterOption('fallback.handle', value);
}

/**
 * Resolves a failed call with a fallback value instead of its error (cockatiel's `fallback`,
 * opossum's `circuit.fallback`): `execute(fn)` gives `fn`'s value, or the fallback's when `fn`
 * fails with an error `handle` accepts. An abort of the caller's own signal is never replaced:
 * it is rethrown (and a call whose signal is already aborted does not run). If the fallback
 * function throws, the call fails with {@link FallbackFailedError} (`cause`: the original error).
 * Outermost in `wrap(fallback, retry, breaker)`, it answers once the retry gives up or the circuit
 * is open. Build with {@link createFallback}.
 */
export class FallbackPolicy<R> {
  readonly [FORWARDS_ATTEMPT] = true as const;
  /** Type only: lets `wrap` add R to its result type (never set at run time). */
  declare readonly [ALTERNATIVE_RESULT]: R;
  readonly options: ResolvedFallbackOptions<R>;
  readonly #onFallback = new EventEmitter<FallbackEvent>();
  /** Fired when a failure is replaced by the fallback value (before the fallback function runs). */
  readonly onFallback: Event<FallbackEvent> = this.#onFallback.event;

  constructor(options: FallbackPolicyOptions<R>) {
    const o = optionsObject('fallback', options, FALLBACK_POLICY_KEYS);
    if (!('fallback' in o)) throw new ConfigError('fallback.fallback', 'is required (a value or a function)', undefined);
    this.options = Object.freeze({ fallback: o.fallback as R | FallbackHandler<R>, handle: resolveHandle(o.handle) });
  }

  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: LayerExecuteOptions): Promise<T | R> {
    const signal = peekSignal(options);
    if (signal !== undefined && signal.aborted) return Promise.reject(abortReason(signal));
    const ctx =
      options === undefined || options === NO_SIGNAL_OPTIONS
        ? FIRST_ATTEMPT_CONTEXT
        : new LayerOptions(options, options.attempt ?? 1, options.weight);
    let result: PromiseLike<T> | T;
    try {
      result = fn(ctx);
    } catch (error) {
      return this.#recover(error, options);
    }
    // the success path is one `then` on the function's own promise
    if (result instanceof Promise) return result.then(undefined, (error: unknown) => this.#recover(error, options));
    if (isThenable<T>(result)) {
      return Promise.resolve(result).then(undefined, (error: unknown) => this.#recover(error, options));
    }
    return Promise.resolve(result);
  }

  /** The failure path: rethrow the caller's abort and unhandled errors, else the fallback value. */
  async #recover(error: unknown, options: LayerExecuteOptions | undefined): Promise<R> {
    if (this.#callerAborted(options)) throw error;
    const { fallback, handle } = this.options;
    if (handle !== undefined && !handle(error)) throw error;
    this.#onFallback.fire({ error });
    if (typeof fallback !== 'function') return fallback;
    try {
      return await (fallback as FallbackHandler<R>)(error, { signal: options?.signal ?? NEVER_ABORTED_SIGNAL });
    } catch (fallbackError) {
      // an abort of the caller's signal while the fallback ran stays what it is
      if (this.#callerAborted(options)) throw fallbackError;
      throw new FallbackFailedError(error, fallbackError);
    }
  }

  #callerAborted(options: LayerExecuteOptions | undefined): boolean {
    const signal = peekSignal(options);
    return signal !== undefined && signal.aborted;
  }
}

/**
 * A fallback policy: `createFallback({ fallback: [] })` resolves failed calls with `[]`;
 * `createFallback({ fallback: (error) => cached(error), handle: [BrokenCircuitError] })` computes
 * the value, for open circuits only.
 */
export function createFallback<R>(options: FallbackPolicyOptions<R>): FallbackPolicy<R> {
  return new FallbackPolicy(options);
}
