import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { Coalescer } from '../cache/coalescer.js';
import { ResultCache } from '../cache/result-cache.js';
import type { Clock } from '../clock/clock.js';
import { RampartError } from '../errors/rampart-error.js';
import { EventEmitter, type Event } from '../events/event.js';
import { newChainRun, runFallbackChain } from '../fallback/chain-runner.js';
import type { CallIdentity, FallbackStepEvent } from '../fallback/chain-types.js';
import { FallbackExhaustedError } from '../fallback/fallback-exhausted-error.js';
import { isGuardedInvocation } from '../fallback/fallback-context.js';
import { FALLBACK_HOST, type ExecuteWithFallbackOptions, type FallbackHost } from '../fallback/fallback-host.js';
import { preferredProvider } from '../fallback/steps/degrade-service-step.js';
import { ErrorRateWindow } from '../health/error-rate-window.js';
import { buildHealthReport, type HealthReport } from '../health/health-report.js';
import { MonitorScheduler, type MonitorStatusChange } from '../health/monitor-scheduler.js';
import type { MonitorSnapshot } from '../health/monitor-state.js';
import { redactString } from '../health/redact.js';
import { attachManagerLogging } from '../logging/attach-manager-logging.js';
import { createTeamLogger } from '../logging/team-logger.js';
import { ApiQuotaMonitor, type ApiQuotaCheck, type ApiQuotaMonitorOptions } from '../monitors/api-quota-monitor.js';
import type { QueuedRequest } from '../queue/queued-request.js';
import type { QueueWarning } from '../queue/queue-entry.js';
import { RequestQueue } from '../queue/request-queue.js';
import type { ResourceMonitor } from '../resource/monitor.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { FileStore } from '../store/file-store.js';
import type { StateStore } from '../store/state-store.js';
import { BreakerPersistence } from './breaker-persistence.js';
import { ManagerChainEnvironment } from './chain-environment.js';
import { managerBreakerSource, type ManagerBreakerSource } from './manager-breaker-source.js';
import { chainNeeds, makeGuardedCall, type ChainNeeds } from './guarded-call.js';
import { startMcpRegistration } from './mcp-monitor-loader.js';
import type { ConcurrencyChange, FallbackExhaustedEvent, ManagerEvents, ManagerWarning, ResourceCircuitChange } from './manager-events.js';
import { validateMonitor, validateResourceType, validateTeam } from './argument-validation.js';
import { circuitRows, providerRows } from './health-sources.js';
import { ReplayTargets } from './replay-targets.js';
import { ProviderRegistry, type ProviderCooldownEvent, type ProviderFailureOptions } from './provider-registry.js';
import { isDown, ResourceGate } from './resource-gate.js';
import { ResourceGuards } from './resource-guards.js';
import { resolveResilienceConfig, type ResolvedResilienceConfig } from './resolve-config.js';
import type { ResilienceConfig } from './resilience-config.js';
import { PendingRegistrations } from './pending-registrations.js';

/** What `getMonitorStatus(key)` returns: the last completed check of one monitor. */
export interface MonitorStatus {
  readonly status: ResourceStatus;
  readonly usage?: number | undefined;
  readonly details?: Record<string, unknown> | undefined;
  /** Wall-clock epoch ms. */
  readonly checkedAt: number;
}

/**
 * The manager's stop signal: every in-flight chain wait (retry backoff, provider cooldown, queue)
 * listens to it at once, so more than Node's default 10 listeners is normal here, not a leak; each
 * wait removes its listener when it ends (see linkSignals).
 */
function lifecycleController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

/**
 * A team's resilience: resource monitors, per-resource fallback chains, provider switching,
 * caching, queuing, breakers and a health report (seed 001's ResourceManager). It composes small
 * parts (scheduler, provider registry, guards, cache, queue, stores) and owns their lifecycle:
 * `start()` restores persisted state and runs a first round of checks; `stop()` releases every
 * timer. Methods decorated with `@withFallback` find it on their instance.
 */
