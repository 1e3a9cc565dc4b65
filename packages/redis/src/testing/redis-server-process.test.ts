import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisClusterProcess } from './redis-cluster-process.js';
import { RedisServerProcess } from './redis-server-process.js';
import { TcpProxy } from './tcp-proxy.js';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const ping = async (url: string): Promise<string> => {
  const c = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await c.ping();
  } catch (err) {
    return (err as Error).message;
  } finally {
    c.disconnect();
  }
};

describe('redis test support', { timeout: 60_000 }, () => {
  it('a killed server refuses connections and answers again after restart on the same port; a cut proxy refuses until restored', async () => {
    const server = await RedisServerProcess.start();
    stops.push(() => server.stop());
    const proxy = await TcpProxy.start(server.port);
    stops.push(() => proxy.close());
    expect(await ping(server.url)).toBe('PONG');
    expect(await ping(proxy.url)).toBe('PONG');
    await proxy.cut();
    expect(await ping(proxy.url)).not.toBe('PONG');
    expect(await ping(server.url)).toBe('PONG');
    await proxy.restore();
    expect(await ping(proxy.url)).toBe('PONG');
    await server.kill();
    expect(server.running).toBe(false);
    expect(await ping(server.url)).not.toBe('PONG');
    await server.restart();
    expect(await ping(server.url)).toBe('PONG');
  });

  it('a local cluster of three masters serves keys in every slot', async () => {
    const cluster = await RedisClusterProcess.start();
    stops.push(() => cluster.stop());
    const client = cluster.client();
    try {
      for (let i = 0; i < 20; i++) await client.set(`k${i}`, String(i));
      expect(await client.get('k7')).toBe('7');
      expect(client.nodes('master')).toHaveLength(3);
    } finally {
      await client.quit();
    }
  });
});
