import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { configPath } from './__fixtures__/backoff-fixtures.js';

describe('seededRandom', () => {
  it('yields values in [0, 1), reproducibly, different per seed', () => {
    const a = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const b = seededRandom(42);
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(seededRandom(43)()).not.toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it('rejects a non-finite seed', () => {
    expect(configPath(() => seededRandom(Number.NaN))).toBe('seed');
  });
});
