// Heap held per circuit breaker: 10,000 alive, measured after forced GC (run node with --expose-gc).
import { createCircuitBreaker, circuitBreakers } from '@rampart/core';
import { ConsecutiveBreaker, circuitBreaker as cockatielBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';

const N = 10_000;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) g();
}

function measure(make: (i: number) => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const keep: unknown[] = new Array(N);
  for (let i = 0; i < N; i++) keep[i] = make(i);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (keep.length !== N) throw new Error('unreachable');
  return (after - before) / N;
}

export function benchHeap(): Array<[string, number]> {
  const work = async () => 1;
  const rampart = measure((i) => {
    return createCircuitBreaker(`heap-${i}`, { failureThreshold: 5, recoveryTimeoutMs: 10_000 });
  });
  circuitBreakers.clear();
  const cockatiel = measure(() => cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }));
  const made: Opossum[] = [];
  const opossum = measure(() => {
    const b = new Opossum(work, { timeout: false });
    made.push(b);
    return b;
  });
  for (const b of made) b.shutdown(); // opossum holds two intervals per breaker
  return [
    ['rampart breaker', rampart],
    ['cockatiel breaker', cockatiel],
    ['opossum breaker', opossum],
  ];
}
