import { ResilienceManager, ResourceType } from '@rampart/core';
import { PrimaryUnavailableError, ResilientPool } from '@rampart/postgres';
import { createDemoDatabases, databaseUrl, dropDemoDatabases, PRIMARY_DB, REPLICA_DB, setPrimaryDown } from './demo-databases.js';

export interface ScenarioOptions {
  /** A superuser connection string of the PostgreSQL server to create the demo databases on. */
  adminUrl: string;
  /** How long a failed server is skipped, ms. */
  cooldownMs: number;
  /** Where to print what happens. */
  log: (line: string) => void;
}

/**
 * The primary → replica story end to end on a real PostgreSQL server: reads and writes on the
 * primary; the primary goes down (it stops accepting connections); reads fail over to the
 * replica while writes are refused; the primary comes back and takes the traffic again.
 */
export async function runScenario({ adminUrl, cooldownMs, log }: ScenarioOptions): Promise<void> {
  await createDemoDatabases(adminUrl);
  const manager = new ResilienceManager('orders-team', {
    checkIntervalMs: 60_000,
    providerCooldownMs: cooldownMs,
    hysteresis: { recoverAfter: 1 },
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
  });
  const db = new ResilientPool({
    manager,
    primary: databaseUrl(adminUrl, PRIMARY_DB),
    replicas: [databaseUrl(adminUrl, REPLICA_DB)],
  });
  const whoAnswers = async () => (await db.query<{ server: string }>('SELECT server FROM whoami', [], { readOnly: true })).rows[0]!.server;
  const status = () => `primary ${manager.getMonitorStatus('database:primary')?.status}, replica1 ${manager.getMonitorStatus('database:replica1')?.status}`;
  await manager.start();
  try {
    log(`servers: ${JSON.stringify(db.targets)}`);
    log(`1. all up (${status()}): a read is answered by ${await whoAnswers()}`);
    await db.query('INSERT INTO orders VALUES ($1, $2)', [3, 'monitor']);
    log('   a write went to the primary');

    await setPrimaryDown(adminUrl, true);
    log(`2. primary down: a read is answered by ${await whoAnswers()}`);
    const write = await db.query('INSERT INTO orders VALUES ($1, $2)', [4, 'cable']).catch((e: unknown) => e);
    log(`   a write: ${write instanceof PrimaryUnavailableError ? `refused (${write.message})` : 'accepted?!'}`);
    await manager.checkNow();
    log(`   monitors: ${status()}; primary available for routing: ${manager.isProviderAvailable(ResourceType.DATABASE, 'primary')}`);

    await setPrimaryDown(adminUrl, false);
    await new Promise((r) => setTimeout(r, cooldownMs));
    await manager.checkNow();
    log(`3. primary back (${status()}): a read is answered by ${await whoAnswers()}`);
    await db.query('INSERT INTO orders VALUES ($1, $2)', [4, 'cable']);
    log('   the write went to the primary again');
  } finally {
    await db.end();
    await manager.stop();
    await setPrimaryDown(adminUrl, false).catch(() => undefined);
    await dropDemoDatabases(adminUrl);
  }
}
