import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { outcome, transient } from './__fixtures__/calls.js';
import { parseBreakerSnapshot, type BreakerSnapshot } from './breaker-snapshot.js';
import type { CircuitStateChange } from './circuit-breaker-events.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { SlidingWindowBreaker } from './sliding-window-breaker.js';

const WALL = 1_700_000_000_000;

/** A breaker in "another process": its own monotonic clock, the same wall time line. */
function processAt(monotonic: number, wall: number, name = 'svc') {
  const clock = new FakeClock({ now: monotonic, wallNow: wall });
  const breaker = new CircuitBreakerPolicy(name, {
    breaker: new SlidingWindowBreaker({ windowMs: 10_000, minimumCalls: 3, failureRateThreshold: 0.5 }),
    recoveryTimeoutMs: 30_000,
    clock,
  });
  return { clock, breaker };
}

const json = (s: BreakerSnapshot): BreakerSnapshot => JSON.parse(JSON.stringify(s));

describe('snapshot / restore', () => {
  it('round-trips an open circuit through JSON across processes, keeping halfOpenAt in wall time', async () => {
    const a = processAt(0, WALL);
    for (let i = 0; i < 3; i++) await outcome(a.breaker.execute(() => Promise.reject(transient())));
    await outcome(a.breaker.execute(() => 1)); // rejected
    expect(a.breaker.state).toBe('open');
    a.clock.tick(10_000);
    const snap = json(a.breaker.snapshot());
    expect(snap).toMatchObject({ version: 1, name: 'svc', state: 'open', isolated: false, halfOpenAt: WALL + 30_000, takenAt: WALL + 10_000 });

    // Restored 5 s later (wall), in a process whose monotonic clock started elsewhere.
    const b = processAt(777, WALL + 15_000);
    const changes: CircuitStateChange[] = [];
    b.breaker.onStateChange((c) => changes.push(c));
    b.breaker.restore(snap);
    expect(changes).toEqual([{ from: 'closed', to: 'open', at: WALL + 15_000, reason: 'restored' }]);
    expect(b.breaker.halfOpenAt).toBe(WALL + 30_000);
    expect(b.breaker.stats).toEqual(a.breaker.stats);
    b.clock.tick(14_999);
    expect(b.breaker.state).toBe('open');
    b.clock.tick(1);
    expect(b.breaker.state).toBe('half_open');
  });

  it('round-trips a closed circuit with its time window, ageing the buckets by the wall time in between', async () => {
    const a = processAt(0, WALL);
    await outcome(a.breaker.execute(() => Promise.reject(transient())));
    a.clock.tick(5000);
    await outcome(a.breaker.execute(() => Promise.reject(transient())));
    const snap = json(a.breaker.snapshot());
    const b = processAt(0, WALL + 5000 + 6000); // restored 6 s later: the first failure (11 s old) has left the window
    b.breaker.restore(snap);
    await outcome(b.breaker.execute(() => 'ok'));
    expect(b.breaker.state).toBe('closed'); // window: 1 failure, 1 success → 2 calls < minimumCalls
    await outcome(b.breaker.execute(() => Promise.reject(transient())));
    expect(b.breaker.state).toBe('open'); // 2 failures of 3 calls
  });

  it('round-trips isolation and half-open', () => {
    const a = processAt(0, WALL);
    a.breaker.isolate();
    const b = processAt(0, WALL);
    b.breaker.restore(json(a.breaker.snapshot()));
    expect(b.breaker.isolated).toBe(true);
    expect(b.breaker.halfOpenAt).toBeUndefined();
    b.clock.tick(10 ** 9);
    expect(b.breaker.state).toBe('open');

    const c = processAt(0, WALL);
    c.breaker.restore({ ...json(a.breaker.snapshot()), state: 'half_open', isolated: false });
    expect(c.breaker.state).toBe('half_open');
  });

  it('drops window data written by another breaker kind, keeping state and counters', async () => {
    const a = processAt(0, WALL);
    await outcome(a.breaker.execute(() => 1));
    const other = new CircuitBreakerPolicy('svc', { failureThreshold: 2, recoveryTimeoutMs: 1, clock: new FakeClock() });
    other.restore(json(a.breaker.snapshot()));
    expect(other.stats.calls).toBe(1);
    await outcome(other.execute(() => Promise.reject(transient())));
    expect(other.state).toBe('closed');
  });

  it('rejects another circuit\'s snapshot and malformed ones with a ConfigError naming the field', () => {
    const a = processAt(0, WALL);
    const good = json(a.breaker.snapshot());
    const b = processAt(0, WALL, 'other');
    expect(() => b.breaker.restore(good)).toThrow(ConfigError);
    const cases: Array<[unknown, string]> = [
      [null, 'snapshot.'],
      [{ ...good, version: 2 }, 'snapshot.version'],
      [{ ...good, state: 'ajar' }, 'snapshot.state'],
      [{ ...good, state: 'open' }, 'snapshot.halfOpenAt'],
      [{ ...good, isolated: true }, 'snapshot.isolated'],
      [{ ...good, takenAt: 'now' }, 'snapshot.takenAt'],
      [{ ...good, counters: { ...good.counters, calls: 3 } }, 'snapshot.counters.calls'],
      [{ ...good, counters: { ...good.counters, rejections: -1 } }, 'snapshot.counters.rejections'],
      [{ ...good, window: 'x' }, 'snapshot.window'],
    ];
    for (const [value, path] of cases) {
      let error: unknown;
      try {
        parseBreakerSnapshot(value);
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(path);
    }
    expect(parseBreakerSnapshot(good)).toBe(good);
  });
});
