import type { Redis } from 'ioredis';
import { scanKeys } from './redis-connection.js';
import { redisChannelKeys } from './redis-channel-keys.js';

/** A team's receiver as its status hash describes it (seed 004's application status). */
export interface RedisTeamStatus {
  team: string;
  /** What the receiver last wrote: `online` while running, `offline` once closed. */
  status: 'online' | 'offline';
  /** `status` is online and the last heartbeat is at most {@link STALE_AFTER_HEARTBEATS} intervals old. */
  online: boolean;
  /** The last heartbeat, epoch ms (the receiver's clock). */
  lastSeen: number;
  /** The receiver's heartbeat interval, ms. */
  heartbeatIntervalMs: number;
  /** The receiving channel instance (a random id per `RedisChannel`). */
  instance: string | undefined;
}

/** A receiver that missed this many heartbeats in a row is taken as gone (it crashed without writing `offline`). */
export const STALE_AFTER_HEARTBEATS = 3;

/** Read a status hash (HGETALL); undefined for none or a malformed one. */
export function parseTeamStatus(team: string, hash: Record<string, string>, nowEpochMs: number): RedisTeamStatus | undefined {
  const status = hash.status;
  const lastSeen = Number(hash.lastSeen);
  const heartbeatIntervalMs = Number(hash.heartbeatIntervalMs);
  if ((status !== 'online' && status !== 'offline') || !Number.isFinite(lastSeen) || !(heartbeatIntervalMs > 0)) return undefined;
  const online = status === 'online' && nowEpochMs - lastSeen <= STALE_AFTER_HEARTBEATS * heartbeatIntervalMs;
  return { team, status, online, lastSeen, heartbeatIntervalMs, instance: hash.instance };
}

/** The status hash of `team` under `keyPrefix`, parsed (undefined when absent). */
export async function readTeamStatus(redis: Redis, keyPrefix: string, team: string, nowEpochMs: number): Promise<RedisTeamStatus | undefined> {
  return parseTeamStatus(team, await redis.hgetall(redisChannelKeys(keyPrefix, team).status), nowEpochMs);
}

/** Every team with a status hash under `keyPrefix` (SCAN, prefix matched literally; the client's own ioredis keyPrefix is allowed for). */
export async function readStatusTeams(redis: Redis, keyPrefix: string): Promise<string[]> {
  const clientPrefix = redis.options.keyPrefix ?? '';
  const head = `${keyPrefix}:status:`;
  const match = `${(clientPrefix + head).replace(/[*?[\]\\^]/g, '\\$&')}*`;
  const teams = new Set<string>(); // SCAN may return a key twice
  await scanKeys(redis, match, 200, (keys) => {
    for (const k of keys) teams.add(k.slice(clientPrefix.length + head.length));
  });
  return [...teams].sort();
}