export class ResilienceManager implements FallbackHost, ManagerEvents {
  readonly [FALLBACK_HOST] = true as const;
  readonly team: string;
  readonly config: ResolvedResilienceConfig;
  readonly clock: Clock;
  /** A pino child logger bound to `{ team }`. */
  readonly logger: Logger;
  readonly #scheduler: MonitorScheduler;
  readonly #providers: ProviderRegistry;
  readonly #guards: ResourceGuards;
  readonly #gate: ResourceGate;
  readonly #cache: ResultCache;
  readonly #coalescer = new Coalescer();
  readonly #queue: RequestQueue;
  readonly #env: ManagerChainEnvironment;
  readonly #store: StateStore | undefined;
  readonly #breakerStore: BreakerPersistence | undefined;
  readonly #needs: Record<ResourceType, ChainNeeds>;
  readonly #errors: ErrorRateWindow;
  readonly #registrations = new PendingRegistrations();
  readonly #targets: ReplayTargets;
  #breakerSource: ManagerBreakerSource | undefined;
  #lifecycle = lifecycleController();
  #starting: Promise<void> | undefined;
  #startedAt: number | undefined;
  readonly #steps = new EventEmitter<FallbackStepEvent>();
  readonly #exhausted = new EventEmitter<FallbackExhaustedEvent>();
  readonly #circuits = new EventEmitter<ResourceCircuitChange>();
  readonly #concurrency = new EventEmitter<ConcurrencyChange>();
  readonly #warnings = new EventEmitter<ManagerWarning | QueueWarning>();
  readonly onFallbackStep = this.#steps.event;
  readonly onFallbackExhausted = this.#exhausted.event;
  readonly onCircuitStateChange = this.#circuits.event;
  readonly onConcurrencyChange = this.#concurrency.event;
  readonly onWarning = this.#warnings.event;
  readonly onStatusChange: Event<MonitorStatusChange>;
  readonly onProviderCooldown: Event<ProviderCooldownEvent>;
  readonly onQueuedRequestSettled: Event<QueuedRequest>;
  readonly onRequestQueued: Event<QueuedRequest>;

