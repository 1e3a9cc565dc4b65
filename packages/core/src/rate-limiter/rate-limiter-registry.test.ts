import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { createRateLimiter, getRateLimiter, rateLimiters } from './rate-limiter-registry.js';

afterEach(() => rateLimiters.clear());

describe('createRateLimiter', () => {
  it('shares one bucket per name', async () => {
    const clock = new FakeClock();
    const a = createRateLimiter('openai', { tokensPerInterval: 2, intervalMs: 1000, clock });
    const b = createRateLimiter('openai', { tokensPerInterval: 2, intervalMs: 1000 });
    expect(b).toBe(a);
    expect(getRateLimiter('openai')).toBe(a);
    expect(getRateLimiter('other')).toBeUndefined();
    await a.acquire();
    await b.acquire();
    expect(a.tryAcquire()).toBe(false);
    expect(rateLimiters.list()).toEqual([a]);
  });

  it('refuses conflicting options for an existing name', () => {
    createRateLimiter('db', { tokensPerInterval: 2, intervalMs: 1000 });
    try {
      createRateLimiter('db', { tokensPerInterval: 3, intervalMs: 1000 });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).path).toBe('rateLimiter("db").tokensPerInterval');
      expect((e as ConfigError).value).toBe(3);
    }
    expect(rateLimiters.delete('db')).toBe(true);
    expect(createRateLimiter('db', { tokensPerInterval: 3, intervalMs: 1000 }).options.tokensPerInterval).toBe(3);
  });
});
