import { ResourceStatus, worstStatus } from '@rampart/core';

/**
 * When a database counts as degraded or critical. Latencies in ms, saturation in percent of the
 * pool's max. `Infinity` turns a level off.
 */
export interface PostgresThresholds {
  /** Health-query round trip (connection checkout included) at which the database is degraded. Default 250. */
  latencyDegradedMs: number;
  /** … at which it is critical. Default 1000. */
  latencyCriticalMs: number;
  /** Connections in use, in percent of the pool's `max`, at which it is degraded. Default 80. */
  saturationDegraded: number;
  /** … at which it is critical. Default 95. */
  saturationCritical: number;
  /** Callers waiting for a pooled connection at which it is degraded. Default 1. */
  waitingDegraded: number;
  /** … at which it is critical. Default 10. */
  waitingCritical: number;
  /** Connection errors (pooled connections lost) since the previous check at which it is degraded. Default 1. */
  connectionErrorsDegraded: number;
  /** A standby's replay delay (how far its data is behind the primary's) at which it is degraded, ms. Default 5000. */
  replicationLagDegradedMs: number;
  /** … at which it is critical (no call is sent to it), ms. Default 60000. */
  replicationLagCriticalMs: number;
}

export const DEFAULT_POSTGRES_THRESHOLDS: Readonly<PostgresThresholds> = Object.freeze({
  latencyDegradedMs: 250,
  latencyCriticalMs: 1000,
  saturationDegraded: 80,
  saturationCritical: 95,
  waitingDegraded: 1,
  waitingCritical: 10,
  connectionErrorsDegraded: 1,
  replicationLagDegradedMs: 5000,
  replicationLagCriticalMs: 60_000,
});

/** Counters of a watched pg Pool. */
export interface PoolCounters {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** What one successful check measured. */
export interface PostgresSample {
  latencyMs: number;
  /** Counters of the watched pool, when the monitor watches one. */
  pool?: PoolCounters | undefined;
  /** Pool `error` events (connections lost) since the previous check. */
  connectionErrors: number;
  /** A standby's replay delay, ms, when known. */
  replayDelayMs?: number | undefined;
  /** Why the server must not be used at all (a fenced stale primary): critical. */
  fenced?: string | undefined;
  /** Why a standby gets no reads (it follows an older timeline than the current primary's): degraded. */
  offTimeline?: string | undefined;
}

/** Connections in use in percent of `max` (0–100). */
export function poolSaturation(sample: Pick<PoolCounters, 'total' | 'idle' | 'max'>): number {
  if (sample.max <= 0) return 0;
  return Math.min(100, (Math.max(0, sample.total - sample.idle) / sample.max) * 100);
}

/** Status of a database from one sample, with the reasons when it is not healthy. */
export function evaluatePostgres(
  sample: PostgresSample,
  t: PostgresThresholds,
): { status: ResourceStatus; usage: number | undefined; reasons: string[] } {
  const statuses: ResourceStatus[] = [];
  const reasons: string[] = [];
  const grade = (value: number, degraded: number, critical: number, what: string) => {
    if (value >= critical) {
      statuses.push(ResourceStatus.CRITICAL);
      reasons.push(what);
    } else if (value >= degraded) {
      statuses.push(ResourceStatus.DEGRADED);
      reasons.push(what);
    }
  };
  grade(sample.latencyMs, t.latencyDegradedMs, t.latencyCriticalMs, `health query took ${Math.round(sample.latencyMs)} ms`);
  const pool = sample.pool;
  const usage = pool ? poolSaturation(pool) : undefined;
  if (pool && usage !== undefined) {
    grade(usage, t.saturationDegraded, t.saturationCritical, `pool ${Math.round(usage)}% in use`);
    grade(pool.waiting, t.waitingDegraded, t.waitingCritical, `${pool.waiting} caller(s) waiting for a connection`);
  }
  grade(sample.connectionErrors, t.connectionErrorsDegraded, Number.POSITIVE_INFINITY, `${sample.connectionErrors} connection error(s) since the last check`);
  if (sample.replayDelayMs !== undefined) {
    grade(sample.replayDelayMs, t.replicationLagDegradedMs, t.replicationLagCriticalMs, `replay ${Math.round(sample.replayDelayMs)} ms behind the primary`);
  }
  if (sample.offTimeline !== undefined) {
    statuses.push(ResourceStatus.DEGRADED);
    reasons.push(sample.offTimeline);
  }
  if (sample.fenced !== undefined) {
    statuses.push(ResourceStatus.CRITICAL);
    reasons.push(sample.fenced);
  }
  return { status: worstStatus(statuses), usage, reasons };
}
