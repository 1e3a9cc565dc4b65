// RedisStateStore against a redis-server of its own, cut by a loopback proxy: a breaker snapshot
// written while Redis is unreachable reaches Redis once it is back.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './__fixtures__/redis-secrets.js';
import { rejection } from './__fixtures__/redis-test-env.js';
import { RedisStateStore } from './redis-state-store.js';
import { RedisServerProcess } from './testing/redis-server-process.js';
import { TcpProxy } from './testing/tcp-proxy.js';

let server: RedisServerProcess;
let proxy: TcpProxy;
beforeAll(async () => {
  server = await RedisServerProcess.start();
  proxy = await TcpProxy.start(server.port);
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe('RedisStateStore while Redis is unreachable', { timeout: 30_000 }, () => {
  it('keeps a failed breaker write and writes it once Redis is back; other keys are not kept', async () => {
    const client = new Redis(proxy.url, { maxRetriesPerRequest: 1 }); // fail fast while cut
    client.on('error', () => undefined);
    const admin = new Redis(server.url);
    const store = new RedisStateStore({ redis: client, keyPrefix: 'faults:' });
    try {
      await store.set('ops/breaker/resource/api_quota/openai', { state: 'closed' });
      await proxy.cut();
      await until(() => store.reachableForMs() === 0); // the client has seen its connection close
      const failed = await rejection(store.set('ops/breaker/resource/api_quota/openai', { state: 'open' }));
      expect(failed).toBeInstanceOf(Error); // the caller still hears that it failed
      await rejection(store.set('ops/queue/1', { status: 'queued' }));
      expect(store.unwritten.size).toBe(1); // the breaker snapshot only
      await proxy.restore();
      await until(async () => (await admin.get('faults:ops/breaker/resource/api_quota/openai')) === '{"state":"open"}');
      expect(await admin.get('faults:ops/queue/1')).toBeNull();
      expect(store.unwritten.size).toBe(0);
    } finally {
      await store.close();
      await client.quit();
      await admin.quit();
    }
  });
});
