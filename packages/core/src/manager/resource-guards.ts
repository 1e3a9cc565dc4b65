import { createBulkhead, type BulkheadPolicy } from '../bulkhead/bulkhead-policy.js';
import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { wrap, type WrappedPolicy } from '../wrap/wrap.js';
import type { Clock } from '../clock/clock.js';
import type { FallbackAction } from '../fallback/fallback-action.js';
import type { ResourceType } from '../resource/resource-types.js';
import { ResourceBreakers, type ResourceBreakersOptions } from './resource-breakers.js';

/** Options of {@link ResourceGuards}. */
export interface ResourceGuardsOptions extends ResourceBreakersOptions {
  readonly clock: Clock;
  /** Configured concurrency per resource type (SCALE_DOWN's starting point); absent = unlimited. */
  readonly concurrency: Readonly<Partial<Record<ResourceType, number>>>;
  /** Callers a scaled-down bulkhead lets wait. */
  readonly maxQueued: number;
  /** Where each provider invocation's duration is recorded (its record in the provider registry, for the health report's latency). */
  readonly observations?: { timing(type: ResourceType, provider: string): { latency(ms: number): void } | undefined } | undefined;
}

/** A provider's guards composed: the policy and the parts it was built from. */
interface Guard {
  readonly policy: WrappedPolicy<never>;
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly bulkhead: BulkheadPolicy | undefined;
}

/**
 * The per-resource policies the manager's invocations go through: the circuit breaker of the
 * provider invoked (see {@link ResourceBreakers}: one per provider, or one per resource type
 * without providers; only for types whose chain has CIRCUIT_BREAK) and a bulkhead per resource
 * type (when a concurrency is configured or SCALE_DOWN lowered it). Also counts in-flight calls.
 */
export class ResourceGuards {
  readonly #o: ResourceGuardsOptions;
  readonly breakers: ResourceBreakers;
  readonly #bulkheads = new Map<ResourceType, BulkheadPolicy>();
  readonly #inFlight = new Map<ResourceType, { n: number }>();
  /** Per type and provider, its guards composed once (see #guard). */
  readonly #guards = new Map<ResourceType, Map<string | undefined, Guard>>();

  constructor(options: ResourceGuardsOptions) {
    this.#o = options;
    this.breakers = new ResourceBreakers(options);
    for (const [type, n] of Object.entries(options.concurrency) as Array<[ResourceType, number]>) {
      this.#bulkheads.set(type, createBulkhead({ maxConcurrent: n, maxQueued: options.maxQueued, clock: options.clock }));
    }
  }

  inFlight(type: ResourceType): number {
    return this.#inFlight.get(type)?.n ?? 0;
  }

  /** Current concurrency limit (Infinity = unlimited). */
  concurrency(type: ResourceType): number {
    return this.#bulkheads.get(type)?.maxConcurrent ?? Number.POSITIVE_INFINITY;
  }

  /** SCALE_DOWN: multiply the limit (or, when unlimited, the in-flight count) by `factor`. */
  scaleDown(type: ResourceType, action: FallbackAction): { from: number; to: number } {
    const factor = action.factor ?? 0.5;
    const min = action.minConcurrent ?? 1;
    const from = this.concurrency(type);
    const basis = Number.isFinite(from) ? from : Math.max(1, this.inFlight(type));
    const to = Math.max(min, Math.floor(basis * factor));
    if (to >= from) return { from, to: from };
    const bulkhead = this.#bulkheads.get(type);
    if (bulkhead) bulkhead.setMaxConcurrent(to);
    else this.#bulkheads.set(type, createBulkhead({ maxConcurrent: to, maxQueued: this.#o.maxQueued, clock: this.#o.clock }));
    return { from, to };
  }

  /** Back to the configured concurrency (after recovery); undefined when nothing changed. */
  restoreConcurrency(type: ResourceType): { from: number; to: number } | undefined {
    const bulkhead = this.#bulkheads.get(type);
    if (!bulkhead) return undefined;
    const to = this.#o.concurrency[type] ?? Number.POSITIVE_INFINITY;
    const from = bulkhead.maxConcurrent;
    if (from === to) return undefined;
    bulkhead.setMaxConcurrent(to);
    return { from, to };
  }

  /**
   * Run one invocation through the resource's bulkhead and the breaker of `circuit` (the provider
   * invoked; undefined = the resource-level breaker of a type without providers). `call.signal` is
   * read only when a bulkhead needs it (it may be created on read). A provider invocation's duration
   * goes to `observations` when it samples the call (not that of a call its open breaker refused).
   */
  run<T>(type: ResourceType, fn: () => PromiseLike<T> | T, call: { readonly signal: AbortSignal | undefined }, circuit: string | undefined): Promise<T> {
    const guard = this.#guard(type, circuit);
    const timed = circuit === undefined ? undefined : this.#o.observations?.timing(type, circuit);
    const start = timed === undefined ? 0 : this.#o.clock.now();
    const counter = this.#counter(type);
    counter.n++;
    let pending: Promise<T>;
    try {
      // the call's signal is read (and made) only when a bulkhead may keep it waiting
      pending = Promise.resolve(guard === undefined ? fn() : guard.policy.execute(fn, guard.bulkhead ? { signal: call.signal } : undefined));
    } catch (err) {
      counter.n--;
      return Promise.reject(err);
    }
    // (not an async function: the success path is one `then` on the invocation's own promise)
    return pending.then(
      (value) => {
        counter.n--;
        timed?.latency(this.#o.clock.now() - start);
        return value;
      },
      (err: unknown) => {
        counter.n--;
        // a call its open breaker refused never reached the provider: no latency to learn from it
        if (timed !== undefined && !this.breakers.isOwnRejection(type, circuit, err)) timed.latency(this.#o.clock.now() - start);
        throw err;
      },
    );
  }

  /**
   * The guards of one provider (its type's bulkhead, then its breaker) as one policy, composed with
   * the same `wrap()` users use, once: rebuilt only when the type gets a bulkhead (SCALE_DOWN) or the
   * provider a breaker. Undefined when it has neither.
   */
  #guard(type: ResourceType, circuit: string | undefined): Guard | undefined {
    const breaker = this.breakers.breaker(type, circuit);
    const bulkhead = this.#bulkheads.get(type);
    if (breaker === undefined && bulkhead === undefined) return undefined;
    let perType = this.#guards.get(type);
    if (perType === undefined) this.#guards.set(type, (perType = new Map()));
    const known = perType.get(circuit);
    if (known !== undefined && known.breaker === breaker && known.bulkhead === bulkhead) return known;
    const layers = [bulkhead, breaker].filter((p): p is BulkheadPolicy | CircuitBreakerPolicy => p !== undefined);
    const guard: Guard = { policy: wrap(...layers), breaker, bulkhead };
    perType.set(circuit, guard);
    return guard;
  }

  #counter(type: ResourceType): { n: number } {
    let c = this.#inFlight.get(type);
    if (c === undefined) this.#inFlight.set(type, (c = { n: 0 }));
    return c;
  }
}
