import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { PolicyContext } from '../policy/policy.js';
import { createRetry } from '../retry/retry-policy.js';
import { countingSignal } from '../testing/counting-signal.js';
import { FakeClock } from '../testing/fake-clock.js';
import { DeadlineScheduler, RESOLUTION_MS } from '../timeout/deadline-scheduler.js';
import { createTimeout } from '../timeout/timeout-policy.js';
import { wrap } from './wrap.js';


const transient = () => Object.assign(new Error('flaky'), { status: 503 });

describe('no leaks after thousands of calls through retry + timeout', () => {
  it.each([
    ['wrap(retry, timeout)', (clock: FakeClock) => wrap(retryOf(clock), createTimeout({ timeoutMs: 50, clock }))],
    [
      'wrap(retry, breaker, timeout), fused',
      (clock: FakeClock) =>
        wrap(retryOf(clock), new CircuitBreakerPolicy('leak', { failureThreshold: 1000, clock }), createTimeout({ timeoutMs: 50, clock })),
    ],
    ['wrap(timeout, retry)', (clock: FakeClock) => wrap(createTimeout({ timeoutMs: 500, clock }), retryOf(clock))],
    [
      'retry(timeout) by hand',
      (clock: FakeClock) => {
        const retry = retryOf(clock);
        const timeout = createTimeout({ timeoutMs: 50, clock });
        return {
          execute: <T>(fn: (ctx: PolicyContext) => Promise<T>, o?: { signal?: AbortSignal }) =>
            retry.execute((ctx) => timeout.execute(fn, ctx), o),
        };
      },
    ],
  ])('%s', async (_name, build) => {
    const clock = new FakeClock();
    const policy = build(clock);
    const { signal, counts } = countingSignal();
    let ok = 0;
    let failed = 0;
    const tries = new Map<number, number>();
    // per call: succeed, fail once, hang past the deadline once, or read ctx.signal and finish late
    const work = (i: number) => async (ctx: PolicyContext) => {
      const n = (tries.get(i) ?? 0) + 1;
      tries.set(i, n);
      switch (i % 4) {
        case 0:
          return i;
        case 1:
          if (n === 1) throw transient();
          return i;
        case 2:
          if (n === 1) return new Promise<number>(() => undefined);
          return i;
        default:
          return new Promise<number>((resolve, reject) => {
            const t = clock.setTimeout(() => resolve(i), 2);
            ctx.signal.addEventListener('abort', () => {
              clock.clearTimeout(t);
              reject(ctx.signal.reason);
            });
          });
      }
    };
    for (let batch = 0; batch < 30; batch++) {
      const calls = Array.from({ length: 100 }, (_, k) =>
        policy.execute(work(batch * 100 + k), { signal }).then(
          () => ok++,
          (e: unknown) => {
            expect(e).toBeInstanceOf(TimeoutError);
            failed++;
          },
        ),
      );
      await clock.tickAsync(1000);
      await Promise.all(calls);
    }
    expect(ok + failed).toBe(3000);
    expect(ok).toBeGreaterThan(2000);
    expect(counts.added).toBeGreaterThan(0);
    expect(counts.added).toBe(counts.removed);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
    await clock.tickAsync(RESOLUTION_MS);
    expect(clock.pendingTimers).toBe(0);
    expect(DeadlineScheduler.for(clock).timerPending).toBe(false);
  });
});

function retryOf(clock: FakeClock) {
  return createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 5 }), clock });
}
