import { describe, expect, it } from 'vitest';
import { ResourceType } from '../resource/resource-types.js';
import { ProviderObservations } from './provider-observations.js';

const Q = ResourceType.API_QUOTA;

describe('ProviderObservations', () => {
  it('times every call until a provider has a latency, then one in eight; the latency is a weighted mean', () => {
    const o = new ProviderObservations();
    expect(o.timing(Q, 'a')).toBeDefined(); // a call not reported (its breaker refused it) leaves the next one timed
    o.timing(Q, 'a')!.latency(100);
    const timed = Array.from({ length: 16 }, () => o.timing(Q, 'a'));
    expect(timed.map((t) => t !== undefined)).toEqual([true, ...Array(7).fill(false), true, ...Array(7).fill(false)]);
    timed[8]!.latency(200);
    expect(o.get(Q, 'a')?.latencyMs).toBeCloseTo(130);
    expect(o.get(Q, 'b')).toBeUndefined();
  });

  it('keeps the last failure, redacted and bounded, with its time', () => {
    const o = new ProviderObservations();
    o.failure(Q, 'a', new Error(`refused https://u:hunter2@api.example.test Bearer abcdefghijklmnopq ${'x'.repeat(400)}`), 1_000);
    const seen = o.get(Q, 'a')!;
    expect(seen.lastFailure).toMatch(/^Error: refused https:\/\/u:\[redacted\]@api\.example\.test Bearer \[redacted\] x+$/);
    expect(seen.lastFailure).toHaveLength(300);
    expect(seen.lastFailureAt).toBe(1_000);
    o.failure(Q, 'a', 'timeout', 2_000);
    expect(o.get(Q, 'a')).toMatchObject({ lastFailure: 'timeout', lastFailureAt: 2_000 });
  });
});
