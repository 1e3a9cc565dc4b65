import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/clock.js';
import { readEnvDefaults } from '../config/env-defaults.js';
import { DEFAULT_FALLBACK_CHAINS, DEFAULT_PROVIDERS } from '../fallback/default-chains.js';
import { FallbackAction, type FallbackActionInit } from '../fallback/fallback-action.js';
import type { ResourceType } from '../resource/resource-types.js';
import type { StateStore } from '../store/state-store.js';
import { validateResilienceConfig } from './config-schema.js';
import { knownResourceTypes } from './known-resource-types.js';
import type { ResilienceConfig } from './resilience-config.js';

/** A team's configuration after validation and defaults: every value present, frozen. */
export interface ResolvedResilienceConfig {
  readonly checkIntervalMs: number;
  readonly checkTimeoutMs: number;
  readonly hysteresis: Readonly<{ worsenAfter: number; recoverAfter: number }>;
  readonly storagePath: string | undefined;
  readonly store: StateStore | undefined;
  /** Every resource type the manager knows: the built-ins, then the custom `resourceTypes` in their order. */
  readonly resourceTypes: readonly string[];
  /**
   * Per-type tables below hold every known type (custom ones too, keyed by name; internally a
   * validated custom name travels typed as a ResourceType).
   */
  readonly providers: Readonly<Record<ResourceType, readonly string[]>>;
  readonly providerCooldownMs: number;
  readonly transientCooldownMs: number;
  readonly deadlineMs: number;
  readonly maxProviderWaitMs: number;
  /** Per resource type, the chain sorted by ascending priority (stable). */
  readonly chains: Readonly<Record<ResourceType, readonly FallbackAction[]>>;
  readonly cache: Readonly<{ maxEntries: number; ttlMs: number; maxStaleMs: number }>;
  readonly queue: Readonly<{ maxQueueSize: number; maxWaitMs: number; retryIntervalMs: number; resultRetentionMs: number; maxRetainedResults: number }>;
  readonly circuitBreaker: Readonly<{ failureThreshold: number; recoveryTimeoutMs: number }>;
  /** `maxAttempts` counts the first attempt (RETRY_MAX_ATTEMPTS semantics). */
  readonly retry: Readonly<{ maxAttempts: number; baseDelayMs: number; maxDelayMs: number }>;
  readonly concurrency: Readonly<Partial<Record<ResourceType, number>>>;
  readonly clock: Clock;
}

/** Default overall deadline of a guarded call (`deadlineMs`), ms. */
export const DEFAULT_CALL_DEADLINE_MS = 300_000;
/** Default longest wait of SWITCH_PROVIDER for a provider to come back (`maxProviderWaitMs`), ms. */
export const DEFAULT_MAX_PROVIDER_WAIT_MS = 5_000;

function perType<T>(types: readonly string[], make: (t: ResourceType) => T): Record<ResourceType, T> {
  const out = {} as Record<ResourceType, T>;
  for (const t of types) out[t as ResourceType] = make(t as ResourceType);
  return Object.freeze(out);
}

const NO_CHAIN: readonly FallbackAction[] = Object.freeze([]);

function sortChain(actions: readonly FallbackAction[]): readonly FallbackAction[] {
  return Object.freeze(
    actions
      .map((a, i) => ({ a, i }))
      .sort((x, y) => x.a.priority - y.a.priority || x.i - y.i)
      .map((x) => x.a),
  );
}

/**
 * Validate `config` and resolve it against environment defaults (config wins) into a new frozen
 * object; the caller's object is never modified.
 */
export function resolveResilienceConfig(input: ResilienceConfig | undefined): ResolvedResilienceConfig {
  const config = validateResilienceConfig(input);
  const env = readEnvDefaults(config.env ?? process.env);
  const checkIntervalMs = config.checkIntervalMs ?? env.resilienceCheckIntervalMs;
  const fallbackStrategies: Partial<Record<string, Array<FallbackAction | FallbackActionInit>>> = config.fallbackStrategies ?? {};
  const providers: Partial<Record<string, string[]>> = config.providers ?? {};
  const types = knownResourceTypes(config.resourceTypes);
  return Object.freeze({
    checkIntervalMs,
    checkTimeoutMs: config.checkTimeoutMs ?? Math.min(10_000, checkIntervalMs),
    hysteresis: Object.freeze({ worsenAfter: config.hysteresis?.worsenAfter ?? 1, recoverAfter: config.hysteresis?.recoverAfter ?? 2 }),
    storagePath: config.storagePath ?? env.resilienceStoragePath,
    store: config.store,
    resourceTypes: types,
    providers: perType(types, (t) => Object.freeze([...(providers[t] ?? DEFAULT_PROVIDERS[t] ?? [])])),
    providerCooldownMs: config.providerCooldownMs ?? 30_000,
    transientCooldownMs: config.transientCooldownMs ?? 1_000,
    deadlineMs: config.deadlineMs ?? DEFAULT_CALL_DEADLINE_MS,
    maxProviderWaitMs: config.maxProviderWaitMs ?? DEFAULT_MAX_PROVIDER_WAIT_MS,
    chains: perType(types, (t) => {
      const custom = fallbackStrategies[t];
      // a custom type without a configured chain: the plain call (DEFAULT_FALLBACK_CHAINS has no entry)
      return custom ? sortChain(custom.map((a) => FallbackAction.from(a))) : (DEFAULT_FALLBACK_CHAINS[t] ?? NO_CHAIN);
    }),
    cache: Object.freeze({
      maxEntries: config.cache?.maxEntries ?? 1_000,
      ttlMs: config.cache?.ttlMs ?? 300_000,
      maxStaleMs: config.cache?.maxStaleMs ?? 3_600_000,
    }),
    queue: Object.freeze({
      maxQueueSize: config.queue?.maxQueueSize ?? 1_000,
      maxWaitMs: config.queue?.maxWaitMs ?? 300_000,
      retryIntervalMs: config.queue?.retryIntervalMs ?? 1_000,
      resultRetentionMs: config.queue?.resultRetentionMs ?? 86_400_000,
      maxRetainedResults: config.queue?.maxRetainedResults ?? 10_000,
    }),
    circuitBreaker: Object.freeze({
      failureThreshold: config.circuitBreaker?.failureThreshold ?? env.circuitFailureThreshold,
      recoveryTimeoutMs: config.circuitBreaker?.recoveryTimeoutMs ?? env.circuitRecoveryTimeoutMs,
    }),
    retry: Object.freeze({
      maxAttempts: config.retry?.maxAttempts ?? env.retryMaxAttempts,
      baseDelayMs: config.retry?.baseDelayMs ?? env.retryBaseDelayMs,
      maxDelayMs: config.retry?.maxDelayMs ?? env.retryMaxDelayMs,
    }),
    concurrency: Object.freeze({ ...config.concurrency }) as Partial<Record<ResourceType, number>>,
    clock: config.clock ?? systemClock,
  });
}
