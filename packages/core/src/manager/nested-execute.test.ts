import { afterEach, describe, expect, it } from 'vitest';
import type { FallbackStepEvent } from '../fallback/chain-types.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { currentFallback, type FallbackContext } from '../fallback/fallback-context.js';
import { FallbackExhaustedError } from '../fallback/fallback-exhausted-error.js';
import { withFallback } from '../fallback/with-fallback.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { drive, httpError, rejection, SimulatedProviders, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceConfig } from './resilience-config.js';
import type { ResilienceManager } from './resilience-manager.js';

const { RETRY, SWITCH_PROVIDER, USE_CACHE, QUEUE_REQUEST } = FallbackStrategy;
const { API_QUOTA, DATABASE } = ResourceType;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

const CHAIN: ResilienceConfig = {
  providers: { api_quota: ['a', 'b'] },
  providerCooldownMs: 10_000,
  fallbackStrategies: {
    api_quota: [new FallbackAction(RETRY, { maxAttempts: 1 }), new FallbackAction(SWITCH_PROVIDER), new FallbackAction(USE_CACHE)],
  },
};

function setup(config: ResilienceConfig = CHAIN, clock = new FakeClock(), team?: string) {
  const t = testManager({ ...config, clock }, team);
  managers.push(t.manager);
  const steps: FallbackStepEvent[] = [];
  t.manager.onFallbackStep((e) => steps.push(e));
  const trail = () => steps.filter((s) => s.outcome !== 'skipped').map((s) => `${s.resource}:${s.strategy}:${s.outcome}`);
  return { ...t, steps, trail };
}

/**
 * An integration like ResilientLLM: it guards each call with the manager's chain for `type`, and
 * (as Rampart's integrations do when created) says its calls may nest in the manager's invocations.
 */
function integration(manager: ResilienceManager, providers: SimulatedProviders, type = API_QUOTA) {
  manager.expectNestedCalls(type);
  return (input: string) => manager.execute(type, providers.call, { key: 'integration', args: [input] });
}

