import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeWindow } from './time-window.js';

describe('TimeWindow', () => {
  it('counts exactly the calls of the buckets still in the window (matches a naive list)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 700 }), fc.boolean(), fc.boolean()), { maxLength: 50, size: 'max' }),
        (buckets, steps) => {
          const windowMs = 600;
          const bucketMs = windowMs / buckets;
          const w = new TimeWindow(windowMs, buckets);
          const model: Array<{ epoch: number; failure: boolean; slow: boolean }> = [];
          let now = 0;
          for (const [dt, failure, slow] of steps) {
            now += dt;
            w.record(failure, slow, now);
            const epoch = Math.floor(now / bucketMs);
            model.push({ epoch, failure, slow });
            const live = model.filter((m) => m.epoch > epoch - buckets);
            expect(w.total).toBe(live.length);
            expect(w.failures).toBe(live.filter((m) => m.failure).length);
            expect(w.slow).toBe(live.filter((m) => m.slow).length);
          }
        },
      ),
    );
  });

  it('forgets everything after a full window of silence', () => {
    const w = new TimeWindow(1000, 10);
    w.record(true, true, 0);
    w.record(true, false, 950);
    expect(w.total).toBe(2);
    w.record(false, false, 1000); // bucket 0 (0–99 ms) has left the window
    expect([w.total, w.failures, w.slow]).toEqual([2, 1, 0]);
    w.record(false, false, 5000);
    expect([w.total, w.failures]).toEqual([1, 0]);
  });

  it('restores buckets relative to the time the snapshot was taken', () => {
    const a = new TimeWindow(1000, 10);
    a.record(true, false, 100);
    a.record(true, false, 450);
    const snap = JSON.parse(JSON.stringify(a.snapshot(500)));
    const b = new TimeWindow(1000, 10);
    // In the new process the snapshot moment maps to monotonic 20_000.
    expect(b.restore(snap, 20_000)).toBe(true);
    expect([b.total, b.failures]).toEqual([2, 2]);
    b.record(false, false, 20_600); // the call from t=100 (age 4 buckets at the snapshot) is now > 1 s old
    expect([b.total, b.failures]).toEqual([2, 1]);
    expect(new TimeWindow(1000, 5).restore(snap, 0)).toBe(false); // other bucket size
    expect(b.restore({ kind: 'time', bucketMs: 100, buckets: [[1, 2, 0]] }, 0)).toBe(false);
  });
});
