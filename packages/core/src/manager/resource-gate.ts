import type { ChainGate } from '../fallback/chain-runner.js';
import type { MonitorScheduler } from '../health/monitor-scheduler.js';
import { ResourceStatus, type ResourceType } from '../resource/resource-types.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { ResourceGuards } from './resource-guards.js';

const NORMAL: ChainGate = Object.freeze({ proactive: false, breakerOpen: false });
const PROACTIVE: ChainGate = Object.freeze({ proactive: true, breakerOpen: false });
const BREAKER_OPEN: ChainGate = Object.freeze({ proactive: true, breakerOpen: true });

/** Critical or unavailable: the resource should not be called. */
export function isDown(status: ResourceStatus): boolean {
  return status === ResourceStatus.CRITICAL || status === ResourceStatus.UNAVAILABLE;
}

/**
 * Decides, before each call, how the chain runs:
 * - fail fast (`breakerOpen`: only cache and queue steps may answer) when every provider's circuit
 *   breaker is open — or, for a type without providers, its resource-level breaker is;
 * - proactively (skip the primary attempt and RETRY) when, for a resource with providers, its
 *   primary is unavailable (cooling down, its `${type}:${primary}` monitor critical/unavailable,
 *   or its breaker open) or a monitor of the type that is not a provider's reports
 *   critical/unavailable; or, without providers, when any monitor of the type does;
 * - normally otherwise.
 * Monitor aggregates are cached until a status changes.
 */
export class ResourceGate {
  readonly #scheduler: MonitorScheduler;
  readonly #providers: ProviderRegistry;
  readonly #guards: ResourceGuards;
  readonly #cache = new Map<ResourceType, { version: number; list: readonly string[]; down: boolean }>();

  constructor(scheduler: MonitorScheduler, providers: ProviderRegistry, guards: ResourceGuards) {
    this.#scheduler = scheduler;
    this.#providers = providers;
    this.#guards = guards;
  }

  gate(type: ResourceType): ChainGate {
    if (this.#guards.breakers.allOpen(type, this.#providers.get(type))) return BREAKER_OPEN;
    return this.resourceDown(type) || this.primaryDown(type) ? PROACTIVE : NORMAL;
  }

  /** Whether the type's non-provider monitors (all of them, without providers) report it down. */
  resourceDown(type: ResourceType): boolean {
    const version = this.#scheduler.version;
    const list = this.#providers.get(type);
    const cached = this.#cache.get(type);
    if (cached && cached.version === version && cached.list === list) return cached.down;
    const down = isDown(list.length === 0 ? this.#scheduler.statusOf(type) : this.#scheduler.statusOf(type, (n) => !list.includes(n)));
    this.#cache.set(type, { version, list, down });
    return down;
  }

  /** Whether the type's primary provider (if it has providers) is unavailable (cooldown, monitor or breaker). */
  primaryDown(type: ResourceType): boolean {
    const primary = this.#providers.primary(type);
    return primary !== undefined && !this.#providers.isAvailable(type, primary);
  }

  /** Whether the resource can serve again: not down, and some provider (if it has any) available. */
  usable(type: ResourceType): boolean {
    if (this.resourceDown(type)) return false;
    const list = this.#providers.get(type);
    return list.length === 0 || list.some((p) => this.#providers.isAvailable(type, p));
  }
}
