import { afterEach, describe, expect, it } from 'vitest';
import { drive, httpError, SimulatedProviders, testManager } from '../manager/__fixtures__/manager-fixtures.js';
import type { ResilienceConfig } from '../manager/resilience-config.js';
import type { ResilienceManager } from '../manager/resilience-manager.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import type { FallbackStepEvent } from './chain-types.js';
import { FallbackAction } from './fallback-action.js';
import { FallbackExhaustedError } from './fallback-exhausted-error.js';
import { NoProviderAvailableError } from './steps/no-provider-available-error.js';

const { SWITCH_PROVIDER, USE_CACHE, QUEUE_REQUEST } = FallbackStrategy;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(type: ResourceType, config: ResilienceConfig, primary: string) {
  const t = testManager(config);
  managers.push(t.manager);
  const sim = new SimulatedProviders(primary);
  const steps: FallbackStepEvent[] = [];
  t.manager.onFallbackStep((e) => steps.push(e));
  const call = (input: string) => t.manager.execute(type, sim.call, { key: 'call', args: [input] });
  /** Run a call to the end; resolves with its answer and the fake time it took. */
  const timed = async (input: string) => {
    const started = t.clock.now();
    const value = await drive(t.clock, call(input));
    return { value, tookMs: t.clock.now() - started };
  };
  return { ...t, sim, steps, call, timed };
}

const slowDown = () => httpError(429, 'slow down', 30_000);

describe('SWITCH_PROVIDER waits for a provider only when no later step can answer sooner', () => {
  it('database default chain, every server down: a cached read is answered by USE_CACHE at once, not after the 30 s cooldown (regression)', async () => {
    // maxProviderWaitMs above the cooldown: the uncached read below waits for the first server back
    const { clock, sim, steps, timed } = setup(ResourceType.DATABASE, { providerCooldownMs: 30_000, maxProviderWaitMs: 60_000 }, 'primary');
    expect((await timed('SELECT 1')).value).toBe('primary/0:SELECT 1');
    await clock.tickAsync(1_000);
    for (const s of ['primary', 'replica1', 'replica2']) sim.fail(s, httpError(503, `${s} down`));
    const cached = await timed('SELECT 1');
    expect(cached.value).toBe('primary/0:SELECT 1');
    expect(cached.tookMs).toBeLessThan(1_000); // no backoff at all: each retry goes to another server at once
    expect(steps.filter((e) => e.outcome !== 'skipped').map((e) => `${e.strategy}:${e.outcome}`)).toEqual([
      'primary:failed',
      'retry:failed', // replica1, at once
      'retry:failed', // replica2, at once
      'retry:failed', // primary again, after a backoff: no other server may take the read
      'switch_provider:failed', // nothing left untried: the step gives up with the primary's failure, no second event
      'use_cache:answered',
    ]);
    // a read with nothing cached has nothing sooner: SWITCH_PROVIDER waits for the first server back
    for (const s of ['primary', 'replica1', 'replica2']) sim.fail(s, [httpError(503, `${s} down`)]);
    sim.heal('primary');
    sim.fail('replica1', [httpError(503)]);
    const uncached = await timed('SELECT 2');
    expect(uncached.value).toBe('primary/0:SELECT 2');
    // (a 503 may be cured by a retry: its cooldown is transientCooldownMs, 1 s, not the 30 s providerCooldownMs)
    expect(uncached.tookMs).toBeGreaterThanOrEqual(900);
    expect(uncached.tookMs).toBeLessThan(29_000);
  });

  it('proactively (every provider cooling down), moves on to a fresh cached entry at once, but waits when the entry is stale', async () => {
    const { manager, clock, sim, steps, timed } = setup(
      ResourceType.API_QUOTA,
      {
        providers: { api_quota: ['a', 'b'] },
        cache: { ttlMs: 5_000 },
        fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER), new FallbackAction(USE_CACHE)] },
      },
      'a',
    );
    await timed('x');
    manager.reportProviderFailure(ResourceType.API_QUOTA, 'a', { cooldownMs: 20_000 });
    manager.reportProviderFailure(ResourceType.API_QUOTA, 'b', { cooldownMs: 10_000 });
    steps.length = 0;
    expect(await timed('x')).toEqual({ value: 'a/0:x', tookMs: 0 });
    const skipped = steps.find((e) => e.strategy === 'switch_provider')!.error as NoProviderAvailableError;
    expect(skipped).toBeInstanceOf(NoProviderAvailableError);
    expect(skipped.notWaitingFor).toBe('use_cache');
    expect(skipped.message).toBe("No api_quota provider available among a, b (next one back in 10000 ms; not waiting: the chain's later use_cache step can answer sooner)");

    await clock.tickAsync(5_000); // the entry is stale now: a proactive USE_CACHE would not serve it
    sim.calls.length = 0;
    const waited = await timed('x');
    expect(waited.value).toBe('b/0:x');
    expect(waited.tookMs).toBeGreaterThanOrEqual(5_000 - 50);
    expect(sim.trail()).toEqual(['b/switch_provider']);
  });

  it('moves on at once to a later QUEUE_REQUEST step, which replays the call once a provider is back (monitors or not)', async () => {
    const { manager, sim, steps, timed } = setup(
      ResourceType.API_QUOTA,
      {
        checkIntervalMs: 3_600_000, // no round of checks during the test: only the queue's own polling can replay
        providers: { api_quota: ['a', 'b'] },
        queue: { retryIntervalMs: 1_000 },
        fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER), new FallbackAction(QUEUE_REQUEST)] },
      },
      'a',
    );
    manager.registerApiQuotaMonitor('a', () => ({ remaining: 90, limit: 100 })); // healthy all along: no event announces the recovery
    await manager.start();
    sim.fail('a', [slowDown()]);
    sim.fail('b', [slowDown()]);
    const { value, tookMs } = await timed('x');
    expect(value).toBe('a/0:x');
    expect(tookMs).toBeGreaterThanOrEqual(30_000); // a's cooldown
    expect(tookMs).toBeLessThanOrEqual(31_100); // + at most one polling interval
    expect(sim.trail()).toEqual(['a/plain', 'b/switch_provider', 'a/queue_request']); // no replay while both cool down
    expect(steps.filter((e) => e.outcome !== 'skipped').map((e) => `${e.strategy}:${e.outcome}`)).toEqual([
      'primary:failed',
      'switch_provider:failed', // b (the step gives up with that failure, and QUEUE_REQUEST follows)
      'queue_request:answered',
    ]);
  });

  it('by default waits no longer than maxProviderWaitMs: with every provider cooling down for 30 s, the call fails at once naming each provider and why', async () => {
    const { manager, clock, sim, call } = setup(
      ResourceType.API_QUOTA,
      {
        providers: { api_quota: ['a', 'b', 'c'] },
        fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER), new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)] },
        circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
      },
      'a',
    );
    sim.fail('a', [slowDown()]);
    sim.fail('b', [httpError(503, 'b down')]);
    manager.reportProviderFailure(ResourceType.API_QUOTA, 'c', { cooldownMs: 20_000 });
    const started = clock.now();
    const err = (await drive(clock, call('x')).catch((e: unknown) => e)) as FallbackExhaustedError;
    expect(clock.now() - started).toBe(0); // no sleeping through cooldowns
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.providers.map((p) => [p.provider, p.state])).toEqual([
      ['a', 'tried'],
      ['b', 'tried'],
      ['c', 'cooling_down'],
    ]);
    expect(err.providers[2]!.until).toBe(clock.wallNow() + 20_000);
    expect(err.message).toContain('a: failed (slow down)');
    expect(err.message).toContain('b: failed (b down)');
    expect(err.message).toContain(`c: cooling down until ${new Date(clock.wallNow() + 20_000).toISOString()}`);
    // the next call is skipped by the gate and fails at once too, saying the breakers are open
    const again = (await drive(clock, call('y')).catch((e: unknown) => e)) as FallbackExhaustedError;
    expect(clock.now() - started).toBe(0);
    expect(again.providers.map((p) => p.state)).toEqual(['circuit_open', 'circuit_open', 'cooling_down']);
    expect(again.message).toMatch(/a: circuit open until \d{4}-/);
  });

  it('without a later cache entry or queue, waits for the first provider back within the deadline', async () => {
    const { sim, timed } = setup(
      ResourceType.API_QUOTA,
      {
        providers: { api_quota: ['a', 'b'] },
        fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER), new FallbackAction(USE_CACHE)] },
      },
      'a',
    );
    sim.fail('a', [slowDown()]);
    sim.fail('b', [httpError(429, 'slow down', 3_000)]);
    const { value, tookMs } = await timed('never cached');
    expect(value).toBe('b/0:never cached');
    expect(tookMs).toBeGreaterThanOrEqual(3_000);
    expect(tookMs).toBeLessThan(30_000);
  });
});

