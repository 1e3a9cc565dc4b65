import { ConfigError, type ResilienceManager } from '@rampart/core';
import type { Pool } from 'pg';
import { validateConnectionString } from './connection-string.js';
import { knownKeys, nonEmptyString, optionsObject, type OptionKeys, positiveInt, positiveNumber, nonNegativeNumber, booleanOption } from '@rampart/core/internal';
import type { PostgresThresholds } from './postgres-health.js';

/** One database server: a connection string, or an object naming it, or an existing pg Pool. */
export type DatabaseEndpoint = string | { name?: string; connectionString: string } | { name?: string; pool: Pool };

export interface ResilientPoolOptions {
  /** The team's manager: queries run through its DATABASE chain and provider registry. */
  manager: ResilienceManager;
  /** The primary (read-write) server. Default provider name `primary`. */
  primary: DatabaseEndpoint;
  /** Read replicas in failover order. Default names `replica1`, `replica2`, … */
  replicas?: DatabaseEndpoint[];
  /** Pools this creates (for connection strings): size and timeouts. */
  pool?: {
    /** Default 10. */
    max?: number;
    /** Default 10000. */
    idleTimeoutMs?: number;
    /** Give up opening a connection after this long, ms (pg's default waits forever). Default 5000. */
    connectionTimeoutMs?: number;
  };
  /** Deadline of one query on one server, ms; past it the connection is dropped and the chain goes on. Default 30000. */
  queryTimeoutMs?: number;
  /** Let writes (queries not marked `readOnly`) fail over to replicas too. Default false. */
  allowWriteFailover?: boolean;
  /** Give read-only queries a cache key, so the chain's USE_CACHE step can answer them. Default true. */
  cacheReads?: boolean;
  /**
   * Longest replay delay, ms, at which a standby still answers reads; a standby further behind gets
   * no read until it catches up (reads go to the other standbys, else the primary). Default 5000.
   */
  maxReplicaLagMs?: number;
  /**
   * How reads are spread across the standbys that qualify: `round_robin` (each read starts at the
   * next one), `random`, or `least_latency` (the fastest recent queries first). Default `round_robin`.
   */
  readBalancing?: ReadBalancing;
  /**
   * After one of this pool's writes, a read only goes to a standby whose last check found it
   * replayed past that write's WAL position, else to the primary: every read sees this pool's
   * earlier writes. Such reads are not answered from the cache. Default false.
   */
  readYourWrites?: boolean;
  /** Register a {@link PostgresMonitor} per server with the manager (`database:<name>`). Default `{}` (on); false: off. */
  monitor?: false | { timeoutMs?: number; thresholds?: Partial<PostgresThresholds> };
}

/** Every option of {@link ResilientPoolOptions}: any other key is a ConfigError. */
const RESILIENT_POOL_KEYS: OptionKeys<ResilientPoolOptions> = {
  manager: true, primary: true, replicas: true, pool: true, queryTimeoutMs: true, allowWriteFailover: true,
  cacheReads: true, monitor: true, maxReplicaLagMs: true, readBalancing: true, readYourWrites: true,
};

/** How reads are spread across qualifying standbys. */
export type ReadBalancing = 'round_robin' | 'random' | 'least_latency';
const READ_BALANCING: readonly ReadBalancing[] = ['round_robin', 'random', 'least_latency'];

const POOL_KEYS: OptionKeys<NonNullable<ResilientPoolOptions['pool']>> = { max: true, idleTimeoutMs: true, connectionTimeoutMs: true };
const MONITOR_KEYS: OptionKeys<Exclude<ResilientPoolOptions['monitor'], false | undefined>> = { timeoutMs: true, thresholds: true };

export interface ResolvedEndpoint {
  readonly name: string;
  readonly source: { readonly connectionString: string } | { readonly pool: Pool };
}

export interface ResolvedResilientPoolOptions {
  readonly manager: ResilienceManager;
  readonly endpoints: readonly ResolvedEndpoint[];
  readonly pool: { readonly max: number; readonly idleTimeoutMs: number; readonly connectionTimeoutMs: number };
  readonly queryTimeoutMs: number;
  readonly allowWriteFailover: boolean;
  readonly cacheReads: boolean;
  readonly maxReplicaLagMs: number;
  readonly readBalancing: ReadBalancing;
  readonly readYourWrites: boolean;
  readonly monitor: false | { readonly timeoutMs?: number; readonly thresholds?: Partial<PostgresThresholds> };
}

