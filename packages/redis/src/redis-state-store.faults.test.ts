// RedisStateStore against a Redis of its own (one redis-server, and a 3-master Cluster), cut by
// loopback proxies: a breaker snapshot written while Redis is unreachable reaches Redis once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './__fixtures__/redis-secrets.js';
import { rejection } from './__fixtures__/redis-test-env.js';
import { Redis, type Cluster } from 'ioredis';
import { TimeoutError } from '@rampart/core';
import { RedisStateStore } from './redis-state-store.js';
import { RedisUnreachableError } from './redis-unreachable-error.js';
import { LocalRedis, REDIS_KINDS, type RedisKind } from './testing/local-redis.js';
import { connectTo, disconnect } from './testing/redis-target.js';

describe.each(REDIS_KINDS)('RedisStateStore while Redis is unreachable (%s Redis)', { timeout: 30_000 }, (kind: RedisKind) => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await LocalRedis.start(kind);
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  });

  /** A client through the proxies whose commands fail fast while cut (a Cluster: no offline queue while it reconnects), once ready. */
  async function failFastClient(): Promise<Redis | Cluster> {
    const client = kind === 'single' ? new Redis(redis.proxiedTarget, { maxRetriesPerRequest: 1 }) : (connectTo(redis.proxiedTarget, { enableOfflineQueue: false }) as Cluster);
    client.on('error', () => undefined);
    await until(() => client.status === 'ready');
    return client;
  }

  it('keeps a failed breaker write and writes it once Redis is back; other keys are not kept', async () => {
    const client = await failFastClient();
    const admin = connectTo(redis.target);
    const store = new RedisStateStore({ redis: client, keyPrefix: 'faults:' });
    const adminStore = new RedisStateStore({ redis: admin, keyPrefix: 'faults:' });
    try {
      await store.set('ops/breaker/resource/api_quota/openai', { state: 'closed' });
      await redis.cut();
      // the client has seen its connection close (a Cluster: once every node it knows has failed, which
      // a node it has not connected to yet does only when a command tries it)
      await until(async () => (await client.ping().catch(() => undefined), store.reachableForMs() === 0));
      const failed = await rejection(store.set('ops/breaker/resource/api_quota/openai', { state: 'open' }));
      expect(failed).toBeInstanceOf(Error); // the caller still hears that it failed
      await rejection(store.set('ops/queue/1', { status: 'queued' }));
      expect(store.unwritten.size).toBe(1); // the breaker snapshot only
      await redis.restore();
      await until(async () => JSON.stringify(await adminStore.get('ops/breaker/resource/api_quota/openai')) === '{"state":"open"}');
      expect(await adminStore.get('ops/queue/1')).toBeUndefined();
      // the store forgets the kept write when its own reply is read, which may come after the admin's GET reply
      await until(() => store.unwritten.size === 0);
    } finally {
      await store.close();
      await adminStore.close();
      await disconnect(client);
      await disconnect(admin);
    }
  });

  /** A client with ioredis' defaults (offline queue on) through the proxies, once ready; this test listens for its errors. */
  async function defaultClient(): Promise<Redis | Cluster> {
    const client = kind === 'single' ? new Redis(redis.proxiedTarget) : (connectTo(redis.proxiedTarget) as Cluster);
    client.on('error', () => undefined);
    await until(() => client.status === 'ready');
    return client;
  }

  /** Pause every client of every master for `ms` (CLIENT PAUSE): connections stay up, nothing is answered. */
  async function pauseRedis(admin: Redis | Cluster, ms: number): Promise<void> {
    const masters = kind === 'single' ? [admin as Redis] : (admin as Cluster).nodes('master');
    await Promise.all(masters.map((m) => m.call('CLIENT', 'PAUSE', String(ms), 'ALL')));
  }

  it('an operation Redis does not answer rejects with a TimeoutError after commandTimeoutMs; a timed-out breaker write is kept and written later', async () => {
    const client = await defaultClient();
    const admin = kind === 'single' ? new Redis(redis.target) : (connectTo(redis.target) as Cluster);
    const store = new RedisStateStore({ redis: client, keyPrefix: 'bounded:', commandTimeoutMs: 300 });
    try {
      await store.set('ops/breaker/resource/api_quota/openai', { state: 'closed' });
      await (admin as Redis).ping(); // connected (a Cluster: its slots read) before the pause
      await pauseRedis(admin, 1_500);
      const outcomes = await Promise.all([
        rejection(store.set('ops/breaker/resource/api_quota/openai', { state: 'open' })),
        rejection(store.get('ops/breaker/resource/api_quota/openai')),
        rejection(store.claim('ops/lease/1', 'me', 1_000)),
        rejection(store.entries('ops/')),
      ]);
      const what = ['SET ops/breaker/resource/api_quota/openai', 'GET ops/breaker/resource/api_quota/openai', 'claim of ops/lease/1', 'entries under ops/'];
      outcomes.forEach((err, i) => {
        expect(err).toBeInstanceOf(TimeoutError);
        expect((err as Error).message).toBe(`Redis state store: ${what[i]} got no answer within 300 ms (commandTimeoutMs)`);
      });
      expect(store.unwritten.size).toBe(1); // the breaker write is kept for retry
      await until(async () => JSON.stringify(await store.get('ops/breaker/resource/api_quota/openai').catch(() => undefined)) === '{"state":"open"}');
      await until(() => store.unwritten.size === 0);
    } finally {
      await store.close();
      await disconnect(client);
      await disconnect(admin);
    }
  });

  it('once the connection is known down, operations are refused at once with RedisUnreachableError: nothing waits in ioredis\' offline queue', async () => {
    const client = await defaultClient();
    const store = new RedisStateStore({ redis: client, keyPrefix: 'refused:' });
    try {
      await store.set('ops/queue/1', { status: 'queued' });
      await redis.cut();
      // the client notices (a Cluster: once a command tries the nodes); the PING is not awaited, ioredis holds it
      client.ping().catch(() => undefined);
      await until(() => store.reachableForMs() === 0);
      const queued = (client as unknown as { offlineQueue: { length: number } }).offlineQueue.length;
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => rejection(store.set(`ops/queue/${i}`, { status: 'queued' }))));
      for (const err of outcomes) expect(err).toBeInstanceOf(RedisUnreachableError);
      expect((outcomes[3] as RedisUnreachableError).operation).toBe('SET ops/queue/3');
      expect(await rejection(store.entries('ops/'))).toBeInstanceOf(RedisUnreachableError);
      expect((client as unknown as { offlineQueue: { length: number } }).offlineQueue.length).toBe(queued); // none handed to ioredis
      await redis.restore();
      await until(() => store.reachableForMs() > 0);
      await store.set('ops/queue/1', { status: 'succeeded' }); // works again once the connection is back
      expect(await store.get('ops/queue/1')).toEqual({ status: 'succeeded' });
    } finally {
      await store.close();
      await disconnect(client);
    }
  });

  it('rejects a commandTimeoutMs that is not a positive number of ms, naming the option', () => {
    for (const bad of [0, -1, Number.NaN, '100']) {
      expect(() => new RedisStateStore({ redis: 'redis://127.0.0.1:1', commandTimeoutMs: bad as number })).toThrow(/redisStateStore\.commandTimeoutMs/);
    }
  });
});
