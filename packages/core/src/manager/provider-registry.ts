import { classifyError } from '../classify/classify-error.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import type { Clock } from '../clock/clock.js';
import { ProviderRecord } from './provider-record.js';
import { ConfigError } from '../errors/config-error.js';
import { unknownResourceType } from './known-resource-types.js';
import { EventEmitter } from '../events/event.js';
import type { ResourceType } from '../resource/resource-types.js';

/** A provider was put into (or kept in) cooldown. */
export interface ProviderCooldownEvent {
  readonly resource: ResourceTypeName;
  readonly provider: string;
  readonly cooldownMs: number;
  /** Wall-clock epoch ms at which the provider is tried again. */
  readonly until: number;
  readonly error?: unknown;
  /**
   * Set when the failure said the provider cannot take this kind of operation only (`scope:
   * 'operation'`): the provider is left out of calls of this operation until then, and stays
   * available to every other call.
   */
  readonly operation?: string | undefined;
  /**
   * `'shared'` when the cooldown was learnt from another process (another replica's failure,
   * shared through Redis), not from a failure seen here: metrics count a failure where it happened.
   */
  readonly origin?: 'shared' | undefined;
}

/** Options of {@link ProviderRegistry.reportFailure}. */
export interface ProviderFailureOptions {
  /**
   * Skip the provider this long, ms. Default: the error's retry-after; else, for a failure a retry
   * may cure (a timeout, a reset, a 5xx), `transientCooldownMs`; else `providerCooldownMs`.
   */
  cooldownMs?: number | undefined;
  /** The failure, for its retry-after and for logs. */
  error?: unknown;
  /** `'shared'`: the cooldown comes from another process (see {@link ProviderCooldownEvent.origin}). */
  origin?: 'shared' | undefined;
}

/** The circuit breakers of providers, as the registry consults them (see ResourceBreakers). */
export interface ProviderCircuits {
  /** Whether the provider's breaker is open. */
  isOpen(type: ResourceType, provider: string): boolean;
  /** How long until the provider's open breaker admits a probe, ms (0 when not open; Infinity when isolated). */
  openForMs(type: ResourceType, provider: string): number;
}

function validateNames(path: string, names: readonly string[]): void {
  if (!Array.isArray(names)) throw new ConfigError(path, 'must be an array of provider names', names);
  names.forEach((n, i) => {
    if (typeof n !== 'string' || n.length === 0) throw new ConfigError(`${path}[${i}]`, 'must be a non-empty string', n);
  });
  if (new Set(names).size !== names.length) throw new ConfigError(path, 'must not repeat a provider', names);
}

/** Why a provider is skipped: its cooldown, its open circuit breaker, or its monitor reporting it down. */
export type ProviderUnavailableReason = 'cooling_down' | 'circuit_open' | 'monitor_down';


const NO_CIRCUITS: ProviderCircuits = Object.freeze({ isOpen: () => false, openForMs: () => 0 });

/**
 * Per resource type, the ordered providers SWITCH_PROVIDER walks (LLM providers, DB replicas, MCP
 * servers) and their cooldowns, shared by every caller of the team. A call may bring its own
 * ordered list instead ({@link callList}); cooldowns are kept per (type, provider name) either way. Cooldowns are timestamps checked
 * lazily: no timers. `isMonitorDown(key)` tells whether the provider's own monitor
 * (`${type}:${provider}`) reports critical or unavailable; `circuits` whether its circuit breaker
 * is open. A provider is available when none of the three keeps it out.
 */
