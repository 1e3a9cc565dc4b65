import { FailureMeaning, RampartError, ResourceType, type FallbackAttempt, type ResilienceManager } from '@rampart/core';
import pg, { type Pool, type QueryResult, type QueryResultRow } from 'pg';
import { classifyPgError } from './classify-pg-error.js';
import { usePgErrorClassifier } from './pg-error-classifier.js';
import { describeConnectionString } from './connection-string.js';
import { runWithDeadline } from '@rampart/core';
import { PostgresMonitor } from './postgres-monitor.js';
import { PrimaryUnavailableError } from './primary-unavailable-error.js';
import { lsnToBigInt } from './replication-sample.js';
import { ReplicationTopology, type ServerState } from './replication-topology.js';
import { ServerRouting } from './server-routing.js';
import { isConnectFailure, queryWithSignal } from './query-with-signal.js';
import { resolveResilientPoolOptions, type ResilientPoolOptions, type ResolvedResilientPoolOptions } from './resilient-pool-options.js';

/** Options of one {@link ResilientPool.query}. */
export interface PoolQueryOptions {
  /** The query only reads: it may fail over to a replica (and be answered from the cache). Default false. */
  readOnly?: boolean;
  /** Cancels the query (and any fallback wait). */
  signal?: AbortSignal;
  /** The whole query (attempts, failover, waits) settles within this long, ms. Default: the manager's `deadlineMs` (300,000). */
  deadlineMs?: number;
}

interface Server {
  readonly name: string;
  readonly pool: Pool;
  readonly owned: boolean;
  readonly target: string;
}

/** A server that does not exist in this pool (the DATABASE provider list was changed elsewhere). */
class UnknownServerError extends RampartError {
  constructor(message: string) {
    super(message, { code: 'UnknownServerError', classification: FailureMeaning.providerUnusable() });
  }
}

/** A call reached a server its topology fenced after the call's server list was made (a stale primary). */
class FencedServerError extends RampartError {
  constructor(server: string, reason: string) {
    super(`Query not sent to "${server}": ${reason}`, { code: 'FencedServerError', classification: FailureMeaning.providerUnusable() });
  }
}

/** What a {@link ResilientPool} knows of its servers' roles (from its monitors' last checks). */
export interface PoolReplicationState {
  /** The server taken for the primary. */
  readonly primary: string;
  /** Where a write goes now; undefined when no server is known to be a writable primary. */
  readonly writableServer: string | undefined;
  /** Newest timeline seen on any server. */
  readonly timeline: number | undefined;
  readonly servers: Readonly<Record<string, ServerState>>;
}

/**
 * pg pools for a primary and its read replicas behind the manager's DATABASE fallback chain
 * (by default: retry 3× → switch to a replica → cache → circuit break). It registers the servers
 * as the DATABASE providers (`primary`, `replica1`, …) and, unless `monitor: false`, a
 * {@link PostgresMonitor} for each (`database:primary`, …), whose status the chain consults.
 *
 * Roles come from the servers, not from the configuration: the monitors' checks keep one
 * {@link ReplicationTopology} (which server is the writable primary, which are standbys, their
 * timelines and lag), and each query is given its own ordered server list from it (the manager's
 * per-call `providers`). Writes go to the writable primary on the newest timeline — after a
 * promotion, the promoted server, from its first check on; with none known, a write fails at once
 * with {@link PrimaryUnavailableError}. A server that is writable on an older timeline than another
 * (a stale primary back after a failover) is fenced: in no list, reported `critical`. Reads go to
 * standbys within `maxReplicaLagMs`, spread by `readBalancing`, then the primary. With
 * `monitor: false` the configuration is all it knows (the primary, then the replicas in order).
 *
 * Every query goes to the server the chain picked (the attempt `execute` hands it: `attempt.provider`). Writes — queries not marked `readOnly` — only ever run on the primary unless
 * `allowWriteFailover` is set: when the chain would move a write to another server, it stops with
 * {@link PrimaryUnavailableError}.
 */
export class ResilientPool {
  readonly options: Omit<ResolvedResilientPoolOptions, 'endpoints'>;
  /** Provider names, primary first. */
  readonly providers: readonly string[];
  /** The registered monitors, by provider name. */
  readonly monitors: ReadonlyMap<string, PostgresMonitor>;
  readonly #manager: ResilienceManager;
  readonly #servers = new Map<string, Server>();
  readonly #topology: ReplicationTopology;
  readonly #routing: ServerRouting;
  readonly #cachePrefix: string;
  #lastPrimaryError: unknown;
  /** With `readYourWrites`: the WAL position after this pool's latest write. */
  #writtenLsn: bigint | undefined;
  /** Writes under way, by the server they may go to: a check that finds it gone ends them at once. */
  readonly #writes = new Map<AbortController, string>();
  readonly #writeTargetWatch: { dispose(): void };
  #ended = false;
  /** What pg's errors mean, for core (by SQLSTATE), while this pool is open. */
  readonly #classifier = usePgErrorClassifier();

