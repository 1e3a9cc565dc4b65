import { circuitBreakers } from '../breaker/circuit-breaker-registry.js';
import { ResultCache } from '../cache/result-cache.js';
import { CircuitReportCache } from '../health/circuit-report-cache.js';
import { MonitorScheduler } from '../health/monitor-scheduler.js';
import { redactString } from '../health/redact.js';
import { RequestQueue } from '../queue/request-queue.js';
import { FallbackStrategy, type ResourceType } from '../resource/resource-types.js';
import type { QuarantinedFileReport } from '../health/health-report.js';
import { describeHeld, type CorruptEntry } from '../store/corrupt-entry.js';
import { FileStore } from '../store/file-store.js';
import type { StateStore } from '../store/state-store.js';
import { BreakerPersistence } from './breaker-persistence.js';
import type { ManagerEmitters } from './manager-emitters.js';
import { PendingRegistrations } from './pending-registrations.js';
import { ProviderRegistry } from './provider-registry.js';
import { isDown, ResourceGate } from './resource-gate.js';
import { ResourceGuards } from './resource-guards.js';
import type { ResolvedResilienceConfig } from './resolve-config.js';

/**
 * The stateful parts of one manager, wired to each other: monitor scheduler, provider registry,
 * breakers and bulkheads (guards), the gate deciding how each call's chain runs, result cache,
 * request queue, the store and breaker persistence, and monitor registrations in progress.
 * {@link open} and {@link close} bring them up and down in order; the manager decides when.
 */
export class ManagerParts {
  /** The configured store, or a FileStore at `storagePath` (which this object opened and closes); undefined without persistence. */
  readonly store: StateStore | undefined;
  /** Every resource type the manager knows (built-in, then custom); a custom name travels typed as a ResourceType. */
  readonly resourceTypes: readonly ResourceType[];
  readonly scheduler: MonitorScheduler;
  readonly providers: ProviderRegistry;
  readonly guards: ResourceGuards;
  readonly gate: ResourceGate;
  readonly cache: ResultCache;
  readonly queue: RequestQueue;
  readonly registrations = new PendingRegistrations();
  /** The health report's circuits: this manager's rows, then the process's named breakers, kept up to date. */
  readonly circuitReport = new CircuitReportCache(circuitBreakers);
  /** Each provider's recent latency and last failure, for the health report. */
  /** State files the FileStore moved aside since this manager was created (the last 100), for the health report. */
  readonly quarantined: QuarantinedFileReport[] = [];
  readonly #breakerStore: BreakerPersistence | undefined;
  readonly #ownsStore: boolean;

  /** `configuredTypes`: the resource types whose providers the caller's config names (in use from the start). */
  constructor(team: string, c: ResolvedResilienceConfig, configuredTypes: readonly string[], events: ManagerEmitters) {
    const warn = (message: string, error?: unknown) => events.warn(message, error);
    const onCorruptEntry = (file: string, error: unknown, entry: CorruptEntry) => {
      this.quarantined.push({ file, ...(entry.movedTo === undefined ? {} : { moved_to: entry.movedTo }), held: entry.held, found_at: new Date(c.clock.wallNow()).toISOString() });
      if (this.quarantined.length > 100) this.quarantined.shift();
      const what = `it held ${describeHeld(entry.held)}`;
      const message = entry.movedTo === undefined ? `cannot read state file ${file}; ${what}` : `moved corrupt state file ${file} aside to ${entry.movedTo}; ${what}`;
      // a parse error's message quotes the file's text (arguments, results): leave it out of logs
      events.warnings.fire({ message, requestId: entry.held.id, error: error instanceof SyntaxError ? undefined : error });
    };
    this.resourceTypes = c.resourceTypes as readonly ResourceType[];
    const known = new Set<string>(c.resourceTypes);
    this.store = c.store ?? (c.storagePath ? new FileStore(c.storagePath, { configPath: 'storagePath', onCorruptEntry }) : undefined);
    this.#ownsStore = this.store !== undefined && this.store !== c.store;
    this.scheduler = new MonitorScheduler({ intervalMs: c.checkIntervalMs, checkTimeoutMs: c.checkTimeoutMs, hysteresis: c.hysteresis, clock: c.clock });
    this.providers = new ProviderRegistry(
      c.providers,
      { providerCooldownMs: c.providerCooldownMs, transientCooldownMs: c.transientCooldownMs },
      c.clock,
      (key) => {
        // down once its hysteresis says so; back on the first reading that is not down (its traffic
        // returns within one check interval, probed through its half-open breaker)
        const s = this.scheduler.get(key);
        return s !== undefined && isDown(s.status) && isDown(s.reading);
      },
      { isOpen: (t, p) => this.guards.breakers.isOpen(t, p), openForMs: (t, p) => this.guards.breakers.openForMs(t, p) },
    );
    // providers named in the config are in use from the start; the seed's defaults once a call uses them
    for (const t of configuredTypes) this.providers.useRegistered(t as ResourceType);
    const breakerStore = (this.#breakerStore = this.store ? new BreakerPersistence(this.store, team, warn) : undefined);
    this.guards = new ResourceGuards({
      team,
      clock: c.clock,
      failureThreshold: c.circuitBreaker.failureThreshold,
      recoveryTimeoutMs: c.circuitBreaker.recoveryTimeoutMs,
      concurrency: c.concurrency,
      maxQueued: c.queue.maxQueueSize,
      observations: this.providers,
      usesBreaker: (t) => c.chains[t].some((a) => a.strategy === FallbackStrategy.CIRCUIT_BREAK),
      isResourceType: (t) => known.has(t),
      onCircuitChange: ({ resource, provider }, breaker, change) => {
        breakerStore?.saveResource(resource, provider, breaker);
        events.circuits.fire({ resource, provider, name: breaker.name, from: change.from, to: change.to, reason: change.reason });
      },
    });
    this.gate = new ResourceGate(this.scheduler, this.providers, this.guards);
    this.cache = new ResultCache(c.cache, c.clock);
    this.queue = new RequestQueue({
      team,
      ...c.queue,
      clock: c.clock,
      store: this.store,
      // monitors announce a recovery; a provider's cooldown or open breaker ends silently: poll those
      pollOnTimer: (t) => !this.scheduler.hasMonitors(t) || this.providers.known(t).length > 0,
      replayDue: (t) => this.providers.known(t).length === 0 || this.gate.usable(t),
      redact: redactString,
    });
    this.queue.onWarning((w) => events.warnings.fire(w));
  }

  /** Restore persisted breakers and queued requests, wait for monitor registrations made so far, then run a first round of checks and keep checking. */
  async open(): Promise<void> {
    await this.#breakerStore?.restore(this.guards.breakers);
    await this.queue.restore();
    await this.registrations.settle(); // MCP monitors registered before start() take part in its first round
    await this.scheduler.start();
  }

  /** Wait for monitor registrations, stop checking and the queue's timers, flush breaker writes, and close a store this object opened. */
  async close(): Promise<void> {
    await this.registrations.settle();
    await this.scheduler.stop();
    await this.queue.stop();
    await this.#breakerStore?.close();
    if (this.#ownsStore) await this.store?.close?.();
  }
}
