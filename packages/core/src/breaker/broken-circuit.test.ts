import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { openCircuitError, saturatedCircuitError } from './broken-circuit.js';

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
});
