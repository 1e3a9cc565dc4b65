import { currentFallback, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType, type ProviderCooldownEvent } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './__fixtures__/redis-secrets.js';
import { cleanUp, REDIS_URL, testClient, uniqueNamespace } from './__fixtures__/redis-test-env.js';
import { shareProviderState, type ProviderStateSharing } from './share-provider-state.js';

const sharings: ProviderStateSharing[] = [];
const managers: ResilienceManager[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  await Promise.all(sharings.splice(0).map((s) => s.dispose()));
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  await cleanUp(prefixes.splice(0));
});

/** A replica of a team writing with openai → anthropic (SWITCH_PROVIDER); `calls` lists the providers it invoked. */
function replica(team: string) {
  const manager = new ResilienceManager(team, {
    env: { RAMPART_LOG_LEVEL: 'silent' },
    providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic'] },
    fallbackStrategies: { [ResourceType.API_QUOTA]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)] },
  });
  managers.push(manager);
  const calls: string[] = [];
  const limited = new Set<string>();
  const write = () =>
    manager.execute(ResourceType.API_QUOTA, async () => {
      const provider = currentFallback()?.provider ?? 'openai';
      calls.push(provider);
      if (limited.has(provider)) throw Object.assign(new Error(`${provider}: 429`), { status: 429, headers: { 'retry-after': '120' } });
      return provider;
    });
  const cooldowns: ProviderCooldownEvent[] = [];
  manager.onProviderCooldown((e) => cooldowns.push(e));
  return { manager, calls, limited, write, cooldowns };
}

async function share(manager: ResilienceManager, channel: string, scope: 'team' | 'provider' = 'team') {
  const s = await shareProviderState(manager, { redis: REDIS_URL, channel, scope, onError: (m, e) => console.error(m, e) });
  sharings.push(s);
  return s;
}

/** A channel of this test's own, and two replicas of team `writers` sharing their provider state on it. */
async function twoSharingReplicas() {
  const channel = freshChannel();
  const a = replica('writers');
  const b = replica('writers');
  await share(a.manager, channel);
  await share(b.manager, channel);
  return { channel, a, b };
}

/** A channel (and key prefix) unique to one test, its keys deleted after it. */
function freshChannel(): string {
  const channel = uniqueNamespace();
  prefixes.push(channel);
  return channel;
}

describe('shareProviderState', () => {
  it('a provider cooled by a 429 in replica A is skipped by replica B without B calling it, until the same deadline', async () => {
    const { a, b } = await twoSharingReplicas();
    a.limited.add('openai');
    expect(await a.write()).toBe('anthropic');
    expect(a.calls).toEqual(['openai', 'anthropic']);
    await until(() => b.cooldowns.length > 0);
    // B's event says the cooldown was learnt from another replica (metrics count it in A only)
    expect(b.cooldowns[0]).toMatchObject({ resource: 'api_quota', provider: 'openai', origin: 'shared' });
    expect(a.cooldowns[0]!.origin).toBeUndefined();
    expect(Math.abs(b.cooldowns[0]!.until - a.cooldowns[0]!.until)).toBeLessThanOrEqual(50); // the same deadline (B turns it into a duration and back: ms rounding, and room for a GC pause between its clock reads)
    expect(await b.write()).toBe('anthropic');
    expect(b.calls).toEqual(['anthropic']); // B never called openai
    // not echoed back: A saw its own cooldown only
    expect(a.cooldowns).toHaveLength(1);
  });

  it('the later deadline wins: a shorter cooldown elsewhere neither shortens nor replaces a longer one, in Redis or in a replica', async () => {
    const { channel, a, b } = await twoSharingReplicas();
    a.manager.reportProviderFailure(ResourceType.API_QUOTA, 'openai', { cooldownMs: 120_000 });
    await until(() => b.cooldowns.length === 1);
    b.manager.reportProviderFailure(ResourceType.API_QUOTA, 'openai', { cooldownMs: 1_000 }); // shorter: not published
    const stored = Object.values(await testClient().hgetall(`${channel}:state`)).map((v) => JSON.parse(v) as { until: number });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.until).toBe(a.cooldowns[0]!.until);
    const late = replica('writers'); // a replica starting later reads the stored cooldown
    await share(late.manager, channel);
    expect(late.cooldowns.map((e) => e.provider)).toEqual(['openai']);
    expect(await late.write()).toBe('anthropic');
    expect(late.calls).toEqual(['anthropic']);
    expect(a.cooldowns).toHaveLength(1);
  });

  it("scope 'team' ignores other teams; scope 'provider' shares across teams naming the same provider", async () => {
    const channel = freshChannel();
    const writers = replica('writers');
    const other = replica('researchers');
    const crossA = replica('editors');
    await share(writers.manager, channel);
    await share(other.manager, channel);
    const editorsSharing = await share(crossA.manager, channel, 'provider');
    void editorsSharing;
    writers.manager.reportProviderFailure(ResourceType.API_QUOTA, 'openai', { cooldownMs: 60_000 });
    await until(() => crossA.cooldowns.length === 1);
    expect(other.cooldowns).toEqual([]);
  });
});
