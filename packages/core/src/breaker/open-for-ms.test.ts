import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.js';
import { createCircuitBreaker } from './circuit-breaker-registry.js';

/** A fake clock whose wall time can jump (NTP, a VM resumed) while monotonic time does not. */
class WallJumpClock extends FakeClock {
  jump = 0;
  override wallNow(): number {
    return super.wallNow() + this.jump;
  }
}

describe('CircuitBreakerPolicy.openForMs', () => {
  it('counts down on monotonic time: a wall-clock jump neither shortens nor stretches it', async () => {
    const clock = new WallJumpClock();
    const breaker = createCircuitBreaker('open-for-ms-test', { failureThreshold: 1, recoveryTimeoutMs: 10_000, clock });
    await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
    expect(breaker.openForMs).toBe(10_000);
    clock.jump = 3_600_000; // the wall clock leaps an hour ahead
    await clock.tickAsync(4_000);
    expect(breaker.openForMs).toBe(6_000);
    clock.jump = -3_600_000;
    await clock.tickAsync(6_000);
    expect(breaker.openForMs).toBe(0);
    breaker.isolate();
    expect(breaker.openForMs).toBe(Number.POSITIVE_INFINITY);
    breaker.reset();
  });
});
