import type { Clock } from '../clock/clock.js';
import { booleanOption, clockOption, optionsObject, positiveNumber } from '../config/validate.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import { FORWARDS_ATTEMPT, abortReason, peekSignal, type LayerExecuteOptions } from '../wrap/execute-options.js';
import { DeadlineScheduler, type DeadlineQueue } from './deadline-scheduler.js';
import { TimeoutCall, type TimeoutCallOwner } from './timeout-call.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface TimeoutOptions {
  /** Deadline of each call, in ms (> 0). Fires at most 1 ms late (see {@link DeadlineScheduler}). */
  timeoutMs: number;
  /**
   * false (default): the caller gets a {@link TimeoutError} at the deadline (and the caller's
   * abort reason as soon as its signal aborts) whether or not the function honours `ctx.signal`.
   * true: `ctx.signal` is aborted at the deadline, and the caller waits for the function to settle;
   * a rejection after the deadline becomes a TimeoutError (with the function's error as `cause`).
   */
  cooperative?: boolean;
  /** Time source; default the system clock. */
  clock?: Clock;
}

/** Every option of {@link TimeoutOptions}: any other key is a ConfigError. */
const TIMEOUT_KEYS: OptionKeys<TimeoutOptions> = { timeoutMs: true, cooperative: true, clock: true };

export interface TimeoutEvent {
  readonly timeoutMs: number;
}

/** Enforces a deadline on each call. Build with {@link createTimeout}. */
export class TimeoutPolicy implements Policy, TimeoutCallOwner {
  readonly [FORWARDS_ATTEMPT] = true as const;
  readonly options: Readonly<{ timeoutMs: number; cooperative: boolean }>;
  readonly clock: Clock;
  /** @internal */ readonly _queue: DeadlineQueue;
  /** @internal */ readonly _scheduler: DeadlineScheduler;
  /** @internal */ readonly _onTimeout = new EventEmitter<TimeoutEvent>();
  /** Fired when a call reaches its deadline. */
  readonly onTimeout: Event<TimeoutEvent> = this._onTimeout.event;

  constructor(options: TimeoutOptions) {
    const o = optionsObject('timeout', options, TIMEOUT_KEYS);
    const timeoutMs = positiveNumber('timeout.timeoutMs', o.timeoutMs);
    const cooperative = booleanOption('timeout.cooperative', o.cooperative, false);
    this.clock = clockOption('timeout.clock', o.clock);
    this.options = Object.freeze({ timeoutMs, cooperative });
    this._scheduler = DeadlineScheduler.for(this.clock);
    this._queue = this._scheduler.queue(timeoutMs);
  }

  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: LayerExecuteOptions): Promise<T> {
    const outer = peekSignal(options);
    if (outer !== undefined && outer.aborted) return Promise.reject(abortReason(outer));
    return new TimeoutCall<T>(this, options, outer).run(fn);
  }
}

/**
 * A timeout policy: each call gets `ctx.signal`, aborted at the deadline. By default the caller
 * gets a {@link TimeoutError} at the deadline whether or not the function honours the signal;
 * with `cooperative: true` it waits for the function to settle after aborting it.
 */
export function createTimeout(options: TimeoutOptions): TimeoutPolicy {
  return new TimeoutPolicy(options);
}
