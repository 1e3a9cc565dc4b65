/** An opaque handle returned by {@link Clock.setTimeout} and {@link Clock.setBackgroundTimeout}. */
export type TimerHandle = unknown;

/**
 * All time in Rampart goes through a Clock, so that every policy is testable without real waiting
 * (Polly's TimeProvider, TanStack Query's timeout manager). Inject {@link FakeClock} from
 * `@rampart/core/testing` in tests; the default is {@link systemClock}.
 *
 * A timer is one of two kinds, and the method says which, so nobody has to remember:
 * - **foreground** ({@link setTimeout}, {@link sleep}): a wait that a caller is awaiting (a retry
 *   backoff, a deadline, a queued call, a request/reply). It holds the process like pending I/O
 *   does, so `await retry(...)` in a plain script finishes before the process exits.
 * - **background** ({@link setBackgroundTimeout}): work nobody awaits (monitor intervals,
 *   heartbeats, flushes, housekeeping). It never keeps the process alive (`unref()`ed).
 *
 * Every timer is cleared by the `stop()`/`close()` of whatever armed it.
 */
export interface Clock {
  /** Milliseconds, monotonic for the real clock (performance.timeOrigin based). For deadlines. */
  now(): number;
  /** Wall-clock epoch milliseconds (for timestamps in reports and persisted state only). */
  wallNow(): number;
  /**
   * Foreground timer: run `fn` after `ms`; holds the process until it fires or is cleared.
   * Delays above 2^31−1 ms work (the real clock re-arms), instead of firing after 1 ms.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Background timer: run `fn` after `ms`; never keeps the process alive. */
  setBackgroundTimeout(fn: () => void, ms: number): TimerHandle;
  /** Clear a timer of either kind (a no-op for one that fired or was cleared). */
  clearTimeout(handle: TimerHandle): void;
  /** Foreground wait: resolve after `ms`; reject with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The longest delay a Node timer takes as is (longer ones fire after 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Sleep implemented on top of any clock's foreground timer; listeners and timers are always released. */
export function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0 && !signal) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(abortReason(signal!));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type NodeTimer = ReturnType<typeof globalThis.setTimeout>;

/** A timer longer than {@link MAX_TIMER_MS}: re-armed in chunks until its time has come. */
class LongTimer {
  timer: NodeTimer | undefined;
  constructor(
    readonly fn: () => void,
    readonly at: number,
    readonly background: boolean,
  ) {
    this.arm();
  }

  arm(): void {
    const left = this.at - performance.now();
    if (left <= MAX_TIMER_MS) {
      this.timer = nodeTimer(this.fn, left, this.background);
      return;
    }
    this.timer = nodeTimer(() => this.arm(), MAX_TIMER_MS, this.background);
  }
}

function nodeTimer(fn: () => void, ms: number, background: boolean): NodeTimer {
  // globals are looked up at call time, so that vitest's fake timers also apply
  const t = globalThis.setTimeout(fn, Math.max(0, ms));
  if (background) (t as { unref?: () => void }).unref?.();
  return t;
}

function realTimer(fn: () => void, ms: number, background: boolean): TimerHandle {
  return ms > MAX_TIMER_MS ? new LongTimer(fn, performance.now() + ms, background) : nodeTimer(fn, ms, background);
}

function clearRealTimer(handle: TimerHandle): void {
  globalThis.clearTimeout((handle instanceof LongTimer ? handle.timer : handle) as NodeTimer);
}

/** The real clock. Foreground timers are ordinary Node timers; background ones are `unref()`ed. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout: (fn, ms) => realTimer(fn, ms, false),
  setBackgroundTimeout: (fn, ms) => realTimer(fn, ms, true),
  clearTimeout: clearRealTimer,
  sleep(ms, signal) {
    return sleepWith(systemClock, ms, signal);
  },
};

/** @internal For clocks that wrap the system clock's timers (refClock). */
export const realTimers = { set: realTimer, clear: clearRealTimer };
