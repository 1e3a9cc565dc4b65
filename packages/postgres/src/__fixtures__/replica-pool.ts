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
