// `npm run bench:postgres -w @rampart/bench` (after `npm run build`): ResilientPool against a real
// primary and a streaming hot standby (PgCluster: the PostgreSQL 15 binaries on this machine, run as
// the `postgres` OS user; needs root or that user). Prints:
// - the read latency the pool adds: sequential `SELECT 1` reads on the standby through ResilientPool
//   vs a plain pg.Pool on the same standby (same pool size), median / p99 / mean;
// - failover: primary killed under a read/write load → the check that sees it gone, writes refused;
//   standby promoted → first acknowledged write; old primary restarted → fenced;
// - recovery: the primary stopped for 3 s → first acknowledged write after its return.
// PG_BENCH_READS (default 5000): reads per side; PG_BENCH_CHECK_MS (default 500): check interval.
import { ResilienceManager } from '@rampart/core';
import { ResilientPool } from '@rampart/postgres';
import { PgCluster } from '@rampart/postgres/testing';
import pg from 'pg';
import { formatTable } from './harness.js';

const READS = Number(process.env.PG_BENCH_READS ?? 5000);
const CHECK_MS = Number(process.env.PG_BENCH_CHECK_MS ?? 500);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function stats(xs: number[]): { median: number; p99: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p99: s[Math.floor(s.length * 0.99)]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Time `n` sequential reads of each client, interleaved in rounds of 250 (so load on the machine hits both alike), µs. */
async function timeReads(reads: Array<() => Promise<unknown>>, n: number): Promise<number[][]> {
  for (const read of reads) for (let i = 0; i < 200; i++) await read(); // warm-up
  const out = reads.map(() => [] as number[]);
  for (let done = 0; done < n; done += 250) {
    for (const [k, read] of reads.entries()) {
      for (let i = 0; i < 250; i++) {
        const t = performance.now();
        await read();
        out[k]!.push((performance.now() - t) * 1000);
      }
    }
  }
  return out;
}

async function newPool(cluster: PgCluster, options: Partial<ConstructorParameters<typeof ResilientPool>[0]> = {}) {
  const manager = new ResilienceManager('pg-bench', { checkIntervalMs: CHECK_MS, checkTimeoutMs: 2000, env: { RAMPART_LOG_LEVEL: 'silent' } });
  const pool = new ResilientPool({
    manager,
    primary: cluster.url('primary'),
    replicas: [{ name: 'standby1', connectionString: cluster.url('standby1') }],
    pool: { max: 4, connectionTimeoutMs: 2000 },
    queryTimeoutMs: 5000,
    cacheReads: false,
    ...options,
  });
  await manager.start(); // the first checks: roles known
  return { manager, pool, close: async () => (await pool.end(), await manager.stop()) };
}

/** A write every 20 ms; resolves when `stop()` is called. Returns each write's [start, end, ok]. */
function writeLoad(pool: ResilientPool) {
  const writes: Array<{ start: number; end: number; ok: boolean }> = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const start = performance.now();
      const ok = await pool.query('INSERT INTO notes (body) VALUES ($1)', ['x'], { deadlineMs: 5000 }).then(
        () => true,
        () => false,
      );
      writes.push({ start, end: performance.now(), ok });
      await sleep(20);
    }
  })();
  return { writes, stop: async () => ((running = false), await done) };
}

const firstOkAfter = (writes: Array<{ start: number; end: number; ok: boolean }>, t: number) => writes.find((w) => w.ok && w.start >= t);
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

