import { afterEach, describe, expect, it } from 'vitest';
import { drive, httpError, rejection, SimulatedProviders, testManager } from '../manager/__fixtures__/manager-fixtures.js';
import type { ResilienceConfig } from '../manager/resilience-config.js';
import type { ResilienceManager } from '../manager/resilience-manager.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import type { FallbackStepEvent } from './chain-types.js';
import { FallbackAction } from './fallback-action.js';
import type { FallbackExhaustedError } from './fallback-exhausted-error.js';

const { RETRY, SWITCH_PROVIDER, USE_CACHE, CIRCUIT_BREAK } = FallbackStrategy;
const { DATABASE } = ResourceType;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(config: ResilienceConfig, primary: string) {
  const t = testManager(config);
  managers.push(t.manager);
  const db = new SimulatedProviders(primary);
  const steps: FallbackStepEvent[] = [];
  t.manager.onFallbackStep((e) => steps.push(e));
  const query = (sql: string) => drive(t.clock, t.manager.execute(DATABASE, db.call, { key: 'query', args: [sql] }));
  return { ...t, db, steps, query };
}

describe('circuit breakers per (resource type, provider)', () => {
  it('with the primary down and no monitors, reads 31 s apart keep reaching the healthy replica (regression)', async () => {
    // the default DATABASE chain: retry 3× → switch to a replica → cache → circuit break
    const { manager, clock, db, steps, query } = setup({ providerCooldownMs: 30_000, circuitBreaker: { failureThreshold: 5, recoveryTimeoutMs: 60_000 } }, 'primary');
    db.fail('primary', httpError(503, 'connection refused'));
    const primaryCalls: number[] = [];
    for (let i = 0; i < 5; i++) {
      if (i > 0) await clock.tickAsync(31_000);
      const before = db.calls.filter((c) => c.provider === 'primary').length;
      await expect(query('SELECT 1')).resolves.toBe('replica1/0:SELECT 1');
      primaryCalls.push(db.calls.filter((c) => c.provider === 'primary').length - before);
    }
    // every read answered by the replica, never by the cache: a 503 is a failure a retry may cure, so
    // each read's retry goes to the replica at once (no backoff, no cooldown of the primary), until
    // the primary's own breaker opens on its 5th failure and calls skip it
    expect(steps.filter((e) => e.outcome === 'answered').map((e) => `${e.strategy}:${e.provider}`)).toEqual([
      ...Array(4).fill('retry:replica1'),
      'switch_provider:replica1',
    ]);
    expect(primaryCalls).toEqual([1, 1, 1, 1, 1]);
    const report = await manager.getHealthReport();
    expect(report.circuits['test-team/database/primary']).toMatchObject({ state: 'open', resource: 'database', provider: 'primary', failures: 5 });
    expect(report.circuits['test-team/database/replica1']).toMatchObject({ state: 'closed', calls: 5, failures: 0 });
    expect(report.circuits['test-team/database']).toMatchObject({ state: 'closed', providers: { primary: 'open', replica1: 'closed', replica2: 'closed' } });
  });

  it('CIRCUIT_BREAK opens the breakers of the providers that failed; the gate and SWITCH_PROVIDER skip them until a probe succeeds', async () => {
    const { manager, clock, db, query } = setup(
      {
        providers: { database: ['a', 'b'] },
        providerCooldownMs: 1_000,
        circuitBreaker: { failureThreshold: 100, recoveryTimeoutMs: 10_000 },
        fallbackStrategies: { database: [new FallbackAction(CIRCUIT_BREAK), new FallbackAction(SWITCH_PROVIDER)] },
      },
      'a',
    );
    const transitions: string[] = [];
    manager.onCircuitStateChange((c) => transitions.push(`${c.name} [${c.resource}/${c.provider}]: ${c.from}→${c.to} (${c.reason})`));
    db.fail('a', httpError(503));
    await expect(query('1')).resolves.toBe('b/0:1');
    expect(db.trail()).toEqual(['a/plain', 'b/switch_provider']);

    await clock.tickAsync(2_000); // a's cooldown is over: only its breaker keeps it out now
    expect(manager.isProviderAvailable(DATABASE, 'a')).toBe(false);
    const report = await manager.getHealthReport();
    expect(report.providers.database).toMatchObject({
      a: { available: false, cooldown_remaining_ms: 0, circuit: 'open', state: 'circuit_open', why: 'Error: HTTP 503' },
      b: { available: true, cooldown_remaining_ms: 0, circuit: 'closed', state: 'available' },
    });
    expect(report.circuits['test-team/database/a']).toMatchObject({ state: 'open', failures: 1 });
    expect(report.circuits['test-team/database']).toMatchObject({ state: 'closed', providers: { a: 'open', b: 'closed' } });
    expect(report.overall_health).toBe('degraded');
    // the same breakers through the public handle (metrics, cross-process sharing)
    expect(manager.getCircuitBreakers().map(({ resource, provider, breaker }) => `${resource}/${provider}:${breaker.name}:${breaker.state}`)).toEqual([
      'database/a:test-team/database/a:open',
      'database/b:test-team/database/b:closed',
    ]);

    db.calls.length = 0;
    await expect(query('2')).resolves.toBe('b/0:2');
    expect(db.trail()).toEqual(['b/switch_provider']); // proactive: a is not even tried

    db.heal('a');
    await clock.tickAsync(10_000);
    db.calls.length = 0;
    await expect(query('3')).resolves.toBe('a/0:3'); // a's half-open probe, as a plain call
    expect(db.trail()).toEqual(['a/plain']);
    expect(transitions).toEqual([
      'test-team/database/a [database/a]: closed→open (circuit_break_step)',
      'test-team/database/a [database/a]: open→half_open (recovery_timeout)',
      'test-team/database/a [database/a]: half_open→closed (probe_succeeded)',
    ]);
  });

  it('only when every provider’s breaker is open do calls fail fast or go straight to the cache; a half-open replica is reached again', async () => {
    const { manager, clock, db, steps, query } = setup(
      {
        providers: { database: ['a', 'b'] },
        providerCooldownMs: 1_000,
        deadlineMs: 500,
        circuitBreaker: { failureThreshold: 100, recoveryTimeoutMs: 10_000 },
        fallbackStrategies: { database: [new FallbackAction(SWITCH_PROVIDER), new FallbackAction(USE_CACHE), new FallbackAction(CIRCUIT_BREAK)] },
      },
      'a',
    );
    await expect(query('cached')).resolves.toBe('a/0:cached');
    db.fail('a', httpError(503));
    db.fail('b', httpError(503));
    const err = (await rejection(query('x'))) as FallbackExhaustedError;
    expect(err.steps.map((s) => [s.strategy, s.provider])).toEqual([
      ['primary', 'a'],
      ['switch_provider', 'b'],
      ['use_cache', undefined],
      ['circuit_break', undefined],
    ]);
    expect(err.steps[3]!.error).toMatchObject({ name: 'BrokenCircuitError', breaker: 'test-team/database', message: "Every database provider's circuit is open (a, b)" });
    const report = await manager.getHealthReport();
    expect(report.circuits['test-team/database']).toMatchObject({ state: 'open', resource: 'database', providers: { a: 'open', b: 'open' } });
    expect(report.circuits['test-team/database']!.half_open_at).toBe(new Date(clock.wallNow() + 10_000).toISOString());

    db.calls.length = 0;
    steps.length = 0;
    const fast = (await rejection(query('y'))) as FallbackExhaustedError;
    expect(fast.proactive).toBe(true);
    expect(steps.map((e) => `${e.strategy}:${e.outcome}`)).toEqual(['switch_provider:skipped', 'use_cache:failed', 'circuit_break:skipped']);
    await expect(query('cached')).resolves.toBe('a/0:cached');
    expect(db.calls).toEqual([]);

    db.heal('b');
    await clock.tickAsync(10_000);
    db.calls.length = 0;
    await expect(query('z')).resolves.toBe('b/0:z'); // a's probe fails, b's succeeds
    expect(db.trail()).toEqual(['a/plain', 'b/switch_provider']);
    const after = await manager.getHealthReport();
    expect(after.circuits['test-team/database']).toMatchObject({ state: 'closed', providers: { a: 'open', b: 'closed' } });
  });

  it('a provider-scoped permanent failure is a failure of that provider: CIRCUIT_BREAK opens its breaker too', async () => {
    const { manager, db, query } = setup(
      {
        providers: { database: ['a', 'b'] },
        queue: { maxWaitMs: 500 },
        fallbackStrategies: { database: [new FallbackAction(SWITCH_PROVIDER), new FallbackAction(CIRCUIT_BREAK)] },
      },
      'a',
    );
    db.fail('a', httpError(503));
    db.fail('b', httpError(401, 'bad password'));
    await rejection(query('x'));
    const report = await manager.getHealthReport();
    expect(report.circuits['test-team/database']).toMatchObject({ state: 'open', providers: { a: 'open', b: 'open' } });
    db.calls.length = 0;
    expect(await rejection(query('y'))).toMatchObject({ name: 'FallbackExhaustedError', proactive: true });
    expect(db.calls).toEqual([]);
  });
});
