import { classifyError, ConfigError, FallbackStrategy, ResilienceManager, ResourceStatus, ResourceType } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase, terminateBackends } from './__fixtures__/databases.js';
import { driveClock } from './__fixtures__/drive.js';
import { TcpProxy } from './__fixtures__/tcp-proxy.js';
import { PrimaryUnavailableError } from './primary-unavailable-error.js';
import { ResilientPool } from './resilient-pool.js';

const SERVERS = ['primary', 'replica1', 'replica2'] as const;
const DB = (s: string) => `rampart_rp_${s}`;
const SETUP = (s: string) => `CREATE TABLE whoami (name text); INSERT INTO whoami VALUES ('${s}'); CREATE TABLE notes (body text);`;
const COOLDOWN_MS = 60_000;

let clock: FakeClock;
let manager: ResilienceManager;
let proxies: Record<string, TcpProxy>;
let pool: ResilientPool;
const steps: Array<{ strategy: string; outcome: string; provider?: string | undefined; proactive: boolean }> = [];

const via = (s: string) => `postgres://postgres:hunter2-secret@127.0.0.1:${proxies[s]!.port}/${DB(s)}`;

const drive = <T>(promise: Promise<T>): Promise<T> => driveClock(clock, promise);

const whoami = (options: { readOnly?: boolean } = { readOnly: true }) =>
  drive(pool.query<{ name: string }>('SELECT name FROM whoami', [], options)).then((r) => r.rows[0]!.name);

/** Run SQL directly on a server's database (not through the proxies). */
async function direct<R extends pg.QueryResultRow>(server: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl(DB(server)) });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

const notes = async (server: string) => (await direct<{ body: string }>(server, 'SELECT body FROM notes ORDER BY body')).map((r) => r.body);

function makePool(extra: Partial<ConstructorParameters<typeof ResilientPool>[0]> = {}): ResilientPool {
  return new ResilientPool({
    manager,
    primary: via('primary'),
    replicas: [via('replica1'), via('replica2')],
    queryTimeoutMs: 600_000,
    ...extra,
  });
}

beforeAll(async () => {
  for (const s of SERVERS) await createDatabase(DB(s), SETUP(s));
});
afterAll(async () => {
  for (const s of SERVERS) await dropDatabase(DB(s));
});

beforeEach(async () => {
  proxies = {};
  for (const s of SERVERS) {
    proxies[s] = new TcpProxy({ host: '127.0.0.1', port: 5432 });
    await proxies[s].start();
  }
  for (const s of SERVERS) await direct(s, 'TRUNCATE notes');
  clock = new FakeClock();
  manager = new ResilienceManager('rp-test', {
    clock,
    checkIntervalMs: 3_600_000,
    providerCooldownMs: COOLDOWN_MS,
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    env: {},
  });
  steps.length = 0;
  manager.onFallbackStep((e) => steps.push({ strategy: e.strategy, outcome: e.outcome, provider: e.provider, proactive: e.proactive }));
  pool = makePool();
  await manager.start();
});

afterEach(async () => {
  await pool.end();
  await manager.stop();
  for (const p of Object.values(proxies)) await p.stop();
});

