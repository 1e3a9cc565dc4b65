import type { CircuitStateChange } from '../breaker/circuit-breaker-events.js';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { CircuitState } from '../breaker/circuit-state.js';
import type { Clock } from '../clock/clock.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import { isBuiltInResourceType } from '../resource/resource-type-name.js';
import type { ResourceType } from '../resource/resource-types.js';

/** What one manager breaker protects: a provider of a resource type, or the whole type when it has no providers. */
export interface CircuitScope {
  readonly resource: ResourceType;
  /** The provider (LLM provider, DB replica, MCP server…); undefined = the resource-level breaker. */
  readonly provider: string | undefined;
}

/** A circuit change as {@link ResourceBreakers} reports it; `reason` is 'circuit_break_step' when CIRCUIT_BREAK opened it. */
export type ResourceBreakerChange = Omit<CircuitStateChange, 'reason'> & { reason: CircuitStateChange['reason'] | 'circuit_break_step' };

/** A manager breaker with what it protects. */
export type ResourceBreakerEntry = CircuitScope & { readonly breaker: CircuitBreakerPolicy };

/** Options of {@link ResourceBreakers}. */
export interface ResourceBreakersOptions {
  readonly team: string;
  readonly clock: Clock;
  readonly failureThreshold: number;
  readonly recoveryTimeoutMs: number;
  /** Whether a resource type's chain uses CIRCUIT_BREAK (only those get breakers). */
  readonly usesBreaker: (type: ResourceType) => boolean;
  /** Whether `type` is one of the manager's resource types (built-in or custom). Default: the built-ins. */
  readonly isResourceType?: ((type: string) => boolean) | undefined;
  readonly onCircuitChange: (scope: CircuitScope, breaker: CircuitBreakerPolicy, change: ResourceBreakerChange) => void;
}

/**
 * `database/primary` for a provider's circuit, `database` for a resource-level one: the circuit's
 * id within a team (its breaker is named `${team}/${id}`).
 */
export function circuitId(resource: ResourceType, provider: string | undefined): string {
  return provider === undefined ? resource : `${resource}/${provider}`;
}

/**
 * The manager's circuit breakers, one per (resource type, provider) — like resilience4j's one
 * breaker per backend: a breaker protects one LLM provider, database replica or MCP server, and
 * counts every invocation of that provider (whichever step made it). A resource type without
 * providers has a single resource-level breaker. Only types whose chain has CIRCUIT_BREAK get
 * breakers; they are created on first use, named `${team}/${type}/${provider}` (resource-level:
 * `${team}/${type}`), and kept out of the process-wide registry.
 */
export class ResourceBreakers {
  readonly #o: ResourceBreakersOptions;
  readonly #byType = new Map<ResourceType, Map<string | undefined, CircuitBreakerPolicy>>();
  /** `usesBreaker` per type (chains are fixed at construction). */
  readonly #uses = new Map<ResourceType, boolean>();
  readonly #created = new EventEmitter<ResourceBreakerEntry>();
  #tripping = false;
  /** Fires when a breaker is created (first use, a restored state, or {@link byName}). */
  readonly onCreated: Event<ResourceBreakerEntry> = this.#created.event;

  constructor(options: ResourceBreakersOptions) {
    this.#o = options;
  }

  /** The breaker's name: `${team}/${circuitId(resource, provider)}`. */
  name(resource: ResourceType, provider: string | undefined): string {
    return `${this.#o.team}/${circuitId(resource, provider)}`;
  }

  /** The breaker if it exists (never creates one). */
  get(resource: ResourceType, provider: string | undefined): CircuitBreakerPolicy | undefined {
    return this.#byType.get(resource)?.get(provider);
  }

