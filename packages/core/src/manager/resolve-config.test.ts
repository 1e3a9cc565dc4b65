import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { DEFAULT_FALLBACK_CHAINS } from '../fallback/default-chains.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { resolveResilienceConfig } from './resolve-config.js';
import type { ResilienceConfig } from './resilience-config.js';

function configError(config: unknown): ConfigError {
  try {
    resolveResilienceConfig(config as ResilienceConfig);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveResilienceConfig', () => {
  it('uses the seed defaults and environment variables when nothing is given', () => {
    const r = resolveResilienceConfig({ env: {} });
    expect(r.checkIntervalMs).toBe(30_000);
    expect(r.checkTimeoutMs).toBe(10_000);
    expect(r.storagePath).toBeUndefined();
    expect(r.providers.api_quota).toEqual(['openai', 'anthropic', 'local']);
    expect(r.providers.memory).toEqual([]);
    expect(r.chains).toEqual(DEFAULT_FALLBACK_CHAINS);
    expect(r.circuitBreaker).toEqual({ failureThreshold: 5, recoveryTimeoutMs: 60_000 });
    expect(r.retry).toEqual({ maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 });
    expect(Object.isFrozen(r) && Object.isFrozen(r.queue) && Object.isFrozen(r.chains.api_quota)).toBe(true);

    const fromEnv = resolveResilienceConfig({
      env: { RESILIENCE_CHECK_INTERVAL: '20', RESILIENCE_STORAGE_PATH: '/data/resilience', CIRCUIT_FAILURE_THRESHOLD: '3' },
    });
    expect(fromEnv.checkIntervalMs).toBe(20_000);
    expect(fromEnv.storagePath).toBe('/data/resilience');
    expect(fromEnv.circuitBreaker.failureThreshold).toBe(3);
  });

  it('lets config win over the environment and never writes into the caller object', () => {
    const config: ResilienceConfig = {
      checkIntervalMs: 5_000,
      storagePath: '/tmp/x',
      queue: { maxQueueSize: 3 },
      env: { RESILIENCE_CHECK_INTERVAL: '20', RESILIENCE_STORAGE_PATH: '/data/resilience' },
    };
    const copy = structuredClone(config);
    const r = resolveResilienceConfig(config);
    expect(r.checkIntervalMs).toBe(5_000);
    expect(r.checkTimeoutMs).toBe(5_000);
    expect(r.storagePath).toBe('/tmp/x');
    expect(r.queue).toEqual({ maxQueueSize: 3, maxWaitMs: 300_000, retryIntervalMs: 1_000, resultRetentionMs: 86_400_000, maxRetainedResults: 10_000 });
    expect(config).toEqual(copy);
  });

  it('replaces the chain of named resource types and orders steps by priority (stable)', () => {
    const r = resolveResilienceConfig({
      env: {},
      fallbackStrategies: {
        [ResourceType.API_QUOTA]: [
          { strategy: 'queue_request', priority: 2 },
          new FallbackAction(FallbackStrategy.SWITCH_PROVIDER, { target: 'anthropic' }),
          new FallbackAction(FallbackStrategy.USE_CACHE, { priority: 1 }),
          { strategy: FallbackStrategy.DEGRADE_SERVICE },
        ],
      },
    });
    expect(r.chains.api_quota.map((a) => [a.strategy, a.target])).toEqual([
      ['switch_provider', 'anthropic'],
      ['degrade_service', undefined],
      ['use_cache', undefined],
      ['queue_request', undefined],
    ]);
    expect(r.chains.api_quota.every((a) => a instanceof FallbackAction)).toBe(true);
    expect(r.chains.memory).toBe(DEFAULT_FALLBACK_CHAINS.memory);
  });

  it('names the path and the bad value in ConfigErrors', () => {
    const e = configError({ fallbackStrategies: { api_quota: [{ strategy: 'SWITCH' }] } });
    expect(e.message).toBe('fallbackStrategies.api_quota[0].strategy: unknown strategy "SWITCH"');
    expect(e.path).toBe('fallbackStrategies.api_quota[0].strategy');
    expect(e.value).toBe('SWITCH');
    expect(configError({ fallbackStrategies: { quota: [] } }).message).toMatch(/^fallbackStrategies\.quota: unknown resource type "quota" \(known: api_quota, /);
    expect(configError({ checkIntervalMs: -5 }).message).toBe('checkIntervalMs: must be greater than 0, got -5');
    expect(configError({ checkIntervalMs: '20' }).message).toBe('checkIntervalMs: must be a number, got "20"');
    expect(configError({ queue: { maxWait: 5 } }).message).toBe('queue.maxWait: unknown option; did you mean maxWaitMs?');
    expect(configError({ queue: { maxQueueSize: 1.5 } }).message).toBe('queue.maxQueueSize: must be an integer, got 1.5');
    expect(configError({ providers: { api_quota: ['openai', 7] } }).message).toBe('providers.api_quota[1]: must be a string, got 7');
    expect(configError({ fallbackStrategies: { cpu: [{ strategy: 'scale_down', factor: 2 }] } }).path).toBe(
      'fallbackStrategies.cpu[0].factor',
    );
    expect(configError({ logger: console.log }).message).toMatch(/^logger: must be a pino logger/);
    expect(configError({ check_interval: 20 }).message).toBe('check_interval: unknown option; did you mean checkIntervalMs?');
    expect(configError({ env: { RESILIENCE_CHECK_INTERVAL: 'soon' } }).message).toBe(
      'RESILIENCE_CHECK_INTERVAL: must be a number, got "soon"',
    );
  });
});
