import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.js';
import { Coalescer } from './coalescer.js';
import { ResultCache } from './result-cache.js';

describe('ResultCache', () => {
  const options = { maxEntries: 2, ttlMs: 1_000, maxStaleMs: 5_000 };

  it('serves fresh entries, stale ones only when allowed, and nothing past maxStaleMs', () => {
    const clock = new FakeClock();
    const cache = new ResultCache(options, clock);
    cache.set('k', { v: 1 });
    expect(cache.get('k', false)).toEqual({ value: { v: 1 }, ageMs: 0, stale: false });
    clock.tick(1_000);
    expect(cache.get('k', false)).toBeUndefined();
    expect(cache.get('k', true)).toEqual({ value: { v: 1 }, ageMs: 1_000, stale: true });
    clock.tick(5_000);
    expect(cache.get('k', true)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('has() tells whether get() would answer, without refreshing recency', () => {
    const clock = new FakeClock();
    const cache = new ResultCache(options, clock);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.has('a', false)).toBe(true);
    expect(cache.has('zz', true)).toBe(false);
    cache.set('c', 3); // 'a' is still the least recently used: has() did not touch it
    expect(cache.has('a', true)).toBe(false);
    clock.tick(1_000);
    expect(cache.has('b', false)).toBe(false);
    expect(cache.has('b', true)).toBe(true);
    clock.tick(5_000);
    expect(cache.has('b', true)).toBe(false);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new ResultCache(options, new FakeClock());
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a', false);
    cache.set('c', 3);
    expect(cache.get('b', true)).toBeUndefined();
    expect(cache.get('a', true)?.value).toBe(1);
    expect(cache.get('c', true)?.value).toBe(3);
  });

  it('keeps undefined results as entries', () => {
    const cache = new ResultCache(options, new FakeClock());
    cache.set('u', undefined);
    expect(cache.get('u', false)).toEqual({ value: undefined, ageMs: 0, stale: false });
  });
});

describe('Coalescer', () => {
  it('shares one in-flight call per key and forgets it once settled', async () => {
    const c = new Coalescer();
    let calls = 0;
    let release!: (v: string) => void;
    const fn = () => {
      calls++;
      return new Promise<string>((r) => (release = r));
    };
    const a = c.run('k', fn);
    const b = c.run('k', fn);
    const other = c.run('other', async () => 'x');
    expect(calls).toBe(1);
    expect(c.inFlight).toBe(2);
    release('done');
    await expect(Promise.all([a, b, other])).resolves.toEqual(['done', 'done', 'x']);
    expect(c.inFlight).toBe(0);
    const again = c.run('k', fn);
    expect(calls).toBe(2);
    release('second');
    await expect(again).resolves.toBe('second');
  });

  it('shares rejections too', async () => {
    const c = new Coalescer();
    let reject!: (e: Error) => void;
    const fn = () => new Promise<never>((_, r) => (reject = r));
    const a = c.run('k', fn);
    const b = c.run('k', fn);
    reject(new Error('boom'));
    await expect(a).rejects.toThrow('boom');
    await expect(b).rejects.toThrow('boom');
    expect(c.inFlight).toBe(0);
  });
});
