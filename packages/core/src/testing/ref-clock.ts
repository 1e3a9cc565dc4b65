import { sleepWith, systemClock, type Clock } from '../clock/clock.js';

/**
 * The system clock, except that its timers are NOT `unref()`ed: a timer left behind keeps the
 * process alive. Give it to the code under test in a child process to prove that `stop()` releases
 * every timer (the process must then exit by itself).
 */
export const refClock: Clock = {
  now: () => systemClock.now(),
  wallNow: () => systemClock.wallNow(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  sleep: (ms, signal) => sleepWith(refClock, ms, signal),
};
