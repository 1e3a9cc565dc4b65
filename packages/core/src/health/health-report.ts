import { ResourceStatus, worstStatus } from '../resource/resource-types.js';
import { circuitSection, isCircuitSection, type CircuitRow, type CircuitSection } from './circuit-section.js';

/** One monitored resource in the report (keyed `${resourceType}:${name}`). */
export interface ResourceReport {
  status: ResourceStatus;
  usage?: number;
  /** ISO 8601 time of the last completed check (of a `pending` entry: when it was registered). */
  checked_at: string;
  duration_ms: number;
  error?: string;
  details?: Record<string, unknown>;
  /**
   * The monitor was registered asynchronously (`registerMcpMonitor` after `start()`) and has not
   * completed a check yet: `status` is `pending` and `error` says why, until its first check.
   */
  pending?: true;
}

/**
 * One circuit in the report, keyed by breaker name. A manager's own circuits are one per provider
 * (`${team}/${resource}/${provider}`, e.g. `marketing-team/database/replica1`, with `resource` and
 * `provider`), one per resource type without providers (`${team}/${resource}`), and, for a type
 * with providers, a row for the resource as a whole under `${team}/${resource}` with each
 * provider's state in `providers` (open only when every provider's circuit is open). Named
 * breakers (`@circuitBreaker('database_query')`) appear under their name.
 */
export interface CircuitReport {
  state: 'closed' | 'open' | 'half_open';
  success_rate: number;
  failure_rate: number;
  calls: number;
  failures: number;
  rejections: number;
  /** ISO 8601 time at which an open circuit admits a probe. */
  half_open_at?: string;
  /** The resource type a manager circuit guards. */
  resource?: string;
  /** The provider a manager circuit guards (absent on resource-level rows). */
  provider?: string;
  /** On a resource's row (a type with providers): each provider's circuit state. */
  providers?: Record<string, 'closed' | 'open' | 'half_open'>;
}

/** One request queue (per resource type) in the report. */
export interface QueueReport {
  size: number;
  max_size: number;
  oldest_age_ms: number;
}

/** A state file the file store could not read back and moved aside (see `FileStore`'s `onCorruptEntry`). */
export interface QuarantinedFileReport {
  file: string;
  /** Where it was moved (absent if it could not be moved). */
  moved_to?: string;
  /** What could still be read from it: `key`, and a queued request's `id`, `className`, `method`... */
  held: Readonly<Record<string, string>>;
  /** ISO 8601 time it was found. */
  found_at: string;
}

/** The health report of one team, in the seed's shape (snake_case keys). */
export interface HealthReport {
  team: string;
  overall_health: ResourceStatus;
  /** ISO 8601. */
  timestamp: string;
  components: {
    system: {
      status: ResourceStatus;
      /** Seconds since `start()`. */
      uptime: number;
      /** Share of calls through the manager that failed (after fallbacks), over the last minute. */
      error_rate: number;
      calls: number;
    };
  };
  /** Per monitor (`${type}:${name}`). Frozen: shared by every report until the next check completes. */
  resources: Readonly<Record<string, Readonly<ResourceReport>>>;
  /**
   * Per circuit breaker name. A manager keeps its rows up to date rather than rebuilding them (it
   * reads only the breakers that changed); each report's record is frozen and never changes
   * afterwards (the same record again while nothing changed).
   */
  circuits: Readonly<Record<string, CircuitReport>>;
  queues: Record<string, QueueReport>;
  /** Per resource type, each provider's availability for SWITCH_PROVIDER. */
  providers: Record<string, Record<string, ProviderReport>>;
  /**
   * Per resource type with providers or monitors, its status as calls experience it: from its
   * providers (every one unavailable → `unavailable`, some → `degraded`) and its monitors (a
   * monitor of the type that is not a provider's counts as `degraded` while a provider it covers
   * is available). `overall_health` counts these, not each provider's own monitor.
   */
  resource_health: Record<string, ResourceHealthReport>;
  /** With persistence (`storagePath`): state files found damaged and moved aside since the manager was created. */
  storage?: { quarantined: QuarantinedFileReport[] };
}

