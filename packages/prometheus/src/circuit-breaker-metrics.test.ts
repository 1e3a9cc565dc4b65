import { CircuitBreakerRegistry, ConfigError } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { instrumentCircuitBreakers } from './circuit-breaker-metrics.js';

async function samples(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

const fail = async (): Promise<never> => {
  throw Object.assign(new Error('HTTP 503'), { status: 503 });
};

describe('instrumentCircuitBreakers', () => {
  it('exports state, calls by kind and failure rate of every named breaker, read at scrape time', async () => {
    const clock = new FakeClock();
    const breakers = new CircuitBreakerRegistry();
    const payments = breakers.getOrCreate('payments', { failureThreshold: 2, recoveryTimeoutMs: 10_000, clock });
    const { registry, dispose } = instrumentCircuitBreakers(breakers);
    expect(await payments.execute(() => 'ok')).toBe('ok');
    await expect(payments.execute(fail)).rejects.toThrow('HTTP 503');
    await expect(payments.execute(fail)).rejects.toThrow('HTTP 503');
    await expect(payments.execute(() => 'ok')).rejects.toMatchObject({ name: 'BrokenCircuitError' });
    breakers.getOrCreate('search', { clock }); // created after instrumenting: still exported
    expect(await samples(registry)).toEqual([
      'rampart_circuitbreaker_state{name="payments",state="closed"} 0',
      'rampart_circuitbreaker_state{name="payments",state="open"} 1',
      'rampart_circuitbreaker_state{name="payments",state="half_open"} 0',
      'rampart_circuitbreaker_state{name="search",state="closed"} 1',
      'rampart_circuitbreaker_state{name="search",state="open"} 0',
      'rampart_circuitbreaker_state{name="search",state="half_open"} 0',
      'rampart_circuitbreaker_calls_total{name="payments",kind="successful"} 1',
      'rampart_circuitbreaker_calls_total{name="payments",kind="failed"} 2',
      'rampart_circuitbreaker_calls_total{name="payments",kind="rejected"} 1',
      'rampart_circuitbreaker_calls_total{name="search",kind="successful"} 0',
      'rampart_circuitbreaker_calls_total{name="search",kind="failed"} 0',
      'rampart_circuitbreaker_calls_total{name="search",kind="rejected"} 0',
      'rampart_circuitbreaker_failure_rate{name="payments"} 0.6666666666666666',
      'rampart_circuitbreaker_failure_rate{name="search"} 0',
    ]);

    clock.tick(10_000);
    expect(await payments.execute(() => 'probe')).toBe('probe');
    const after = await samples(registry);
    expect(after).toContain('rampart_circuitbreaker_state{name="payments",state="closed"} 1');
    expect(after).toContain('rampart_circuitbreaker_calls_total{name="payments",kind="successful"} 2');

    dispose();
    dispose();
    await payments.execute(() => 'ok');
    expect(await samples(registry)).toEqual([]);
  });

  it('registers on a given registry with a prefix, and validates its arguments', async () => {
    const breakers = new CircuitBreakerRegistry();
    breakers.getOrCreate('db');
    const registry = new Registry();
    const i = instrumentCircuitBreakers(breakers, { registry, prefix: 'app_' });
    expect(i.registry).toBe(registry);
    expect(await samples(registry)).toContain('app_circuitbreaker_failure_rate{name="db"} 0');
    expect(() => instrumentCircuitBreakers(breakers, { registry, prefix: 'app_' })).toThrow(ConfigError);
    expect(() => instrumentCircuitBreakers(breakers, { prefix: '1x' })).toThrow(ConfigError);
    expect(() => instrumentCircuitBreakers({} as CircuitBreakerRegistry)).toThrow(ConfigError);
    i.dispose();
  });
});
