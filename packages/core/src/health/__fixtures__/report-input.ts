import { ResourceStatus } from '../../resource/resource-types.js';
import type { HealthReportInput } from '../health-report.js';

/** The fixed wall-clock time of report fixtures: 2026-11-01T12:00:00Z. */
export const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
/** When fixture resources were last checked (one second before {@link T0}). */
export const CHECKED = '2026-11-01T11:59:59.000Z';

/** A resource entry of a report input, checked at {@link CHECKED} in 3 ms. */
export const entry = (status: ResourceStatus, extra: Record<string, unknown> = {}) => ({ status, checked_at: CHECKED, duration_ms: 3, ...extra });

/** The input of a healthy team's report at {@link T0} (100 calls, 2 failures, up ~1 h), with `over` applied. */
export const reportInput = (over: Partial<HealthReportInput> = {}): HealthReportInput => ({
  team: 'marketing-team',
  wallNow: T0,
  uptimeMs: 3_600_400,
  calls: 100,
  failures: 2,
  resources: {},
  worstResource: ResourceStatus.HEALTHY,
  circuits: [],
  queues: {},
  providers: {},
  ...over,
});
