import { describe, expect, it } from 'vitest';
import { ProviderRecord } from './provider-record.js';

describe('ProviderRecord', () => {
  it('times every call until the provider has a latency, then one in eight; the latency is a weighted mean', () => {
    const r = new ProviderRecord();
    expect(r.timeThisCall()).toBe(true); // a call not reported (its breaker refused it) leaves the next one timed
    expect(r.timeThisCall()).toBe(true);
    r.latency(100);
    const timed = Array.from({ length: 16 }, () => r.timeThisCall());
    expect(timed).toEqual([true, ...Array(7).fill(false), true, ...Array(7).fill(false)]);
    r.latency(200);
    expect(r.latencyMs).toBeCloseTo(130);
  });

  it('keeps the last failure, redacted and bounded, with its time', () => {
    const r = new ProviderRecord();
    r.failed(new Error(`refused https://u:hunter2@api.example.test Bearer abcdefghijklmnopq ${'x'.repeat(400)}`), 1_000);
    expect(r.lastFailure).toMatch(/^Error: refused https:\/\/u:\[redacted\]@api\.example\.test Bearer \[redacted\] x+$/);
    expect(r.lastFailure).toHaveLength(300);
    expect(r.lastFailureAt).toBe(1_000);
    r.failed('timeout', 2_000);
    expect(r).toMatchObject({ lastFailure: 'timeout', lastFailureAt: 2_000 });
  });

  it('a success ends its cooldown but keeps what the report shows and its operation exclusions', () => {
    const r = new ProviderRecord();
    r.until = 5;
    r.retryAfterUntil = 5;
    r.goneAt = 1;
    r.operations = new Map([['write', 9]]);
    r.failed('down', 1);
    r.succeeded();
    expect(r).toMatchObject({ until: 0, retryAfterUntil: 0, goneAt: undefined, lastFailure: 'down' });
    expect(r.operations?.get('write')).toBe(9);
  });
});
