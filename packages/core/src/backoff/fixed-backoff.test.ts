import { describe, expect, it } from 'vitest';
import { FixedBackoff } from './fixed-backoff.js';
import { configPath, delays } from './__fixtures__/backoff-fixtures.js';

describe('FixedBackoff', () => {
  it('returns the same delay every time', () => {
    const b = new FixedBackoff({ delayMs: 250 });
    expect(delays(b, 4, Math.random)).toEqual([250, 250, 250, 250]);
    expect(Object.isFrozen(b.options)).toBe(true);
  });

  it('defaults to RETRY_BASE_DELAY and validates', () => {
    expect(new FixedBackoff().delayMs()).toBe(1000);
    expect(configPath(() => new FixedBackoff({ delayMs: -1 }))).toBe('FixedBackoff.delayMs');
    expect(configPath(() => new FixedBackoff({ delayMs: Number.NaN }))).toBe('FixedBackoff.delayMs');
  });
});
