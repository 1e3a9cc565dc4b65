import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExponentialBackoff, type Jitter } from './exponential-backoff.js';
import { seededRandom } from './seeded-random.js';
import { configPath, delays } from './__fixtures__/backoff-fixtures.js';

const delayArb = fc.double({ min: 0, max: 1e6, noNaN: true });
const jitterArb = fc.constantFrom<Jitter>('none', 'full', 'decorrelated');

describe('ExponentialBackoff', () => {
  it('doubles by default without jitter and caps', () => {
    const b = new ExponentialBackoff({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(delays(b, 6, Math.random)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.options).toEqual({ baseDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 'none' });
  });

  it('defaults maxDelayMs from RETRY_MAX_DELAY but never below baseDelayMs', () => {
    expect(new ExponentialBackoff({ baseDelayMs: 2000 }).options.maxDelayMs).toBe(60_000);
    expect(new ExponentialBackoff({ baseDelayMs: 120_000 }).options.maxDelayMs).toBe(120_000);
  });

  it('validates every option', () => {
    expect(configPath(() => new ExponentialBackoff({ baseDelayMs: -1 }))).toBe('ExponentialBackoff.baseDelayMs');
    expect(configPath(() => new ExponentialBackoff({ maxDelayMs: Number.NaN }))).toBe('ExponentialBackoff.maxDelayMs');
    expect(configPath(() => new ExponentialBackoff({ multiplier: 0.5 }))).toBe('ExponentialBackoff.multiplier');
    expect(configPath(() => new ExponentialBackoff({ jitter: 'some' as Jitter }))).toBe('ExponentialBackoff.jitter');
    expect(configPath(() => new ExponentialBackoff({ baseDelayMs: 10, maxDelayMs: 1 }))).toBe(
      'ExponentialBackoff.maxDelayMs',
    );
  });

  it('does not mutate the caller options', () => {
    const opts = { baseDelayMs: 5 };
    const b = new ExponentialBackoff(opts);
    expect(opts).toEqual({ baseDelayMs: 5 });
    expect(Object.isFrozen(b.options)).toBe(true);
  });

  it('handles huge attempts and a zero base without NaN', () => {
    expect(new ExponentialBackoff({ baseDelayMs: 0, maxDelayMs: 10 }).delayMs(5000, { random: Math.random })).toBe(0);
    expect(new ExponentialBackoff({ baseDelayMs: 1, maxDelayMs: 10 }).delayMs(5000, { random: Math.random })).toBe(10);
  });

  it('keeps 0 ≤ delay ≤ maxDelayMs for every jitter (property)', () => {
    fc.assert(
      fc.property(
        delayArb,
        delayArb,
        fc.double({ min: 1, max: 10, noNaN: true }),
        jitterArb,
        fc.integer(),
        fc.integer({ min: 1, max: 80 }),
        (base, extra, multiplier, jitter, seed, n) => {
          const maxDelayMs = base + extra;
          const b = new ExponentialBackoff({ baseDelayMs: base, maxDelayMs, multiplier, jitter });
          for (const d of delays(b, n, seededRandom(seed))) {
            expect(Number.isNaN(d)).toBe(false);
            expect(d).toBeGreaterThanOrEqual(0);
            expect(d).toBeLessThanOrEqual(maxDelayMs);
            if (jitter === 'decorrelated') expect(d).toBeGreaterThanOrEqual(base);
          }
        },
      ),
    );
  });

  it('is monotone non-decreasing without jitter (property)', () => {
    fc.assert(
      fc.property(delayArb, delayArb, fc.double({ min: 1, max: 10, noNaN: true }), fc.integer({ min: 2, max: 80 }), (base, extra, multiplier, n) => {
        const ds = delays(new ExponentialBackoff({ baseDelayMs: base, maxDelayMs: base + extra, multiplier }), n, Math.random);
        for (let i = 1; i < ds.length; i++) expect(ds[i]).toBeGreaterThanOrEqual(ds[i - 1]!);
      }),
    );
  });

  it('is deterministic with a seeded random source (property)', () => {
    fc.assert(
      fc.property(jitterArb, fc.integer(), (jitter, seed) => {
        const b = new ExponentialBackoff({ baseDelayMs: 50, maxDelayMs: 30_000, jitter });
        expect(delays(b, 12, seededRandom(seed))).toEqual(delays(b, 12, seededRandom(seed)));
      }),
    );
  });

  it('full jitter actually varies delays', () => {
    const ds = delays(new ExponentialBackoff({ baseDelayMs: 1000, maxDelayMs: 1000, jitter: 'full' }), 20, seededRandom(7));
    expect(new Set(ds).size).toBeGreaterThan(10);
  });
});
