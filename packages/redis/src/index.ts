// Public API of @rampart/redis. Every export is listed here by name.
export {
  RedisStateStore,
  resolveRedisStateStoreOptions,
  type RedisStateStoreOptions,
  type ResolvedRedisStateStoreOptions,
} from './redis-state-store.js';
export { RedisUnreachableError } from './redis-unreachable-error.js';
export {
  RedisBreakerSync,
  resolveRedisBreakerSyncOptions,
  shareCircuitBreakers,
  type RedisBreakerSyncOptions,
  type ResolvedRedisBreakerSyncOptions,
  type SharedBreakerSource,
} from './redis-breaker-sync.js';
export { shareManagerBreakers } from './share-manager-breakers.js';
export { ProviderStateSharing, shareProviderState, type ProviderStateSource, type ShareProviderStateOptions } from './share-provider-state.js';
export { parseProviderStateMessage, type ProviderStateMessage } from './provider-state-message.js';
export { SharedQuotaReadings, type SharedQuotaReadingsOptions } from './shared-quota-readings.js';
export { parseBreakerSyncMessage, type BreakerSyncMessage } from './breaker-sync-message.js';
export { DEFAULT_REDIS_URL, isRedisClient, redactRedisUrl, type RedisConnection } from './redis-connection.js';
export { RedisChannel, type RedisChannelError } from './redis-channel.js';
export { resolveRedisChannelOptions, type RedisChannelOptions, type ResolvedRedisChannelOptions } from './redis-channel-options.js';
export { inboxScore, redisChannelKeys, type RedisChannelKeys } from './redis-channel-keys.js';
export { STALE_AFTER_HEARTBEATS, type RedisTeamStatus } from './redis-team-status.js';
