import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { ChannelClosedError, createMessage, InvalidMessageError, MessagePriority, type ChannelMessage } from '@rampart/channels';
import { TimeoutError } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { REFUSED_URL, SECRET, shown } from './__fixtures__/redis-secrets.js';
import { cleanUp, REDIS_URL, testClient } from './__fixtures__/redis-test-env.js';
import { RedisChannel, type RedisChannelError } from './redis-channel.js';
import { inboxScore, redisChannelKeys, TAKE_SCRIPT } from './redis-channel-keys.js';
import type { RedisChannelOptions } from './redis-channel-options.js';

const prefixes: string[] = [];
const channels: RedisChannel[] = [];
afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await cleanUp(prefixes.splice(0));
});

/** A key prefix of this test only (parallel test files never share keys). */
function namespace(): string {
  const prefix = `rampart-test:channels:${randomUUID()}`;
  prefixes.push(prefix);
  return prefix;
}

function channel(options: RedisChannelOptions): RedisChannel {
  const c = new RedisChannel({ redis: REDIS_URL, ...options });
  channels.push(c);
  return c;
}

async function until(predicate: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await predicate())) await new Promise((resolve) => setImmediate(resolve));
}

function collect(c: RedisChannel): ChannelMessage[] {
  const got: ChannelMessage[] = [];
  c.onMessage((m) => void got.push(m));
  return got;
}

