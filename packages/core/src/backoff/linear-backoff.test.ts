import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import type { Backoff } from './backoff.js';
import { LinearBackoff } from './linear-backoff.js';

/** Delays for retries 1..n, threading previousDelayMs as the retry loop does. */
function delays(backoff: Backoff, n: number, random: () => number): number[] {
  const out: number[] = [];
  let previousDelayMs: number | undefined;
  for (let attempt = 1; attempt <= n; attempt++) {
    const d = backoff.delayMs(attempt, previousDelayMs === undefined ? { random } : { previousDelayMs, random });
    out.push(d);
    previousDelayMs = d;
  }
  return out;
}

function configPath(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.path;
    throw e;
  }
  throw new Error('expected ConfigError');
}


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
