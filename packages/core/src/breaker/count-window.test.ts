import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountWindow } from './count-window.js';

describe('CountWindow', () => {
  it('keeps running totals of the last `size` outcomes (matches a naive list)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.tuple(fc.boolean(), fc.boolean()), { maxLength: 60, size: 'max' }), (size, outcomes) => {
        const w = new CountWindow(size);
        const model: Array<[boolean, boolean]> = [];
        for (const [failure, slow] of outcomes) {
          w.record(failure, slow);
          model.push([failure, slow]);
          const last = model.slice(-size);
          expect(w.total).toBe(last.length);
          expect(w.failures).toBe(last.filter(([f]) => f).length);
          expect(w.slow).toBe(last.filter(([, s]) => s).length);
        }
      }),
    );
  });

  it('snapshots oldest first and restores into a window of another size keeping the newest', () => {
    const w = new CountWindow(3);
    for (const f of [true, false, true, true]) w.record(f, false);
    const snap = JSON.parse(JSON.stringify(w.snapshot()));
    expect(snap).toEqual({ kind: 'count', outcomes: [0, 1, 1] });
    const small = new CountWindow(2);
    expect(small.restore(snap)).toBe(true);
    expect([small.total, small.failures]).toEqual([2, 2]);
    expect(small.restore({ kind: 'count', outcomes: [7] })).toBe(false);
    expect(small.restore({ kind: 'time', buckets: [] })).toBe(false);
    small.reset();
    expect([small.total, small.failures, small.slow]).toEqual([0, 0, 0]);
  });
});
