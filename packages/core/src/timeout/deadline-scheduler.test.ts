import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sleepWith, type Clock, type TimerHandle } from '../clock/clock.js';
import { FakeClock } from '../testing/fake-clock.js';
import { CHECK_EVERY, DeadlineScheduler, RESOLUTION_MS, type DeadlineEntry, type Slot } from './deadline-scheduler.js';

class Entry implements DeadlineEntry {
  _prev: DeadlineEntry | undefined = undefined;
  _next: DeadlineEntry | undefined = undefined;
  _slot: Slot | undefined = undefined;
  firedAt: number | undefined;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly onFire?: () => void,
  ) {}

  onDeadline(): void {
    this.firedAt = this.clock.now();
    this.onFire?.();
  }
}

/**
 * A clock whose time and timers the test drives separately, to model a busy event loop: time
 * passes (`advance`) while due timers wait until `runDue` (the loop getting a turn).
 */
class ManualClock implements Clock {
  time = 0;
  timers = new Map<number, { at: number; fn: () => void }>();
  #id = 0;
  now(): number {
    return this.time;
  }
  wallNow(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.timers.set(++this.#id, { at: this.time + ms, fn });
    return this.#id;
  }
  setBackgroundTimeout(fn: () => void, ms: number): TimerHandle {
    return this.setTimeout(fn, ms);
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
  runDue(): void {
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= this.time).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) return;
      this.timers.delete(due[0]);
      due[1].fn();
    }
  }
}

describe('DeadlineScheduler', () => {
  it('is shared per clock', () => {
    const a = new FakeClock();
    expect(DeadlineScheduler.for(a)).toBe(DeadlineScheduler.for(a));
    expect(DeadlineScheduler.for(a)).not.toBe(DeadlineScheduler.for(new FakeClock()));
    expect(DeadlineScheduler.for(a).queue(10)).toBe(DeadlineScheduler.for(a).queue(10));
  });

  it('expires entries at their deadline and forgets removed ones', () => {
    const clock = new FakeClock();
    const s = DeadlineScheduler.for(clock);
    const q = s.queue(100);
    const a = new Entry('a', clock);
    const b = new Entry('b', clock);
    const c = new Entry('c', clock);
    q.add(a);
    clock.tick(10);
    q.add(b);
    q.add(c);
    expect(s.size).toBe(3);
    s.remove(b);
    s.remove(b);
    expect(s.size).toBe(2);
    clock.tick(89);
    expect(a.firedAt).toBeUndefined();
    clock.tick(1);
    expect(a.firedAt).toBe(100);
    clock.tick(10);
    expect(c.firedAt).toBe(110);
    expect(b.firedAt).toBeUndefined();
    expect(s.size).toBe(0);
    expect(s.timerPending).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps one timer and moves it earlier when a shorter timeout arrives', () => {
    const clock = new FakeClock();
    const s = DeadlineScheduler.for(clock);
    const long = new Entry('long', clock);
    const short = new Entry('short', clock);
    s.queue(1000).add(long);
    clock.tick(5);
    expect(clock.pendingTimers).toBe(1);
    s.queue(20).add(short);
    expect(clock.pendingTimers).toBe(1);
    clock.tick(20);
    expect(short.firedAt).toBe(25);
    clock.tick(975);
    expect(long.firedAt).toBe(1000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('drops an emptied slot at once (memory follows calls in flight)', () => {
    const clock = new FakeClock();
    const s = DeadlineScheduler.for(clock);
    const q = s.queue(60_000);
    for (let ms = 0; ms < 50; ms++) {
      const e = new Entry(`e${ms}`, clock);
      q.add(e);
      clock.tick(1);
      s.remove(e);
    }
    expect(s.size).toBe(0);
    expect(q.head).toBeUndefined();
    clock.tick(RESOLUTION_MS);
    expect(clock.pendingTimers).toBe(0);
  });

  it('expires every due entry even if one throws or schedules more', () => {
    const clock = new FakeClock();
    const s = DeadlineScheduler.for(clock);
    const q = s.queue(10);
    const later = new Entry('later', clock);
    const first = new Entry('first', clock, () => {
      throw new Error('listener bug');
    });
    const second = new Entry('second', clock, () => q.add(later));
    q.add(first);
    q.add(second);
    clock.tick(10);
    expect(first.firedAt).toBe(10);
    expect(second.firedAt).toBe(10);
    expect(s.size).toBe(1);
    clock.tick(10);
    expect(later.firedAt).toBe(20);
  });

  it('never fires early, and is late only by the resolution plus loop delay (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.double({ min: 0, max: 3, noNaN: true }),
            timeoutMs: fc.constantFrom(1, 4, 25),
            runLoop: fc.boolean(),
            removeAfter: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        (steps) => {
          const clock = new ManualClock();
          const s = DeadlineScheduler.for(clock);
          const added: Array<{ entry: Entry; at: number; timeoutMs: number; loopFreeAt: number }> = [];
          let loopFreeAt = 0;
          steps.forEach((step, i) => {
            clock.time += step.gap;
            if (step.runLoop) {
              clock.runDue();
              loopFreeAt = clock.time;
            }
            const entry = new Entry(String(i), clock);
            s.queue(step.timeoutMs).add(entry);
            added.push({ entry, at: clock.time, timeoutMs: step.timeoutMs, loopFreeAt });
            if (step.removeAfter !== undefined && added.length > step.removeAfter) {
              s.remove(added[added.length - 1 - step.removeAfter]!.entry);
            }
          });
          for (let i = 0; i < 100; i++) {
            clock.time += 1;
            clock.runDue();
          }
          for (const a of added) {
            if (a.entry.firedAt === undefined) continue;
            expect(a.entry.firedAt).toBeGreaterThanOrEqual(a.at + a.timeoutMs - 1e-6);
          }
          expect(s.size).toBe(0);
          expect(clock.timers.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bounds lateness by a clock read every CHECK_EVERY calls while the loop is busy', () => {
    const clock = new ManualClock();
    const s = DeadlineScheduler.for(clock);
    const q = s.queue(100);
    const entries: Array<{ e: Entry; at: number }> = [];
    const step = 40 / (4 * CHECK_EVERY);
    // the loop gets no turn while 4 * CHECK_EVERY calls arrive over 40 ms (all due after 100 ms)
    for (let i = 0; i < 4 * CHECK_EVERY; i++) {
      const e = new Entry(String(i), clock);
      q.add(e);
      entries.push({ e, at: clock.time });
      clock.time += step;
    }
    // then the loop is free: timers run every 0.25 ms
    for (let i = 0; i < 600; i++) {
      clock.time += 0.25;
      clock.runDue();
    }
    for (const { e, at } of entries) {
      expect(e.firedAt).toBeGreaterThanOrEqual(at + 100);
      expect(e.firedAt! - (at + 100)).toBeLessThanOrEqual(step * CHECK_EVERY + RESOLUTION_MS + 0.25);
    }
  });
});
