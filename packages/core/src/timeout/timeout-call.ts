import { TimeoutError } from '../errors/timeout-error.js';
import type { EventEmitter } from '../events/event.js';
import type { PolicyContext } from '../policy/policy.js';
import { PEEK_SIGNAL, NEVER_ABORTED_SIGNAL, abortReason, isThenable, peekSignal, type LayerExecuteOptions } from '../wrap/execute-options.js';
import type { DeadlineEntry, DeadlineQueue, DeadlineScheduler, Slot } from './deadline-scheduler.js';

/** What a call needs from its timeout policy (type-only, so this file does not import the policy). */
export interface TimeoutCallOwner {
  readonly options: Readonly<{ timeoutMs: number; cooperative: boolean }>;
  /** @internal */ readonly _queue: DeadlineQueue;
  /** @internal */ readonly _scheduler: DeadlineScheduler;
  /** @internal */ readonly _onTimeout: EventEmitter<{ readonly timeoutMs: number }>;
}

const RUNNING = 0;
const DONE = 1;
const TIMED_OUT = 2;
const CANCELLED = 3;

/** The rarely needed part of a call: its signal, what it listens to, why it aborted. */
interface SignalState {
  controller: AbortController | undefined;
  /** The signal the call listens to (the caller's, or an enclosing layer's). */
  listening: AbortSignal | undefined;
  aborted: boolean;
  /** Why the signal aborted (deadline or caller), also for a controller created afterwards. */
  reason: unknown;
}

const ignore = (): void => undefined;

/**
 * @internal Takes a call's outcome in place of the call's own promise handling: `wrap`'s fused
 * path records it in the enclosing layers (breaker, retry) before the caller's promise settles.
 */
export interface OutcomeSink<T> {
  /** The outcome (the function's, or the deadline's, or the caller's abort): settle the caller's promise. */
  deliver(ok: boolean, value: unknown, resolve: (value: T | PromiseLike<T>) => void, reject: (reason: unknown) => void): void;
  /** The caller's signal aborted while the function was being called: what the caller gets. */
  abortedEarly(reason: unknown): Promise<T>;
}

/**
 * @internal One timed call: its context (lazy signal), its scheduler entry and its outcome. Kept
 * small: the success path of a function that never reads `ctx.signal` allocates this object, the
 * promise handed to the caller and its two reactions, nothing else.
 *
 * The outcome settles the promise returned by {@link race}, or goes to an {@link OutcomeSink}
 * when one is given (`wrap`'s fused path). One class for both: on Node 20 constructing a derived
 * class with fields costs about twice as much as a base class.
 */
export class TimeoutCall<T> implements DeadlineEntry, PolicyContext {
  _prev: DeadlineEntry | undefined = undefined;
  _next: DeadlineEntry | undefined = undefined;
  _slot: Slot | undefined = undefined;
  readonly attempt: number;
  readonly #policy: TimeoutCallOwner;
  readonly #parent: LayerExecuteOptions | undefined;
  #state = RUNNING;
  #resolve: ((value: T | PromiseLike<T>) => void) | undefined = undefined;
  #reject: ((reason: unknown) => void) | undefined = undefined;
  #extra: SignalState | undefined = undefined;
  readonly #sink: OutcomeSink<T> | undefined;

  /**
   * `outer`: the signal to listen to (`peekSignal(parent)`), already checked not to be aborted.
   * Schedule with {@link start}.
   */
  constructor(
    policy: TimeoutCallOwner,
    parent: LayerExecuteOptions | undefined,
    outer: AbortSignal | undefined,
    sink?: OutcomeSink<T>,
  ) {
    this.#policy = policy;
    this.#parent = parent;
    this.#sink = sink;
    this.attempt = parent?.attempt ?? 1;
    if (outer !== undefined) {
      outer.addEventListener('abort', this);
      this.#extra = { controller: undefined, listening: outer, aborted: false, reason: undefined };
    }
  }

  /** Start the deadline. */
  start(): void {
    const policy = this.#policy;
    policy._scheduler.add(policy._queue, this);
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
      if (this.#reject !== undefined) this.#deliver(false, reason);
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
      if (this.#reject !== undefined) this.#deliver(false, error);
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

  /** The caller's promise for the function's `result`, rejected at the deadline unless cooperative. */
  /**
   * Run `fn` as this call: start the deadline, call it with this context, and settle by its
   * outcome — a synchronous throw or value goes to `sync` (default: reject/resolve), a promise
   * races the deadline. The one body of a timed call: `TimeoutPolicy.execute` and `wrap`'s fused
   * first attempt both run through it.
   */
  run(fn: (context: PolicyContext) => PromiseLike<T> | T, sync: SyncOutcome<T> = PLAIN): Promise<T> {
    this.start();
    let result: PromiseLike<T> | T;
    try {
      result = fn(this);
    } catch (error) {
      this.finish();
      return sync.failed(error);
    }
    if (!isThenable<T>(result)) {
      this.finish();
      return sync.succeeded(result);
    }
    return this.race(result);
  }

  race(result: PromiseLike<T>): Promise<T> {
    if (this.#state === CANCELLED) {
      result.then(undefined, ignore);
      const reason = this.#extra!.reason;
      return this.#sink === undefined ? Promise.reject(reason) : this.#sink.abortedEarly(reason);
    }
    const promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    result.then(
      (value) => {
        if (this.#settled()) this.#deliver(true, value);
      },
      (error: unknown) => {
        if (this.#settled()) this.#deliver(false, this.#state === TIMED_OUT ? this.#lateError(error) : error);
      },
    );
    return promise;
  }

  /** Settle the caller's promise (at most once, after {@link race}), through the sink if there is one. */
  #deliver(ok: boolean, value: unknown): void {
    const sink = this.#sink;
    if (sink !== undefined) sink.deliver(ok, value, this.#resolve!, this.#reject!);
    else if (ok) this.#resolve!(value as T);
    else this.#reject!(value);
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

/** What a timed call does with a synchronous outcome of its function. */
export interface SyncOutcome<T> {
  failed(error: unknown): Promise<T>;
  succeeded(value: T): Promise<T>;
}

const PLAIN: SyncOutcome<never> = Object.freeze({
  failed: (error: unknown) => Promise.reject(error),
  succeeded: (value: never) => Promise.resolve(value),
});