function endpoint(path: string, value: unknown, defaultName: string): ResolvedEndpoint {
  if (typeof value === 'string') return { name: defaultName, source: { connectionString: validateConnectionString(path, value) } };
  const o = optionsObject(path, value as { name?: string; connectionString?: string; pool?: Pool });
  knownKeys(path, o, 'pool' in o ? ['name', 'pool'] : ['name', 'connectionString']);
  const name = o.name === undefined ? defaultName : nonEmptyString(`${path}.name`, o.name);
  if (o.pool !== undefined) {
    if (typeof o.pool?.connect !== 'function') throw new ConfigError(`${path}.pool`, 'must be a pg Pool', typeof o.pool);
    return { name, source: { pool: o.pool } };
  }
  return { name, source: { connectionString: validateConnectionString(`${path}.connectionString`, o.connectionString) } };
}

const isManager = (m: unknown): m is ResilienceManager =>
  typeof m === 'object' && m !== null && typeof (m as ResilienceManager).execute === 'function' && typeof (m as ResilienceManager).setProviders === 'function';

export function resolveResilientPoolOptions(options: ResilientPoolOptions): ResolvedResilientPoolOptions {
  const o = optionsObject('ResilientPool', options, RESILIENT_POOL_KEYS);
  if (!isManager(o.manager)) throw new ConfigError('manager', 'must be a ResilienceManager', typeof o.manager);
  if (o.primary === undefined) throw new ConfigError('primary', 'is required (a postgres:// URL, { connectionString } or { pool })', undefined);
  if (o.replicas !== undefined && !Array.isArray(o.replicas)) throw new ConfigError('replicas', 'must be an array', typeof o.replicas);
  const endpoints = [endpoint('primary', o.primary, 'primary'), ...(o.replicas ?? []).map((r, i) => endpoint(`replicas[${i}]`, r, `replica${i + 1}`))];
  const names = new Set<string>();
  for (const e of endpoints) {
    if (names.has(e.name)) throw new ConfigError('replicas', `two servers are named "${e.name}"`, e.name);
    names.add(e.name);
  }
  const p = optionsObject('pool', o.pool, POOL_KEYS);
  const monitor = o.monitor === false ? false : optionsObject('monitor', o.monitor, MONITOR_KEYS);
  if (monitor && monitor.timeoutMs !== undefined) positiveNumber('monitor.timeoutMs', monitor.timeoutMs);
  return Object.freeze({
    manager: o.manager,
    endpoints: Object.freeze(endpoints),
    pool: Object.freeze({
      max: p.max === undefined ? 10 : positiveInt('pool.max', p.max),
      idleTimeoutMs: p.idleTimeoutMs === undefined ? 10_000 : positiveNumber('pool.idleTimeoutMs', p.idleTimeoutMs),
      connectionTimeoutMs: p.connectionTimeoutMs === undefined ? 5000 : positiveNumber('pool.connectionTimeoutMs', p.connectionTimeoutMs),
    }),
    queryTimeoutMs: o.queryTimeoutMs === undefined ? 30_000 : positiveNumber('queryTimeoutMs', o.queryTimeoutMs),
    allowWriteFailover: o.allowWriteFailover === true,
    cacheReads: o.cacheReads !== false,
    maxReplicaLagMs: o.maxReplicaLagMs === undefined ? 5000 : nonNegativeNumber('maxReplicaLagMs', o.maxReplicaLagMs, { allowInfinity: true }),
    readBalancing: readBalancing(o.readBalancing),
    readYourWrites: booleanOption('readYourWrites', o.readYourWrites, false),
    monitor: monitor === false ? false : Object.freeze({ ...monitor }),
  });
}

function readBalancing(value: unknown): ReadBalancing {
  if (value === undefined) return 'round_robin';
  if (!READ_BALANCING.includes(value as ReadBalancing)) throw new ConfigError('readBalancing', `must be one of ${READ_BALANCING.join(', ')}`, value);
  return value as ReadBalancing;
}
