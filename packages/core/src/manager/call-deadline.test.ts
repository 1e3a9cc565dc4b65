import { afterEach, describe, expect, it } from 'vitest';
import { FallbackAction } from '../fallback/fallback-action.js';
import { withFallback } from '../fallback/with-fallback.js';
import { ConfigError } from '../errors/config-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { CallDeadlineError } from '../fallback/call-deadline-error.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { DeadlineScheduler } from '../timeout/deadline-scheduler.js';
import { drive, rejection, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceConfig } from './resilience-config.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(config: ResilienceConfig = {}) {
  const t = testManager(config);
  managers.push(t.manager);
  return t;
}

const never = () => new Promise<never>(() => undefined);

describe('every call through the manager ends', () => {
  it('a function that never settles gets a TimeoutError at the default deadline (300,000 ms), not before', async () => {
    const { manager, clock } = setup();
    let outcome: unknown = 'pending';
    void manager.execute(ResourceType.NETWORK, never).then(
      (v) => (outcome = v),
      (e: unknown) => (outcome = e),
    );
    await clock.tickAsync(299_990);
    expect(outcome).toBe('pending');
    await clock.tickAsync(20);
    expect(outcome).toBeInstanceOf(CallDeadlineError);
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect((outcome as TimeoutError).message).toBe('network call deadline of 300000 ms passed');
    expect((outcome as CallDeadlineError).cause).toBeInstanceOf(TimeoutError);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
  });

  it('the manager and each call set their own deadline; the deadline covers retries and their backoff', async () => {
    const { manager, clock } = setup({
      deadlineMs: 2_000,
      fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 10, baseDelayMs: 1_000, backoff: 'fixed' })] },
    });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    };
    const started = clock.now();
    const err = await drive(clock, rejection(manager.execute(ResourceType.NETWORK, failing)), 10);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(clock.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(clock.now() - started).toBeLessThanOrEqual(2_011);
    expect(calls).toBe(2); // the first attempt and one retry after 1 s; the next backoff was cut by the deadline
    const t0 = clock.now();
    const own = await drive(clock, rejection(manager.execute(ResourceType.NETWORK, never, { deadlineMs: 150 })), 10);
    expect(own).toBeInstanceOf(TimeoutError);
    expect(clock.now() - t0).toBeLessThanOrEqual(161);
  });

  it('a per-call deadlineMs that is not a positive number is a ConfigError naming it', async () => {
    const { manager } = setup();
    const err = await rejection(manager.execute(ResourceType.NETWORK, async () => 1, { deadlineMs: -5 }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('execute.options.deadlineMs');
  });

  it('a call queued until its deadline names each provider and why it was out', async () => {
    const { manager, clock } = setup({
      deadlineMs: 10_000,
      providers: { api_quota: ['openai', 'anthropic'] },
      providerCooldownMs: 60_000,
      fallbackStrategies: { api_quota: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER), new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
    });
    const quota = () => Promise.reject(Object.assign(new Error('429 quota'), { status: 429 }));
    const err = (await drive(clock, rejection(manager.execute(ResourceType.API_QUOTA, quota)), 100)) as CallDeadlineError;
    expect(err).toBeInstanceOf(CallDeadlineError);
    expect(err.providers.map((p) => [p.provider, p.state])).toEqual([
      ['openai', 'tried'],
      ['anthropic', 'tried'],
    ]);
    expect(err.message).toMatch(/^api_quota call deadline of 10000 ms passed; openai: failed \(429 quota\); anthropic: failed \(429 quota\)$/);
    expect(err.providers[0]!.until).toBeGreaterThan(clock.wallNow());
  });

  it('withFallback takes its own deadlineMs, validated when it decorates', async () => {
    const { manager, clock } = setup();
    const guarded = withFallback(ResourceType.NETWORK, { manager, deadlineMs: 100 })(never) as () => Promise<never>;
    const t0 = clock.now();
    expect(await drive(clock, rejection(guarded()), 10)).toBeInstanceOf(TimeoutError);
    expect(clock.now() - t0).toBeLessThanOrEqual(111);
    expect(() => withFallback(ResourceType.NETWORK, { manager, deadlineMs: 0 })).toThrow(/withFallback\.options\.deadlineMs/);
  });

  it("the caller's abort still wins before the deadline", async () => {
    const { manager } = setup();
    const caller = new AbortController();
    const p = rejection(manager.execute(ResourceType.NETWORK, never, { signal: caller.signal }));
    caller.abort(new Error('user cancelled'));
    expect(((await p) as Error).message).toBe('user cancelled');
  });
});
