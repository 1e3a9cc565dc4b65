import { callContext, handledRejection } from '../breaker/call-context.js';
import { systemClock, type Clock } from '../clock/clock.js';
import { nonNegativeInt, optionsObject, positiveInt } from '../config/validate.js';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error.js';
import { ConfigError } from '../errors/config-error.js';
import { withoutStack } from '../errors/rampart-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { ExecuteOptions, Policy, PolicyContext } from '../policy/policy.js';
import { WaitQueue, type WaitQueueNode } from './wait-queue.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface BulkheadOptions {
  /** Calls allowed to run at once (integer ≥ 1, or Infinity). Changeable later with `setMaxConcurrent`. */
  maxConcurrent: number;
  /** Calls allowed to wait for a slot, first come first served (integer ≥ 0, or Infinity). Default 0. */
  maxQueued?: number;
  /** Time source, used to report how long queued calls waited. Default {@link systemClock}. */
  clock?: Clock;
}

/** Every option of {@link BulkheadOptions}: any other key is a ConfigError. */
const BULKHEAD_KEYS: OptionKeys<BulkheadOptions> = { maxConcurrent: true, maxQueued: true, clock: true };

export interface BulkheadRejectEvent {
  readonly error: BulkheadRejectedError;
  readonly running: number;
  readonly queued: number;
}

export interface BulkheadDequeueEvent {
  /** How long the call waited in the queue, in ms. */
  readonly waitedMs: number;
  /** Calls still waiting. */
  readonly queued: number;
}

export interface BulkheadLimitChange {
  readonly from: number;
  readonly to: number;
}

interface Waiter {
  readonly fn: (context: PolicyContext) => unknown;
  readonly signal: AbortSignal | undefined;
  readonly enqueuedAt: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort: (() => void) | undefined;
}

const P = 'bulkhead';

/**
 * Limits how many calls run at once; up to `maxQueued` more wait in line, and the rest fail fast
 * with a {@link BulkheadRejectedError} (built once per limit setting, without a stack; a rejected
 * call gets a shared, already-handled rejected promise, as the circuit breaker does). A queued
 * call whose signal aborts leaves the queue at once and rejects with the signal's reason.
 */
