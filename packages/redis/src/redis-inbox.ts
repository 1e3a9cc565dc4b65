import { channelMessageSchema, type ChannelMessage } from '@rampart/channels';
import type { Redis } from 'ioredis';
import { ENQUEUE_SCRIPT, inboxScore, redisChannelKeys, TAKE_SCRIPT, type RedisChannelKeys } from './redis-channel-keys.js';
import { parseJsonOrUndefined } from './redis-commands.js';

function enqueue(redis: Redis, keys: RedisChannelKeys, message: ChannelMessage, body: string, notify: boolean, fromProcessing: boolean): Promise<unknown> {
  return redis.eval(ENQUEUE_SCRIPT, 4, keys.inbox, keys.messages, keys.sequence, keys.processing, message.id, body, inboxScore(message), notify ? keys.notify : '', fromProcessing ? '1' : '0');
}

/** Add `message` to its recipient's inbox (after the ones already there of its score) and publish its id on the recipient's notify channel, in one script. */
export async function addToInbox(redis: Redis, keyPrefix: string, message: ChannelMessage): Promise<void> {
  await enqueue(redis, redisChannelKeys(keyPrefix, message.recipient), message, JSON.stringify(message), true, false);
}

/** Atomically move the best waiting message into the processing hash; its JSON, or null when the inbox is empty. */
export async function takeFromInbox(redis: Redis, keys: RedisChannelKeys): Promise<string | null> {
  return (await redis.eval(TAKE_SCRIPT, 4, keys.inbox, keys.messages, keys.processing, keys.sequence)) as string | null;
}

/**
 * Put every message left in the processing hash (taken by a receiver that died before its handler
 * settled) back in the inbox, each in one script (a crash halfway leaves the rest for the next
 * start), oldest first within a score. Entries that are not messages are dropped and passed to
 * `onMalformed`.
 */
export async function reclaimProcessing(redis: Redis, keys: RedisChannelKeys, onMalformed: (error: unknown) => void): Promise<void> {
  const left = await redis.hgetall(keys.processing);
  const back: ChannelMessage[] = [];
  for (const [id, body] of Object.entries(left)) {
    const parsed = channelMessageSchema.safeParse(parseJsonOrUndefined(body));
    if (parsed.success && parsed.data.id === id) {
      back.push(parsed.data);
    } else {
      onMalformed(parsed.success ? new Error(`processing entry ${JSON.stringify(id)} holds message ${JSON.stringify(parsed.data.id)}`) : parsed.error);
      await redis.hdel(keys.processing, id);
    }
  }
  back.sort((a, b) => inboxScore(a) - inboxScore(b));
  for (const m of back) await enqueue(redis, keys, m, left[m.id]!, false, true);
}
