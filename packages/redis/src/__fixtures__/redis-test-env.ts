import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis server on this machine (loopback only). */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Namespaces handed out since the last {@link cleanUp}, whose keys it deletes. */
const namespaces = new Set<string>();

/**
 * A key prefix and channel unique to one test run, so parallel runs never see each other's data. The
 * next {@link cleanUp} deletes its keys (a breaker channel's `<channel>:state` hash among them, which
 * would otherwise stay in the machine's Redis for the day it takes to expire).
 */
export function uniqueNamespace(): string {
  const namespace = `rampart-test:${randomUUID()}:`;
  namespaces.add(namespace);
  return namespace;
}

/** Connections opened by a test, quit by {@link cleanUp}. */
const clients = new Set<Redis>();

/** A new connection that {@link cleanUp} quits. */
export function testClient(options: { keyPrefix?: string } = {}): Redis {
  const client = new Redis(REDIS_URL, options);
  clients.add(client);
  return client;
}

/**
 * Delete every key under each of `prefixes` and under every {@link uniqueNamespace} handed out since the
 * last call, and quit every connection from {@link testClient}.
 */
export async function cleanUp(prefixes: readonly string[]): Promise<void> {
  const admin = new Redis(REDIS_URL);
  const all = new Set([...prefixes, ...namespaces]);
  namespaces.clear();
  try {
    for (const prefix of all) {
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await admin.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    await admin.quit();
    await Promise.all([...clients].map((c) => (c.status === 'end' ? undefined : c.quit())));
    clients.clear();
  }
}

/** Every key under `prefix` (for assertions). */
export async function keysUnder(prefix: string): Promise<string[]> {
  const admin = new Redis(REDIS_URL);
  try {
    return (await admin.keys(`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`)).sort();
  } finally {
    await admin.quit();
  }
}

export { rejection } from '../../../../test/support/rejection.js';