export class BulkheadPolicy implements Policy {
  readonly #clock: Clock;
  readonly #maxQueued: number;
  #maxConcurrent: number;
  #running = 0;
  readonly #queue = new WaitQueue<Waiter>();
  #rejected: Promise<never> | undefined;
  #rejection: BulkheadRejectedError | undefined;
  #rejectEvents: EventEmitter<BulkheadRejectEvent> | undefined;
  #dequeueEvents: EventEmitter<BulkheadDequeueEvent> | undefined;
  #limitEvents: EventEmitter<BulkheadLimitChange> | undefined;
  // Shared by every call: releasing a slot needs nothing from the call itself.
  readonly #onSettled = (value: unknown): unknown => {
    this.#release();
    return value;
  };
  readonly #onFailed = (error: unknown): never => {
    this.#release();
    throw error;
  };

  constructor(options: BulkheadOptions) {
    const o = optionsObject(P, options, BULKHEAD_KEYS);
    if (o.maxConcurrent === undefined) throw new ConfigError(`${P}.maxConcurrent`, 'is required', undefined);
    this.#maxConcurrent = positiveInt(`${P}.maxConcurrent`, o.maxConcurrent, { allowInfinity: true });
    this.#maxQueued = nonNegativeInt(`${P}.maxQueued`, o.maxQueued ?? 0, { allowInfinity: true });
    const clock = o.clock ?? systemClock;
    if (typeof clock.now !== 'function') throw new ConfigError(`${P}.clock`, 'must be a Clock', typeof clock);
    this.#clock = clock;
  }

  get maxConcurrent(): number {
    return this.#maxConcurrent;
  }

  set maxConcurrent(value: number) {
    this.setMaxConcurrent(value);
  }

  get maxQueued(): number {
    return this.#maxQueued;
  }

  /** Calls running now (may exceed `maxConcurrent` for a while after it was lowered). */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#queue.size;
  }

  get onReject(): Event<BulkheadRejectEvent> {
    return (this.#rejectEvents ??= new EventEmitter()).event;
  }

  /** Fires when a queued call gets its slot. */
  get onDequeue(): Event<BulkheadDequeueEvent> {
    return (this.#dequeueEvents ??= new EventEmitter()).event;
  }

  get onLimitChange(): Event<BulkheadLimitChange> {
    return (this.#limitEvents ??= new EventEmitter()).event;
  }

  /**
   * Change the concurrency limit at run time (SCALE_DOWN uses this). Lowering it lets running
   * calls finish and starts new ones only once fewer than `n` run; raising it starts queued calls.
   */
  setMaxConcurrent(n: number): void {
    const to = positiveInt(`${P}.maxConcurrent`, n, { allowInfinity: true });
    const from = this.#maxConcurrent;
    if (to === from) return;
    this.#maxConcurrent = to;
    this.#rejected = this.#rejection = undefined;
    if (this.#limitEvents !== undefined && this.#limitEvents.size > 0) this.#limitEvents.fire({ from, to });
    this.#drain();
  }

  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: ExecuteOptions): Promise<T> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.#maxConcurrent) {
      this.#running++;
      return this.#run(fn, signal) as Promise<T>;
    }
    if (this.#queue.size < this.#maxQueued) return this.#enqueue(fn, signal) as Promise<T>;
    return this.#reject();
  }

  /** Run a call that holds a slot; the slot is released when it settles. */
  #run(fn: (context: PolicyContext) => unknown, signal: AbortSignal | undefined): Promise<unknown> {
    let result: unknown;
    try {
      result = fn(callContext(signal));
    } catch (error) {
      this.#release();
      return Promise.reject(error);
    }
    if (result instanceof Promise) return result.then(this.#onSettled, this.#onFailed);
    return Promise.resolve(result).then(this.#onSettled, this.#onFailed);
  }

  #enqueue(fn: (context: PolicyContext) => unknown, signal: AbortSignal | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { fn, signal, enqueuedAt: this.#clock.now(), resolve, reject, onAbort: undefined };
      const node = this.#queue.push(waiter);
      if (signal !== undefined) {
        waiter.onAbort = () => this.#abandon(node);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  /** The queued call's signal aborted: leave the queue and reject with the signal's reason. */
  #abandon(node: WaitQueueNode<Waiter>): void {
    if (!this.#queue.remove(node)) return;
    const w = node.value;
    w.onAbort = undefined;
    w.reject(w.signal!.reason);
  }

  #release(): void {
    this.#running--;
    if (this.#queue.size > 0) this.#drain();
  }

  /** Start queued calls while slots are free. */
  #drain(): void {
    while (this.#running < this.#maxConcurrent && this.#queue.size > 0) {
      const w = this.#queue.shift()!;
      if (w.onAbort !== undefined) {
        w.signal!.removeEventListener('abort', w.onAbort);
        w.onAbort = undefined;
      }
      this.#running++;
      if (this.#dequeueEvents !== undefined && this.#dequeueEvents.size > 0) {
        this.#dequeueEvents.fire({ waitedMs: this.#clock.now() - w.enqueuedAt, queued: this.#queue.size });
      }
      w.resolve(this.#run(w.fn, w.signal));
    }
  }

  #reject(): Promise<never> {
    let rejected = this.#rejected;
    if (rejected === undefined) {
      const [max, queued] = [this.#maxConcurrent, this.#maxQueued];
      this.#rejection = withoutStack(() => new BulkheadRejectedError(max, queued));
      rejected = this.#rejected = handledRejection(this.#rejection);
    }
    if (this.#rejectEvents !== undefined && this.#rejectEvents.size > 0) {
      this.#rejectEvents.fire({ error: this.#rejection!, running: this.#running, queued: this.#queue.size });
    }
    return rejected;
  }
}

/** A bulkhead: at most `maxConcurrent` calls at once, `maxQueued` (default 0) more waiting. */
export function createBulkhead(options: BulkheadOptions): BulkheadPolicy {
  return new BulkheadPolicy(options);
}
