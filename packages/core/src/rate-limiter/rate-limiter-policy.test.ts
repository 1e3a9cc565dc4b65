import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../classify/classify-error.js';
import { ConfigError } from '../errors/config-error.js';
import { RateLimitedError } from '../errors/rate-limited-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { RateLimiterPolicy } from './rate-limiter-policy.js';
import { configPath } from '../__fixtures__/config-path.js';

function limiter(opts: { tokensPerInterval: number; intervalMs: number; maxWaitMs?: number }, clock = new FakeClock()) {
  return { clock, l: new RateLimiterPolicy('test', { ...opts, clock }) };
}

describe('RateLimiterPolicy', () => {
  it('grants a burst up to capacity, then rejects with a classified RateLimitedError', async () => {
    const { l, clock } = limiter({ tokensPerInterval: 3, intervalMs: 1000 });
    for (let i = 0; i < 3; i++) await expect(l.execute(async () => i)).resolves.toBe(i);
    const e = await l.execute(async () => 'no').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBeCloseTo(1000 / 3);
    expect(classifyError(e)).toEqual({ kind: 'rate_limited', retryAfterMs: (e as RateLimitedError).retryAfterMs });
    clock.tick(334);
    await expect(l.execute(async () => 'again')).resolves.toBe('again');
  });

  it('counts weighted units (LLM tokens)', async () => {
    const { l, clock } = limiter({ tokensPerInterval: 10_000, intervalMs: 60_000 });
    await l.acquire(8000);
    expect(l.available).toBe(2000);
    await expect(l.execute(async () => 1, { weight: 3000 })).rejects.toBeInstanceOf(RateLimitedError);
    clock.tick(6600); // +1100 units
    await expect(l.execute(async () => 1, { weight: 3000 })).resolves.toBe(1);
    expect(l.tryAcquire(1)).toBe(true);
    expect(l.tryAcquire(100)).toBe(false);
  });

  it('waits up to maxWaitMs, in arrival order', async () => {
    const { l, clock } = limiter({ tokensPerInterval: 2, intervalMs: 100, maxWaitMs: 120 });
    const order: string[] = [];
    const run = (name: string) => l.execute(async () => order.push(`${name}@${clock.now()}`));
    await run('a');
    await run('b');
    const c = run('c'); // waits 50 ms
    const d = run('d'); // waits 100 ms
    const e = run('e').catch((err: unknown) => err); // would wait 150 ms > 120: refused
    await clock.tickAsync(100);
    await Promise.all([c, d]);
    expect(order).toEqual(['a@0', 'b@0', 'c@50', 'd@100']);
    expect(await e).toBeInstanceOf(RateLimitedError);
    expect(((await e) as RateLimitedError).retryAfterMs).toBeCloseTo(150);
  });

  it('an aborted wait rejects at once and returns its units', async () => {
    const { l, clock } = limiter({ tokensPerInterval: 1, intervalMs: 100, maxWaitMs: 1000 });
    await l.acquire();
    const controller = new AbortController();
    let outcome: unknown;
    const p = l.acquire(1, controller.signal).catch((e: unknown) => (outcome = e));
    await clock.tickAsync(10);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('stop'));
    await flushMicrotasks();
    await p;
    expect((outcome as Error).message).toBe('stop');
    expect(clock.pendingTimers).toBe(0);
    expect(l.available).toBeCloseTo(0.1);
    await expect(l.acquire(1, AbortSignal.abort(new Error('pre')))).rejects.toThrow('pre');
  });

  it('never grants more than capacity + rate × elapsed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.nat({ max: 50 }), weight: fc.integer({ min: 1, max: 5 }) }), { maxLength: 60 }),
        async (steps) => {
          const { l, clock } = limiter({ tokensPerInterval: 5, intervalMs: 100 });
          let granted = 0;
          for (const s of steps) {
            clock.tick(s.gap);
            if (await l.acquire(s.weight).then(() => true, () => false)) granted += s.weight;
            expect(granted).toBeLessThanOrEqual(5 + (clock.now() * 5) / 100 + 1e-9);
          }
        },
      ),
    );
  });

  it('validates its options and the weight', async () => {
    expect(configPath(() => new RateLimiterPolicy('x', { tokensPerInterval: 0, intervalMs: 1 }))).toBe(
      'rateLimiter("x").tokensPerInterval',
    );
    expect(configPath(() => new RateLimiterPolicy('x', { tokensPerInterval: 1, intervalMs: -1 }))).toBe('rateLimiter("x").intervalMs');
    expect(configPath(() => new RateLimiterPolicy('x', { tokensPerInterval: 1, intervalMs: 1, maxWaitMs: Number.NaN }))).toBe(
      'rateLimiter("x").maxWaitMs',
    );
    expect(configPath(() => new RateLimiterPolicy('', { tokensPerInterval: 1, intervalMs: 1 }))).toBe('rateLimiter.name');
    const { l } = limiter({ tokensPerInterval: 5, intervalMs: 10 });
    await expect(l.acquire(6)).rejects.toBeInstanceOf(ConfigError);
    await expect(l.execute(async () => 1, { weight: -1 })).rejects.toBeInstanceOf(ConfigError);
    expect(Object.isFrozen(l.options)).toBe(true);
    expect(l.options.maxWaitMs).toBe(0);
  });
});
