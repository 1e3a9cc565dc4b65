import { afterEach, describe, expect, it } from 'vitest';
import { FallbackAction } from '../fallback/fallback-action.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { drive, httpError, SimulatedProviders, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

/** Providers a and b; a has its own monitor, whose verdict the test sets. */
async function setup(extra: { hysteresis?: { worsenAfter: number; recoverAfter: number } } = {}) {
  const t = testManager({
    ...extra,
    checkIntervalMs: 1_000,
    providers: { api_quota: ['a', 'b'] },
    providerCooldownMs: 30_000,
    circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
    fallbackStrategies: { api_quota: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER), new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)] },
  });
  managers.push(t.manager);
  const sim = new SimulatedProviders('a');
  const monitor = { status: ResourceStatus.HEALTHY as ResourceStatus };
  t.manager.registerMonitor({ name: 'a', resourceType: ResourceType.API_QUOTA, check: async () => ({ status: monitor.status }) });
  await t.manager.start();
  const call = (input: string) => drive(t.clock, t.manager.execute(ResourceType.API_QUOTA, sim.call, { key: 'call', args: [input] }));
  /** Let one round of checks run. */
  const round = () => t.clock.tickAsync(1_000);
  return { ...t, sim, monitor, call, round };
}

describe('monitor-driven recovery', () => {
  it('when a provider’s monitor goes from down to healthy, its failure cooldown ends and its breaker half-opens: traffic returns within one check interval', async () => {
    const { manager, sim, monitor, call, round } = await setup();
    sim.fail('a', [httpError(503, 'a down')]);
    expect(await call('1')).toBe('b/0:1');
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'a')).toBe(false); // cooling down 30 s, breaker open 60 s
    monitor.status = ResourceStatus.UNAVAILABLE;
    await round();
    sim.calls.length = 0;
    expect(await call('2')).toBe('b/0:2');
    expect(sim.trail()).toEqual(['b/switch_provider']); // a skipped without being tried
    sim.heal('a');
    monitor.status = ResourceStatus.HEALTHY;
    await round();
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'a')).toBe(true);
    sim.calls.length = 0;
    expect(await call('3')).toBe('a/0:3'); // 2 s after the failure, not 30 s (cooldown) or 60 s (breaker)
    expect(sim.trail()).toEqual(['a/plain']);
    const report = await manager.getHealthReport();
    expect(report.circuits['test-team/api_quota/a']?.state).toBe('closed'); // the half-open probe succeeded
  });

  it('with the default hysteresis (recoverAfter 2) traffic returns on the first healthy reading, before the monitor’s own status recovers', async () => {
    const { manager, sim, monitor, call, round } = await setup({ hysteresis: { worsenAfter: 1, recoverAfter: 2 } });
    sim.fail('a', [httpError(503, 'a down')]);
    expect(await call('1')).toBe('b/0:1');
    monitor.status = ResourceStatus.UNAVAILABLE;
    await round();
    expect((await manager.getHealthReport()).resources['api_quota:a']?.status).toBe('unavailable');
    sim.heal('a');
    monitor.status = ResourceStatus.HEALTHY;
    await round(); // one healthy reading: the monitor still reports unavailable (recoverAfter 2)
    expect((await manager.getHealthReport()).resources['api_quota:a']?.status).toBe('unavailable');
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'a')).toBe(true);
    sim.calls.length = 0;
    expect(await call('2')).toBe('a/0:2'); // within one check interval of the provider's return
    expect(sim.trail()).toEqual(['a/plain']);
    await round();
    expect((await manager.getHealthReport()).resources['api_quota:a']?.status).toBe('healthy');
  });

  it('a retry-after the provider itself sent is still honoured after its monitor recovers', async () => {
    const { manager, clock, sim, monitor, call, round } = await setup();
    sim.fail('a', [httpError(429, 'slow down', 20_000)]);
    expect(await call('1')).toBe('b/0:1');
    monitor.status = ResourceStatus.UNAVAILABLE;
    await round();
    monitor.status = ResourceStatus.HEALTHY;
    await round();
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'a')).toBe(false);
    sim.calls.length = 0;
    expect(await call('2')).toBe('b/0:2');
    await clock.tickAsync(20_000);
    sim.calls.length = 0;
    expect(await call('3')).toBe('a/0:3');
  });

  it('a failure saying the provider is gone (refused) is disproved by its monitor still finding it up in a later check: the outage it never saw ends at the next round', async () => {
    const { manager, sim, call, round } = await setup();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    sim.fail('a', [refused]);
    expect(await call('1')).toBe('b/0:1');
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'a')).toBe(false); // cooling down 30 s, breaker open 60 s
    await round(); // the monitor read healthy throughout: it never went from down to up
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'a')).toBe(true);
    sim.calls.length = 0;
    expect(await call('2')).toBe('a/0:2');
    expect(sim.trail()).toEqual(['a/plain']);
  });

  it('a failure a healthy monitor does not disprove (a 503: the server is there) keeps its cooldown', async () => {
    const { manager, sim, call, round } = await setup();
    sim.fail('a', [httpError(503, 'a failing')]);
    expect(await call('1')).toBe('b/0:1');
    await round();
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'a')).toBe(false);
    sim.calls.length = 0;
    expect(await call('2')).toBe('b/0:2');
    expect(sim.trail()).toEqual(['b/switch_provider']);
  });
});
