import { TimeoutError } from '../errors/timeout-error.js';
import { DeadlineScheduler, type TimedEntry } from '../timeout/deadline-scheduler.js';
import type { Clock } from './clock.js';

/** Options of {@link deadline}. */
export interface DeadlineOptions {
  /** The caller's signal: the deadline's signal also aborts (with its reason) when this one does. */
  signal?: AbortSignal;
  /** What the signal aborts with at the deadline (default a {@link TimeoutError} of `ms`). */
  error?: () => unknown;
  /**
   * The deadline of background work nobody awaits (a monitor's check): it does not keep the
   * process alive by itself. Default false: a deadline is a foreground wait.
   */
  background?: boolean;
}

/**
 * A running deadline: one entry on the clock's shared {@link DeadlineScheduler} (a binary heap, so
 * O(log n) to start and to end; no timer per call) and a signal that aborts at the deadline or when
 * the caller's signal does. A foreground wait (unless `background`): it holds the process until it
 * fires or is disposed.
 * Times are monotonic (`clock.now()`).
 */
export interface Deadline extends Disposable {
  /** Aborts at the deadline (with `options.error()`) or with the caller's reason, whichever is first. */
  readonly signal: AbortSignal;
  /** The `clock.now()` time it expires at (`Infinity` for none). */
  readonly at: number;
  /** Milliseconds left (0 once passed). */
  remaining(): number;
  /** Whether the deadline itself (not the caller) ended it. */
  readonly expired: boolean;
  /**
   * `work`'s outcome, or a rejection as soon as the signal aborts, even if `work` ignores the
   * signal. Disposes the deadline when it settles.
   */
  race<T>(work: PromiseLike<T>): Promise<T>;
  /**
   * Move the deadline to `ms` (default the length it started with) from now, unless it has already
   * ended: an idle timeout (a stream's time between chunks). O(log n), no allocation.
   */
  restart(ms?: number): void;
  /** Release the scheduler entry and the caller's signal (idempotent). */
  dispose(): void;
}

class RunningDeadline implements Deadline, TimedEntry {
  _index = -1;
  _at = Number.POSITIVE_INFINITY;
  readonly _background: boolean;
  expired = false;
  readonly #controller = new AbortController();
  readonly #scheduler: DeadlineScheduler;
  readonly #parent: AbortSignal | undefined;
  readonly #error: () => unknown;
  readonly #ms: number;

  constructor(clock: Clock, ms: number, options: DeadlineOptions | undefined) {
    this.#scheduler = DeadlineScheduler.for(clock);
    this._background = options?.background === true;
    const ms0 = (this.#ms = Math.max(0, ms));
    this.#error = options?.error ?? (() => new TimeoutError(ms0));
    const parent = options?.signal;
    if (parent?.aborted) {
      this.#controller.abort(parent.reason);
      return;
    }
    if (parent !== undefined) {
      this.#parent = parent;
      parent.addEventListener('abort', this);
    }
    if (ms0 !== Number.POSITIVE_INFINITY) this.#scheduler.schedule(this, clock.now() + ms0);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get at(): number {
    return this._at;
  }

  remaining(): number {
    if (this.#controller.signal.aborted) return 0;
    return Math.max(0, this._at - this.#scheduler.clock.now());
  }

  /** The caller's signal aborted (EventListener protocol: no closure). */
  handleEvent(): void {
    const reason = this.#parent!.reason;
    this.dispose();
    this.#controller.abort(reason);
  }

  onDeadline(): void {
    this.expired = true;
    this.dispose();
    this.#controller.abort(this.#error());
  }

  race<T>(work: PromiseLike<T>): Promise<T> {
    const signal = this.#controller.signal;
    if (signal.aborted) {
      Promise.resolve(work).catch(() => undefined);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          this.dispose();
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          this.dispose();
          // once aborted, the abort reason was delivered; a later rejection is its echo
          if (!signal.aborted) reject(error);
        },
      );
    });
  }

  restart(ms: number = this.#ms): void {
    if (this.#controller.signal.aborted) return;
    const scheduler = this.#scheduler;
    if (ms === Number.POSITIVE_INFINITY) scheduler.unschedule(this);
    else scheduler.schedule(this, scheduler.clock.now() + Math.max(0, ms));
  }

  dispose(): void {
    this.#scheduler.unschedule(this);
    if (this.#parent !== undefined) this.#parent.removeEventListener('abort', this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Start a deadline of `ms` (≥ 0; `Infinity` for none) on `clock`: the one deadline primitive every
 * Rampart policy and integration uses. Dispose it in a `finally` (or use {@link Deadline.race}).
 *
 * ```ts
 * const d = deadline(systemClock, 5_000, { signal });
 * try { return await d.race(fetch(url, { signal: d.signal })); } finally { d.dispose(); }
 * ```
 */
export function deadline(clock: Clock, ms: number, options?: DeadlineOptions): Deadline {
  return new RunningDeadline(clock, ms, options);
}
