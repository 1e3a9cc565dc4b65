import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { createChaos } from '../chaos/chaos-policy.js';
import { ConfigError } from '../errors/config-error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { ExecuteOptions, Policy, PolicyContext } from '../policy/policy.js';
import { RateLimiterPolicy } from '../rate-limiter/rate-limiter-policy.js';
import { createRetry } from '../retry/retry-policy.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { createTimeout } from '../timeout/timeout-policy.js';
import { wrap } from './wrap.js';
import { countControllers } from './__fixtures__/count-controllers.js';

const transient = () => Object.assign(new Error('flaky'), { status: 503 });

/** A policy from outside Rampart: its own context with attempt 1, signal passed on as given. */
class ForeignPolicy implements Policy {
  constructor(
    readonly name: string,
    readonly log: string[] = [],
  ) {}
  async execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: ExecuteOptions): Promise<T> {
    this.log.push(`enter ${this.name}`);
    try {
      const signal = options?.signal ?? new AbortController().signal;
      return await fn({ signal, attempt: 1 });
    } finally {
      this.log.push(`exit ${this.name}`);
    }
  }
}


describe('wrap', () => {
  it('composes outermost first', async () => {
    const log: string[] = [];
    const w = wrap(new ForeignPolicy('a', log), new ForeignPolicy('b', log), new ForeignPolicy('c', log));
    await expect(w.execute(async () => log.push('fn'))).resolves.toBe(4);
    expect(log).toEqual(['enter a', 'enter b', 'enter c', 'fn', 'exit c', 'exit b', 'exit a']);
    expect(w.policies).toHaveLength(3);
  });

  it.each([1, 2, 3, 4, 5, 6])('carries the retry attempt to the innermost fn through %i layers', async (depth) => {
    const clock = new FakeClock();
    const retry = createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 1 }), clock });
    const inner: Policy[] = Array.from({ length: depth - 1 }, (_, i) =>
      i % 2 === 0 ? new ForeignPolicy(`f${i}`) : createTimeout({ timeoutMs: 1000, clock }),
    );
    const seen: number[] = [];
    const p = wrap(retry, ...inner).execute(async (ctx) => {
      seen.push(ctx.attempt);
      if (seen.length < 3) throw transient();
      return 'ok';
    });
    await clock.tickAsync(10);
    await expect(p).resolves.toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('lets the caller abort reach the innermost fn through every layer', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const w = wrap(createRetry({ clock }), new ForeignPolicy('breaker'), createTimeout({ timeoutMs: 1000, clock }));
    let inner: AbortSignal | undefined;
    const p = w
      .execute(
        (ctx) =>
          new Promise((_, reject) => {
            inner = ctx.signal;
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          }),
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await flushMicrotasks();
    const reason = new Error('caller cancelled');
    controller.abort(reason);
    expect(inner!.aborted).toBe(true);
    expect(await p).toBe(reason);
  });

  it('an outer timeout bounds all retries and aborts the waiting retry', async () => {
    const clock = new FakeClock();
    const w = wrap(
      createTimeout({ timeoutMs: 100, clock }),
      createRetry({ maxAttempts: 10, strategy: new FixedBackoff({ delayMs: 30 }), clock }),
    );
    const calls: number[] = [];
    let outcome: unknown;
    const p = w
      .execute(async () => {
        calls.push(clock.now());
        throw transient();
      })
      .catch((e: unknown) => (outcome = e));
    await clock.tickAsync(500);
    await p;
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(calls).toEqual([0, 30, 60, 90]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('creates no AbortController on the success path', async () => {
    const clock = new FakeClock();
    const w = wrap(createRetry({ clock }), createTimeout({ timeoutMs: 100, clock }), createTimeout({ timeoutMs: 50, clock }));
    const controller = new AbortController();
    expect(
      await countControllers(async () => {
        for (let i = 0; i < 50; i++) {
          await w.execute(async (ctx) => ctx.attempt);
          await w.execute(async (ctx) => ctx.attempt, { signal: controller.signal });
        }
      }),
    ).toBe(0);
  });

  it('hands the caller weight to a rate limiter at any depth', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiterPolicy('llm', { tokensPerInterval: 100, intervalMs: 1000, clock });
    const w = wrap(createRetry({ maxAttempts: 1, clock }), createTimeout({ timeoutMs: 100, clock }), limiter);
    await w.execute(async () => 1, { weight: 60 } as ExecuteOptions);
    expect(limiter.available).toBe(40);
    await expect(w.execute(async () => 1, { weight: 60 } as ExecuteOptions)).rejects.toBeInstanceOf(RetryExhaustedError);
  });

  it('retries injected chaos faults until attempts run out', async () => {
    const clock = new FakeClock();
    const w = wrap(
      createRetry({ maxAttempts: 4, strategy: new FixedBackoff({ delayMs: 0 }), clock }),
      createChaos({ enabled: true, faultRate: 1, seed: 3 }),
    );
    const e = (await w.execute(async () => 1).catch((err: unknown) => err)) as RetryExhaustedError;
    expect(e.attempts).toBe(4);
  });

  it('handles an empty wrap, nesting and invalid members', async () => {
    await expect(wrap().execute((ctx) => ctx.attempt)).resolves.toBe(1);
    await expect(
      wrap().execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    const clock = new FakeClock();
    const seen: number[] = [];
    const nested = wrap(
      createRetry({ maxAttempts: 2, strategy: new FixedBackoff({ delayMs: 0 }), clock }),
      wrap(new ForeignPolicy('x'), createTimeout({ timeoutMs: 10, clock })),
    );
    await nested.execute(async (ctx) => {
      seen.push(ctx.attempt);
      if (seen.length === 1) throw transient();
    });
    expect(seen).toEqual([1, 2]);
    try {
      wrap(createRetry(), {} as Policy);
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).path).toBe('wrap[1]');
    }
  });

  it('behaves like the manual nesting for any outcome sequence (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('ok', 'transient', 'permanent', 'hang'), { minLength: 1, maxLength: 5 }), async (script) => {
        const run = async (viaWrap: boolean) => {
          const clock = new FakeClock();
          const retry = createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 5 }), clock });
          const timeout = createTimeout({ timeoutMs: 20, clock });
          const steps = [...script];
          const fn = (ctx: PolicyContext) => {
            const step = steps.shift() ?? 'ok';
            if (step === 'ok') return Promise.resolve(`ok#${ctx.attempt}`);
            if (step === 'hang') return new Promise<string>(() => undefined);
            return Promise.reject(step === 'transient' ? transient() : Object.assign(new Error('bad'), { status: 400 }));
          };
          const p = viaWrap ? wrap(retry, timeout).execute(fn) : retry.execute((ctx) => timeout.execute(fn, ctx));
          const out = p.then(
            (v) => `value:${v}`,
            (e: unknown) => `${(e as Error).name}:${e instanceof RetryExhaustedError ? e.errors.length : ''}`,
          );
          await clock.tickAsync(200);
          return out;
        };
        expect(await run(true)).toBe(await run(false));
      }),
      { numRuns: 60 },
    );
  });
});
