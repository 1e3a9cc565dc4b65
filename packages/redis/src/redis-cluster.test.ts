// The package against a real local Redis Cluster (three redis-server processes in cluster mode,
// created by this test): the state store (SCAN on every master, reads across slots, leases), breaker
// sharing (versioned state, a late process reconciling), provider state sharing, and RedisChannel
// (its inbox keys share the team's hash tag, so its MULTI and script stay in one slot). The queue's
// replicas run against the cluster in queue-replicas.process.test.ts.
import { randomUUID } from 'node:crypto';
import { createMessage, type ChannelMessage } from '@rampart/channels';
import { CircuitBreakerRegistry, CircuitState, currentFallback, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType } from '@rampart/core';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './__fixtures__/redis-secrets.js';
import { RedisBreakerSync, shareCircuitBreakers } from './redis-breaker-sync.js';
import { RedisChannel } from './redis-channel.js';
import { RedisStateStore } from './redis-state-store.js';
import { shareProviderState, type ProviderStateSharing } from './share-provider-state.js';
import { RedisClusterProcess } from './testing/redis-cluster-process.js';

let cluster: RedisClusterProcess;
const clients: Cluster[] = [];
const closers: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  cluster = await RedisClusterProcess.start();
}, 60_000);
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await Promise.all(clients.splice(0).map((c) => c.quit()));
  await cluster?.stop();
});

function client(): Cluster {
  const c = cluster.client();
  clients.push(c);
  return c;
}

describe('on a 3-master Redis Cluster', { timeout: 60_000 }, () => {
  it('RedisStateStore: entries across every master and slot, leases, deletes', async () => {
    const store = new RedisStateStore({ redis: client(), keyPrefix: `t:${randomUUID()}:` });
    for (let i = 0; i < 40; i++) await store.set(`ops/queue/${i}`, { i });
    await store.set('other/queue/x', { other: true });
    const entries = await store.entries('ops/queue/');
    expect(entries.map(([k]) => k).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `ops/queue/${i}`).sort());
    const slots = new Set(await Promise.all(entries.map(([k]) => client().cluster('KEYSLOT', `${store.options.keyPrefix}${k}`))));
    expect(slots.size).toBeGreaterThan(1); // the keys really are spread over slots
    expect(await store.claim('ops/lease/1', 'a', 10_000)).toBe(true);
    expect(await store.claim('ops/lease/1', 'b', 10_000)).toBe(false);
    await store.release('ops/lease/1', 'a');
    expect(await store.claim('ops/lease/1', 'b', 10_000)).toBe(true);
    await store.delete('ops/queue/3');
    expect(await store.get('ops/queue/3')).toBeUndefined();
    expect((await store.entries('ops/queue/')).length).toBe(39);
  });

  it('RedisStateStore: entries through a Cluster client that is not ready yet waits for its slots instead of finding nothing', async () => {
    const keyPrefix = `t:${randomUUID()}:`;
    const writer = new RedisStateStore({ redis: client(), keyPrefix });
    for (let i = 0; i < 10; i++) await writer.set(`ops/queue/${i}`, { i });
    const fresh = client(); // what a replica starting has: no slots read yet, no master known
    expect(fresh.status).not.toBe('ready');
    const reader = new RedisStateStore({ redis: fresh, keyPrefix });
    expect((await reader.entries('ops/queue/')).length).toBe(10);
  });

  it('breaker sharing: an open breaker reaches the other process, and a process starting later reads it from the shared state', async () => {
    const channel = `t:${randomUUID()}:breakers`;
    const registries = [new CircuitBreakerRegistry(), new CircuitBreakerRegistry(), new CircuitBreakerRegistry()];
    const breakers = registries.map((r) => r.getOrCreate('payments', { failureThreshold: 1, recoveryTimeoutMs: 60_000 }));
    const syncs: RedisBreakerSync[] = [];
    for (const r of registries.slice(0, 2)) syncs.push(await shareCircuitBreakers(r, { redis: client(), channel }));
    closers.push(() => Promise.all(syncs.map((s) => s.dispose())));
    breakers[0]!.trip();
    await until(() => breakers[1]!.state === CircuitState.Open);
    expect(breakers[1]!.halfOpenAt).toBe(breakers[0]!.halfOpenAt);
    syncs.push(await shareCircuitBreakers(registries[2]!, { redis: client(), channel }));
    expect(breakers[2]!.state).toBe(CircuitState.Open); // reconciled at start
  });

  it('provider state: a cooldown in one replica is skipped by the other without calling the provider', async () => {
    const channel = `t:${randomUUID()}:providers`;
    const replica = () =>
      new ResilienceManager('writers', {
        env: { RAMPART_LOG_LEVEL: 'silent' },
        providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic'] },
        fallbackStrategies: { [ResourceType.API_QUOTA]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)] },
      });
    const a = replica();
    const b = replica();
    const sharings: ProviderStateSharing[] = [await shareProviderState(a, { redis: client(), channel }), await shareProviderState(b, { redis: client(), channel })];
    closers.push(async () => {
      await Promise.all(sharings.map((s) => s.dispose()));
      await Promise.all([a.stop(), b.stop()]);
    });
    let cooled = false;
    b.onProviderCooldown(() => (cooled = true));
    a.reportProviderFailure(ResourceType.API_QUOTA, 'openai', { cooldownMs: 60_000 });
    await until(() => cooled);
    const called: string[] = [];
    const answer = await b.execute(ResourceType.API_QUOTA, async () => {
      const provider = currentFallback()?.provider ?? 'openai';
      called.push(provider);
      return provider;
    });
    expect([answer, called]).toEqual(['anthropic', ['anthropic']]);
  });

  it('RedisChannel: a message sent to a team is received (MULTI and the take script in the team’s slot)', async () => {
    const keyPrefix = `t:${randomUUID()}:channels`;
    const sender = new RedisChannel({ team: 'a', keyPrefix, redis: client() });
    const receiver = new RedisChannel({ team: 'b', keyPrefix, redis: client() });
    closers.push(() => Promise.all([sender.close(), receiver.close()]));
    const got: ChannelMessage[] = [];
    receiver.onMessage((m) => void got.push(m));
    await sender.start();
    await receiver.start();
    const m = createMessage({ sender: 'a', recipient: 'b', type: 'command', payload: { go: true } });
    await sender.send(m);
    await until(() => got.length === 1);
    expect(got).toEqual([m]);
    expect((await sender.getTeamStatus('b'))?.online).toBe(true);
  });
});
