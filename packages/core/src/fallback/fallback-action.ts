import type { OptionKeys } from '../config/known-keys.js';
import { optionsObject } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { FallbackStrategy } from '../resource/resource-types.js';

/**
 * Options of one step of a fallback chain. Only the options of the step's strategy apply; the
 * others are ignored.
 */
export interface FallbackActionOptions {
  /** SWITCH_PROVIDER: try only this provider instead of walking the provider list. */
  target?: string | undefined;
  /**
   * Order within the chain: steps run by ascending priority; equal priorities keep their listed
   * order. Default 0.
   */
  priority?: number | undefined;
  /** RETRY: re-invocations after the failure (not counting it). Default per resource type. */
  maxAttempts?: number | undefined;
  /** RETRY: backoff kind. Default 'exponential'. */
  backoff?: 'fixed' | 'linear' | 'exponential' | undefined;
  /** RETRY: first delay, ms. Default RETRY_BASE_DELAY (1 s). */
  baseDelayMs?: number | undefined;
  /** RETRY: delay cap, ms. Default RETRY_MAX_DELAY (60 s). */
  maxDelayMs?: number | undefined;
  /** DEGRADE_SERVICE: how many successive degradation levels to try. Default 1. */
  levels?: number | undefined;
  /** SCALE_DOWN: multiply the resource's concurrency by this (0 < factor < 1). Default 0.5. */
  factor?: number | undefined;
  /** SCALE_DOWN: never go below this concurrency. Default 1. */
  minConcurrent?: number | undefined;
}

/** A plain-object chain step, accepted wherever a {@link FallbackAction} is. */
export interface FallbackActionInit extends FallbackActionOptions {
  strategy: FallbackStrategy | `${FallbackStrategy}`;
}

const STRATEGIES = new Set<string>(Object.values(FallbackStrategy));

/** Every option of {@link FallbackActionOptions}: any other key is a ConfigError. */
const FALLBACK_ACTION_KEYS: OptionKeys<FallbackActionOptions> = {
  target: true, priority: true, maxAttempts: true, backoff: true, baseDelayMs: true, maxDelayMs: true, levels: true,
  factor: true, minConcurrent: true,
};

/** One step of a fallback chain: a strategy and its options (seed: `FallbackAction(strategy, target=...)`). */
export class FallbackAction implements FallbackActionInit {
  readonly strategy: FallbackStrategy;
  readonly target: string | undefined;
  readonly priority: number;
  readonly maxAttempts: number | undefined;
  readonly backoff: 'fixed' | 'linear' | 'exponential' | undefined;
  readonly baseDelayMs: number | undefined;
  readonly maxDelayMs: number | undefined;
  readonly levels: number | undefined;
  readonly factor: number | undefined;
  readonly minConcurrent: number | undefined;

  constructor(strategy: FallbackStrategy | `${FallbackStrategy}`, options: FallbackActionOptions = {}) {
    if (!STRATEGIES.has(strategy)) {
      throw new ConfigError('strategy', `unknown strategy ${JSON.stringify(strategy)}`, strategy);
    }
    optionsObject('FallbackAction.options', options, FALLBACK_ACTION_KEYS);
    const { baseDelayMs, maxDelayMs } = options;
    if (baseDelayMs !== undefined && maxDelayMs !== undefined && maxDelayMs < baseDelayMs) {
      throw new ConfigError('FallbackAction.options.maxDelayMs', `must not be below baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`, maxDelayMs);
    }
    this.strategy = strategy as FallbackStrategy;
    this.target = options.target;
    this.priority = options.priority ?? 0;
    this.maxAttempts = options.maxAttempts;
    this.backoff = options.backoff;
    this.baseDelayMs = options.baseDelayMs;
    this.maxDelayMs = options.maxDelayMs;
    this.levels = options.levels;
    this.factor = options.factor;
    this.minConcurrent = options.minConcurrent;
    Object.freeze(this);
  }

  /** A FallbackAction from a plain `{ strategy, ... }` object (or the same action). */
  static from(init: FallbackAction | FallbackActionInit): FallbackAction {
    if (init instanceof FallbackAction) return init;
    const { strategy, ...options } = init;
    return new FallbackAction(strategy, options);
  }
}
