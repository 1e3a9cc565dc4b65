import { ConfigError } from '../errors/config-error.js';

/** Defaults read from the environment, converted to Rampart's units (ms). */
export interface EnvDefaults {
  /** CIRCUIT_FAILURE_THRESHOLD: consecutive failures that open a breaker. Default 5. */
  readonly circuitFailureThreshold: number;
  /** CIRCUIT_RECOVERY_TIMEOUT (seconds) → ms. Default 60 s. */
  readonly circuitRecoveryTimeoutMs: number;
  /** RETRY_MAX_ATTEMPTS: attempts including the first. Default 3. */
  readonly retryMaxAttempts: number;
  /** RETRY_BASE_DELAY (seconds) → ms. Default 1.0 s. */
  readonly retryBaseDelayMs: number;
  /** RETRY_MAX_DELAY (seconds) → ms. Default 60.0 s. */
  readonly retryMaxDelayMs: number;
  /** RESILIENCE_CHECK_INTERVAL (seconds) → ms. Default 30 s. */
  readonly resilienceCheckIntervalMs: number;
  /** RESILIENCE_STORAGE_PATH; undefined when unset. */
  readonly resilienceStoragePath: string | undefined;
}

type Env = Record<string, string | undefined>;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parse a decimal number from a variable; undefined when unset or blank. */
function readNumber(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw new ConfigError(name, `must be a number, got "${raw}"`, raw);
  if (n < 0) throw new ConfigError(name, `must not be negative, got "${raw}"`, raw);
  return n;
}

function readPositiveInt(env: Env, name: string, fallback: number): number {
  const n = readNumber(env, name);
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(name, `must be an integer ≥ 1, got "${env[name]}"`, env[name]);
  return n;
}

function readSecondsAsMs(env: Env, name: string, fallbackSeconds: number, allowZero: boolean): number {
  const n = readNumber(env, name) ?? fallbackSeconds;
  if (!allowZero && n === 0) throw new ConfigError(name, `must be greater than 0, got "${env[name]}"`, env[name]);
  return Math.round(n * 1000);
}

/**
 * Read Rampart's defaults from environment variables (seed 001, "Configuration"); durations are
 * given in seconds and returned in ms. Blank variables count as unset. Invalid values (not a
 * number, negative, `RETRY_MAX_ATTEMPTS=0`, a max delay below the base delay) throw a
 * {@link ConfigError} naming the variable and the value. Returns a new frozen object.
 */
export function readEnvDefaults(env: Env = process.env): EnvDefaults {
  const retryBaseDelayMs = readSecondsAsMs(env, 'RETRY_BASE_DELAY', 1.0, true);
  const retryMaxDelayMs = readSecondsAsMs(env, 'RETRY_MAX_DELAY', 60.0, true);
  if (retryMaxDelayMs < retryBaseDelayMs) {
    const value = env.RETRY_MAX_DELAY ?? String(retryMaxDelayMs / 1000);
    throw new ConfigError(
      'RETRY_MAX_DELAY',
      `must not be below RETRY_BASE_DELAY (${retryBaseDelayMs / 1000} s), got "${value}"`,
      value,
    );
  }
  const storage = env.RESILIENCE_STORAGE_PATH;
  return Object.freeze({
    circuitFailureThreshold: readPositiveInt(env, 'CIRCUIT_FAILURE_THRESHOLD', 5),
    circuitRecoveryTimeoutMs: readSecondsAsMs(env, 'CIRCUIT_RECOVERY_TIMEOUT', 60, true),
    retryMaxAttempts: readPositiveInt(env, 'RETRY_MAX_ATTEMPTS', 3),
    retryBaseDelayMs,
    retryMaxDelayMs,
    resilienceCheckIntervalMs: readSecondsAsMs(env, 'RESILIENCE_CHECK_INTERVAL', 30, false),
    resilienceStoragePath: storage === undefined || storage.trim() === '' ? undefined : storage,
  });
}
