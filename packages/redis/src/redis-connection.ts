import { ConfigError } from '@rampart/core';
import { Redis, type Cluster } from 'ioredis';

/**
 * A Redis connection option: an ioredis client or `Cluster` (the caller owns it) or a `redis://` /
 * `rediss://` URL.
 */
export type RedisConnection = Redis | Cluster | string;

/** The URL used when no connection is given. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A client and whether this package opened it (and so must quit it). */
export interface ResolvedRedisClient {
  readonly client: Redis;
  readonly owned: boolean;
}

/** An ioredis client or Cluster, also from another copy of ioredis (so not checked with `instanceof`). */
export function isRedisClient(value: unknown): value is Redis | Cluster {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.duplicate === 'function' && typeof v.quit === 'function' && typeof v.publish === 'function' && typeof v.scan === 'function';
}

/** `redis://user:secret@host` → `redis://user:***@host`, for errors (never log a password). */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** Check a connection option at construction; throws ConfigError naming `path` (with the URL redacted). */
export function validateRedisConnection(path: string, value: unknown): void {
  if (value === undefined || isRedisClient(value)) return;
  if (typeof value === 'string') {
    if (/^rediss?:\/\//i.test(value)) return;
    throw new ConfigError(path, 'must be a redis:// or rediss:// URL', redactRedisUrl(value));
  }
  throw new ConfigError(path, 'must be an ioredis client or a redis:// URL', typeof value);
}

/** Whether `client` is an ioredis `Cluster` (its SCAN must visit every master). */
export function isCluster(client: Redis): boolean {
  return (client as unknown as { isCluster?: unknown }).isCluster === true;
}

/**
 * Open a client for a URL (owned), or use the caller's client (not owned). A `Cluster` is handled as
 * a `Redis` (ioredis gives both the same commands); what differs (SCAN) checks {@link isCluster}.
 */
export function openRedisClient(value: RedisConnection | undefined): ResolvedRedisClient {
  if (isRedisClient(value)) return { client: value as Redis, owned: false };
  return { client: new Redis(value ?? DEFAULT_REDIS_URL), owned: true };
}

/** Quit a client, ending the connection even when QUIT cannot be sent (already closed or never connected). */
export async function quitRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/**
 * SCAN every key matching `match`, on every master of a Cluster (each holds its own slots) or on
 * the one server; `onKeys` gets each batch (a key may come twice).
 */
export async function scanKeys(client: Redis, match: string, count: number, onKeys: (keys: string[]) => void): Promise<void> {
  // a Cluster knows its masters once it has read the slots: before that its node list is empty, and
  // a SCAN of no nodes would find no keys (a replica starting would see no stored requests). PING
  // goes through the Cluster's own queue, so it resolves once the Cluster is ready (the caller bounds the wait).
  if (isCluster(client) && client.status !== 'ready') await client.ping();
  const nodes = isCluster(client) ? (client as unknown as { nodes(role: 'master'): Redis[] }).nodes('master') : [client];
  if (isCluster(client) && nodes.length === 0) throw new Error('the Redis Cluster knows no master node (its slots were not read)');
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
      cursor = next;
      onKeys(keys);
    } while (cursor !== '0');
  }
}
