import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Event } from '../events/event.js';
import type { FallbackAttempt } from '../fallback/fallback-attempt.js';
import { FALLBACK_HOST, type ExecuteWithFallbackOptions, type FallbackHost } from '../fallback/fallback-host.js';
import type { HealthReport } from '../health/health-report.js';
import type { MonitorStatusChange } from '../health/monitor-scheduler.js';
import type { MonitorSnapshot } from '../health/monitor-state.js';
import { attachManagerLogging } from '../logging/attach-manager-logging.js';
import { createTeamLogger } from '../logging/team-logger.js';
import { ApiQuotaMonitor, type ApiQuotaCheck, type ApiQuotaMonitorOptions } from '../monitors/api-quota-monitor.js';
import type { QueuedRequest } from '../queue/queued-request.js';
import type { ResourceMonitor } from '../resource/monitor.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import type { ResourceStatus } from '../resource/resource-types.js';
import { validateMonitor, validateResourceType, validateTeam } from './argument-validation.js';
import { GuardedExecutor } from './guarded-executor.js';
import { managerHealthReport } from './health-sources.js';
import { managerBreakerSource, type ManagerBreakerSource } from './manager-breaker-source.js';
import { ManagerEmitters } from './manager-emitters.js';
import type { ManagerEvents } from './manager-events.js';
import { ManagerLifecycle } from './manager-lifecycle.js';
import { ManagerParts } from './manager-parts.js';
import { startMcpRegistration } from './mcp-monitor-loader.js';
import type { ProviderCooldownEvent, ProviderFailureOptions } from './provider-registry.js';
import { resolveResilienceConfig, type ResolvedResilienceConfig } from './resolve-config.js';
import type { ResilienceConfig } from './resilience-config.js';
import { watchRecovery } from './resource-recovery.js';

/** What `getMonitorStatus(key)` returns: the last completed check of one monitor. */
export interface MonitorStatus {
  readonly status: ResourceStatus;
  readonly usage?: number | undefined;
  readonly details?: Record<string, unknown> | undefined;
  /** Wall-clock epoch ms. */
  readonly checkedAt: number;
}

/**
 * A team's resilience: resource monitors, per-resource fallback chains, provider switching,
 * caching, queuing, breakers and a health report (seed 001's ResourceManager). It composes small
 * parts and delegates to them: the parts themselves (`manager-parts.ts`: scheduler, provider
 * registry, guards, gate, cache, queue, stores), the call path (`guarded-executor.ts`), start and
 * stop (`manager-lifecycle.ts`), recovery (`resource-recovery.ts`) and the health report
 * (`health-sources.ts`). `start()` restores persisted state and runs a first round of checks;
 * `stop()` releases every timer. Methods decorated with `@withFallback` find it on their instance.
 */
export class ResilienceManager implements FallbackHost, ManagerEvents {
  readonly [FALLBACK_HOST] = true as const;
  readonly team: string;
  readonly config: ResolvedResilienceConfig;
  readonly clock: Clock;
  /** A pino child logger bound to `{ team }`. */
  readonly logger: Logger;
  readonly #events = new ManagerEmitters();
  readonly #parts: ManagerParts;
  readonly #calls: GuardedExecutor;
  readonly #lifecycle: ManagerLifecycle;
  /** Resource types this manager knows: the built-ins and the config's `resourceTypes`. */
  readonly #types: ReadonlySet<string>;
  #breakerSource: ManagerBreakerSource | undefined;
  readonly onFallbackStep = this.#events.steps.event;
  readonly onFallbackExhausted = this.#events.exhausted.event;
  readonly onCircuitStateChange = this.#events.circuits.event;
  readonly onConcurrencyChange = this.#events.concurrency.event;
  readonly onWarning = this.#events.warnings.event;
  readonly onStatusChange: Event<MonitorStatusChange>;
  readonly onProviderCooldown: Event<ProviderCooldownEvent>;
  readonly onQueuedRequestSettled: Event<QueuedRequest>;
  readonly onRequestQueued: Event<QueuedRequest>;

