import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { FallbackAction, FallbackActionInit } from '../fallback/fallback-action.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import type { ResourceType } from '../resource/resource-types.js';
import type { StateStore } from '../store/state-store.js';

/** Keys of per-resource maps: a built-in type (the enum member or its lowercase value) or a custom type declared in `resourceTypes`. */
export type ResourceKey = ResourceType | `${ResourceType}` | ResourceTypeName;

/**
 * A team's resilience configuration (seed 001, "Per-Team Configuration"). Every key is optional;
 * environment variables supply defaults (RESILIENCE_CHECK_INTERVAL, RESILIENCE_STORAGE_PATH,
 * CIRCUIT_FAILURE_THRESHOLD, CIRCUIT_RECOVERY_TIMEOUT, RETRY_MAX_ATTEMPTS, RETRY_BASE_DELAY,
 * RETRY_MAX_DELAY) and values given here win. Validated at construction: a bad value throws a
 * ConfigError naming its path (`fallbackStrategies.api_quota[0].strategy`).
 */
export interface ResilienceConfig {
  /** Time between two rounds of monitor checks, ms. Default RESILIENCE_CHECK_INTERVAL (s) or 30,000. */
  checkIntervalMs?: number;
  /** A check that has not answered after this long reports `unavailable`, ms. Default min(10,000, checkIntervalMs). */
  checkTimeoutMs?: number;
  /** Consecutive readings needed to change a monitor's status. Default `{ worsenAfter: 1, recoverAfter: 2 }`. */
  hysteresis?: { worsenAfter?: number; recoverAfter?: number };
  /** Directory for breaker states and queued requests. Default RESILIENCE_STORAGE_PATH; unset = memory only. */
  storagePath?: string;
  /** A custom persistence backend (e.g. Redis); takes precedence over `storagePath`. */
  store?: StateStore;
  /**
   * Custom resource types of this team, besides the built-in {@link ResourceType}s: lowercase
   * snake_case names (`'vector_db'`, `'search_api'`), none a built-in. A type exists only when listed
   * here (a typo'd type in `providers`, `fallbackStrategies`, `concurrency`, `execute`,
   * `@withFallback` or a monitor is a ConfigError, never a new type); it is then configured like a
   * built-in one, under its name in `providers`, `fallbackStrategies` and `concurrency`, and watched by
   * monitors whose `resourceType` is its name. Without a `fallbackStrategies` entry its chain is
   * empty: the plain call, no retry or switch. Default none.
   */
  resourceTypes?: readonly string[];
  /**
   * Per resource type, the ordered targets of SWITCH_PROVIDER (first = primary); each named once. An
   * empty list means "no providers" (replacing the default list) and is allowed only for a type whose
   * chain has no SWITCH_PROVIDER step; a step's `target` must be one of its type's list when one is given.
   */
  providers?: Partial<Record<ResourceKey, string[]>>;
  /** How long a failed provider is skipped when the error gives no retry-after, ms. Default 30,000. */
  providerCooldownMs?: number;
  /**
   * How long a provider is skipped after a failure a retry may cure (a timeout, a reset, a 5xx
   * without retry-after) that made the chain switch away from it, ms (at most `providerCooldownMs`).
   * Short, so the cooldown does not outlive its cause; its breaker counts repeated failures.
   * Default 1,000.
   */
  transientCooldownMs?: number;
  /**
   * Every call through `execute`/`@withFallback` settles within this long, ms: with its answer or
   * error, or a {@link TimeoutError} once it passes (waits, retries and a queued call's wait
   * included; the call's signal aborts then). Per call: `execute`'s `deadlineMs`. Default 300,000 (5 min).
   */
  deadlineMs?: number;
  /**
   * When no provider is available now, the longest SWITCH_PROVIDER waits for the first one to come
   * back (the end of its cooldown, its breaker's half-open time), ms. A longer wait (or one past the
   * call's deadline) is not taken: the chain moves on, or fails at once with a FallbackExhaustedError
   * naming every provider and why it was skipped. Default 5,000.
   */
  maxProviderWaitMs?: number;
  /** Per resource type, the fallback chain; replaces that type's default chain. */
  fallbackStrategies?: Partial<Record<ResourceKey, Array<FallbackAction | FallbackActionInit>>>;
  /** USE_CACHE's store of earlier results. */
  cache?: { maxEntries?: number; ttlMs?: number; maxStaleMs?: number };
  /** QUEUE_REQUEST's queues (one per resource type). */
  queue?: {
    /** Requests held per resource type. Default 1,000. */
    maxQueueSize?: number;
    /** A queued request not answered after this long fails with QueueTimeoutError, ms. Default 300,000. */
    maxWaitMs?: number;
    /**
     * Replay interval for resources without monitors or with providers (polled until one is
     * available), ms. A poll is cheap (it reads the providers' state): short, so a parked call is
     * replayed within about this long of a cooldown's end. Default 1,000.
     */
    retryIntervalMs?: number;
    /** Finished requests stay visible to getQueuedRequest this long, ms. Default 86,400,000 (1 day). */
    resultRetentionMs?: number;
    /**
     * At most this many finished requests stay visible to getQueuedRequest (the oldest leaves first).
     * Default 10,000. Room for them is set aside up front (about 50 bytes each), so keep it modest.
     */
    maxRetainedResults?: number;
  };
  /**
   * The manager's circuit breakers: one per (resource type, provider), or one per resource type
   * without providers, for types whose chain has CIRCUIT_BREAK. Defaults from
   * CIRCUIT_FAILURE_THRESHOLD / CIRCUIT_RECOVERY_TIMEOUT.
   */
  circuitBreaker?: { failureThreshold?: number; recoveryTimeoutMs?: number };
  /** Defaults of RETRY steps. From RETRY_MAX_ATTEMPTS (attempts incl. the first), RETRY_BASE_DELAY, RETRY_MAX_DELAY. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per resource type, the concurrency SCALE_DOWN starts from and returns to. Default unlimited. */
  concurrency?: Partial<Record<ResourceKey, number>>;
  /** A pino logger; the manager logs through a child bound to `{ team }`. Default: pino at RAMPART_LOG_LEVEL (info). */
  logger?: Logger;
  /** Time source (tests pass a FakeClock). Default the system clock. */
  clock?: Clock;
  /** Environment to read defaults from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}
