// Test support (not a test file): a Redis to connect to, named by one string that a child process
// can take as an argument: `redis://host:port`, or `cluster://host:port,host:port,...` for a Cluster.
import { Cluster } from 'ioredis';
import type { RedisConnection } from '../redis-connection.js';

/** The URL itself, or a new ioredis Cluster (the caller quits it) for a `cluster://` target. */
export function connectTo(target: string): RedisConnection {
  if (!target.startsWith('cluster://')) return target;
  const nodes = target.slice('cluster://'.length).split(',').map((hostPort) => {
    const [host, port] = hostPort.split(':') as [string, string];
    return { host, port: Number(port) };
  });
  return new Cluster(nodes);
}

/** Quit a connection {@link connectTo} opened (a URL needs nothing). */
export async function disconnect(connection: RedisConnection): Promise<void> {
  if (typeof connection !== 'string') await connection.quit().catch(() => connection.disconnect());
}
