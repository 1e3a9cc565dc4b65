import { ResilienceManager, type ResilienceConfig } from '@rampart/core';
import type { PgCluster } from '../testing/pg-cluster.js';
import { ResilientPool } from '../resilient-pool.js';
import type { ResilientPoolOptions } from '../resilient-pool-options.js';

/** Check interval of the managers in the real-cluster tests, ms. */
export const CHECK_INTERVAL_MS = 500;

/** A manager (real clock, checks every {@link CHECK_INTERVAL_MS}) and a pool over every server of `cluster`, primary first. */
export async function replicaPool(
  cluster: PgCluster,
  options: Partial<ResilientPoolOptions> = {},
  config: Partial<ResilienceConfig> = {},
): Promise<{ manager: ResilienceManager; pool: ResilientPool; close: () => Promise<void> }> {
  const manager = new ResilienceManager('replication-test', {
    checkIntervalMs: CHECK_INTERVAL_MS,
    checkTimeoutMs: 2000,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    env: { RAMPART_LOG_LEVEL: 'silent' },
    ...config,
  });
  const [primary, ...standbys] = cluster.servers.map((s) => s.name);
  const pool = new ResilientPool({
    manager,
    primary: { name: primary!, connectionString: cluster.url(primary!) },
    replicas: standbys.map((name) => ({ name, connectionString: cluster.url(name) })),
    pool: { max: 4, connectionTimeoutMs: 2000 },
    queryTimeoutMs: 5000,
    monitor: { timeoutMs: 1000 },
    ...options,
  });
  await manager.start();
  return {
    manager,
    pool,
    close: async () => {
      await pool.end();
      await manager.stop();
    },
  };
}

/** Which server answered: its port, mapped to its name in `cluster`. */
export function serverOf(cluster: PgCluster, port: number): string {
  return cluster.servers.find((s) => s.port === port)?.name ?? `unknown:${port}`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `condition` every 50 ms until it holds (or `timeoutMs` passes: then throws with `what`). */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** One query of a {@link startLoad} run (times from `performance.now()`). */
export interface LoadOp {
  kind: 'read' | 'write';
  start: number;
  end: number;
  ok: boolean;
  /** The server that answered. */
  server?: string;
  /** The error's code (SQLSTATE, RampartError code) or name. */
  error?: string;
  /** A write's unique body. */
  body?: string;
  /** The error's message (redacted by whoever made it). */
  message?: string;
}

/**
 * A read loop and a write loop against `pool` (one query every `pauseMs` each) until `stop()`, which
 * resolves with every query made. Writes insert a unique body into `notes`.
 */
export function startLoad(pool: ResilientPool, cluster: PgCluster, pauseMs = 25): { ops: LoadOp[]; stop: () => Promise<LoadOp[]> } {
  const ops: LoadOp[] = [];
  let running = true;
  let n = 0;
  const loop = async (kind: 'read' | 'write') => {
    while (running) {
      const body = kind === 'write' ? `w${++n}-${Date.now()}` : undefined;
      const start = performance.now();
      try {
        const r =
          kind === 'write'
            ? await pool.query<{ port: number }>('INSERT INTO notes (body) VALUES ($1) RETURNING inet_server_port() AS port', [body], { deadlineMs: 5000 })
            : await pool.query<{ port: number }>('SELECT inet_server_port() AS port FROM (SELECT count(*) FROM notes) c', [], { readOnly: true, deadlineMs: 5000 });
        ops.push({ kind, start, end: performance.now(), ok: true, server: serverOf(cluster, r.rows[0]!.port), ...(body ? { body } : {}) });
      } catch (error) {
        const e = error as { code?: unknown; name?: unknown };
        ops.push({ kind, start, end: performance.now(), ok: false, error: String(e.code ?? e.name), message: String((error as Error).message), ...(body ? { body } : {}) });
      }
      await sleep(pauseMs);
    }
  };
  const loops = [loop('read'), loop('write')];
  return {
    ops,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return ops;
    },
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};
