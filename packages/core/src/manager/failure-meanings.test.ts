import { afterEach, describe, expect, it } from 'vitest';
import { FailureMeaning } from '../classify/failure-meaning.js';
import type { ErrorClassification } from '../classify/error-classification.js';
import { RampartError } from '../errors/rampart-error.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { currentFallback } from '../fallback/fallback-context.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { drive, rejection, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const { RETRY, SWITCH_PROVIDER, CIRCUIT_BREAK } = FallbackStrategy;
const { DATABASE } = ResourceType;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

/** A manager with two DATABASE providers, `a` then `b`, and the chain retry → switch → circuit break. */
function setup() {
  const t = testManager({
    providers: { database: ['a', 'b'] },
    providerCooldownMs: 30_000,
    circuitBreaker: { failureThreshold: 100, recoveryTimeoutMs: 60_000 },
    fallbackStrategies: { database: [new FallbackAction(RETRY, { maxAttempts: 2 }), new FallbackAction(SWITCH_PROVIDER), new FallbackAction(CIRCUIT_BREAK)] },
  });
  managers.push(t.manager);
  const calls: string[] = [];
  /** Per provider, what its next calls fail with (by operation); an empty list answers. */
  const failures = new Map<string, Array<{ operation?: string; meaning: ErrorClassification }>>();
  const fail = (provider: string, meaning: ErrorClassification, operation?: string) => failures.set(provider, [...(failures.get(provider) ?? []), { operation, meaning }]);
  const call = (operation: 'read' | 'write') =>
    drive(
      t.clock,
      t.manager.execute(
        DATABASE,
        async () => {
          const provider = currentFallback()?.provider ?? 'a';
          calls.push(`${provider}:${operation}`);
          const list = failures.get(provider) ?? [];
          const i = list.findIndex((f) => f.operation === undefined || f.operation === operation);
          if (i >= 0) {
            const [f] = list.splice(i, 1);
            throw new RampartError(`${provider} failed`, { code: 'SimulatedFailure', classification: f!.meaning });
          }
          return `${provider} answered`;
        },
        { operation },
      ),
    );
  return { ...t, calls, fail, call };
}

describe('what a failure means, as the chain acts on it', () => {
  it("rejects a call whose operation is not a name", async () => {
    const s = setup();
    await expect(s.manager.execute(DATABASE, async () => 'x', { operation: '' })).rejects.toThrow('operation: must be a non-empty string');
  });

  it("the request's fault: no retry, no switch; the caller gets the error", async () => {
    const s = setup();
    s.fail('a', FailureMeaning.requestFault());
    const err = await rejection(s.call('write'));
    expect(err).toMatchObject({ code: 'SimulatedFailure' });
    expect(s.calls).toEqual(['a:write']);
    expect(s.manager.isProviderAvailable(DATABASE, 'a')).toBe(true);
  });

  it('the provider is down: switch at once (no retry of it), and it cools down', async () => {
    const s = setup();
    s.fail('a', FailureMeaning.providerDown());
    expect(await s.call('read')).toBe('b answered');
    expect(s.calls).toEqual(['a:read', 'b:read']);
    expect(s.manager.isProviderAvailable(DATABASE, 'a')).toBe(false);
  });

  it('a retry may cure it: the retry goes to another provider at once, and the first stays available (no cooldown)', async () => {
    const s = setup();
    s.fail('a', FailureMeaning.retryable());
    expect(await s.call('read')).toBe('b answered');
    expect(s.calls).toEqual(['a:read', 'b:read']);
    expect(s.manager.isProviderAvailable(DATABASE, 'a')).toBe(true);
  });

  it('unusable for writes only: writes leave the provider out, reads keep it — no cooldown, no open breaker', async () => {
    const s = setup();
    const cooldowns: Array<string | undefined> = [];
    s.manager.onProviderCooldown((e) => cooldowns.push(`${e.provider}:${e.operation ?? 'all'}`));
    s.fail('a', FailureMeaning.unusableFor('write'), 'write');
    s.fail('b', FailureMeaning.providerDown(), 'write');
    // the write fails on both: a for writes only, b down; CIRCUIT_BREAK opens b's breaker, not a's
    await rejection(s.call('write'));
    expect(s.calls).toEqual(['a:write', 'b:write']);
    expect(cooldowns).toEqual(['a:write', 'b:all']);
    expect(s.manager.isProviderAvailable(DATABASE, 'a')).toBe(true);
    const breakerOf = (p: string) => s.manager.getCircuitBreakers().find((b) => b.provider === p)?.breaker.state;
    expect(breakerOf('a')).not.toBe('open');
    expect(breakerOf('b')).toBe('open');
    // a read goes to a at once, without waiting
    s.calls.length = 0;
    const started = s.clock.now();
    expect(await s.call('read')).toBe('a answered');
    expect(s.clock.now() - started).toBe(0);
    expect(s.calls).toEqual(['a:read']);
    // the next write does not reach a (b is down: it fails without calling anyone)
    s.calls.length = 0;
    await rejection(s.call('write'));
    expect(s.calls).toEqual([]);
    // the report says so: a is available, but left out of writes until its exclusion ends
    const a = (await s.manager.getHealthReport()).providers.database?.['a'];
    expect(a).toMatchObject({ available: true, state: 'available' });
    expect(Object.keys(a?.excluded_for ?? {})).toEqual(['write']);
    expect(Date.parse(a!.excluded_for!['write']!)).toBeGreaterThan(s.clock.wallNow());
    // once the exclusion ends (the cooldown), writes reach a again
    await s.clock.tickAsync(30_001);
    expect((await s.manager.getHealthReport()).providers.database?.['a']?.excluded_for).toBeUndefined();
    expect(await s.call('write')).toBe('a answered');
  });
});
