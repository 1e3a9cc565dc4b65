import fc from 'fast-check';
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../errors/timeout-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { DeadlineScheduler, MAX_SHARED_QUEUES } from '../timeout/deadline-scheduler.js';
import { countControllers } from '../wrap/__fixtures__/count-controllers.js';
import { deadline } from './deadline.js';

/** Let the scheduler's open epoch close (≤ 1 ms): after that, no timer is left when nothing is pending. */
const epoch = (clock: FakeClock) => clock.tickAsync(1);

describe('deadline', () => {
  it('aborts its signal with a TimeoutError at the deadline (never early, ≤ 1 ms late), and releases the timer', async () => {
    const clock = new FakeClock();
    const d = deadline(clock, 100);
    await clock.tickAsync(99);
    expect(d.signal.aborted).toBe(false);
    expect(d.remaining()).toBeLessThanOrEqual(2);
    await clock.tickAsync(2);
    expect(d.signal.reason).toBeInstanceOf(TimeoutError);
    expect(d.expired).toBe(true);
    expect(d.remaining()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("aborts with the caller's reason, and leaves no listener on the caller's signal once disposed", async () => {
    const clock = new FakeClock();
    const caller = new AbortController();
    const d = deadline(clock, 1_000, { signal: caller.signal });
    caller.abort(new Error('cancelled'));
    expect((d.signal.reason as Error).message).toBe('cancelled');
    expect(d.expired).toBe(false);
    expect(d.ended).toBe(true);
    const again = deadline(clock, 1_000, { signal: caller.signal });
    expect(again.signal.aborted).toBe(true);
    const live = new AbortController();
    for (let i = 0; i < 1_000; i++) deadline(clock, i + 1, { signal: live.signal }).dispose();
    expect(getEventListeners(live.signal, 'abort')).toHaveLength(0);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
    await epoch(clock);
    expect(clock.pendingTimers).toBe(0);
  });

  it('race() settles with the work, or at the deadline even when the work ignores its signal', async () => {
    const clock = new FakeClock();
    expect(await deadline(clock, 50).race(Promise.resolve(7))).toBe(7);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
    const late = deadline(clock, 50)
      .race(new Promise(() => {}))
      .catch((e: unknown) => e);
    await clock.tickAsync(51);
    expect(await late).toBeInstanceOf(TimeoutError);
    const custom = deadline(clock, 10, { error: () => new Error('too slow') })
      .race(new Promise(() => {}))
      .catch((e: unknown) => e);
    await clock.tickAsync(11);
    expect(((await custom) as Error).message).toBe('too slow');
  });

  it('creates no AbortController unless its signal is read', async () => {
    const clock = new FakeClock();
    const created = await countControllers(async () => {
      for (let i = 0; i < 100; i++) deadline(clock, 1_000).dispose();
    });
    expect(created).toBe(0);
  });

  it('is a foreground wait unless background: a background deadline alone arms a background timer', async () => {
    const clock = new FakeClock();
    const bg = deadline(clock, 100, { background: true });
    expect(clock.pendingTimers).toBe(1);
    expect(clock.pendingForegroundTimers).toBe(0);
    const fg = deadline(clock, 200.5); // a one-off length: the heap
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

  it('fires every deadline never early and at most 1 ms late, for any lengths and disposals (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ms: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.double({ min: 0, max: 500, noNaN: true })), drop: fc.boolean() }), {
          minLength: 1,
          maxLength: 60,
        }),
        async (specs) => {
          const clock = new FakeClock();
          const fired = new Map<number, number>();
          const all = specs.map((s, i) => {
            const d = deadline(clock, s.ms);
            d.signal.addEventListener('abort', () => fired.set(i, clock.now()));
            return d;
          });
          specs.forEach((s, i) => s.drop && all[i]!.dispose());
          await clock.tickAsync(502);
          specs.forEach((s, i) => {
            if (s.drop) expect(fired.has(i)).toBe(false);
            else {
              expect(fired.get(i)).toBeGreaterThanOrEqual(s.ms - 1e-6);
              expect(fired.get(i)).toBeLessThanOrEqual(s.ms + 1 + 1e-6);
            }
          });
          expect(DeadlineScheduler.for(clock).size).toBe(0);
          expect(clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps its queues bounded: past MAX_SHARED_QUEUES lengths, deadlines go to the heap', async () => {
    const clock = new FakeClock();
    const many = Array.from({ length: MAX_SHARED_QUEUES + 50 }, (_, i) => deadline(clock, 10 + i));
    await clock.tickAsync(10 + MAX_SHARED_QUEUES + 51);
    expect(many.every((d) => d.expired)).toBe(true);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
  });
});

describe('deadline.restart', () => {
  it('moves the deadline from now (an idle timeout), and does nothing once it has ended', async () => {
    const clock = new FakeClock();
    for (const ms of [100, 100.25]) {
      const d = deadline(clock, ms);
      await clock.tickAsync(90);
      d.restart();
      await clock.tickAsync(90);
      expect(d.signal.aborted).toBe(false);
      d.restart(20);
      await clock.tickAsync(21);
      expect(d.expired).toBe(true);
      d.restart();
      await epoch(clock);
      expect(clock.pendingTimers).toBe(0);
    }
  });
});
