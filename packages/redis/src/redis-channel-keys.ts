import type { ChannelMessage } from '@rampart/channels';

/** The Redis keys and pub/sub channel of one team's {@link RedisChannel}. */
export interface RedisChannelKeys {
  /**
   * Sorted set of the waiting messages, ordered by {@link inboxScore}; each member is
   * `<16-digit sequence>:<message id>` (written by {@link ENQUEUE_SCRIPT}), so messages of one score (the same
   * priority and millisecond) leave in the order they arrived.
   */
  readonly inbox: string;
  /** Counter of the inbox's arrivals (the sequence of each inbox member); deleted when the inbox empties. */
  readonly sequence: string;
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
 * together (inbox, messages, processing, sequence) carry the team as a hash tag, so on a Redis Cluster they
 * sit in one slot and a MULTI or script over them works.
 */
export function redisChannelKeys(prefix: string, team: string): RedisChannelKeys {
  return Object.freeze({
    inbox: `${prefix}:inbox:{${team}}`,
    messages: `${prefix}:messages:{${team}}`,
    processing: `${prefix}:processing:{${team}}`,
    sequence: `${prefix}:sequence:{${team}}`,
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
 * Add a message to the inbox unless it is waiting there already (then only its body is replaced:
 * it keeps its place), and publish its id when a notify channel is given. With ARGV[5] = '1' it
 * comes back from the processing hash (a receiver died before acknowledging it) in the same step.
 * KEYS: inbox, messages, sequence, processing. ARGV: id, body, score, notify channel or '', '1'|'0'.
 */
export const ENQUEUE_SCRIPT = `
local id = ARGV[1]
if ARGV[5] == '1' then redis.call('HDEL', KEYS[4], id) end
if redis.call('HEXISTS', KEYS[2], id) == 0 then
  local sequence = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[1], ARGV[3], string.format('%016d:%s', sequence, id))
end
redis.call('HSET', KEYS[2], id, ARGV[2])
if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], id) end
return 1
`;

/**
 * Atomically move the best message from the inbox to the processing hash and return its JSON
 * (nil when the inbox is empty). KEYS: inbox, messages, processing, sequence. A member without a
 * body is skipped; a member that is a bare id (written before members carried a sequence) is read
 * as one. The sequence counter goes once the inbox is empty.
 */
export const TAKE_SCRIPT = `
while true do
  local popped = redis.call('ZPOPMIN', KEYS[1])
  local member = popped[1]
  if member == nil then
    redis.call('DEL', KEYS[4])
    return false
  end
  local id = string.match(member, '^' .. string.rep('%d', 16) .. ':(.*)$') or member
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    redis.call('HDEL', KEYS[2], id)
    redis.call('HSET', KEYS[3], id, body)
    if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[4]) end
    return body
  end
end
`;
