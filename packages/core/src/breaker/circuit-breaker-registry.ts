import { ConfigError } from '../errors/config-error.js';
import { conflictingOption, type CircuitBreakerOptions } from './circuit-breaker-options.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { CircuitChangeLog } from './circuit-change-log.js';

/**
 * Named circuit breakers. Asking twice for one name gives the same breaker, so
 * `@circuitBreaker('external_api')` on two methods shares one circuit.
 */
export class CircuitBreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreakerPolicy>();
  /**
   * @internal Which breakers changed (created, removed, a call, a state change), so the health
   * report re-reads only those; see {@link CircuitChangeLog}.
   */
  readonly changes = new CircuitChangeLog<CircuitBreakerPolicy>();

  /**
   * The breaker called `name`, created with `options` if there is none. Options given for an
   * existing breaker must agree with the ones it was created with (options left out never
   * conflict); otherwise a ConfigError names the conflicting option.
   */
  getOrCreate(name: string, options?: CircuitBreakerOptions): CircuitBreakerPolicy {
    const existing = this.#breakers.get(name);
    if (existing === undefined) {
      const breaker = new CircuitBreakerPolicy(name, options);
      this.#breakers.set(name, breaker);
      this.changes.capacity = Math.max(this.changes.capacity, 2 * this.#breakers.size);
      breaker._changes = this.changes;
      this.changes.append(breaker);
      return breaker;
    }
    const conflict = conflictingOption(name, existing.options, options);
    if (conflict !== undefined) {
      throw new ConfigError(
        `circuitBreaker("${name}").${conflict.option}`,
        'conflicts with the options the existing breaker of that name was created with',
        conflict.value,
      );
    }
    return existing;
  }

  get(name: string): CircuitBreakerPolicy | undefined {
    return this.#breakers.get(name);
  }

  has(name: string): boolean {
    return this.#breakers.has(name);
  }

  /** Every registered breaker, in creation order. */
  list(): CircuitBreakerPolicy[] {
    return [...this.#breakers.values()];
  }

  /** Forget one breaker (calls through it keep working; the name can be created afresh). */
  delete(name: string): boolean {
    const breaker = this.#breakers.get(name);
    if (breaker === undefined) return false;
    this.#breakers.delete(name);
    breaker._changes = undefined;
    this.changes.append(breaker);
    return true;
  }

  /** Forget every breaker. */
  clear(): void {
    for (const b of this.#breakers.values()) b._changes = undefined;
    this.#breakers.clear();
    this.changes.invalidate();
  }

  /** How many breakers are registered. */
  get size(): number {
    return this.#breakers.size;
  }
}

/** The process-wide registry behind `createCircuitBreaker` and `getCircuitBreaker`. */
export const circuitBreakers = new CircuitBreakerRegistry();

/**
 * The circuit breaker called `name` from the default registry, created on first use. Defaults
 * come from CIRCUIT_FAILURE_THRESHOLD and CIRCUIT_RECOVERY_TIMEOUT (seconds), else 5 and 60 s.
 */
export function createCircuitBreaker(name: string, options?: CircuitBreakerOptions): CircuitBreakerPolicy {
  return circuitBreakers.getOrCreate(name, options);
}

/** The circuit breaker called `name` in the default registry, if one was created. */
export function getCircuitBreaker(name: string): CircuitBreakerPolicy | undefined {
  return circuitBreakers.get(name);
}
