import { sleepWith, systemClock, type Clock } from '@rampart/core';

/**
 * The system clock, except that its timers are NOT unref'ed: a timer left behind keeps the
 * process alive. Child processes use it to prove that stop() releases every timer.
 */
export const refClock: Clock = {
  now: () => systemClock.now(),
  wallNow: () => systemClock.wallNow(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  sleep: (ms, signal) => sleepWith(refClock, ms, signal),
};
