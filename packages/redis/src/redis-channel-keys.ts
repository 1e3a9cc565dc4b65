import type { ChannelMessage } from '@rampart/channels';

/** The Redis keys and pub/sub channel of one team's {@link RedisChannel}. */
export interface RedisChannelKeys {
  /** Sorted set of waiting message ids, ordered by {@link inboxScore}. */
  readonly inbox: string;
  /** Hash id → message JSON for the ids in `inbox`. */
  readonly messages: string;
  /** Hash id → message JSON, taken from the inbox and not yet handled (redelivered by the next `start()`). */
  readonly processing: string;
  /** Hash of the team's receiver: status (online/offline), lastSeen, heartbeatIntervalMs, instance. */
  readonly status: string;
  /** Pub/sub channel that wakes the team's receiver (the message id is published). */
  readonly notify: string;
}

/**
 * Keys of `team` under `prefix` (`<prefix>:inbox:{<team>}`, …). The keys a send or a take touch
 * together (inbox, messages, processing) carry the team as a hash tag, so on a Redis Cluster they
 * sit in one slot and a MULTI or script over them works.
 */
export function redisChannelKeys(prefix: string, team: string): RedisChannelKeys {
  return Object.freeze({
    inbox: `${prefix}:inbox:{${team}}`,
    messages: `${prefix}:messages:{${team}}`,
    processing: `${prefix}:processing:{${team}}`,
    status: `${prefix}:status:${team}`,
    notify: `${prefix}:notify:${team}`,
  });
}

/** Past every epoch-ms timestamp until the year 2286, and far below 2^53 once multiplied by 4. */
const SPAN = 1e13;

/**
 * A message's place in the inbox (ZPOPMIN takes the lowest): higher priority first, then the
 * older `timestamp`. Priority 4 (CRITICAL) scores from 0, LOW from 3e13; the timestamp is clamped
 * into one band, so the order is exact for integer ms.
 */
export function inboxScore(message: Pick<ChannelMessage, 'priority' | 'timestamp'>): number {
  const ts = Math.min(Math.max(Math.floor(message.timestamp), 0), SPAN - 1);
  return (4 - message.priority) * SPAN + ts;
}

/**
 * Atomically move the best message from the inbox to the processing hash and return its JSON
 * (nil when the inbox is empty). KEYS: inbox, messages, processing. An id without a body is skipped.
 */
export const TAKE_SCRIPT = `
while true do
  local popped = redis.call('ZPOPMIN', KEYS[1])
  local id = popped[1]
  if id == nil then return false end
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    redis.call('HDEL', KEYS[2], id)
    redis.call('HSET', KEYS[3], id, body)
    return body
  end
end
`;
