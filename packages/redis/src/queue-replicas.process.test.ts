// Replicas of one team, each a real child process (__fixtures__/queue-replica.child.ts), sharing a
// RedisStateStore on a redis-server of this test's own: parked requests replayed under leases,
// replicas killed in turn, and a Redis outage (a loopback proxy cut for 13 s) under load.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { until } from './__fixtures__/redis-secrets.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisStateStore } from './redis-state-store.js';
import { RedisClusterProcess } from './testing/redis-cluster-process.js';
import { connectTo, disconnect } from './testing/redis-target.js';
import { RedisServerProcess } from './testing/redis-server-process.js';
import { TcpProxy } from './testing/tcp-proxy.js';

let server: RedisServerProcess;
let cluster: RedisClusterProcess;
const replicas: ChildDriver[] = [];
const proxies: TcpProxy[] = [];
beforeAll(async () => {
  server = await RedisServerProcess.start();
  cluster = await RedisClusterProcess.start();
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') for (const r of replicas) console.log(summary(r));
  for (const r of replicas.splice(0)) r.kill();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  for (const redis of admins.values()) await disconnect(redis);
  await server?.stop();
  await cluster?.stop();
});

function replica(url: string, keyPrefix: string, leaseMs = 1_000): ChildDriver {
  const child = runTypeScript(new URL('./__fixtures__/queue-replica.child.ts', import.meta.url), [url, keyPrefix, String(leaseMs)]);
  replicas.push(child);
  return child;
}

/** Counts of a replica's lines by their first word, and its warnings (for a failing test's log). */
function summary(child: ChildDriver): string {
  const counts: Record<string, number> = {};
  for (const l of child.lines) counts[l.split(' ')[0]!] = (counts[l.split(' ')[0]!] ?? 0) + 1;
  return `${JSON.stringify(counts)}\n${child.lines.filter((l) => !/^(queued) /.test(l)).join('\n')}`;
}

/** Every `exec <key>` line of the given replicas: one per upstream execution. */
const execs = (...children: ChildDriver[]): string[] => children.flatMap((c) => c.lines.filter((l) => l.startsWith('exec ')).map((l) => l.slice(5)));

/** One connection per target for the test's own reads, quit in afterAll. */
const admins = new Map<string, RedisConnection>();

/** The stored records' statuses (id → status), read through a RedisStateStore of the test's own. */
async function stored(target: string, keyPrefix: string): Promise<Map<string, string>> {
  let redis = admins.get(target);
  if (redis === undefined) admins.set(target, (redis = connectTo(target)));
  const store = new RedisStateStore({ redis, keyPrefix });
  const records = (await store.entries('mailers/queue/')).map(([, v]) => v as { id: string; status: string });
  return new Map(records.map((r) => [r.id, r.status]));
}

async function parked(child: ChildDriver, n: number): Promise<string[]> {
  const before = child.lines.filter((l) => l.startsWith('queued ')).length;
  child.send(`park ${n}`);
  await child.line(/^queued /, before + n);
  return child.lines.filter((l) => l.startsWith('queued ')).slice(before).map((l) => l.slice(7));
}

async function stopped(child: ChildDriver): Promise<void> {
  child.send('stop');
  await child.line(/^stopped$/);
  child.endInput();
  const exit = await child.exited;
  expect(exit.code).toBe(0);
}

const targets: Array<[string, () => string]> = [
  ['a redis-server', () => server.url],
  ['a 3-master Redis Cluster', () => cluster.target],
];

describe.each(targets)('queued requests replayed by replicas under leases, on %s', { timeout: 90_000 }, (_name, target) => {
  it('two replicas both replaying one replica\'s 50 parked requests: each runs upstream once, every caller is answered', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const a = replica(target(), keyPrefix);
    await a.line(/^ready$/);
    const ids = await parked(a, 50);
    const b = replica(target(), keyPrefix); // restores A's 50 while A still holds them
    await b.line(/^ready$/);
    a.send('up');
    b.send('up');
    await a.line(/^answered /, 50);
    await until(async () => [...(await stored(target(), keyPrefix)).values()].every((s) => s === 'succeeded'));
    await Promise.all([stopped(a), stopped(b)]); // every line read
    const keys = execs(a, b);
    console.log(`upstream executions: ${keys.length} (replica A ${execs(a).length}, B ${execs(b).length})`);
    expect([...keys].sort()).toEqual(ids.map((id) => `mailers/${id}`).sort());
  });

  it('replicas killed in turn: every request answered or stored as succeeded, none lost; a key repeats only after a kill mid-request', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const a = replica(target(), keyPrefix);
    await a.line(/^ready$/);
    const ids = await parked(a, 50);
    const b = replica(target(), keyPrefix);
    await b.line(/^ready$/);
    a.send('up');
    b.send('up');
    await until(() => execs(a, b).length >= 15);
    a.kill(); // SIGKILL: its lease on an in-flight request expires, B takes over
    const a2 = replica(target(), keyPrefix);
    await a2.line(/^ready$/);
    a2.send('up');
    await until(() => execs(a, b, a2).length >= 32);
    b.kill();
    await until(async () => {
      const s = await stored(target(), keyPrefix);
      return ids.every((id) => s.get(id) === 'succeeded');
    });
    const keys = execs(a, b, a2);
    const repeated = keys.length - new Set(keys).size;
    console.log(`upstream executions: ${keys.length} for ${ids.length} requests, ${repeated} repeated (2 kills)`);
    expect(new Set(keys)).toEqual(new Set(ids.map((id) => `mailers/${id}`)));
    expect(repeated).toBeLessThanOrEqual(2); // at most the request each killed replica was running
    await stopped(a2);
  });
});

describe('queued requests across a Redis outage', { timeout: 90_000 }, () => {
  it('a 13 s Redis outage under load, then a restart of both replicas: 0 requests re-executed, 0 lost', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const proxy = await TcpProxy.start(server.port);
    proxies.push(proxy);
    const a = replica(proxy.url, keyPrefix);
    const b = replica(proxy.url, keyPrefix);
    await Promise.all([a.line(/^ready$/), b.line(/^ready$/)]);
    const persisted = [...(await parked(a, 20)), ...(await parked(b, 20))];
    await proxy.cut();
    const during = [...(await parked(a, 10)), ...(await parked(b, 10))]; // kept in memory only
    a.send('up');
    b.send('up');
    await Promise.all([a.line(/^answered /, 30), b.line(/^answered /, 30)]); // answered during the outage
    await new Promise((resolve) => setTimeout(resolve, 13_000));
    await proxy.restore();
    await until(async () => {
      const s = await stored(server.url, keyPrefix);
      return persisted.every((id) => s.get(id) === 'succeeded');
    });
    const keys = execs(a, b);
    expect(keys).toHaveLength(60);
    expect(new Set(keys).size).toBe(60);
    await Promise.all([stopped(a), stopped(b)]);
    expect(a.lines.concat(b.lines).filter((l) => l.startsWith('warning ')).length).toBeLessThanOrEqual(6); // one per kind per outage, not one per request

    const a2 = replica(proxy.url, keyPrefix);
    const b2 = replica(proxy.url, keyPrefix);
    await Promise.all([a2.line(/^ready$/), b2.line(/^ready$/)]);
    a2.send('up');
    b2.send('up');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // several retry intervals and a lease period
    expect(execs(a2, b2)).toEqual([]);
    expect(during).toHaveLength(20);
    await Promise.all([stopped(a2), stopped(b2)]);
  });
});
