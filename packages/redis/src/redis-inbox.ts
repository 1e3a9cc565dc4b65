import { channelMessageSchema, type ChannelMessage } from '@rampart/channels';
import type { Redis } from 'ioredis';
import { inboxScore, redisChannelKeys, TAKE_SCRIPT, type RedisChannelKeys } from './redis-channel-keys.js';
import { execOrThrow, parseJsonOrUndefined } from './redis-commands.js';

/** Add `message` to its recipient's inbox and publish its id on the recipient's notify channel, in one MULTI. */
export function addToInbox(redis: Redis, keyPrefix: string, message: ChannelMessage): Promise<void> {
  const keys = redisChannelKeys(keyPrefix, message.recipient);
  return execOrThrow(redis.multi().hset(keys.messages, message.id, JSON.stringify(message)).zadd(keys.inbox, inboxScore(message), message.id).publish(keys.notify, message.id));
}

/** Atomically move the best waiting message into the processing hash; its JSON, or null when the inbox is empty. */
export async function takeFromInbox(redis: Redis, keys: RedisChannelKeys): Promise<string | null> {
  return (await redis.eval(TAKE_SCRIPT, 3, keys.inbox, keys.messages, keys.processing)) as string | null;
}

/**
 * Put every message left in the processing hash (taken by a receiver that died before its handler
 * settled) back in the inbox, in one MULTI. Entries that are not messages are dropped and passed
 * to `onMalformed`.
 */
export async function reclaimProcessing(redis: Redis, keys: RedisChannelKeys, onMalformed: (error: unknown) => void): Promise<void> {
  const left = await redis.hgetall(keys.processing);
  const ids = Object.keys(left);
  if (ids.length === 0) return;
  const tx = redis.multi();
  for (const id of ids) {
    const parsed = channelMessageSchema.safeParse(parseJsonOrUndefined(left[id]!));
    if (parsed.success) {
      tx.hset(keys.messages, id, left[id]!);
      tx.zadd(keys.inbox, inboxScore(parsed.data), id);
    } else {
      onMalformed(parsed.error);
    }
    tx.hdel(keys.processing, id);
  }
  await execOrThrow(tx);
}
