import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { openCircuitError, saturatedCircuitError, saturatedProbesError } from './broken-circuit.js';
import { HalfOpenProbes } from './half-open-probes.js';

describe('broken-circuit errors', () => {
  it('open: names the circuit and its half-open time; isolated: no time; no stack either way', () => {
    const open = openCircuitError('db', false, 123);
    expect(open).toBeInstanceOf(BrokenCircuitError);
    expect([open.breaker, open.halfOpenAt, open.message]).toEqual(['db', 123, 'Circuit "db" is open']);
    const isolated = openCircuitError('db', true, 123);
    expect([isolated.halfOpenAt, isolated.message]).toEqual([undefined, 'Circuit "db" is isolated']);
    for (const e of [open, isolated]) expect(e.stack?.split('\n')).toHaveLength(1);
  });

  it('saturated half-open: says so, with the slot hint', () => {
    const e = saturatedCircuitError('api', 2, 999);
    expect([e.breaker, e.halfOpenAt]).toEqual(['api', 999]);
    expect(e.message).toBe('Circuit "api" is half-open and its 2 probe slot(s) are taken');
    expect(e.stack?.split('\n')).toHaveLength(1);
  });

  it('saturated probes: the hint is the wall time at which the oldest slot can be reclaimed, none without a timeout', () => {
    const clock = new FakeClock({ now: 100, wallNow: 5_000 });
    const probes = new HalfOpenProbes(1, 1000);
    probes.admit(40);
    clock.tick(10);
    expect(saturatedProbesError('api', probes, clock).halfOpenAt).toBe(5_000 + 10 + (1040 - 110));
    const forever = new HalfOpenProbes(1, Number.POSITIVE_INFINITY);
    forever.admit(0);
    expect(saturatedProbesError('api', forever, clock).halfOpenAt).toBeUndefined();
  });
});
