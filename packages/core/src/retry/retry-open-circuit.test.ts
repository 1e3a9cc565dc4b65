import { describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { CircuitState } from '../breaker/circuit-state.js';
import { classifyError } from '../classify/classify-error.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { wrap } from '../wrap/wrap.js';
import { createRetry, type RetryEvent } from './retry-policy.js';

const http503 = () => Object.assign(new Error('upstream 503'), { status: 503 });

/** A retry of 5 attempts, 1 s apart, around a breaker that opens after one failure for 30 s. */
function setup() {
  const clock = new FakeClock();
  const retry = createRetry({ maxAttempts: 5, strategy: new FixedBackoff({ delayMs: 1_000 }), clock });
  const breaker = new CircuitBreakerPolicy('retry-open-circuit', { failureThreshold: 1, recoveryTimeoutMs: 30_000, clock });
  const retries: RetryEvent[] = [];
  retry.onRetry((e) => retries.push(e));
  let calls = 0;
  const fn = () => {
    calls++;
    return Promise.reject(http503());
  };
  return { clock, breaker, retries, policy: wrap(retry, breaker), fn, calls: () => calls };
}

/** Settles `p` without advancing the fake clock: undefined if it is still waiting on a timer. */
async function settledWithoutTime(p: Promise<unknown>): Promise<{ value: unknown } | undefined> {
  let out: { value: unknown } | undefined;
  p.then(
    (value) => (out = { value }),
    (value: unknown) => (out = { value }),
  );
  await flushMicrotasks();
  return out;
}

describe('retry around an open circuit', () => {
  it('classes BrokenCircuitError as not retryable, provider down, and not permanent (fixed by its constructor)', () => {
    const err = new BrokenCircuitError('x', undefined);
    expect(classifyError(err)).toEqual({ kind: 'transient', providerDown: true, retryable: false });
    expect(Object.isFrozen(err.rampartClassification)).toBe(true);
  });

  it('rejects at once with the BrokenCircuitError after 1 attempt: no retry, no backoff wait', async () => {
    const { clock, breaker, retries, policy, fn, calls } = setup();
    await breaker.execute(fn).catch(() => undefined);
    expect(breaker.state).toBe(CircuitState.Open);
    const before = clock.now();

    const outcome = await settledWithoutTime(policy.execute(fn));
    expect(outcome?.value).toBeInstanceOf(BrokenCircuitError);
    expect(calls()).toBe(1); // only the call that opened the circuit
    expect(retries).toEqual([]);
    expect(clock.now()).toBe(before);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a failing half-open probe reaches the provider once: the re-opened circuit refuses the next attempt and the retry stops', async () => {
    const { clock, breaker, retries, policy, fn, calls } = setup();
    await breaker.execute(fn).catch(() => undefined);
    clock.tick(30_000); // the next call is the half-open probe

    const pending = policy.execute(fn).catch((e: unknown) => e);
    await clock.tickAsync(1_000); // one backoff wait; a transient retry would take 4
    const err = await pending;
    expect(calls()).toBe(2); // the call that opened the circuit, then the probe
    expect(err).toBeInstanceOf(RetryExhaustedError);
    expect((err as RetryExhaustedError).reason).toBe('not_retryable');
    expect((err as RetryExhaustedError).lastError).toBeInstanceOf(BrokenCircuitError);
    expect(retries.map((r) => r.attempt)).toEqual([1]);
    expect(breaker.state).toBe(CircuitState.Open);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a retryOn of your own still decides (here: retry every error)', async () => {
    const { clock, breaker, retries, fn } = setup();
    await breaker.execute(fn).catch(() => undefined);
    const retry = createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 10 }), clock, retryOn: () => true });
    const pending = wrap(retry, breaker).execute(fn).catch((e: unknown) => e);
    await clock.tickAsync(20);
    expect(await pending).toBeInstanceOf(RetryExhaustedError);
    expect(retries).toEqual([]); // the shared setup's retry was not involved
  });
});
