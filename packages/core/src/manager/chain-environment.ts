import { linkSignals, type LinkedSignal } from '../clock/linked-signal.js';
import { classifyError } from '../classify/classify-error.js';
import type { Clock } from '../clock/clock.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import type { CacheHit, ResultCache } from '../cache/result-cache.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepEvent } from '../fallback/chain-types.js';
import type { FallbackAction } from '../fallback/fallback-action.js';
import type { ProviderVerdict } from '../fallback/fallback-exhausted-error.js';
import { RunningAttempt } from '../fallback/fallback-attempt.js';
import { runGuardedInvocation, runWithFallbackContext, type FallbackContext } from '../fallback/fallback-context.js';
import type { RequestQueue } from '../queue/request-queue.js';
import { FallbackStrategy, type ResourceType } from '../resource/resource-types.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { ResourceGuards } from './resource-guards.js';

/** The parts of a manager the chain environment works with. */
export interface ChainEnvironmentParts {
  /** The manager whose chains these are: invocations are marked as guarded by it (nested calls on it run inside them). */
  readonly owner: object;
  readonly clock: Clock;
  readonly retryDefaults: ChainEnvironment['retryDefaults'];
  readonly maxProviderWaitMs: number;
  /** The current lifecycle's signal (a new one after each restart). */
  readonly stopSignal: () => AbortSignal;
  readonly providers: ProviderRegistry;
  readonly guards: ResourceGuards;
  readonly cache: ResultCache;
  readonly queue: RequestQueue;
  readonly onStep: (event: FallbackStepEvent) => void;
  /**
   * Whether calls of this type may be made from inside its own guarded invocations (an integration
   * a decorated method calls): only then does a plain attempt mark its invocation (an
   * AsyncLocalStorage frame), so the inner call can find it.
   */
  readonly nestable: (type: ResourceType) => boolean;
  readonly onScale: (resource: ResourceType, from: number, to: number) => void;
}

function isCallerAbort(call: FallbackCall<unknown>, err: unknown): boolean {
  return call.signal?.aborted === true && (err === call.signal.reason || (err as { name?: unknown })?.name === 'AbortError');
}

/** The {@link ChainEnvironment} of a manager: invocations through its guards, its cache, queue and providers. */
export class ManagerChainEnvironment implements ChainEnvironment {
  readonly clock: Clock;
  readonly retryDefaults: ChainEnvironment['retryDefaults'];
  readonly maxProviderWaitMs: number;
  readonly #p: ChainEnvironmentParts;

  constructor(parts: ChainEnvironmentParts) {
    this.#p = parts;
    this.clock = parts.clock;
    this.retryDefaults = parts.retryDefaults;
    this.maxProviderWaitMs = parts.maxProviderWaitMs;
  }

  get stopSignal(): AbortSignal {
    return this.#p.stopSignal();
  }

  waitSignal(call: FallbackCall<unknown>): LinkedSignal {
    return linkSignals(call.signal, this.stopSignal);
  }

  providers(call: FallbackCall<unknown>): readonly string[] {
    return call.providers ?? this.#p.providers.get(call.resource);
  }

  isProviderAvailable(resource: ResourceType, provider: string, operation?: string): boolean {
    return this.#p.providers.isAvailable(resource, provider, operation);
  }

  cooldownRemainingMs(resource: ResourceType, provider: string): number {
    return this.#p.providers.cooldownRemainingMs(resource, provider);
  }

  providerBackInMs(resource: ResourceType, provider: string, operation?: string): number {
    return this.#p.providers.unavailableForMs(resource, provider, operation);
  }

  isCircuitOpen(call: FallbackCall<unknown>, provider: string | undefined): boolean {
    return this.#p.guards.breakers.isOpen(call.resource, provider ?? this.providers(call)[0]);
  }

