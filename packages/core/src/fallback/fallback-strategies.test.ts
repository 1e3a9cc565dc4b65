import { afterEach, describe, expect, it } from 'vitest';
import { ResourceStatus, ResourceType, FallbackStrategy } from '../resource/resource-types.js';
import { FallbackAction } from './fallback-action.js';
import { FallbackExhaustedError } from './fallback-exhausted-error.js';
import { currentFallback } from './fallback-context.js';
import { drive, httpError, rejection, SettableMonitor, SimulatedProviders, testManager } from '../manager/__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from '../manager/resilience-manager.js';
import type { ResilienceConfig } from '../manager/resilience-config.js';

const { RETRY, SWITCH_PROVIDER, DEGRADE_SERVICE } = FallbackStrategy;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(config: ResilienceConfig = {}, primary = 'openai') {
  const t = testManager(config);
  managers.push(t.manager);
  const llm = new SimulatedProviders(primary);
  const ask = (input: string) => t.manager.execute(ResourceType.API_QUOTA, llm.call, { key: 'ask', args: [input] });
  return { ...t, llm, ask };
}

describe('API quota default chain (retry → switch provider → degrade → queue)', () => {
  it('a plain call sees no fallback context', async () => {
    const { manager, llm } = setup();
    let seen: unknown = 'unset';
    await expect(manager.execute(ResourceType.API_QUOTA, async () => ((seen = currentFallback()), 'ok'))).resolves.toBe('ok');
    expect(seen).toBeUndefined();
    expect(llm.calls).toEqual([]);
  });

  it('RETRY sends a failure a retry may cure (a 503) to another provider at once, without backoff', async () => {
    const { manager, clock, llm, ask } = setup();
    llm.fail('openai', [httpError(503)]);
    await expect(ask('x')).resolves.toBe('anthropic/0:x');
    expect(clock.now()).toBe(0);
    expect(llm.trail()).toEqual(['openai/plain', 'anthropic/retry']);
    expect(llm.calls[1]!.context).toEqual({ resource: 'api_quota', strategy: 'retry', provider: 'anthropic', degradation: 0, attempt: 2 });
    // a cure-able failure does not cool the provider down: the next call starts on it again
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(true);
  });

  it('RETRY re-invokes the same provider after the backoff delay when no other may take the call', async () => {
    const { clock, llm, ask } = setup({ providers: { api_quota: ['openai'] } });
    llm.fail('openai', [httpError(503)]);
    const p = ask('x');
    await clock.tickAsync(99);
    expect(llm.trail()).toEqual(['openai/plain']);
    await clock.tickAsync(1);
    await expect(p).resolves.toBe('openai/0:x');
    expect(llm.trail()).toEqual(['openai/plain', 'openai/retry']);
    expect(llm.calls[1]!.context).toEqual({ resource: 'api_quota', strategy: 'retry', provider: undefined, degradation: 0, attempt: 2 });
  });

  it('a 429 switches at once (no retry of the provider that refused), and the provider cools down for every later call', async () => {
    const { manager, clock, llm, ask } = setup({ providerCooldownMs: 30_000 });
    llm.fail('openai', httpError(429));
    await expect(drive(clock, ask('a'))).resolves.toBe('anthropic/0:a');
    expect(llm.trail()).toEqual(['openai/plain', 'anthropic/switch_provider']);
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(false);
    llm.calls.length = 0;
    await expect(drive(clock, ask('b'))).resolves.toBe('anthropic/0:b');
    expect(llm.trail()).toEqual(['anthropic/switch_provider']); // proactive: openai is cooling down
    await clock.tickAsync(30_000);
    expect(manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(true);
  });

  it('a provider-scoped permanent error (401) skips RETRY; a request error (400) is rethrown untouched', async () => {
    const { clock, llm, ask } = setup();
    llm.fail('openai', [httpError(401)]);
    await expect(drive(clock, ask('a'))).resolves.toBe('anthropic/0:a');
    expect(llm.trail()).toEqual(['openai/plain', 'anthropic/switch_provider']);
    const fresh = setup();
    const bad = httpError(400, 'prompt too long');
    fresh.llm.fail('openai', [bad]);
    expect(await drive(fresh.clock, rejection(fresh.ask('b')))).toBe(bad);
    expect(fresh.llm.trail()).toEqual(['openai/plain']);
  });

  it('proactive path: a critical quota monitor sends calls elsewhere before the primary is tried', async () => {
    const { manager, clock, llm, ask } = setup();
    manager.registerApiQuotaMonitor('openai', () => ({ remaining: 2, limit: 100 }));
    const anthropic = new SettableMonitor('anthropic', ResourceType.API_QUOTA);
    anthropic.set(ResourceStatus.UNAVAILABLE);
    manager.registerMonitor(anthropic);
    await manager.start();
    expect(manager.getMonitorStatus('api_quota:openai')).toMatchObject({ status: 'critical', usage: 98 });
    await expect(drive(clock, ask('x'))).resolves.toBe('local/0:x');
    expect(llm.trail()).toEqual(['local/switch_provider']);
    anthropic.set(ResourceStatus.HEALTHY);
    await manager.checkNow();
    llm.calls.length = 0;
    await expect(drive(clock, ask('y'))).resolves.toBe('anthropic/0:y');
    expect(llm.trail()).toEqual(['anthropic/switch_provider']);
  });

  it('when every provider is cooling down, waits for the first to come back within the deadline', async () => {
    const { clock, llm, ask } = setup(
      { providers: { api_quota: ['a', 'b'] }, fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER)] } },
      'a',
    );
    llm.fail('a', [httpError(429, 'slow down', 5_000)]);
    llm.fail('b', [httpError(429, 'slow down', 3_000)]);
    const started = clock.now();
    await expect(drive(clock, ask('x'))).resolves.toBe('b/0:x');
    expect(llm.trail()).toEqual(['a/plain', 'b/switch_provider', 'b/switch_provider']);
    expect(clock.now() - started).toBeGreaterThanOrEqual(3_000);
  });

  it('...but gives up (with the last provider error) when the first comes back after the deadline', async () => {
    const { clock, llm, ask } = setup(
      { providers: { api_quota: ['a', 'b'] }, deadlineMs: 1_000, fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER)] } },
      'a',
    );
    llm.fail('a', [httpError(429, 'slow down', 5_000)]);
    llm.fail('b', [httpError(429, 'slow down', 3_000)]);
    const err = (await drive(clock, rejection(ask('x')))) as FallbackExhaustedError;
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.steps.map((s) => [s.strategy, s.provider])).toEqual([
      ['primary', 'a'],
      ['switch_provider', 'b'],
    ]);
    expect(err.steps[1]!.error).toMatchObject({ status: 429 });
    expect(llm.trail()).toEqual(['a/plain', 'b/switch_provider']);
  });

  it('DEGRADE_SERVICE re-invokes with a higher degradation level, up to `levels`', async () => {
    const { manager, clock } = setup({ fallbackStrategies: { api_quota: [new FallbackAction(DEGRADE_SERVICE, { levels: 3 })] } });
    const levels: number[] = [];
    const fn = async () => {
      const d = currentFallback()?.degradation ?? 0;
      levels.push(d);
      if (d < 2) throw httpError(503);
      return `level ${d}`;
    };
    await expect(drive(clock, manager.execute(ResourceType.API_QUOTA, fn))).resolves.toBe('level 2');
    expect(levels).toEqual([0, 1, 2]);
  });

  it('exhaustion: FallbackExhaustedError lists every step tried with its error', async () => {
    const { clock, llm, ask } = setup({
      providers: { api_quota: ['openai', 'anthropic'] },
      queue: { maxWaitMs: 1_000 }, // no waiting for cooled-down providers
      fallbackStrategies: {
        api_quota: [new FallbackAction(RETRY, { maxAttempts: 1 }), new FallbackAction(SWITCH_PROVIDER), new FallbackAction(DEGRADE_SERVICE)],
      },
    });
    const first = httpError(503, 'openai down');
    llm.fail('openai', [first, httpError(503, 'openai still down'), httpError(503), httpError(503)]);
    llm.fail('anthropic', httpError(500, 'anthropic down'));
    const err = (await drive(clock, rejection(ask('x')))) as FallbackExhaustedError;
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.cause).toBe(first);
    expect(err.proactive).toBe(false);
    expect(err.resource).toBe('api_quota');
    expect(err.steps.map((s) => [s.strategy, s.provider])).toEqual([
      ['primary', 'openai'],
      ['retry', 'anthropic'], // the retry went to the other provider at once
      ['switch_provider', 'openai'], // back to the primary, which fails again and cools down
      ['degrade_service', 'anthropic'], // the only provider not cooling down
    ]);
    expect((err.steps[3]!.error as Error).message).toMatch(/down|HTTP/);
    expect(err.message).toBe(
      'All fallbacks for api_quota failed: primary(openai) → retry(anthropic) → switch_provider(openai) → degrade_service(anthropic); openai: failed (openai still down); anthropic: failed (anthropic down)',
    );
    expect(err.providers.map((p) => p.state)).toEqual(['tried', 'tried']);
  });

  it('the caller can cancel a call while the chain waits', async () => {
    const { clock, llm, manager } = setup({ providers: { api_quota: ['openai'] } });
    llm.fail('openai', httpError(503));
    const controller = new AbortController();
    const p = manager.execute(ResourceType.API_QUOTA, llm.call, { args: ['x'], signal: controller.signal });
    await clock.tickAsync(10);
    controller.abort(new Error('user gave up'));
    await expect(p).rejects.toThrow('user gave up');
    expect(llm.calls.length).toBe(1);
  });
});
