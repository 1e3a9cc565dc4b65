import { FallbackExhaustedError, ResilienceManager, ResourceType } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase } from './__fixtures__/databases.js';
import { driveClock } from './__fixtures__/drive.js';
import { TcpProxy } from './__fixtures__/tcp-proxy.js';
import { ResilientPool } from './resilient-pool.js';

// A write that reaches a read-only server fails with SQLSTATE 25006, as on a hot standby: here the
// "standby" is a second database whose sessions are read-only (default_transaction_read_only=on).
const DB = { primary: 'rampart_ro_primary', standby: 'rampart_ro_standby' } as const;
const SETUP = (s: string) => `CREATE TABLE whoami (name text); INSERT INTO whoami VALUES ('${s}'); CREATE TABLE notes (body text);`;
const { DATABASE } = ResourceType;

let clock: FakeClock;
let manager: ResilienceManager;
let proxy: TcpProxy;
let pool: ResilientPool;
const invoked: Array<{ strategy: string; provider: string | undefined }> = [];

const drive = <T>(promise: Promise<T>): Promise<T> => driveClock(clock, promise);

beforeAll(async () => {
  for (const [name, db] of Object.entries(DB)) await createDatabase(db, SETUP(name));
});
afterAll(async () => {
  for (const db of Object.values(DB)) await dropDatabase(db);
});

beforeEach(async () => {
  proxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
  await proxy.start();
  clock = new FakeClock();
  manager = new ResilienceManager('ro-test', {
    clock,
    checkIntervalMs: 3_600_000,
    providerCooldownMs: 30_000,
    circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    env: { RAMPART_LOG_LEVEL: 'silent' },
  });
  invoked.length = 0;
  manager.onFallbackStep((e) => {
    if (e.outcome !== 'skipped') invoked.push({ strategy: e.strategy, provider: e.provider });
  });
  const standby = new URL(databaseUrl(DB.standby));
  standby.searchParams.set('options', '-c default_transaction_read_only=on');
  pool = new ResilientPool({
    manager,
    primary: `postgres://postgres@127.0.0.1:${proxy.port}/${DB.primary}`,
    replicas: [standby.toString()],
    allowWriteFailover: true,
    queryTimeoutMs: 600_000,
  });
  await manager.start();
});

afterEach(async () => {
  await pool.end();
  await manager.stop();
  await proxy.stop();
});

describe('ResilientPool and a read-only standby (SQLSTATE 25006)', () => {
  it('a write misrouted to the standby leaves it out of writes only: reads on it answer at once, with no cooldown or open breaker', async () => {
    await proxy.stop(); // the primary is gone: the write fails over to the standby
    const write = await drive(pool.query("INSERT INTO notes VALUES ('x')")).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(FallbackExhaustedError);
    expect(JSON.stringify((write as FallbackExhaustedError).message)).toContain('read-only');
    expect(invoked.some((s) => s.provider === 'replica1')).toBe(true);
    // the standby is not cooling down and its breaker is closed: only writes leave it out
    expect(manager.isProviderAvailable(DATABASE, 'replica1')).toBe(true);
    expect(manager.getCircuitBreakers().find((b) => b.provider === 'replica1')?.breaker.state ?? 'closed').toBe('closed');
    // a read goes to the standby without waiting
    const before = clock.now();
    const started = performance.now();
    const read = await drive(pool.query<{ name: string }>('SELECT name FROM whoami', [], { readOnly: true }));
    expect(read.rows[0]!.name).toBe('standby');
    expect(clock.now() - before).toBeLessThan(1_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    // the next write does not reach the standby again
    invoked.length = 0;
    const again = await drive(pool.query("INSERT INTO notes VALUES ('y')")).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(FallbackExhaustedError);
    expect((again as FallbackExhaustedError).providers.find((p) => p.provider === 'replica1')).toMatchObject({ state: 'operation_excluded', operation: 'write' });
    expect((again as Error).message).toContain("replica1: left out of 'write' calls until");
    expect(invoked.filter((s) => s.provider === 'replica1')).toEqual([]);
  });

  it('a read-only server answers reads and refuses writes with 25006, as a hot standby does', async () => {
    const standby = new URL(databaseUrl(DB.standby));
    standby.searchParams.set('options', '-c default_transaction_read_only=on');
    const client = new pg.Client({ connectionString: standby.toString() });
    await client.connect();
    try {
      expect((await client.query('SELECT name FROM whoami')).rows).toEqual([{ name: 'standby' }]);
      await expect(client.query("INSERT INTO notes VALUES ('z')")).rejects.toMatchObject({ code: '25006' });
    } finally {
      await client.end();
    }
  });
});
