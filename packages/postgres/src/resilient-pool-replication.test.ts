// ResilientPool against a real primary with two streaming hot standbys (PgCluster): roles and lag in
// the health report, reads spread across the standbys, a lagging standby left out, read-your-writes.
import { ResourceStatus } from '@rampart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_INTERVAL_MS, replicaPool, serverOf, sleep, until } from './__fixtures__/replica-pool.js';
import { PgCluster } from './testing/pg-cluster.js';
import type { ResilientPool } from './resilient-pool.js';

let cluster: PgCluster;

beforeAll(async () => {
  cluster = await PgCluster.create({ standbys: 2 });
  await cluster.sql('primary', 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
  await cluster.waitForReplay('standby1');
  await cluster.waitForReplay('standby2');
}, 60_000);

afterAll(async () => {
  await cluster?.destroy();
});

async function answeredBy(pool: ResilientPool, readOnly: boolean): Promise<string> {
  const r = await pool.query<{ port: number }>('SELECT inet_server_port() AS port', [], { readOnly });
  return serverOf(cluster, r.rows[0]!.port);
}

async function spread(pool: ResilientPool, reads: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < reads; i++) {
    const s = await answeredBy(pool, true);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

describe('ResilientPool with a real primary and two streaming standbys', () => {
  it('reports each server’s role, timeline and lag, and routes writes to the primary', async () => {
    const { manager, pool, close } = await replicaPool(cluster);
    try {
      await manager.checkNow(); // bytes behind needs the primary's WAL position from an earlier check
      const report = await manager.getHealthReport();
      const details = (name: string) => report.resources[`database:${name}`]?.details as Record<string, unknown>;
      expect(details('primary')).toMatchObject({ role: 'primary', timeline: 1 });
      expect(details('standby1')).toMatchObject({ role: 'standby', timeline: 1, replication: { replayDelayMs: 0 } });
      expect(details('standby2')).toMatchObject({ role: 'standby', timeline: 1 });
      expect(typeof (details('standby1').replication as { bytesBehind?: unknown }).bytesBehind).toBe('number');
      for (const s of ['primary', 'standby1', 'standby2']) expect(report.resources[`database:${s}`]?.status).toBe(ResourceStatus.HEALTHY);
      expect(pool.replication).toMatchObject({ primary: 'primary', writableServer: 'primary', timeline: 1 });
      for (let i = 0; i < 5; i++) expect(await answeredBy(pool, false)).toBe('primary');
    } finally {
      await close();
    }
  });

  it('spreads reads across both standbys: round_robin alternates, random and least_latency use both or the faster', async () => {
    for (const readBalancing of ['round_robin', 'random', 'least_latency'] as const) {
      const { pool, close } = await replicaPool(cluster, { readBalancing });
      try {
        const counts = await spread(pool, 40);
        console.log(`[replication] readBalancing ${readBalancing}: 40 reads → ${JSON.stringify(counts)}`);
        expect(counts.primary).toBeUndefined();
        if (readBalancing === 'round_robin') expect(counts).toEqual({ standby1: 20, standby2: 20 });
        if (readBalancing === 'random') {
          expect(counts.standby1).toBeGreaterThan(0);
          expect(counts.standby2).toBeGreaterThan(0);
        }
        if (readBalancing === 'least_latency') expect((counts.standby1 ?? 0) + (counts.standby2 ?? 0)).toBe(40);
      } finally {
        await close();
      }
    }
  });

  it('a standby lagging past maxReplicaLagMs (replay paused) gets no reads until it catches up', async () => {
    // 1 s: far past the delay a busy but replaying standby2 can show, reached by the paused standby1 in about 1 s
    const { manager, pool, close } = await replicaPool(cluster, { maxReplicaLagMs: 1_000 });
    let writing = true;
    // writes keep coming, so the paused standby falls behind
    const writer = (async () => {
      while (writing) {
        await pool.query('INSERT INTO notes (body) VALUES ($1)', ['lag']);
        await sleep(20);
      }
    })();
    try {
      await cluster.pauseReplay('standby1');
      await until('standby1 to be reported past maxReplicaLagMs', () => (pool.replication.servers.standby1?.replayDelayMs ?? 0) > 1_000);
      const lagged = pool.replication.servers.standby1!;
      console.log(`[replication] paused standby1: replay delay ${Math.round(lagged.replayDelayMs!)} ms, ${lagged.bytesBehind} bytes behind`);
      const report = await manager.getHealthReport();
      expect(report.resources['database:standby1']?.details).toMatchObject({ role: 'standby', replication: { replayPaused: true } });
      const counts = await spread(pool, 30);
      expect(counts).toEqual({ standby2: 30 });

      await cluster.resumeReplay('standby1');
      await until('standby1 to catch up', () => pool.replication.servers.standby1?.replayDelayMs === 0);
      const after = await spread(pool, 30);
      expect(after.standby1).toBeGreaterThan(0);
      expect(after.standby2).toBeGreaterThan(0);
    } finally {
      writing = false;
      await writer;
      await cluster.resumeReplay('standby1').catch(() => {});
      await close();
    }
  });

  it('readYourWrites: every read after a write sees it, even while standbys lag; other reads still use the standbys', async () => {
    const { pool, close } = await replicaPool(cluster, { readYourWrites: true, maxReplicaLagMs: 60_000 });
    try {
      // both standbys stop replaying: a read that went to one of them would miss the write
      await cluster.pauseReplay('standby1');
      await cluster.pauseReplay('standby2');
      const where: Record<string, number> = {};
      for (let i = 0; i < 30; i++) {
        const body = `ryw-${i}-${Math.random()}`;
        const w = await pool.query<{ id: number }>('INSERT INTO notes (body) VALUES ($1) RETURNING id', [body]);
        const r = await pool.query<{ body: string; port: number }>('SELECT body, inet_server_port() AS port FROM notes WHERE id = $1', [w.rows[0]!.id], { readOnly: true });
        expect(r.rows[0]?.body).toBe(body);
        const s = serverOf(cluster, r.rows[0]!.port);
        where[s] = (where[s] ?? 0) + 1;
      }
      expect(where).toEqual({ primary: 30 });
      await cluster.resumeReplay('standby1');
      await cluster.resumeReplay('standby2');
      await cluster.waitForReplay('standby1');
      await cluster.waitForReplay('standby2');
      // once a check has seen the standbys replay past the last write, reads go back to them
      await until('a read to go to a standby again', async () => (await spread(pool, 1)).primary === undefined);
      const counts = await spread(pool, 10);
      console.log(`[replication] readYourWrites: 30 reads right after their write → ${JSON.stringify(where)}; after catch-up → ${JSON.stringify(counts)}`);
      expect(counts.primary).toBeUndefined();
    } finally {
      await cluster.resumeReplay('standby1').catch(() => {});
      await cluster.resumeReplay('standby2').catch(() => {});
      await close();
    }
  });
});