/** One provider of a resource type in the report. */
export interface ProviderReport {
  /** Whether SWITCH_PROVIDER (and a plain call, for the primary) may use it now. */
  available: boolean;
  cooldown_remaining_ms: number;
  /** Its circuit breaker's state, once it has one (resource types whose chain has CIRCUIT_BREAK). */
  circuit?: 'closed' | 'open' | 'half_open';
  /** `available`, or what keeps it out: its cooldown, its open circuit breaker, or its own monitor. */
  state: 'available' | 'cooling_down' | 'circuit_open' | 'monitor_down';
  /** When it is not available, why (redacted): its last failure, or what its monitor reports. */
  why?: string;
  /** ISO 8601 time it may be used again (absent when available, or when only its monitor can bring it back). */
  until?: string;
  /** Recent latency of its calls (exponentially weighted), else what its own monitor measured (`details.latencyMs`), ms. */
  latency_ms?: number;
  /** ISO 8601 time of its last failure (the one `why` quotes while it cools down). */
  last_failure_at?: string;
  /**
   * Operations it is left out of after an operation-scoped failure (e.g. `write` on a read-only
   * standby), each with the ISO 8601 time it may take them again; it still takes the others.
   */
  excluded_for?: Record<string, string>;
}

/** One resource type in {@link HealthReport.resource_health}. */
export interface ResourceHealthReport {
  status: ResourceStatus;
  /** For a type with providers: how many may take a call now, of how many. */
  providers_available?: number;
  providers_total?: number;
  /** Absent when healthy: which providers and monitors make it worse. */
  reason?: string;
}

/** What the report is built from (all cheap reads of state kept up to date elsewhere). */
export interface HealthReportInput {
  team: string;
  wallNow: number;
  uptimeMs: number;
  calls: number;
  failures: number;
  /**
   * The last report entry of every checked monitor (see MonitorScheduler.reportView), and the worst
   * status among resources (a manager passes the worst of `resourceHealth`).
   */
  resources: Readonly<Record<string, Readonly<ResourceReport>>>;
  worstResource: ResourceStatus;
  /** Rows to build the circuits from, or the section already built (a manager's `CircuitReportCache`). */
  circuits: Iterable<CircuitRow> | CircuitSection;
  queues: Record<string, QueueReport>;
  providers: HealthReport['providers'];
  /** Per resource type, its status from its providers and monitors (see `resourceHealth`); `worstResource` is their worst. */
  resourceHealth?: HealthReport['resource_health'];
  storage?: HealthReport['storage'];
}

/** Below this many calls in the window, the error rate does not affect the system status. */
export const MIN_CALLS_FOR_ERROR_RATE = 10;

/**
 * The system component's status from its error rate: `critical` at ≥ 50 % failed calls,
 * `degraded` at ≥ 10 %, `healthy` otherwise or with fewer than {@link MIN_CALLS_FOR_ERROR_RATE} calls.
 */
export function systemStatus(calls: number, failures: number): ResourceStatus {
  if (calls < MIN_CALLS_FOR_ERROR_RATE) return ResourceStatus.HEALTHY;
  const rate = failures / calls;
  if (rate >= 0.5) return ResourceStatus.CRITICAL;
  if (rate >= 0.1) return ResourceStatus.DEGRADED;
  return ResourceStatus.HEALTHY;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * Build a {@link HealthReport}. `overall_health` is the worst of: `worstResource` (a manager's is
 * the worst of `resource_health`: each resource type as its providers and monitors make it); the
 * system component's status (see {@link systemStatus}); `degraded` if any circuit is open or
 * half-open (an open circuit alone never makes a team worse than degraded); `degraded` if any queue
 * holds requests.
 */
export function buildHealthReport(input: HealthReportInput): HealthReport {
  const statuses: ResourceStatus[] = [];
  statuses.push(input.worstResource);
  const section = isCircuitSection(input.circuits) ? input.circuits : circuitSection(input.circuits);
  const circuits = section.record;
  if (section.notClosed > 0) statuses.push(ResourceStatus.DEGRADED);
  for (const q of Object.values(input.queues)) if (q.size > 0) statuses.push(ResourceStatus.DEGRADED);
  const system = {
    status: systemStatus(input.calls, input.failures),
    uptime: Math.floor(input.uptimeMs / 1000),
    error_rate: input.calls === 0 ? 0 : round4(input.failures / input.calls),
    calls: input.calls,
  };
  statuses.push(system.status);
  return {
    team: input.team,
    overall_health: worstStatus(statuses),
    timestamp: new Date(input.wallNow).toISOString(),
    components: { system },
    resources: input.resources,
    circuits,
    queues: input.queues,
    providers: input.providers,
    resource_health: input.resourceHealth ?? {},
    ...(input.storage === undefined ? {} : { storage: input.storage }),
  };
}
