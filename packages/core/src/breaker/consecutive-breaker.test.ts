import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { ConsecutiveBreaker } from './consecutive-breaker.js';

describe('ConsecutiveBreaker', () => {
  it('opens on the failureThreshold-th failure in a row', () => {
    const b = new ConsecutiveBreaker({ failureThreshold: 3 });
    expect(b.failure()).toBe(false);
    expect(b.failure()).toBe(false);
    expect(b.failure()).toBe(true);
  });

  it('starts counting again after a success or a reset', () => {
    const b = new ConsecutiveBreaker({ failureThreshold: 2 });
    b.failure();
    expect(b.success()).toBe(false);
    expect(b.failure()).toBe(false);
    b.reset();
    expect(b.consecutiveFailures).toBe(0);
    expect(b.failure()).toBe(false);
    expect(b.failure()).toBe(true);
  });

  it('needs no clock and describes itself', () => {
    const b = new ConsecutiveBreaker({ failureThreshold: 4 });
    expect(b.needsClock).toBe(false);
    expect(b.slowCallDurationMs).toBe(Number.POSITIVE_INFINITY);
    expect(b.description).toEqual({ kind: 'consecutive', failureThreshold: 4 });
    expect(Object.isFrozen(b.description)).toBe(true);
  });

  it('round-trips its count through a snapshot and clamps a count saved under a higher threshold', () => {
    const a = new ConsecutiveBreaker({ failureThreshold: 5 });
    a.failure();
    a.failure();
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    const b = new ConsecutiveBreaker({ failureThreshold: 5 });
    expect(b.restore(snap)).toBe(true);
    expect(b.consecutiveFailures).toBe(2);
    const low = new ConsecutiveBreaker({ failureThreshold: 2 });
    expect(low.restore({ kind: 'consecutive', failures: 9 })).toBe(true);
    expect(low.failure()).toBe(true);
    expect(b.restore({ kind: 'count', outcomes: [] })).toBe(false);
    expect(b.restore({ kind: 'consecutive', failures: -1 })).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, '3', undefined])('rejects failureThreshold %s with a ConfigError', (v) => {
    expect(() => new ConsecutiveBreaker({ failureThreshold: v as number })).toThrow(ConfigError);
    try {
      new ConsecutiveBreaker({ failureThreshold: v as number });
    } catch (e) {
      expect((e as ConfigError).path).toBe('ConsecutiveBreaker.failureThreshold');
    }
  });
});
