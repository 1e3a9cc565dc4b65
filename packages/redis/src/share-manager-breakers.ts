import { ConfigError, type ResilienceManager } from '@rampart/core';
import { shareCircuitBreakers, type RedisBreakerSync, type RedisBreakerSyncOptions } from './redis-breaker-sync.js';

/**
 * Share a manager's per-(resource type, provider) circuit breakers with the managers of the same
 * team in other processes (replicas: same team name, same config), over Redis pub/sub. When
 * `${team}/api_quota/openai` opens here, it opens there with the same `halfOpenAt`, so their next
 * calls go straight to the next provider; when it closes here, it closes there. Breakers are
 * shared as the manager creates them, and a breaker another replica opened is created here on
 * arrival. Other teams' breakers on the same channel are ignored. Resolves once subscribed;
 * `dispose()` the result to stop (before or after `manager.stop()`).
 */
export async function shareManagerBreakers(manager: Pick<ResilienceManager, 'circuitBreakerSource'>, options: RedisBreakerSyncOptions = {}): Promise<RedisBreakerSync> {
  if (typeof manager?.circuitBreakerSource !== 'function') throw new ConfigError('shareManagerBreakers.manager', 'must be a ResilienceManager', typeof manager);
  return shareCircuitBreakers(manager.circuitBreakerSource(), options);
}
