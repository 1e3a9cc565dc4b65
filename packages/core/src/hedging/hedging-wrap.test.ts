import { describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { HedgeLostError } from '../errors/hedge-lost-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { PolicyContext } from '../policy/policy.js';
import { createRetry } from '../retry/retry-policy.js';
import { FakeClock } from '../testing/fake-clock.js';
import { createTimeout } from '../timeout/timeout-policy.js';
import { wrap } from '../wrap/wrap.js';
import { createHedging } from './hedging-policy.js';

/** Attempts that never answer on their own, but record their signal. */
function hanging(signals: AbortSignal[], attempts: number[]) {
  return (ctx: PolicyContext) => {
    attempts.push(ctx.attempt);
    signals.push(ctx.signal);
    return new Promise<string>(() => undefined);
  };
}

describe('hedging inside wrap()', () => {
  it('wrap(timeout, hedging): the outer deadline aborts every attempt and cancels pending hedges', async () => {
    const clock = new FakeClock();
    const policy = wrap(createTimeout({ timeoutMs: 25, clock }), createHedging({ delayMs: 10, maxHedgedAttempts: 5, clock }));
    const signals: AbortSignal[] = [];
    const attempts: number[] = [];
    const result = policy.execute(hanging(signals, attempts)).catch((e: unknown) => e);
    await clock.tickAsync(100);
    expect(await result).toBeInstanceOf(TimeoutError);
    expect(attempts).toEqual([1, 2, 3]);
    for (const s of signals) expect(s.reason).toBeInstanceOf(TimeoutError);
    await clock.tickAsync(5);
    expect(clock.pendingTimers).toBe(0);
  });

  it('wrap(hedging, timeout): a timed-out attempt is a handled failure and hedges at once', async () => {
    const clock = new FakeClock();
    const hedging = createHedging({ delayMs: 1_000, clock });
    const policy = wrap(hedging, createTimeout({ timeoutMs: 20, clock }));
    const triggers: string[] = [];
    hedging.onHedge((e) => triggers.push(`${e.attempt}:${e.trigger}@${e.afterMs}`));
    const attempts: number[] = [];
    const result = policy.execute(({ attempt }) => {
      attempts.push(attempt);
      return attempt === 1 ? new Promise<string>(() => undefined) : 'second';
    });
    await clock.tickAsync(30);
    expect(await result).toBe('second');
    expect(attempts).toEqual([1, 2]);
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatch(/^2:error@2\d$/);
  });

  it('wrap(retry, hedging): the innermost function sees the hedge attempt; a lost attempt is not retried', async () => {
    const clock = new FakeClock();
    const policy = wrap(
      createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 1 }), clock }),
      createHedging({ delayMs: 10, clock }),
    );
    const seen: number[] = [];
    const signals: AbortSignal[] = [];
    const resolvers: Array<(v: string) => void> = [];
    const result = policy.execute((ctx) => {
      seen.push(ctx.attempt);
      signals.push(ctx.signal);
      return new Promise<string>((resolve) => resolvers.push(resolve));
    });
    await clock.tickAsync(10);
    resolvers[1]!('hedge');
    expect(await result).toBe('hedge');
    expect(seen).toEqual([1, 2]);
    expect(signals[0]!.reason).toBeInstanceOf(HedgeLostError);
  });

  it('wrap(hedging, retry): a losing attempt stops its inner retry', async () => {
    const clock = new FakeClock();
    const policy = wrap(
      createHedging({ delayMs: 10, clock }),
      createRetry({ maxAttempts: 5, strategy: new FixedBackoff({ delayMs: 8 }), clock }),
    );
    let calls = 0;
    let hedgeStarted = false;
    const result = policy.execute(() => {
      calls++;
      if (clock.now() >= 10 && !hedgeStarted) {
        hedgeStarted = true;
        return 'hedge';
      }
      throw Object.assign(new Error('503'), { status: 503 });
    });
    // attempt 1's retry runs at 0 and 8; the hedge starts at 10 and answers; attempt 1 would retry at 16
    await clock.tickAsync(100);
    expect(await result).toBe('hedge');
    expect(calls).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
