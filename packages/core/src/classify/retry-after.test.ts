import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from './retry-after.js';

const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);

describe('parseRetryAfterMs', () => {
  it('prefers retry-after-ms over retry-after', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1500', 'retry-after': '30' }, NOW)).toBe(1500);
    expect(parseRetryAfterMs(new Headers({ 'Retry-After-Ms': '250.5', 'Retry-After': '30' }), NOW)).toBe(250.5);
  });

  it('reads retry-after as seconds', () => {
    expect(parseRetryAfterMs({ 'Retry-After': '2' }, NOW)).toBe(2000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '0.5' }), NOW)).toBe(500);
    expect(parseRetryAfterMs({ 'retry-after': ['3', '9'] }, NOW)).toBe(3000);
  });

  it('reads retry-after as an HTTP date relative to now', () => {
    const date = new Date(NOW + 7000).toUTCString();
    expect(parseRetryAfterMs({ 'retry-after': date }, NOW)).toBe(7000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': new Date(NOW - 5000).toUTCString() }), NOW)).toBe(0);
  });

  it('falls back to retry-after when retry-after-ms is garbage', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '1' }, NOW)).toBe(1000);
  });

  it('returns undefined when absent or unparseable', () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs({}, NOW)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': 'whenever' }, NOW)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': '-3' }, NOW)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers(), NOW)).toBeUndefined();
  });

  it('defaults now to Date.now()', () => {
    const ms = parseRetryAfterMs({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() });
    expect(ms).toBeGreaterThan(55_000);
    expect(ms).toBeLessThanOrEqual(60_000);
  });
});
