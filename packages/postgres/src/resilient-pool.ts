import { currentFallback, FailureMeaning, RampartError, ResourceType, type ResilienceManager } from '@rampart/core';
import pg, { type Pool, type QueryResult, type QueryResultRow } from 'pg';
import { classifyPgError } from './classify-pg-error.js';
import { usePgErrorClassifier } from './pg-error-classifier.js';
import { describeConnectionString } from './connection-string.js';
import { runWithDeadline } from '@rampart/core';
import { PostgresMonitor } from './postgres-monitor.js';
import { PrimaryUnavailableError } from './primary-unavailable-error.js';
import { queryWithSignal } from './query-with-signal.js';
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

/**
 * pg pools for a primary and its read replicas behind the manager's DATABASE fallback chain
 * (by default: retry 3× → switch to a replica → cache → circuit break). It registers the servers
 * as the DATABASE providers (`primary`, `replica1`, …) and, unless `monitor: false`, a
 * {@link PostgresMonitor} for each (`database:primary`, …), whose status the chain consults.
 *
 * Every query goes to the server the chain picked (`currentFallback()?.provider`; the primary on a
 * plain call). Writes — queries not marked `readOnly` — only ever run on the primary unless
 * `allowWriteFailover` is set: when the chain would move a write to a replica, it stops with
 * {@link PrimaryUnavailableError}. Once the primary's cooldown is over and its monitor is healthy
 * again, plain calls go back to it.
 */
export class ResilientPool {
  readonly options: Omit<ResolvedResilientPoolOptions, 'endpoints'>;
  /** Provider names, primary first. */
  readonly providers: readonly string[];
  /** The registered monitors, by provider name. */
  readonly monitors: ReadonlyMap<string, PostgresMonitor>;
  readonly #manager: ResilienceManager;
  readonly #servers = new Map<string, Server>();
  readonly #primary: string;
  readonly #cachePrefix: string;
  #lastPrimaryError: unknown;
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
    this.#primary = this.providers[0]!;
    this.#cachePrefix = `postgres:${this.#servers.get(this.#primary)!.target}`;
    const monitors = new Map<string, PostgresMonitor>();
    if (rest.monitor !== false) {
      for (const s of this.#servers.values()) {
        const m = new PostgresMonitor({
          name: s.name,
          pool: s.pool,
          clock: this.#manager.clock,
          ...(rest.monitor.timeoutMs === undefined ? {} : { timeoutMs: rest.monitor.timeoutMs }),
          // a busy pool is worth a warning, not a reason to take the server out of rotation
          thresholds: { saturationCritical: Number.POSITIVE_INFINITY, waitingCritical: Number.POSITIVE_INFINITY, ...rest.monitor.thresholds },
        });
        monitors.set(s.name, m);
      }
    }
    this.monitors = monitors;
    this.#manager.setProviders(ResourceType.DATABASE, [...this.providers]);
    for (const m of monitors.values()) this.#manager.registerMonitor(m);
  }

  /** Where each server is, without credentials (`{ primary: '10.0.0.5:5432/orders', … }`). */
  get targets(): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.#servers.values()].map((s) => [s.name, s.target]));
  }

  /**
   * Run a query through the DATABASE chain. `readOnly` queries may be served by a replica or the
   * cache; others run on the primary only (unless `allowWriteFailover`).
   */
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[], options: PoolQueryOptions = {}): Promise<QueryResult<R>> {
    if (this.#ended) return Promise.reject(new Error('ResilientPool has ended'));
    const readOnly = options.readOnly === true;
    // the manager keys its cache (and coalesces identical concurrent reads) by this key plus the arguments
    const key = readOnly && this.options.cacheReads ? this.#cachePrefix : undefined;
    return this.#manager.execute(
      ResourceType.DATABASE,
      (t: unknown, p: unknown) => this.#run<R>(t as string, p as unknown[] | undefined, readOnly, options.signal),
      // a write that reaches a read-only standby (25006) leaves it out of writes only: reads keep it
      { key, args: [text, params], signal: options.signal, deadlineMs: options.deadlineMs, operation: readOnly ? 'read' : 'write' },
    );
  }

  /** Unregister and close the monitors, and end the pools this created (pools passed in are left open). */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#classifier.dispose();
    for (const m of this.monitors.values()) this.#manager.unregisterMonitor(`${m.resourceType}:${m.name}`);
    await Promise.all([...this.monitors.values()].map((m) => m.close()));
    await Promise.all(
      [...this.#servers.values()].map(async (s) => {
        if (s.owned) await s.pool.end();
        s.pool.off('error', noop);
      }),
    );
  }

  async #run<R extends QueryResultRow>(text: string, params: unknown[] | undefined, readOnly: boolean, signal: AbortSignal | undefined): Promise<QueryResult<R>> {
    const provider = currentFallback()?.provider ?? this.#primary;
    const server = this.#servers.get(provider);
    if (!server) throw new UnknownServerError(`ResilientPool has no server named "${provider}"`);
    if (provider !== this.#primary && !readOnly && !this.options.allowWriteFailover) {
      throw new PrimaryUnavailableError(this.#primary, provider, this.#lastPrimaryError);
    }
    const manager = this.#manager;
    try {
      const result = await runWithDeadline(manager.clock, this.options.queryTimeoutMs, signal, (s) =>
        queryWithSignal<R>(server.pool, { text, ...(params === undefined ? {} : { values: params }) }, s),
      );
      manager.reportProviderSuccess(ResourceType.DATABASE, provider);
      return result;
    } catch (error) {
      if (signal?.aborted) throw error;
      const timedOut = RampartError.isInstance(error) && error.code === 'TimeoutError';
      // the error goes on as pg made it: its meaning comes from the registered pg classifier
      const verdict = classifyPgError(error);
      if (provider === this.#primary) this.#lastPrimaryError = error;
      if (verdict.providerFailure || timedOut) {
        // skipped for the manager's providerCooldownMs, by every caller of the team (a 25006: for writes only)
        manager.reportProviderFailure(ResourceType.DATABASE, provider, { error });
      }
      throw error;
    }
  }
}

function noop(): void {}
