import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { SlidingWindowBreaker, type SlidingWindowBreakerOptions } from './sliding-window-breaker.js';

describe('SlidingWindowBreaker', () => {
  it('by count: opens when the failure rate of the last N calls reaches the threshold', () => {
    const b = new SlidingWindowBreaker({ windowSize: 4, failureRateThreshold: 0.5, minimumCalls: 4 });
    expect(b.needsClock).toBe(false);
    expect(b.failure(false, 0)).toBe(false); // 1 call: below minimumCalls
    expect(b.success(false, 0)).toBe(false);
    expect(b.success(false, 0)).toBe(false);
    expect(b.success(false, 0)).toBe(false); // 1/4 failed
    expect(b.failure(false, 0)).toBe(false); // window [s s s f]: 1/4
    expect(b.failure(false, 0)).toBe(true); // [s s f f]: 2/4
  });

  it('compares rates exactly (3 of 10 reaches 0.3)', () => {
    const b = new SlidingWindowBreaker({ windowSize: 10, failureRateThreshold: 0.3, minimumCalls: 10 });
    for (let i = 0; i < 7; i++) b.success(false, 0);
    b.failure(false, 0);
    b.failure(false, 0);
    expect(b.failure(false, 0)).toBe(true);
  });

  it('by count: defaults minimumCalls to min(10, windowSize) and the threshold to 0.5', () => {
    const small = new SlidingWindowBreaker({ windowSize: 2 });
    expect(small.minimumCalls).toBe(2);
    expect(small.failureRateThreshold).toBe(0.5);
    expect(small.failure(false, 0)).toBe(false);
    expect(small.success(false, 0)).toBe(true); // 1 of 2 failed
    expect(new SlidingWindowBreaker({ windowSize: 100 }).minimumCalls).toBe(10);
  });

  it('by time: looks at the calls of the last windowMs only', () => {
    const b = new SlidingWindowBreaker({ windowMs: 1000, bucketCount: 10, minimumCalls: 3, failureRateThreshold: 0.6 });
    expect(b.needsClock).toBe(true);
    b.failure(false, 0);
    b.failure(false, 10);
    expect(b.success(false, 1500)).toBe(false); // the two failures left the window: 0/1
    b.failure(false, 1600);
    expect(b.failure(false, 1700)).toBe(true); // 2/3 ≥ 0.6
    expect(b.window).toEqual({ total: 3, failures: 2, slow: 0 });
  });

  it('opens on the slow-call rate even when every call succeeds', () => {
    const b = new SlidingWindowBreaker({ windowSize: 4, minimumCalls: 4, slowCallDurationMs: 200, slowCallRateThreshold: 0.75 });
    expect(b.slowCallDurationMs).toBe(200);
    expect(b.needsClock).toBe(true);
    b.success(true, 0);
    b.success(false, 0);
    b.success(true, 0);
    expect(b.success(true, 0)).toBe(true);
  });

  it('describes its configuration, and resets its window', () => {
    const b = new SlidingWindowBreaker({ windowMs: 60_000 });
    expect(b.description).toEqual({
      kind: 'sliding_window',
      window: 'time',
      windowMs: 60_000,
      bucketCount: 10,
      failureRateThreshold: 0.5,
      minimumCalls: 10,
      slowCallDurationMs: Number.POSITIVE_INFINITY,
      slowCallRateThreshold: 1,
    });
    b.failure(false, 5);
    b.reset();
    expect(b.window.total).toBe(0);
  });

  it('round-trips its window through JSON', () => {
    const a = new SlidingWindowBreaker({ windowSize: 5 });
    a.failure(true, 0);
    a.success(false, 0);
    const b = new SlidingWindowBreaker({ windowSize: 5 });
    expect(b.restore(JSON.parse(JSON.stringify(a.snapshot(0))), 0)).toBe(true);
    expect(b.window).toEqual({ total: 2, failures: 1, slow: 1 });
    expect(new SlidingWindowBreaker({ windowMs: 100 }).restore(a.snapshot(0), 0)).toBe(false);
  });

  it.each<[SlidingWindowBreakerOptions, string]>([
    [{}, 'SlidingWindowBreaker.windowSize'],
    [{ windowSize: 10, windowMs: 1000 }, 'SlidingWindowBreaker.windowSize'],
    [{ windowSize: 0 }, 'SlidingWindowBreaker.windowSize'],
    [{ windowSize: 10, bucketCount: 5 }, 'SlidingWindowBreaker.bucketCount'],
    [{ windowMs: -1 }, 'SlidingWindowBreaker.windowMs'],
    [{ windowMs: 1000, bucketCount: 0 }, 'SlidingWindowBreaker.bucketCount'],
    [{ windowSize: 10, failureRateThreshold: 0 }, 'SlidingWindowBreaker.failureRateThreshold'],
    [{ windowSize: 10, failureRateThreshold: 50 }, 'SlidingWindowBreaker.failureRateThreshold'],
    [{ windowSize: 10, minimumCalls: 0 }, 'SlidingWindowBreaker.minimumCalls'],
    [{ windowSize: 10, slowCallRateThreshold: 0.5 }, 'SlidingWindowBreaker.slowCallRateThreshold'],
    [{ windowSize: 10, slowCallDurationMs: 0 }, 'SlidingWindowBreaker.slowCallDurationMs'],
  ])('rejects %j with a ConfigError at %s', (options, path) => {
    let error: unknown;
    try {
      new SlidingWindowBreaker(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });
});
