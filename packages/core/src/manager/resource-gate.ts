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
 * Decides, before each call, how the chain runs. The call's providers are its own list (`execute`'s
 * `providers` option) or else its type's registered list:
 * - fail fast (`breakerOpen`: only cache and queue steps may answer) when every one of the call's
 *   providers has its circuit breaker open — or, for a call without providers, the type's
 *   resource-level breaker is open;
 * - proactively (skip the primary attempt and RETRY) when the call's primary is unavailable
 *   (cooling down, its `${type}:${primary}` monitor critical/unavailable, or its breaker open) or a
 *   monitor of the type that is not a provider's (of any list: registered or per call) reports
 *   critical/unavailable; without providers, when any monitor of the type does;
 * - normally otherwise.
 * Monitor aggregates are cached until a status or the set of known providers changes.
 */
export class ResourceGate {
  readonly #scheduler: MonitorScheduler;
  readonly #providers: ProviderRegistry;
  readonly #guards: ResourceGuards;
  readonly #cache = new Map<ResourceType, { version: number; known: number; down: boolean }>();

  constructor(scheduler: MonitorScheduler, providers: ProviderRegistry, guards: ResourceGuards) {
    this.#scheduler = scheduler;
    this.#providers = providers;
    this.#guards = guards;
  }

  /**
   * The gate of one call; `providers` = the call's own list (undefined = the type's registered list);
   * `operation` = the call's kind of operation (a primary left out of that operation counts as down).
   */
  gate(type: ResourceType, providers?: readonly string[], operation?: string): ChainGate {
    const list = providers ?? this.#providers.get(type);
    if (this.#guards.breakers.allOpen(type, list)) return BREAKER_OPEN;
    return this.resourceDown(type) || this.primaryDown(type, list, operation) ? PROACTIVE : NORMAL;
  }

  /** Whether the type's non-provider monitors (all of them, when the type has no providers at all) report it down. */
  resourceDown(type: ResourceType): boolean {
    const version = this.#scheduler.version;
    const known = this.#providers.knownVersion;
    const cached = this.#cache.get(type);
    if (cached && cached.version === version && cached.known === known) return cached.down;
    const list = this.#providers.known(type);
    const down = isDown(list.length === 0 ? this.#scheduler.statusOf(type) : this.#scheduler.statusOf(type, (n) => !list.includes(n)));
    this.#cache.set(type, { version, known, down });
    return down;
  }

  /** Whether the primary of `list` (default: the type's registered list), if any, is unavailable (cooldown, monitor or breaker). */
  primaryDown(type: ResourceType, list: readonly string[] = this.#providers.get(type), operation?: string): boolean {
    const primary = list[0];
    return primary !== undefined && !this.#providers.isAvailable(type, primary, operation);
  }

  /** Whether the resource can serve again: not down, and some provider (registered or per call), if it has any, available. */
  usable(type: ResourceType): boolean {
    if (this.resourceDown(type)) return false;
    const list = this.#providers.known(type);
    return list.length === 0 || list.some((p) => this.#providers.isAvailable(type, p));
  }
}
