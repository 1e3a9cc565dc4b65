import { ResourceStatus, ResourceType, STATUS_SEVERITY } from '../resource/resource-types.js';
import type { HealthReport, ResourceReport } from './health-report.js';

/**
 * The body of a health endpoint in the shape of the IETF draft "Health Check Response Format for
 * HTTP APIs" (draft-inadarei-api-health-check-06, media type `application/health+json`), with every
 * served team's own {@link HealthReport} kept under `rampartReports`.
 */
export interface HealthCheckResponse {
  status: HealthCheckStatus;
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description: string;
  /** One line per team: `"<team>: <overall_health>"`. */
  notes: string[];
  /** Absent on `pass`: which teams are not healthy, and which of their checks say why. */
  output?: string;
  /** Keyed `"<resource>:<name>"`; each array holds one entry per team reporting that key. */
  checks: Record<string, HealthCheck[]>;
  /** Rampart's own reports, one per team served, in the seed's snake_case shape. */
  rampartReports: HealthReport[];
}

/** `pass` and `warn` are answered with HTTP 200, `fail` with 503. */
export type HealthCheckStatus = 'pass' | 'warn' | 'fail';

/** One reading in {@link HealthCheckResponse.checks}. */
export interface HealthCheck {
  /** The team whose manager made the reading. */
  componentId: string;
  /** `datastore` (database), `system` (memory, cpu, the team's own figures) or `component`. */
  componentType: string;
  status: HealthCheckStatus;
  observedValue?: number;
  observedUnit?: string;
  /** ISO 8601 time of the reading. */
  time: string;
  /** Absent on `pass`: the (already redacted) error or the reason for the status. */
  output?: string;
}

/** Service-level fields of the draft, given by the caller. */
export interface HealthCheckMeta {
  version?: string | undefined;
  releaseId?: string | undefined;
  serviceId?: string | undefined;
  description?: string | undefined;
}

const STATUS_OF: Readonly<Record<ResourceStatus, HealthCheckStatus>> = {
  [ResourceStatus.HEALTHY]: 'pass',
  [ResourceStatus.PENDING]: 'warn',
  [ResourceStatus.DEGRADED]: 'warn',
  [ResourceStatus.CRITICAL]: 'fail',
  [ResourceStatus.UNAVAILABLE]: 'fail',
};
const RANK: Readonly<Record<HealthCheckStatus, number>> = { pass: 0, warn: 1, fail: 2 };

/** healthy → pass, pending and degraded → warn, critical and unavailable → fail. */
export function healthCheckStatus(status: ResourceStatus): HealthCheckStatus {
  return STATUS_OF[status];
}

function componentType(key: string): string {
  const type = key.slice(0, key.indexOf(':'));
  if (type === ResourceType.DATABASE) return 'datastore';
  return type === ResourceType.MEMORY || type === ResourceType.CPU ? 'system' : 'component';
}

const percent = (ratio: number) => Math.round(ratio * 10_000) / 100;

function resourceCheck(team: string, key: string, r: Readonly<ResourceReport>): HealthCheck {
  const check: HealthCheck = { componentId: team, componentType: componentType(key), status: STATUS_OF[r.status], time: r.checked_at };
  const latencyMs = r.details?.latencyMs;
  if (r.usage !== undefined) Object.assign(check, { observedValue: r.usage, observedUnit: '%' });
  else if (typeof latencyMs === 'number' && Number.isFinite(latencyMs)) Object.assign(check, { observedValue: latencyMs, observedUnit: 'ms' });
  if (check.status !== 'pass') check.output = r.error ?? (typeof r.details?.reason === 'string' ? `${r.status}: ${r.details.reason}` : r.status);
  return check;
}

