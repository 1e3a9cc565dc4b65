import { ConfigError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import {
  connectionStringPassword,
  describeConnectionString,
  redactConnectionString,
  redactSecrets,
  validateConnectionString,
} from './connection-string.js';

describe('redactConnectionString', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/orders', 'postgres://app:***@db:5432/orders'],
    ['postgresql://app:p%40ss@db/orders?sslmode=require', 'postgresql://app:***@db/orders?sslmode=require'],
    ['postgres://app@db/orders', 'postgres://app@db/orders'],
    ['postgres://db/orders?user=app&password=s3cret', 'postgres://db/orders?user=app&password=***'],
    ['connect to postgres://a:b@h/x failed', 'connect to postgres://a:***@h/x failed'],
    ['bad port postgres://u:pa%ss@h:99999/x', 'bad port postgres://u:***@h:99999/x'],
  ])('%s → %s', (input, expected) => {
    expect(redactConnectionString(input)).toBe(expected);
  });

  it('redactSecrets also removes a bare password wherever the driver echoes it', () => {
    expect(redactSecrets('password authentication failed: hunter22', ['hunter22'])).toBe('password authentication failed: ***');
  });

  it('reads the password and a credential-free description', () => {
    expect(connectionStringPassword('postgres://app:p%40ss@db/orders')).toBe('p@ss');
    expect(connectionStringPassword('postgres://db/orders?password=x1')).toBe('x1');
    expect(connectionStringPassword('postgres://app@db/orders')).toBeUndefined();
    expect(describeConnectionString('postgres://app:pw@db.internal:6543/orders')).toBe('db.internal:6543/orders');
    expect(describeConnectionString('postgres://app:pw@db/orders')).toBe('db:5432/orders');
  });
});

describe('validateConnectionString', () => {
  it('accepts postgres URLs and socket: paths', () => {
    for (const ok of ['postgres://u:p@127.0.0.1:5432/db', 'postgresql://h/db', 'socket:/var/run/postgresql?db=x', 'postgres:///db?host=/var/run/postgresql']) {
      expect(validateConnectionString('cs', ok)).toBe(ok);
    }
  });

  it.each([
    ['', 'non-empty'],
    ['mysql://u:topsecret@h/db', 'must start with'],
    ['postgres://u:topsecret@h:99999/db', 'not a valid URL'],
    ['postgres://u:topsecret@/db', 'not a valid URL'],
    ['postgres:///db?password=topsecret', 'names no host'],
    ['u:topsecret@h/db', 'must start with'],
  ])('refuses %j without leaking the password', (value, message) => {
    try {
      validateConnectionString('primary', value);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.path).toBe('primary');
      expect(e.message).toContain(message);
      expect(`${e.message} ${String(e.value)} ${String(e.cause)}`).not.toContain('topsecret');
    }
  });
});
