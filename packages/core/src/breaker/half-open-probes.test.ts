import { describe, expect, it } from 'vitest';
import { HalfOpenProbes } from './half-open-probes.js';

describe('HalfOpenProbes', () => {
  it('admits at most maxCalls probes at once', () => {
    const p = new HalfOpenProbes(2, 1000);
    const a = p.admit(0);
    const b = p.admit(0);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a).not.toBe(b);
    expect(p.admit(10)).toBe(0);
    expect(p.inFlight).toBe(2);
    expect(p.release(a)).toBe(true);
    expect(p.inFlight).toBe(1);
    expect(p.admit(10)).toBeGreaterThan(0);
  });

  it('reclaims the slot of a probe older than timeoutMs, lazily, and ignores its late release', () => {
    const p = new HalfOpenProbes(1, 1000);
    const hung = p.admit(0);
    expect(p.nextReclaimAt()).toBe(1000);
    expect(p.admit(999)).toBe(0);
    const next = p.admit(1000);
    expect(next).toBeGreaterThan(0);
    expect(p.timedOut).toBe(1);
    expect(p.release(hung)).toBe(false);
    expect(p.release(next)).toBe(true);
    expect(p.nextReclaimAt()).toBe(Number.POSITIVE_INFINITY);
  });

  it('never reclaims with an infinite timeout; clear() empties the slots and the success count', () => {
    const p = new HalfOpenProbes(1, Number.POSITIVE_INFINITY);
    p.admit(0);
    expect(p.admit(1e12)).toBe(0);
    p.successes = 3;
    p.clear();
    expect(p.inFlight).toBe(0);
    expect(p.successes).toBe(0);
  });

  it('settle() releases the slot and judges the outcome: failed, recovered after maxCalls successes, or pending', () => {
    const p = new HalfOpenProbes(2, 1000);
    const [a, b, c] = [p.admit(0), p.admit(0), 0];
    expect(p.settle(a, false, true)).toBe('pending'); // an uncounted failure decides nothing
    expect(p.settle(a, true, false)).toBe('reclaimed'); // already released
    expect(p.settle(b, true, false)).toBe('pending');
    expect(p.successes).toBe(1);
    const d = p.admit(0);
    expect(p.settle(d, true, false)).toBe('recovered');
    expect(p.settle(p.admit(0), true, true)).toBe('failed');
    expect(p.settle(c, true, false)).toBe('reclaimed');
  });
});
