import { ResourceStatus, ResourceType, type MonitorCheckResult, type ResourceMonitor } from '@rampart/core';
import pg, { type Pool } from 'pg';
import { classifyPgError } from './classify-pg-error.js';
import { connectionStringPassword, describeConnectionString, redactSecrets } from './connection-string.js';
import { runWithDeadline } from '@rampart/core';
import { evaluatePostgres, type PoolCounters } from './postgres-health.js';
import { resolvePostgresMonitorOptions, type PostgresMonitorOptions, type ResolvedPostgresMonitorOptions } from './postgres-monitor-options.js';
import { queryWithSignal } from './query-with-signal.js';
import { parseRoleRow, ROLE_QUERY, type ReplicationSample } from './replication-sample.js';

/** The default health query: the role query answers for it. */
const DEFAULT_HEALTH_QUERY = 'SELECT 1';

function replicationDetails(s: ReplicationSample, bytesBehind: number | undefined): Record<string, unknown> {
  return {
    replayDelayMs: s.replayDelayMs === undefined ? null : Math.round(s.replayDelayMs),
    ...(bytesBehind === undefined ? {} : { bytesBehind }),
    receiveLsn: s.receiveLsn ?? null,
    replayLsn: s.replayLsn ?? null,
    ...(s.replayPaused ? { replayPaused: true } : {}),
  };
}

/**
 * Watches a PostgreSQL database: its role (`primary` or `standby`, from `pg_is_in_recovery()`), its
 * timeline, a standby's replication lag (replay delay; bytes behind the primary when the monitor
 * has a {@link ReplicationTopology} that knows the primary's WAL position) and the health query's latency over the monitor's own connection
 * (under its own deadline, so a saturated application pool cannot starve the check), the
 * watched pool's saturation (total/idle/waiting against `max`), and connections lost since the
 * previous check. Reported as `database:<name>`; unavailable when the database cannot be reached
 * or does not answer in time; critical when its lag passes `replicationLagCriticalMs` or its topology
 * fences it (a stale primary after a failover). Passwords never appear in its reports.
 */
