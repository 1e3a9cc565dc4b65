import { ResilienceManager, ResourceType } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { APICallError } from 'ai-sdk-provider3';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelPool } from './model-pool.js';
import { resolveModelOptions } from './options.js';

const model = { specificationVersion: 'v3', provider: 'p', modelId: 'm', supportedUrls: {}, doGenerate: async () => ({}), doStream: async () => ({}) };
const limited = () => new APICallError({ message: 'limited', url: 'u', requestBodyValues: {}, statusCode: 429, responseHeaders: { 'retry-after': '30' } });

let manager: ResilienceManager | undefined;
afterEach(async () => {
  await manager?.stop();
});

describe('ModelPool bookkeeping', () => {
  it('an answer to a request sent before a 429 does not end the cooldown the 429 started; a later one does', () => {
    const clock = new FakeClock();
    const options = resolveModelOptions({ models: [{ name: 'primary', model }, { name: 'secondary', model }], clock });
    manager = new ResilienceManager('pool-test', { clock, env: { RAMPART_LOG_LEVEL: 'silent' } });
    const pool = new ModelPool(options, manager);
    const entry = pool.select(undefined, {}).entry;
    const sentBefore = clock.now();
    clock.tick(10);
    pool.failed(entry, limited(), {});
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'primary')).toBe(false);
    clock.tick(10);
    pool.succeeded(entry, undefined, sentBefore); // in flight when the 429 came: says nothing of it
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'primary')).toBe(false);
    pool.succeeded(entry, undefined, clock.now()); // sent after it: the model is back
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'primary')).toBe(true);
  });

  it('feeds an api_quota:<name> monitor per model from the rate-limit headers of its answers', async () => {
    const clock = new FakeClock();
    const options = resolveModelOptions({ models: [{ name: 'primary', model }], clock });
    manager = new ResilienceManager('pool-quota', { clock, env: { RAMPART_LOG_LEVEL: 'silent' } });
    const pool = new ModelPool(options, manager);
    const entry = pool.select(undefined, {}).entry;
    pool.succeeded(entry, { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '60s' }, clock.now());
    expect(entry.quota.usagePercent()).toBe(99);
    expect(pool.order()).toEqual(['primary']); // one model: nothing to put before it
    await manager.checkNow();
    expect(manager.getMonitorStatus('api_quota:primary')?.usage).toBe(99);
  });

  it('validates its options with a ConfigError naming the path', () => {
    expect(() => resolveModelOptions({ models: [] })).toThrow(/models/);
    expect(() => resolveModelOptions({ models: [{ name: 'a', model: {} as never }] })).toThrow(/models\.0\.model|models\[0\]\.model/);
    expect(() => resolveModelOptions({ models: [{ name: 'a', model }, { name: 'a', model }] })).toThrow(/models\[1\]\.name/);
    expect(() => resolveModelOptions({ models: [{ name: 'a', model }, { name: 'b', model: { ...model, specificationVersion: 'v4' } }] })).toThrow(/models\[1\]\.model/);
  });
});
