import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { redisChannelKeys } from '@rampart/redis';
import type { Redis } from 'ioredis';

/** Message files still in the teams' `inbox/`, `processing/` or `dead/` folders under `directory`. */
export async function countMessageFiles(directory: string, teams: readonly string[]): Promise<number> {
  let count = 0;
  for (const team of teams) {
    for (const folder of ['inbox', 'processing', 'dead']) {
      const names = await readdir(join(directory, team, folder)).catch(() => [] as string[]);
      count += names.length;
    }
  }
  return count;
}

/**
 * {@link countMessageFiles}, looking again (up to `maxLooks` times, 10 ms apart) while it is not 0:
 * a FileChannel deletes a file just after its handler settles, and `close()` does not wait for that.
 */
export async function settledMessageFiles(directory: string, teams: readonly string[], maxLooks = 500): Promise<number> {
  let count = await countMessageFiles(directory, teams);
  for (let i = 0; count > 0 && i < maxLooks; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    count = await countMessageFiles(directory, teams);
  }
  return count;
}

/** Messages still waiting in, or being handled from, the teams' Redis inboxes. */
export async function countRedisMessages(redis: Redis, keyPrefix: string, teams: readonly string[]): Promise<number> {
  let count = 0;
  for (const team of teams) {
    const keys = redisChannelKeys(keyPrefix, team);
    const [inbox, messages, processing] = await Promise.all([redis.zcard(keys.inbox), redis.hlen(keys.messages), redis.hlen(keys.processing)]);
    count += inbox + messages + processing;
  }
  return count;
}

/** Delete every key under `keyPrefix:` (SCAN, never KEYS); resolves with how many were deleted. */
export async function deleteRedisKeys(redis: Redis, keyPrefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 200);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