describe('ResilientPool', () => {
  it('registers the servers as DATABASE providers with a monitor each, and uses the primary', async () => {
    expect(manager.getProviders(ResourceType.DATABASE)).toEqual(['primary', 'replica1', 'replica2']);
    await manager.checkNow();
    const report = await manager.getHealthReport();
    for (const s of SERVERS) expect(report.resources[`database:${s}`]?.status).toBe(ResourceStatus.HEALTHY);
    expect(report.providers.database).toMatchObject({ primary: { available: true }, replica1: { available: true } });
    expect(JSON.stringify(report)).not.toContain('hunter2-secret');
    expect(pool.targets.primary).toBe(`127.0.0.1:${proxies.primary!.port}/${DB('primary')}`);
    expect(await whoami()).toBe('primary');
    expect(await whoami({ readOnly: false })).toBe('primary');
  });

  it('a read fails over to replica1 when the primary goes down, and later reads skip the primary', async () => {
    await proxies.primary!.stop();
    expect(await whoami()).toBe('replica1');
    // the primary fails; the chain's RETRY (on another provider first) or SWITCH_PROVIDER step answers on replica1
    expect(steps[0]).toMatchObject({ strategy: 'primary', outcome: 'failed' });
    expect(steps.at(-1)).toMatchObject({ outcome: 'answered', provider: 'replica1' });
    // a refused connection cools the primary down at once; a pooled connection cut under the read (a
    // reset: a retry may cure it) is retried on replica1 without a cooldown, and the next read's new
    // connection is refused: within a few reads the primary is known down
    for (let i = 0; i < 5 && manager.isProviderAvailable(ResourceType.DATABASE, 'primary'); i++) expect(await whoami()).toBe('replica1');
    expect(manager.isProviderAvailable(ResourceType.DATABASE, 'primary')).toBe(false);
    steps.length = 0;
    expect(await whoami()).toBe('replica1');
    // the chain runs proactively: no attempt on the primary, RETRY skipped, straight to the replica
    expect(steps.filter((s) => s.outcome !== 'skipped')).toEqual([{ strategy: 'switch_provider', outcome: 'answered', provider: 'replica1', proactive: true }]);
  });

  it('goes on to replica2 when replica1 is down too', async () => {
    await proxies.primary!.stop();
    await proxies.replica1!.stop();
    expect(await whoami()).toBe('replica2');
  });

  it('never sends a write to a replica: it fails with PrimaryUnavailableError carrying the primary’s error', async () => {
    await proxies.primary!.stop();
    const error = await drive(pool.query("INSERT INTO notes VALUES ('lost')")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrimaryUnavailableError);
    // only the primary may take a write: it is the call's one server, and a refused connection ends the call at once
    expect((error as PrimaryUnavailableError).refusedProvider).toBeUndefined();
    expect(String((error as Error).message)).not.toContain('hunter2-secret');
    expect(JSON.stringify((error as Error).cause, Object.getOwnPropertyNames((error as Error).cause as object))).toContain('ECONNREFUSED');
    expect(await notes('replica1')).toEqual([]);
    expect(await notes('replica2')).toEqual([]);
  });

  it('with allowWriteFailover, a write may go to a replica', async () => {
    await pool.end();
    pool = makePool({ allowWriteFailover: true });
    await proxies.primary!.stop();
    await drive(pool.query("INSERT INTO notes VALUES ('kept')"));
    expect(await notes('replica1')).toEqual(['kept']);
  });

  it('goes back to the primary once it is up, its cooldown is over and its monitor is healthy again', async () => {
    await proxies.primary!.stop();
    expect(await whoami()).toBe('replica1');
    await manager.checkNow();
    expect(manager.getMonitorStatus('database:primary')?.status).toBe(ResourceStatus.UNAVAILABLE);
    await proxies.primary!.start();
    clock.tick(COOLDOWN_MS);
    expect(await whoami()).toBe('replica1'); // its monitor still says unavailable
    await manager.checkNow();
    await manager.checkNow(); // the default hysteresis wants two good readings
    expect(manager.getMonitorStatus('database:primary')?.status).toBe(ResourceStatus.HEALTHY);
    expect(manager.isProviderAvailable(ResourceType.DATABASE, 'primary')).toBe(true);
    expect(await whoami()).toBe('primary');
    await drive(pool.query("INSERT INTO notes VALUES ('back')"));
    expect(await notes('primary')).toEqual(['back']);
  });

  it('killed backends on the primary do not cause a failover', async () => {
    expect(await whoami()).toBe('primary');
    expect(await terminateBackends(DB('primary'))).toBeGreaterThan(0);
    // a read's lost connection may be retried on the next server at once (RETRY tries another provider first)
    expect(['primary', 'replica1']).toContain(await whoami());
    expect(steps.filter((s) => s.strategy === FallbackStrategy.SWITCH_PROVIDER)).toEqual([]);
    expect(manager.isProviderAvailable(ResourceType.DATABASE, 'primary')).toBe(true);
    await drive(pool.query("INSERT INTO notes VALUES ('before-kill')"));
    expect(await terminateBackends(DB('primary'))).toBeGreaterThan(0);
    // a write may only go to the primary: the lost connection is retried there
    await drive(pool.query("INSERT INTO notes VALUES ('after-kill')"));
    expect(await notes('primary')).toEqual(['after-kill', 'before-kill']);
  });

  it('a bad statement is rethrown at once: no retry, no failover, no cooldown', async () => {
    const error = await drive(pool.query('SELEC 1', [], { readOnly: true })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '42601' });
    // pg's error is not modified: its meaning comes from the pg classifier the pool registers
    expect(Object.hasOwn(error as object, 'rampartClassification')).toBe(false);
    expect(classifyError(error)).toEqual({ kind: 'permanent', scope: 'request' });
    expect(steps).toEqual([]);
    expect(manager.isProviderAvailable(ResourceType.DATABASE, 'primary')).toBe(true);
  });

  it('answers a read from the cache when every server is down', async () => {
    expect(await whoami()).toBe('primary');
    for (const s of SERVERS) await proxies[s]!.stop();
    expect(await whoami()).toBe('primary');
    expect(steps.at(-1)).toMatchObject({ strategy: FallbackStrategy.USE_CACHE, outcome: 'answered' });
    // the cache is keyed by the text and parameters: another query is not answered with this one's rows
    await expect(drive(pool.query('SELECT name FROM whoami WHERE name = $1', ['primary'], { readOnly: true }))).rejects.toThrow();
  });

  it('end() closes its monitors and pools; later queries reject', async () => {
    await manager.checkNow();
    await pool.end();
    expect(manager.getMonitorStatus('database:primary')).toBeUndefined();
    await expect(pool.query('SELECT 1')).rejects.toThrow('ended');
    for (const m of pool.monitors.values()) await expect(m.check(new AbortController().signal)).rejects.toThrow('closed');
  });

  it.each([
    [{ manager: undefined }, 'manager'],
    [{ primary: 'mysql://u:topsecret@h/db' }, 'primary'],
    [{ replicas: ['postgres://u:topsecret@h:99999/db'] }, 'replicas[0]'],
    [{ replicas: [{ name: 'primary', connectionString: 'postgres://h/db' }] }, 'replicas'],
    [{ queryTimeoutMs: 0 }, 'queryTimeoutMs'],
    [{ pool: { max: 0 } }, 'pool.max'],
    [{ retries: 3 }, 'ResilientPool.retries'],
    [{ pool: { maxConnections: 5 } }, 'pool.maxConnections'],
    [{ monitor: { intervalMs: 5 } }, 'monitor.intervalMs'],
    [{ monitor: { thresholds: { latencyMs: 5 } } }, 'thresholds.latencyMs'],
    [{ replicas: [{ url: 'postgres://u:topsecret@h/db', connectionString: 'postgres://h/db' }] }, 'replicas[0].url'],
  ])('rejects %j with a ConfigError naming %s, never quoting a password', (bad, path) => {
    try {
      new ResilientPool({ manager, primary: 'postgres://h/db', ...bad } as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(path);
      expect(`${(error as Error).message} ${String((error as ConfigError).value)}`).not.toContain('topsecret');
    }
  });
});
