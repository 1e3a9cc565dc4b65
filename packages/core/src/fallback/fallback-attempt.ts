import type { Clock } from '../clock/clock.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import { FallbackStrategy } from '../resource/resource-types.js';
import { currentReplay } from '../queue/current-replay.js';

/**
 * The invocation a fallback chain is running, handed to the function `manager.execute(type, fn)`
 * runs (when `execute` is not given `args`): which provider to call, why, how degraded, and how
 * long is left. Integrations (an LLM client, an MCP client, a database pool, your own) read it
 * instead of {@link currentFallback}; its fields are fixed for the invocation.
 */
export interface FallbackAttempt {
  /** The resource whose chain runs the call. */
  readonly resource: ResourceTypeName;
  /**
   * The provider this invocation must use: on the plain first attempt, the call's first provider
   * (its `providers` option, else the type's registered list); undefined when the type has none.
   */
  readonly provider: string | undefined;
  /** The strategy that re-invoked the function; undefined on the plain first attempt. */
  readonly strategy: FallbackStrategy | undefined;
  /** 1 for the call's first invocation; each re-invocation by the chain adds 1. */
  readonly attempt: number;
  /** 0 = full service; each DEGRADE_SERVICE level adds 1. */
  readonly degradation: number;
  /** The call's `operation` option (e.g. `'read'`, `'write'`), if given. */
  readonly operation: string | undefined;
  /**
   * Aborts when the call's deadline passes or its caller aborts it: hand it to the request you make
   * (read it only when you do; an unread signal costs nothing).
   */
  readonly signal: AbortSignal;
  /** Wall-clock epoch ms by which the whole call must have settled (`Infinity` for none). */
  readonly deadline: number;
  /** Milliseconds left until {@link deadline} (`Infinity` for none), by the manager's clock. */
  remainingMs(): number;
  /**
   * In a replay of a call QUEUE_REQUEST parked: a key stable for that request across every replay,
   * replica and restart (`${team}/${requestId}`, as `currentReplay()` gives it) — pass it upstream
   * (an `Idempotency-Key` header) so a side effect happens once. Undefined otherwise.
   */
  readonly idempotencyKey: string | undefined;
}

/** A signal that never aborts: the attempt of a call without a deadline or signal. */
const NEVER = new AbortController().signal;

/** What the chain knows of the call an attempt belongs to. */
export interface AttemptSource {
  readonly resource: ResourceTypeName;
  readonly operation: string | undefined;
  /** The call's signal (its deadline's and its caller's), when it has one. */
  readonly signal: AbortSignal | undefined;
  /** Monotonic (`clock.now()`) deadline; Infinity for none. */
  readonly deadline: number;
}

/** One invocation's {@link FallbackAttempt}: a class, so its getter lives on the prototype. */
export class RunningAttempt implements FallbackAttempt {
  readonly resource: ResourceTypeName;
  readonly operation: string | undefined;
  readonly #source: AttemptSource;
  readonly #clock: Clock;

  constructor(
    source: AttemptSource,
    clock: Clock,
    readonly strategy: FallbackStrategy | undefined,
    readonly provider: string | undefined,
    readonly attempt: number,
    readonly degradation: number,
  ) {
    this.resource = source.resource;
    this.operation = source.operation;
    this.#source = source;
    this.#clock = clock;
  }

  get idempotencyKey(): string | undefined {
    return this.strategy === FallbackStrategy.QUEUE_REQUEST ? currentReplay()?.idempotencyKey : undefined;
  }

  get signal(): AbortSignal {
    return this.#source.signal ?? NEVER;
  }

  get deadline(): number {
    const at = this.#source.deadline;
    return Number.isFinite(at) ? this.#clock.wallNow() + (at - this.#clock.now()) : Number.POSITIVE_INFINITY;
  }

  remainingMs(): number {
    const at = this.#source.deadline;
    return Number.isFinite(at) ? Math.max(0, at - this.#clock.now()) : Number.POSITIVE_INFINITY;
  }

  toJSON(): Record<string, unknown> {
    const { resource, provider, strategy, attempt, degradation, operation } = this;
    return { resource, provider, strategy, attempt, degradation, operation, deadline: this.deadline, idempotencyKey: this.idempotencyKey };
  }
}
