import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HedgingExhaustedError } from '../errors/hedging-exhausted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import { countingSignal } from '../testing/counting-signal.js';
import { FakeClock } from '../testing/fake-clock.js';
import { DeadlineScheduler, RESOLUTION_MS } from '../timeout/deadline-scheduler.js';
import { createTimeout } from '../timeout/timeout-policy.js';
import { wrap } from '../wrap/wrap.js';
import { createHedging } from './hedging-policy.js';


const transient = () => Object.assign(new Error('overloaded'), { status: 529 });

describe('hedging leaves no listener and no timer after thousands of calls', () => {
  it.each([
    ['hedging alone', (clock: FakeClock) => createHedging({ delayMs: 5, maxHedgedAttempts: 2, clock })],
    [
      'wrap(timeout, hedging)',
      (clock: FakeClock) => wrap(createTimeout({ timeoutMs: 40, clock }), createHedging({ delayMs: 5, maxHedgedAttempts: 2, clock })),
    ],
    [
      'wrap(hedging, timeout)',
      (clock: FakeClock) => wrap(createHedging({ delayMs: 5, maxHedgedAttempts: 2, clock }), createTimeout({ timeoutMs: 40, clock })),
    ],
  ])('%s', async (_name, build: (clock: FakeClock) => Policy) => {
    const clock = new FakeClock();
    const policy = build(clock);
    const { signal, counts } = countingSignal();
    let ok = 0;
    let failed = 0;
    // per call: answer at once, fail once then answer, be slow once (hedged), or fail every time;
    // slow attempts honour their signal, so the losers stop
    const work = (i: number) => (ctx: PolicyContext) => {
      switch (i % 5) {
        case 0:
          return Promise.resolve(i);
        case 1:
          if (ctx.attempt === 1) return Promise.reject(transient());
          return Promise.resolve(i);
        case 2:
        case 3:
          return new Promise<number>((resolve, reject) => {
            const t = clock.setTimeout(() => resolve(i), ctx.attempt === 1 ? 1_000 : 2);
            ctx.signal.addEventListener('abort', () => {
              clock.clearTimeout(t);
              reject(ctx.signal.reason);
            });
          });
        default:
          return Promise.reject(transient());
      }
    };
    for (let batch = 0; batch < 30; batch++) {
      const calls = Array.from({ length: 100 }, (_, k) =>
        policy.execute(work(batch * 100 + k), { signal }).then(
          () => ok++,
          (e: unknown) => {
            expect(e instanceof HedgingExhaustedError || e instanceof TimeoutError).toBe(true);
            failed++;
          },
        ),
      );
      await clock.tickAsync(2_000);
      await Promise.all(calls);
    }
    expect(ok + failed).toBe(3000);
    expect(ok).toBe(2400);
    expect(counts.added).toBeGreaterThan(0);
    expect(counts.added).toBe(counts.removed);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await clock.tickAsync(RESOLUTION_MS);
    expect(clock.pendingTimers).toBe(0);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
  });
});
