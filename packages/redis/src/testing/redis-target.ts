// Test support (not a test file): a Redis to connect to, named by one string that a child process
// can take as an argument: `redis://host:port`, or `cluster://host:port,host:port,...` for a Cluster,
// where a node may be written `host:port=nodeHost:nodePort` (reach at host:port the node the cluster
// calls nodeHost:nodePort: a proxy in front of it, see ClusterProxy).
import { Cluster, type ClusterOptions } from 'ioredis';
import type { RedisConnection } from '../redis-connection.js';

const hostPort = (text: string) => {
  const [host, port] = text.split(':') as [string, string];
  return { host, port: Number(port) };
};

/** The URL itself, or a new ioredis Cluster (the caller quits it, `options` added to its own) for a `cluster://` target. */
export function connectTo(target: string, options: ClusterOptions = {}): RedisConnection {
  if (!target.startsWith('cluster://')) return target;
  const nodes: Array<{ host: string; port: number }> = [];
  const natMap: Record<string, { host: string; port: number }> = {};
  for (const entry of target.slice('cluster://'.length).split(',')) {
    const [reach, node] = entry.split('=') as [string, string | undefined];
    nodes.push(hostPort(reach));
    if (node !== undefined) natMap[node] = hostPort(reach);
  }
  return new Cluster(nodes, Object.keys(natMap).length > 0 ? { ...options, natMap } : options);
}

/** Quit a connection {@link connectTo} opened (a URL needs nothing). */
export async function disconnect(connection: RedisConnection): Promise<void> {
  if (typeof connection !== 'string') await connection.quit().catch(() => connection.disconnect());
}