const cluster = await PgCluster.create({ standbys: 1 });
try {
  await cluster.sql('primary', 'CREATE TABLE notes (id serial PRIMARY KEY, body text)');
  await cluster.waitForReplay('standby1');
  console.log(`PostgreSQL failover and read overhead — node ${process.version}, check interval ${CHECK_MS} ms\n`);

  // read latency added by the pool
  const plain = new pg.Pool({ connectionString: cluster.url('standby1'), max: 4 });
  const { pool, close } = await newPool(cluster);
  await sleep(100);
  if (pool.replication.servers.standby1?.role !== 'standby') throw new Error('standby1 should be known as a standby');
  const [pgReads, rpReads] = (await timeReads([() => plain.query('SELECT 1'), () => pool.query('SELECT 1', [], { readOnly: true })], READS)) as [number[], number[]];
  await plain.end();
  await close();
  const a = stats(pgReads);
  const b = stats(rpReads);
  console.log(`## Read latency, ${READS.toLocaleString('en-US')} sequential SELECT 1 on the standby each, interleaved (µs)\n`);
  console.log(
    formatTable([
      ['client', 'median', 'p99', 'mean'],
      ['pg.Pool', a.median.toFixed(0), a.p99.toFixed(0), a.mean.toFixed(0)],
      ['ResilientPool (readOnly)', b.median.toFixed(0), b.p99.toFixed(0), b.mean.toFixed(0)],
      ['added by the pool', (b.median - a.median).toFixed(0), (b.p99 - a.p99).toFixed(0), (b.mean - a.mean).toFixed(0)],
    ]),
  );

  // failover
  {
    const { pool, close } = await newPool(cluster);
    await sleep(200);
    const load = writeLoad(pool);
    await sleep(300);
    const killed = performance.now();
    await cluster.kill('primary');
    await until(() => pool.replication.writableServer === undefined);
    const noticed = performance.now();
    await sleep(1500);
    const refused = load.writes.filter((w) => !w.ok && w.start >= noticed).map((w) => (w.end - w.start) * 1000);
    await cluster.promote('standby1');
    const promoted = performance.now();
    await until(() => firstOkAfter(load.writes, promoted) !== undefined);
    const back = firstOkAfter(load.writes, promoted)!.end - promoted;
    await cluster.start('primary');
    const restarted = performance.now();
    await until(() => pool.replication.servers.primary?.fenced !== undefined);
    const fenced = performance.now() - restarted;
    await load.stop();
    await close();
    console.log('\n## Failover (primary killed, standby promoted, old primary restarted)\n');
    console.log(
      formatTable([
        ['event', 'ms'],
        ['kill → a check sees no writable primary', (noticed - killed).toFixed(0)],
        [`writes refused while no primary: ${refused.length}, median µs`, refused.length === 0 ? '-' : stats(refused).median.toFixed(0)],
        ['pg_ctl promote returned → first write acknowledged', back.toFixed(0)],
        ['old primary restarted → fenced', fenced.toFixed(0)],
      ]),
    );
  }

  // recovery of the (new) primary after a 3 s outage
  {
    await cluster.rebuildAsStandby('primary', 'standby1');
    const manager = new ResilienceManager('pg-bench', { checkIntervalMs: CHECK_MS, checkTimeoutMs: 2000, env: { RAMPART_LOG_LEVEL: 'silent' } });
    const pool = new ResilientPool({
      manager,
      primary: { name: 'standby1', connectionString: cluster.url('standby1') },
      replicas: [{ name: 'primary', connectionString: cluster.url('primary') }],
      pool: { max: 4, connectionTimeoutMs: 2000 },
      queryTimeoutMs: 5000,
    });
    await manager.start();
    const load = writeLoad(pool);
    await sleep(300);
    await cluster.stop('standby1', 'immediate');
    await sleep(3000);
    await cluster.start('standby1');
    const returned = performance.now();
    await until(() => firstOkAfter(load.writes, returned) !== undefined);
    const recovered = firstOkAfter(load.writes, returned)!.end - returned;
    await load.stop();
    await pool.end();
    await manager.stop();
    console.log('\n## Recovery (primary down 3 s, then back)\n');
    console.log(formatTable([['event', 'ms'], ['pg_ctl start returned → first write acknowledged', recovered.toFixed(0)]]));
  }
} finally {
  await cluster.destroy();
}
