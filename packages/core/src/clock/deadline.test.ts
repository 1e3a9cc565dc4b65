import fc from 'fast-check';
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../errors/timeout-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { DeadlineScheduler } from '../timeout/deadline-scheduler.js';
import { deadline } from './deadline.js';

describe('deadline', () => {
  it('aborts its signal with a TimeoutError at the deadline, not before, and releases the timer', async () => {
    const clock = new FakeClock();
    const d = deadline(clock, 100);
    expect(d.at).toBe(100);
    await clock.tickAsync(99);
    expect(d.signal.aborted).toBe(false);
    expect(d.remaining()).toBe(1);
    await clock.tickAsync(1);
    expect(d.signal.reason).toBeInstanceOf(TimeoutError);
    expect(d.expired).toBe(true);
    expect(d.remaining()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("aborts with the caller's reason, and leaves no listener on the caller's signal once disposed", () => {
    const clock = new FakeClock();
    const caller = new AbortController();
    const d = deadline(clock, 1_000, { signal: caller.signal });
    caller.abort(new Error('cancelled'));
    expect((d.signal.reason as Error).message).toBe('cancelled');
    expect(d.expired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    const again = deadline(clock, 1_000, { signal: caller.signal });
    expect(again.signal.aborted).toBe(true);
    const live = new AbortController();
    for (let i = 0; i < 1_000; i++) deadline(clock, i + 1, { signal: live.signal }).dispose();
    expect(getEventListeners(live.signal, 'abort')).toHaveLength(0);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('race() settles with the work, or at the deadline even when the work ignores its signal', async () => {
    const clock = new FakeClock();
    expect(await deadline(clock, 50).race(Promise.resolve(7))).toBe(7);
    expect(clock.pendingTimers).toBe(0);
    const late = deadline(clock, 50)
      .race(new Promise(() => {}))
      .catch((e: unknown) => e);
    await clock.tickAsync(50);
    expect(await late).toBeInstanceOf(TimeoutError);
    const custom = deadline(clock, 10, { error: () => new Error('too slow') })
      .race(new Promise(() => {}))
      .catch((e: unknown) => e);
    await clock.tickAsync(10);
    expect(((await custom) as Error).message).toBe('too slow');
  });

  it('is a foreground wait unless background: a background deadline alone arms a background timer', async () => {
    const clock = new FakeClock();
    const bg = deadline(clock, 100, { background: true });
    expect(clock.pendingTimers).toBe(1);
    expect(clock.pendingForegroundTimers).toBe(0);
    const fg = deadline(clock, 200);
    expect(clock.pendingForegroundTimers).toBe(1);
    fg.dispose();
    // only background work is left: the timer no longer holds the process
    expect(clock.pendingForegroundTimers).toBe(0);
    await clock.tickAsync(100);
    expect(bg.expired).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('Infinity means no deadline (only the caller can end it)', () => {
    const clock = new FakeClock();
    const d = deadline(clock, Number.POSITIVE_INFINITY);
    expect(clock.pendingTimers).toBe(0);
    expect(d.remaining()).toBe(Number.POSITIVE_INFINITY);
  });

  it('fires every deadline exactly at its time, in order, for any lengths and disposals (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ms: fc.integer({ min: 0, max: 500 }), drop: fc.boolean() }), { minLength: 1, maxLength: 60 }),
        async (specs) => {
          const clock = new FakeClock();
          const fired: Array<[number, number]> = [];
          const all = specs.map((s, i) => {
            const d = deadline(clock, s.ms);
            d.signal.addEventListener('abort', () => fired.push([i, clock.now()]));
            return d;
          });
          specs.forEach((s, i) => s.drop && all[i]!.dispose());
          await clock.tickAsync(501);
          const expected = specs.flatMap((s, i) => (s.drop ? [] : [[i, s.ms] as [number, number]]));
          expect([...fired].sort((a, b) => a[0] - b[0])).toEqual(expected);
          expect(fired.map(([, at]) => at)).toEqual([...fired.map(([, at]) => at)].sort((a, b) => a - b));
          expect(DeadlineScheduler.for(clock).size).toBe(0);
          expect(clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('deadline.restart', () => {
  it('moves the deadline from now (an idle timeout), and does nothing once it has ended', async () => {
    const clock = new FakeClock();
    const d = deadline(clock, 100);
    await clock.tickAsync(90);
    d.restart();
    await clock.tickAsync(90);
    expect(d.signal.aborted).toBe(false);
    d.restart(20);
    await clock.tickAsync(20);
    expect(d.expired).toBe(true);
    d.restart();
    expect(clock.pendingTimers).toBe(0);
  });
});
