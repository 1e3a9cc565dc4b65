import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { readEnvDefaults } from './env-defaults.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('readEnvDefaults', () => {
  it('returns the seed defaults in ms when nothing is set', () => {
    const d = readEnvDefaults({});
    expect(d).toEqual({
      circuitFailureThreshold: 5,
      circuitRecoveryTimeoutMs: 60_000,
      retryMaxAttempts: 3,
      retryBaseDelayMs: 1000,
      retryMaxDelayMs: 60_000,
      resilienceCheckIntervalMs: 30_000,
      resilienceStoragePath: undefined,
    });
    expect(Object.isFrozen(d)).toBe(true);
  });

  it('converts seconds to ms and reads every variable', () => {
    const d = readEnvDefaults({
      CIRCUIT_FAILURE_THRESHOLD: '7',
      CIRCUIT_RECOVERY_TIMEOUT: '2.5',
      RETRY_MAX_ATTEMPTS: '5',
      RETRY_BASE_DELAY: '0.25',
      RETRY_MAX_DELAY: ' 10 ',
      RESILIENCE_CHECK_INTERVAL: '15',
      RESILIENCE_STORAGE_PATH: '/data/resilience',
    });
    expect(d).toMatchObject({
      circuitFailureThreshold: 7,
      circuitRecoveryTimeoutMs: 2500,
      retryMaxAttempts: 5,
      retryBaseDelayMs: 250,
      retryMaxDelayMs: 10_000,
      resilienceCheckIntervalMs: 15_000,
      resilienceStoragePath: '/data/resilience',
    });
  });

  it('treats blank variables as unset', () => {
    expect(readEnvDefaults({ RETRY_MAX_ATTEMPTS: '  ', RESILIENCE_STORAGE_PATH: '' })).toMatchObject({
      retryMaxAttempts: 3,
      resilienceStoragePath: undefined,
    });
  });

  it.each([
    ['RETRY_MAX_ATTEMPTS', '0'],
    ['RETRY_MAX_ATTEMPTS', '2.5'],
    ['RETRY_MAX_ATTEMPTS', 'three'],
    ['CIRCUIT_FAILURE_THRESHOLD', '-1'],
    ['CIRCUIT_RECOVERY_TIMEOUT', '-5'],
    ['RETRY_BASE_DELAY', 'NaN'],
    ['RETRY_BASE_DELAY', '0x10'],
    ['RETRY_MAX_DELAY', 'Infinity'],
    ['RESILIENCE_CHECK_INTERVAL', '0'],
  ])('rejects %s=%s with a ConfigError naming the variable and value', (name, value) => {
    const e = configError(() => readEnvDefaults({ [name]: value }));
    expect(e.path).toBe(name);
    expect(e.value).toBe(value);
    expect(e.message).toContain(name);
    expect(e.message).toContain(value);
  });

  it('rejects a max delay below the base delay', () => {
    const e = configError(() => readEnvDefaults({ RETRY_BASE_DELAY: '5', RETRY_MAX_DELAY: '2' }));
    expect(e.path).toBe('RETRY_MAX_DELAY');
    expect(e.value).toBe('2');
  });

  it('reads process.env by default', () => {
    const saved = process.env.RETRY_MAX_ATTEMPTS;
    process.env.RETRY_MAX_ATTEMPTS = '9';
    try {
      expect(readEnvDefaults().retryMaxAttempts).toBe(9);
    } finally {
      if (saved === undefined) delete process.env.RETRY_MAX_ATTEMPTS;
      else process.env.RETRY_MAX_ATTEMPTS = saved;
    }
  });
});
