import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { CircuitBreakerRegistry } from './circuit-breaker-registry.js';
import { SlidingWindowBreaker } from './sliding-window-breaker.js';

// Reach V8's gc() without the --expose-gc flag on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function heapPerItem(count: number, make: (i: number) => unknown): Promise<number> {
  const keep: unknown[] = new Array(count);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) keep[i] = make(i);
  await new Promise((resolve) => setImmediate(resolve)); // let pending promise reactions finish
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(keep).toHaveLength(count);
  return (after - before) / count;
}

describe('circuit breaker heap footprint', () => {
  const clock = new FakeClock();
  const N = 10_000;

  it('a default breaker, registered by name and used, holds under 1 KB', async () => {
    const registry = new CircuitBreakerRegistry();
    const made: CircuitBreakerPolicy[] = [];
    const perBreaker = await heapPerItem(N, (i) => {
      const b = registry.getOrCreate(`breaker-${i}`, { failureThreshold: 5, recoveryTimeoutMs: 1000, clock });
      made.push(b);
      return b;
    });
    // Exercise one: calls leave no per-call state behind.
    for (let i = 0; i < 1000; i++) await made[0]!.execute(() => i);
    expect(perBreaker).toBeLessThan(1024);
    // Recorded for the bench owner's cross-check (the figure includes the name string and the map entry).
    console.info(`heap per registered consecutive breaker: ${Math.round(perBreaker)} B`);
  });

  it('an open breaker (its cached rejection error included) and a half-open one stay under 1 KB', async () => {
    const perBreaker = await heapPerItem(N, (i) => {
      const b = new CircuitBreakerPolicy(`open-${i}`, { failureThreshold: 1, recoveryTimeoutMs: 1000, clock });
      b.isolate();
      b.execute(() => 1).catch(() => undefined); // builds and caches the rejection error
      return b;
    });
    expect(perBreaker).toBeLessThan(1024);
    console.info(`heap per open breaker with its rejection error: ${Math.round(perBreaker)} B`);
  });

  it('sliding-window breakers (100 calls by count; 10 buckets by time) stay under 1 KB', async () => {
    const byCount = await heapPerItem(N, (i) => new CircuitBreakerPolicy(`c-${i}`, { breaker: new SlidingWindowBreaker({ windowSize: 100 }), clock }));
    const byTime = await heapPerItem(N, (i) => new CircuitBreakerPolicy(`t-${i}`, { breaker: new SlidingWindowBreaker({ windowMs: 60_000 }), clock }));
    expect(byCount).toBeLessThan(1024);
    expect(byTime).toBeLessThan(1024);
    console.info(`heap per sliding-window breaker: count(100) ${Math.round(byCount)} B, time(10 buckets) ${Math.round(byTime)} B`);
  });
});