describe('nested execute on the same manager and resource type', () => {
  it('runs the inner function directly: one chain decides, with no doubled retries or switches', async () => {
    const { manager, clock, trail } = setup();
    const llm = new SimulatedProviders('a');
    const invoke = integration(manager, llm);
    const outerContexts: Array<FallbackContext | undefined> = [];
    const generate = (prompt: string) => {
      outerContexts.push(currentFallback());
      return invoke(prompt);
    };
    llm.fail('a', httpError(503));
    const result = await drive(clock, manager.execute(API_QUOTA, generate, { key: 'generate', args: ['hi'] }));
    expect(result).toBe('b/0:hi');
    // a single chain: the plain attempt on a, then its one retry, sent to b at once
    expect(llm.trail()).toEqual(['a/plain', 'b/retry']);
    expect(trail()).toEqual(['api_quota:primary:failed', 'api_quota:retry:answered']);
    // the inner call sees the outer chain's decision; on the plain attempt there is none
    expect(outerContexts.map((c) => c?.provider)).toEqual([undefined, 'b']);
    expect(llm.calls[0]!.context).toBeUndefined();
    expect(llm.calls.map((c) => c.context)).toEqual(outerContexts);
  });

  it("when every target fails, the caller gets the outer chain's FallbackExhaustedError, not a nested one", async () => {
    const { manager, clock } = setup({ ...CHAIN, queue: { maxWaitMs: 1_000 } });
    const llm = new SimulatedProviders('a');
    const invoke = integration(manager, llm);
    llm.fail('a', httpError(503));
    llm.fail('b', httpError(503));
    const err = await drive(clock, rejection(manager.execute(API_QUOTA, (p: string) => invoke(p), { key: 'generate', args: ['x'] })));
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    const exhausted = err as FallbackExhaustedError;
    expect(exhausted.steps.map((s) => s.strategy)).toEqual(['primary', 'retry', 'switch_provider', 'use_cache']);
    expect(exhausted.steps.some((s) => s.error instanceof FallbackExhaustedError)).toBe(false);
    // (SWITCH_PROVIDER waits out a's 1 s cooldown after its 503 once: nothing later can answer sooner)
    expect(llm.trail()).toEqual(['a/plain', 'b/retry', 'a/switch_provider', 'a/switch_provider']);
  });

  it('nests through @withFallback methods too (a guarded method calling another of the same type)', async () => {
    const { manager, clock, trail } = setup({ ...CHAIN, queue: { maxWaitMs: 1_000 } });
    manager.expectNestedCalls(API_QUOTA);
    const llm = new SimulatedProviders('a');
    class Team {
      readonly resilience = manager;
      @withFallback(API_QUOTA)
      async outer(prompt: string): Promise<string> {
        return this.inner(prompt);
      }
      @withFallback(API_QUOTA)
      async inner(prompt: string): Promise<string> {
        return llm.call(prompt);
      }
    }
    llm.fail('a', httpError(429, 'slow down'));
    llm.fail('b', httpError(503));
    const err = await drive(clock, rejection(new Team().outer('p')));
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    // one chain: a (its 429 skips the retry), b, b again after its 1 s cooldown (a 503; a's 10 s one
    // is past the wait bound) — and the outer method's chain is the one that gave up
    expect(llm.trail()).toEqual(['a/plain', 'b/switch_provider', 'b/switch_provider']);
    // (SWITCH_PROVIDER reports each failure once: the step gives up with the last one)
    expect(trail()).toEqual([
      'api_quota:primary:failed',
      'api_quota:switch_provider:failed',
      'api_quota:switch_provider:failed',
      'api_quota:use_cache:failed',
    ]);
  });

  it('does not cache or coalesce the inner call: the outer call is the cached one', async () => {
    const { manager, clock } = setup();
    const llm = new SimulatedProviders('a');
    const invoke = integration(manager, llm);
    await drive(clock, manager.execute(API_QUOTA, (p: string) => invoke(p), { key: 'generate', args: ['c'] }));
    llm.fail('a', httpError(503));
    llm.fail('b', httpError(503));
    // the outer call answers from its cache; the inner key ('integration') was never cached
    await expect(drive(clock, manager.execute(API_QUOTA, (p: string) => invoke(p), { key: 'generate', args: ['c'] }))).resolves.toBe('a/0:c');
    await expect(drive(clock, rejection(invoke('c')))).resolves.toBeInstanceOf(FallbackExhaustedError);
  });

  it('a queued call is the outer one, and its replay is still one chain: the inner call runs inside it', async () => {
    const { manager, clock, trail } = setup({
      providers: { api_quota: ['a'] },
      providerCooldownMs: 10_000, // past maxProviderWaitMs: SWITCH_PROVIDER does not wait, the call is parked
      queue: { maxWaitMs: 60_000, retryIntervalMs: 500 },
      fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER), new FallbackAction(QUEUE_REQUEST)] },
    });
    const llm = new SimulatedProviders('a');
    const invoke = integration(manager, llm);
    class Team {
      readonly resilience = manager;
      @withFallback(API_QUOTA)
      async generate(prompt: string): Promise<string> {
        return invoke(prompt);
      }
    }
    const queued: Array<{ className?: string | undefined; method?: string | undefined }> = [];
    manager.onRequestQueued((r) => queued.push({ className: r.className, method: r.method }));
    llm.fail('a', [httpError(429, 'slow down')]);
    await expect(drive(clock, new Team().generate('q'))).resolves.toBe('a/0:q');
    expect(queued).toEqual([{ className: 'Team', method: 'generate' }]);
    expect(llm.trail()).toEqual(['a/plain', 'a/queue_request']);
    expect(trail()).toEqual(['api_quota:primary:failed', 'api_quota:switch_provider:failed', 'api_quota:queue_request:answered']);
  });

  it('until something says calls of a type may nest, a plain first attempt carries no frame: a call made inside it runs its own chain', async () => {
    const { manager, clock, trail } = setup();
    const llm = new SimulatedProviders('a');
    const inner = (input: string) => manager.execute(API_QUOTA, llm.call, { key: 'inner', args: [input] }); // args form: says nothing
    let outerInvocations = 0;
    const outer = (p: string) => {
      outerInvocations++;
      return inner(p);
    };
    llm.fail('a', [httpError(503)]);
    await expect(drive(clock, manager.execute(API_QUOTA, outer, { key: 'outer', args: ['x'] }))).resolves.toBe('b/0:x');
    // the inner call ran its own chain (its retry went to b): the outer one saw a plain success
    expect(outerInvocations).toBe(1);
    // a call in the attempt form says it for its type: later outer invocations carry the frame, and
    // the outer chain alone decides (its retry re-invokes the outer function)
    await drive(clock, manager.execute(API_QUOTA, () => 'attempt form'));
    outerInvocations = 0;
    llm.fail('a', [httpError(503)]);
    await expect(drive(clock, manager.execute(API_QUOTA, outer, { key: 'outer', args: ['y'] }))).resolves.toBe('b/0:y');
    expect(outerInvocations).toBe(2);
  });

  it('work the invocation left behind after it settled is no longer nested: it runs its own chain', async () => {
    const { manager, clock, trail } = setup();
    const llm = new SimulatedProviders('a');
    const invoke = integration(manager, llm);
    let later: (() => Promise<string>) | undefined;
    await drive(
      clock,
      manager.execute(API_QUOTA, async () => {
        later = () => invoke('detached'); // a closure created inside, called after the invocation ended
        return 'done';
      }),
    );
    llm.fail('a', [httpError(503)]);
    let detached: Promise<string> | undefined;
    await new Promise<void>((resolve) => setTimeout(() => resolve(void (detached = later!())), 0));
    await expect(drive(clock, detached!)).resolves.toBe('b/0:detached');
    expect(trail()).toEqual(['api_quota:primary:failed', 'api_quota:retry:answered']);
  });
});

