import { ConfigError, type Clock } from '@rampart/core';
import { clockOption, nonEmptyString, optionsObject, positiveInt, type OptionKeys } from '@rampart/core/internal';
import { teamIdSchema } from '@rampart/channels';
import { validateRedisConnection, type RedisConnection } from './redis-connection.js';

/** Options of {@link RedisChannel}. */
export interface RedisChannelOptions {
  /** The local team: its inbox is read. */
  team: string;
  /**
   * An ioredis client (used for commands and left open by `close()`; a `duplicate()` subscribes)
   * or a URL (two connections are opened and quit by `close()`). Default `redis://127.0.0.1:6379`.
   */
  redis?: RedisConnection;
  /** Prepended to every key and pub/sub channel, with `:`. Default `'rampart:channels'`. */
  keyPrefix?: string;
  /** How often the receiver writes its status hash (online, lastSeen), ms. Default 5 000. */
  heartbeatIntervalMs?: number;
  /** How often the inbox is read without a pub/sub notification (a safety net), ms. Default 5 000. */
  pollIntervalMs?: number;
  /** How long `start()`, `send()` and `healthCheck()` may wait for Redis, ms. Default 5 000. */
  timeoutMs?: number;
  /** Time source for timers, timeouts and `lastSeen`. Default `systemClock`. */
  clock?: Clock;
}

/** Every option of {@link RedisChannelOptions}: any other key is a ConfigError. */
const REDIS_CHANNEL_KEYS: OptionKeys<RedisChannelOptions> = {
  team: true, redis: true, keyPrefix: true, heartbeatIntervalMs: true, pollIntervalMs: true, timeoutMs: true,
  clock: true,
};

/** {@link RedisChannelOptions} after validation. */
export interface ResolvedRedisChannelOptions {
  readonly team: string;
  readonly keyPrefix: string;
  readonly heartbeatIntervalMs: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

const PATH = 'redisChannel';

/** Validate options and resolve defaults into a new frozen object; throws ConfigError naming the bad option (URL redacted). */
export function resolveRedisChannelOptions(options: RedisChannelOptions): ResolvedRedisChannelOptions {
  const o = optionsObject(PATH, options, REDIS_CHANNEL_KEYS);
  const team = teamIdSchema.safeParse(o.team);
  if (!team.success) throw new ConfigError(`${PATH}.team`, 'must be a team id (1–128 of A-Z a-z 0-9 . _ -, starting with a letter or digit)', o.team);
  validateRedisConnection(`${PATH}.redis`, o.redis);
  return Object.freeze({
    team: team.data,
    keyPrefix: nonEmptyString(`${PATH}.keyPrefix`, o.keyPrefix ?? 'rampart:channels'),
    heartbeatIntervalMs: positiveInt(`${PATH}.heartbeatIntervalMs`, o.heartbeatIntervalMs ?? 5_000),
    pollIntervalMs: positiveInt(`${PATH}.pollIntervalMs`, o.pollIntervalMs ?? 5_000),
    timeoutMs: positiveInt(`${PATH}.timeoutMs`, o.timeoutMs ?? 5_000),
    clock: clockOption(`${PATH}.clock`, o.clock),
  });
}
