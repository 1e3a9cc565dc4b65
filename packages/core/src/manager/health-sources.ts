import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { CircuitState } from '../breaker/circuit-state.js';
import { buildHealthReport, type HealthReport } from '../health/health-report.js';
import { ResourceType } from '../resource/resource-types.js';
import type { MonitorSnapshot } from '../health/monitor-state.js';
import type { ManagerParts } from './manager-parts.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { ResourceBreakers } from './resource-breakers.js';
import { resourceHealth } from './resource-health.js';

import type { CircuitRow } from '../health/circuit-section.js';

function row(b: CircuitBreakerPolicy, extra: Partial<CircuitRow> = {}): CircuitRow {
  const s = b.stats;
  return { name: b.name, state: s.state, successRate: s.successRate, failureRate: s.failureRate, calls: s.calls, failures: s.failures, rejections: s.rejections, halfOpenAt: b.halfOpenAt, ...extra };
}

/**
 * The row of a resource with providers as a whole, under the resource-level name
 * (`${team}/${type}`): `open` when every provider's breaker is open (calls fail fast), `half_open`
 * when none is closed and some admit probes, `closed` otherwise; counts summed over the providers;
 * `providers` gives each provider's state (a provider without a breaker yet is closed).
 */
function resourceRow(breakers: ResourceBreakers, type: ResourceType, list: readonly string[]): CircuitRow {
  let calls = 0;
  let failures = 0;
  let successes = 0;
  let rejections = 0;
  let open = 0;
  let closed = 0;
  let halfOpenAt: number | undefined;
  const providers: Record<string, CircuitState> = {};
  for (const p of list) {
    const b = breakers.get(type, p);
    const state = b?.state ?? CircuitState.Closed;
    providers[p] = state;
    if (state === CircuitState.Open) open++;
    else if (state === CircuitState.Closed) closed++;
    if (!b) continue;
    const s = b.stats;
    calls += s.calls;
    failures += s.failures;
    successes += s.successes;
    rejections += s.rejections;
    const at = b.halfOpenAt;
    if (at !== undefined) halfOpenAt = Math.min(halfOpenAt ?? at, at);
  }
  const state = open === list.length ? CircuitState.Open : closed === 0 ? CircuitState.HalfOpen : CircuitState.Closed;
  const decided = successes + failures;
  return {
    name: breakers.name(type, undefined),
    state,
    successRate: decided === 0 ? 1 : successes / decided,
    failureRate: decided === 0 ? 0 : failures / decided,
    calls,
    failures,
    rejections,
    halfOpenAt: state === CircuitState.Open ? halfOpenAt : undefined,
    resource: type,
    providers,
  };
}

/**
 * The manager's own circuits, keyed by breaker name: per resource type with providers
 * (registered, or named by calls' own lists), a
 * row for the resource as a whole (`${team}/${type}`, see {@link resourceRow}) then one per
 * provider breaker (`${team}/${type}/${provider}`); per type without providers, its resource-level
 * breaker (`${team}/${type}`). The report adds the process's named breakers
 * (`@circuitBreaker('database_query')`) after them (see `CircuitReportCache`).
 */
export function circuitRows(breakers: ResourceBreakers, providerRegistry: ProviderRegistry): CircuitRow[] {
  const rows: CircuitRow[] = [];
  const byType = new Map<ResourceType, Array<{ provider: string | undefined; breaker: CircuitBreakerPolicy }>>();
  for (const e of breakers.entries()) {
    let list = byType.get(e.resource);
    if (!list) byType.set(e.resource, (list = []));
    list.push(e);
  }
  for (const [type, entries] of byType) {
    const list = providerRegistry.known(type);
    const perProvider = entries.filter((e) => e.provider !== undefined);
    if (list.length > 0) {
      if (perProvider.length > 0) rows.push(resourceRow(breakers, type, list));
    } else {
      const own = entries.find((e) => e.provider === undefined);
      if (own) rows.push(row(own.breaker, { resource: type }));
    }
    for (const e of perProvider) rows.push(row(e.breaker, { resource: type, provider: e.provider }));
  }
  return rows;
}

/** What {@link providerRows} reads besides the registry and the breakers. */
export interface ProviderRowSources {
  /** A monitor's last completed check, by key (`${type}:${provider}` is the provider's own). */
  readonly monitor: (key: string) => MonitorSnapshot | undefined;
  /** Wall-clock epoch ms now, for `until`. */
  readonly wallNow: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** What the provider's own monitor says, for `why` (already redacted by the scheduler). */
function monitorWhy(key: string, m: MonitorSnapshot | undefined): string {
  if (m === undefined) return `monitor ${key} reports it down`;
  const d = m.details;
  const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join('; ') : undefined);
  const reason = m.error ?? text(d?.reason) ?? text(d?.reasons) ?? text(d?.error);
  const usage = m.usage === undefined ? '' : ` (usage ${Math.round(m.usage * 100) / 100}%)`;
  return `monitor ${key} reports ${m.status}${usage}${reason === undefined ? '' : `: ${reason}`}`;
}

