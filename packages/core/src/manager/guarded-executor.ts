import { Coalescer } from '../cache/coalescer.js';
import { deadline } from '../clock/deadline.js';
import { newChainRun, runFallbackChain } from '../fallback/chain-runner.js';
import type { CallIdentity, ChainRun } from '../fallback/chain-types.js';
import { CallDeadlineError } from '../fallback/call-deadline-error.js';
import { FallbackExhaustedError } from '../fallback/fallback-exhausted-error.js';
import { RunningAttempt } from '../fallback/fallback-attempt.js';
import { currentFallback, isGuardedInvocation } from '../fallback/fallback-context.js';
import type { ExecuteWithFallbackOptions } from '../fallback/fallback-host.js';
import { preferredProvider } from '../fallback/steps/degrade-service-step.js';
import { ErrorRateWindow } from '../health/error-rate-window.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import { FallbackStrategy, type ResourceType } from '../resource/resource-types.js';
import { callDeadlineMs, validateResourceType } from './argument-validation.js';
import { unknownResourceType } from './known-resource-types.js';
import { ManagerChainEnvironment } from './chain-environment.js';
import { chainNeeds, makeGuardedCall, type ChainNeeds } from './guarded-call.js';
import type { ManagerEmitters } from './manager-emitters.js';
import type { ManagerParts } from './manager-parts.js';
import { ReplayTargets } from './replay-targets.js';
import type { ResolvedResilienceConfig } from './resolve-config.js';

/** What a {@link GuardedExecutor} runs calls with. */
export interface GuardedExecutorOptions {
  /** The manager: its invocations are marked as guarded by it (nested calls on it run inside them). */
  readonly owner: object;
  readonly config: ResolvedResilienceConfig;
  readonly parts: ManagerParts;
  readonly events: ManagerEmitters;
  /** The current lifecycle's stop signal (a new one after each restart). */
  readonly stopSignal: () => AbortSignal;
}

/**
 * The manager's call path: `execute` runs a function under its resource type's fallback chain
 * (gate, coalescing of identical cached calls, the chain environment over the manager's parts),
 * counts outcomes for the health report's error rate, and offers `@withFallback` methods as replay
 * targets for persisted queued requests.
 */
export class GuardedExecutor {
  readonly #owner: object;
  readonly #config: ResolvedResilienceConfig;
  readonly #parts: ManagerParts;
  readonly #events: ManagerEmitters;
  readonly #env: ManagerChainEnvironment;
  readonly #needs: Record<ResourceType, ChainNeeds>;
  readonly #coalescer = new Coalescer();
  readonly #targets: ReplayTargets;
  readonly #errors: ErrorRateWindow;
  /** The manager's resource types (built-in and custom). */
  readonly #types: ReadonlySet<string>;
  /** Types whose calls may nest in their own guarded invocations (see {@link expectNested}). */
  readonly #nestable = new Set<ResourceType>();

