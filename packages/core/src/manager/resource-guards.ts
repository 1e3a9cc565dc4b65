import type { CircuitStateChange } from '../breaker/circuit-breaker-events.js';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { CircuitState } from '../breaker/circuit-state.js';
import { createBulkhead, type BulkheadPolicy } from '../bulkhead/bulkhead-policy.js';
import type { Clock } from '../clock/clock.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import type { FallbackAction } from '../fallback/fallback-action.js';
import type { ResourceType } from '../resource/resource-types.js';

/** Options of {@link ResourceGuards}. */
export interface ResourceGuardsOptions {
  readonly team: string;
  readonly clock: Clock;
  readonly failureThreshold: number;
  readonly recoveryTimeoutMs: number;
  /** Configured concurrency per resource type (SCALE_DOWN's starting point); absent = unlimited. */
  readonly concurrency: Readonly<Partial<Record<ResourceType, number>>>;
  /** Callers a scaled-down bulkhead lets wait. */
  readonly maxQueued: number;
  /** Whether a resource type's chain uses CIRCUIT_BREAK (only those get a breaker). */
  readonly usesBreaker: (type: ResourceType) => boolean;
  /** A resource breaker changed state; `reason` is 'circuit_break_step' when CIRCUIT_BREAK opened it. */
  readonly onCircuitChange: (
    type: ResourceType,
    breaker: CircuitBreakerPolicy,
    change: Omit<CircuitStateChange, 'reason'> & { reason: CircuitStateChange['reason'] | 'circuit_break_step' },
  ) => void;
}

/**
 * The per-resource policies the manager's invocations go through: a circuit breaker (for resource
 * types whose chain has CIRCUIT_BREAK; named `${team}/${type}`, not in the global registry) and a
 * bulkhead (when a concurrency is configured or SCALE_DOWN lowered it). Also counts in-flight calls.
 */
export class ResourceGuards {
  readonly #o: ResourceGuardsOptions;
  readonly #breakers = new Map<ResourceType, CircuitBreakerPolicy>();
  readonly #bulkheads = new Map<ResourceType, BulkheadPolicy>();
  readonly #inFlight = new Map<ResourceType, number>();
  #tripping = false;

  constructor(options: ResourceGuardsOptions) {
    this.#o = options;
    for (const [type, n] of Object.entries(options.concurrency) as Array<[ResourceType, number]>) {
      this.#bulkheads.set(type, createBulkhead({ maxConcurrent: n, maxQueued: options.maxQueued, clock: options.clock }));
    }
  }

  /** The resource's breaker (created on first use), or undefined when its chain has no CIRCUIT_BREAK. */
  breaker(type: ResourceType): CircuitBreakerPolicy | undefined {
    let b = this.#breakers.get(type);
    if (b || !this.#o.usesBreaker(type)) return b;
    b = new CircuitBreakerPolicy(`${this.#o.team}/${type}`, {
      failureThreshold: this.#o.failureThreshold,
      recoveryTimeoutMs: this.#o.recoveryTimeoutMs,
      clock: this.#o.clock,
    });
    const breaker = b;
    b.onStateChange((change) => this.#o.onCircuitChange(type, breaker, this.#tripping ? { ...change, reason: 'circuit_break_step' } : change));
    this.#breakers.set(type, b);
    return b;
  }

  /** Every breaker created so far. */
  breakers(): IterableIterator<[ResourceType, CircuitBreakerPolicy]> {
    return this.#breakers.entries();
  }

  /** Whether the resource's breaker is open (an expired open period turns half-open here). */
  isOpen(type: ResourceType): boolean {
    return this.#breakers.get(type)?.state === CircuitState.Open;
  }

  /**
   * Open the resource's breaker for its recovery timeout (CIRCUIT_BREAK). The breaker has no
   * "open now" operation, so this restores a snapshot of itself in the open state: the same path
   * persistence uses, which keeps its counters and gives it a proper half-open time.
   */
  trip(type: ResourceType): BrokenCircuitError {
    const b = this.breaker(type);
    const name = b?.name ?? `${this.#o.team}/${type}`;
    if (!b) return new BrokenCircuitError(name, undefined, `Resource ${type} has no circuit breaker`);
    if (b.state !== CircuitState.Open) {
      const wall = this.#o.clock.wallNow();
      const halfOpenAt = wall + this.#o.recoveryTimeoutMs;
      this.#tripping = true;
      try {
        b.restore({ ...b.snapshot(), state: CircuitState.Open, isolated: false, halfOpenAt, lastTransitionAt: wall });
      } finally {
        this.#tripping = false;
      }
    }
    return new BrokenCircuitError(name, b.halfOpenAt);
  }

  inFlight(type: ResourceType): number {
    return this.#inFlight.get(type) ?? 0;
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

  /** Run one invocation through the resource's bulkhead and, when `viaBreaker`, its breaker. */
  async run<T>(type: ResourceType, fn: () => PromiseLike<T> | T, signal: AbortSignal | undefined, viaBreaker: boolean): Promise<T> {
    const breaker = viaBreaker ? this.#breakers.get(type) ?? this.breaker(type) : undefined;
    const guarded = breaker ? () => breaker.execute(fn) : fn;
    const bulkhead = this.#bulkheads.get(type);
    this.#inFlight.set(type, this.inFlight(type) + 1);
    try {
      return await (bulkhead ? bulkhead.execute(guarded, { signal }) : guarded());
    } finally {
      this.#inFlight.set(type, this.inFlight(type) - 1);
    }
  }
}
