import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { CircuitBreakerRegistry, circuitBreakers, createCircuitBreaker, getCircuitBreaker } from './circuit-breaker-registry.js';

const clock = new FakeClock();

afterEach(() => {
  circuitBreakers.delete('registry-test/external_api');
});

describe('CircuitBreakerRegistry', () => {
  it('gives the same breaker for a name, so two users share one circuit', async () => {
    const registry = new CircuitBreakerRegistry();
    const a = registry.getOrCreate('external_api', { failureThreshold: 2, recoveryTimeoutMs: 60_000, clock });
    const b = registry.getOrCreate('external_api', { failureThreshold: 2, recoveryTimeoutMs: 60_000, clock });
    const c = registry.getOrCreate('external_api');
    expect(b).toBe(a);
    expect(c).toBe(a);
    await a.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    await b.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(c.state).toBe('open');
    expect(registry.get('external_api')).toBe(a);
    expect(registry.has('external_api')).toBe(true);
  });

  it('throws a ConfigError naming the option that conflicts with the existing breaker', () => {
    const registry = new CircuitBreakerRegistry();
    registry.getOrCreate('db', { failureThreshold: 5, clock });
    let error: unknown;
    try {
      registry.getOrCreate('db', { failureThreshold: 3 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('circuitBreaker("db").failureThreshold');
    expect((error as ConfigError).value).toBe(3);
  });

  it('lists, deletes and clears', () => {
    const registry = new CircuitBreakerRegistry();
    const a = registry.getOrCreate('a', { failureThreshold: 1, recoveryTimeoutMs: 1, clock });
    const b = registry.getOrCreate('b', { failureThreshold: 1, recoveryTimeoutMs: 1, clock });
    expect(registry.list()).toEqual([a, b]);
    expect(registry.delete('a')).toBe(true);
    expect(registry.get('a')).toBeUndefined();
    expect(registry.getOrCreate('a', { failureThreshold: 2, recoveryTimeoutMs: 1, clock })).not.toBe(a);
    registry.clear();
    expect(registry.list()).toEqual([]);
  });

  it('rejects an empty name', () => {
    expect(() => new CircuitBreakerRegistry().getOrCreate('')).toThrow(ConfigError);
  });
});

describe('createCircuitBreaker / getCircuitBreaker', () => {
  it('use the default registry', () => {
    expect(getCircuitBreaker('registry-test/external_api')).toBeUndefined();
    const a = createCircuitBreaker('registry-test/external_api', { failureThreshold: 5, recoveryTimeoutMs: 60_000 });
    expect(a).toBeInstanceOf(CircuitBreakerPolicy);
    expect(createCircuitBreaker('registry-test/external_api', { failureThreshold: 5 })).toBe(a);
    expect(getCircuitBreaker('registry-test/external_api')).toBe(a);
    expect(circuitBreakers.list()).toContain(a);
    expect(() => createCircuitBreaker('registry-test/external_api', { recoveryTimeoutMs: 1 })).toThrow(ConfigError);
  });

  it('a breaker constructed directly is not registered', () => {
    const b = new CircuitBreakerPolicy('registry-test/unregistered', { failureThreshold: 1, recoveryTimeoutMs: 1, clock });
    expect(b.name).toBe('registry-test/unregistered');
    expect(getCircuitBreaker('registry-test/unregistered')).toBeUndefined();
  });
});
