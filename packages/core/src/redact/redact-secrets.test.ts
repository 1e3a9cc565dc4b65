import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { errorForLog } from '../logging/error-for-log.js';
import { redactSecrets } from './redact-secrets.js';
import { scrubError } from './scrub-error.js';
import { isSecretPath } from './secret-path.js';

const SECRET = 'hdr/secret value+1';

describe('redactSecrets', () => {
  it('replaces a configured secret as given, URL-encoded and JSON-escaped, then the usual shapes', () => {
    const text = `x-custom: ${SECRET}; q=${encodeURIComponent(SECRET)}; body ${JSON.stringify({ v: 'a"b\\c' })}; redis://u:pw1@h`;
    expect(redactSecrets(text, [SECRET, 'a"b\\c'])).toBe('x-custom: [redacted]; q=[redacted]; body {"v":"[redacted]"}; redis://u:[redacted]@h');
  });

  it('leaves secrets shorter than 4 characters and undefined ones alone', () => {
    expect(redactSecrets('a 1 b', ['1', undefined])).toBe('a 1 b');
  });
});

describe('scrubError', () => {
  it('scrubs message, stack, body, headers and the whole cause chain in place', () => {
    const root = new Error(`echo ${SECRET}`);
    const body = { error: { message: `got ${SECRET}`, list: [SECRET] } };
    const headers = new Headers({ 'x-echo': SECRET });
    const err = Object.assign(new Error(`HTTP 500: ${SECRET}`, { cause: root }), { error: body, headers, status: 500 });
    const aggregate = new AggregateError([err], `all failed (${SECRET})`);
    expect(scrubError(aggregate, [SECRET])).toBe(aggregate);
    expect(err.message).toBe('HTTP 500: [redacted]');
    expect(err.stack).not.toContain(SECRET);
    expect(root.message).toBe('echo [redacted]');
    expect(err.headers.get('x-echo')).toBe('[redacted]');
    expect(err.status).toBe(500);
    expect(inspect(aggregate, { depth: 8, showHidden: true }) + JSON.stringify(body)).not.toContain(SECRET);
  });

  it('does not walk into objects that are not plain data (a socket, a client)', () => {
    class Client {
      password = SECRET;
    }
    const client = new Client();
    scrubError(Object.assign(new Error('x'), { client }), [SECRET]);
    expect(client.password).toBe(SECRET);
  });
});

describe('errorForLog', () => {
  it('is a redacted copy of the same class, with message, stack and causes; the original is unchanged', () => {
    class ProviderError extends Error {
      override name = 'ProviderError';
      readonly status = 401;
      readonly detail = `key ${SECRET}`;
    }
    const original = new ProviderError(`rejected ${SECRET}`, { cause: new TypeError(`fetch ${SECRET}`) });
    const shown = errorForLog(original, [SECRET])!;
    expect(shown).toBeInstanceOf(ProviderError);
    expect(shown.constructor.name).toBe('ProviderError');
    expect(shown.message).toBe('rejected [redacted]');
    expect(shown.stack).toMatch(/^ProviderError: rejected \[redacted\]\n\s+at /);
    expect({ ...shown }).toMatchObject({ name: 'ProviderError', message: 'rejected [redacted]', status: 401, detail: 'key [redacted]' });
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    expect((shown.cause as Error).message).toBe('fetch [redacted]');
    expect(original.message).toBe(`rejected ${SECRET}`);
  });
});

describe('isSecretPath and ConfigError.value', () => {
  it.each(['apiKey', 'providers[0].apiKey', 'password', 'redis.password', 'accessToken', 'token', 'headers.x-custom', 'providers[1].headers.authorization', 'authorization', 'env.OPENAI_API_KEY', 'client_secret'])(
    '%s is a secret path',
    (path) => expect(isSecretPath(path)).toBe(true),
  );

  it.each(['maxTokens', 'defaultMaxTokens', 'tokenRequired', 'timeoutMs', 'providers[0].name', 'url'])('%s is not', (path) => expect(isSecretPath(path)).toBe(false));

  it('never holds a key, a header value or a URL password, and its message neither', () => {
    expect(new ConfigError('providers[0].apiKey', 'must be a string', 'sk-abcdefghijklmnopqrstuv').value).toBe('[redacted]');
    expect(new ConfigError('headers.x-custom', 'bad', SECRET).value).toBe('[redacted]');
    const url = new ConfigError('primary', 'must be a postgres:// URL', 'mysql://app:hunter2@db/x');
    expect(url.value).toBe('mysql://app:[redacted]@db/x');
    const whole = new ConfigError('providers[0]', 'unknown option', { name: 'a', apiKey: 'k-123456', headers: { 'x-custom': SECRET } });
    expect(JSON.stringify(whole.value)).not.toMatch(/k-123456|hdr\/secret/);
    expect(new ConfigError('peers(x)', 'bad http://u:pw9876@h/', 1).message).toBe('peers(x): bad http://u:[redacted]@h/');
    const fn = () => 1;
    expect(new ConfigError('clock', 'must be a Clock', fn).value).toBe(fn);
    expect(new ConfigError('timeoutMs', 'must be positive', -1).value).toBe(-1);
  });
});
