import { TimeoutError } from '../errors/timeout-error.js';
import { DeadlineScheduler, type DeadlineEntry, type DeadlineQueue, type Slot, type TimedEntry } from '../timeout/deadline-scheduler.js';
import type { Clock } from './clock.js';

/** Options of {@link deadline}. */
export interface DeadlineOptions {
  /** The caller's signal: the deadline's signal also aborts (with its reason) when this one does. */
  signal?: AbortSignal | undefined;
  /** What the signal aborts with at the deadline (default a {@link TimeoutError} of `ms`). */
  error?: () => unknown;
  /**
   * The deadline of background work nobody awaits (a monitor's check): it does not keep the
   * process alive by itself. Default false: a deadline is a foreground wait.
   */
  background?: boolean;
}

/**
 * A running deadline on the clock's shared {@link DeadlineScheduler}: no timer per call. It ends at
 * the deadline or when the caller's signal aborts, whichever is first. A foreground wait (unless
 * `background`): it holds the process until it ends or is disposed. Times are monotonic
 * (`clock.now()`).
 */
export interface Deadline extends Disposable {
  /**
   * Aborts at the deadline (with `options.error()`) or with the caller's reason, whichever is
   * first. Created on first read: a deadline nobody reads the signal of allocates no AbortController.
   */
  readonly signal: AbortSignal;
  /** The `clock.now()` time it expires at (`Infinity` for none). */
  readonly at: number;
  /** Milliseconds left (0 once ended). */
  remaining(): number;
  /** Whether the deadline itself (not the caller) ended it. */
  readonly expired: boolean;
  /** Whether it has ended (expired, or the caller's signal aborted). */
  readonly ended: boolean;
  /** Why it ended (undefined while running). */
  readonly reason: unknown;
  /**
   * `work`'s outcome, or a rejection with {@link reason} as soon as the deadline ends, even if
   * `work` ignores the signal. Disposes the deadline when `work` settles. Call it once.
   */
  race<T>(work: PromiseLike<T>): Promise<T>;
  /**
   * Move the deadline to `ms` (default the length it started with) from now, unless it has already
   * ended: an idle timeout (a stream's time between chunks).
   */
  restart(ms?: number): void;
  /** Release the scheduler entry and the caller's signal (idempotent). */
  dispose(): void;
}

const RUNNING = 0;
const EXPIRED = 1;
const ABORTED = 2;

class RunningDeadline implements Deadline, TimedEntry, DeadlineEntry {
  // queue path (a length many deadlines share: O(1), no clock read)
  _prev: DeadlineEntry | undefined = undefined;
  _next: DeadlineEntry | undefined = undefined;
  _slot: Slot | undefined = undefined;
  // heap path (any length: O(log n))
  heapIndex = -1;
  dueAt = Number.POSITIVE_INFINITY;
  readonly _background: boolean;
  readonly #scheduler: DeadlineScheduler;
  readonly #options: DeadlineOptions | undefined;
  #ms: number;
  #queue: DeadlineQueue | undefined = undefined;
  #state = RUNNING;
  #reason: unknown = undefined;
  #controller: AbortController | undefined = undefined;
  #onEnd: ((reason: unknown) => void) | undefined = undefined;

  constructor(clock: Clock, ms: number, options: DeadlineOptions | undefined) {
    this.#scheduler = DeadlineScheduler.for(clock);
    this.#options = options;
    this._background = options?.background === true;
    this.#ms = Math.max(0, ms);
    const parent = options?.signal;
    if (parent?.aborted) {
      this.#state = ABORTED;
      this.#reason = parent.reason;
      return;
    }
    parent?.addEventListener('abort', this);
    this.#start(this.#ms);
  }

  #start(ms: number): void {
    if (ms === Number.POSITIVE_INFINITY) return;
    const scheduler = this.#scheduler;
    const queue = this._background ? undefined : scheduler.sharedQueue(ms);
    this.#queue = queue;
    if (queue !== undefined) queue.add(this);
    else scheduler.schedule(this, scheduler.clock.now() + ms);
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#state !== RUNNING) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get at(): number {
    if (this._slot !== undefined) return this._slot.state === 'sealed' ? this._slot.deadline : this.#scheduler.clock.now() + this.#ms;
    return this.dueAt;
  }

  get expired(): boolean {
    return this.#state === EXPIRED;
  }

  get ended(): boolean {
    return this.#state !== RUNNING;
  }

  get reason(): unknown {
    return this.#reason;
  }

  remaining(): number {
    if (this.#state !== RUNNING) return 0;
    return Math.max(0, this.at - this.#scheduler.clock.now());
  }

  /** The caller's signal aborted (EventListener protocol: no closure per call). */
  handleEvent(): void {
    this.#end(ABORTED, this.#options!.signal!.reason);
  }

  onDeadline(): void {
    const error = this.#options?.error;
    this.#end(EXPIRED, error === undefined ? new TimeoutError(this.#ms) : error());
  }

  #end(state: number, reason: unknown): void {
    if (this.#state !== RUNNING) return;
    const onEnd = this.#onEnd;
    this.dispose();
    this.#state = state;
    this.#reason = reason;
    this.#controller?.abort(reason);
    onEnd?.(reason);
  }

  race<T>(work: PromiseLike<T>): Promise<T> {
    if (this.#state !== RUNNING) {
      Promise.resolve(work).catch(() => undefined);
      return Promise.reject(this.#reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.#onEnd = reject;
      work.then(
        (value) => {
          this.dispose();
          if (this.#state === RUNNING) resolve(value);
        },
        (error: unknown) => {
          this.dispose();
          // once ended, the reason was delivered; a later rejection is its echo
          if (this.#state === RUNNING) reject(error);
        },
      );
    });
  }

  restart(ms: number = this.#ms): void {
    if (this.#state !== RUNNING) return;
    const next = Math.max(0, ms);
    if (this.#queue === undefined && next !== Number.POSITIVE_INFINITY && this.heapIndex >= 0) {
      this.#ms = next;
      this.#scheduler.schedule(this, this.#scheduler.clock.now() + next); // moved in place
      return;
    }
    this.#unschedule();
    this.#ms = next;
    this.#start(next);
  }

  #unschedule(): void {
    if (this._slot !== undefined) this.#scheduler.remove(this);
    else if (this.heapIndex >= 0) this.#scheduler.unschedule(this);
  }

  dispose(): void {
    this.#unschedule();
    this.#onEnd = undefined;
    this.#options?.signal?.removeEventListener('abort', this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Start a deadline of `ms` (≥ 0; `Infinity` for none) on `clock`: the one deadline primitive every
 * Rampart policy and integration uses. Dispose it in a `finally` (or let {@link Deadline.race} do it).
 *
 * ```ts
 * const d = deadline(systemClock, 5_000, { signal });
 * try { return await d.race(fetch(url, { signal: d.signal })); } finally { d.dispose(); }
 * ```
 */
export function deadline(clock: Clock, ms: number, options?: DeadlineOptions): Deadline {
  return new RunningDeadline(clock, ms, options);
}
