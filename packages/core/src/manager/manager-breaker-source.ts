import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import type { Event } from '../events/event.js';
import type { ResourceBreakers } from './resource-breakers.js';

/**
 * A manager's per-(resource type, provider) breakers seen as a registry of named breakers, for
 * code that shares or exports breakers by name (e.g. `@rampart/redis`' `RedisBreakerSync`).
 * Names are `${team}/${type}/${provider}` (resource-level: `${team}/${type}`).
 */
export interface ManagerBreakerSource {
  /** Every breaker the manager has created so far, in creation order. */
  list(): CircuitBreakerPolicy[];
  /**
   * The team's breaker called `name`, created if it does not exist yet (as a call to that provider
   * would create it). Undefined for another team's name, an unknown resource type, or a type whose
   * chain has no CIRCUIT_BREAK.
   */
  get(name: string): CircuitBreakerPolicy | undefined;
  /** Fires with each breaker the manager creates from now on (on first use, restore, or {@link get}). */
  readonly onBreakerCreated: Event<CircuitBreakerPolicy>;
}

/** The {@link ManagerBreakerSource} view of a manager's breakers (frozen). */
export function managerBreakerSource(breakers: ResourceBreakers): ManagerBreakerSource {
  return Object.freeze({
    list: () => [...breakers.entries()].map((e) => e.breaker),
    get: (name: string) => (typeof name === 'string' ? breakers.byName(name) : undefined),
    onBreakerCreated: (listener: (breaker: CircuitBreakerPolicy) => void) => breakers.onCreated((e) => listener(e.breaker)),
  });
}