/** The checks of one team's report: its monitors, its resource types, its system figures, its circuits and its queues. */
function teamChecks(report: HealthReport): Array<[string, HealthCheck]> {
  const team = report.team;
  const time = report.timestamp;
  const out: Array<[string, HealthCheck]> = [];
  for (const [key, r] of Object.entries(report.resources)) out.push([key, resourceCheck(team, key, r)]);
  for (const [type, h] of Object.entries(report.resource_health ?? {})) {
    const check: HealthCheck = { componentId: team, componentType: componentType(`${type}:`), status: STATUS_OF[h.status], time };
    if (h.providers_available !== undefined) Object.assign(check, { observedValue: h.providers_available, observedUnit: 'providers available' });
    if (check.status !== 'pass') check.output = h.reason ?? h.status;
    out.push([`resource:${type}`, check]);
  }
  const system = report.components.system;
  out.push(['system:uptime', { componentId: team, componentType: 'system', status: 'pass', observedValue: system.uptime, observedUnit: 's', time }]);
  const errors: HealthCheck = { componentId: team, componentType: 'system', status: STATUS_OF[system.status], observedValue: percent(system.error_rate), observedUnit: '%', time };
  if (errors.status !== 'pass') errors.output = `${system.calls} calls in the last minute, ${percent(system.error_rate)}% failed`;
  out.push(['system:errorRate', errors]);
  for (const [name, c] of Object.entries(report.circuits)) {
    const check: HealthCheck = { componentId: team, componentType: 'component', status: c.state === 'closed' ? 'pass' : 'warn', observedValue: percent(c.failure_rate), observedUnit: '%', time };
    if (c.state !== 'closed') check.output = c.half_open_at === undefined ? `circuit ${c.state}` : `circuit open until ${c.half_open_at}`;
    out.push([`circuit:${name}`, check]);
  }
  for (const [type, q] of Object.entries(report.queues)) {
    const check: HealthCheck = { componentId: team, componentType: 'component', status: q.size > 0 ? 'warn' : 'pass', observedValue: q.size, observedUnit: 'requests', time };
    if (q.size > 0) check.output = `${q.size} queued request(s), the oldest ${q.oldest_age_ms} ms old`;
    out.push([`queue:${type}`, check]);
  }
  return out;
}

/**
 * Build the draft's response from teams' reports. The overall status is the worst team's
 * `overall_health` mapped by {@link healthCheckStatus}; `failures` (sources whose report could not
 * be read, already redacted) add a failing `rampart:report` check each.
 */
export function toHealthCheckResponse(reports: readonly HealthReport[], meta: HealthCheckMeta = {}, failures: readonly { source: string; error: string; time: string }[] = []): HealthCheckResponse {
  let status: HealthCheckStatus = 'pass';
  const raise = (s: HealthCheckStatus) => {
    if (RANK[s] > RANK[status]) status = s;
  };
  const checks: Record<string, HealthCheck[]> = {};
  const problems: string[] = [];
  for (const report of reports) {
    raise(STATUS_OF[report.overall_health]);
    const bad: string[] = [];
    for (const [key, check] of teamChecks(report)) {
      (checks[key] ??= []).push(check);
      if (check.status !== 'pass') bad.push(`${key} ${check.status}`);
    }
    if (STATUS_SEVERITY[report.overall_health] > 0) problems.push(`${report.team}: ${report.overall_health} (${bad.join(', ')})`);
  }
  for (const f of failures) {
    raise('fail');
    (checks['rampart:report'] ??= []).push({ componentId: f.source, componentType: 'component', status: 'fail', time: f.time, output: f.error });
    problems.push(`${f.source}: report failed: ${f.error}`);
  }
  const teams = reports.map((r) => r.team);
  const response: HealthCheckResponse = {
    status,
    ...(meta.version !== undefined && { version: meta.version }),
    ...(meta.releaseId !== undefined && { releaseId: meta.releaseId }),
    ...(meta.serviceId !== undefined && { serviceId: meta.serviceId }),
    description: meta.description ?? `Rampart health of ${teams.length > 0 ? teams.join(', ') : 'no team'}`,
    notes: reports.map((r) => `${r.team}: ${r.overall_health}`),
    checks,
    rampartReports: [...reports],
  };
  if (status !== 'pass') response.output = problems.join('; ');
  return response;
}