describe('RedisChannel', () => {
  it('delivers on the pub/sub notification (no poll needed) and leaves no keys behind but the status', async () => {
    const keyPrefix = namespace();
    const clock = new FakeClock({ wallNow: Date.now() });
    const a = channel({ team: 'a', keyPrefix, clock });
    const b = channel({ team: 'b', keyPrefix, clock });
    const got = collect(b);
    await a.start();
    await b.start();
    const m = createMessage({ sender: 'a', recipient: 'b', type: 'command', payload: { go: true } }, clock.wallNow());
    await a.send(m);
    await until(() => got.length === 1); // the fake clock never moves: only the notification wakes b
    expect(got).toEqual([m]);
    const redis = testClient();
    const keys = redisChannelKeys(keyPrefix, 'b');
    await until(async () => (await redis.hlen(keys.processing)) === 0);
    expect(await redis.exists(keys.inbox, keys.messages, keys.processing, keys.sequence)).toBe(0);
    expect(b.kind).toBe('redis');
  });

  it('delivers waiting messages by priority, then oldest first, when the receiver starts', async () => {
    const keyPrefix = namespace();
    const clock = new FakeClock({ wallNow: Date.now() });
    const a = channel({ team: 'a', keyPrefix, clock });
    await a.start();
    const t = clock.wallNow();
    const sent = [
      createMessage({ sender: 'a', recipient: 'b', type: 'low', priority: MessagePriority.LOW }, t),
      createMessage({ sender: 'a', recipient: 'b', type: 'normal-2', priority: MessagePriority.NORMAL }, t + 2),
      createMessage({ sender: 'a', recipient: 'b', type: 'critical', priority: MessagePriority.CRITICAL }, t + 3),
      createMessage({ sender: 'a', recipient: 'b', type: 'normal-1', priority: MessagePriority.NORMAL }, t + 1),
      createMessage({ sender: 'a', recipient: 'b', type: 'high', priority: MessagePriority.HIGH }, t + 4),
    ];
    for (const m of sent) await a.send(m);
    await a.send(sent[0]!); // a second send of the same id does not duplicate it
    expect(await testClient().zcard(redisChannelKeys(keyPrefix, 'b').inbox)).toBe(5);
    const b = channel({ team: 'b', keyPrefix, clock });
    const got = collect(b);
    await b.start();
    await until(() => got.length === 5);
    expect(got.map((m) => m.type)).toEqual(['critical', 'high', 'normal-1', 'normal-2', 'low']);
    expect(inboxScore({ priority: 4, timestamp: 9e12 })).toBeLessThan(inboxScore({ priority: 3, timestamp: 0 }));
  });

  it('keeps the order of sending among messages of one priority and one millisecond, and a resend keeps its place', async () => {
    const keyPrefix = namespace();
    const clock = new FakeClock({ wallNow: Date.now() });
    const a = channel({ team: 'a', keyPrefix, clock });
    await a.start();
    const t = clock.wallNow();
    // 30 messages in the same ms: random ids, so a tie broken by the member (the id alone) would shuffle them
    const sent = Array.from({ length: 30 }, (_, i) => createMessage({ sender: 'a', recipient: 'b', type: `m${i}` }, t));
    for (const m of sent) await a.send(m);
    await a.send(sent[0]!); // already waiting: keeps its place, not sent again
    const keys = redisChannelKeys(keyPrefix, 'b');
    expect(await testClient().zcard(keys.inbox)).toBe(30);
    const b = channel({ team: 'b', keyPrefix, clock });
    const got = collect(b);
    await b.start();
    await until(() => got.length === 30);
    expect(got.map((m) => m.type)).toEqual(sent.map((m) => m.type));
    await until(async () => (await testClient().exists(keys.inbox, keys.messages, keys.sequence)) === 0);
  });

  it('polls on the clock as a safety net for a missed notification', async () => {
    const keyPrefix = namespace();
    const clock = new FakeClock({ wallNow: Date.now() });
    const b = channel({ team: 'b', keyPrefix, clock, pollIntervalMs: 2_000 });
    const got = collect(b);
    await b.start();
    const m = createMessage({ sender: 'a', recipient: 'b', type: 't' }, clock.wallNow());
    const keys = redisChannelKeys(keyPrefix, 'b');
    const redis = testClient();
    await redis.multi().hset(keys.messages, m.id, JSON.stringify(m)).zadd(keys.inbox, inboxScore(m), m.id).exec(); // no PUBLISH
    expect(await redis.zcard(keys.inbox)).toBe(1);
    clock.tick(1_999);
    expect(await redis.zcard(keys.inbox)).toBe(1);
    clock.tick(1);
    await until(() => got.length === 1);
    expect(got).toEqual([m]);
  });

  it('redelivers a message that was taken and never acknowledged when a channel for the team starts again', async () => {
    const keyPrefix = namespace();
    const a = channel({ team: 'a', keyPrefix });
    await a.start();
    const first = createMessage({ sender: 'a', recipient: 'b', type: 'first', priority: MessagePriority.LOW });
    const second = createMessage({ sender: 'a', recipient: 'b', type: 'second', priority: MessagePriority.HIGH });
    await a.send(first);
    const keys = redisChannelKeys(keyPrefix, 'b');
    const redis = testClient();
    // A receiver takes `first` and dies before its handler settles: the message sits in processing.
    expect(JSON.parse((await redis.eval(TAKE_SCRIPT, 4, keys.inbox, keys.messages, keys.processing, keys.sequence)) as string)).toEqual(first);
    expect(await redis.hkeys(keys.processing)).toEqual([first.id]);
    await a.send(second);
    const b = channel({ team: 'b', keyPrefix });
    const got = collect(b);
    await b.start();
    await until(() => got.length === 2);
    expect(got.map((m) => m.type)).toEqual(['second', 'first']); // put back by priority
    await until(async () => (await redis.hlen(keys.processing)) === 0);
  });

  it('reports handler failures (the message is not redelivered) and malformed entries, which are dropped', async () => {
    const keyPrefix = namespace();
    const a = channel({ team: 'a', keyPrefix });
    const b = channel({ team: 'b', keyPrefix });
    const handlerErrors: string[] = [];
    const errors: RedisChannelError[] = [];
    b.onHandlerError((e) => handlerErrors.push(`${e.kind} ${e.team} ${e.message.type} ${(e.error as Error).message}`));
    b.onError((e) => errors.push(e));
    const handled: string[] = [];
    b.onMessage((m) => {
      if (m.type === 'boom') throw new Error('handler broke');
      handled.push(m.type);
    });
    expect(() => b.onMessage(() => undefined)).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'redisChannel.onMessage' }));
    await a.start();
    await b.start();
    const keys = redisChannelKeys(keyPrefix, 'b');
    const redis = testClient();
    await redis.multi().hset(keys.messages, 'junk', '{"id":"junk","not":"a message"}').zadd(keys.inbox, 0, 'junk').exec();
    await a.send(createMessage({ sender: 'a', recipient: 'b', type: 'boom' }));
    await a.send(createMessage({ sender: 'a', recipient: 'b', type: 'fine' }));
    // the two messages are handled concurrently: wait for both outcomes, in whichever order they come
    await until(() => handled.length === 1 && handlerErrors.length === 1);
    expect(handled).toEqual(['fine']);
    expect(handlerErrors).toEqual(['redis b boom handler broke']);
    expect(errors.map((e) => [e.team, e.operation])).toEqual([['b', 'malformed']]);
    await until(async () => (await redis.exists(keys.inbox, keys.messages, keys.processing)) === 0);
  });

  it('writes a heartbeat to its status hash and tells which teams are online', async () => {
    const keyPrefix = namespace();
    const clock = new FakeClock({ wallNow: Date.now() });
    const a = channel({ team: 'a', keyPrefix, clock, heartbeatIntervalMs: 1_000 });
    const b = channel({ team: 'b', keyPrefix, clock, heartbeatIntervalMs: 1_000 });
    expect(await a.getTeamStatus('a')).toBeUndefined();
    await a.start();
    await b.start();
    const startedAt = clock.wallNow();
    expect(await a.getTeamStatus('b')).toEqual({ team: 'b', status: 'online', online: true, lastSeen: startedAt, heartbeatIntervalMs: 1_000, instance: b.instance });
    expect(await a.onlineTeams()).toEqual(['a', 'b']);

    // A receiver that died without a word: its status says online, but its heartbeat is stale.
    const redis = testClient();
    await redis.hset(redisChannelKeys(keyPrefix, 'ghost').status, { status: 'online', lastSeen: String(startedAt - 3_001), heartbeatIntervalMs: '1000', instance: 'x' });
    expect(await a.getTeamStatus('ghost')).toMatchObject({ status: 'online', online: false });

    clock.tick(1_000);
    await until(async () => (await a.getTeamStatus('b'))?.lastSeen === startedAt + 1_000);
    await b.close();
    expect(await a.getTeamStatus('b')).toMatchObject({ status: 'offline', online: false, lastSeen: startedAt + 1_000 });
    expect(await a.onlineTeams()).toEqual(['a']);
    expect(await redis.pttl(redisChannelKeys(keyPrefix, 'b').status)).toBeGreaterThan(0); // gone after a day
  });

  it('reports health (PING, inbox depth) and refuses to send before start and after close', async () => {
    const keyPrefix = namespace();
    const a = channel({ team: 'a', keyPrefix });
    const m = createMessage({ sender: 'a', recipient: 'b', type: 't' });
    expect(await a.healthCheck()).toMatchObject({ healthy: false, error: 'not started' });
    await expect(a.send(m)).rejects.toBeInstanceOf(ChannelClosedError);
    await a.start();
    await a.start(); // idempotent
    await a.send(m);
    await a.send(createMessage({ sender: 'a', recipient: 'a', type: 't' }));
    await expect(a.send({ ...m, priority: 7 } as unknown as ChannelMessage)).rejects.toBeInstanceOf(InvalidMessageError);
    const health = await a.healthCheck();
    expect(health).toMatchObject({ healthy: true, latencyMs: expect.any(Number), details: { team: 'a', inboxDepth: 1, processing: 0, subscribed: true, url: REDIS_URL } });
    await a.close();
    await a.close();
    expect(await a.healthCheck()).toMatchObject({ healthy: false, error: 'closed' });
    await expect(a.send(m)).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(a.start()).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('close() clears its timers, unsubscribes, and leaves a client it was given open', async () => {
    const keyPrefix = namespace();
    const clock = new FakeClock({ wallNow: Date.now() });
    const caller = testClient();
    const b = channel({ team: 'b', keyPrefix, clock, redis: caller });
    const own = channel({ team: 'c', keyPrefix, clock });
    await b.start();
    await own.start();
    const notify = redisChannelKeys(keyPrefix, 'b').notify;
    expect(await caller.pubsub('NUMSUB', notify)).toEqual([notify, 1]);
    await clock.tickAsync(1); // the deadline scheduler's epoch (≤ 1 ms) closes
    expect(clock.pendingTimers).toBe(4); // heartbeat and poll, for each channel
    await b.close();
    await own.close();
    await clock.tickAsync(1); // the deadline scheduler's last epoch closes (≤ 1 ms)
    expect(clock.pendingTimers).toBe(0);
    expect(await caller.pubsub('NUMSUB', notify)).toEqual([notify, 0]);
    expect(await caller.ping()).toBe('PONG');
  });

  it('never shows the password of a refused AUTH: not in the error of start(), error events, or health', async () => {
    const keyPrefix = namespace();
    const url = 'redis://rampart-nobody:s3cret-pw@127.0.0.1:6379';
    const c = channel({ team: 'a', keyPrefix, redis: url });
    const errors: RedisChannelError[] = [];
    c.onError((e) => errors.push(e));
    const error = await c.start().catch((e: unknown) => e); // ioredis fails queued commands with the AUTH reply
    expect(String(error)).toContain('WRONGPASS');
    expect(errors.length).toBeGreaterThan(0);
    const health = await c.healthCheck();
    expect(health).toMatchObject({ healthy: false, details: { url: 'redis://rampart-nobody:***@127.0.0.1:6379' } });
    const shown = inspect([error, errors, health], { depth: 8 }) + JSON.stringify([error, errors, health]);
    expect(shown).toContain('[redacted]'); // where ioredis had put the AUTH arguments
    expect(shown).not.toContain('s3cret');
    await c.close();
  });

  it('never shows the password while the server refuses connections: not in error events, the error of start(), or health', async () => {
    const clock = new FakeClock();
    const c = channel({ team: 'a', keyPrefix: namespace(), redis: REFUSED_URL, clock, timeoutMs: 2_000 });
    const errors: RedisChannelError[] = [];
    c.onError((e) => errors.push(e));
    const starting = c.start().catch((e: unknown) => e);
    await until(() => errors.some((e) => e.operation === 'connection' && (e.error as { code?: unknown }).code === 'ECONNREFUSED'));
    clock.tick(2_000);
    const error = await starting;
    expect(error).toBeInstanceOf(TimeoutError);
    const health = await c.healthCheck();
    expect(health).toMatchObject({ healthy: false, details: { url: 'redis://rampart-nobody:***@127.0.0.1:1' } });
    await c.close();
    expect(shown(error, errors, health)).not.toContain(SECRET);
  });

  it('times out a start on the clock when Redis does not answer, and close() still returns', async () => {
    const silent = createServer((socket) => sockets.add(socket)); // accepts, never answers
    const sockets = new Set<Socket>();
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const clock = new FakeClock();
      const c = channel({ team: 'a', keyPrefix: namespace(), clock, redis: `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 2_000 });
      const starting = c.start().catch((e: unknown) => e);
      await until(() => sockets.size > 0);
      clock.tick(2_000);
      expect(await starting).toBeInstanceOf(TimeoutError);
      await c.close();
      expect(clock.pendingTimers).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('validates options with ConfigError naming the path, the URL redacted', () => {
    const bad = (options: unknown) => {
      try {
        new RedisChannel(options as RedisChannelOptions);
      } catch (e) {
        return e;
      }
      throw new Error('expected a ConfigError');
    };
    expect(bad({ team: 'no spaces' })).toMatchObject({ name: 'ConfigError', path: 'redisChannel.team', value: 'no spaces' });
    expect(bad({ team: 'a', redis: 'http://u:hunter2@127.0.0.1' })).toMatchObject({ path: 'redisChannel.redis', value: 'http://u:***@127.0.0.1' });
    expect(bad({ team: 'a', keyPrefix: '' })).toMatchObject({ path: 'redisChannel.keyPrefix' });
    expect(bad({ team: 'a', heartbeatIntervalMs: 0 })).toMatchObject({ path: 'redisChannel.heartbeatIntervalMs', value: 0 });
    expect(bad({ team: 'a', pollIntervalMs: -1 })).toMatchObject({ path: 'redisChannel.pollIntervalMs' });
    expect(bad({ team: 'a', timeoutMs: 'soon' })).toMatchObject({ path: 'redisChannel.timeoutMs' });
    expect(bad({ team: 'a', clock: {} })).toMatchObject({ path: 'redisChannel.clock' });
    expect(bad({ team: 'a', url: 'redis://u:hunter2@127.0.0.1' })).toMatchObject({ path: 'redisChannel.url', value: 'url' });
    expect(bad({ team: 'a', pollMs: 5 })).toMatchObject({ message: 'redisChannel.pollMs: unknown option; did you mean pollIntervalMs?' });
  });
});
