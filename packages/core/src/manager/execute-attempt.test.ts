import { afterEach, describe, expect, it } from 'vitest';
import type { FallbackAttempt } from '../fallback/fallback-attempt.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { withFallback } from '../fallback/with-fallback.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { drive, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const { RETRY, SWITCH_PROVIDER, DEGRADE_SERVICE } = FallbackStrategy;
const { API_QUOTA } = ResourceType;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup() {
  const t = testManager({
    providers: { api_quota: ['openai', 'anthropic'] },
    providerCooldownMs: 30_000,
    deadlineMs: 10_000,
    fallbackStrategies: {
      api_quota: [new FallbackAction(RETRY, { maxAttempts: 1 }), new FallbackAction(SWITCH_PROVIDER), new FallbackAction(DEGRADE_SERVICE, { levels: 1 })],
    },
  });
  managers.push(t.manager);
  return t;
}

/** A refused connection: the provider is known down, so the chain switches at once. */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

/** The attempt's fields a test compares (the signal and deadline are checked on their own). */
function fields(a: FallbackAttempt) {
  return { provider: a.provider, strategy: a.strategy, attempt: a.attempt, degradation: a.degradation, operation: a.operation };
}

describe('execute(type, fn): fn gets the attempt it runs', () => {
  it('names the primary on the plain attempt and the next provider on the switch, with the call deadline', async () => {
    const { manager, clock } = setup();
    const seen: FallbackAttempt[] = [];
    const answer = await drive(
      clock,
      manager.execute(
        API_QUOTA,
        async (attempt) => {
          seen.push(attempt);
          expect(attempt.remainingMs()).toBeLessThanOrEqual(10_000);
          expect(attempt.deadline).toBe(clock.wallNow() + attempt.remainingMs());
          expect(attempt.signal.aborted).toBe(false);
          if (attempt.provider === 'openai') throw refused();
          return `${attempt.provider}:${attempt.attempt}`;
        },
        { operation: 'chat' },
      ),
    );
    expect(answer).toBe('anthropic:2');
    expect(seen.map(fields)).toEqual([
      { provider: 'openai', strategy: undefined, attempt: 1, degradation: 0, operation: 'chat' },
      { provider: 'anthropic', strategy: SWITCH_PROVIDER, attempt: 2, degradation: 0, operation: 'chat' },
    ]);
    expect(seen[0]!.resource).toBe(API_QUOTA);
  });

  it("gives each call its own providers: two clients on one manager never see each other's list", async () => {
    const { manager, clock } = setup();
    const a = drive(clock, manager.execute(API_QUOTA, (attempt) => attempt.provider, { providers: ['a/1', 'a/2'] }));
    const b = drive(clock, manager.execute(API_QUOTA, (attempt) => attempt.provider, { providers: ['b/1', 'b/2'] }));
    await expect(Promise.all([a, b])).resolves.toEqual(['a/1', 'b/1']);
    expect(manager.getProviders(API_QUOTA)).toEqual(['openai', 'anthropic']);
  });

  it('aborts the attempt signal at the call deadline, even when fn ignores it', async () => {
    const { manager, clock } = setup();
    let signal: AbortSignal | undefined;
    const call = manager.execute(
      API_QUOTA,
      (attempt) => {
        signal = attempt.signal;
        return new Promise<never>(() => undefined);
      },
      { deadlineMs: 500 },
    );
    const settled = expect(call).rejects.toMatchObject({ name: 'CallDeadlineError' });
    await clock.tickAsync(500);
    await settled;
    expect(signal?.aborted).toBe(true);
  });

  it('caches by key and input when fn takes the attempt: different inputs are different entries', async () => {
    const t = testManager({ providers: { api_quota: ['openai'] }, fallbackStrategies: { api_quota: [new FallbackAction(FallbackStrategy.USE_CACHE)] } });
    managers.push(t.manager);
    let calls = 0;
    const ask = (input: string, fail = false) =>
      drive(
        t.clock,
        t.manager.execute(
          API_QUOTA,
          () => {
            calls++;
            if (fail) throw Object.assign(new Error('HTTP 503'), { status: 503 });
            return `answer to ${input}`;
          },
          { key: 'ask', input: [input] },
        ),
      );
    await expect(ask('a')).resolves.toBe('answer to a');
    await expect(ask('b')).resolves.toBe('answer to b');
    // the provider fails: each input is answered from its own cache entry
    await expect(ask('a', true)).resolves.toBe('answer to a');
    await expect(ask('b', true)).resolves.toBe('answer to b');
    expect(calls).toBe(4);
  });

  it('keeps fn(...args) when args are given (the decorator form): no attempt argument is appended', async () => {
    const { manager, clock } = setup();
    const received: unknown[][] = [];
    await drive(
      clock,
      manager.execute(API_QUOTA, (...a: unknown[]) => received.push(a), { args: ['x', 1] }),
    );
    expect(received).toEqual([['x', 1]]);
  });

  it('hands a call nested in a guarded method the outer decision (the outer chain alone decides)', async () => {
    const { manager, clock } = setup();
    const nested: FallbackAttempt[] = [];
    class Team {
      resilience = manager;
      @withFallback(API_QUOTA)
      async ask(q: string): Promise<string> {
        return manager.execute(API_QUOTA, (attempt) => {
          nested.push(attempt);
          if (attempt.provider === 'openai') throw refused();
          return `${attempt.provider}:${q}`;
        });
      }
    }
    await expect(drive(clock, new Team().ask('q'))).resolves.toBe('anthropic:q');
    expect(nested.map(fields)).toEqual([
      { provider: 'openai', strategy: undefined, attempt: 1, degradation: 0, operation: undefined },
      { provider: 'anthropic', strategy: SWITCH_PROVIDER, attempt: 2, degradation: 0, operation: undefined },
    ]);
    expect(nested[0]!.remainingMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