export class ProviderRegistry {
  readonly #providers = new Map<ResourceType, readonly string[]>();
  /** The manager's resource types (the keys of `initial`). */
  readonly #types: ReadonlySet<string>;
  /** Per type, the names per-call lists have used so far (for reports and the gate). */
  readonly #callNames = new Map<ResourceType, Set<string>>();
  /** Frozen per-call lists already validated and noted (integrations pass the same list on every call). */
  readonly #seenLists = new WeakSet<readonly string[]>();
  readonly #known = new Map<ResourceType, readonly string[]>();
  /**
   * Types whose registered list is in use: set explicitly (config `providers`, `setProviders`), or
   * used by a call without its own list. The seed's default lists of other types are not reported
   * and do not count as the type's providers (an MCP client that names its own servers is not
   * judged by the default 'primary'/'secondary'/'mock').
   */
  readonly #registeredInUse = new Set<ResourceType>();
  #knownVersion = 0;
  /** The one record per (type, provider): cooldown, failures, exclusions, latency (see ProviderRecord). */
  readonly #records = new Map<ResourceType, Map<string, ProviderRecord>>();
  readonly #clock: Clock;
  readonly #defaultCooldownMs: number;
  readonly #transientCooldownMs: number;
  #failureSeq = 0;
  /** Whether the monitor with this key (`${type}:${provider}`) reports its provider down. */
  readonly #isMonitorDown: (key: string) => boolean;
  readonly #circuits: ProviderCircuits;
  readonly #cooldown = new EventEmitter<ProviderCooldownEvent>();
  readonly onCooldown = this.#cooldown.event;

  constructor(
    initial: Readonly<Record<ResourceType, readonly string[]>>,
    cooldowns: { readonly providerCooldownMs: number; readonly transientCooldownMs: number },
    clock: Clock,
    isMonitorDown: (key: string) => boolean,
    circuits: ProviderCircuits = NO_CIRCUITS,
  ) {
    for (const [t, names] of Object.entries(initial)) this.#providers.set(t as ResourceType, names);
    this.#types = new Set(this.#providers.keys());
    this.#defaultCooldownMs = cooldowns.providerCooldownMs;
    this.#transientCooldownMs = Math.min(cooldowns.transientCooldownMs, cooldowns.providerCooldownMs);
    this.#clock = clock;
    this.#isMonitorDown = isMonitorDown;
    this.#circuits = circuits;
  }

  /** Every resource type of the manager (built-in, then custom), whether or not it has providers. */
  types(): Iterable<ResourceType> {
    return this.#providers.keys();
  }

