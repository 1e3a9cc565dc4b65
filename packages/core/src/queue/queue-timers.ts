import type { Clock, TimerHandle } from '../clock/clock.js';

/**
 * The request queue's two timers: one for the earliest deadline (wall-clock epoch ms) and one for
 * the periodic replay of resources without monitors. Never more than one of each; both released by
 * {@link clear}.
 */
export class QueueTimers {
  readonly #clock: Clock;
  readonly #onDeadline: () => void;
  readonly #onRetry: () => void;
  #deadline: { handle: TimerHandle; at: number } | undefined;
  #retry: TimerHandle | undefined;

  constructor(clock: Clock, onDeadline: () => void, onRetry: () => void) {
    this.#clock = clock;
    this.#onDeadline = onDeadline;
    this.#onRetry = onRetry;
  }

  /** Aim the deadline timer at `earliestDeadline` (Infinity = none); keep a retry timer iff `retryEveryMs` is given. */
  arm(earliestDeadline: number, retryEveryMs: number | undefined): void {
    const clock = this.#clock;
    if (this.#deadline && this.#deadline.at !== earliestDeadline) {
      clock.clearTimeout(this.#deadline.handle);
      this.#deadline = undefined;
    }
    if (!this.#deadline && Number.isFinite(earliestDeadline)) {
      const handle = clock.setTimeout(() => {
        this.#deadline = undefined;
        this.#onDeadline();
      }, Math.max(0, earliestDeadline - clock.wallNow()));
      this.#deadline = { handle, at: earliestDeadline };
    }
    if (retryEveryMs !== undefined && this.#retry === undefined) {
      this.#retry = clock.setTimeout(() => {
        this.#retry = undefined;
        this.#onRetry();
      }, retryEveryMs);
    } else if (retryEveryMs === undefined && this.#retry !== undefined) {
      clock.clearTimeout(this.#retry);
      this.#retry = undefined;
    }
  }

  clear(): void {
    if (this.#deadline) this.#clock.clearTimeout(this.#deadline.handle);
    if (this.#retry !== undefined) this.#clock.clearTimeout(this.#retry);
    this.#deadline = undefined;
    this.#retry = undefined;
  }
}
