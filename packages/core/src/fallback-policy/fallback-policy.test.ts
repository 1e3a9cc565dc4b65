import { describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { CircuitState } from '../breaker/circuit-state.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { ConfigError } from '../errors/config-error.js';
import { FallbackFailedError } from '../errors/fallback-failed-error.js';
import { RampartError } from '../errors/rampart-error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { PolicyContext } from '../policy/policy.js';
import { createRetry } from '../retry/retry-policy.js';
import { FakeClock } from '../testing/fake-clock.js';
import { createTimeout } from '../timeout/timeout-policy.js';
import { wrap } from '../wrap/wrap.js';
import { createFallback, type FallbackEvent, type FallbackPolicyOptions } from './fallback-policy.js';

const transient = () => Object.assign(new Error('upstream 503'), { status: 503 });
class QuotaError extends Error {}

/** Advance the fake clock in small steps until `promise` settles (bounded), then return it. */
async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 1000 && !done; i++) await clock.tickAsync(5);
  return promise;
}

/** A function that settles only when its signal aborts (with the signal's reason). */
const untilAborted = ({ signal }: PolicyContext) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('createFallback', () => {
  it('passes values through and replaces every kind of failure with the value', async () => {
    const policy = createFallback({ fallback: 'cached' });
    const seen: FallbackEvent[] = [];
    policy.onFallback((e) => seen.push(e));
    await expect(policy.execute(() => 'fresh')).resolves.toBe('fresh');
    await expect(policy.execute(async () => 'fresh')).resolves.toBe('fresh');
    const e1 = transient();
    const e2 = new TypeError('bug');
    const e3 = new Error('thenable');
    await expect(policy.execute(() => Promise.reject(e1))).resolves.toBe('cached');
    await expect(
      policy.execute(() => {
        throw e2;
      }),
    ).resolves.toBe('cached');
    const thenable: PromiseLike<string> = { then: (_ok, fail) => (fail?.(e3), undefined as never) };
    await expect(policy.execute(() => thenable)).resolves.toBe('cached');
    expect(seen.map((s) => s.error)).toEqual([e1, e2, e3]);
  });

  it('hands the function attempt 1 and the caller signal', async () => {
    const policy = createFallback({ fallback: 0 });
    const controller = new AbortController();
    let ctx: PolicyContext | undefined;
    await policy.execute((c) => ((ctx = c), 1), { signal: controller.signal });
    expect(ctx?.attempt).toBe(1);
    expect(ctx?.signal).toBe(controller.signal);
    await policy.execute((c) => ((ctx = c), 1));
    expect(ctx?.attempt).toBe(1);
    expect(ctx?.signal.aborted).toBe(false);
  });

  it('computes the value from the error, once per failure, sync or async', async () => {
    const calls: unknown[] = [];
    const policy = createFallback({
      fallback: async (error: unknown, { signal }) => {
        calls.push(error);
        return `degraded: ${(error as Error).message} (${signal.aborted})`;
      },
    });
    const e = transient();
    await expect(policy.execute(() => Promise.reject(e))).resolves.toBe('degraded: upstream 503 (false)');
    expect(calls).toEqual([e]);
    const sync = createFallback({ fallback: () => [] as string[] });
    await expect(sync.execute(() => Promise.reject(e))).resolves.toEqual([]);
  });

  it('falls back only for errors `handle` accepts (classes or a predicate)', async () => {
    const byClass = createFallback({ fallback: 'q', handle: [QuotaError] });
    const events: FallbackEvent[] = [];
    byClass.onFallback((ev) => events.push(ev));
    await expect(byClass.execute(() => Promise.reject(new QuotaError('429')))).resolves.toBe('q');
    const other = transient();
    await expect(byClass.execute(() => Promise.reject(other))).rejects.toBe(other);
    expect(events).toHaveLength(1);

    const byPredicate = createFallback({ fallback: 'p', handle: (e) => (e as { status?: number }).status === 503 });
    await expect(byPredicate.execute(() => Promise.reject(transient()))).resolves.toBe('p');
    const bad = Object.assign(new Error('bad request'), { status: 400 });
    await expect(byPredicate.execute(() => Promise.reject(bad))).rejects.toBe(bad);
  });

  it("never replaces an abort of the caller's signal with the value", async () => {
    const policy = createFallback({ fallback: 'value', handle: () => true });
    const events: FallbackEvent[] = [];
    policy.onFallback((e) => events.push(e));

    // aborted before the call: the function does not run
    const before = new AbortController();
    const reason = new Error('caller left');
    before.abort(reason);
    let ran = false;
    await expect(policy.execute(() => ((ran = true), 1), { signal: before.signal })).rejects.toBe(reason);
    expect(ran).toBe(false);

    // aborted while the call runs: the abort reason reaches the caller
    const during = new AbortController();
    const pending = policy.execute(untilAborted, { signal: during.signal });
    const reason2 = new Error('caller left later');
    during.abort(reason2);
    await expect(pending).rejects.toBe(reason2);

    // the default abort reason (a DOM AbortError) too
    const plain = new AbortController();
    const p3 = policy.execute(untilAborted, { signal: plain.signal });
    plain.abort();
    await expect(p3).rejects.toMatchObject({ name: 'AbortError' });
    expect(events).toEqual([]);
  });

  it("hands the fallback function the caller's signal, and keeps an abort while it runs", async () => {
    const controller = new AbortController();
    let fallbackSignal: AbortSignal | undefined;
    const policy = createFallback({
      fallback: (_error: unknown, { signal }) => {
        fallbackSignal = signal;
        return new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
    });
    const pending = policy.execute(() => Promise.reject(transient()), { signal: controller.signal });
    await expect.poll(() => fallbackSignal).toBe(controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('fails with FallbackFailedError (cause: the original error) when the fallback throws', async () => {
    const original = transient();
    const thrown = new Error('cache down: redis://user:hunter2@127.0.0.1:6379');
    const sync = createFallback<string>({
      fallback: () => {
        throw thrown;
      },
    });
    const err = await sync.execute(() => Promise.reject(original)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackFailedError);
    expect(RampartError.isInstance(err)).toBe(true);
    const f = err as FallbackFailedError;
    expect(f.cause).toBe(original);
    expect(f.fallbackError).toBe(thrown);
    expect(f.code).toBe('FallbackFailedError');
    expect(f.message).toContain('cache down');
    expect(f.message).not.toContain('hunter2');

    const async = createFallback<string>({ fallback: async () => Promise.reject('plain string') });
    const err2 = await async.execute(() => Promise.reject(original)).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(FallbackFailedError);
    expect((err2 as FallbackFailedError).fallbackError).toBe('plain string');
    expect((err2 as FallbackFailedError).cause).toBe(original);
  });

  it('events are disposable and a failing listener does not change the outcome', async () => {
    const policy = createFallback({ fallback: 1 });
    let count = 0;
    const sub = policy.onFallback(() => count++);
    policy.onFallback(() => {
      throw new Error('listener bug');
    });
    await expect(policy.execute(() => Promise.reject(transient()))).resolves.toBe(1);
    sub.dispose();
    await expect(policy.execute(() => Promise.reject(transient()))).resolves.toBe(1);
    expect(count).toBe(1);
  });

  it('accepts undefined as the value, and resolves options into a frozen copy', async () => {
    const options: FallbackPolicyOptions<undefined> = { fallback: undefined };
    const policy = createFallback(options);
    await expect(policy.execute(() => Promise.reject(transient()))).resolves.toBeUndefined();
    expect(Object.isFrozen(policy.options)).toBe(true);
    expect(policy.options).not.toBe(options);
    expect(Object.keys(options)).toEqual(['fallback']);
  });

  it('rejects bad options with a ConfigError naming the path and the value', () => {
    const bad = (options: unknown, path: string) => {
      const err = (() => {
        try {
          createFallback(options as FallbackPolicyOptions<unknown>);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).path).toBe(path);
      return err as ConfigError;
    };
    bad(undefined, 'fallback.fallback');
    bad({}, 'fallback.fallback');
    expect(bad('x', 'fallback').value).toBe('x');
    expect(bad({ fallback: 1, handle: [] }, 'fallback.handle').value).toEqual([]);
    expect(bad({ fallback: 1, handle: [QuotaError, 'Error'] }, 'fallback.handle[1]').value).toBe('Error');
    expect(bad({ fallback: 1, handle: 'QuotaError' }, 'fallback.handle').value).toBe('QuotaError');
  });
});

describe('fallback in wrap(...)', () => {
  it('wrap(fallback, retry, breaker) gives the value once retries run out and while the circuit is open', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreakerPolicy('fallback_policy_test_open', { failureThreshold: 2, recoveryTimeoutMs: 60_000, clock });
    const fallback = createFallback({ fallback: ['cached'] });
    const events: FallbackEvent[] = [];
    fallback.onFallback((e) => events.push(e));
    const policy = wrap(fallback, createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 10 }), clock }), breaker);
    const attempts: number[] = [];
    const call = () =>
      policy.execute(({ attempt }): Promise<string[]> => {
        attempts.push(attempt);
        return Promise.reject(transient());
      });

    await expect(settle(clock, call())).resolves.toEqual(['cached']);
    expect(attempts).toEqual([1, 2]); // the third attempt met the open circuit
    expect(breaker.state).toBe(CircuitState.Open);
    const exhausted = events[0]?.error as RetryExhaustedError;
    expect(exhausted).toBeInstanceOf(RetryExhaustedError);
    expect(exhausted.lastError).toBeInstanceOf(BrokenCircuitError);

    await expect(settle(clock, call())).resolves.toEqual(['cached']);
    expect(attempts).toEqual([1, 2]); // open: nothing ran
    expect(clock.pendingTimers).toBe(0);
  });

  it('as the innermost layer it forwards the retry attempt; unhandled errors reach the retry', async () => {
    const clock = new FakeClock();
    const policy = wrap(
      createRetry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 5 }), clock }),
      createFallback({ fallback: 'quota fallback', handle: [QuotaError] }),
    );
    const attempts: number[] = [];
    const pending = policy.execute(({ attempt }) => {
      attempts.push(attempt);
      return Promise.reject(attempt < 3 ? transient() : new QuotaError('429'));
    });
    await expect(settle(clock, pending)).resolves.toBe('quota fallback');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("treats an inner timeout as a failure to replace, not as the caller's abort", async () => {
    const clock = new FakeClock();
    const fallback = createFallback({ fallback: 'late' });
    const policy = wrap(fallback, createTimeout({ timeoutMs: 100, clock }));
    const events: FallbackEvent[] = [];
    fallback.onFallback((e) => events.push(e));
    const caller = new AbortController();
    const pending = policy.execute(untilAborted, { signal: caller.signal });
    await clock.tickAsync(100);
    await expect(pending).resolves.toBe('late');
    expect(events[0]?.error).toBeInstanceOf(TimeoutError);

    // the caller's own abort through the same chain is rethrown
    const caller2 = new AbortController();
    const p2 = policy.execute(untilAborted, { signal: caller2.signal });
    const reason = new Error('caller gave up');
    caller2.abort(reason);
    await expect(p2).rejects.toBe(reason);
    expect(events).toHaveLength(1);
  });

  it('a fallback outside another wrap adds to its result, inside a wrap it still works', async () => {
    const inner = wrap(createFallback({ fallback: 0 }));
    const outer = wrap(createFallback({ fallback: 'never used' }), inner);
    await expect(outer.execute(() => Promise.reject<number>(transient()))).resolves.toBe(0);
    await expect(outer.execute(() => 7)).resolves.toBe(7);
  });
});
