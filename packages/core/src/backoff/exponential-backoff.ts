import { readEnvDefaults } from '../config/env-defaults.js';
import { nonNegativeNumber, optionsObject } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import type { Backoff, BackoffContext } from './backoff.js';
import type { OptionKeys } from '../config/known-keys.js';

/**
 * `none`: exactly `base × multiplier^(attempt−1)`, capped. `full`: uniform in [0, that) (AWS
 * "full jitter"). `decorrelated`: uniform in [base, previous × (multiplier + 1)), capped (AWS
 * "decorrelated jitter"; the default multiplier 2 gives AWS's factor 3).
 */
export type Jitter = 'none' | 'full' | 'decorrelated';

export interface ExponentialBackoffOptions {
  /** Delay before the first retry, in ms. Default: RETRY_BASE_DELAY (1 s). */
  baseDelayMs?: number;
  /** Upper bound of every delay, in ms. Default: RETRY_MAX_DELAY (60 s), or `baseDelayMs` if larger. */
  maxDelayMs?: number;
  /** Growth factor per retry, ≥ 1. Default 2. */
  multiplier?: number;
  /** Randomisation; default `'none'`. */
  jitter?: Jitter;
}

/** Every option of {@link ExponentialBackoffOptions}: any other key is a ConfigError. */
const EXPONENTIAL_BACKOFF_KEYS: OptionKeys<ExponentialBackoffOptions> = { baseDelayMs: true, maxDelayMs: true, multiplier: true, jitter: true };

const JITTERS: readonly Jitter[] = ['none', 'full', 'decorrelated'];

/** Exponentially increasing delays (seed 001 "Exponential Backoff"), always within [0, maxDelayMs]. */
export class ExponentialBackoff implements Backoff {
  readonly options: Readonly<Required<ExponentialBackoffOptions>>;

  constructor(options?: ExponentialBackoffOptions) {
    const o = optionsObject('ExponentialBackoff', options, EXPONENTIAL_BACKOFF_KEYS);
    const env = o.baseDelayMs === undefined || o.maxDelayMs === undefined ? readEnvDefaults() : undefined;
    const baseDelayMs = nonNegativeNumber('ExponentialBackoff.baseDelayMs', o.baseDelayMs ?? env!.retryBaseDelayMs);
    const maxDelayMs =
      o.maxDelayMs === undefined
        ? Math.max(env!.retryMaxDelayMs, baseDelayMs)
        : nonNegativeNumber('ExponentialBackoff.maxDelayMs', o.maxDelayMs);
    if (maxDelayMs < baseDelayMs) {
      throw new ConfigError(
        'ExponentialBackoff.maxDelayMs',
        `must not be below baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`,
        maxDelayMs,
      );
    }
    const multiplier = nonNegativeNumber('ExponentialBackoff.multiplier', o.multiplier ?? 2);
    if (multiplier < 1) {
      throw new ConfigError('ExponentialBackoff.multiplier', `must be at least 1, got ${multiplier}`, multiplier);
    }
    const jitter = o.jitter ?? 'none';
    if (!JITTERS.includes(jitter)) {
      throw new ConfigError('ExponentialBackoff.jitter', `must be one of ${JITTERS.join(', ')}, got ${String(jitter)}`, jitter);
    }
    this.options = Object.freeze({ baseDelayMs, maxDelayMs, multiplier, jitter });
  }

  delayMs(attempt: number, context: BackoffContext): number {
    const { baseDelayMs, maxDelayMs, multiplier, jitter } = this.options;
    if (jitter === 'decorrelated') {
      const previous = Math.max(baseDelayMs, context.previousDelayMs ?? baseDelayMs);
      const upper = Math.min(maxDelayMs, previous * (multiplier + 1));
      return Math.min(maxDelayMs, baseDelayMs + context.random() * (upper - baseDelayMs));
    }
    // base 0 × multiplier^n would be 0 × Infinity = NaN for large n
    const exact = baseDelayMs === 0 ? 0 : Math.min(maxDelayMs, baseDelayMs * multiplier ** Math.max(0, attempt - 1));
    return jitter === 'full' ? context.random() * exact : exact;
  }
}