  constructor(options: ResilientPoolOptions) {
    const { endpoints, ...rest } = resolveResilientPoolOptions(options);
    this.options = rest;
    this.#manager = rest.manager;
    for (const e of endpoints) {
      if ('pool' in e.source) {
        const o = e.source.pool.options as pg.PoolConfig;
        const target = o.connectionString ? describeConnectionString(o.connectionString) : `${o.host ?? 'localhost'}:${o.port ?? 5432}/${o.database ?? ''}`;
        this.#servers.set(e.name, { name: e.name, pool: e.source.pool, owned: false, target });
      } else {
        const pool = new pg.Pool({
          connectionString: e.source.connectionString,
          max: rest.pool.max,
          idleTimeoutMillis: rest.pool.idleTimeoutMs,
          connectionTimeoutMillis: rest.pool.connectionTimeoutMs,
          allowExitOnIdle: true,
        });
        this.#servers.set(e.name, { name: e.name, pool, owned: true, target: describeConnectionString(e.source.connectionString) });
      }
      // a pooled connection killed while idle is reported by its monitor; without a listener, pg
      // would crash the process with it
      this.#servers.get(e.name)!.pool.on('error', noop);
    }
    this.providers = Object.freeze(endpoints.map((e) => e.name));
    this.#topology = new ReplicationTopology(this.providers);
    this.#routing = new ServerRouting(this.#topology, rest.readBalancing, rest.maxReplicaLagMs);
    this.#writeTargetWatch = this.#topology.onWriteTargetChange((target) => this.#endStrandedWrites(target));
    this.#cachePrefix = `postgres:${this.#servers.get(this.providers[0]!)!.target}`;
    const monitors = new Map<string, PostgresMonitor>();
    if (rest.monitor !== false) {
      for (const s of this.#servers.values()) {
        const m = new PostgresMonitor({
          name: s.name,
          pool: s.pool,
          clock: this.#manager.clock,
          topology: this.#topology,
          ...(rest.monitor.timeoutMs === undefined ? {} : { timeoutMs: rest.monitor.timeoutMs }),
          // a busy pool is worth a warning, not a reason to take the server out of rotation
          thresholds: { saturationCritical: Number.POSITIVE_INFINITY, waitingCritical: Number.POSITIVE_INFINITY, ...rest.monitor.thresholds },
        });
        monitors.set(s.name, m);
      }
    }
    this.monitors = monitors;
    this.#manager.setProviders(ResourceType.DATABASE, [...this.providers]);
    // a @withFallback(DATABASE) method may query through this pool: its queries then run inside that method's chain
    this.#manager.expectNestedCalls(ResourceType.DATABASE);
    for (const m of monitors.values()) this.#manager.registerMonitor(m);
  }

