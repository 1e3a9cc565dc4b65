import { ConfigError, systemClock, type Clock } from '@rampart/core';
import type { Pool } from 'pg';
import { validateConnectionString } from './connection-string.js';
import { knownKeys, nonEmptyString, optionsObject, type OptionKeys, positiveNumber } from '@rampart/core/internal';
import { ReplicationTopology } from './replication-topology.js';
import { DEFAULT_POSTGRES_THRESHOLDS, type PostgresThresholds } from './postgres-health.js';

export interface PostgresMonitorOptions {
  /** Reported as `database:<name>` (for a ResilientPool: the provider name, `primary`, `replica1`…). */
  name: string;
  /** Database to watch; the monitor opens its own one-connection pool. Give this or `pool`. */
  connectionString?: string;
  /** A pg Pool to watch (its saturation is measured too); the monitor never ends it. Give this or `connectionString`. */
  pool?: Pool;
  /** Deadline of one check (checkout + health query), in ms. Default 5000. */
  timeoutMs?: number;
  /** Default {@link DEFAULT_POSTGRES_THRESHOLDS}. */
  thresholds?: Partial<PostgresThresholds>;
  /** The health query. Default `SELECT 1`. */
  query?: string;
  /** Time source for latency and the deadline. Default the system clock. */
  clock?: Clock;
  /**
   * The role map this server belongs to (a {@link ResilientPool} passes its own): each check records
   * the server's role, timeline and replay position in it, and a server it finds fenced (a stale
   * primary) is reported `critical`. Without one, role and lag are reported but nothing is fenced.
   */
  topology?: ReplicationTopology;
}

/** Every option of {@link PostgresMonitorOptions}: any other key is a ConfigError. */
const POSTGRES_MONITOR_KEYS: OptionKeys<PostgresMonitorOptions> = {
  name: true, connectionString: true, pool: true, timeoutMs: true, thresholds: true, query: true, clock: true, topology: true,
};

export interface ResolvedPostgresMonitorOptions {
  readonly name: string;
  readonly timeoutMs: number;
  readonly thresholds: Readonly<PostgresThresholds>;
  readonly query: string;
  readonly clock: Clock;
  readonly topology: ReplicationTopology | undefined;
}

function isPool(value: unknown): value is Pool {
  const v = value as Partial<Pool> | null;
  return typeof v === 'object' && v !== null && typeof v.connect === 'function' && typeof v.totalCount === 'number';
}

/**
 * Validate options. Returns the public, secret-free part frozen, plus the connection source
 * (kept out of the public object so that logging the monitor never prints a password).
 */
export function resolvePostgresMonitorOptions(options: PostgresMonitorOptions): {
  resolved: ResolvedPostgresMonitorOptions;
  source: { connectionString: string } | { pool: Pool };
} {
  const o = optionsObject('PostgresMonitor', options, POSTGRES_MONITOR_KEYS);
  const name = nonEmptyString('name', o.name);
  if ((o.connectionString === undefined) === (o.pool === undefined)) {
    throw new ConfigError('connectionString', 'give exactly one of connectionString or pool', undefined);
  }
  let source: { connectionString: string } | { pool: Pool };
  if (o.pool !== undefined) {
    if (!isPool(o.pool)) throw new ConfigError('pool', 'must be a pg Pool', typeof o.pool);
    source = { pool: o.pool };
  } else {
    source = { connectionString: validateConnectionString('connectionString', o.connectionString) };
  }
  const t = optionsObject('thresholds', o.thresholds);
  knownKeys('thresholds', t, Object.keys(DEFAULT_POSTGRES_THRESHOLDS));
  const thresholds = { ...DEFAULT_POSTGRES_THRESHOLDS };
  for (const key of Object.keys(DEFAULT_POSTGRES_THRESHOLDS) as Array<keyof PostgresThresholds>) {
    if (t[key] !== undefined) thresholds[key] = positiveNumber(`thresholds.${key}`, t[key], { allowInfinity: true });
  }
  for (const [lo, hi] of [
    ['replicationLagDegradedMs', 'replicationLagCriticalMs'],
    ['latencyDegradedMs', 'latencyCriticalMs'],
    ['saturationDegraded', 'saturationCritical'],
    ['waitingDegraded', 'waitingCritical'],
  ] as const) {
    if (thresholds[hi] < thresholds[lo]) {
      throw new ConfigError(`thresholds.${hi}`, `must be at least thresholds.${lo} (${thresholds[lo]})`, thresholds[hi]);
    }
  }
  const resolved = Object.freeze({
    name,
    timeoutMs: o.timeoutMs === undefined ? 5000 : positiveNumber('timeoutMs', o.timeoutMs),
    thresholds: Object.freeze(thresholds),
    query: o.query === undefined ? 'SELECT 1' : nonEmptyString('query', o.query),
    clock: o.clock ?? systemClock,
    topology: topologyOption(o.topology, name),
  });
  return { resolved, source };
}

function topologyOption(value: unknown, name: string): ReplicationTopology | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof ReplicationTopology)) throw new ConfigError('topology', 'must be a ReplicationTopology', typeof value);
  if (!value.servers.includes(name)) throw new ConfigError('topology', `has no server named "${name}" (it has ${value.servers.join(', ')})`, name);
  return value;
}
