/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * All time in Rampart goes through a Clock, so that every policy is testable without real waiting
 * (Polly's TimeProvider, TanStack Query's timeout manager). Inject {@link FakeClock} from
 * `@rampart/core/testing` in tests; the default is {@link systemClock}.
 */
export interface Clock {
  /** Milliseconds, monotonic for the real clock (performance.timeOrigin based). */
  now(): number;
  /** Wall-clock epoch milliseconds (for timestamps in reports and persisted state). */
  wallNow(): number;
  /** Schedule `fn` after `ms`. Real timers are `unref()`ed: no Rampart timer keeps a process alive. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Resolve after `ms`; reject with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Sleep implemented on top of any clock; listeners and timers are always released. */
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

/** The real clock. Looks globals up at call time so that vitest's fake timers also apply. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout(fn, ms) {
    const t = globalThis.setTimeout(fn, ms);
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  sleep(ms, signal) {
    return sleepWith(systemClock, ms, signal);
  },
};
