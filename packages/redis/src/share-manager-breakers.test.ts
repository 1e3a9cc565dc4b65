import { CircuitState, ResourceType, type ResilienceManager, type ResourceCircuitChange } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { cleanUp, REDIS_URL, testClient, uniqueNamespace } from './__fixtures__/redis-test-env.js';
import { ReplicaTeam } from './__fixtures__/replica-team.js';
import type { BreakerSyncMessage } from './breaker-sync-message.js';
import type { RedisBreakerSync } from './redis-breaker-sync.js';
import { shareManagerBreakers } from './share-manager-breakers.js';

const syncs: RedisBreakerSync[] = [];
const managers: ResilienceManager[] = [];
const processes: ChildDriver[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) p.kill();
  await Promise.all(syncs.splice(0).map((s) => s.dispose()));
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  await cleanUp([]);
});

/** A replica of `team` in this process, on its own FakeClock (all starting at `wallNow`) and Redis connections. */
async function replica(team: string, channel: string, wallNow: number, errors: string[] = []) {
  const clock = new FakeClock({ wallNow });
  const r = new ReplicaTeam(team, clock);
  managers.push(r.manager);
  const sync = await shareManagerBreakers(r.manager, { redis: REDIS_URL, channel, onError: (m) => errors.push(m) });
  syncs.push(sync);
  await r.manager.start();
  const changes: string[] = [];
  r.manager.onCircuitStateChange((c) => changes.push(`${c.name}:${c.to}`));
  return Object.assign(r, { clock, sync, changes });
}
/** The next change of `manager`'s breaker `name` to `to`. */
function nextChange(manager: ResilienceManager, name: string, to: CircuitState): Promise<ResourceCircuitChange> {
  return new Promise((resolve) => {
    const sub = manager.onCircuitStateChange((c) => {
      if (c.name !== name || c.to !== to) return;
      sub.dispose();
      resolve(c);
    });
  });
}
/** Subscribes a third connection to `channel`; `seen` resolves once a message matching `match` arrives there. */
async function watchChannel(channel: string, match: (m: BreakerSyncMessage) => boolean): Promise<{ seen: Promise<void> }> {
  const sub = testClient();
  const seen = new Promise<void>((resolve) => sub.on('message', (_c: string, payload: string) => match(JSON.parse(payload) as BreakerSyncMessage) && resolve()));
  await sub.subscribe(channel);
  return { seen };
}