  constructor(team: string, config?: ResilienceConfig) {
    this.team = validateTeam(team);
    const c = (this.config = resolveResilienceConfig(config));
    this.clock = c.clock;
    this.logger = createTeamLogger(this.team, config?.logger, config?.env ?? process.env);
    this.#store = c.store ?? (c.storagePath ? new FileStore(c.storagePath, { onCorruptEntry: (file, error) => this.#warn(`ignoring corrupt state file ${file}`, error) }) : undefined);
    this.#scheduler = new MonitorScheduler({ intervalMs: c.checkIntervalMs, checkTimeoutMs: c.checkTimeoutMs, hysteresis: c.hysteresis, clock: c.clock });
    this.#providers = new ProviderRegistry(
      c.providers,
      c.providerCooldownMs,
      c.clock,
      (t, p) => {
        const s = this.#scheduler.get(`${t}:${p}`)?.status;
        return s !== undefined && isDown(s);
      },
      { isOpen: (t, p) => this.#guards.breakers.isOpen(t, p), openForMs: (t, p) => this.#guards.breakers.openForMs(t, p) },
    );
    // providers named in the config are in use from the start; the seed's defaults once a call uses them
    for (const t of Object.keys(config?.providers ?? {})) this.#providers.useRegistered(t as ResourceType);
    this.#breakerStore = this.#store ? new BreakerPersistence(this.#store, this.team, (m, e) => this.#warn(m, e)) : undefined;
    this.#guards = new ResourceGuards({
      team: this.team,
      clock: c.clock,
      failureThreshold: c.circuitBreaker.failureThreshold,
      recoveryTimeoutMs: c.circuitBreaker.recoveryTimeoutMs,
      concurrency: c.concurrency,
      maxQueued: c.queue.maxQueueSize,
      usesBreaker: (t) => c.chains[t].some((a) => a.strategy === FallbackStrategy.CIRCUIT_BREAK),
      onCircuitChange: ({ resource, provider }, breaker, change) => {
        this.#breakerStore?.saveResource(resource, provider, breaker);
        this.#circuits.fire({ resource, provider, name: breaker.name, from: change.from, to: change.to, reason: change.reason });
      },
    });
    this.#gate = new ResourceGate(this.#scheduler, this.#providers, this.#guards);
    this.#cache = new ResultCache(c.cache, c.clock);
    this.#queue = new RequestQueue({
      team: this.team,
      ...c.queue,
      clock: c.clock,
      store: this.#store,
      // monitors announce a recovery; a provider's cooldown or open breaker ends silently: poll those
      pollOnTimer: (t) => !this.#scheduler.hasMonitors(t) || this.#providers.known(t).length > 0,
      replayDue: (t) => this.#providers.known(t).length === 0 || this.#gate.usable(t),
      redact: redactString,
    });
    this.#env = new ManagerChainEnvironment({
      owner: this,
      clock: c.clock,
      retryDefaults: c.retry,
      stopSignal: () => this.#lifecycle.signal,
      providers: this.#providers,
      guards: this.#guards,
      cache: this.#cache,
      queue: this.#queue,
      onStep: (e) => this.#steps.fire(e),
      onScale: (resource, from, to) => this.#concurrency.fire({ resource, from, to, reason: 'scale_down' }),
    });
    this.#needs = chainNeeds(c.chains, this.#store !== undefined);
    this.#targets = new ReplayTargets(this.#queue, (type, identity, call, args) => this.#replay(type, identity, call, args));
    this.#errors = new ErrorRateWindow(c.clock);
    this.onStatusChange = this.#scheduler.onStatusChange;
    this.onProviderCooldown = this.#providers.onCooldown;
    this.onQueuedRequestSettled = this.#queue.onSettled;
    this.onRequestQueued = this.#queue.onQueued;
    this.#queue.onWarning((w) => this.#warnings.fire(w));
    this.#scheduler.onStatusChange((e) => this.#onStatusChange(e));
    this.#scheduler.onRoundComplete(() => this.#recover());
    attachManagerLogging(this, this.logger);
  }

  /** Restore persisted breakers and queued requests, then run a first round of checks and keep checking. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      if (this.#lifecycle.signal.aborted) this.#lifecycle = lifecycleController();
      this.#startedAt = this.clock.now();
      await this.#breakerStore?.restore(this.#guards.breakers);
      await this.#queue.restore();
      await this.#registrations.settle(); // MCP monitors registered before start() take part in its first round
      await this.#scheduler.start();
    })();
    return this.#starting;
  }

  /** Stop checking, end chain waits, release every timer, close monitors, flush persisted state. */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    this.#lifecycle.abort(new RampartError(`ResilienceManager "${this.team}" stopped`));
    await this.#registrations.settle();
    await this.#scheduler.stop();
    await this.#queue.stop();
    await this.#breakerStore?.close();
    if (this.#store && this.#store !== this.config.store) await this.#store.close?.();
    this.#starting = undefined;
    this.#startedAt = undefined;
  }

  /** Run a round of checks now (after pending monitor registrations). */
  async checkNow(): Promise<void> {
    await this.#registrations.settle();
    await this.#scheduler.checkNow();
  }

  /** Register a monitor, reported as `${resourceType}:${name}` (replacing one with that key). */
  registerMonitor(monitor: ResourceMonitor): string {
    return this.#scheduler.register(validateMonitor(monitor));
  }

  unregisterMonitor(key: string): boolean {
    this.#registrations.drop(key);
    return this.#scheduler.unregister(key);
  }

  /** Watch an API quota: `fn` returns `{ remaining, limit }` or a usage percentage (seed: register_api_quota_monitor). */
  registerApiQuotaMonitor(name: string, fn: ApiQuotaCheck, options?: ApiQuotaMonitorOptions): ApiQuotaMonitor {
    const monitor = new ApiQuotaMonitor(name, fn, options);
    this.registerMonitor(monitor);
    return monitor;
  }

  /**
   * Watch an MCP server (seed: register_mcp_monitor) through the `mcp` monitor plugin, loading
   * @rampart/mcp on demand. Registration completes asynchronously: `start()` and `checkNow()` wait
   * for registrations made before them; until the monitor's first check, the health report shows
   * `mcp_server:<name>` as `unavailable` with `pending: true` and the reason. If the monitor cannot
   * be created, `mcp_server:<name>` reports unavailable with the reason.
   */
  registerMcpMonitor(name: string, options?: unknown): void {
    startMcpRegistration(name, options, {
      context: { team: this.team, clock: this.clock, logger: this.logger },
      registrations: this.#registrations,
      register: (m) => this.registerMonitor(m),
      warn: (message, error) => this.#warn(message, error),
    });
  }

  /** Run `fn(...args)` under the fallback chain of `resourceType` (seed: with_resilience). */
  withResilience<A extends unknown[], T>(fn: (...args: A) => T | PromiseLike<T>, resourceType: ResourceType, ...args: A): Promise<Awaited<T>> {
    return this.execute(resourceType, fn as unknown as (...a: never[]) => T | PromiseLike<T>, { args, key: fn.name || undefined });
  }

  /**
   * Run `fn(...options.args)` under the fallback chain of `resourceType`; what decorators and
   * integrations call. `options.providers` gives the call its own ordered providers (cooldowns,
   * breakers and `${type}:${provider}` monitors then work on those names).
   *
   * A call made from inside a guarded invocation of this manager for the same resource type (an
   * integration such as ResilientLLM called by a `@withFallback` method) runs `fn` directly: no
   * gate, no chain, no cache or queue. Its errors reach the outer chain, which alone decides
   * (retries, switches), and `fn` sees the outer chain's `currentFallback()`. A call for another
   * resource type, or on another manager, runs its own chain.
   */
  async execute<T>(resourceType: ResourceType, fn: (...args: never[]) => T | PromiseLike<T>, options: ExecuteWithFallbackOptions = {}): Promise<Awaited<T>> {
    const type = validateResourceType(resourceType);
    if (isGuardedInvocation(this, type)) return (await (fn as (...a: unknown[]) => T | PromiseLike<T>)(...(options.args ?? []))) as Awaited<T>;
    const providers = options.providers === undefined ? undefined : this.#providers.callList(type, options.providers);
    if (providers === undefined) this.#providers.useRegistered(type);
    if (options.identity && options.replay) this.#targets.offer(type, options.identity, options.replay);
    const needs = this.#needs[type];
    const call = makeGuardedCall(type, fn as (...a: unknown[]) => Awaited<T>, options, providers, needs, this.clock.now() + this.config.queue.maxWaitMs);
    const chain = this.config.chains[type];
    const run = async () => {
      try {
        return await runFallbackChain(call, chain, this.#gate.gate(type, providers), this.#env);
      } catch (err) {
        if (err instanceof FallbackExhaustedError) this.#exhausted.fire({ resource: type, key: options.key, error: err });
        throw err;
      }
    };
    try {
      const value = call.cacheKey !== undefined && !call.signal ? await this.#coalescer.run(call.cacheKey, run) : await run();
      this.#errors.record(true);
      return value;
    } catch (err) {
      this.#errors.record(false);
      throw err;
    }
  }

  /** Worst reported status of the type's monitors (healthy when it has none). */
  getStatus(resourceType: ResourceType): ResourceStatus {
    return this.#scheduler.statusOf(validateResourceType(resourceType));
  }

  getMonitorStatus(key: string): MonitorStatus | undefined {
    const s: MonitorSnapshot | undefined = this.#scheduler.get(key);
    return s && { status: s.status, usage: s.usage, details: s.details, checkedAt: s.checkedAt };
  }

  setProviders(resourceType: ResourceType, names: string[]): void {
    this.#providers.set(validateResourceType(resourceType), names);
  }

  getProviders(resourceType: ResourceType): readonly string[] {
    return this.#providers.get(validateResourceType(resourceType));
  }

  /**
   * Make provider names known for `resourceType` without adding them to its registered list: names
   * that calls will pass in `execute`'s `providers` option (e.g. an MCP client's
   * `supabase/primary`). Known providers appear in the health report, and their
   * `${type}:${provider}` monitors count as provider monitors (not resource-level ones) from the start.
   */
  declareProviders(resourceType: ResourceType, names: readonly string[]): void {
    this.#providers.callList(validateResourceType(resourceType), names);
  }

  /** Skip a provider for `cooldownMs` (default: the error's retry-after, else `providerCooldownMs`), for every caller. */
  reportProviderFailure(resourceType: ResourceType, provider: string, options?: ProviderFailureOptions): void {
    this.#providers.reportFailure(validateResourceType(resourceType), provider, options);
  }

  reportProviderSuccess(resourceType: ResourceType, provider: string): void {
    this.#providers.reportSuccess(validateResourceType(resourceType), provider);
  }

  /** Not cooling down, its `${type}:${provider}` monitor not critical/unavailable, and its circuit breaker (if any) not open. */
  isProviderAvailable(resourceType: ResourceType, provider: string): boolean {
    return this.#providers.isAvailable(validateResourceType(resourceType), provider);
  }

  /**
   * The manager's own circuit breakers, one per (resource type, provider) — a resource type without
   * providers has one with `provider` undefined — created on first use, for types whose chain has
   * CIRCUIT_BREAK. They are not in the process-wide registry; metrics and cross-process sharing read
   * them here.
   */
  getCircuitBreakers(): Array<{ resource: ResourceType; provider: string | undefined; breaker: CircuitBreakerPolicy }> {
    return [...this.#guards.breakers.entries()].map(({ resource, provider, breaker }) => ({ resource, provider, breaker }));
  }

  /**
   * The same breakers as a registry of named breakers (`${team}/${type}/${provider}`): `list()`,
   * `get(name)` that creates the named breaker if needed, and `onBreakerCreated`. What
   * `shareManagerBreakers` in @rampart/redis shares across processes.
   */
  circuitBreakerSource(): ManagerBreakerSource {
    return (this.#breakerSource ??= managerBreakerSource(this.#guards.breakers));
  }

  /** What happened to a request parked by QUEUE_REQUEST (also after a restart, when persisted). */
  getQueuedRequest(id: string): QueuedRequest | undefined {
    return this.#queue.get(id);
  }

  /** Forget every cached result (USE_CACHE). */
  clearCache(): void {
    this.#cache.clear();
  }

  /**
   * Offer an instance's `@withFallback` methods for replaying persisted queued requests. Called
   * automatically for TC39-decorated classes on construction and on every guarded call; call it
   * yourself with legacy decorators to replay before the first call. Returns the methods attached.
   */
  attach(instance: object): number {
    return this.#targets.attach(instance);
  }

  /** The health report in the seed's shape, from the last completed checks (cheap; no secrets). */
  async getHealthReport(): Promise<HealthReport> {
    const { calls, failures } = this.#errors.totals();
    const view = this.#registrations.merge(this.#scheduler.reportView(), (key) => this.#scheduler.get(key) !== undefined);
    return buildHealthReport({
      team: this.team,
      wallNow: this.clock.wallNow(),
      uptimeMs: this.#startedAt === undefined ? 0 : this.clock.now() - this.#startedAt,
      calls,
      failures,
      resources: view.resources,
      worstResource: view.worst,
      circuits: circuitRows(this.#guards.breakers, this.#providers),
      queues: this.#queue.stats(),
      providers: providerRows(this.#providers, this.#guards.breakers),
    });
  }

  /** Replay a persisted request through the method it was made with (QUEUE_REQUEST context, guards included). */
  #replay(type: ResourceType, identity: CallIdentity, replay: (args: unknown[]) => unknown, args: unknown[]): Promise<unknown> {
    const call = makeGuardedCall(type, (...a: unknown[]) => replay(a), { args, identity }, undefined, { cache: false, persist: false }, Number.POSITIVE_INFINITY);
    const run = newChainRun({ proactive: false, breakerOpen: false });
    return this.#env.invoke(call, run, FallbackStrategy.QUEUE_REQUEST, preferredProvider(call, run, this.#env), 0);
  }

  #onStatusChange(e: MonitorStatusChange): void {
    if (e.from !== undefined && !isDown(e.to) && this.#gate.usable(e.resourceType)) this.#recoverResource(e.resourceType);
  }

  /** After each round: replay queues and restore concurrency of resources that are usable again. */
  #recover(): void {
    for (const t of Object.values(ResourceType)) if (this.#gate.usable(t)) this.#recoverResource(t);
  }

  #recoverResource(type: ResourceType): void {
    const restored = this.#guards.restoreConcurrency(type);
    if (restored) this.#concurrency.fire({ resource: type, ...restored, reason: 'recovered' });
    if (this.#scheduler.hasMonitors(type) && this.#queue.size(type) > 0) void this.#queue.drain(type);
  }

  #warn(message: string, error?: unknown): void {
    this.#warnings.fire({ message, error });
  }
}