describe('nested execute that still runs its own chain', () => {
  it('for another resource type: the inner chain handles its own resource; currentFallback is its own', async () => {
    const { manager, clock, trail } = setup({
      ...CHAIN,
      providers: { api_quota: ['a', 'b'], database: ['primary', 'replica'] },
      fallbackStrategies: { ...CHAIN.fallbackStrategies, database: [new FallbackAction(SWITCH_PROVIDER)] },
    });
    const db = new SimulatedProviders('primary');
    db.fail('primary', httpError(503));
    const seen: Array<string | undefined> = [];
    const generate = async (p: string) => {
      seen.push(currentFallback()?.resource);
      return manager.execute(DATABASE, db.call, { key: 'query', args: [p] });
    };
    await expect(drive(clock, manager.execute(API_QUOTA, generate, { key: 'generate', args: ['r'] }))).resolves.toBe('replica/0:r');
    expect(db.trail()).toEqual(['primary/plain', 'replica/switch_provider']);
    expect(db.calls[1]!.context).toMatchObject({ resource: DATABASE, provider: 'replica' });
    expect(trail()).toEqual(['database:primary:failed', 'database:switch_provider:answered']);
    expect(seen).toEqual([undefined]);
  });

  it('on another manager: each manager runs its own chain', async () => {
    const clock = new FakeClock();
    const team = setup(CHAIN, clock, 'team');
    const own = setup({ ...CHAIN, fallbackStrategies: { api_quota: [new FallbackAction(SWITCH_PROVIDER)] } }, clock, 'llm-own');
    const llm = new SimulatedProviders('a');
    const invoke = integration(own.manager, llm);
    llm.fail('a', [httpError(503)]);
    await expect(drive(clock, team.manager.execute(API_QUOTA, (p: string) => invoke(p), { key: 'generate', args: ['m'] }))).resolves.toBe('b/0:m');
    expect(own.trail()).toEqual(['api_quota:primary:failed', 'api_quota:switch_provider:answered']);
    expect(team.trail()).toEqual([]);
  });
});
