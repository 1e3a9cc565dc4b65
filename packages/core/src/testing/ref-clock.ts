import { realTimers, sleepWith, systemClock, type Clock } from '../clock/clock.js';

/**
 * The system clock, except that its background timers are NOT `unref()`ed either: a timer of any
 * kind left behind keeps the process alive. Give it to the code under test in a child process to
 * prove that `stop()` releases every timer (the process must then exit by itself).
 */
export const refClock: Clock = {
  now: () => systemClock.now(),
  wallNow: () => systemClock.wallNow(),
  setTimeout: (fn, ms) => realTimers.set(fn, ms, false),
  setBackgroundTimeout: (fn, ms) => realTimers.set(fn, ms, false),
  clearTimeout: (h) => realTimers.clear(h),
  sleep: (ms, signal) => sleepWith(refClock, ms, signal),
};
