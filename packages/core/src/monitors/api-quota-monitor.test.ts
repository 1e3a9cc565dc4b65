import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { ApiQuotaMonitor, type ApiQuotaReading } from './api-quota-monitor.js';
import { usageToStatus } from './usage-status.js';

const signal = () => new AbortController().signal;
const check = (reading: unknown, thresholds?: { degraded?: number; critical?: number }) =>
  new ApiQuotaMonitor('openai', () => reading as ApiQuotaReading, thresholds && { thresholds }).check(signal());

describe('ApiQuotaMonitor', () => {
  it('computes usage from { remaining, limit }', async () => {
    const m = new ApiQuotaMonitor('openai', () => ({ remaining: 150, limit: 1000 }));
    expect(m.resourceType).toBe(ResourceType.API_QUOTA);
    expect(m.name).toBe('openai');
    expect(await m.check(signal())).toEqual({ status: ResourceStatus.DEGRADED, usage: 85, details: { remaining: 150, limit: 1000 } });
    expect((await check({ remaining: 1000, limit: 1000 })).status).toBe(ResourceStatus.HEALTHY);
    expect(await check({ remaining: 0, limit: 60 })).toMatchObject({ status: ResourceStatus.CRITICAL, usage: 100 });
  });

  it('accepts a usage percentage, and promises of either', async () => {
    expect(await check(96)).toMatchObject({ status: ResourceStatus.CRITICAL, usage: 96 });
    const asyncQuota = new ApiQuotaMonitor('anthropic', async () => ({ remaining: 900, limit: 1000 }));
    expect(await asyncQuota.check(signal())).toMatchObject({ status: ResourceStatus.HEALTHY, usage: 10 });
    expect(await new ApiQuotaMonitor('x', () => Promise.resolve(81)).check(signal())).toMatchObject({ status: ResourceStatus.DEGRADED });
  });

  it('reports an overdrawn percentage as is and caps usage at 100', async () => {
    expect(await check(130)).toEqual({ status: ResourceStatus.CRITICAL, usage: 100, details: { reportedUsage: 130 } });
  });

  it('honours custom thresholds', async () => {
    expect((await check(55, { degraded: 50, critical: 70 })).status).toBe(ResourceStatus.DEGRADED);
    expect((await check(85, { degraded: 90, critical: 99 })).status).toBe(ResourceStatus.HEALTHY);
  });

  it('reports invalid readings as unavailable with a clear error', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [-1, /usage must be a finite percentage/],
      [Number.NaN, /usage must be a finite percentage/],
      [{ remaining: 5, limit: 0 }, /limit must be a finite number > 0, got 0/],
      [{ remaining: -5, limit: 10 }, /remaining must be a finite number ≥ 0, got -5/],
      [{ remaining: Number.NaN, limit: 10 }, /remaining/],
      [{ remaining: 20, limit: 10 }, /must not exceed limit/],
      [{ limit: 10 }, /remaining/],
      ['80', /got string/],
      [null, /got null/],
      [undefined, /got undefined/],
    ];
    for (const [reading, message] of cases) {
      const r = await check(reading);
      expect(r.status).toBe(ResourceStatus.UNAVAILABLE);
      expect(r.usage).toBeUndefined();
      expect(r.details?.error).toMatch(/^invalid quota reading: /);
      expect(r.details?.error).toMatch(message);
    }
  });

  it('reports a throwing callback as unavailable without its message, which may hold a key', async () => {
    const m = new ApiQuotaMonitor('openai', () => {
      throw new TypeError('401 for key sk-live-abc123');
    });
    const r = await m.check(signal());
    expect(r).toEqual({ status: ResourceStatus.UNAVAILABLE, details: { error: 'quota callback failed (TypeError)' } });
  });

  it('passes the signal to the callback and rejects with the abort reason', async () => {
    const ac = new AbortController();
    const reason = new Error('check timed out');
    const m = new ApiQuotaMonitor('openai', (s) =>
      new Promise<ApiQuotaReading>((_, reject) => s.addEventListener('abort', () => reject(s.reason), { once: true })),
    );
    const pending = m.check(ac.signal);
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(m.check(ac.signal)).rejects.toBe(reason);
  });

  it('agrees with usageToStatus for every valid { remaining, limit }', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 0, max: 1, noNaN: true }), async (limit, share) => {
        const remaining = Math.floor(limit * share);
        const r = await check({ remaining, limit });
        expect(r.status).toBe(usageToStatus(((limit - remaining) / limit) * 100));
        expect(r.usage).toBeGreaterThanOrEqual(0);
        expect(r.usage).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('validates its arguments', () => {
    expect(() => new ApiQuotaMonitor('', () => 1)).toThrow(ConfigError);
    expect(() => new ApiQuotaMonitor('x', 'nope' as never)).toThrow(/fn: must be a function/);
    expect(() => new ApiQuotaMonitor('x', () => 1, { thresholds: { degraded: 99, critical: 98 } })).toThrow(/thresholds\.degraded/);
    expect(Object.isFrozen(new ApiQuotaMonitor('x', () => 1).options)).toBe(true);
  });
});
