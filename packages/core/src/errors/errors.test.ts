import { describe, expect, it } from 'vitest';
import { BrokenCircuitError, ConfigError, RampartError, RetryExhaustedError } from '../index.js';
import { withoutStack } from '../internal.js';

describe('errors', () => {
  it('share a marker that survives two copies of the package', () => {
    const e = new ConfigError('retry.maxAttempts', 'must be at least 1', 0);
    expect(RampartError.isInstance(e)).toBe(true);
    expect(RampartError.isInstance(new Error('x'))).toBe(false);
    expect(RampartError.isInstance({ [Symbol.for('rampart.error')]: true })).toBe(true);
    expect(e.message).toBe('retry.maxAttempts: must be at least 1');
    expect(e.name).toBe('ConfigError');
  });

  it('RetryExhaustedError keeps every attempt and the last as cause', () => {
    const errs = [new Error('a'), new Error('b')];
    const e = new RetryExhaustedError(errs);
    expect(e.cause).toBe(errs[1]);
    expect(e.attempts).toBe(2);
    expect(e.errors).toEqual(errs);
  });

  it('withoutStack builds an error with no frames', () => {
    const e = withoutStack(() => new BrokenCircuitError('db', 123));
    expect(e.stack?.split('\n').length).toBe(1);
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });
});