  constructor(options: GuardedExecutorOptions) {
    const { owner, config: c, parts, events } = options;
    this.#owner = owner;
    this.#config = c;
    this.#parts = parts;
    this.#events = events;
    this.#env = new ManagerChainEnvironment({
      owner,
      clock: c.clock,
      retryDefaults: c.retry,
      maxProviderWaitMs: c.maxProviderWaitMs,
      stopSignal: options.stopSignal,
      providers: parts.providers,
      guards: parts.guards,
      cache: parts.cache,
      queue: parts.queue,
      onStep: (e) => events.steps.fire(e),
      onScale: (resource, from, to) => events.concurrency.fire({ resource, from, to, reason: 'scale_down' }),
      nestable: (type) => this.#nestable.has(type),
    });
    this.#needs = chainNeeds(c.chains, parts.store !== undefined);
    this.#targets = new ReplayTargets(parts.queue, (type, identity, call, args) => this.#replay(type, identity, call, args));
    this.#errors = new ErrorRateWindow(c.clock);
    this.#types = new Set(c.resourceTypes);
  }

  /** See `ResilienceManager.execute`. */
  execute<T>(resourceType: ResourceTypeName, fn: (...args: never[]) => T | PromiseLike<T>, options: ExecuteWithFallbackOptions = {}): Promise<Awaited<T>> {
    try {
      return this.#execute(resourceType, fn, options);
    } catch (err) {
      return Promise.reject(err); // bad arguments reject, as an async function's would
    }
  }

  #execute<T>(resourceType: ResourceTypeName, fn: (...args: never[]) => T | PromiseLike<T>, options: ExecuteWithFallbackOptions): Promise<Awaited<T>> {
    const type = validateResourceType(resourceType, this.#types);
    if (isGuardedInvocation(this.#owner, type)) return this.#nested(type, fn as (...a: unknown[]) => T | PromiseLike<T>, options);
    // a call in the attempt form comes from an integration, which decorated methods may call
    if (options.args === undefined) this.#nestable.add(type);
    const registry = this.#parts.providers;
    const providers = options.providers === undefined ? undefined : registry.callList(type, options.providers);
    if (providers === undefined) registry.useRegistered(type);
    if (options.identity && options.replay) this.#targets.offer(type, options.identity, options.replay);
    const c = this.#config;
    const ms = options.deadlineMs === undefined ? c.deadlineMs : callDeadlineMs(options.deadlineMs);
    const limit = deadline(c.clock, ms, { signal: options.signal });
    const call = makeGuardedCall(type, fn as (...a: unknown[]) => Awaited<T>, options, providers, this.#needs[type], limit);
    const chain = c.chains[type];
    let chainRun: ChainRun | undefined; // this call's own run (a coalesced call shares another's)
    const exhausted = (error: FallbackExhaustedError) => this.#events.exhausted.fire({ resource: type, key: options.key, error });
    const run = (): Promise<Awaited<T>> => {
      try {
        const gate = this.#parts.gate.gate(type, providers, options.operation);
        chainRun = newChainRun(gate);
        return runFallbackChain(call, chain, gate, this.#env, chainRun, exhausted);
      } catch (err) {
        return Promise.reject(err);
      }
    };
    // every call ends: the caller gets its answer or error, or the deadline's TimeoutError (or its
    // own abort reason) as soon as either comes, even from a function that ignores its signal
    const work = call.cacheKey !== undefined && !options.signal ? this.#coalescer.run(call.cacheKey, run) : run();
    return limit.race(work).then(
      (value) => {
        this.#errors.record(true);
        return value;
      },
      (err: unknown) => {
        this.#errors.record(false);
        // the deadline ended the call: say where each provider stood (a new error; the deadline's own
        // TimeoutError, which the call's signal aborted with, is its cause)
        if (limit.expired && err === limit.reason) throw new CallDeadlineError(type, ms, this.#env.explainProviders(call, chainRun), { cause: err });
        throw err;
      },
    );
  }

  /**
   * A call made inside a guarded invocation of this manager for the same type: `fn` runs directly
   * (the outer chain decides), with the outer chain's decision as its attempt.
   */
  async #nested<T>(type: ResourceType, fn: (...a: unknown[]) => T | PromiseLike<T>, options: ExecuteWithFallbackOptions): Promise<Awaited<T>> {
    if (options.args !== undefined) return (await fn(...options.args)) as Awaited<T>;
    const outer = currentFallback();
    // the outer chain's provider as it named it (an integration maps names of a shared list itself)
    const provider = outer?.provider ?? (options.providers ?? this.#parts.providers.get(type))[0];
    const ms = options.deadlineMs === undefined ? undefined : callDeadlineMs(options.deadlineMs);
    const clock = this.#config.clock;
    const source = { resource: type, operation: options.operation, signal: options.signal, deadline: ms === undefined ? Number.POSITIVE_INFINITY : clock.now() + ms };
    return (await fn(new RunningAttempt(source, clock, outer?.strategy, provider, outer?.attempt ?? 1, outer?.degradation ?? 0))) as Awaited<T>;
  }

  /** Calls of `type` may be made from inside its own guarded invocations: mark those invocations from now on. */
  expectNested(type: ResourceType): void {
    this.#nestable.add(type);
  }

  /** Offer an instance's `@withFallback` methods for replaying persisted queued requests; returns how many were new. */
  attach(instance: object): number {
    return this.#targets.attach(instance);
  }

  /** Calls and failures over the error-rate window. */
  totals(): { calls: number; failures: number } {
    return this.#errors.totals();
  }

  /** Replay a persisted request through the method it was made with (QUEUE_REQUEST context, guards included). */
  #replay(type: ResourceType, identity: CallIdentity, replay: (args: unknown[]) => unknown, args: unknown[]): Promise<unknown> {
    // a request persisted under a custom type the config no longer declares fails, naming the type
    if (!this.#types.has(type)) return Promise.reject(unknownResourceType('queuedRequest.resource', type, this.#types));
    const call = makeGuardedCall(type, (...a: unknown[]) => replay(a), { args, identity }, undefined, { cache: false, persist: false }, undefined);
    const run = newChainRun({ proactive: false, breakerOpen: false });
    return this.#env.invoke(call, run, FallbackStrategy.QUEUE_REQUEST, preferredProvider(call, run, this.#env), 0);
  }
}
