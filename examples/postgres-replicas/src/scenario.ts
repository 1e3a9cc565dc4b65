import { ResilienceManager } from '@rampart/core';
import { PrimaryUnavailableError, ResilientPool } from '@rampart/postgres';
import { PgCluster } from '@rampart/postgres/testing';

export interface ScenarioOptions {
  /** Where to print what happens. */
  log: (line: string) => void;
}

/**
 * The failover story end to end on a real primary with two streaming hot standbys (a throwaway
 * PgCluster on spare loopback ports): reads spread across the standbys and writes on the primary;
 * the primary dies (reads go on, writes are refused at once); a standby is promoted (writes follow
 * it); the old primary comes back on its old timeline (fenced: reported critical, never queried);
 * it is rebuilt as a standby (it takes reads again).
 */
export async function runScenario({ log }: ScenarioOptions): Promise<void> {
  const cluster = await PgCluster.create({ standbys: 2 });
  const manager = new ResilienceManager('orders-team', { checkIntervalMs: 60_000, env: { RAMPART_LOG_LEVEL: 'silent' } });
  const db = new ResilientPool({
    manager,
    primary: cluster.url('primary'),
    replicas: [
      { name: 'standby1', connectionString: cluster.url('standby1') },
      { name: 'standby2', connectionString: cluster.url('standby2') },
    ],
    readBalancing: 'round_robin',
    maxReplicaLagMs: 1000,
  });
  const server = (port: number) => cluster.servers.find((s) => s.port === port)?.name;
  const reads = async (n: number) => {
    const seen: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await db.query<{ port: number }>('SELECT inet_server_port() AS port', [], { readOnly: true });
      seen.push(server(r.rows[0]!.port)!);
    }
    return seen.join(', ');
  };
  const write = async (id: number) => {
    try {
      const r = await db.query<{ port: number }>('INSERT INTO orders VALUES ($1) RETURNING inet_server_port() AS port', [id]);
      return `written on ${server(r.rows[0]!.port)}`;
    } catch (error) {
      return error instanceof PrimaryUnavailableError ? `refused at once: ${error.message}` : `failed: ${String(error)}`;
    }
  };
  const roles = () =>
    Object.entries(db.replication.servers)
      .map(([name, s]) => `${name} ${s.fenced ? 'FENCED' : s.role} (timeline ${s.timeline})`)
      .join(', ');
  const status = async (name: string) => (await manager.getHealthReport()).resources[`database:${name}`]?.status;
  try {
    await manager.start();
    await db.query('CREATE TABLE orders (id int PRIMARY KEY)');
    await cluster.waitForReplay('standby1');
    await cluster.waitForReplay('standby2');
    await manager.checkNow();
    log(`1. all up: ${roles()}`);
    log(`   4 reads answered by: ${await reads(4)}; a write: ${await write(1)}`);

    await cluster.kill('primary');
    await manager.checkNow();
    log(`2. primary killed (database:primary ${await status('primary')}): reads answered by: ${await reads(2)}`);
    log(`   a write: ${await write(2)}`);

    await cluster.promote('standby1');
    await manager.checkNow();
    log(`3. standby1 promoted: ${roles()}`);
    log(`   a write: ${await write(3)}; reads answered by: ${await reads(2)}`);

    await cluster.start('primary');
    await manager.checkNow();
    await manager.checkNow(); // the report leaves `unavailable` after two readings (the manager's hysteresis)
    const reasons = (await manager.getHealthReport()).resources['database:primary']?.details?.reasons as string[] | undefined;
    log(`4. old primary restarted: ${roles()}; database:primary ${await status('primary')}: ${reasons?.[0]}`);
    log(`   a write: ${await write(4)}; reads answered by: ${await reads(2)}`);

    await cluster.rebuildAsStandby('primary', 'standby1');
    await cluster.rebuildAsStandby('standby2', 'standby1');
    await manager.checkNow();
    log(`5. old primary and standby2 rebuilt as standbys of standby1: ${roles()}`);
    log(`   4 reads answered by: ${await reads(4)}; a write: ${await write(5)}`);
  } finally {
    await db.end();
    await manager.stop();
    await cluster.destroy();
  }
}
