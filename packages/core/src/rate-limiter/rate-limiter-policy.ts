import type { Clock } from '../clock/clock.js';
import { clockOption, nonNegativeNumber, optionsObject, positiveNumber } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import { RateLimitedError } from '../errors/rate-limited-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import { FIRST_ATTEMPT_CONTEXT } from '../retry/retry-context.js';
import {
  FORWARDS_ATTEMPT,
  NEVER_ABORTED_SIGNAL,
  NO_SIGNAL_OPTIONS,
  abortReason,
  peekSignal,
  type LayerExecuteOptions,
} from '../wrap/execute-options.js';
import { LayerOptions } from '../wrap/layer-options.js';
import type { OptionKeys } from '../config/known-keys.js';

export interface RateLimiterOptions {
  /**
   * Units granted per interval, and the bucket's capacity (the largest burst). Units are
   * requests, or any weight the caller passes (LLM tokens).
   */
  tokensPerInterval: number;
  /** The interval, in ms; the bucket refills continuously at tokensPerInterval / intervalMs. */
  intervalMs: number;
  /**
   * Longest a call may wait for units, in ms (Infinity allowed). Default 0: a call that cannot be
   * served at once is rejected with {@link RateLimitedError}, whose `retryAfterMs` says when it could.
   */
  maxWaitMs?: number;
  /** Time source; default the system clock. */
  clock?: Clock;
}

/** Every option of {@link RateLimiterOptions}: any other key is a ConfigError. */
const RATE_LIMITER_KEYS: OptionKeys<RateLimiterOptions> = {
  tokensPerInterval: true, intervalMs: true, maxWaitMs: true, clock: true,
};

/** Options of one call: the caller's signal and the units it needs. */
export interface RateLimiterExecuteOptions {
  signal?: AbortSignal | undefined;
  /** Units this call consumes (default 1), at most `tokensPerInterval`. */
  weight?: number | undefined;
}

export interface RateLimitRejectEvent {
  readonly weight: number;
  readonly retryAfterMs: number;
}

/**
 * A token bucket. Units are reserved in arrival order (a call that must wait holds its place, so
 * later calls never overtake it); waits are abortable, and an aborted wait returns its units.
 * Build with {@link createRateLimiter} (named, shared per name).
 */
export class RateLimiterPolicy implements Policy {
  readonly [FORWARDS_ATTEMPT] = true as const;
  readonly name: string;
  readonly options: Readonly<{ tokensPerInterval: number; intervalMs: number; maxWaitMs: number }>;
  readonly clock: Clock;
  /** Units per ms. */
  readonly #rate: number;
  /** Units in the bucket; negative while waiting calls hold reservations. */
  #tokens: number;
  #updatedAt: number;
  readonly #onReject = new EventEmitter<RateLimitRejectEvent>();
  /** Fired when a call is refused (it would have to wait longer than maxWaitMs). */
  readonly onReject: Event<RateLimitRejectEvent> = this.#onReject.event;

  constructor(name: string, options: RateLimiterOptions) {
    if (typeof name !== 'string' || name === '') throw new ConfigError('rateLimiter.name', 'must be a non-empty string', name);
    const p = `rateLimiter("${name}")`;
    const o = optionsObject(p, options, RATE_LIMITER_KEYS);
    const tokensPerInterval = positiveNumber(`${p}.tokensPerInterval`, o.tokensPerInterval);
    const intervalMs = positiveNumber(`${p}.intervalMs`, o.intervalMs);
    const maxWaitMs = nonNegativeNumber(`${p}.maxWaitMs`, o.maxWaitMs ?? 0, { allowInfinity: true });
    this.name = name;
    this.clock = clockOption(`${p}.clock`, o.clock);
    this.options = Object.freeze({ tokensPerInterval, intervalMs, maxWaitMs });
    this.#rate = tokensPerInterval / intervalMs;
    this.#tokens = tokensPerInterval;
    this.#updatedAt = this.clock.now();
  }

  /** Units available now (negative while calls wait for reserved units). */
  get available(): number {
    this.#refill(this.clock.now());
    return this.#tokens;
  }

  #refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) this.#tokens = Math.min(this.options.tokensPerInterval, this.#tokens + elapsed * this.#rate);
    this.#updatedAt = now;
  }

  #weight(weight: number | undefined): number {
    if (weight === undefined) return 1;
    const w = positiveNumber(`rateLimiter("${this.name}").weight`, weight);
    if (w > this.options.tokensPerInterval) {
      throw new ConfigError(
        `rateLimiter("${this.name}").weight`,
        `exceeds the bucket capacity (${this.options.tokensPerInterval}), so it could never be granted`,
        w,
      );
    }
    return w;
  }

  /** Take `weight` units now if the bucket holds them and nobody waits; never waits. */
  tryAcquire(weight?: number): boolean {
    const w = this.#weight(weight);
    this.#refill(this.clock.now());
    if (this.#tokens < w) return false;
    this.#tokens -= w;
    return true;
  }

  /**
   * Take `weight` units (default 1), waiting up to maxWaitMs in arrival order. Rejects with
   * {@link RateLimitedError} when the wait would be longer, and with the abort reason (returning
   * the units) if `signal` aborts while waiting.
   */
  acquire(weight?: number, signal?: AbortSignal): Promise<void> {
    let w: number;
    try {
      w = this.#weight(weight);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const waitMs = this.#reserve(w);
    if (waitMs === 0) return Promise.resolve();
    if (waitMs < 0) return Promise.reject(this.#reject(w, -waitMs));
    return this.#wait(w, waitMs, signal);
  }

  /** Reserve units: 0 = granted now, > 0 = granted after that wait, < 0 = refused (−retryAfterMs). */
  #reserve(w: number): number {
    this.#refill(this.clock.now());
    const after = this.#tokens - w;
    if (after >= 0) {
      this.#tokens = after;
      return 0;
    }
    const waitMs = -after / this.#rate;
    if (waitMs > this.options.maxWaitMs) return -waitMs;
    this.#tokens = after;
    return waitMs;
  }

  #reject(weight: number, retryAfterMs: number): RateLimitedError {
    this.#onReject.fire({ weight, retryAfterMs });
    return new RateLimitedError(this.name, retryAfterMs);
  }

  async #wait(w: number, waitMs: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.clock.sleep(waitMs, signal);
    } catch (reason) {
      this.#refill(this.clock.now());
      this.#tokens = Math.min(this.options.tokensPerInterval, this.#tokens + w);
      throw reason;
    }
  }

  execute<T>(
    fn: (context: PolicyContext) => PromiseLike<T> | T,
    options?: RateLimiterExecuteOptions & LayerExecuteOptions,
  ): Promise<T> {
    const ctx =
      options === undefined || options === NO_SIGNAL_OPTIONS
        ? FIRST_ATTEMPT_CONTEXT
        : new LayerOptions(options, options.attempt ?? 1, undefined);
    let w: number;
    try {
      w = this.#weight(options?.weight);
    } catch (error) {
      return Promise.reject(error);
    }
    const peeked = peekSignal(options);
    if (peeked?.aborted) return Promise.reject(abortReason(peeked));
    const waitMs = this.#reserve(w);
    if (waitMs < 0) return Promise.reject(this.#reject(w, -waitMs));
    if (waitMs === 0) {
      try {
        return Promise.resolve(fn(ctx));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const signal = options?.signal;
    return this.#wait(w, waitMs, signal === NEVER_ABORTED_SIGNAL ? undefined : signal).then(() => fn(ctx));
  }
}
