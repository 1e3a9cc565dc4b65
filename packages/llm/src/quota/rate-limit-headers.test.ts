import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatResetDuration } from '../testing/mock-wire.js';
import { parseResetMs, readRateLimitHeaders } from './rate-limit-headers.js';

const NOW = Date.parse('2026-11-01T12:00:00Z');

describe('parseResetMs', () => {
  it.each([
    ['6m0s', 360_000],
    ['12ms', 12],
    ['1.5s', 1500],
    ['1h2m3s', 3_723_000],
    ['30', 30_000],
    ['2026-11-01T12:00:30Z', 30_000],
    ['2026-11-01T11:00:00Z', 0],
  ])('%s → %d ms', (value, expected) => {
    expect(parseResetMs(value, NOW)).toBe(expected);
  });

  it.each(['', 'soon', '5x', '1m-2s', '2026-13-45T99:00:00Z'])('rejects %j', (value) => {
    expect(parseResetMs(value, NOW)).toBeUndefined();
  });

  it('reads back every duration the OpenAI format writes (to the ms)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 3_600_000 }), (ms) => {
        expect(parseResetMs(formatResetDuration(ms), NOW)).toBeCloseTo(ms, 0);
      }),
    );
  });
});

describe('readRateLimitHeaders', () => {
  it('reads OpenAI x-ratelimit-* headers into windows with usage %', () => {
    const q = readRateLimitHeaders(
      new Headers({
        'x-ratelimit-limit-requests': '100',
        'x-ratelimit-remaining-requests': '25',
        'x-ratelimit-reset-requests': '6m0s',
        'x-ratelimit-limit-tokens': '1000',
        'x-ratelimit-remaining-tokens': '900',
        'x-ratelimit-reset-tokens': '12ms',
      }),
      NOW,
    );
    expect(q).toEqual({
      windows: {
        requests: { limit: 100, remaining: 25, resetMs: 360_000, usagePercent: 75 },
        tokens: { limit: 1000, remaining: 900, resetMs: 12, usagePercent: 10 },
      },
      usagePercent: 75,
    });
  });

  it('reads anthropic-ratelimit-* headers (RFC 3339 resets) from a plain record', () => {
    const q = readRateLimitHeaders(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-11-01T12:01:00Z',
        'anthropic-ratelimit-input-tokens-limit': '10000',
        'anthropic-ratelimit-input-tokens-remaining': '500',
        'anthropic-ratelimit-input-tokens-reset': '2026-11-01T12:00:01Z',
      },
      NOW,
    );
    expect(q?.windows.requests).toEqual({ limit: 50, remaining: 49, resetMs: 60_000, usagePercent: 2 });
    expect(q?.windows.input_tokens).toEqual({ limit: 10000, remaining: 500, resetMs: 1000, usagePercent: 95 });
    expect(q?.usagePercent).toBe(95);
  });

  it('returns undefined without rate-limit headers and ignores malformed numbers', () => {
    expect(readRateLimitHeaders(new Headers({ 'content-type': 'application/json' }), NOW)).toBeUndefined();
    expect(readRateLimitHeaders({ 'x-ratelimit-limit-requests': 'ten', 'x-ratelimit-remaining-requests': '1' }, NOW)).toBeUndefined();
    expect(readRateLimitHeaders(undefined, NOW)).toBeUndefined();
  });
});
