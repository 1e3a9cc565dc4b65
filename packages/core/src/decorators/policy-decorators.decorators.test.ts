import { afterEach, describe, expect, it } from 'vitest';
import { circuitBreakers, getCircuitBreaker } from '../breaker/circuit-breaker-registry.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { bulkhead, circuitBreaker, retry, stackedPolicies, timeout } from './policy-decorators.js';
import { RetryPolicy } from '../retry/retry-policy.js';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { TimeoutPolicy } from '../timeout/timeout-policy.js';

const transient = () => Object.assign(new Error('reset'), { code: 'ECONNRESET' });

afterEach(() => circuitBreakers.clear());

describe('policy decorators (both decorator modes)', () => {
  it('stacked decorators collapse into one wrapped policy, outermost first, with the layered behaviour', async () => {
    const clock = new FakeClock();
    let calls = 0;
    class Api {
      @retry({ maxAttempts: 2, strategy: new FixedBackoff({ delayMs: 10 }), clock })
      @circuitBreaker('stacked', { failureThreshold: 5, recoveryTimeoutMs: 1_000, clock })
      @timeout({ timeoutMs: 100, clock })
      async fetch(): Promise<string> {
        calls++;
        if (calls === 1) return new Promise<never>(() => undefined); // the first attempt times out
        return 'second attempt';
      }
    }
    const policies = stackedPolicies(Api.prototype.fetch);
    expect(policies?.map((p) => p.constructor)).toEqual([RetryPolicy, CircuitBreakerPolicy, TimeoutPolicy]);
    const p = new Api().fetch();
    await clock.tickAsync(200);
    await expect(p).resolves.toBe('second attempt');
    expect(getCircuitBreaker('stacked')?.stats.failures).toBe(1); // the breaker saw the timed-out attempt
    expect(stackedPolicies(() => 1)).toBeUndefined();
  });


  it('@retry retries transient errors, keeps this, name and return value', async () => {
    const clock = new FakeClock();
    class Api {
      calls = 0;
      @retry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 10 }), clock })
      async fetch(x: number): Promise<number> {
        this.calls++;
        if (this.calls < 3) throw transient();
        return x * 2;
      }
    }
    const api = new Api();
    const p = api.fetch(21);
    await clock.tickAsync(100);
    expect(await p).toBe(42);
    expect(api.calls).toBe(3);
    expect(Api.prototype.fetch.name).toBe('fetch');
  });

  it('@retry does not retry a permanent error', async () => {
    class Api {
      calls = 0;
      @retry({ maxAttempts: 5, strategy: new FixedBackoff({ delayMs: 0 }) })
      async bad(): Promise<void> {
        this.calls++;
        throw Object.assign(new Error('bad request'), { status: 400 });
      }
    }
    const api = new Api();
    // a first-attempt permanent error is rethrown as it is (nothing was retried)
    await expect(api.bad()).rejects.toThrow('bad request');
    expect(api.calls).toBe(1);
  });

  it('@circuitBreaker with one name on two methods shares one breaker', async () => {
    class A {
      @circuitBreaker('external_api', { failureThreshold: 2, recoveryTimeoutMs: 60_000 })
      async one(): Promise<void> {
        throw transient();
      }
      @circuitBreaker('external_api')
      async two(): Promise<string> {
        return 'ok';
      }
    }
    const a = new A();
    await expect(a.one()).rejects.toThrow('reset');
    await expect(a.one()).rejects.toThrow('reset');
    expect(getCircuitBreaker('external_api')?.state).toBe('open');
    await expect(a.two()).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('@timeout rejects with TimeoutError at the deadline', async () => {
    const clock = new FakeClock();
    class Slow {
      @timeout({ timeoutMs: 50, clock })
      async wait(): Promise<string> {
        return new Promise(() => {});
      }
    }
    const p = new Slow().wait();
    const caught = p.catch((e: unknown) => e);
    await clock.tickAsync(60);
    expect(await caught).toBeInstanceOf(TimeoutError);
  });

  it('@bulkhead limits concurrency across instances of the method', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    class Work {
      @bulkhead({ maxConcurrent: 1, maxQueued: 0 })
      async run(): Promise<string> {
        await gate;
        return 'done';
      }
    }
    const first = new Work().run();
    await expect(new Work().run()).rejects.toBeInstanceOf(BulkheadRejectedError);
    release();
    expect(await first).toBe('done');
  });

  it('stacks: the decorator nearest the method is innermost', async () => {
    const clock = new FakeClock();
    class Stack {
      calls = 0;
      @retry({ maxAttempts: 4, strategy: new FixedBackoff({ delayMs: 1 }), clock })
      @circuitBreaker('stacked', { failureThreshold: 2, recoveryTimeoutMs: 60_000, clock })
      async call(): Promise<void> {
        this.calls++;
        throw transient();
      }
    }
    const s = new Stack();
    const p = s.call().catch((e: unknown) => e);
    await clock.tickAsync(100);
    const err = await p;
    // two real calls open the breaker; the retry's later attempts are rejected by it
    expect(s.calls).toBe(2);
    expect(err).toBeInstanceOf(RetryExhaustedError);
    expect((err as RetryExhaustedError).lastError).toBeInstanceOf(BrokenCircuitError);
  });

  it('wraps free functions with the same type', async () => {
    const double = retry({ maxAttempts: 2 })(async (x: number) => x * 2);
    const n: number = await double(4);
    expect(n).toBe(8);
  });
});
