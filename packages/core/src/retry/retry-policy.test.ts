import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backoff } from '../backoff/backoff.js';
import { ExponentialBackoff } from '../backoff/exponential-backoff.js';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { seededRandom } from '../backoff/seeded-random.js';
import { ConfigError } from '../errors/config-error.js';
import { RateLimitedError } from '../errors/rate-limited-error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { createRetry, type GiveUpEvent, type RetryEvent } from './retry-policy.js';
import { configPath } from '../__fixtures__/config-path.js';

const transient = (msg = 'flaky') => Object.assign(new Error(msg), { status: 503 });
const permanent = (msg = 'bad request') => Object.assign(new Error(msg), { status: 400 });

/** A function failing with the given errors, then returning 'ok'; records ctx.attempt and time. */
function failing(errors: unknown[], clock: FakeClock) {
  const calls: Array<{ attempt: number; at: number }> = [];
  const fn = vi.fn(async (ctx: { attempt: number }) => {
    calls.push({ attempt: ctx.attempt, at: clock.now() });
    const e = errors.shift();
    if (e !== undefined) throw e;
    return 'ok';
  });
  return { fn, calls };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createRetry', () => {
  it('returns at once on success, with attempt 1', async () => {
    const clock = new FakeClock();
    const { fn, calls } = failing([], clock);
    await expect(createRetry({ clock }).execute(fn)).resolves.toBe('ok');
    expect(calls).toEqual([{ attempt: 1, at: 0 }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries transient errors after the strategy delays, firing onRetry', async () => {
    const clock = new FakeClock();
    const retry = createRetry({ maxAttempts: 4, strategy: new ExponentialBackoff({ baseDelayMs: 100, maxDelayMs: 1000 }), clock });
    const events: RetryEvent[] = [];
    retry.onRetry((e) => events.push(e));
    const errors = [transient('a'), transient('b')];
    const { fn, calls } = failing([...errors], clock);
    const p = retry.execute(fn);
    await clock.tickAsync(99);
    expect(calls).toHaveLength(1);
    await clock.tickAsync(1);
    expect(calls).toHaveLength(2);
    await clock.tickAsync(200);
    await expect(p).resolves.toBe('ok');
    expect(calls).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 100 },
      { attempt: 3, at: 300 },
    ]);
    expect(events).toEqual([
      { attempt: 1, error: errors[0], delayMs: 100 },
      { attempt: 2, error: errors[1], delayMs: 200 },
    ]);
  });

  it('throws RetryExhaustedError with every attempt error when attempts run out', async () => {
    const clock = new FakeClock();
    const retry = createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 10 }), clock });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const errors = [transient('1'), transient('2'), transient('3'), transient('4')];
    const { fn } = failing([...errors], clock);
    const p = retry.execute(fn).catch((e: unknown) => e);
    await clock.tickAsync(100);
    const e = (await p) as RetryExhaustedError;
    expect(e).toBeInstanceOf(RetryExhaustedError);
    expect(e.errors).toEqual(errors.slice(0, 3));
    expect(e.cause).toBe(errors[2]);
    expect(e.reason).toBe('max_attempts');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(giveUps).toEqual([{ attempts: 3, error: errors[2], reason: 'max_attempts' }]);
  });

  it('does not retry a permanent error: rethrows it as is on the first attempt', async () => {
    const clock = new FakeClock();
    const retry = createRetry({ clock });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const err = permanent();
    const { fn } = failing([err], clock);
    await expect(retry.execute(fn)).rejects.toBe(err);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(giveUps).toEqual([{ attempts: 1, error: err, reason: 'not_retryable' }]);
    await expect(createRetry({ clock }).execute(() => Promise.reject(new TypeError('bug')))).rejects.toBeInstanceOf(TypeError);
  });

  it('wraps a permanent error that follows retries in RetryExhaustedError (not_retryable)', async () => {
    const clock = new FakeClock();
    const retry = createRetry({ maxAttempts: 5, strategy: new FixedBackoff({ delayMs: 1 }), clock });
    const errors = [transient(), permanent()];
    const { fn } = failing([...errors], clock);
    const p = retry.execute(fn).catch((e: unknown) => e);
    await clock.tickAsync(10);
    const e = (await p) as RetryExhaustedError;
    expect(e.reason).toBe('not_retryable');
    expect(e.errors).toEqual(errors);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('retryOn: a predicate or error classes decide instead of the classification', async () => {
    const clock = new FakeClock();
    class Flaky extends Error {}
    const byClass = createRetry({ retryOn: [Flaky], strategy: new FixedBackoff({ delayMs: 0 }), clock });
    const a = failing([new Flaky('x')], clock);
    await expect(byClass.execute(a.fn)).resolves.toBe('ok');
    const t = transient();
    await expect(byClass.execute(failing([t], clock).fn)).rejects.toBe(t);
    const seen: Array<[unknown, number]> = [];
    const byPredicate = createRetry({
      maxAttempts: 5,
      strategy: new FixedBackoff({ delayMs: 0 }),
      retryOn: (error, attempt) => {
        seen.push([error, attempt]);
        return attempt < 2;
      },
      clock,
    });
    const p = permanent();
    const b = failing([p, p, p], clock);
    const out = await byPredicate.execute(b.fn).catch((e: unknown) => e);
    expect(out).toBeInstanceOf(RetryExhaustedError);
    expect(seen.map(([, n]) => n)).toEqual([1, 2]);
  });

  it('waits for a larger retry-after, bounded by maxRetryAfterMs; a smaller one does not shorten', async () => {
    const clock = new FakeClock();
    const retry = createRetry({ maxAttempts: 4, strategy: new FixedBackoff({ delayMs: 100 }), maxRetryAfterMs: 5000, clock });
    const delays: number[] = [];
    retry.onRetry((e) => delays.push(e.delayMs));
    const errors = [
      new RateLimitedError('llm', 2000),
      Object.assign(new Error('429'), { status: 429, headers: { 'retry-after': '60' } }),
      Object.assign(new Error('429'), { status: 429, headers: { 'retry-after-ms': '5' } }),
    ];
    const { fn, calls } = failing(errors, clock);
    const p = retry.execute(fn);
    await clock.tickAsync(10_000);
    await expect(p).resolves.toBe('ok');
    expect(delays).toEqual([2000, 5000, 100]);
    expect(calls.map((c) => c.at)).toEqual([0, 2000, 7000, 7100]);
  });

  it('stops waiting at once when the signal aborts, releasing timer and listener', async () => {
    const clock = new FakeClock();
    const retry = createRetry({ maxAttempts: 5, strategy: new FixedBackoff({ delayMs: 1000 }), clock });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const controller = new AbortController();
    const { fn } = failing([transient(), transient()], clock);
    let outcome: unknown;
    const p = retry.execute(fn, { signal: controller.signal }).catch((e: unknown) => (outcome = e));
    await clock.tickAsync(10);
    expect(clock.pendingTimers).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await flushMicrotasks();
    await p;
    expect(outcome).toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.pendingTimers).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(giveUps).toEqual([{ attempts: 1, error: expect.any(Error), reason: 'aborted' }]);
  });

  it('does not call fn with an already aborted signal, and forwards the signal as ctx.signal', async () => {
    const retry = createRetry({ clock: new FakeClock() });
    const fn = vi.fn(async () => 1);
    const reason = new Error('no');
    await expect(retry.execute(fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
    const controller = new AbortController();
    await retry.execute(async (ctx) => expect(ctx.signal).toBe(controller.signal), { signal: controller.signal });
    await retry.execute(async (ctx) => expect(ctx.signal.aborted).toBe(false));
  });

  it('takes its defaults from the environment', async () => {
    vi.stubEnv('RETRY_MAX_ATTEMPTS', '2');
    vi.stubEnv('RETRY_BASE_DELAY', '0.5');
    vi.stubEnv('RETRY_MAX_DELAY', '0.75');
    const clock = new FakeClock();
    const retry = createRetry({ clock });
    expect(retry.options.maxAttempts).toBe(2);
    expect(retry.options.maxRetryAfterMs).toBe(750);
    expect((retry.options.strategy as ExponentialBackoff).options).toMatchObject({ baseDelayMs: 500, maxDelayMs: 750 });
    vi.stubEnv('RETRY_MAX_ATTEMPTS', '0');
    expect(configPath(() => createRetry())).toBe('RETRY_MAX_ATTEMPTS');
  });

  it('validates every option and never mutates the caller object', () => {
    expect(configPath(() => createRetry({ maxAttempts: 0 }))).toBe('retry.maxAttempts');
    expect(configPath(() => createRetry({ maxAttempts: -1 }))).toBe('retry.maxAttempts');
    expect(configPath(() => createRetry({ maxAttempts: 2.5 }))).toBe('retry.maxAttempts');
    expect(configPath(() => createRetry({ maxAttempts: Number.NaN }))).toBe('retry.maxAttempts');
    expect(configPath(() => createRetry({ maxRetryAfterMs: -1 }))).toBe('retry.maxRetryAfterMs');
    expect(configPath(() => createRetry({ strategy: {} as Backoff }))).toBe('retry.strategy');
    expect(configPath(() => createRetry({ retryOn: [] }))).toBe('retry.retryOn');
    expect(configPath(() => createRetry({ retryOn: [42 as never] }))).toBe('retry.retryOn[0]');
    expect(configPath(() => createRetry({ random: 1 as never }))).toBe('retry.random');
    expect(configPath(() => createRetry({ clock: { now: () => 0 } as never }))).toBe('retry.clock');
    const opts = { maxAttempts: 2 };
    const r = createRetry(opts);
    expect(opts).toEqual({ maxAttempts: 2 });
    expect(Object.isFrozen(r.options)).toBe(true);
    expect(createRetry({ maxAttempts: Number.POSITIVE_INFINITY }).options.maxAttempts).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects a strategy that returns an invalid delay', async () => {
    const retry = createRetry({ strategy: { delayMs: () => Number.NaN }, clock: new FakeClock() });
    await expect(retry.execute(() => Promise.reject(transient()))).rejects.toBeInstanceOf(ConfigError);
  });

  it('passes a seeded random source to the strategy (deterministic jitter)', async () => {
    const run = async () => {
      const clock = new FakeClock();
      const retry = createRetry({
        maxAttempts: 4,
        strategy: new ExponentialBackoff({ baseDelayMs: 100, maxDelayMs: 10_000, jitter: 'decorrelated' }),
        random: seededRandom(9),
        clock,
      });
      const delays: number[] = [];
      retry.onRetry((e) => delays.push(e.delayMs));
      const p = retry.execute(failing([transient(), transient(), transient()], clock).fn);
      await clock.tickAsync(100_000);
      await p;
      return delays;
    };
    const a = await run();
    expect(a).toHaveLength(3);
    expect(await run()).toEqual(a);
  });

  it('makes min(failures + 1, maxAttempts) calls and fails iff failures ≥ maxAttempts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 8 }), async (maxAttempts, failures) => {
        const clock = new FakeClock();
        const retry = createRetry({ maxAttempts, strategy: new FixedBackoff({ delayMs: 5 }), clock });
        const { fn, calls } = failing(Array.from({ length: failures }, () => transient()), clock);
        let result: unknown;
        const p = retry.execute(fn).then(
          (v) => (result = v),
          (e: unknown) => (result = e),
        );
        await clock.tickAsync(1000);
        await p;
        expect(calls.length).toBe(Math.min(failures + 1, maxAttempts));
        expect(calls.map((c) => c.attempt)).toEqual(calls.map((_, i) => i + 1));
        if (failures >= maxAttempts) expect((result as RetryExhaustedError).attempts).toBe(maxAttempts);
        else expect(result).toBe('ok');
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
