import net from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeQueries, admin, createDatabase, databaseUrl, dropDatabase } from './__fixtures__/databases.js';
import { isConnectFailure, queryWithSignal } from './query-with-signal.js';

const DB = 'rampart_query_signal_test';
const pools: pg.Pool[] = [];
const signal = () => new AbortController().signal;

function pool(): pg.Pool {
  const p = new pg.Pool({ connectionString: databaseUrl(DB), max: 1, allowExitOnIdle: true });
  p.on('error', () => {});
  pools.push(p);
  return p;
}

/**
 * A loopback TCP proxy to the test server that holds back the server's close of a connection
 * until `releaseCloses()`: the client reads the server's FATAL error, and its socket stays open
 * meanwhile, the window in which a lost connection could be put back in the pool.
 */
async function closeHoldingProxy(): Promise<{ url: string; releaseCloses: () => void; close: () => Promise<void> }> {
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(5432, '127.0.0.1');
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
    }
    downstream.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => downstream.write(chunk));
    upstream.on('end', () => held.push(() => downstream.end()));
    downstream.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(databaseUrl(DB));
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    releaseCloses: () => held.splice(0).forEach((end) => end()),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

beforeAll(() => createDatabase(DB));
afterEach(async () => {
  for (const p of pools.splice(0)) await p.end();
});
afterAll(() => dropDatabase(DB));

describe('queryWithSignal', () => {
  it('gives a connection back to the pool after a statement error', async () => {
    const p = pool();
    await expect(queryWithSignal(p, { text: 'SELECT * FROM no_such_table' }, signal())).rejects.toMatchObject({ code: '42P01' });
    expect({ total: p.totalCount, idle: p.idleCount }).toEqual({ total: 1, idle: 1 });
  });

  it('never gives back a connection whose backend was killed under the statement, so the next query gets a live one', async () => {
    const proxy = await closeHoldingProxy();
    const p = new pg.Pool({ connectionString: proxy.url, max: 1, allowExitOnIdle: true });
    p.on('error', () => {});
    pools.push(p);
    try {
      const tag = `/* rampart-kill-${process.pid} */`;
      const outcome = queryWithSignal(p, { text: `SELECT pg_sleep(5) ${tag}` }, signal()).then(() => undefined, (e: unknown) => e);
      await until(async () => (await activeQueries(DB, `SELECT pg_sleep(5) ${tag}`)) === 1);
      await admin((c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [DB]));
      // the server's FATAL error has arrived; its close of the socket is held back by the proxy
      expect(await outcome).toMatchObject({ code: '57P01' });
      expect({ total: p.totalCount, idle: p.idleCount }).toEqual({ total: 0, idle: 0 });
      expect((await queryWithSignal(p, { text: 'SELECT 1 AS one' }, signal())).rows).toEqual([{ one: 1 }]);
    } finally {
      proxy.releaseCloses();
      await p.end();
      pools.splice(pools.indexOf(p), 1);
      await proxy.close();
    }
  });

  it('marks a failure to connect, and rejects with the reason of an abort', async () => {
    const refused = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/x', max: 1 });
    pools.push(refused);
    const error = await queryWithSignal(refused, { text: 'SELECT 1' }, signal()).catch((e: unknown) => e);
    expect(isConnectFailure(error)).toBe(true);
    const controller = new AbortController();
    const p = pool();
    const pending = queryWithSignal(p, { text: 'SELECT pg_sleep(5)' }, controller.signal);
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
  });
});
