import type { MonitorCheckResult, ResourceMonitor } from '../resource/monitor.js';
import { ResourceStatus } from '../resource/resource-types.js';
import type { ResourceReport } from './health-report.js';
import type { HysteresisOptions } from './hysteresis.js';
import { StatusHysteresis } from './hysteresis.js';

/** The last completed check of one monitor, as the manager reports it. */
export interface MonitorSnapshot {
  readonly key: string;
  readonly status: ResourceStatus;
  /**
   * What the last check itself read, before hysteresis (`status` changes only after
   * `worsenAfter`/`recoverAfter` such readings). A provider's traffic returns on the first reading
   * that is not down: its half-open breaker probes it.
   */
  readonly reading: ResourceStatus;
  readonly usage?: number | undefined;
  /** Redacted details of the last reading. */
  readonly details?: Record<string, unknown> | undefined;
  /** Why the last check failed (timeout, thrown error, invalid result), redacted. */
  readonly error?: string | undefined;
  /** Wall-clock epoch ms at which the last check completed. */
  readonly checkedAt: number;
  /** How long the last check took, ms. */
  readonly durationMs: number;
  /** This snapshot as the health report shows it (built once per check, so reports stay cheap). */
  readonly report: Readonly<ResourceReport>;
}

const VALID = new Set<string>(Object.values(ResourceStatus));

/** One registered monitor with its debounced status. Owned by the scheduler. */
export class MonitorState {
  readonly key: string;
  readonly monitor: ResourceMonitor;
  readonly #hysteresis: StatusHysteresis;
  snapshot: MonitorSnapshot | undefined;
  /** Aborts the check in flight (on stop or unregister). */
  controller: AbortController | undefined;

  constructor(monitor: ResourceMonitor, hysteresis: Readonly<HysteresisOptions>) {
    this.key = `${monitor.resourceType}:${monitor.name}`;
    this.monitor = monitor;
    this.#hysteresis = new StatusHysteresis(hysteresis);
  }

  get status(): ResourceStatus | undefined {
    return this.snapshot?.status;
  }

  /**
   * Record a reading (or a failure as `unavailable`); returns the previous and new reported status.
   * `sanitize` redacts details and error text once, here, so reports stay cheap.
   */
  record(
    reading: { result?: MonitorCheckResult; error?: string },
    checkedAt: number,
    durationMs: number,
    sanitize: (d: Record<string, unknown>) => Record<string, unknown>,
    sanitizeText: (s: string) => string,
  ): { from: ResourceStatus | undefined; to: ResourceStatus } {
    let { result, error } = reading;
    if (result && !VALID.has(result.status)) {
      error = `check returned an invalid status ${JSON.stringify(result.status)}`;
      result = undefined;
    }
    const raw = result?.status ?? ResourceStatus.UNAVAILABLE;
    const from = this.#hysteresis.current;
    const to = this.#hysteresis.next(raw);
    const rawUsage = result?.usage;
    const usage = typeof rawUsage === 'number' && Number.isFinite(rawUsage) ? rawUsage : undefined;
    const details = result?.details ? Object.freeze(sanitize(result.details)) : undefined;
    const safeError = error === undefined ? undefined : sanitizeText(error);
    const report: ResourceReport = { status: to, checked_at: new Date(checkedAt).toISOString(), duration_ms: Math.round(durationMs * 100) / 100 };
    if (usage !== undefined) report.usage = Math.round(usage * 100) / 100;
    if (safeError !== undefined) report.error = safeError;
    if (details !== undefined) report.details = details;
    this.snapshot = Object.freeze({ key: this.key, status: to, reading: raw, usage, details, error: safeError, checkedAt, durationMs, report: Object.freeze(report) });
    return { from, to };
  }
}
