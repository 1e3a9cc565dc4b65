import { ConfigError, ResourceStatus, ResourceType } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeQueries, createDatabase, databaseUrl, dropDatabase, terminateBackends } from './__fixtures__/databases.js';
import { PostgresMonitor } from './postgres-monitor.js';

const DB = 'rampart_monitor_test';
const URL_ = databaseUrl(DB);
const cleanup: Array<() => unknown> = [];
const signal = () => new AbortController().signal;

function monitor(options: Partial<ConstructorParameters<typeof PostgresMonitor>[0]> = {}): PostgresMonitor {
  const m = new PostgresMonitor({ name: 'orders', ...(options.pool ? {} : { connectionString: URL_ }), ...options });
  cleanup.push(() => m.close());
  return m;
}

function appPool(max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: URL_, max, allowExitOnIdle: true });
  pool.on('error', () => {});
  cleanup.push(() => pool.end());
  return pool;
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

beforeAll(() => createDatabase(DB, 'CREATE TABLE t (id int)'));
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
afterAll(() => dropDatabase(DB));

describe('PostgresMonitor', () => {
  it('is reported as database:<name>, with a credential-free target', () => {
    const m = monitor({ connectionString: databaseUrl(DB, 'postgres:hunter2-secret') });
    expect(`${m.resourceType}:${m.name}`).toBe('database:orders');
    expect(m.resourceType).toBe(ResourceType.DATABASE);
    expect(m.target).toBe(`127.0.0.1:5432/${DB}`);
    expect(JSON.stringify(m)).not.toContain('hunter2-secret');
  });

  it('reports the server’s role, timeline and WAL position (a primary here; a custom health query runs too)', async () => {
    const result = await monitor({ query: 'SELECT count(*) FROM t' }).check(signal());
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect(result.details).toMatchObject({ role: 'primary' });
    expect(result.details?.timeline).toBeGreaterThanOrEqual(1);
    expect(result.details?.walLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const failing = await monitor({ query: 'SELECT * FROM no_such_table' }).check(signal());
    expect(failing.status).toBe(ResourceStatus.UNAVAILABLE);
  });

  it('reports a reachable database as healthy with its latency', async () => {
    const result = await monitor().check(signal());
    expect(result.status).toBe(ResourceStatus.HEALTHY);
    expect(result.details).toMatchObject({ target: `127.0.0.1:5432/${DB}`, connectionErrors: 0 });
    expect(result.details?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.usage).toBeUndefined();
  });

  it('a slow health query crosses the latency thresholds', async () => {
    const m = monitor({ query: 'SELECT pg_sleep(0.05)', thresholds: { latencyDegradedMs: 5, latencyCriticalMs: 60_000 } });
    const result = await m.check(signal());
    expect(result.status).toBe(ResourceStatus.DEGRADED);
    expect((result.details?.reasons as string[])[0]).toMatch(/^health query took \d+ ms$/);
  });

  it('measures the saturation of a watched pool, and still checks when it is exhausted', async () => {
    const pool = appPool(5);
    const held = await Promise.all([1, 2, 3, 4].map(() => pool.connect()));
    const m = monitor({ pool });
    const four = await m.check(signal());
    expect(four).toMatchObject({ status: ResourceStatus.DEGRADED, usage: 80, details: { pool: { total: 4, idle: 0, waiting: 0, max: 5 } } });
    held.push(await pool.connect());
    const waiter = pool.connect();
    const full = await m.check(signal());
    expect(full).toMatchObject({ status: ResourceStatus.CRITICAL, usage: 100, details: { pool: { total: 5, waiting: 1 } } });
    for (const c of held) c.release();
    (await waiter).release();
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });

  it('counts connections killed under the watched pool and recovers on the next check', async () => {
    const pool = appPool(3);
    const clients = await Promise.all([1, 2].map(() => pool.connect()));
    for (const c of clients) c.release();
    const m = monitor({ pool });
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
    expect(await terminateBackends(DB)).toBeGreaterThanOrEqual(3);
    await until(() => pool.totalCount === 0);
    const hit = await m.check(signal());
    expect(hit).toMatchObject({ status: ResourceStatus.DEGRADED });
    expect(hit.details?.connectionErrors).toBeGreaterThanOrEqual(3);
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });

  it('is unavailable when nothing listens, without leaking the password', async () => {
    const m = monitor({ connectionString: 'postgres://app:hunter2-secret@127.0.0.1:1/orders' });
    const result = await m.check(signal());
    expect(result.status).toBe(ResourceStatus.UNAVAILABLE);
    expect(result.details).toMatchObject({ target: '127.0.0.1:1/orders', code: 'ECONNREFUSED', consecutiveFailures: 1 });
    expect((await m.check(signal())).details?.consecutiveFailures).toBe(2);
    expect(JSON.stringify(result)).not.toContain('hunter2-secret');
  });

  it('is unavailable with the server’s reason when the database does not exist', async () => {
    const result = await monitor({ connectionString: databaseUrl('rampart_no_such_db', 'postgres:hunter2-secret') }).check(signal());
    expect(result).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { code: '3D000', error: 'database "rampart_no_such_db" does not exist' } });
    expect(JSON.stringify(result)).not.toContain('hunter2-secret');
  });

  it('gives up after timeoutMs on its clock and drops the stuck connection', async () => {
    const clock = new FakeClock();
    const m = monitor({ query: 'SELECT pg_sleep(3) /* rampart-timeout-test */', timeoutMs: 5000, clock });
    const pending = m.check(signal());
    await until(async () => (await activeQueries(DB, 'SELECT pg_sleep(3) /* rampart-timeout-test')) === 1);
    clock.tick(5000);
    expect(await pending).toMatchObject({ status: ResourceStatus.UNAVAILABLE, details: { timedOut: true, error: 'no answer within 5000 ms' } });
    expect(clock.pendingTimers).toBe(0);
  });

  it("rethrows the caller's abort", async () => {
    const controller = new AbortController();
    const pending = monitor({ query: 'SELECT pg_sleep(3) /* rampart-abort-test */', clock: new FakeClock() }).check(controller.signal);
    await until(async () => (await activeQueries(DB, 'SELECT pg_sleep(3) /* rampart-abort-test')) === 1);
    controller.abort(new Error('manager gave up'));
    await expect(pending).rejects.toThrow('manager gave up');
  });

  it('close() ends its own connection but never the watched pool', async () => {
    const pool = appPool(2);
    const m = new PostgresMonitor({ name: 'orders', pool });
    await m.check(signal());
    await m.close();
    await expect(m.check(signal())).rejects.toThrow('closed');
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it.each([
    [{ name: 'x' }, 'connectionString'],
    [{ name: 'x', connectionString: URL_, pool: {} }, 'connectionString'],
    [{ name: '', connectionString: URL_ }, 'name'],
    [{ name: 'x', connectionString: 'mysql://u:topsecret@h/db' }, 'connectionString'],
    [{ name: 'x', connectionString: 'postgres://u:topsecret@h:70000/db' }, 'connectionString'],
    [{ name: 'x', pool: { connect: 1 } }, 'pool'],
    [{ name: 'x', connectionString: URL_, timeoutMs: 0 }, 'timeoutMs'],
    [{ name: 'x', connectionString: URL_, thresholds: { latencyDegradedMs: 500, latencyCriticalMs: 100 } }, 'thresholds.latencyCriticalMs'],
    [{ name: 'x', connectionString: URL_, thresholds: { saturationDegraded: -1 } }, 'thresholds.saturationDegraded'],
    [{ name: 'x', connectionString: URL_, timeout: 5 }, 'PostgresMonitor.timeout'],
    [{ name: 'x', connectionString: URL_, thresholds: { latencyMs: 5 } }, 'thresholds.latencyMs'],
  ])('rejects %j with a ConfigError naming %s, never quoting a password', (options, path) => {
    try {
      new PostgresMonitor(options as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(path);
      expect(`${(error as Error).message} ${String((error as ConfigError).value)}`).not.toContain('topsecret');
    }
  });
});
