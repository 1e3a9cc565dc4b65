import { CircuitBreakerRegistry, CircuitState, type CircuitBreakerPolicy, type CircuitState as State } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { REFUSED_URL, SECRET, shown, until, WRONG_PASSWORD_URL } from './__fixtures__/redis-secrets.js';
import { cleanUp, REDIS_URL, testClient, uniqueNamespace } from './__fixtures__/redis-test-env.js';
import type { BreakerSyncMessage } from './breaker-sync-message.js';
import { RedisBreakerSync, shareCircuitBreakers } from './redis-breaker-sync.js';

const syncs: RedisBreakerSync[] = [];
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((s) => s.dispose()));
  await cleanUp([]);
});

/** One "process": its own registry, clock and Redis connections. */
async function startProcess(channel: string, clock: FakeClock, redis: Redis | string = REDIS_URL, errors: string[] = []) {
  const registry = new CircuitBreakerRegistry();
  const breaker = registry.getOrCreate('payments', { failureThreshold: 2, recoveryTimeoutMs: 30_000, clock });
  const sync = await shareCircuitBreakers(registry, { redis, channel, onError: (m) => errors.push(m) });
  syncs.push(sync);
  return { registry, breaker, sync };
}
function nextState(b: CircuitBreakerPolicy, to: State): Promise<void> {
  return new Promise((resolve) => {
    const sub = b.onStateChange((c) => {
      if (c.to !== to) return;
      sub.dispose();
      resolve();
    });
  });
}
/** Every message published on `channel`, parsed, as a third subscriber sees them. */
async function listen(channel: string): Promise<{ messages: BreakerSyncMessage[]; next: (count: number) => Promise<void> }> {
  const sub = testClient();
  const messages: BreakerSyncMessage[] = [];
  const waiters: Array<[number, () => void]> = [];
  sub.on('message', (_c: string, payload: string) => {
    messages.push(JSON.parse(payload) as BreakerSyncMessage);
    for (const [n, resolve] of waiters) if (messages.length >= n) resolve();
  });
  await sub.subscribe(channel);
  return { messages, next: (count) => new Promise((resolve) => (messages.length >= count ? resolve() : waiters.push([count, resolve]))) };
}
const fail = (b: CircuitBreakerPolicy) => b.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);

