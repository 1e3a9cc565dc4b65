import { CircuitState, ConfigError, ResourceStatus, type HealthReport, type ResilienceManager } from '@rampart/core';
import { Counter, Gauge, type Registry } from 'prom-client';
import { resolveMetricsOptions, type Instrumentation, type MetricsOptions } from './metrics-options.js';
import { attachToFamily, type FamilyIndex } from './shared-family.js';

const STATUSES = Object.values(ResourceStatus);

/** The manager metrics of one registry and prefix, shared by every manager instrumented on it. */
class TeamMetrics {
  readonly sources = new Set<ResilienceManager>();
  readonly steps: Counter<'team' | 'resource' | 'strategy' | 'outcome'>;
  readonly exhausted: Counter<'team' | 'resource'>;
  readonly cooldowns: Counter<'team' | 'resource' | 'provider'>;
  readonly #names: string[];

  constructor(
    readonly registry: Registry,
    prefix: string,
  ) {
    const registers = [registry];
    const reports = async (): Promise<HealthReport[]> => Promise.all([...this.sources].map((m) => m.getHealthReport()));
    this.#names = [
      'health_status',
      'resource_usage_percent',
      'queue_size',
      'resource_circuitbreaker_state',
      'fallback_steps_total',
      'fallback_exhausted_total',
      'provider_cooldowns_total',
    ].map((n) => prefix + n);
    for (const name of this.#names) {
      if (registry.getSingleMetric(name)) throw new ConfigError('instrumentManager.options.registry', `already has a metric named ${name}`, name);
    }
    new Gauge({
      name: `${prefix}health_status`,
      help: 'Health of a component (overall, system, a resource type as its providers and monitors make it, or a monitor `type:name`) from the last checks: 1 for the current status, 0 for the others.',
      labelNames: ['team', 'component', 'status'] as const,
      registers,
      async collect() {
        const all = await reports();
        this.reset();
        for (const r of all) {
          const components: Array<[string, ResourceStatus]> = [
            ['overall', r.overall_health],
            ['system', r.components.system.status],
            ...Object.entries(r.resource_health ?? {}).map(([type, v]): [string, ResourceStatus] => [type, v.status]),
            ...Object.entries(r.resources).map(([k, v]): [string, ResourceStatus] => [k, v.status]),
          ];
          for (const [component, current] of components) {
            for (const status of STATUSES) this.set({ team: r.team, component, status }, status === current ? 1 : 0);
          }
        }
      },
    });
    new Gauge({
      name: `${prefix}resource_usage_percent`,
      help: 'Usage (0-100) a monitor reported at its last check.',
      labelNames: ['team', 'component'] as const,
      registers,
      async collect() {
        const all = await reports();
        this.reset();
        for (const r of all) {
          for (const [component, v] of Object.entries(r.resources)) if (v.usage !== undefined) this.set({ team: r.team, component }, v.usage);
        }
      },
    });
    new Gauge({
      name: `${prefix}queue_size`,
      help: 'Requests parked by QUEUE_REQUEST, per resource type.',
      labelNames: ['team', 'resource'] as const,
      registers,
      async collect() {
        const all = await reports();
        this.reset();
        for (const r of all) for (const [resource, q] of Object.entries(r.queues)) this.set({ team: r.team, resource }, q.size);
      },
    });
    const managers = this.sources;
    new Gauge({
      name: `${prefix}resource_circuitbreaker_state`,
      help: "State of the manager's own breakers, one per (resource type, provider; '' for a resource-level one): 1 for the current state, 0 for the others.",
      labelNames: ['team', 'resource', 'provider', 'state'] as const,
      registers,
      collect() {
        this.reset();
        for (const m of managers) {
          for (const { resource, provider, breaker } of m.getCircuitBreakers()) {
            for (const state of Object.values(CircuitState)) this.set({ team: m.team, resource, provider: provider ?? '', state }, state === breaker.state ? 1 : 0);
          }
        }
      },
    });
    this.steps = new Counter({
      name: `${prefix}fallback_steps_total`,
      help: 'Steps of fallback chains (the primary attempt included) by strategy and outcome (answered, failed, skipped).',
      labelNames: ['team', 'resource', 'strategy', 'outcome'] as const,
      registers,
    });
    this.exhausted = new Counter({
      name: `${prefix}fallback_exhausted_total`,
      help: 'Calls whose fallback chain found no answer.',
      labelNames: ['team', 'resource'] as const,
      registers,
    });
    this.cooldowns = new Counter({
      name: `${prefix}provider_cooldowns_total`,
      help: 'Times a provider was put in cooldown (skipped by every caller for a while).',
      labelNames: ['team', 'resource', 'provider'] as const,
      registers,
    });
  }

  unregister(): void {
    for (const name of this.#names) this.registry.removeSingleMetric(name);
  }
}

const shared: FamilyIndex<TeamMetrics> = new WeakMap();

/**
 * Export a manager's health, usage, queues, fallback steps and provider cooldowns (every series
 * labelled with its `team`). Gauges are read from `getHealthReport()` at scrape time; counters
 * follow the manager's events. Several managers (of different teams) may share one registry.
 * `dispose()` unsubscribes; the last manager's dispose unregisters the metrics. No timers.
 */
export function instrumentManager(manager: ResilienceManager, options?: MetricsOptions): Instrumentation {
  if (manager === null || typeof manager !== 'object' || typeof manager.getHealthReport !== 'function' || typeof manager.onFallbackStep !== 'function') {
    throw new ConfigError('instrumentManager.manager', 'must be a ResilienceManager', manager);
  }
  const { registry, prefix } = resolveMetricsOptions(options, 'instrumentManager.options');
  const team = manager.team;
  return attachToFamily(shared, { registry, prefix, path: 'instrumentManager.manager', what: 'a manager' }, () => new TeamMetrics(registry, prefix), manager, (m) => [
    manager.onFallbackStep((e) => m.steps.inc({ team, resource: e.resource, strategy: e.strategy, outcome: e.outcome })),
    manager.onFallbackExhausted((e) => m.exhausted.inc({ team, resource: e.resource })),
    // a provider left out of one kind of operation only (a write on a read-only standby) is not cooling down
    // a cooldown learnt from another replica is counted where its failure happened, not again here
    manager.onProviderCooldown((e) => e.operation === undefined && e.origin !== 'shared' && m.cooldowns.inc({ team, resource: e.resource, provider: e.provider })),
  ]);
}
