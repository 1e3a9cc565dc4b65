import { ConfigError } from '../errors/config-error.js';
import { RateLimiterPolicy, type RateLimiterOptions } from './rate-limiter-policy.js';

const COMPARED = ['tokensPerInterval', 'intervalMs', 'maxWaitMs'] as const;

/**
 * Named rate limiters: asking twice for one name gives the same bucket, so every caller of an
 * API (say, one LLM provider's tokens per minute) draws from one budget.
 */
export class RateLimiterRegistry {
  readonly #limiters = new Map<string, RateLimiterPolicy>();

  /**
   * The limiter called `name`, created with `options` if there is none. Options given for an
   * existing limiter must agree with the ones it was created with (a ConfigError names the one
   * that does not); `clock` is not compared.
   */
  getOrCreate(name: string, options: RateLimiterOptions): RateLimiterPolicy {
    const existing = this.#limiters.get(name);
    if (existing === undefined) {
      const limiter = new RateLimiterPolicy(name, options);
      this.#limiters.set(name, limiter);
      return limiter;
    }
    for (const key of COMPARED) {
      const given = options?.[key];
      if (given !== undefined && given !== existing.options[key]) {
        throw new ConfigError(
          `rateLimiter("${name}").${key}`,
          'conflicts with the options the existing limiter of that name was created with',
          given,
        );
      }
    }
    return existing;
  }

  get(name: string): RateLimiterPolicy | undefined {
    return this.#limiters.get(name);
  }

  /** Every registered limiter, in creation order. */
  list(): RateLimiterPolicy[] {
    return [...this.#limiters.values()];
  }

  delete(name: string): boolean {
    return this.#limiters.delete(name);
  }

  clear(): void {
    this.#limiters.clear();
  }
}

/** The process-wide registry behind `createRateLimiter` and `getRateLimiter`. */
export const rateLimiters = new RateLimiterRegistry();

/** The token bucket called `name` from the default registry, created on first use. */
export function createRateLimiter(name: string, options: RateLimiterOptions): RateLimiterPolicy {
  return rateLimiters.getOrCreate(name, options);
}

/** The rate limiter called `name` in the default registry, if one was created. */
export function getRateLimiter(name: string): RateLimiterPolicy | undefined {
  return rateLimiters.get(name);
}
