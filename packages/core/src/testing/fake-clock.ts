import { sleepWith, type Clock, type TimerHandle } from '../clock/clock.js';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
  background: boolean;
}

/**
 * A deterministic clock for tests: time moves only when the test calls {@link tick} or
 * {@link tickAsync}. Timers fire in deadline order (ties in creation order).
 */
export class FakeClock implements Clock {
  #now: number;
  #wallOffset: number;
  #timers: FakeTimer[] = [];
  #nextId = 1;

  constructor(options: { now?: number; wallNow?: number } = {}) {
    this.#now = options.now ?? 0;
    this.#wallOffset = (options.wallNow ?? 1_700_000_000_000) - this.#now;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#now + this.#wallOffset;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#add(fn, ms, false);
  }

  setBackgroundTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#add(fn, ms, true);
  }

  #add(fn: () => void, ms: number, background: boolean): TimerHandle {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn, background };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    const i = this.#timers.findIndex((t) => t.id === handle);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers still pending (leak checks use this). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Pending foreground timers: the ones that would hold a real process alive. */
  get pendingForegroundTimers(): number {
    return this.#timers.filter((t) => !t.background).length;
  }

  #nextDue(until: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) if (t.at <= until && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    return best;
  }

  /** Advance time synchronously, firing due timers in order. */
  tick(ms: number): void {
    const until = this.#now + ms;
    for (let t = this.#nextDue(until); t; t = this.#nextDue(until)) {
      this.#timers.splice(this.#timers.indexOf(t), 1);
      this.#now = t.at;
      t.fn();
    }
    this.#now = until;
  }

  /**
   * Advance time, letting promise callbacks run between timers, so that code that awaits and
   * then schedules the next timer (a retry loop) progresses as it would in real time.
   */
  async tickAsync(ms: number): Promise<void> {
    const until = this.#now + ms;
    await flushMicrotasks();
    for (let t = this.#nextDue(until); t; t = this.#nextDue(until)) {
      this.#timers.splice(this.#timers.indexOf(t), 1);
      this.#now = t.at;
      t.fn();
      await flushMicrotasks();
    }
    this.#now = until;
    await flushMicrotasks();
  }

  /** Run until no timers remain (bounded, to catch runaway intervals). */
  async runAllAsync(maxTimers = 10_000): Promise<void> {
    for (let i = 0; i < maxTimers && this.#timers.length > 0; i++) {
      const next = this.#nextDue(Number.POSITIVE_INFINITY)!;
      await this.tickAsync(next.at - this.#now);
    }
  }
}

/** Let queued promise reactions run (several turns, for chains of awaits). */
export async function flushMicrotasks(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
