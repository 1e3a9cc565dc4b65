import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { DEFAULT_USAGE_THRESHOLDS } from '../resource/monitor.js';
import { ResourceStatus, STATUS_SEVERITY } from '../resource/resource-types.js';
import { resolveUsageThresholds, usageToStatus } from './usage-status.js';

describe('usageToStatus', () => {
  it('uses the defaults: degraded at 80, critical at 95 (inclusive)', () => {
    expect(usageToStatus(0)).toBe(ResourceStatus.HEALTHY);
    expect(usageToStatus(79.99)).toBe(ResourceStatus.HEALTHY);
    expect(usageToStatus(80)).toBe(ResourceStatus.DEGRADED);
    expect(usageToStatus(94.9)).toBe(ResourceStatus.DEGRADED);
    expect(usageToStatus(95)).toBe(ResourceStatus.CRITICAL);
    expect(usageToStatus(120)).toBe(ResourceStatus.CRITICAL);
  });

  it('honours custom thresholds', () => {
    const t = { degraded: 50, critical: 60 };
    expect(usageToStatus(49, t)).toBe(ResourceStatus.HEALTHY);
    expect(usageToStatus(55, t)).toBe(ResourceStatus.DEGRADED);
    expect(usageToStatus(60, t)).toBe(ResourceStatus.CRITICAL);
  });

  it('maps a missing reading (NaN, Infinity) to unavailable', () => {
    expect(usageToStatus(Number.NaN)).toBe(ResourceStatus.UNAVAILABLE);
    expect(usageToStatus(Number.POSITIVE_INFINITY)).toBe(ResourceStatus.UNAVAILABLE);
  });

  it('is monotonic in usage for any valid thresholds', () => {
    const thresholds = fc
      .tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({ degraded: Math.min(a, b), critical: Math.max(a, b) }));
    fc.assert(
      fc.property(thresholds, fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (t, u1, u2) => {
        const [lo, hi] = u1 <= u2 ? [u1, u2] : [u2, u1];
        expect(STATUS_SEVERITY[usageToStatus(lo, t)]).toBeLessThanOrEqual(STATUS_SEVERITY[usageToStatus(hi, t)]);
      }),
    );
  });
});

describe('resolveUsageThresholds', () => {
  it('returns the defaults when nothing is given, and fills what is missing', () => {
    expect(resolveUsageThresholds(undefined)).toBe(DEFAULT_USAGE_THRESHOLDS);
    expect(resolveUsageThresholds({ degraded: 70 })).toEqual({ degraded: 70, critical: 95 });
    expect(resolveUsageThresholds({ critical: 99 })).toEqual({ degraded: 80, critical: 99 });
  });

  it('returns a new frozen object and leaves the caller object alone', () => {
    const given = { degraded: 60 };
    const resolved = resolveUsageThresholds(given);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(given).toEqual({ degraded: 60 });
  });

  it('rejects degraded at or above critical, naming the path', () => {
    const err = (() => {
      try {
        resolveUsageThresholds({ degraded: 97 }, 'memory.thresholds');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('memory.thresholds.degraded');
    expect((err as ConfigError).value).toBe(97);
    expect((err as ConfigError).message).toContain('memory.thresholds.critical (95)');
    expect(() => resolveUsageThresholds({ degraded: 90, critical: 90 })).toThrow(ConfigError);
  });

  it('rejects values outside 0–100 and non-numbers', () => {
    expect(() => resolveUsageThresholds({ critical: 101 })).toThrow(/thresholds\.critical: must be between 0 and 100/);
    expect(() => resolveUsageThresholds({ degraded: -1 })).toThrow(/thresholds\.degraded/);
    expect(() => resolveUsageThresholds({ degraded: Number.NaN })).toThrow(/thresholds\.degraded: must be a finite number/);
    expect(() => resolveUsageThresholds({ degraded: '80' as unknown as number })).toThrow(ConfigError);
    expect(() => resolveUsageThresholds(5 as unknown as { degraded: number })).toThrow(/thresholds: must be an object/);
  });
});
