import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';

describe('CircuitBreakerPolicy.trip()', () => {
  it('opens now for the recovery timeout, then half-opens and closes on a good probe', async () => {
    const clock = new FakeClock();
    const b = new CircuitBreakerPolicy('trip', { failureThreshold: 5, recoveryTimeoutMs: 1_000, clock });
    const reasons: string[] = [];
    b.onStateChange((c) => reasons.push(`${c.to}:${c.reason}`));
    b.trip();
    expect(b.state).toBe('open');
    expect(b.halfOpenAt).toBe(clock.wallNow() + 1_000);
    await expect(b.execute(async () => 1)).rejects.toBeInstanceOf(BrokenCircuitError);
    b.trip(); // no-op while open
    clock.tick(1_000);
    expect(await b.execute(async () => 2)).toBe(2);
    expect(b.state).toBe('closed');
    expect(reasons).toEqual(['open:tripped', 'half_open:recovery_timeout', 'closed:probe_succeeded']);
  });

  it('does not end an isolation', () => {
    const b = new CircuitBreakerPolicy('trip-isolated', { clock: new FakeClock() });
    b.isolate();
    b.trip();
    expect(b.isolated).toBe(true);
    expect(b.halfOpenAt).toBeUndefined();
  });
});