  reportProviderFailure(resource: ResourceType, provider: string, error: unknown): void {
    // its breaker refusing the call says nothing new about the provider: the breaker already keeps it out
    if (this.#p.guards.breakers.isOwnRejection(resource, provider, error)) return;
    this.#p.providers.reportFailure(resource, provider, { error });
  }

  async invoke<T>(
    call: FallbackCall<T>,
    run: ChainRun,
    strategy: FallbackStrategy | undefined,
    provider: string | undefined,
    degradation: number,
  ): Promise<T> {
    const { resource } = call;
    run.attempt++;
    run.provider = provider;
    run.degradation = degradation;
    const context: FallbackContext | undefined =
      strategy === undefined ? undefined : Object.freeze({ resource, strategy, provider, degradation, attempt: run.attempt });
    // the circuit of the provider invoked (undefined = primary); without providers, the resource's
    const circuit = provider ?? this.providers(call)[0];
    const owner = this.#p.owner;
    const since = this.#p.providers.failureSeq;
    const attempt = call.passAttempt ? new RunningAttempt(call, this.clock, strategy, circuit, run.attempt, degradation) : undefined;
    const fn = attempt === undefined ? () => call.fn(...call.args) : () => call.fn(attempt);
    try {
      // a plain attempt of a type no call nests in runs without an AsyncLocalStorage frame (on Node 20,
      // entering one makes every later await in the process slower)
      const invocation = context === undefined && !this.#p.nestable(resource) ? () => runWithFallbackContext(undefined, fn) : () => runGuardedInvocation(owner, resource, context, fn);
      const value = await this.#p.guards.run(resource, invocation, call, circuit);
      if (provider !== undefined) this.#p.providers.reportSuccess(resource, provider, { since });
      if (degradation === 0 && call.cacheKey !== undefined) this.#p.cache.set(call.cacheKey, value);
      return value;
    } catch (err) {
      const c = classifyError(err);
      run.firstError ??= err;
      run.lastError = err;
      run.lastClassification = c;
      if (circuit !== undefined) (run.errors ??= new Map()).set(circuit, err);
      if (isCallerAbort(call, err) || (c.kind === 'permanent' && c.scope !== 'provider' && c.scope !== 'operation')) run.fatal = { error: err };
      else if (circuit !== undefined) {
        // unusable for this operation only: no breaker of it opens (CIRCUIT_BREAK), calls of other operations keep it
        if (c.scope !== 'operation') run.failed.add(circuit);
        if (c.kind === 'permanent') run.excluded.add(circuit);
      }
      throw err;
    }
  }

  cacheGet(key: string, allowStale: boolean): CacheHit | undefined {
    return this.#p.cache.get(key, allowStale);
  }

  cacheHas(key: string, allowStale: boolean): boolean {
    return this.#p.cache.has(key, allowStale);
  }

  enqueue<T>(call: FallbackCall<T>, run: ChainRun): Promise<T> {
    return this.#p.queue.enqueue({
      resource: call.resource,
      priority: call.queuePriority,
      identity: call.identity,
      argsJson: call.argsJson,
      argsNotSerialisable: call.argsNotSerialisable,
      signal: call.signal,
      replay: () => this.replay(call, run),
    }) as Promise<T>;
  }

  /**
   * Replay a parked call (QUEUE_REQUEST): on the first available provider, and when it fails (not
   * fatally), on each other available one in turn at once (each failure cools its provider down, as
   * SWITCH_PROVIDER's do), so one provider failing again does not send the call back to wait a
   * whole poll interval while another could answer.
   */
  async replay<T>(call: FallbackCall<T>, run: ChainRun): Promise<T> {
    const { resource } = call;
    const used = new Set<string>();
    for (;;) {
      const provider = this.providers(call).find((p) => !used.has(p) && !run.excluded.has(p) && this.isProviderAvailable(resource, p, call.operation));
      try {
        return await this.invoke(call, run, FallbackStrategy.QUEUE_REQUEST, provider, 0);
      } catch (err) {
        if (run.fatal || provider === undefined) throw err;
        used.add(provider);
        this.reportProviderFailure(resource, provider, err);
        if (!this.providers(call).some((p) => !used.has(p) && !run.excluded.has(p) && this.isProviderAvailable(resource, p, call.operation))) throw err;
      }
    }
  }

  scaleDown(resource: ResourceType, action: FallbackAction): number {
    const { from, to } = this.#p.guards.scaleDown(resource, action);
    if (to !== from) this.#p.onScale(resource, from, to);
    return to;
  }

  tripBreakers(call: FallbackCall<unknown>, failed: readonly string[]): unknown {
    const { resource } = call;
    const breakers = this.#p.guards.breakers;
    const list = this.providers(call);
    if (list.length > 0 && failed.length === 0) return undefined; // no provider failed in this run: nothing to open
    const opened = list.length === 0 ? [breakers.trip(resource, undefined)] : failed.map((p) => breakers.trip(resource, p));
    const first = opened.find((b) => b !== undefined);
    if (!first) return new BrokenCircuitError(breakers.name(resource, undefined), undefined, `Resource ${resource} has no circuit breaker`);
    if (list.length === 0) return new BrokenCircuitError(first.name, first.halfOpenAt);
    if (breakers.allOpen(resource, list)) {
      const times = list.map((p) => breakers.get(resource, p)?.halfOpenAt).filter((t) => t !== undefined);
      const at = times.length === 0 ? undefined : Math.min(...times);
      return new BrokenCircuitError(breakers.name(resource, undefined), at, `Every ${resource} provider's circuit is open (${list.join(', ')})`);
    }
    const names = opened.filter((b) => b !== undefined).map((b) => `"${b.name}"`);
    return new BrokenCircuitError(first.name, first.halfOpenAt, `Circuit${names.length > 1 ? 's' : ''} ${names.join(', ')} open; the other ${resource} providers still take calls`);
  }

  step(event: FallbackStepEvent): void {
    this.#p.onStep(event);
  }

  explainProviders(call: FallbackCall<unknown>, run: ChainRun | undefined): ProviderVerdict[] {
    const list = this.providers(call);
    const registry = this.#p.providers;
    return list.map((provider): ProviderVerdict => {
      const error = run?.errors?.get(provider);
      if (run?.excluded.has(provider)) return { provider, state: 'excluded', error };
      const why = registry.whyUnavailable(call.resource, provider);
      const until = why !== undefined && Number.isFinite(why.backInMs) && why.backInMs > 0 ? this.clock.wallNow() + why.backInMs : undefined;
      if (run !== undefined && (run.tried.has(provider) || run.failed.has(provider))) return { provider, state: 'tried', error, until };
      if (why !== undefined) return { provider, state: why.reason, until };
      const op = call.operation === undefined ? 0 : registry.operationExcludedForMs(call.resource, provider, call.operation);
      if (op > 0) return { provider, state: 'operation_excluded', operation: call.operation, until: this.clock.wallNow() + op };
      return { provider, state: 'available' };
    });
  }
}
