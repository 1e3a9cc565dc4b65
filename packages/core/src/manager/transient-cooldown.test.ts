import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { ResourceType } from '../resource/resource-types.js';
import { httpError, testManager } from './__fixtures__/manager-fixtures.js';
import type { ProviderCooldownEvent } from './provider-registry.js';
import type { ResilienceManager } from './resilience-manager.js';

const { API_QUOTA } = ResourceType;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function cooldownOf(manager: ResilienceManager, error: unknown): number {
  const events: ProviderCooldownEvent[] = [];
  const sub = manager.onProviderCooldown((e) => events.push(e));
  manager.reportProviderFailure(API_QUOTA, 'openai', { error });
  sub.dispose();
  manager.reportProviderSuccess(API_QUOTA, 'openai');
  expect(events).toHaveLength(1);
  return events[0]!.cooldownMs;
}

describe('how long a failure cools a provider down', () => {
  it('briefly after a failure a retry may cure; providerCooldownMs after one that says the provider is gone; its retry-after when it sent one', () => {
    const { manager } = testManager({ providers: { api_quota: ['openai', 'anthropic'] } });
    managers.push(manager);
    expect(cooldownOf(manager, httpError(503))).toBe(1_000);
    expect(cooldownOf(manager, httpError(500))).toBe(1_000);
    expect(cooldownOf(manager, new TimeoutError(1_000))).toBe(1_000);
    expect(cooldownOf(manager, Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(1_000);
    expect(cooldownOf(manager, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(30_000);
    expect(cooldownOf(manager, httpError(429))).toBe(30_000);
    expect(cooldownOf(manager, httpError(401))).toBe(30_000);
    expect(cooldownOf(manager, httpError(503, 'busy', 1_200))).toBe(1_200);
  });

  it('is configurable, never longer than providerCooldownMs, and validated', () => {
    const { manager } = testManager({ providerCooldownMs: 2_000, transientCooldownMs: 3_000 });
    managers.push(manager);
    expect(cooldownOf(manager, httpError(503))).toBe(2_000);
    const other = testManager({ transientCooldownMs: 250 });
    managers.push(other.manager);
    expect(cooldownOf(other.manager, httpError(503))).toBe(250);
    expect(() => testManager({ transientCooldownMs: -1 })).toThrow(ConfigError);
    expect(() => testManager({ transientCooldownMs: -1 })).toThrow(/transientCooldownMs/);
  });
});
