import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import type { Backoff } from './backoff.js';
import { FixedBackoff } from './fixed-backoff.js';

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
