// Test support (not a test file): the docs' Redis examples name their keys and channels
// `rampart-docs:<pid>:<ms>:…` after the process that ran them (see docs/redis.md). Their breaker state
// hashes are kept a day by design; the tests that run the examples delete them afterwards, so runs do
// not pile keys up in the machine's Redis.
import { Redis } from 'ioredis';

/** Delete every `rampart-docs:<pid>:*` key of the processes `pids` (a no-op when Redis is not reachable). */
export async function deleteDocsKeys(pids: Iterable<number>): Promise<void> {
  const list = [...pids];
  if (list.length === 0) return;
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    for (const pid of list) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `rampart-docs:${pid}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } catch {
    // Redis is down: the examples that need it have failed their own tests
  } finally {
    redis.disconnect();
  }
}
