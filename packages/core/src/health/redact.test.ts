import { describe, expect, it } from 'vitest';
import { redactDetails, redactString } from './redact.js';

describe('redaction', () => {
  it('removes passwords from connection strings, bearer tokens and key-shaped words', () => {
    expect(redactString('postgres://app:s3cr3t@db.local:5432/x')).toBe('postgres://app:[redacted]@db.local:5432/x');
    expect(redactString('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer [redacted]');
    expect(redactString('key sk-proj-abcdefghijklmnopqrstuv used')).toBe('key [redacted] used');
    expect(redactString('https://h/p?api_key=XYZ123&q=1')).toBe('https://h/p?api_key=[redacted]&q=1');
    expect(redactString('plain text, 85% used')).toBe('plain text, 85% used');
    expect(redactString('http://***:***@host/ stays as redactUrl left it')).toBe('http://***:***@host/ stays as redactUrl left it');
    expect(redactString("host=db password=s3cr3t user=app")).toBe('host=db password=[redacted] user=app');
    expect(redactString("host=db password='s 3cr3t' user=app")).toBe('host=db password=[redacted] user=app');
  });

  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const out = redactDetails({
      remaining: 10,
      limit: 100,
      apiKey: 'sk-abc',
      nested: { password: 'p', url: 'redis://:pw@127.0.0.1:6379', list: [{ token: 't' }, 'x'] },
      error: new Error('connect to mysql://u:hunter2@h failed'),
      fn: () => 1,
      cyclic,
    });
    expect(out).toEqual({
      remaining: 10,
      limit: 100,
      apiKey: '[redacted]',
      nested: { password: '[redacted]', url: 'redis://:[redacted]@127.0.0.1:6379', list: [{ token: '[redacted]' }, 'x'] },
      error: 'connect to mysql://u:[redacted]@h failed',
      cyclic: { n: 1, self: '[…]' },
    });
    expect(JSON.stringify(out)).not.toContain('hunter2');
  });
});
