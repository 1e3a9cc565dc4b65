// Two replica processes share their provider breakers through a Redis of this test's own (one
// redis-server, and a 3-master Cluster), reached through loopback proxies; Redis is killed and
// restarted, and the proxies are cut for 5 s and 13 s (5 times each, on both) while each replica
// changes a breaker, and every replica must report the same state for every provider within the
// documented bound of Redis returning: ioredis' reconnection delay (≤ 2 s) + reconcileIntervalMs.
// The two kinds run side by side (each a minute and a half of outages, mostly waiting): both Redis are
// started before either test, so no port is picked while the other's proxies or servers are down.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { LocalRedis, REDIS_KINDS, type RedisKind } from './testing/local-redis.js';

const RECONCILE_MS = 2_000;
const BOUND_MS = 2_000 + RECONCILE_MS;

/** Repetitions of each outage (a run of both outages takes ~20 s). */
const RUNS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A replica's breaker states, read through its `state` command. */
async function state(replica: ChildDriver): Promise<string> {
  const before = replica.lines.filter((l) => l.startsWith('state ')).length;
  replica.send('state');
  return (await replica.line(/^state /, before + 1)).slice(6);
}

/** Poll both replicas until they report `expected`; resolves with the ms it took. */
async function converged(p1: ChildDriver, p2: ChildDriver, expected: string): Promise<number> {
  const from = performance.now();
  for (;;) {
    const [s1, s2] = await Promise.all([state(p1), state(p2)]);
    if (s1 === expected && s2 === expected) return performance.now() - from;
    await sleep(50);
  }
}

function startReplica(redis: LocalRedis, channel: string, replicas: ChildDriver[]): ChildDriver {
  const child = runTypeScript(new URL('./__fixtures__/breaker-replica.child.ts', import.meta.url), [redis.proxiedTarget, channel, 'writers', String(RECONCILE_MS)]);
  replicas.push(child);
  return child;
}

/** Two replicas sharing a new channel, once both are ready. */
async function startPair(redis: LocalRedis, replicas: ChildDriver[]): Promise<[ChildDriver, ChildDriver]> {
  const channel = `t:${randomUUID()}:breakers`;
  const pair: [ChildDriver, ChildDriver] = [startReplica(redis, channel, replicas), startReplica(redis, channel, replicas)];
  await Promise.all(pair.map((p) => p.line(/^ready$/)));
  return pair;
}

async function stopReplicas(...children: ChildDriver[]): Promise<void> {
  for (const p of children) {
    p.send('stop');
    await p.line(/^stopped$/);
    p.endInput();
    expect((await p.exited).code).toBe(0);
  }
}

/** Redis killed (SIGKILL, its data gone) and restarted 3 times, with transitions in both replicas meanwhile. */
async function afterRestarts(kind: RedisKind, redis: LocalRedis, replicas: ChildDriver[]): Promise<void> {
  const [p1, p2] = await startPair(redis, replicas);
  const figures: number[] = [];
  for (let run = 0; run < 3; run++) {
    p1.send('trip openai');
    await converged(p1, p2, 'openai=open anthropic=closed');
    await redis.kill();
    p1.send('reset openai');
    p2.send('trip anthropic');
    await sleep(3_000);
    await redis.restart(); // empty: the shared state is rebuilt from what the replicas kept
    const ms = await converged(p1, p2, 'openai=closed anthropic=open');
    figures.push(Math.round(ms));
    expect(ms).toBeLessThan(BOUND_MS + 1_000);
    p2.send('reset anthropic');
    await converged(p1, p2, 'openai=closed anthropic=closed');
  }
  console.log(`${kind}: convergence after Redis restarted (bound ${BOUND_MS} ms): ${figures.join(', ')} ms`);
  await stopReplicas(p1, p2);
}

/** Outages of 5 s and 13 s, {@link RUNS} times each, with transitions in both replicas during them. */
async function afterOutages(kind: RedisKind, redis: LocalRedis, replicas: ChildDriver[]): Promise<void> {
  const [p1, p2] = await startPair(redis, replicas);
  const figures: string[] = [];
  for (const outageMs of [5_000, 13_000]) {
    for (let run = 0; run < RUNS; run++) {
      p1.send('trip openai'); // shared live: both open
      await converged(p1, p2, 'openai=open anthropic=closed');
      await redis.cut();
      p1.send('reset openai'); // during the outage: P1 closes openai, P2 opens anthropic
      p2.send('trip anthropic');
      await sleep(outageMs);
      expect([await state(p1), await state(p2)]).toEqual(['openai=closed anthropic=closed', 'openai=open anthropic=open']);
      await redis.restore();
      const ms = await converged(p1, p2, 'openai=closed anthropic=open');
      figures.push(`${outageMs / 1_000}s outage #${run + 1}: ${Math.round(ms)} ms`);
      expect(ms).toBeLessThan(BOUND_MS + 1_000); // generous: two processes on a busy machine
      p2.send('reset anthropic');
      await converged(p1, p2, 'openai=closed anthropic=closed');
    }
  }
  console.log(`${kind}: convergence after Redis returned (bound ${BOUND_MS} ms):\n${figures.join('\n')}`);
  // one error report per outage at most, per replica (not one per failed write or reconnection)
  for (const p of [p1, p2]) expect(p.lines.filter((l) => l.startsWith('error ')).length).toBeLessThanOrEqual(2 * RUNS * 2);
  await stopReplicas(p1, p2);
}

describe('shared breakers converge after Redis outages', { timeout: 360_000 }, () => {
  const servers = new Map<RedisKind, LocalRedis>();
  beforeAll(async () => {
    for (const kind of REDIS_KINDS) servers.set(kind, await LocalRedis.start(kind));
  }, 90_000);
  afterAll(async () => {
    for (const redis of servers.values()) await redis.stop();
  });

  it.concurrent.each(REDIS_KINDS)(
    `on %s Redis: after Redis is killed and restarted (3 times), and after outages of 5 s and 13 s (${RUNS} times each), with transitions in both replicas meanwhile, both agree within the bound`,
    async (kind) => {
      const replicas: ChildDriver[] = [];
      try {
        await afterRestarts(kind, servers.get(kind)!, replicas);
        await afterOutages(kind, servers.get(kind)!, replicas);
      } finally {
        for (const r of replicas) r.kill();
      }
    },
  );
});
