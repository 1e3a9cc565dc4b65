import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../errors/timeout-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { runWithDeadline } from './run-with-deadline.js';

describe('runWithDeadline', () => {
  it('settles with TimeoutError at the deadline even when the task ignores its signal, and releases the timer', async () => {
    const clock = new FakeClock();
    let aborted = false;
    const p = runWithDeadline(clock, 50, undefined, (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => {});
    }).catch((e: unknown) => e);
    await clock.tickAsync(50);
    await clock.tickAsync(1); // deadlines fire at most 1 ms late
    expect(await p).toBeInstanceOf(TimeoutError);
    expect(aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects with the caller's abort reason and releases its listener", async () => {
    const clock = new FakeClock();
    const caller = new AbortController();
    const p = runWithDeadline(clock, 1_000, caller.signal, () => new Promise(() => {})).catch((e: unknown) => e);
    caller.abort(new Error('cancelled'));
    expect(((await p) as Error).message).toBe('cancelled');
    await clock.tickAsync(1); // the scheduler's epoch closes
    expect(clock.pendingTimers).toBe(0);
  });

  it('passes a result through and clears the timer', async () => {
    const clock = new FakeClock();
    expect(await runWithDeadline(clock, 1_000, undefined, async () => 7)).toBe(7);
    await clock.tickAsync(1); // the scheduler's epoch closes
    expect(clock.pendingTimers).toBe(0);
  });
});
