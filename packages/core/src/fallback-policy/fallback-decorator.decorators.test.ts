import { afterEach, describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { circuitBreakers, getCircuitBreaker } from '../breaker/circuit-breaker-registry.js';
import { CircuitState } from '../breaker/circuit-state.js';
import { circuitBreaker, retry } from '../decorators/policy-decorators.js';
import { FakeClock } from '../testing/fake-clock.js';
import { fallback } from './fallback-decorator.js';

const BREAKER = 'fallback_decorator_test_crm';
const transient = () => Object.assign(new Error('upstream 503'), { status: 503 });

afterEach(() => {
  circuitBreakers.delete(BREAKER);
});

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

describe('@fallback (both decorator modes)', () => {
  it('resolves a failed call with the value; keeps this, arguments, name and successes', async () => {
    class Catalog {
      items = ['a', 'b'];
      failing = false;
      @fallback({ fallback: [] })
      async list(prefix: string): Promise<string[]> {
        if (this.failing) throw transient();
        return this.items.map((i) => prefix + i);
      }
    }
    const catalog = new Catalog();
    await expect(catalog.list('x:')).resolves.toEqual(['x:a', 'x:b']);
    catalog.failing = true;
    await expect(catalog.list('x:')).resolves.toEqual([]);
    expect(Catalog.prototype.list.name).toBe('list');
  });

  it('computes the value from the error and rethrows errors it does not handle', async () => {
    class QuotaError extends Error {}
    class Writer {
      next: Error = new QuotaError('429');
      @fallback({ fallback: (error: unknown) => `draft (${(error as Error).message})`, handle: [QuotaError] })
      async write(): Promise<string> {
        throw this.next;
      }
    }
    const writer = new Writer();
    await expect(writer.write()).resolves.toBe('draft (429)');
    const other = new Error('disk full');
    writer.next = other;
    await expect(writer.write()).rejects.toBe(other);
  });

  it('stacked outermost over @retry and @circuitBreaker: the value once retries run out and while open', async () => {
    const clock = new FakeClock();
    class Crm {
      calls = 0;
      @fallback({ fallback: -1 })
      @retry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 10 }), clock })
      @circuitBreaker(BREAKER, { failureThreshold: 2, recoveryTimeoutMs: 60_000, clock })
      async syncLeads(): Promise<number> {
        this.calls++;
        throw transient();
      }
    }
    const crm = new Crm();
    await expect(settle(clock, crm.syncLeads())).resolves.toBe(-1);
    expect(crm.calls).toBe(2);
    expect(getCircuitBreaker(BREAKER)?.state).toBe(CircuitState.Open);
    await expect(settle(clock, crm.syncLeads())).resolves.toBe(-1);
    expect(crm.calls).toBe(2);
  });

  it('stacked inside @retry it replaces each attempt, so the retry never sees a failure', async () => {
    class Api {
      calls = 0;
      @retry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 0 }) })
      @fallback({ fallback: 'cached' })
      async get(): Promise<string> {
        this.calls++;
        throw transient();
      }
    }
    const api = new Api();
    await expect(api.get()).resolves.toBe('cached');
    expect(api.calls).toBe(1);
  });

  it('wraps free functions: fallback(opts)(fn)', async () => {
    const load = fallback({ fallback: { rows: [] as number[], stale: true } })(async (n: number) => {
      if (n < 0) throw transient();
      return { rows: [n], stale: false };
    });
    await expect(load(3)).resolves.toEqual({ rows: [3], stale: false });
    await expect(load(-1)).resolves.toEqual({ rows: [], stale: true });
  });
});
