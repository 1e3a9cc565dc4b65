import type { CircuitReport } from './health-report.js';

/** One circuit as the report's builder receives it (camelCase; epoch ms). */
export interface CircuitRow {
  name: string;
  state: CircuitReport['state'];
  successRate: number;
  failureRate: number;
  calls: number;
  failures: number;
  rejections: number;
  halfOpenAt: number | undefined;
  resource?: string | undefined;
  provider?: string | undefined;
  providers?: Record<string, CircuitReport['state']> | undefined;
}

/**
 * The report's circuits already built (see `CircuitReportCache`): the record, and how many of its
 * rows are not closed (each one makes the team `degraded`).
 */
export interface CircuitSection {
  readonly record: Record<string, CircuitReport>;
  readonly notClosed: number;
}

/** Whether `circuits` is a built {@link CircuitSection} rather than rows to build. */
export function isCircuitSection(circuits: Iterable<CircuitRow> | CircuitSection): circuits is CircuitSection {
  return typeof (circuits as Partial<CircuitSection>).notClosed === 'number';
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** One row of the report's `circuits` (snake_case, rates to 4 decimals, ISO 8601 `half_open_at`). */
export function circuitReport(c: CircuitRow): CircuitReport {
  const r: CircuitReport = {
    state: c.state,
    success_rate: round4(c.successRate),
    failure_rate: round4(c.failureRate),
    calls: c.calls,
    failures: c.failures,
    rejections: c.rejections,
  };
  if (c.halfOpenAt !== undefined) r.half_open_at = new Date(c.halfOpenAt).toISOString();
  if (c.resource !== undefined) r.resource = c.resource;
  if (c.provider !== undefined) r.provider = c.provider;
  if (c.providers !== undefined) r.providers = c.providers;
  return r;
}

/** Build the section from rows (a later row of the same name replaces an earlier one, but each counts). */
export function circuitSection(rows: Iterable<CircuitRow>): CircuitSection {
  const record: Record<string, CircuitReport> = {};
  let notClosed = 0;
  for (const c of rows) {
    record[c.name] = circuitReport(c);
    if (c.state !== 'closed') notClosed++;
  }
  return { record, notClosed };
}