export class PostgresMonitor implements ResourceMonitor {
  readonly resourceType = ResourceType.DATABASE;
  readonly name: string;
  readonly options: ResolvedPostgresMonitorOptions;
  /** Where the database is, without credentials (`127.0.0.1:5432/orders`). */
  readonly target: string;
  /** The monitor's own one-connection pool for the health query. */
  readonly #healthPool: Pool;
  /** The application's pool whose counters are reported, when one was given. */
  readonly #watched: Pool | undefined;
  readonly #secrets: ReadonlyArray<string | undefined>;
  readonly #onPoolError = () => {
    this.#connectionErrors++;
  };
  #connectionErrors = 0;
  #consecutiveFailures = 0;
  #closed = false;

  constructor(options: PostgresMonitorOptions) {
    const { resolved, source } = resolvePostgresMonitorOptions(options);
    this.options = resolved;
    this.name = resolved.name;
    this.#watched = 'pool' in source ? source.pool : undefined;
    const connection: pg.PoolConfig = this.#watched ? { ...(this.#watched.options as pg.PoolConfig) } : { connectionString: (source as { connectionString: string }).connectionString };
    this.#healthPool = new pg.Pool({
      ...connection,
      max: 1,
      min: 0,
      connectionTimeoutMillis: Math.ceil(resolved.timeoutMs),
      // the server gives up on a stuck health query as well (pg cannot cancel one from here)
      statement_timeout: Math.ceil(resolved.timeoutMs),
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    });
    this.target = connection.connectionString
      ? describeConnectionString(connection.connectionString)
      : `${connection.host ?? 'localhost'}:${connection.port ?? 5432}/${connection.database ?? ''}`;
    this.#secrets = [
      typeof connection.password === 'string' ? connection.password : undefined,
      connection.connectionString ? connectionStringPassword(connection.connectionString) : undefined,
    ];
    this.#healthPool.on('error', this.#onPoolError);
    this.#watched?.on('error', this.#onPoolError);
  }

  async check(signal?: AbortSignal): Promise<MonitorCheckResult> {
    if (this.#closed) throw new Error(`PostgresMonitor ${this.name} is closed`);
    const { clock, timeoutMs, thresholds } = this.options;
    const w = this.#watched;
    const pool: PoolCounters | undefined = w ? { total: w.totalCount, idle: w.idleCount, waiting: w.waitingCount, max: w.options.max ?? 10 } : undefined;
    const hadIdleConnection = this.#healthPool.idleCount > 0;
    const started = clock.now();
    let sample: ReplicationSample;
    try {
      sample = await runWithDeadline(clock, timeoutMs, signal, async (s) => {
        try {
          return await this.#probe(s);
        } catch (error) {
          // a kept connection that died since the last check (server restarted, backend killed)
          // is a lost connection, not a verdict on the server: count it, try a fresh one once
          if (s.aborted || !hadIdleConnection || !classifyPgError(error).connectionLost) throw error;
          this.#connectionErrors++;
          return await this.#probe(s);
        }
      }, { background: true }); // a monitor's check: it holds the process only through its own socket
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const connectionErrors = this.#takeConnectionErrors();
      this.#consecutiveFailures++;
      this.options.topology?.record(this.name, undefined);
      const timedOut = (error as { code?: unknown }).code === 'TimeoutError';
      return {
        status: ResourceStatus.UNAVAILABLE,
        details: {
          target: this.target,
          error: timedOut ? `no answer within ${timeoutMs} ms` : this.#describe(error),
          ...(timedOut ? { timedOut: true } : { code: (error as { code?: unknown }).code }),
          consecutiveFailures: this.#consecutiveFailures,
          connectionErrors,
          ...(pool ? { pool } : {}),
        },
      };
    }
    this.#consecutiveFailures = 0;
    const connectionErrors = this.#takeConnectionErrors();
    const latencyMs = clock.now() - started;
    const state = this.options.topology?.record(this.name, sample, latencyMs);
    const { status, usage, reasons } = evaluatePostgres(
      { latencyMs, pool, connectionErrors, replayDelayMs: sample.replayDelayMs, fenced: state?.fenced, offTimeline: state?.offTimeline },
      thresholds,
    );
    return {
      status,
      ...(usage === undefined ? {} : { usage }),
      details: {
        target: this.target,
        latencyMs,
        role: sample.role,
        timeline: sample.timeline,
        ...(sample.role === 'standby' ? { replication: replicationDetails(sample, state?.bytesBehind) } : { walLsn: sample.currentLsn }),
        ...(state?.fenced ? { fenced: true } : {}),
        ...(pool ? { pool } : {}),
        connectionErrors,
        ...(reasons.length > 0 ? { reasons } : {}),
      },
    };
  }

  /** The health query (when one was configured) and the role query, on the monitor's own connection. */
  async #probe(signal: AbortSignal): Promise<ReplicationSample> {
    const { query } = this.options;
    if (query !== DEFAULT_HEALTH_QUERY) await queryWithSignal(this.#healthPool, { text: query }, signal);
    const r = await queryWithSignal<Parameters<typeof parseRoleRow>[0]>(this.#healthPool, { text: ROLE_QUERY }, signal);
    return parseRoleRow(r.rows[0]!);
  }

  /** Close the monitor's own connection and stop listening to the watched pool (which is never ended). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watched?.off('error', this.#onPoolError);
    await this.#healthPool.end();
    this.#healthPool.off('error', this.#onPoolError);
  }

  #takeConnectionErrors(): number {
    const n = this.#connectionErrors;
    this.#connectionErrors = 0;
    return n;
  }

  #describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return redactSecrets(message || String((error as { code?: unknown }).code ?? 'connection failed'), this.#secrets);
  }
}