describe('switch first: RETRY leaves a provider known to be down to SWITCH_PROVIDER at once', () => {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const chain = (retry: FallbackAction) => ({
    providers: { database: ['primary', 'replica'] },
    fallbackStrategies: { database: [retry, new FallbackAction(SWITCH_PROVIDER)] },
  });
  const retry = new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 2_000 });

  it('a refused connection is not retried with backoff when another provider may take the call', async () => {
    const { sim, steps, timed } = setup(ResourceType.DATABASE, chain(retry), 'primary');
    sim.fail('primary', refused());
    expect(await timed('SELECT 1')).toEqual({ value: 'replica/0:SELECT 1', tookMs: 0 });
    expect(sim.trail()).toEqual(['primary/plain', 'replica/switch_provider']);
    expect(steps.map((e) => `${e.strategy}:${e.outcome}`)).toEqual(['primary:failed', 'retry:skipped', 'switch_provider:answered']);
  });

  it('so is a 429 whose retry-after is longer than the step would wait', async () => {
    const { sim, timed } = setup(ResourceType.DATABASE, chain(retry), 'primary');
    sim.fail('primary', [httpError(429, 'busy', 30_000)]);
    expect(await timed('SELECT 1')).toEqual({ value: 'replica/0:SELECT 1', tookMs: 0 });
  });

  it('a failure a retry may cure (a 503 without retry-after) is retried on another provider at once; a refused connection with no other provider is retried with backoff', async () => {
    const first = setup(ResourceType.DATABASE, chain(retry), 'primary');
    first.sim.fail('primary', [httpError(503, 'blip')]);
    expect(await first.timed('SELECT 1')).toEqual({ value: 'replica/0:SELECT 1', tookMs: 0 });
    expect(first.sim.trail()).toEqual(['primary/plain', 'replica/retry']);
    const single = setup(ResourceType.DATABASE, { ...chain(retry), providers: { database: ['primary'] } }, 'primary');
    single.sim.fail('primary', [refused()]);
    const { value, tookMs } = await single.timed('SELECT 1');
    expect(value).toBe('primary/0:SELECT 1');
    expect(tookMs).toBeGreaterThanOrEqual(1_000);
  });
});
