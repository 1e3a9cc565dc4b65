import { readEnvDefaults } from '../config/env-defaults.js';
import { nonNegativeNumber, optionsObject } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import type { Backoff } from './backoff.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface LinearBackoffOptions {
  /** Delay before the first retry, in ms. Default: RETRY_BASE_DELAY (1 s). */
  baseDelayMs?: number;
  /** Added for every further retry, in ms. Default: `baseDelayMs`. */
  stepMs?: number;
  /** Upper bound, in ms. Default: RETRY_MAX_DELAY (60 s), or `baseDelayMs` if larger. */
  maxDelayMs?: number;
}

/** Every option of {@link LinearBackoffOptions}: any other key is a ConfigError. */
const LINEAR_BACKOFF_KEYS: OptionKeys<LinearBackoffOptions> = { baseDelayMs: true, stepMs: true, maxDelayMs: true };

/** `min(maxDelayMs, baseDelayMs + stepMs × (attempt − 1))` (seed 001 "Linear Backoff"). */
export class LinearBackoff implements Backoff {
  readonly options: Readonly<Required<LinearBackoffOptions>>;

  constructor(options?: LinearBackoffOptions) {
    const o = optionsObject('LinearBackoff', options, LINEAR_BACKOFF_KEYS);
    const env = o.baseDelayMs === undefined || o.maxDelayMs === undefined ? readEnvDefaults() : undefined;
    const baseDelayMs = nonNegativeNumber('LinearBackoff.baseDelayMs', o.baseDelayMs ?? env!.retryBaseDelayMs);
    const stepMs = nonNegativeNumber('LinearBackoff.stepMs', o.stepMs ?? baseDelayMs);
    const maxDelayMs =
      o.maxDelayMs === undefined
        ? Math.max(env!.retryMaxDelayMs, baseDelayMs)
        : nonNegativeNumber('LinearBackoff.maxDelayMs', o.maxDelayMs);
    if (maxDelayMs < baseDelayMs) {
      throw new ConfigError('LinearBackoff.maxDelayMs', `must not be below baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`, maxDelayMs);
    }
    this.options = Object.freeze({ baseDelayMs, stepMs, maxDelayMs });
  }

  delayMs(attempt: number): number {
    const { baseDelayMs, stepMs, maxDelayMs } = this.options;
    return Math.min(maxDelayMs, baseDelayMs + stepMs * Math.max(0, attempt - 1));
  }
}