  /** The breaker (created on first use), or undefined when the type's chain has no CIRCUIT_BREAK. */
  breaker(resource: ResourceType, provider: string | undefined): CircuitBreakerPolicy | undefined {
    let perType = this.#byType.get(resource);
    const existing = perType?.get(provider);
    if (existing) return existing;
    let uses = this.#uses.get(resource);
    if (uses === undefined) this.#uses.set(resource, (uses = this.#o.usesBreaker(resource)));
    if (!uses) return undefined;
    const b = new CircuitBreakerPolicy(this.name(resource, provider), {
      failureThreshold: this.#o.failureThreshold,
      recoveryTimeoutMs: this.#o.recoveryTimeoutMs,
      clock: this.#o.clock,
    });
    const scope: CircuitScope = Object.freeze({ resource, provider });
    b.onStateChange((change) => this.#o.onCircuitChange(scope, b, this.#tripping ? { ...change, reason: 'circuit_break_step' } : change));
    if (!perType) this.#byType.set(resource, (perType = new Map()));
    perType.set(provider, b);
    this.#created.fire({ resource, provider, breaker: b });
    return b;
  }

  /**
   * The breaker called `name` (created on first use, like {@link breaker}): `name` is
   * `${team}/${type}/${provider}` or `${team}/${type}` for this team. Undefined for another team's
   * name, an unknown type, or a type whose chain has no CIRCUIT_BREAK.
   */
  byName(name: string): CircuitBreakerPolicy | undefined {
    const prefix = `${this.#o.team}/`;
    if (!name.startsWith(prefix)) return undefined;
    // `${type}` or `${type}/${provider}` (a type never contains '/'; a provider may)
    const id = name.slice(prefix.length);
    const slash = id.indexOf('/');
    const type = slash < 0 ? id : id.slice(0, slash);
    const provider = slash < 0 ? undefined : id.slice(slash + 1);
    if (!(this.#o.isResourceType ?? isBuiltInResourceType)(type) || provider === '') return undefined;
    return this.breaker(type as ResourceType, provider);
  }

  /** Every breaker created so far, with what it protects. */
  *entries(): IterableIterator<ResourceBreakerEntry> {
    for (const [resource, perType] of this.#byType) for (const [provider, breaker] of perType) yield { resource, provider, breaker };
  }

  /** Whether the breaker is open (an expired open period turns half-open here, and is not open). */
  isOpen(resource: ResourceType, provider: string | undefined): boolean {
    return this.#byType.get(resource)?.get(provider)?.state === CircuitState.Open;
  }

  /** How long until an open breaker admits a probe, ms: 0 when not open, Infinity when isolated. */
  openForMs(resource: ResourceType, provider: string | undefined): number {
    // monotonic: a wall-clock jump neither shortens nor stretches it
    return this.get(resource, provider)?.openForMs ?? 0;
  }

  /**
   * Whether calls to the resource must fail fast: every provider's breaker is open, or — for a
   * type without providers — its resource-level breaker is.
   */
  allOpen(resource: ResourceType, providers: readonly string[]): boolean {
    const perType = this.#byType.get(resource);
    if (!perType) return false;
    if (providers.length === 0) return perType.get(undefined)?.state === CircuitState.Open;
    for (const p of providers) if (perType.get(p)?.state !== CircuitState.Open) return false;
    return true;
  }

  /**
   * Open a closed breaker for its recovery timeout (CIRCUIT_BREAK); an open or half-open one is left
   * alone (a half-open breaker re-opens by itself when its probe fails). The breaker has no "open
   * now" operation, so this restores a snapshot of itself in the open state: the same path
   * persistence uses, which keeps its counters and gives it a proper half-open time. Returns the
   * breaker, or undefined when the type has none.
   */
  trip(resource: ResourceType, provider: string | undefined): CircuitBreakerPolicy | undefined {
    const b = this.breaker(resource, provider);
    if (!b || b.state !== CircuitState.Closed) return b;
    const wall = this.#o.clock.wallNow();
    this.#tripping = true;
    try {
      b.restore({ ...b.snapshot(), state: CircuitState.Open, isolated: false, halfOpenAt: wall + this.#o.recoveryTimeoutMs, lastTransitionAt: wall });
    } finally {
      this.#tripping = false;
    }
    return b;
  }

  /** Whether `error` is this provider's breaker refusing the call (not a failure of the provider itself). */
  isOwnRejection(resource: ResourceType, provider: string | undefined, error: unknown): boolean {
    return error instanceof BrokenCircuitError && error.breaker === this.name(resource, provider);
  }
}