describe('RedisBreakerSync', () => {
  it('a process whose subscriber lost its connection reconciles once it is back: a transition published meanwhile is not missed until the periodic reconcile', async () => {
    const channel = uniqueNamespace();
    const clock = new FakeClock({ wallNow: Date.now() }); // never ticked: no periodic reconcile
    const connectionName = `breaker-sync-${channel.replace(/\W/g, '-')}`;
    // A's subscriber (a duplicate of this client) reconnects 300 ms after it is cut; its publisher stays up
    const aClient = new Redis(REDIS_URL, { connectionName, retryStrategy: () => 300 });
    try {
      const registry = new CircuitBreakerRegistry();
      const a = registry.getOrCreate('payments', { failureThreshold: 2, recoveryTimeoutMs: 30_000, clock });
      syncs.push(await shareCircuitBreakers(registry, { redis: aClient, channel, clock, onError: () => undefined }));
      const b = await startProcess(channel, clock);
      const clients = String(await testClient().call('CLIENT', 'LIST'));
      const subscriber = clients.split('\n').find((line) => line.includes(`name=${connectionName} `) && /\bsub=[1-9]/.test(line));
      await testClient().call('CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(subscriber!)![1]!);
      // B opens its breaker while A's subscriber is away: the message is lost to A, the stored state is not
      await fail(b.breaker);
      await fail(b.breaker);
      expect(b.breaker.state).toBe(CircuitState.Open);
      await until(() => a.state === CircuitState.Open);
      expect(a.halfOpenAt).toBe(b.breaker.halfOpenAt);
    } finally {
      await Promise.all(syncs.splice(0).map((s) => s.dispose()));
      aClient.disconnect();
    }
  });

  it('opens the same-named breaker in another process with the same half-open time, and closes it again, without echoes', async () => {
    const channel = uniqueNamespace();
    const wallNow = Date.now();
    const clockA = new FakeClock({ wallNow });
    const clockB = new FakeClock({ wallNow });
    const bus = await listen(channel);
    const a = await startProcess(channel, clockA, testClient()); // a caller's client
    const b = await startProcess(channel, clockB, REDIS_URL); // connections of its own
    clockA.tick(1_000);
    clockB.tick(1_000);

    const opened = nextState(b.breaker, CircuitState.Open);
    await fail(a.breaker);
    await fail(a.breaker);
    expect(a.breaker.state).toBe(CircuitState.Open);
    await opened;
    expect(b.breaker.halfOpenAt).toBe(wallNow + 1_000 + 30_000);
    expect(b.breaker.halfOpenAt).toBe(a.breaker.halfOpenAt);
    expect(b.breaker.stats).toMatchObject({ failures: 0, calls: 0, state: 'open' }); // B keeps its own counters
    await expect(b.breaker.execute(() => 'ran')).rejects.toMatchObject({ name: 'BrokenCircuitError' });

    // B changes next: had B echoed the open state, that message would precede this one on B's connection.
    const closed = nextState(a.breaker, CircuitState.Closed);
    b.breaker.reset();
    await closed;
    await bus.next(2);
    expect(bus.messages.map((m) => [m.from, m.state])).toEqual([
      [a.sync.id, 'open'],
      [b.sync.id, 'closed'],
    ]);
    expect(bus.messages[0]).toMatchObject({ name: 'payments', isolated: false, halfOpenAt: wallNow + 31_000, at: wallNow + 1_000 });
    expect(await a.breaker.execute(() => 'ran')).toBe('ran');
  });

  it('shares isolate(), lets each process probe on its own after halfOpenAt, and ignores stale messages', async () => {
    const channel = uniqueNamespace();
    const clockA = new FakeClock({ wallNow: Date.now() });
    const clockB = new FakeClock({ wallNow: clockA.wallNow() });
    const a = await startProcess(channel, clockA);
    const b = await startProcess(channel, clockB);

    let changed = nextState(b.breaker, CircuitState.Open);
    a.breaker.isolate();
    await changed;
    expect(b.breaker.isolated).toBe(true);
    changed = nextState(b.breaker, CircuitState.Closed);
    a.breaker.reset();
    await changed;
    expect(b.breaker.isolated).toBe(false);

    changed = nextState(b.breaker, CircuitState.Open);
    a.breaker.trip();
    await changed;
    clockB.tick(30_000);
    expect(b.breaker.state).toBe(CircuitState.HalfOpen); // half-open is local: nothing published
    expect(a.breaker.state).toBe(CircuitState.Open);
    changed = nextState(a.breaker, CircuitState.Closed);
    expect(await b.breaker.execute(() => 'probe')).toBe('probe');
    await changed;

    // A message about a transition older than B's last one is ignored.
    const publisher = testClient();
    const stale: BreakerSyncMessage = { version: 1, from: 'elsewhere', name: 'payments', state: 'open', at: clockB.wallNow() - 60_000, isolated: false, halfOpenAt: clockB.wallNow() };
    const fresh: BreakerSyncMessage = { ...stale, at: clockB.wallNow() + 1, halfOpenAt: clockB.wallNow() + 5_000 };
    changed = nextState(b.breaker, CircuitState.Open);
    await publisher.publish(channel, JSON.stringify(stale));
    await publisher.publish(channel, JSON.stringify(fresh));
    await changed;
    expect(b.breaker.halfOpenAt).toBe(fresh.halfOpenAt);
  });

  it('watches breakers created later, reports malformed messages, and quits only its own connections', async () => {
    const channel = uniqueNamespace();
    const clock = new FakeClock({ wallNow: Date.now() });
    const errors: string[] = [];
    const caller = testClient();
    const a = await startProcess(channel, clock, caller, errors);
    const b = await startProcess(channel, clock);
    const lateA = a.registry.getOrCreate('late', { clock });
    const lateB = b.registry.getOrCreate('late', { clock });
    expect(a.sync.refresh()).toBe(1);
    expect(a.sync.refresh()).toBe(0);
    const opened = nextState(lateB, CircuitState.Open); // B finds "late" when the message names it
    lateA.trip();
    await opened;

    await testClient().publish(channel, '{"version":2}');
    const tripped = nextState(a.breaker, CircuitState.Open);
    b.breaker.trip();
    await tripped;
    expect(errors).toEqual([`ignoring a malformed message on ${channel}`]);

    expect(await caller.pubsub('NUMSUB', channel)).toEqual([channel, 2]);
    await a.sync.dispose();
    await a.sync.dispose();
    expect(await caller.ping()).toBe('PONG'); // the caller's client stays open
    expect(await caller.pubsub('NUMSUB', channel)).toEqual([channel, 1]); // only B still listens
    await expect(a.sync.start()).rejects.toThrow(/disposed/);
  });

  it('validates options, never showing a password', () => {
    const registry = new CircuitBreakerRegistry();
    expect(() => new RedisBreakerSync(registry, { redis: 'tcp://u:hunter2@127.0.0.1' })).toThrow(expect.objectContaining({ path: 'redisBreakerSync.redis', value: 'tcp://u:***@127.0.0.1' }));
    expect(() => new RedisBreakerSync(registry, { redis: REDIS_URL, channel: '' })).toThrow(expect.objectContaining({ path: 'redisBreakerSync.channel' }));
    expect(() => new RedisBreakerSync(registry, { redis: REDIS_URL, topic: 'x' } as never)).toThrow(expect.objectContaining({ path: 'redisBreakerSync.topic' }));
    expect(() => new RedisBreakerSync({} as never, { redis: REDIS_URL })).toThrow(expect.objectContaining({ path: 'redisBreakerSync.source' }));
  });
});

describe('RedisBreakerSync never shows a password', () => {
  it('strips it from a refused AUTH: the error of start(), onError for connection errors and failed writes', async () => {
    const errors: Array<[string, unknown]> = [];
    const onError = (message: string, error: unknown) => void errors.push([message, error]);
    const registry = new CircuitBreakerRegistry();
    const startError = await shareCircuitBreakers(registry, { redis: WRONG_PASSWORD_URL, channel: uniqueNamespace(), onError }).catch((e: unknown) => e);
    expect(String(startError)).toContain('WRONGPASS');

    // A caller's client: the sync adds no error listener to it, so only the publish path can strip the error it rejects with.
    const caller = new Redis(WRONG_PASSWORD_URL);
    caller.on('error', () => undefined);
    const before = errors.length;
    try {
      const sync = new RedisBreakerSync(registry, { redis: caller, channel: uniqueNamespace(), onError });
      syncs.push(sync);
      sync.watch(registry.getOrCreate('payments', { clock: new FakeClock() })); // never started: publishes still go out
      registry.get('payments')!.trip();
      // one report per outage: the write's failure, or its subscriber's connection error if that came first
      await until(() => errors.length > before);
    } finally {
      caller.disconnect();
    }
    expect(errors.some(([m]) => m.startsWith('Redis connection error in breaker sync'))).toBe(true);
    const text = shown(startError, errors);
    expect(text).toContain('WRONGPASS');
    expect(text).toContain('[redacted]'); // where ioredis had put the AUTH arguments
    expect(text).not.toContain(SECRET);
  });

  it('shows no password in connection errors while the server refuses connections, and dispose() does not wait for it', async () => {
    const errors: Array<[string, unknown]> = [];
    const sync = new RedisBreakerSync(new CircuitBreakerRegistry(), { redis: REFUSED_URL, onError: (message, error) => void errors.push([message, error]) });
    const started = sync.start().catch((e: unknown) => e); // SUBSCRIBE waits in ioredis' offline queue
    await until(() => errors.some(([, e]) => (e as { code?: unknown }).code === 'ECONNREFUSED'));
    await sync.dispose();
    const startError = await started;
    expect(startError).toMatchObject({ message: 'RedisBreakerSync is disposed' }); // not left pending
    expect(shown(startError, errors)).not.toContain(SECRET);
  });
});
