import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { outcome, transient } from './__fixtures__/calls.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';

function breaker() {
  return new CircuitBreakerPolicy('fast', { failureThreshold: 2, recoveryTimeoutMs: 1000, clock: new FakeClock() });
}

describe('CircuitBreakerPolicy hot paths', () => {
  it('settles calls that return plain values, throw synchronously, or return non-native thenables', async () => {
    const b = breaker();
    expect(await b.execute(() => 7)).toBe(7);
    const thenable: PromiseLike<string> = { then: (ok, _err) => Promise.resolve(ok?.('thenable')) as never };
    expect(await b.execute(() => thenable)).toBe('thenable');
    const failing: PromiseLike<string> = { then: (_ok, err) => Promise.resolve(err?.(transient())) as never };
    expect((await outcome(b.execute(() => failing))).ok).toBe(false);
    expect((await outcome(b.execute(() => {
      throw transient();
    }))).ok).toBe(false);
    expect(b.state).toBe('open');
    expect(b.stats).toMatchObject({ calls: 4, successes: 2, failures: 2 });
  });

  it('hands every call without a caller signal the same context; its signal never aborts', async () => {
    const b = breaker();
    const seen: unknown[] = [];
    await b.execute((ctx) => seen.push(ctx));
    await b.execute((ctx) => seen.push(ctx));
    expect(seen[0]).toBe(seen[1]);
    expect((seen[0] as { signal: AbortSignal }).signal.aborted).toBe(false);
  });

  it('returns one shared, already-handled rejected promise per open period', async () => {
    const b = breaker();
    await outcome(b.execute(() => Promise.reject(transient())));
    await outcome(b.execute(() => Promise.reject(transient())));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const p1 = b.execute(() => 1);
      const p2 = b.execute(() => 2);
      expect(p1).toBe(p2);
      // Ignoring a fast-fail does not raise unhandledRejection: it was handled when built.
      await new Promise((resolve) => setImmediate(resolve));
      await flushMicrotasks();
      expect(unhandled).toEqual([]);
      await expect(p1).rejects.toMatchObject({ breaker: 'fast' });
      expect(b.stats.rejections).toBe(2);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