  /** Where each server is, without credentials (`{ primary: '10.0.0.5:5432/orders', … }`). */
  get targets(): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.#servers.values()].map((s) => [s.name, s.target]));
  }

  /** Each server's role, timeline and lag, and where writes go, as the last checks found them. */
  get replication(): PoolReplicationState {
    const t = this.#topology;
    return {
      primary: t.leader,
      writableServer: t.writeTarget(),
      timeline: t.newestTimeline,
      servers: Object.fromEntries(t.servers.map((n) => [n, t.state(n)])),
    };
  }

  /**
   * Run a query through the DATABASE chain. `readOnly` queries go to standbys within
   * `maxReplicaLagMs` (balanced), then the primary, and may be answered from the cache; others run
   * on the writable primary only (unless `allowWriteFailover`).
   */
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[], options: PoolQueryOptions = {}): Promise<QueryResult<R>> {
    if (this.#ended) return Promise.reject(new Error('ResilientPool has ended'));
    const readOnly = options.readOnly === true;
    const minLsn = readOnly ? this.#writtenLsn : undefined;
    const providers = readOnly ? this.#routing.readOrder(minLsn) : this.#routing.writeOrder(this.options.allowWriteFailover);
    if (providers === undefined) {
      const t = this.#topology;
      return Promise.reject(new PrimaryUnavailableError(t.leader, undefined, this.#lastPrimaryError, t.describe()));
    }
    // the manager keys its cache (and coalesces identical concurrent reads) by this key plus the
    // input; a read that must see this pool's last write is never answered from the cache
    const key = readOnly && this.options.cacheReads && minLsn === undefined ? this.#cachePrefix : undefined;
    // a write waiting on a primary that a check then finds gone (retry backoff, a wait for it to
    // come back) fails at once: no other server may take it
    const watch = readOnly || this.options.allowWriteFailover ? undefined : new AbortController();
    const signal = watch === undefined ? options.signal : options.signal ? AbortSignal.any([options.signal, watch.signal]) : watch.signal;
    if (watch) this.#writes.set(watch, providers[0]!);
    const call = this.#manager.execute(
      ResourceType.DATABASE,
      (attempt: FallbackAttempt) => this.#run<R>(text, params, readOnly, attempt, providers[0]!),
      // a write that reaches a read-only standby (25006) leaves it out of writes only: reads keep it
      { key, ...(key === undefined ? {} : { input: [text, params] }), signal, deadlineMs: options.deadlineMs, operation: readOnly ? 'read' : 'write', providers },
    );
    return watch === undefined ? call : call.finally(() => this.#writes.delete(watch));
  }

  #endStrandedWrites(target: string | undefined): void {
    for (const [watch, server] of this.#writes) {
      if (server === target) continue;
      this.#writes.delete(watch);
      const t = this.#topology;
      watch.abort(new PrimaryUnavailableError(server, undefined, this.#lastPrimaryError, t.describe(), true));
    }
  }

  /** Unregister and close the monitors, and end the pools this created (pools passed in are left open). */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#classifier.dispose();
    this.#writeTargetWatch.dispose();
    for (const m of this.monitors.values()) this.#manager.unregisterMonitor(`${m.resourceType}:${m.name}`);
    await Promise.all([...this.monitors.values()].map((m) => m.close()));
    await Promise.all(
      [...this.#servers.values()].map(async (s) => {
        if (s.owned) await s.pool.end();
        s.pool.off('error', noop);
      }),
    );
  }

  async #run<R extends QueryResultRow>(
    text: string,
    params: unknown[] | undefined,
    readOnly: boolean,
    attempt: FallbackAttempt,
    first: string,
  ): Promise<QueryResult<R>> {
    const provider = attempt.provider ?? first;
    const signal = attempt.signal;
    const server = this.#servers.get(provider);
    if (!server) throw new UnknownServerError(`ResilientPool has no server named "${provider}"`);
    const primary = this.#topology.leader;
    if (!readOnly && !this.options.allowWriteFailover) {
      if (provider !== primary) throw new PrimaryUnavailableError(primary, provider, this.#lastPrimaryError);
      // a retry of a write after a check found the primary gone: no server may take it
      if (this.#topology.writeTarget() !== provider) throw new PrimaryUnavailableError(primary, undefined, this.#lastPrimaryError, this.#topology.describe());
    }
    const fenced = this.#topology.fencedReason(provider);
    if (fenced !== undefined) throw new FencedServerError(provider, fenced);
    const manager = this.#manager;
    try {
      const started = manager.clock.now();
      const result = await runWithDeadline(manager.clock, this.options.queryTimeoutMs, signal, (s) =>
        queryWithSignal<R>(server.pool, { text, ...(params === undefined ? {} : { values: params }) }, s),
      );
      this.#routing.observe(provider, manager.clock.now() - started);
      manager.reportProviderSuccess(ResourceType.DATABASE, provider);
      if (!readOnly && this.options.readYourWrites) await this.#recordWritePosition(server.pool, signal);
      return result;
    } catch (error) {
      if (signal.aborted) throw error;
      const timedOut = RampartError.isInstance(error) && error.code === 'TimeoutError';
      // the error goes on as pg made it: its meaning comes from the registered pg classifier
      const verdict = classifyPgError(error);
      if (provider === primary) this.#lastPrimaryError = error;
      // a connection lost under a query (a killed backend) says nothing of the server: a fresh one may
      // work; a refused connection does
      const lostOnly = verdict.connectionLost && !isConnectFailure(error);
      if ((verdict.providerFailure && !lostOnly) || timedOut) {
        // skipped for the manager's providerCooldownMs, by every caller of the team (a 25006: for writes only)
        manager.reportProviderFailure(ResourceType.DATABASE, provider, { error });
      }
      // a write the primary refused to connect for: no other server may take it, so it fails now
      // rather than waiting out retry backoffs (a connection lost mid-query is still retried)
      if (!readOnly && !this.options.allowWriteFailover && isConnectFailure(error)) throw new PrimaryUnavailableError(provider, undefined, error);
      throw error;
    }
  }

  /**
   * After a write: the primary's WAL insert position, which is at or past the write's commit record.
   * If it cannot be read, later reads go to the primary only.
   */
  async #recordWritePosition(pool: Pool, signal: AbortSignal | undefined): Promise<void> {
    let lsn: bigint;
    try {
      const r = await runWithDeadline(this.#manager.clock, this.options.queryTimeoutMs, signal, (s) =>
        queryWithSignal<{ lsn: string }>(pool, { text: 'SELECT pg_current_wal_insert_lsn()::text AS lsn' }, s),
      );
      lsn = lsnToBigInt(r.rows[0]!.lsn);
    } catch {
      lsn = UNREACHABLE_LSN;
    }
    if (this.#writtenLsn === undefined || lsn > this.#writtenLsn) this.#writtenLsn = lsn;
  }
}

/** A WAL position no standby reaches: reads go to the primary. */
const UNREACHABLE_LSN = (1n << 64n) - 1n;

function noop(): void {}