describe('shareManagerBreakers', () => {
  it('a provider breaker that opens in one replica opens in the other with the same halfOpenAt, and closes there when it recovers', async () => {
    const channel = uniqueNamespace();
    const wallNow = Date.now();
    const errors: string[] = [];
    const a = await replica('writers', channel, wallNow, errors);
    const b = await replica('writers', channel, wallNow, errors);
    // both create their openai breaker lazily, on a first call
    expect(await a.write()).toBe('openai');
    expect(await b.write()).toBe('openai');
    expect(b.manager.getCircuitBreakers().map((e) => e.breaker.name)).toEqual(['writers/api_quota/openai']);

    const opened = nextChange(b.manager, 'writers/api_quota/openai', CircuitState.Open);
    a.down.add('openai');
    expect(await a.write()).toBe('anthropic');
    expect(a.breaker('openai')?.state).toBe(CircuitState.Open);
    expect(await opened).toMatchObject({ resource: 'api_quota', provider: 'openai', reason: 'restored' });
    expect(b.breaker('openai')?.halfOpenAt).toBe(wallNow + 60_000);
    expect(b.breaker('openai')?.halfOpenAt).toBe(a.breaker('openai')?.halfOpenAt);

    // B's next call goes straight to anthropic: openai is not called
    b.calls.length = 0;
    expect(await b.write()).toBe('anthropic');
    expect(b.calls).toEqual(['anthropic']);
    expect(b.manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(false);

    // openai recovers: A's probe after the recovery timeout closes A's breaker, and B's closes too
    const closed = nextChange(b.manager, 'writers/api_quota/openai', CircuitState.Closed);
    a.down.delete('openai');
    a.clock.tick(60_000);
    expect(await a.write()).toBe('openai');
    await closed;
    expect(b.breaker('openai')?.state).toBe(CircuitState.Closed);
    b.calls.length = 0;
    expect(await b.write()).toBe('openai');
    expect(b.calls).toEqual(['openai']);
    expect(b.changes).toEqual(['writers/api_quota/openai:open', 'writers/api_quota/openai:closed']); // B changed only by A's messages
    expect(errors).toEqual([]);
  });

  it('creates a breaker the replica never used when a message names it, and shares breakers created after start without refresh()', async () => {
    const channel = uniqueNamespace();
    const wallNow = Date.now();
    const a = await replica('writers', channel, wallNow);
    const b = await replica('writers', channel, wallNow);
    expect(b.manager.getCircuitBreakers()).toEqual([]);

    const opened = nextChange(b.manager, 'writers/api_quota/openai', CircuitState.Open);
    a.down.add('openai');
    expect(await a.write()).toBe('anthropic');
    await opened;
    expect(b.manager.getCircuitBreakers().map((e) => [e.provider, e.breaker.state])).toEqual([['openai', 'open']]);
    expect(b.breaker('openai')?.halfOpenAt).toBe(a.breaker('openai')?.halfOpenAt);
    expect(await b.write()).toBe('anthropic'); // B's first call ever respects it
    expect(b.calls).toEqual(['anthropic']);

    // B's anthropic breaker was created by that call, after start(): when it opens, A's opens too
    const aOpened = nextChange(a.manager, 'writers/api_quota/anthropic', CircuitState.Open);
    b.breaker('anthropic')!.trip();
    await aOpened;
    expect(a.breaker('anthropic')?.halfOpenAt).toBe(b.breaker('anthropic')?.halfOpenAt);
  });

  it("ignores another team's breakers on the same channel", async () => {
    const channel = uniqueNamespace();
    const wallNow = Date.now();
    const other = await replica('editors', channel, wallNow);
    const b = await replica('writers', channel, wallNow);
    const a = await replica('writers', channel, wallNow);
    expect(await b.write()).toBe('openai');

    // the other team's openai breaker opens 5 s later in its time, so its halfOpenAt differs from A's
    const published = await watchChannel(channel, (m) => m.name === 'editors/api_quota/openai' && m.state === 'open');
    other.clock.tick(5_000);
    other.down.add('openai');
    expect(await other.write()).toBe('anthropic');
    await published.seen; // B's connection has it before anything A publishes next

    const fromA = nextChange(b.manager, 'writers/api_quota/openai', CircuitState.Open);
    a.down.add('openai');
    expect(await a.write()).toBe('anthropic');
    await fromA;
    expect(b.breaker('openai')?.halfOpenAt).toBe(wallNow + 60_000);
    expect(b.breaker('openai')?.halfOpenAt).toBe(a.breaker('openai')?.halfOpenAt);
    expect(other.breaker('openai')?.halfOpenAt).toBe(wallNow + 65_000);
    expect(b.changes).toEqual(['writers/api_quota/openai:open']);
    expect(b.manager.getCircuitBreakers().map((e) => e.breaker.name)).toEqual(['writers/api_quota/openai']);
    expect(other.manager.getCircuitBreakers().map((e) => e.breaker.name)).toEqual(['editors/api_quota/openai', 'editors/api_quota/anthropic']);
  });

  it('validates the manager', async () => {
    await expect(shareManagerBreakers({} as never, { redis: REDIS_URL })).rejects.toMatchObject({ path: 'shareManagerBreakers.manager' });
  });

  it('shares with a replica in another process, which exits by itself after stop', { timeout: 120_000 }, async () => {
    const channel = uniqueNamespace();
    const child = runTypeScript(new URL('./__fixtures__/replica.child.ts', import.meta.url), [channel, 'writers']);
    processes.push(child);
    await child.line(/^ready$/);
    const a = await replica('writers', channel, Date.now());

    a.down.add('openai');
    expect(await a.write()).toBe('anthropic');
    const halfOpenAt = a.breaker('openai')?.halfOpenAt;
    expect(await child.line(/^circuit writers\/api_quota\/openai open /)).toBe(`circuit writers/api_quota/openai open ${halfOpenAt}`);
    child.send('write');
    expect(await child.line(/^wrote /)).toBe('wrote anthropic anthropic'); // openai not called

    a.down.delete('openai');
    a.clock.tick(60_000);
    expect(await a.write()).toBe('openai');
    await child.line(/^circuit writers\/api_quota\/openai closed /);
    child.send('stop');
    child.endInput();
    await child.line(/^stopped$/);
    expect(await child.exited).toMatchObject({ code: 0, signal: null });
  });
});
