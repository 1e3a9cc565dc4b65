import type { Clock } from '../clock/clock.js';
import { booleanOption, clockOption, optionsObject, positiveNumber } from '../config/validate.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import {
  FORWARDS_ATTEMPT,
  PEEK_SIGNAL,
  NEVER_ABORTED_SIGNAL,
  abortReason,
  isThenable,
  peekSignal,
  type LayerExecuteOptions,
} from '../wrap/execute-options.js';
import { DeadlineScheduler, type DeadlineEntry, type DeadlineQueue, type Slot } from './deadline-scheduler.js';

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

export interface TimeoutEvent {
  readonly timeoutMs: number;
}

const RUNNING = 0;
const DONE = 1;
const TIMED_OUT = 2;
const CANCELLED = 3;

/** Enforces a deadline on each call. Build with {@link createTimeout}. */
export class TimeoutPolicy implements Policy {
  readonly [FORWARDS_ATTEMPT] = true as const;
  readonly options: Readonly<{ timeoutMs: number; cooperative: boolean }>;
  readonly clock: Clock;
  /** @internal */ readonly _queue: DeadlineQueue;
  /** @internal */ readonly _scheduler: DeadlineScheduler;
  /** @internal */ readonly _onTimeout = new EventEmitter<TimeoutEvent>();
  /** Fired when a call reaches its deadline. */
  readonly onTimeout: Event<TimeoutEvent> = this._onTimeout.event;

  constructor(options: TimeoutOptions) {
    const o = optionsObject('timeout', options);
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
    const call = new TimeoutCall<T>(this, options, outer);
    this._scheduler.add(this._queue, call);
    let result: PromiseLike<T> | T;
    try {
      result = fn(call);
    } catch (error) {
      call.finish();
      return Promise.reject(error);
    }
    if (!isThenable<T>(result)) {
      call.finish();
      return Promise.resolve(result);
    }
    return call.race(result);
  }
}

/** The rarely needed part of a call: its signal, what it listens to, why it aborted. */
interface SignalState {
  controller: AbortController | undefined;
  /** The signal the call listens to (the caller's, or an enclosing layer's). */
  listening: AbortSignal | undefined;
  aborted: boolean;
  /** Why the signal aborted (deadline or caller), also for a controller created afterwards. */
  reason: unknown;
}

/**
 * One call: its context (lazy signal), its scheduler entry and its outcome. Kept small: the
 * success path of a function that never reads `ctx.signal` allocates this object, the promise
 * handed to the caller and its two reactions, nothing else.
 */
class TimeoutCall<T> implements DeadlineEntry, PolicyContext {
  _prev: DeadlineEntry | undefined = undefined;
  _next: DeadlineEntry | undefined = undefined;
  _slot: Slot | undefined = undefined;
  readonly attempt: number;
  readonly #policy: TimeoutPolicy;
  readonly #parent: LayerExecuteOptions | undefined;
  #state = RUNNING;
  #reject: ((reason: unknown) => void) | undefined = undefined;
  #extra: SignalState | undefined = undefined;

  constructor(policy: TimeoutPolicy, parent: LayerExecuteOptions | undefined, outer: AbortSignal | undefined) {
    this.#policy = policy;
    this.#parent = parent;
    this.attempt = parent?.attempt ?? 1;
    if (outer !== undefined) {
      outer.addEventListener('abort', this);
      this.#extra = { controller: undefined, listening: outer, aborted: false, reason: undefined };
    }
  }

  #signalState(): SignalState {
    return (this.#extra ??= { controller: undefined, listening: undefined, aborted: false, reason: undefined });
  }

  /** Created on first read: the success path of a function that ignores it allocates nothing. */
  get signal(): AbortSignal {
    const x = this.#signalState();
    if (x.controller === undefined) {
      const controller = (x.controller = new AbortController());
      if (x.aborted) {
        controller.abort(x.reason);
      } else if (this.#state === RUNNING) {
        const parent = this.#parent?.signal;
        if (parent !== undefined && parent !== NEVER_ABORTED_SIGNAL && parent !== x.listening) this.#listen(x, parent);
      }
    }
    return x.controller.signal;
  }

  [PEEK_SIGNAL](): AbortSignal | undefined {
    const x = this.#extra;
    if (x !== undefined && (x.controller !== undefined || x.aborted)) return this.signal;
    return peekSignal(this.#parent);
  }

  #listen(x: SignalState, signal: AbortSignal): void {
    x.listening?.removeEventListener('abort', this);
    x.listening = undefined;
    if (signal.aborted) {
      this.#abort(x, abortReason(signal));
      return;
    }
    signal.addEventListener('abort', this);
    x.listening = signal;
  }

  #abort(x: SignalState, reason: unknown): void {
    if (x.aborted) return;
    x.aborted = true;
    x.reason = reason;
    x.controller?.abort(reason);
  }

  /** The enclosing signal aborted (EventListener protocol: no closure per call). */
  handleEvent(): void {
    const x = this.#extra;
    if (this.#state !== RUNNING || x?.listening === undefined) return;
    const reason = abortReason(x.listening);
    this.#abort(x, reason);
    if (!this.#policy.options.cooperative) {
      this.#state = CANCELLED;
      this.finish();
      this.#reject?.(reason);
    }
  }

  onDeadline(): void {
    if (this.#state !== RUNNING) return;
    const policy = this.#policy;
    const error = new TimeoutError(policy.options.timeoutMs);
    this.#state = TIMED_OUT;
    this.#abort(this.#signalState(), error);
    policy._onTimeout.fire({ timeoutMs: policy.options.timeoutMs });
    if (!policy.options.cooperative) {
      this.finish();
      this.#reject?.(error);
    }
  }

  /** Release the scheduler entry and any listener (idempotent). */
  finish(): void {
    if (this._slot !== undefined) this.#policy._scheduler.remove(this);
    const x = this.#extra;
    if (x?.listening !== undefined) {
      x.listening.removeEventListener('abort', this);
      x.listening = undefined;
    }
  }

  race(result: PromiseLike<T>): Promise<T> {
    if (this.#state === CANCELLED) {
      result.then(undefined, () => undefined);
      return Promise.reject(this.#extra!.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      result.then(
        (value) => {
          if (this.#settled()) resolve(value);
        },
        (error: unknown) => {
          if (this.#settled()) reject(this.#state === TIMED_OUT ? this.#lateError(error) : error);
        },
      );
    });
  }

  /** Whether the function's outcome goes to the caller (it has not been given up on). */
  #settled(): boolean {
    const state = this.#state;
    if (state === RUNNING || (state === TIMED_OUT && this.#policy.options.cooperative)) {
      this.finish();
      if (state === RUNNING) this.#state = DONE;
      return true;
    }
    // the caller already got its TimeoutError or abort reason; the late outcome is dropped
    return false;
  }

  /** Cooperative mode: a rejection after the deadline is reported as the timeout. */
  #lateError(error: unknown): unknown {
    return error === this.#extra?.reason
      ? error
      : new TimeoutError(this.#policy.options.timeoutMs, undefined, { cause: error });
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
