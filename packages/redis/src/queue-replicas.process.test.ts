// Replicas of one team, each a real child process (__fixtures__/queue-replica.child.ts), sharing a
// RedisStateStore on a Redis of this test's own (one redis-server, and a 3-master Cluster): parked
// requests replayed under leases to an upstream that honours idempotency keys, replicas killed in turn,
// and a Redis outage (every proxy cut for 13 s) under load.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { IdempotentUpstream } from './__fixtures__/idempotent-upstream.js';
import { until } from './__fixtures__/redis-secrets.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisStateStore } from './redis-state-store.js';
import { LocalRedis, REDIS_KINDS, type RedisKind } from './testing/local-redis.js';
import { connectTo, disconnect } from './testing/redis-target.js';

const replicas: ChildDriver[] = [];
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') for (const r of replicas) console.log(summary(r));
  for (const r of replicas.splice(0)) r.kill();
});

/** Counts of a replica's lines by their first word, and its other lines (for a failing test's log). */
function summary(child: ChildDriver): string {
  const counts: Record<string, number> = {};
  for (const l of child.lines) counts[l.split(' ')[0]!] = (counts[l.split(' ')[0]!] ?? 0) + 1;
  return `${JSON.stringify(counts)}\n${child.lines.filter((l) => !/^(queued|answered) /.test(l)).join('\n')}`;
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

/** The idempotency key the queue gives request `id` (team/id). */
const keyOf = (id: string) => `mailers/${id}`;

describe.each(REDIS_KINDS)('queued requests replayed by replicas under leases (%s Redis)', { timeout: 120_000 }, (kind: RedisKind) => {
  let redis: LocalRedis;
  let upstream: IdempotentUpstream;
  let admin: RedisConnection | undefined;
  beforeAll(async () => {
    redis = await LocalRedis.start(kind);
    upstream = await IdempotentUpstream.start();
  }, 60_000);
  afterAll(async () => {
    if (admin !== undefined) await disconnect(admin);
    await upstream?.close();
    await redis?.stop();
  });

  function replica(keyPrefix: string, name: string): ChildDriver {
    const child = runTypeScript(new URL('./__fixtures__/queue-replica.child.ts', import.meta.url), [redis.proxiedTarget, keyPrefix, '1000', upstream.url, name]);
    replicas.push(child);
    return child;
  }

  /** The stored records (id → status and result), read directly (past the proxies) through a store of the test's own. */
  async function stored(keyPrefix: string): Promise<Map<string, { status: string; result?: unknown }>> {
    admin ??= connectTo(redis.target);
    const store = new RedisStateStore({ redis: admin, keyPrefix });
    try {
      const records = (await store.entries('mailers/queue/')).map(([, v]) => v as { id: string; status: string; result?: unknown });
      return new Map(records.map((r) => [r.id, r]));
    } finally {
      await store.close(); // a URL's connection is the store's own
    }
  }

  /** Deliveries of the keys under one test (the upstream serves the whole file). */
  const deliveriesOf = (ids: string[]) => {
    const keys = new Set(ids.map(keyOf));
    return upstream.deliveries.filter((d) => keys.has(d.key));
  };

  it('two replicas both replaying one replica\'s 50 parked requests: each delivered and executed once, every caller answered', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const a = replica(keyPrefix, 'A');
    await a.line(/^ready$/);
    const ids = await parked(a, 50);
    const b = replica(keyPrefix, 'B'); // restores A's 50 while A still holds them
    await b.line(/^ready$/);
    a.send('up');
    b.send('up');
    await a.line(/^answered /, 50);
    await until(async () => [...(await stored(keyPrefix)).values()].every((r) => r.status === 'succeeded'));
    await Promise.all([stopped(a), stopped(b)]); // every line read
    const deliveries = deliveriesOf(ids);
    console.log(`${kind}: ${deliveries.length} deliveries (replica A ${deliveries.filter((d) => d.replica === 'A').length}, B ${deliveries.filter((d) => d.replica === 'B').length})`);
    expect(deliveries.map((d) => d.key).sort()).toEqual(ids.map(keyOf).sort());
    expect(ids.map((id) => upstream.executions.get(keyOf(id)))).toEqual(ids.map(() => 1));
  });

  it('replicas killed in turn mid-request: every request answered, none lost, each executed once; a key is delivered again only after its replica was killed on it, never by two replicas at once', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const a = replica(keyPrefix, 'A');
    await a.line(/^ready$/);
    const ids = await parked(a, 50);
    const b = replica(keyPrefix, 'B');
    const a2 = replica(keyPrefix, 'A2'); // A's successor, started now (a process takes a second to start) and switched on once A is killed
    await Promise.all([b.line(/^ready$/), a2.line(/^ready$/)]);
    a.send('up');
    b.send('up');
    /** Kill `child` while it has a delivery open (once `after` requests were delivered); answers the key it was working on. */
    const killMidRequest = async (child: ChildDriver, name: string, after: number): Promise<string> => {
      const delivered = () => new Set(deliveriesOf(ids).map((d) => d.key)).size;
      await until(() => (delivered() >= after && upstream.inFlight(name) !== undefined) || delivered() === ids.length);
      expect(upstream.inFlight(name), `replica ${name} had no request in flight`).toBeDefined();
      child.kill(); // SIGKILL: its lease on the in-flight request expires, another replica takes over
      return upstream.inFlight(name)?.key ?? deliveriesOf(ids).filter((d) => d.replica === name).at(-1)!.key; // answered meanwhile: still its last
    };
    const killed = [await killMidRequest(a, 'A', 15)];
    a2.send('up');
    killed.push(await killMidRequest(b, 'B', 32));
    let records = new Map<string, { status: string; result?: unknown }>();
    await until(async () => {
      records = await stored(keyPrefix);
      return ids.every((id) => records.get(id)?.status === 'succeeded');
    });
    await stopped(a2);

    // every request answered (its outcome stored with the upstream's answer), none lost
    const sentBy = new Map(deliveriesOf(ids).map((d) => [d.key, d]));
    expect(ids.filter((id) => records.get(id)?.status !== 'succeeded' || typeof records.get(id)?.result !== 'string')).toEqual([]);
    // each executed once by the upstream
    expect(ids.map((id) => upstream.executions.get(keyOf(id)))).toEqual(ids.map(() => 1));
    expect([...sentBy.keys()].sort()).toEqual(ids.map(keyOf).sort());
    // delivered more than once only for the request a killed replica was working on, its earlier delivery the killed one's
    const repeated = new Map([...upstream.repeated()].filter(([key]) => sentBy.has(key)));
    console.log(
      `${kind}: ${deliveriesOf(ids).length} deliveries for ${ids.length} requests (2 replicas killed mid-request on ${killed.join(', ')}); ` +
        `keys delivered more than once: ${repeated.size}${[...repeated].map(([k, ds]) => `\n  ${k}: ${ds.map((d) => `${d.replica}${d.answered ? '' : ' (dropped)'}`).join(' then ')}`).join('')}`,
    );
    for (const [key, ds] of repeated) {
      expect(killed).toContain(key);
      expect(ds.slice(0, -1).every((d) => d.replica === 'A' || d.replica === 'B')).toBe(true);
    }
    expect(repeated.size).toBeLessThanOrEqual(2);
    // at most one replica at a time: no two deliveries of a key open together
    expect(upstream.overlaps()).toEqual([]);
  });

  it('a 13 s Redis outage under load, then a restart of both replicas: 0 requests re-executed, 0 lost', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const a = replica(keyPrefix, 'A');
    const b = replica(keyPrefix, 'B');
    await Promise.all([a.line(/^ready$/), b.line(/^ready$/)]);
    const persisted = [...(await parked(a, 20)), ...(await parked(b, 20))];
    await redis.cut();
    const during = [...(await parked(a, 10)), ...(await parked(b, 10))]; // kept in memory only
    a.send('up');
    b.send('up');
    await Promise.all([a.line(/^answered /, 30), b.line(/^answered /, 30)]); // answered during the outage
    await new Promise((resolve) => setTimeout(resolve, 13_000));
    await redis.restore();
    await until(async () => {
      const s = await stored(keyPrefix);
      return persisted.every((id) => s.get(id)?.status === 'succeeded');
    });
    const all = [...persisted, ...during];
    expect(deliveriesOf(all)).toHaveLength(60);
    expect(new Set(deliveriesOf(all).map((d) => d.key)).size).toBe(60);
    await Promise.all([stopped(a), stopped(b)]);
    expect(a.lines.concat(b.lines).filter((l) => l.startsWith('warning ')).length).toBeLessThanOrEqual(6); // one per kind per outage, not one per request

    const a2 = replica(keyPrefix, 'A2');
    const b2 = replica(keyPrefix, 'B2');
    await Promise.all([a2.line(/^ready$/), b2.line(/^ready$/)]);
    a2.send('up');
    b2.send('up');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // several retry intervals and a lease period
    expect(deliveriesOf(all)).toHaveLength(60); // nothing delivered again
    expect(all.map((id) => upstream.executions.get(keyOf(id)))).toEqual(all.map(() => 1));
    await Promise.all([stopped(a2), stopped(b2)]);
  });
});
