import type { LinkedSignal } from '../clock/linked-signal.js';
import type { ErrorClassification } from '../classify/error-classification.js';
import type { Clock } from '../clock/clock.js';
import type { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import type { CacheHit } from '../cache/result-cache.js';
import type { FallbackAction } from './fallback-action.js';
import type { FallbackStepRecord, ProviderVerdict } from './fallback-exhausted-error.js';

/**
 * Where a queued call can be replayed after a restart: the decorated method that made it. A method
 * with an explicit `@withFallback` `key` has `className: ''` and `method` = that key (stable under
 * minifiers); others, their class's name and the method's.
 */
export interface CallIdentity {
  readonly className: string;
  readonly method: string;
}

/** One guarded call, as a fallback chain sees it. */
export interface FallbackCall<T> {
  readonly resource: ResourceType;
  /**
   * The guarded function, `this` already bound; called with `args`, or, when {@link passAttempt},
   * with the invocation's {@link FallbackAttempt} alone.
   */
  readonly fn: (...args: unknown[]) => PromiseLike<T> | T;
  readonly args: readonly unknown[];
  /** `fn` takes the attempt it runs (`execute` without `args`) rather than `args`. */
  readonly passAttempt: boolean;
  /**
   * The call's own ordered providers (`execute`'s `providers` option), validated and frozen;
   * undefined = the resource type's registered list.
   */
  readonly providers: readonly string[] | undefined;
  /** USE_CACHE / coalescing key (method + canonical args); undefined = not cacheable. */
  readonly cacheKey: string | undefined;
  /** Canonical JSON of `args`, or undefined when they do not serialise. */
  readonly argsJson: string | undefined;
  /** Why `args` do not serialise, when they do not. */
  readonly argsNotSerialisable: string | undefined;
  readonly identity: CallIdentity | undefined;
  readonly signal: AbortSignal | undefined;
  /** QUEUE_REQUEST priority: higher is replayed first. */
  readonly queuePriority: number;
  /** Monotonic ms by which the call must have settled (start + its `deadlineMs`). */
  readonly deadline: number;
  /**
   * The kind of operation the call is (`execute`'s `operation` option, e.g. `'write'`): providers a
   * failure declared unusable for it (`scope: 'operation'`) are skipped. Undefined = not said.
   */
  readonly operation: string | undefined;
}

/** What a chain run has learned so far; steps read and update it. */
export interface ChainRun {
  readonly steps: FallbackStepRecord[];
  /** Invocations so far (the next one gets attempt + 1). */
  attempt: number;
  /** The provider of the last invocation (undefined = primary by default). */
  provider: string | undefined;
  degradation: number;
  /** The last error of each provider invoked in this run (created on the first failure). */
  errors: Map<string, unknown> | undefined;
  /** Providers that already failed in this run. */
  readonly tried: Set<string>;
  /** Providers that failed permanently for this request (scope 'provider' or 'operation'): never tried again. */
  readonly excluded: Set<string>;
  /**
   * Providers an invocation of this run failed on, for any reason but a fatal one (the plain
   * attempt counts as the primary's): the breakers CIRCUIT_BREAK opens.
   */
  readonly failed: Set<string>;
  /** The steps of the chain after the one running (set by the runner before each step). */
  later: readonly FallbackAction[];
  /** The error that started the chain (undefined when it ran proactively and nothing failed yet). */
  firstError: unknown;
  lastError: unknown;
  lastClassification: ErrorClassification | undefined;
  /**
   * Set when an invocation failed in a way no fallback can fix (a permanent error about the request
   * itself, or the caller's abort): the chain stops and rethrows it.
   */
  fatal: { readonly error: unknown } | undefined;
  /** The chain ran before the call, because monitors, providers or the breaker reported trouble. */
  readonly proactive: boolean;
  /**
   * Every provider's circuit breaker is open (or, without providers, the resource's): only
   * non-invoking steps (cache, queue) may answer.
   */
  readonly breakerOpen: boolean;
}

/** What a step tells the chain. */
export type StepOutcome<T> =
  | { readonly answered: true; readonly value: T; readonly stale?: boolean | undefined }
  | {
      readonly answered: false;
      readonly error: unknown;
      readonly provider?: string | undefined;
      readonly skipped?: boolean;
      /** The step already fired the event of this failure (one per provider it tried): the runner fires none. */
      readonly reported?: boolean;
    };

/** A fallback step happened (for events and logs). */
export interface FallbackStepEvent {
  readonly resource: ResourceType;
  readonly strategy: FallbackStrategy | 'primary';
  readonly outcome: 'answered' | 'failed' | 'skipped';
  readonly provider?: string | undefined;
  readonly degradation: number;
  readonly attempt: number;
  readonly error?: unknown;
  /** USE_CACHE: the answer was older than the cache TTL. */
  readonly stale?: boolean | undefined;
  readonly proactive: boolean;
}

/** The manager-side services fallback steps use. */
export interface ChainEnvironment {
  readonly clock: Clock;
  /** Defaults of RETRY steps (maxAttempts counts the first attempt). */
  readonly retryDefaults: Readonly<{ maxAttempts: number; baseDelayMs: number; maxDelayMs: number }>;
  /** The longest SWITCH_PROVIDER waits for a provider to come back, ms (`maxProviderWaitMs`). */
  readonly maxProviderWaitMs: number;
  /** Aborts when the manager stops: chain waits (backoff, provider cooldown) end with it. */
  readonly stopSignal: AbortSignal;
  /** The signal for a call's waits: its own signal combined with {@link stopSignal}; dispose it after the wait. */
  waitSignal(call: FallbackCall<unknown>): LinkedSignal;
  /** Ordered providers of a call: its own list, else its resource type's registered one. */
  providers(call: FallbackCall<unknown>): readonly string[];
  /**
   * Not cooling down, its monitor not critical/unavailable, and its circuit breaker not open; with
   * `operation`, also not left out of calls of that operation (an operation-scoped failure).
   */
  isProviderAvailable(resource: ResourceType, provider: string, operation?: string): boolean;
  cooldownRemainingMs(resource: ResourceType, provider: string): number;
  /**
   * How long until an unavailable provider may be used again, ms (0 = now): the later of its
   * cooldown's end and its open breaker's half-open time; Infinity when only its monitor can tell.
   */
  providerBackInMs(resource: ResourceType, provider: string, operation?: string): number;
  /** Whether the breaker of `provider` (undefined = the call's primary, or the resource's without providers) is open. */
  isCircuitOpen(call: FallbackCall<unknown>, provider: string | undefined): boolean;
  /** Put the provider in cooldown after `error` (ignored when the error is its own breaker refusing the call). */
  reportProviderFailure(resource: ResourceType, provider: string, error: unknown): void;
  /**
   * Invoke the call once through the resource's guards, with a fallback context for `strategy`
   * (undefined = the plain first attempt, no context). Updates `run` (attempt, provider, errors,
   * `fatal`), caches degradation-0 results, and clears the provider's cooldown on success.
   */
  invoke<T>(
    call: FallbackCall<T>,
    run: ChainRun,
    strategy: FallbackStrategy | undefined,
    provider: string | undefined,
    degradation: number,
  ): Promise<T>;
  cacheGet(key: string, allowStale: boolean): CacheHit | undefined;
  /** Whether {@link cacheGet} would answer, without touching the entry's recency. */
  cacheHas(key: string, allowStale: boolean): boolean;
  /** Park the call until the resource recovers; settles with the replay's outcome. */
  enqueue<T>(call: FallbackCall<T>, run: ChainRun): Promise<T>;
  /** Lower the resource's concurrency; returns the new limit. */
  scaleDown(resource: ResourceType, action: FallbackAction): number;
  /**
   * CIRCUIT_BREAK: open the breakers of `failed` (the call's providers that failed in this run) —
   * or, for a call without providers, its resource-level breaker. Returns the error that describes
   * what is now open, or undefined when there was nothing to open.
   */
  tripBreakers(call: FallbackCall<unknown>, failed: readonly string[]): unknown;
  step(event: FallbackStepEvent): void;
  /** Where each of the call's providers stands after `run`: tried and how it failed, or skipped and why, until when. */
  explainProviders(call: FallbackCall<unknown>, run: ChainRun | undefined): ProviderVerdict[];
}

/** One fallback strategy: tries to answer the call after a failure (or proactively). */
export interface FallbackStepHandler {
  readonly strategy: FallbackStrategy;
  /** Whether the step calls the guarded function (skipped while every provider's breaker — or the resource's, without providers — is open). */
  readonly invokes: boolean;
  run<T>(action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>>;
}
