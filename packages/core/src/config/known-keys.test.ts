import { describe, expect, it } from 'vitest';
import { configError as thrown } from '../__fixtures__/config-path.js';
import { knownKeys, suggestKey, unknownKeyError } from './known-keys.js';
import { optionsObject } from './validate.js';

describe('knownKeys', () => {
  it('accepts the allowed keys, as a list or an OptionKeys record', () => {
    expect(() => knownKeys('retry', { maxAttempts: 3 }, ['maxAttempts', 'strategy'])).not.toThrow();
    expect(() => knownKeys('retry', {}, { maxAttempts: true })).not.toThrow();
  });

  it('names the path of the first unknown key, and keeps its value out of the error', () => {
    const e = thrown(() => knownKeys('llm.providers[0]', { name: 'openai', apikey: 'sk-secret' }, ['name', 'apiKey']));
    expect(e.path).toBe('llm.providers[0].apikey');
    expect(e.message).toBe('llm.providers[0].apikey: unknown option; did you mean apiKey?');
    expect(JSON.stringify(e)).not.toContain('sk-secret');
    expect(thrown(() => knownKeys('retry', { retries: 5 }, ['maxAttempts'])).value).toBe('retries');
  });

  it('rejects a key set to undefined too: it is still a typo', () => {
    expect(thrown(() => knownKeys('retry', { retries: undefined }, ['maxAttempts'])).path).toBe('retry.retries');
  });

  it('lists the known options when nothing is close, and says when there are none', () => {
    expect(thrown(() => knownKeys('timeout', { zzz: 1 }, ['timeoutMs', 'clock'])).message).toBe(
      'timeout.zzz: unknown option; known options: clock, timeoutMs',
    );
    expect(thrown(() => knownKeys('x', { a: 1 }, [])).message).toBe('x.a: unknown option; this object takes no options');
  });

  it('optionsObject checks the keys when given them', () => {
    expect(thrown(() => optionsObject('retry', { retries: 5 } as { maxAttempts?: number }, { maxAttempts: true })).message).toBe(
      'retry.retries: unknown option; did you mean maxAttempts?',
    );
    expect(optionsObject('retry', { maxAttempts: 5 }, { maxAttempts: true })).toEqual({ maxAttempts: 5 });
  });

  it('unknownKeyError at the root names the key alone', () => {
    expect(unknownKeyError('', 'check_interval', ['checkIntervalMs']).path).toBe('check_interval');
  });
});

describe('suggestKey', () => {
  it.each([
    ['retries', ['maxAttempts', 'strategy', 'retryOn'], 'maxAttempts'],
    ['threshold', ['failureThreshold', 'recoveryTimeoutMs'], 'failureThreshold'],
    ['timeout', ['timeoutMs', 'cooperative'], 'timeoutMs'],
    ['maxattempts', ['maxAttempts'], 'maxAttempts'],
    ['baseDelay', ['baseDelayMs', 'maxDelayMs'], 'baseDelayMs'],
    ['check_interval', ['checkIntervalMs', 'checkTimeoutMs'], 'checkIntervalMs'],
    ['maxConcurent', ['maxConcurrent', 'maxQueued'], 'maxConcurrent'],
    ['pollMs', ['pollIntervalMs', 'heartbeatIntervalMs'], 'pollIntervalMs'],
    ['foo', ['maxAttempts', 'strategy'], undefined],
    ['delay', ['timeoutMs'], undefined],
  ] as const)('%s among %j → %s', (key, allowed, expected) => {
    expect(suggestKey(key, allowed)).toBe(expected);
  });
});
