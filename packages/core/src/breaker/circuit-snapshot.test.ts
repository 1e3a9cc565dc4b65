import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import type { Breaker } from './breaker.js';
import { CallCounters } from './call-counters.js';
import { restoreCircuitParts, takeCircuitSnapshot, type CircuitParts } from './circuit-snapshot.js';
import { CircuitState } from './circuit-state.js';
import { ConsecutiveBreaker } from './consecutive-breaker.js';
import { SlidingWindowBreaker } from './sliding-window-breaker.js';

const WALL = 1_700_000_000_000;
const parts = (name: string, clock: FakeClock, breaker: Breaker = new ConsecutiveBreaker({ failureThreshold: 3 })): CircuitParts => ({
  name,
  clock,
  counters: new CallCounters(),
  breaker,
});

describe('takeCircuitSnapshot / restoreCircuitParts', () => {
  it('rebases an open circuit onto the restoring clock: epoch halfOpenAt kept, openUntil in its monotonic time', () => {
    const a = parts('svc', new FakeClock({ now: 0, wallNow: WALL }));
    a.counters.record(false, true, false);
    a.breaker.failure(false, 0);
    const snap = takeCircuitSnapshot(a, { state: CircuitState.Open, isolated: false, halfOpenAt: WALL + 30_000, lastTransitionAt: WALL });
    expect(snap).toMatchObject({ version: 1, name: 'svc', state: 'open', halfOpenAt: WALL + 30_000, takenAt: WALL, counters: { calls: 1, failures: 1 } });

    const b = parts('svc', new FakeClock({ now: 500, wallNow: WALL + 10_000 }));
    const restored = restoreCircuitParts(b, JSON.parse(JSON.stringify(snap)));
    expect(restored).toEqual({ state: 'open', isolated: false, halfOpenAt: WALL + 30_000, openUntil: 500 + 20_000, lastTransitionAt: WALL, at: WALL + 10_000 });
    expect(b.counters.toJSON()).toEqual(a.counters.toJSON());
    expect(b.breaker.snapshot(0)).toEqual(a.breaker.snapshot(0));
  });

  it('a closed or isolated circuit carries no halfOpenAt; an isolated one does not wait', () => {
    const clock = new FakeClock({ now: 7, wallNow: WALL });
    const p = parts('svc', clock);
    expect(takeCircuitSnapshot(p, { state: CircuitState.Closed, isolated: false, halfOpenAt: WALL, lastTransitionAt: undefined }).halfOpenAt).toBeUndefined();
    const isolated = takeCircuitSnapshot(p, { state: CircuitState.Open, isolated: true, halfOpenAt: undefined, lastTransitionAt: WALL });
    expect(restoreCircuitParts(parts('svc', clock), isolated)).toMatchObject({ state: 'open', isolated: true, halfOpenAt: undefined, openUntil: 7 });
  });

  it("drops another breaker kind's outcomes (reset) and rejects another circuit's snapshot before loading anything", () => {
    const clock = new FakeClock({ now: 0, wallNow: WALL });
    const window = new SlidingWindowBreaker({ windowSize: 10 });
    window.failure(false, 0);
    const snap = takeCircuitSnapshot(parts('svc', clock, window), { state: CircuitState.Closed, isolated: false, halfOpenAt: undefined, lastTransitionAt: undefined });
    const consecutive: Breaker = new ConsecutiveBreaker({ failureThreshold: 2 });
    consecutive.failure(false, 0);
    restoreCircuitParts(parts('svc', clock, consecutive), snap);
    expect(consecutive.failure(false, 0)).toBe(false); // reset: this is its first failure again

    const other = parts('other', clock);
    expect(() => restoreCircuitParts(other, { ...snap, counters: { ...snap.counters, calls: 0, failures: 0 } })).toThrow(ConfigError);
    expect(() => restoreCircuitParts(other, snap)).toThrow(/belongs to circuit "svc", not "other"/);
    expect(other.counters.calls).toBe(0);
  });
});