  set(type: ResourceType, names: readonly string[]): void {
    if (!this.#types.has(type)) throw unknownResourceType('resourceType', type, this.#types);
    validateNames(`providers.${type}`, names);
    this.#providers.set(type, Object.freeze([...names]));
    this.#registeredInUse.add(type);
    this.#known.delete(type);
    this.#knownVersion++;
  }

  /** Note that `type`'s registered list is in use (a call without its own list, or explicit config). */
  useRegistered(type: ResourceType): void {
    if (this.#registeredInUse.has(type)) return;
    this.#registeredInUse.add(type);
    this.#known.delete(type);
    this.#knownVersion++;
  }

  get(type: ResourceType): readonly string[] {
    return this.#providers.get(type) ?? [];
  }

  /**
   * Validate the ordered providers of one call (`execute`'s `providers` option) and note their
   * names as providers of `type` (for the gate and the health report). Returns the list, frozen
   * (the same array when it already is: a frozen list is validated once).
   */
  callList(type: ResourceType, names: readonly string[]): readonly string[] {
    if (this.#seenLists.has(names)) return names;
    validateNames('providers', names);
    if (names.length === 0) throw new ConfigError('providers', 'must name at least one provider (omit it to use the registered list)', names);
    const list = Object.isFrozen(names) ? names : Object.freeze([...names]);
    if (list === names) this.#seenLists.add(names);
    let seen = this.#callNames.get(type);
    for (const n of list) {
      if (seen?.has(n)) continue;
      if (!seen) this.#callNames.set(type, (seen = new Set()));
      seen.add(n);
      this.#known.delete(type);
      this.#knownVersion++;
    }
    return list;
  }

  /** Every provider of a type: the registered list (when in use), then the names per-call lists have used. */
  known(type: ResourceType): readonly string[] {
    let list = this.#known.get(type);
    if (!list) {
      const registered = this.#registeredInUse.has(type) ? this.get(type) : [];
      const extra = [...(this.#callNames.get(type) ?? [])].filter((n) => !registered.includes(n));
      list = extra.length === 0 ? registered : Object.freeze([...registered, ...extra]);
      this.#known.set(type, list);
    }
    return list;
  }

  /** Changes whenever {@link known} may have changed: for caching aggregates. */
  get knownVersion(): number {
    return this.#knownVersion;
  }

  /** The first provider of the list (what a plain call uses), if any. */
  primary(type: ResourceType): string | undefined {
    return this.get(type)[0];
  }

  /** The provider's record (created on first use). */
  record(type: ResourceType, provider: string): ProviderRecord {
    let perType = this.#records.get(type);
    if (perType === undefined) this.#records.set(type, (perType = new Map()));
    let r = perType.get(provider);
    if (r === undefined) perType.set(provider, (r = new ProviderRecord()));
    return r;
  }

  /** Whether the provider's own monitor reports it down (its key made once, on its record). */
  #monitorDown(type: ResourceType, provider: string): boolean {
    const r = this.record(type, provider);
    return this.#isMonitorDown((r.monitorKey ??= `${type}:${provider}`));
  }

  /** The provider's record if it has one (never creates one). */
  peek(type: ResourceType, provider: string): ProviderRecord | undefined {
    return this.#records.get(type)?.get(provider);
  }

  /** The provider's record when this invocation of it should be timed (its latency goes there), else undefined. */
  timing(type: ResourceType, provider: string): ProviderRecord | undefined {
    const r = this.record(type, provider);
    return r.timeThisCall() ? r : undefined;
  }

  reportFailure(type: ResourceType, provider: string, options: ProviderFailureOptions = {}): void {
    const r = this.record(type, provider);
    // one fact, one event: the same failure reported again (an integration reported it, then the
    // chain that saw it rethrown) changes nothing and fires nothing
    const error = options.error;
    if (typeof error === 'object' && error !== null) {
      if (r.lastReported === error) return;
      r.lastReported = error;
    }
    const c = options.error === undefined ? undefined : classifyError(options.error);
    const retryAfterMs = c?.retryAfterMs;
    // a failure a retry may cure (a timeout, a reset, a 5xx without retry-after) cools the provider
    // down briefly: a long cooldown would outlive its cause (its breaker counts repeated failures)
    const curable = c !== undefined && (c.kind === 'transient' || c.kind === 'timeout') && c.providerDown !== true;
    const cooldownMs = options.cooldownMs ?? retryAfterMs ?? (curable ? this.#transientCooldownMs : this.#defaultCooldownMs);
    if (!(cooldownMs >= 0) || !Number.isFinite(cooldownMs)) throw new ConfigError('cooldownMs', 'must be a non-negative finite number', cooldownMs);
    const now = this.#clock.now();
    const operation = c?.scope === 'operation' ? c.operation : undefined;
    if (operation !== undefined) {
      // unusable for one kind of operation only: left out of those calls, not of the others
      const ops = (r.operations ??= new Map());
      ops.set(operation, Math.max(ops.get(operation) ?? 0, now + cooldownMs));
    } else {
      r.until = Math.max(r.until, now + cooldownMs);
      if (retryAfterMs !== undefined) r.retryAfterUntil = Math.max(r.retryAfterUntil, now + retryAfterMs);
      r.goneAt = c?.providerDown ? this.#clock.wallNow() : undefined;
    }
    r.failed(options.error, this.#clock.wallNow());
    r.failedAt = now;
    r.failedSeq = ++this.#failureSeq;
    this.#cooldown.fire({
      resource: type,
      provider,
      cooldownMs,
      until: this.#clock.wallNow() + cooldownMs,
      error: options.error,
      ...(operation === undefined ? {} : { operation }),
      ...(options.origin === 'shared' ? { origin: 'shared' as const } : {}),
    });
  }

  /**
   * Wall-clock ms of the provider's last failure when that failure said the provider is gone
   * (`providerDown`: refused, process exited) and its cooldown still stands; else undefined. A
   * monitor check of the provider that started later and found it up disproves it.
   */
  goneSince(type: ResourceType, provider: string): number | undefined {
    const r = this.peek(type, provider);
    return r !== undefined && r.until > this.#clock.now() ? r.goneAt : undefined;
  }

  /**
   * Failures reported so far: read it when an invocation starts and pass it to
   * {@link reportSuccess} as `since`, so an answer to a request made before a failure does not end
   * that failure's cooldown.
   */
  get failureSeq(): number {
    return this.#failureSeq;
  }

  /**
   * The provider answered: its cooldown ends (not an exclusion from one kind of operation: a
   * success does not say which). An answer to a request that started before the provider's last
   * failure says nothing about it since (a 429's retry-after stands): with `since` (the
   * {@link failureSeq} when the request started) or `startedAt` (its monotonic start time), such an
   * answer changes nothing.
   */
  reportSuccess(type: ResourceType, provider: string, started?: { since?: number | undefined; startedAt?: number | undefined }): void {
    const r = this.peek(type, provider);
    if (r === undefined || r.failedSeq === 0) return;
    if (started?.since !== undefined && r.failedSeq > started.since) return;
    if (started?.startedAt !== undefined && r.failedAt > started.startedAt) return;
    r.succeeded();
  }

  /**
   * The provider's monitor reports it healthy again: a cooldown its failures caused ends now; one
   * the provider asked for itself (its retry-after) is honoured to its end. Returns whether the
   * provider is out of cooldown now.
   */
  endFailureCooldown(type: ResourceType, provider: string): boolean {
    const r = this.peek(type, provider);
    if (r === undefined) return true;
    r.goneAt = undefined;
    if (r.retryAfterUntil > this.#clock.now()) {
      r.until = r.retryAfterUntil;
      return false;
    }
    r.until = r.retryAfterUntil = 0;
    return true;
  }

  /** Remaining cooldown of a provider, ms (0 when it may be used). */
  cooldownRemainingMs(type: ResourceType, provider: string): number {
    const r = this.peek(type, provider);
    if (r === undefined || r.until === 0) return 0;
    const left = r.until - this.#clock.now();
    if (left > 0) return left;
    r.until = r.retryAfterUntil = 0;
    return 0;
  }

  /**
   * Not cooling down, its `${type}:${provider}` monitor (if any) not critical or unavailable, and its
   * circuit breaker (if any) not open.
   */
  isAvailable(type: ResourceType, provider: string, operation?: string): boolean {
    if (operation !== undefined && this.operationExcludedForMs(type, provider, operation) > 0) return false;
    return this.cooldownRemainingMs(type, provider) === 0 && !this.#monitorDown(type, provider) && !this.#circuits.isOpen(type, provider);
  }

  /** The operations the provider is left out of now (operation-scoped failures), with how long each still lasts, ms. */
  operationExclusions(type: ResourceType, provider: string): Array<[operation: string, remainingMs: number]> {
    const ops = this.peek(type, provider)?.operations;
    if (ops === undefined) return [];
    const out: Array<[string, number]> = [];
    for (const operation of [...ops.keys()]) {
      const left = this.operationExcludedForMs(type, provider, operation);
      if (left > 0) out.push([operation, left]);
    }
    return out;
  }

  /** How long the provider stays left out of calls of `operation` after an operation-scoped failure, ms (0 = not left out). */
  operationExcludedForMs(type: ResourceType, provider: string, operation: string): number {
    const ops = this.peek(type, provider)?.operations;
    const until = ops?.get(operation);
    if (until === undefined) return 0;
    const left = until - this.#clock.now();
    if (left > 0) return left;
    ops!.delete(operation);
    return 0;
  }

  /** Why a provider is unavailable now, and until when (`undefined` when it is available). */
  whyUnavailable(type: ResourceType, provider: string): { reason: ProviderUnavailableReason; backInMs: number } | undefined {
    if (this.#monitorDown(type, provider)) return { reason: 'monitor_down', backInMs: Number.POSITIVE_INFINITY };
    const open = this.#circuits.openForMs(type, provider);
    const cooling = this.cooldownRemainingMs(type, provider);
    if (open > 0 && open >= cooling) return { reason: 'circuit_open', backInMs: open };
    if (cooling > 0) return { reason: 'cooling_down', backInMs: cooling };
    if (this.#circuits.isOpen(type, provider)) return { reason: 'circuit_open', backInMs: 0 };
    return undefined;
  }

  /**
   * How long until the provider may be used again, ms: 0 when it is available now; the later of
   * its cooldown's end (or its exclusion from `operation`) and its open breaker's half-open time;
   * Infinity when only its monitor can bring it back (it reports critical/unavailable) or its
   * breaker is isolated.
   */
  unavailableForMs(type: ResourceType, provider: string, operation?: string): number {
    if (this.#monitorDown(type, provider)) return Number.POSITIVE_INFINITY;
    const op = operation === undefined ? 0 : this.operationExcludedForMs(type, provider, operation);
    return Math.max(op, this.cooldownRemainingMs(type, provider), this.#circuits.openForMs(type, provider));
  }
}
