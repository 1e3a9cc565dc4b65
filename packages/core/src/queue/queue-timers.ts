import type { Clock, TimerHandle } from '../clock/clock.js';

interface Armed {
  readonly handle: TimerHandle;
  /** Monotonic ms at which it fires. */
  readonly at: number;
  readonly foreground: boolean;
}

/**
 * The request queue's two timers: one for the earliest deadline (monotonic ms, `clock.now()`) and
 * one for the periodic replay of resources without monitors. Never more than one of each; both
 * released by {@link clear}.
 *
 * Foreground (holds the process) while some caller in this process awaits a queued request;
 * background otherwise (requests restored after a restart, whose callers are gone, must not keep a
 * process alive by themselves). The deadline timer is re-aimed only when the earliest deadline
 * moves earlier: when it moves later (the first request settled) the timer fires early, finds
 * nothing due, and is aimed again, so settling requests in a row does not clear and set a timer
 * each time.
 */
export class QueueTimers {
  readonly #clock: Clock;
  readonly #onDeadline: () => void;
  readonly #onRetry: () => void;
  #deadline: Armed | undefined;
  #retry: Armed | undefined;

  constructor(clock: Clock, onDeadline: () => void, onRetry: () => void) {
    this.#clock = clock;
    this.#onDeadline = onDeadline;
    this.#onRetry = onRetry;
  }

  /**
   * Aim the deadline timer at `earliestDue` (monotonic ms; Infinity = none) at the latest, and
   * keep a retry timer iff `retryEveryMs` is given. `foreground`: whether a caller awaits.
   */
  arm(earliestDue: number, retryEveryMs: number | undefined, foreground: boolean): void {
    const clock = this.#clock;
    const d = this.#deadline;
    if (d && (!Number.isFinite(earliestDue) || d.foreground !== foreground || earliestDue < d.at)) {
      clock.clearTimeout(d.handle);
      this.#deadline = undefined;
    }
    if (!this.#deadline && Number.isFinite(earliestDue)) {
      const handle = this.#set(() => {
        this.#deadline = undefined;
        this.#onDeadline();
      }, Math.max(0, earliestDue - clock.now()), foreground);
      this.#deadline = { handle, at: earliestDue, foreground };
    }
    const r = this.#retry;
    let retryAt = clock.now() + (retryEveryMs ?? 0);
    if (r && (retryEveryMs === undefined || r.foreground !== foreground)) {
      clock.clearTimeout(r.handle);
      this.#retry = undefined;
      retryAt = Math.min(retryAt, r.at); // a change of kind keeps the time it was due at
    }
    if (retryEveryMs !== undefined && !this.#retry) {
      const handle = this.#set(() => {
        this.#retry = undefined;
        this.#onRetry();
      }, Math.max(0, retryAt - clock.now()), foreground);
      this.#retry = { handle, at: retryAt, foreground };
    }
  }

  clear(): void {
    if (this.#deadline) this.#clock.clearTimeout(this.#deadline.handle);
    if (this.#retry) this.#clock.clearTimeout(this.#retry.handle);
    this.#deadline = undefined;
    this.#retry = undefined;
  }

  #set(fn: () => void, ms: number, foreground: boolean): TimerHandle {
    return foreground ? this.#clock.setTimeout(fn, ms) : this.#clock.setBackgroundTimeout(fn, ms);
  }
}
