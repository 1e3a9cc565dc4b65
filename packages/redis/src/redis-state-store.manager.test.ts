import { FallbackAction, FallbackStrategy, ResilienceManager, ResourceType, withFallback, type QueuedRequest, type ResilienceConfig } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, keysUnder, REDIS_URL, rejection, uniqueNamespace } from './__fixtures__/redis-test-env.js';
import { RedisStateStore } from './redis-state-store.js';

const prefixes: string[] = [];
const managers: ResilienceManager[] = [];
const stores: RedisStateStore[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await cleanUp(prefixes.splice(0));
});

function manager(team: string, keyPrefix: string, config: ResilienceConfig = {}): ResilienceManager {
  const store = new RedisStateStore({ redis: REDIS_URL, keyPrefix });
  stores.push(store);
  const m = new ResilienceManager(team, {
    env: {},
    clock: new FakeClock({ wallNow: Date.now() }),
    store,
    queue: { retryIntervalMs: 1_000, maxWaitMs: 3_600_000 },
    fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
    ...config,
  });
  managers.push(m);
  return m;
}
function next(m: ResilienceManager, event: 'onRequestQueued' | 'onQueuedRequestSettled'): Promise<QueuedRequest> {
  return new Promise((resolve) => {
    const sub = m[event]((r) => {
      sub.dispose();
      resolve(r);
    });
  });
}

/** A team whose `notify` fails while `Notifier.down` is set. */
class Notifier {
  static down = true;
  static sent: string[] = [];
  constructor(readonly resilience: ResilienceManager) {}

  @withFallback(ResourceType.NETWORK)
  async notify(channel: string, message: { text: string }): Promise<string> {
    if (Notifier.down) throw Object.assign(new Error('webhook down'), { status: 503 });
    Notifier.sent.push(`${channel}:${message.text}`);
    return `sent to ${channel}`;
  }
}

describe('a ResilienceManager on a RedisStateStore', () => {
  it('persists a queued request in Redis, and a restarted manager answers it with the same method', async () => {
    const keyPrefix = uniqueNamespace();
    prefixes.push(keyPrefix);
    Notifier.down = true;
    Notifier.sent = [];
    const first = manager('ops', keyPrefix);
    await first.start();
    const queued = next(first, 'onRequestQueued');
    const call = rejection(new Notifier(first).notify('#alerts', { text: 'disk full' }));
    const record = await queued;
    expect(record).toMatchObject({ status: 'queued', persisted: true, className: 'Notifier', method: 'notify', resource: 'network' });
    await first.stop();
    expect(await call).toMatchObject({ name: 'QueueStoppedError', persisted: true, requestId: record.id });
    const keys = await keysUnder(keyPrefix);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`${keyPrefix}ops/`))).toBe(true); // the manager namespaces by team

    Notifier.down = false;
    const second = manager('ops', keyPrefix); // a new connection, as a restarted process would have
    const settled = next(second, 'onQueuedRequestSettled');
    await second.start();
    expect(second.getQueuedRequest(record.id)?.status).toBe('queued');
    new Notifier(second);
    expect(await settled).toMatchObject({ id: record.id, status: 'succeeded', result: 'sent to #alerts', replays: 1 });
    expect(Notifier.sent).toEqual(['#alerts:disk full']);
    await second.stop();

    const third = manager('ops', keyPrefix);
    await third.start();
    expect(third.getQueuedRequest(record.id)).toMatchObject({ status: 'succeeded', result: 'sent to #alerts' });
    const other = manager('other-team', keyPrefix);
    await other.start();
    expect(other.getQueuedRequest(record.id)).toBeUndefined();
  });
});
