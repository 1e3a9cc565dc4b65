import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearBackoff } from './linear-backoff.js';
import { configPath, delays } from './__fixtures__/backoff-fixtures.js';

const delayArb = fc.double({ min: 0, max: 1e6, noNaN: true });

describe('LinearBackoff', () => {
  it('grows by stepMs and caps at maxDelayMs', () => {
    const b = new LinearBackoff({ baseDelayMs: 100, stepMs: 50, maxDelayMs: 220 });
    expect(delays(b, 5, Math.random)).toEqual([100, 150, 200, 220, 220]);
  });

  it('defaults stepMs to baseDelayMs and validates', () => {
    expect(delays(new LinearBackoff({ baseDelayMs: 10 }), 3, Math.random)).toEqual([10, 20, 30]);
    expect(configPath(() => new LinearBackoff({ stepMs: -5 }))).toBe('LinearBackoff.stepMs');
    expect(configPath(() => new LinearBackoff({ baseDelayMs: 10, maxDelayMs: 5 }))).toBe('LinearBackoff.maxDelayMs');
  });

  it('keeps 0 ≤ delay ≤ maxDelayMs and is non-decreasing (property)', () => {
    fc.assert(
      fc.property(delayArb, delayArb, delayArb, fc.integer({ min: 1, max: 60 }), (base, step, extra, n) => {
        const b = new LinearBackoff({ baseDelayMs: base, stepMs: step, maxDelayMs: base + extra });
        const ds = delays(b, n, Math.random);
        ds.forEach((d, i) => {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(base + extra);
          if (i > 0) expect(d).toBeGreaterThanOrEqual(ds[i - 1]!);
        });
      }),
    );
  });
});
