import { classifyError } from '../classify/classify-error.js';
import type { Clock } from '../clock/clock.js';
import type { CacheHit, ResultCache } from '../cache/result-cache.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepEvent } from '../fallback/chain-types.js';
import type { FallbackAction } from '../fallback/fallback-action.js';
import { runWithFallbackContext, type FallbackContext } from '../fallback/fallback-context.js';
import { preferredProvider } from '../fallback/steps/degrade-service-step.js';
import type { RequestQueue } from '../queue/request-queue.js';
import { FallbackStrategy, type ResourceType } from '../resource/resource-types.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { ResourceGuards } from './resource-guards.js';

/** The parts of a manager the chain environment works with. */
export interface ChainEnvironmentParts {
  readonly clock: Clock;
  readonly retryDefaults: ChainEnvironment['retryDefaults'];
  /** The current lifecycle's signal (a new one after each restart). */
  readonly stopSignal: () => AbortSignal;
  readonly providers: ProviderRegistry;
  readonly guards: ResourceGuards;
  readonly cache: ResultCache;
  readonly queue: RequestQueue;
  readonly onStep: (event: FallbackStepEvent) => void;
  readonly onScale: (resource: ResourceType, from: number, to: number) => void;
}

function isCallerAbort(call: FallbackCall<unknown>, err: unknown): boolean {
  return call.signal?.aborted === true && (err === call.signal.reason || (err as { name?: unknown })?.name === 'AbortError');
}

/** The {@link ChainEnvironment} of a manager: invocations through its guards, its cache, queue and providers. */
export class ManagerChainEnvironment implements ChainEnvironment {
  readonly clock: Clock;
  readonly retryDefaults: ChainEnvironment['retryDefaults'];
  readonly #p: ChainEnvironmentParts;

  constructor(parts: ChainEnvironmentParts) {
    this.#p = parts;
    this.clock = parts.clock;
    this.retryDefaults = parts.retryDefaults;
  }

  get stopSignal(): AbortSignal {
    return this.#p.stopSignal();
  }

  waitSignal(call: FallbackCall<unknown>): AbortSignal {
    return call.signal ? AbortSignal.any([call.signal, this.stopSignal]) : this.stopSignal;
  }

  providers(resource: ResourceType): readonly string[] {
    return this.#p.providers.get(resource);
  }

  isProviderAvailable(resource: ResourceType, provider: string): boolean {
    return this.#p.providers.isAvailable(resource, provider);
  }

  cooldownRemainingMs(resource: ResourceType, provider: string): number {
    return this.#p.providers.cooldownRemainingMs(resource, provider);
  }

  reportProviderFailure(resource: ResourceType, provider: string, error: unknown): void {
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
    const primary = this.#p.providers.primary(resource);
    const viaBreaker = provider === undefined || provider === primary;
    try {
      const value = await this.#p.guards.run(resource, () => runWithFallbackContext(context, () => call.fn(...call.args)), call.signal, viaBreaker);
      if (provider !== undefined) this.#p.providers.reportSuccess(resource, provider);
      if (degradation === 0 && call.cacheKey !== undefined) this.#p.cache.set(call.cacheKey, value);
      return value;
    } catch (err) {
      const c = classifyError(err);
      run.firstError ??= err;
      run.lastError = err;
      run.lastClassification = c;
      if (isCallerAbort(call, err) || (c.kind === 'permanent' && c.scope !== 'provider')) run.fatal = { error: err };
      else if (c.kind === 'permanent') {
        const failed = provider ?? primary;
        if (failed !== undefined) run.excluded.add(failed);
      }
      throw err;
    }
  }

  cacheGet(key: string, allowStale: boolean): CacheHit | undefined {
    return this.#p.cache.get(key, allowStale);
  }

  enqueue<T>(call: FallbackCall<T>, run: ChainRun): Promise<T> {
    return this.#p.queue.enqueue({
      resource: call.resource,
      priority: call.queuePriority,
      identity: call.identity,
      argsJson: call.argsJson,
      argsNotSerialisable: call.argsNotSerialisable,
      signal: call.signal,
      replay: () => {
        const provider = preferredProvider(call as FallbackCall<unknown>, run, this);
        return this.invoke(call, run, FallbackStrategy.QUEUE_REQUEST, provider, 0);
      },
    }) as Promise<T>;
  }

  scaleDown(resource: ResourceType, action: FallbackAction): number {
    const { from, to } = this.#p.guards.scaleDown(resource, action);
    if (to !== from) this.#p.onScale(resource, from, to);
    return to;
  }

  tripBreaker(resource: ResourceType): unknown {
    return this.#p.guards.trip(resource);
  }

  step(event: FallbackStepEvent): void {
    this.#p.onStep(event);
  }
}
