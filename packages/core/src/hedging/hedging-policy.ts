import { classifyError } from '../classify/classify-error.js';
import type { Clock } from '../clock/clock.js';
import { clockOption, errorFilterOption, nonNegativeNumber, optionsObject, positiveInt } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import type { ErrorClass } from '../retry/retry-policy.js';
import { COUNTS_ATTEMPTS, NEVER_ABORTED_SIGNAL, abortReason, type LayerExecuteOptions } from '../wrap/execute-options.js';
import { HedgedCall, type AttemptLostEvent, type HedgeEvent, type HedgePredicate } from './hedged-call.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface HedgingOptions {
  /**
   * How long, in ms, an attempt may run before the next one is started beside it (≥ 0). 0 starts
   * every attempt at once; Infinity starts a hedge only when an attempt fails with a handled error.
   */
  delayMs: number;
  /**
   * Attempts started besides the first (integer 1–{@link MAX_HEDGED_ATTEMPTS}): at most
   * `1 + maxHedgedAttempts` in all. Default 1.
   */
  maxHedgedAttempts?: number;
  /**
   * Which failures start the next attempt at once instead of waiting for the delay: a predicate, or
   * error classes (`instanceof`). Default: every error that {@link classifyError} does not class
   * `permanent` (transient, timeout, rate_limited). Any other failure stops hedging: the call then
   * fails once every attempt already started has failed.
   */
  handle?: HedgePredicate | ErrorClass[];
  /** Time source for the delay; default the system clock. */
  clock?: Clock;
}

/**
 * Upper bound of `maxHedgedAttempts` (10): each hedge multiplies the load on a slow dependency, and
 * beyond a few more attempts add load without making a call faster.
 */
export const MAX_HEDGED_ATTEMPTS = 10;

/** Every option of {@link HedgingOptions}: any other key is a ConfigError. */
const HEDGING_KEYS: OptionKeys<HedgingOptions> = { delayMs: true, maxHedgedAttempts: true, handle: true, clock: true };

interface ResolvedHedgingOptions {
  readonly delayMs: number;
  readonly maxHedgedAttempts: number;
  readonly handle: HedgePredicate;
}

const notPermanent: HedgePredicate = (error) => classifyError(error).kind !== 'permanent';

function resolveHandle(value: HedgingOptions['handle']): HedgePredicate {
  return errorFilterOption('hedging.handle', value) ?? notPermanent;
}

/**
 * Hedging (Polly v8's hedging strategy): when an attempt is slow, race another beside it. Attempt 1
 * starts at once; each later attempt starts `delayMs` after the latest one if none has succeeded, or
 * at once when an attempt fails with a handled error. The first success wins: every other attempt's
 * `ctx.signal` is aborted with a {@link HedgeLostError}. When every attempt fails, the call rejects with
 * {@link HedgingExhaustedError} (each attempt's error, `cause` the last); a single attempt that failed
 * with an unhandled error is rethrown as it is. The caller's abort aborts every attempt and rejects
 * with the caller's reason at once. `ctx.attempt` is 1, 2, … per attempt. Build with {@link createHedging}.
 */
export class HedgingPolicy implements Policy {
  readonly [COUNTS_ATTEMPTS] = true as const;
  readonly options: ResolvedHedgingOptions;
  readonly clock: Clock;
  /** @internal */ readonly _onHedge = new EventEmitter<HedgeEvent>();
  /** @internal */ readonly _onAttemptLost = new EventEmitter<AttemptLostEvent>();
  /** Fired when a hedged attempt (attempt ≥ 2) starts. */
  readonly onHedge: Event<HedgeEvent> = this._onHedge.event;
  /** Fired for each attempt aborted because another succeeded first. */
  readonly onAttemptLost: Event<AttemptLostEvent> = this._onAttemptLost.event;

  constructor(options: HedgingOptions) {
    const o = optionsObject('hedging', options, HEDGING_KEYS);
    const delayMs = nonNegativeNumber('hedging.delayMs', o.delayMs, { allowInfinity: true });
    const maxHedgedAttempts = positiveInt('hedging.maxHedgedAttempts', o.maxHedgedAttempts ?? 1);
    if (maxHedgedAttempts > MAX_HEDGED_ATTEMPTS) {
      throw new ConfigError('hedging.maxHedgedAttempts', `must be at most ${MAX_HEDGED_ATTEMPTS}, got ${maxHedgedAttempts}`, maxHedgedAttempts);
    }
    this.clock = clockOption('hedging.clock', o.clock);
    this.options = Object.freeze({ delayMs, maxHedgedAttempts, handle: resolveHandle(o.handle) });
  }

  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: LayerExecuteOptions): Promise<T> {
    // read (not peek) the signal: an enclosing lazy timeout must be able to stop the pending hedges
    const given = options?.signal;
    const signal = given === NEVER_ABORTED_SIGNAL ? undefined : given;
    if (signal !== undefined && signal.aborted) return Promise.reject(abortReason(signal));
    return new HedgedCall(this, fn, signal).run();
  }
}

/** A hedging policy; see {@link HedgingOptions}. */
export function createHedging(options: HedgingOptions): HedgingPolicy {
  return new HedgingPolicy(options);
}
