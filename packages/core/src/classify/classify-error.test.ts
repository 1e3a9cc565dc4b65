import { afterEach, describe, expect, it } from 'vitest';
import type { Disposable } from '../policy/policy.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error.js';
import { ConfigError } from '../errors/config-error.js';
import { RateLimitedError } from '../errors/rate-limited-error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { classifyError, errorClassifierCount, registerErrorClassifier } from './classify-error.js';

function httpError(status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status }, extra);
}

function codeError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

const subscriptions: Disposable[] = [];
afterEach(() => {
  for (const s of subscriptions.splice(0)) s.dispose();
  expect(errorClassifierCount()).toBe(0);
});

describe('classifyError defaults', () => {
  it('classes HTTP statuses', () => {
    expect(classifyError(httpError(429))).toEqual({ kind: 'rate_limited' });
    expect(classifyError(httpError(408))).toEqual({ kind: 'transient' });
    expect(classifyError(httpError(500))).toEqual({ kind: 'transient' });
    expect(classifyError(httpError(503))).toEqual({ kind: 'transient' });
    expect(classifyError(httpError(400))).toEqual({ kind: 'permanent' });
    expect(classifyError(httpError(404))).toEqual({ kind: 'permanent' });
    expect(classifyError(httpError(401))).toEqual({ kind: 'permanent', scope: 'provider' });
    expect(classifyError(httpError(403))).toEqual({ kind: 'permanent', scope: 'provider' });
    expect(classifyError(Object.assign(new Error('x'), { statusCode: 502 }))).toEqual({ kind: 'transient' });
    expect(classifyError({ response: { status: 422 } })).toEqual({ kind: 'permanent' });
  });

  it('reads retry-after from retryAfterMs or headers', () => {
    expect(classifyError(httpError(429, { retryAfterMs: 1234 }))).toEqual({ kind: 'rate_limited', retryAfterMs: 1234 });
    expect(classifyError(httpError(429, { headers: { 'retry-after': '3' } }))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    });
    expect(classifyError(httpError(503, { headers: new Headers({ 'retry-after-ms': '40' }) }))).toEqual({
      kind: 'transient',
      retryAfterMs: 40,
    });
    expect(classifyError(httpError(429, { response: { headers: { 'Retry-After': '1' } } })).retryAfterMs).toBe(1000);
  });

  it('classes network error codes as transient, also when wrapped as a cause (fetch)', () => {
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']) {
      expect(classifyError(codeError(code))).toEqual({ kind: 'transient' });
    }
    // nothing listens, no route, no such host: the provider itself is down (a chain switches at once)
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']) {
      expect(classifyError(codeError(code))).toEqual({ kind: 'transient', providerDown: true });
    }
    const fetchFailed = new TypeError('fetch failed', { cause: codeError('ECONNREFUSED') });
    expect(classifyError(fetchFailed)).toEqual({ kind: 'transient', providerDown: true });
    expect(classifyError(codeError('ENOENT'))).toEqual({ kind: 'transient' });
  });

  it('classes programming errors as permanent and anything else as transient', () => {
    expect(classifyError(new TypeError('x'))).toEqual({ kind: 'permanent' });
    expect(classifyError(new RangeError('x'))).toEqual({ kind: 'permanent' });
    expect(classifyError(new ReferenceError('x'))).toEqual({ kind: 'permanent' });
    expect(classifyError(new SyntaxError('x'))).toEqual({ kind: 'permanent' });
    class MyTypeError extends TypeError {
      override name = 'MyTypeError';
    }
    expect(classifyError(new MyTypeError('x'))).toEqual({ kind: 'permanent' });
    expect(classifyError(new Error('boom'))).toEqual({ kind: 'transient' });
    expect(classifyError('a string')).toEqual({ kind: 'transient' });
    expect(classifyError(undefined)).toEqual({ kind: 'transient' });
    expect(classifyError(httpError(302))).toEqual({ kind: 'transient' });
  });

  it('classes Rampart errors and aborts', () => {
    expect(classifyError(new TimeoutError(100))).toEqual({ kind: 'timeout' });
    expect(classifyError(new RateLimitedError('llm', 250))).toEqual({ kind: 'rate_limited', retryAfterMs: 250 });
    expect(classifyError(new ConfigError('a', 'bad', 1))).toEqual({ kind: 'permanent' });
    expect(classifyError(new BrokenCircuitError('db', 1))).toEqual({ kind: 'transient', providerDown: true, retryable: false });
    expect(classifyError(new BulkheadRejectedError(1, 0))).toEqual({ kind: 'transient' });
    expect(classifyError(new DOMException('aborted', 'AbortError'))).toEqual({ kind: 'permanent' });
    expect(classifyError(new DOMException('t', 'TimeoutError'))).toEqual({ kind: 'timeout' });
    expect(classifyError(new RetryExhaustedError([new Error('a'), httpError(400)]))).toEqual({ kind: 'permanent' });
    expect(classifyError(new RetryExhaustedError([httpError(503)]))).toEqual({ kind: 'transient' });
  });

  it('honours an own rampartClassification property before the defaults', () => {
    const err = Object.assign(new TypeError('ctx window'), {
      rampartClassification: { kind: 'permanent', scope: 'provider' },
    });
    expect(classifyError(err)).toEqual({ kind: 'permanent', scope: 'provider' });
    const bogus = Object.assign(httpError(500), { rampartClassification: { kind: 'weird' } });
    expect(classifyError(bogus)).toEqual({ kind: 'transient' });
    const inherited = Object.create({ rampartClassification: { kind: 'permanent' } }) as object;
    expect(classifyError(inherited)).toEqual({ kind: 'transient' });
  });
});

describe('registerErrorClassifier', () => {
  it('runs before everything, first match wins, and can be disposed', () => {
    const err = httpError(500, { rampartClassification: { kind: 'transient' } });
    const seen: string[] = [];
    subscriptions.push(
      registerErrorClassifier((e) => {
        seen.push('first');
        return e === err ? { kind: 'permanent' } : undefined;
      }),
    );
    const second = registerErrorClassifier(() => {
      seen.push('second');
      return { kind: 'timeout' };
    });
    subscriptions.push(second);
    expect(classifyError(err)).toEqual({ kind: 'permanent' });
    expect(seen).toEqual(['first']);
    expect(classifyError(new Error('other'))).toEqual({ kind: 'timeout' });
    second.dispose();
    expect(classifyError(new Error('other'))).toEqual({ kind: 'transient' });
  });

  it('skips classifiers that throw or return malformed results', () => {
    subscriptions.push(registerErrorClassifier(() => {
      throw new Error('buggy classifier');
    }));
    subscriptions.push(registerErrorClassifier(() => ({ kind: 'nope' }) as never));
    expect(classifyError(httpError(429))).toEqual({ kind: 'rate_limited' });
  });
});
