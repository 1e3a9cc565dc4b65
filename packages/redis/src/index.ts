// Public API of @rampart/redis. Every export is listed here by name.
export {
  RedisStateStore,
  resolveRedisStateStoreOptions,
  type RedisStateStoreOptions,
  type ResolvedRedisStateStoreOptions,
} from './redis-state-store.js';
export {
  RedisBreakerSync,
  resolveRedisBreakerSyncOptions,
  shareCircuitBreakers,
  type RedisBreakerSyncOptions,
  type ResolvedRedisBreakerSyncOptions,
  type SharedBreakerSource,
} from './redis-breaker-sync.js';
export { parseBreakerSyncMessage, type BreakerSyncMessage } from './breaker-sync-message.js';
export { DEFAULT_REDIS_URL, isRedisClient, redactRedisUrl, type RedisConnection } from './redis-connection.js';
