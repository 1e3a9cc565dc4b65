import { readEnvDefaults } from '../config/env-defaults.js';
import { nonNegativeNumber, optionsObject } from '../config/validate.js';
import type { Backoff } from './backoff.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface FixedBackoffOptions {
  /** The same delay before every retry, in ms. Default: RETRY_BASE_DELAY (1 s). */
  delayMs?: number;
}

/** Every option of {@link FixedBackoffOptions}: any other key is a ConfigError. */
const FIXED_BACKOFF_KEYS: OptionKeys<FixedBackoffOptions> = { delayMs: true };

/** A constant delay between retries (seed 001 "Fixed Delay"). */
export class FixedBackoff implements Backoff {
  readonly options: Readonly<Required<FixedBackoffOptions>>;

  constructor(options?: FixedBackoffOptions) {
    const o = optionsObject('FixedBackoff', options, FIXED_BACKOFF_KEYS);
    const delayMs = o.delayMs === undefined ? readEnvDefaults().retryBaseDelayMs : o.delayMs;
    this.options = Object.freeze({ delayMs: nonNegativeNumber('FixedBackoff.delayMs', delayMs) });
  }

  delayMs(): number {
    return this.options.delayMs;
  }
}