  constructor(team: string, config?: ResilienceConfig) {
    this.team = validateTeam(team);
    const c = (this.config = resolveResilienceConfig(config));
    this.clock = c.clock;
    this.#types = new Set(c.resourceTypes);
    this.logger = createTeamLogger(this.team, config?.logger, config?.env ?? process.env);
    const parts = (this.#parts = new ManagerParts(this.team, c, Object.keys(config?.providers ?? {}), this.#events));
    const lifecycle = (this.#lifecycle = new ManagerLifecycle(this.team, c.clock, parts));
    this.#calls = new GuardedExecutor({ owner: this, config: c, parts, events: this.#events, stopSignal: () => lifecycle.signal });
    this.onStatusChange = parts.scheduler.onStatusChange;
    this.onProviderCooldown = parts.providers.onCooldown;
    this.onQueuedRequestSettled = parts.queue.onSettled;
    this.onRequestQueued = parts.queue.onQueued;
    watchRecovery(parts, (change) => this.#events.concurrency.fire(change));
    attachManagerLogging(this, this.logger);
  }

  /** Restore persisted breakers and queued requests, then run a first round of checks and keep checking. */
  start(): Promise<void> {
    return this.#lifecycle.start();
  }

  /** Stop checking, end chain waits, release every timer, close monitors, flush persisted state. */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  /** Run a round of checks now (after pending monitor registrations). */
  async checkNow(): Promise<void> {
    await this.#parts.registrations.settle();
    await this.#parts.scheduler.checkNow();
  }

  /** Register a monitor, reported as `${resourceType}:${name}` (replacing one with that key). */
  registerMonitor(monitor: ResourceMonitor): string {
    return this.#parts.scheduler.register(validateMonitor(monitor, this.#types));
  }

  unregisterMonitor(key: string): boolean {
    this.#parts.registrations.drop(key);
    return this.#parts.scheduler.unregister(key);
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
      registrations: this.#parts.registrations,
      register: (m) => this.registerMonitor(m),
      warn: (message, error) => this.#events.warn(message, error),
    });
  }

  /** Run `fn(...args)` under the fallback chain of `resourceType` (seed: with_resilience). */
  withResilience<A extends unknown[], T>(fn: (...args: A) => T | PromiseLike<T>, resourceType: ResourceTypeName, ...args: A): Promise<Awaited<T>> {
    return this.execute(resourceType, fn as unknown as (...a: never[]) => T | PromiseLike<T>, { args, key: fn.name || undefined });
  }

  /**
   * Run `fn` under the fallback chain of `resourceType`; what integrations and decorators call.
   * Without `options.args`, each invocation gets the {@link FallbackAttempt} it runs: the provider
   * to call (the first on the plain attempt), the strategy, attempt number, degradation, the call's
   * `signal` and `deadline`. With `options.args`, `fn(...args)` is called instead (what
   * `@withFallback` does; the method reads `currentFallback()`). `options.providers` gives the call
   * its own ordered providers (cooldowns, breakers and `${type}:${provider}` monitors then work on
   * those names), so two clients on one manager never share or overwrite a list.
   *
   * A call made from inside a guarded invocation of this manager for the same resource type (an
   * integration such as ResilientLLM called by a `@withFallback` method) runs `fn` directly: no
   * gate, no chain, no cache or queue. Its errors reach the outer chain, which alone decides
   * (retries, switches), and `fn` sees the outer chain's `currentFallback()`. A call for another
   * resource type, or on another manager, runs its own chain.
   */
  execute<T>(resourceType: ResourceTypeName, fn: (attempt: FallbackAttempt) => T | PromiseLike<T>, options?: ExecuteWithFallbackOptions & { args?: undefined }): Promise<Awaited<T>>;
  execute<T>(resourceType: ResourceTypeName, fn: (...args: never[]) => T | PromiseLike<T>, options?: ExecuteWithFallbackOptions): Promise<Awaited<T>>;
  execute<T>(resourceType: ResourceTypeName, fn: (...args: never[]) => T | PromiseLike<T>, options?: ExecuteWithFallbackOptions): Promise<Awaited<T>> {
    return this.#calls.execute(resourceType, fn, options); // no wrapper promise on the hot path
  }

  /**
   * Say that calls of `resourceType` may be made from inside this manager's own guarded invocations
   * of that type: an integration (an LLM or MCP client, a pool) called by a `@withFallback` method
   * of the same type, or your own `execute` there. Then each invocation is marked (an
   * AsyncLocalStorage frame) so the inner call runs inside the outer chain instead of starting its
   * own. Rampart's integrations say it when they are created with the manager, and a call in the
   * attempt form (`execute(type, (attempt) => …)`) says it for its type; until something says it, a
   * plain first attempt runs without the frame (on Node 20, entering one makes every later `await`
   * in the process slower).
   */
  expectNestedCalls(resourceType: ResourceTypeName): void {
    this.#calls.expectNested(validateResourceType(resourceType, this.#types));
  }

  /** Worst reported status of the type's monitors (healthy when it has none). */
  getStatus(resourceType: ResourceTypeName): ResourceStatus {
    return this.#parts.scheduler.statusOf(validateResourceType(resourceType, this.#types));
  }

  getMonitorStatus(key: string): MonitorStatus | undefined {
    const s: MonitorSnapshot | undefined = this.#parts.scheduler.get(key);
    return s && { status: s.status, usage: s.usage, details: s.details, checkedAt: s.checkedAt };
  }

  setProviders(resourceType: ResourceTypeName, names: string[]): void {
    this.#parts.providers.set(validateResourceType(resourceType, this.#types), names);
  }

  getProviders(resourceType: ResourceTypeName): readonly string[] {
    return this.#parts.providers.get(validateResourceType(resourceType, this.#types));
  }

  /**
   * Make provider names known for `resourceType` without adding them to its registered list: names
   * that calls will pass in `execute`'s `providers` option (e.g. an MCP client's
   * `supabase/primary`). Known providers appear in the health report, and their
   * `${type}:${provider}` monitors count as provider monitors (not resource-level ones) from the start.
   */
  declareProviders(resourceType: ResourceTypeName, names: readonly string[]): void {
    this.#parts.providers.callList(validateResourceType(resourceType, this.#types), names);
  }

  /** Skip a provider for `cooldownMs` (default: the error's retry-after, else `providerCooldownMs`), for every caller. */
  reportProviderFailure(resourceType: ResourceTypeName, provider: string, options?: ProviderFailureOptions): void {
    this.#parts.providers.reportFailure(validateResourceType(resourceType, this.#types), provider, options);
  }

  /**
   * The provider answered: its cooldown ends. Give `startedAt` (the request's start, by this
   * manager's `clock.now()`) so that an answer to a request made before the provider's last failure
   * (a 429 that arrived meanwhile) does not end that failure's cooldown.
   */
  reportProviderSuccess(resourceType: ResourceTypeName, provider: string, options?: { startedAt?: number | undefined }): void {
    this.#parts.providers.reportSuccess(validateResourceType(resourceType, this.#types), provider, options);
  }

  /** Not cooling down, its `${type}:${provider}` monitor not critical/unavailable, and its circuit breaker (if any) not open. */
  isProviderAvailable(resourceType: ResourceTypeName, provider: string): boolean {
    return this.#parts.providers.isAvailable(validateResourceType(resourceType, this.#types), provider);
  }

  /**
   * The manager's own circuit breakers, one per (resource type, provider) — a resource type without
   * providers has one with `provider` undefined — created on first use, for types whose chain has
   * CIRCUIT_BREAK. They are not in the process-wide registry; metrics and cross-process sharing read
   * them here.
   */
  getCircuitBreakers(): Array<{ resource: ResourceTypeName; provider: string | undefined; breaker: CircuitBreakerPolicy }> {
    return [...this.#parts.guards.breakers.entries()].map(({ resource, provider, breaker }) => ({ resource, provider, breaker }));
  }

  /**
   * The same breakers as a registry of named breakers (`${team}/${type}/${provider}`): `list()`,
   * `get(name)` that creates the named breaker if needed, and `onBreakerCreated`. What
   * `shareManagerBreakers` in @rampart/redis shares across processes.
   */
  circuitBreakerSource(): ManagerBreakerSource {
    return (this.#breakerSource ??= managerBreakerSource(this.#parts.guards.breakers));
  }

  /**
   * What happened to a request parked by QUEUE_REQUEST (also after a restart, when persisted):
   * while queued, and once settled for `queue.resultRetentionMs`, at most the newest
   * `queue.maxRetainedResults` outcomes; undefined after that.
   */
  getQueuedRequest(id: string): QueuedRequest | undefined {
    return this.#parts.queue.get(id);
  }

  /** Forget every cached result (USE_CACHE). */
  clearCache(): void {
    this.#parts.cache.clear();
  }

  /**
   * Offer an instance's `@withFallback` methods for replaying persisted queued requests. Called
   * automatically for TC39-decorated classes on construction and on every guarded call; call it
   * yourself with legacy decorators to replay before the first call. Returns the methods attached.
   */
  attach(instance: object): number {
    return this.#calls.attach(instance);
  }

  /** The health report in the seed's shape, from the last completed checks (cheap; no secrets). */
  async getHealthReport(): Promise<HealthReport> {
    return managerHealthReport(this.#parts, { team: this.team, totals: this.#calls.totals(), wallNow: this.clock.wallNow(), uptimeMs: this.#lifecycle.uptimeMs() });
  }
}