/** The latency a provider's own monitor measured (`details.latencyMs`: MCP, PostgreSQL and network monitors report it). */
function monitorLatency(m: MonitorSnapshot | undefined): number | undefined {
  const l = m?.details?.latencyMs;
  return typeof l === 'number' && Number.isFinite(l) ? l : undefined;
}

/**
 * Per resource type with providers (registered, or named by calls' own lists), each provider's
 * availability, remaining cooldown, (when it has a breaker) circuit state, and `state`, `why`,
 * `until`, `latency_ms`, `last_failure_at`.
 */
export function providerRows(providers: ProviderRegistry, breakers: ResourceBreakers, sources?: ProviderRowSources): HealthReport['providers'] {
  const out: HealthReport['providers'] = {};
  for (const t of providers.types()) {
    const list = providers.known(t);
    if (list.length === 0) continue;
    out[t] = Object.fromEntries(
      list.map((p) => {
        const b = breakers.get(t, p);
        const entry: HealthReport['providers'][string][string] = { available: providers.isAvailable(t, p), cooldown_remaining_ms: Math.ceil(providers.cooldownRemainingMs(t, p)), state: 'available' };
        if (b) entry.circuit = b.state;
        const off = providers.whyUnavailable(t, p);
        if (off !== undefined) entry.state = off.reason;
        if (sources === undefined) return [p, entry];
        const key = `${t}:${p}`;
        const seen = providers.peek(t, p);
        const monitor = sources.monitor(key);
        if (off !== undefined) {
          if (off.reason === 'monitor_down') entry.why = monitorWhy(key, monitor);
          else entry.why = seen?.lastFailure ?? (off.reason === 'circuit_open' ? 'its circuit breaker is open' : 'cooling down');
          if (Number.isFinite(off.backInMs)) entry.until = new Date(sources.wallNow + Math.ceil(off.backInMs)).toISOString();
        }
        const latency = seen?.latencyMs ?? monitorLatency(monitor);
        if (latency !== undefined) entry.latency_ms = round2(latency);
        if (seen?.lastFailureAt !== undefined) entry.last_failure_at = new Date(seen.lastFailureAt).toISOString();
        const excluded = providers.operationExclusions(t, p);
        if (excluded.length > 0) {
          entry.excluded_for = Object.fromEntries(excluded.map(([op, ms]) => [op, new Date(sources.wallNow + Math.ceil(ms)).toISOString()]));
        }
        return [p, entry];
      }),
    );
  }
  return out;
}

/** What a manager's report needs besides its parts: who, when, and the call counts. */
export interface ReportFacts {
  readonly team: string;
  /** Wall-clock epoch ms. */
  readonly wallNow: number;
  readonly uptimeMs: number;
  /** Calls and failures over the error-rate window. */
  readonly totals: { readonly calls: number; readonly failures: number };
}

/**
 * A manager's health report: the last completed check of each monitor (plus pending monitor
 * registrations), its circuits, queues and providers, and each resource type's status from its
 * providers and monitors (see {@link resourceHealth}), whose worst is the resources' part of
 * `overall_health`. Reads state only; runs no check.
 */
export function managerHealthReport(
  parts: Pick<ManagerParts, 'scheduler' | 'registrations' | 'guards' | 'providers' | 'queue' | 'store' | 'quarantined' | 'circuitReport'>,
  facts: ReportFacts,
): HealthReport {
  const { scheduler, registrations, guards, providers, queue } = parts;
  const view = registrations.merge(scheduler.reportView(), (key) => scheduler.get(key) !== undefined);
  const rows = providerRows(providers, guards.breakers, { monitor: (key) => scheduler.get(key), wallNow: facts.wallNow });
  const health = resourceHealth(rows, view.resources);
  return buildHealthReport({
    team: facts.team,
    wallNow: facts.wallNow,
    uptimeMs: facts.uptimeMs,
    calls: facts.totals.calls,
    failures: facts.totals.failures,
    resources: view.resources,
    worstResource: health.worst,
    circuits: parts.circuitReport.update(circuitRows(guards.breakers, providers)),
    queues: queue.stats(),
    providers: rows,
    resourceHealth: health.byType,
    storage: parts.store === undefined ? undefined : { quarantined: [...parts.quarantined] },
  });
}
