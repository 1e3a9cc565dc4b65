import { ResourceStatus, STATUS_SEVERITY } from '@rampart/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POSTGRES_THRESHOLDS as T, evaluatePostgres, poolSaturation, type PoolCounters, type PostgresSample } from './postgres-health.js';

type Flat = { latencyMs: number; connectionErrors: number } & PoolCounters;
const sample = (s: Partial<Flat> = {}): PostgresSample => {
  const f: Flat = { latencyMs: 3, total: 2, idle: 2, waiting: 0, max: 10, connectionErrors: 0, ...s };
  return { latencyMs: f.latencyMs, connectionErrors: f.connectionErrors, pool: { total: f.total, idle: f.idle, waiting: f.waiting, max: f.max } };
};

describe('evaluatePostgres', () => {
  it('a fast, idle pool is healthy', () => {
    expect(evaluatePostgres(sample(), T)).toEqual({ status: ResourceStatus.HEALTHY, usage: 0, reasons: [] });
  });

  it.each<[Partial<Flat>, ResourceStatus, string]>([
    [{ latencyMs: 250 }, ResourceStatus.DEGRADED, 'health query took 250 ms'],
    [{ latencyMs: 1500 }, ResourceStatus.CRITICAL, 'health query took 1500 ms'],
    [{ total: 10, idle: 2 }, ResourceStatus.DEGRADED, 'pool 80% in use'],
    [{ total: 10, idle: 0 }, ResourceStatus.CRITICAL, 'pool 100% in use'],
    [{ waiting: 1 }, ResourceStatus.DEGRADED, '1 caller(s) waiting for a connection'],
    [{ waiting: 12 }, ResourceStatus.CRITICAL, '12 caller(s) waiting for a connection'],
    [{ connectionErrors: 3 }, ResourceStatus.DEGRADED, '3 connection error(s) since the last check'],
  ])('%j is %s', (s, status, reason) => {
    const r = evaluatePostgres(sample(s), T);
    expect(r.status).toBe(status);
    expect(r.reasons).toEqual([reason]);
  });

  it('without a watched pool only latency and connection errors count', () => {
    expect(evaluatePostgres({ latencyMs: 2, connectionErrors: 0 }, T)).toEqual({ status: ResourceStatus.HEALTHY, usage: undefined, reasons: [] });
  });

  it('saturation is busy connections over max, capped at 100', () => {
    expect(poolSaturation({ total: 5, idle: 1, max: 8 })).toBe(50);
    expect(poolSaturation({ total: 12, idle: 0, max: 10 })).toBe(100);
    expect(poolSaturation({ total: 0, idle: 0, max: 0 })).toBe(0);
  });

  it('a slower answer never improves the status (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5000, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return STATUS_SEVERITY[evaluatePostgres(sample({ latencyMs: hi }), T).status] >= STATUS_SEVERITY[evaluatePostgres(sample({ latencyMs: lo }), T).status];
      }),
    );
  });
});
