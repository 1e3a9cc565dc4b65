import { circuitBreakers, ConfigError, MemoryStore } from '@rampart/core';
import { capturingLogger, FakeClock, flushMicrotasks } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelsStoppedError } from '../errors/channels-stopped-error.js';
import { ChannelsUnavailableError } from '../errors/channels-unavailable-error.js';
import { RemoteHandlerError } from '../errors/remote-handler-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { InMemoryBus } from '../memory/in-memory-bus.js';
import { InMemoryChannel } from '../memory/in-memory-channel.js';
import { createMessage, MessagePriority, type ChannelMessage } from '../message.js';
import type { ChannelSwitch, HandlerFailure, UndeliverableMessage, UnhandledMessage } from './team-channels-events.js';
import { TeamChannels } from './team-channels.js';
import type { TeamChannelsOptions } from './team-channels-options.js';

const running: TeamChannels[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
});

const CHECK_MS = 1_000;

/** A team on `bus` with one in-memory channel. */
function team(name: string, bus: InMemoryBus, clock: FakeClock, options: Partial<TeamChannelsOptions> = {}): TeamChannels & { memory: InMemoryChannel } {
  const memory = new InMemoryChannel({ team: name, bus });
  const t = new TeamChannels({ team: name, channels: [memory], clock, healthCheckIntervalMs: CHECK_MS, ...options });
  running.push(t);
  return Object.assign(t, { memory });
}

async function pair(options: Partial<TeamChannelsOptions> = {}) {
  const bus = new InMemoryBus();
  const clock = new FakeClock();
  const a = team('a', bus, clock, options);
  const b = team('b', bus, clock, options);
  await Promise.all([a.start(), b.start()]);
  return { bus, clock, a, b };
}

describe('TeamChannels over an in-memory channel', () => {
  it('sends to a handler of the type, and answers a request with what the handler returns', async () => {
    const { a, b } = await pair();
    const seen: ChannelMessage[] = [];
    b.handle('note', (m) => void seen.push(m));
    b.handle('add', (m) => {
      const { x, y } = m.payload as { x: number; y: number };
      return { sum: x + y };
    });
    const sent = await a.send('b', 'note', { text: 'hi' }, { priority: MessagePriority.HIGH });
    expect(sent).toMatchObject({ channel: 'memory', queued: false });
    expect(await a.request('b', 'add', { x: 2, y: 3 })).toEqual({ sum: 5 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: sent.id, sender: 'a', recipient: 'b', type: 'note', payload: { text: 'hi' }, priority: 3, attempts: 1 });
    expect(a.getHealth().channels[0]).toMatchObject({ kind: 'memory', healthy: true, circuit: 'closed', sent: 2, received: 1 });
  });

  it('carries 100 requests in flight at once without a MaxListenersExceededWarning on its stop signal', async () => {
    const { a, b } = await pair();
    b.handle('echo', (m) => m.payload);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => a.request('b', 'echo', i)));
      expect(replies).toEqual(Array.from({ length: 100 }, (_, i) => i));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejects a request with RequestTimeoutError on the clock when no reply comes', async () => {
    const { a, b, clock } = await pair();
    let release!: () => void;
    b.handle('slow', () => new Promise<void>((r) => (release = r)));
    const reply = a.request('b', 'slow', null, { timeoutMs: 5_000 });
    const outcome = reply.catch((e: unknown) => e);
    await clock.tickAsync(4_999);
    expect(a.getHealth().pendingRequests).toBe(1);
    await clock.tickAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ recipient: 'b', type: 'slow', timeoutMs: 5_000 });
    release();
  });

  it('an error reply rejects with RemoteHandlerError carrying the remote message, redacted', async () => {
    const { a, b } = await pair();
    const failures: HandlerFailure[] = [];
    b.onHandlerError((f) => failures.push(f));
    b.handle('connect', () => {
      throw new TypeError('cannot reach postgres://app:hunter2@db:5432/x');
    });
    const error = (await a.request('b', 'connect').catch((e: unknown) => e)) as RemoteHandlerError;
    expect(error).toBeInstanceOf(RemoteHandlerError);
    expect(error).toMatchObject({ recipient: 'b', type: 'connect', remoteName: 'TypeError' });
    expect(error.remoteMessage).toContain('postgres://app:');
    expect(error.message).not.toContain('hunter2');
    expect(failures.map((f) => [f.message.type, f.replied])).toEqual([['connect', true]]);
  });

  it('a message without a handler is reported; a request without one gets an error reply', async () => {
    const { a, b } = await pair();
    const unhandled: UnhandledMessage[] = [];
    b.onUnhandled((u) => unhandled.push(u));
    await a.send('b', 'nobody');
    await expect(a.request('b', 'nobody-either')).rejects.toMatchObject({ name: 'RemoteHandlerError', remoteName: 'NoHandler' });
    expect(unhandled.map((u) => [u.message.type, u.reason])).toEqual([
      ['nobody', 'no_handler'],
      ['nobody-either', 'no_handler'],
    ]);
  });

  it('drops a second delivery of the same message id and counts it', async () => {
    const { a, b } = await pair();
    let handled = 0;
    b.handle('once', () => void handled++);
    const message = createMessage({ sender: 'a', recipient: 'b', type: 'once' });
    await a.memory.send(message);
    await a.memory.send(message);
    await flushMicrotasks();
    expect(handled).toBe(1);
    expect(b.getHealth()).toMatchObject({ duplicatesDropped: 1, channels: [{ received: 2 }] });
  });

  it('reports an expired message instead of handling it', async () => {
    const { a, b, clock } = await pair();
    let handled = 0;
    b.handle('late', () => void handled++);
    const undeliverable: UndeliverableMessage[] = [];
    b.onUndeliverable((u) => undeliverable.push(u));
    await a.memory.send(createMessage({ sender: 'a', recipient: 'b', type: 'late', ttlMs: 10 }, clock.wallNow() - 1_000));
    await flushMicrotasks();
    expect(handled).toBe(0);
    expect(undeliverable.map((u) => [u.message.type, u.where, u.reason])).toEqual([['late', 'inbound', 'expired']]);
  });

  it('keeps a message no channel takes in the outbox, and resends in priority order once one does', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const outbox = new MemoryStore();
    const a = team('a', bus, clock, { outbox });
    await a.start();
    const low = await a.send('b', 'work', 'low', { priority: MessagePriority.LOW });
    const critical = await a.send('b', 'work', 'critical', { priority: MessagePriority.CRITICAL });
    expect(low).toEqual({ id: low.id, channel: undefined, queued: true });
    expect(critical.queued).toBe(true);
    expect(a.getHealth().outboxDepth).toBe(2);
    expect((await outbox.entries('channels/a/outbox/')).map(([k]) => k).sort()).toEqual([`channels/a/outbox/${low.id}`, `channels/a/outbox/${critical.id}`].sort());

    const b = team('b', bus, clock);
    const got: ChannelMessage[] = [];
    b.handle('work', (m) => void got.push(m));
    await b.start();
    await clock.tickAsync(CHECK_MS);
    await a.checkHealth();
    await flushMicrotasks();
    expect(got.map((m) => m.payload)).toEqual(['critical', 'low']);
    expect(got.map((m) => m.attempts)).toEqual([2, 2]); // one failed try, then the resend
    expect(a.getHealth().outboxDepth).toBe(0);
    expect(await outbox.entries('channels/a/outbox/')).toEqual([]);
  });

  it('reports a queued message that expires, and removes it from the outbox', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const a = team('a', bus, clock);
    await a.start();
    const undeliverable: UndeliverableMessage[] = [];
    a.onUndeliverable((u) => undeliverable.push(u));
    const { id } = await a.send('b', 'work', null, { ttlMs: 1_500 });
    await a.send('b', 'work', 'no ttl');
    await clock.tickAsync(CHECK_MS);
    await a.checkHealth();
    expect(undeliverable).toEqual([]);
    await clock.tickAsync(CHECK_MS);
    await a.checkHealth();
    expect(undeliverable.map((u) => [u.message.id, u.where, u.reason])).toEqual([[id, 'outbox', 'expired']]);
    expect(a.getHealth().outboxDepth).toBe(1);
  });

  it('with queueOnFailure: false, rejects with ChannelsUnavailableError listing every channel', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const a = team('a', bus, clock, { queueOnFailure: false });
    await a.start();
    const error = (await a.send('b', 'work').catch((e: unknown) => e)) as ChannelsUnavailableError;
    expect(error).toBeInstanceOf(ChannelsUnavailableError);
    expect(error.attempts).toMatchObject([{ kind: 'memory', outcome: 'failed', error: { name: 'RecipientUnavailableError' } }]);
    expect(error.message).toContain('has no open memory channel');
    expect(a.getHealth().outboxDepth).toBe(0);
  });

  it('stop() rejects pending requests, refuses new sends, keeps the outbox, and leaves no timer', async () => {
    const { a, b, clock } = await pair();
    const outboxStore = new MemoryStore();
    const c = team('c', new InMemoryBus(), clock, { outbox: outboxStore });
    await c.start();
    await c.send('nobody', 'x');
    b.handle('never', () => new Promise(() => undefined));
    const pending = a.request('b', 'never').catch((e: unknown) => e);
    await flushMicrotasks();
    await Promise.all([a.stop(), b.stop(), c.stop()]);
    expect(await pending).toBeInstanceOf(ChannelsStoppedError);
    await expect(a.send('b', 'x')).rejects.toBeInstanceOf(ChannelsStoppedError);
    expect(await outboxStore.entries('channels/c/outbox/')).toHaveLength(1);
    await clock.tickAsync(1); // the deadline scheduler's epoch closes (≤ 1 ms)
    expect(clock.pendingTimers).toBe(0);
  });

  it('a channel that fails to start counts as unhealthy and is started again by a later health check', async () => {
    const bus = new InMemoryBus();
    const clock = new FakeClock();
    const squatter = new InMemoryChannel({ team: 'a', bus });
    await squatter.start(); // holds team a's mailbox on this bus
    const a = team('a', bus, clock);
    await a.start();
    expect(a.getHealth()).toMatchObject({ activeChannel: undefined, channels: [{ healthy: false, lastError: expect.stringContaining('already has an open InMemoryChannel') }] });
    await squatter.close();
    await clock.tickAsync(CHECK_MS);
    await a.checkHealth();
    expect(a.getHealth()).toMatchObject({ activeChannel: 'memory', channels: [{ healthy: true }] });
  });

  it('opens the channel circuit after repeated failures, skips it, and returns to it after recovery', async () => {
    const { a, b, clock } = await pair({ failureThreshold: 3, recoveryTimeoutMs: 2 * CHECK_MS });
    const got: unknown[] = [];
    b.handle('work', (m) => void got.push(m.payload));
    const switches: ChannelSwitch[] = [];
    a.onChannelSwitch((s) => switches.push(s));
    await a.memory.close(); // a's own channel breaks; its last health check still said healthy
    for (const n of [1, 2, 3]) expect(await a.send('b', 'work', n)).toMatchObject({ queued: true });
    expect(a.getHealth().channels[0]).toMatchObject({ circuit: 'open', failures: 3, lastError: expect.stringContaining('ChannelClosedError') });
    expect(switches).toEqual([{ team: 'a', from: 'memory', to: undefined, reason: 'circuit_open', error: expect.stringContaining('not open') }]);
    expect(await a.send('b', 'work', 4)).toMatchObject({ queued: true });
    expect(a.getHealth()).toMatchObject({ outboxDepth: 4, channels: [{ failures: 3 }] }); // skipped while open: no 4th try
    expect(circuitBreakers.list().some((br) => br.name.startsWith('channels/'))).toBe(false); // not in the process-wide registry

    await a.memory.start();
    await clock.tickAsync(2 * CHECK_MS);
    await a.checkHealth(); // healthy again, circuit half-open: the outbox goes out in the order it was queued
    await flushMicrotasks();
    expect(got).toEqual([1, 2, 3, 4]);
    expect(a.getHealth()).toMatchObject({ activeChannel: 'memory', outboxDepth: 0, channels: [{ circuit: 'closed' }] });
    expect(switches.at(-1)).toEqual({ team: 'a', from: undefined, to: 'memory', reason: 'recovered' });
  });

  it('answers ping() with its status', async () => {
    const { a, clock } = await pair();
    expect(await a.ping('b')).toEqual({ team: 'b', status: 'online', activeChannel: 'memory', channels: ['memory'], outboxDepth: 0, timestamp: clock.wallNow() });
  });

  it('logs events through a pino-compatible logger, bound to the team', async () => {
    const lines: Array<{ level: string; bindings: Record<string, unknown>; object: object; message?: string }> = [];
    const logger = (bindings: Record<string, unknown>) => {
      const at = (level: string) => (object: object, message?: string) => void lines.push({ level, bindings, object, message });
      return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    };
    const { a } = await pair({ logger: { ...logger({}), child: (b) => logger(b) } });
    await a.send('b', 'unknown-type');
    await flushMicrotasks();
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', bindings: { team: 'b', component: 'channels' }, message: 'message unhandled' }));
  });

  it('logs a failed handler through pino with the error’s class, message and stack, without a URL password', async () => {
    const { logger, lines } = capturingLogger();
    const { a, b } = await pair({ logger });
    class OrderRejected extends Error {
      override name = 'OrderRejected';
    }
    b.handle('order', () => {
      throw new OrderRejected('ledger at postgres://app:hunter2@db:5432/x refused it');
    });
    await a.request('b', 'order').catch(() => undefined);
    const failed = lines.map((l) => JSON.parse(l) as { msg: string; err?: { type: string; message: string; stack: string } }).find((l) => l.msg === 'handler failed');
    expect(failed?.err).toMatchObject({ type: 'OrderRejected', message: 'ledger at postgres://app:[redacted]@db:5432/x refused it' });
    expect(failed?.err?.stack).toMatch(/^OrderRejected: ledger at postgres:\/\/app:\[redacted\]@db[^\n]*\n\s+at /);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('validates its options with ConfigError naming the path', () => {
    const bus = new InMemoryBus();
    const m = new InMemoryChannel({ team: 'a', bus });
    expect(() => new TeamChannels({ team: 'a', channels: [] })).toThrow(expect.objectContaining({ path: 'TeamChannels.channels' }));
    expect(() => new TeamChannels({ team: 'a', channels: [m, new InMemoryChannel({ team: 'a', bus })] })).toThrow(
      expect.objectContaining({ path: 'TeamChannels.channels[1].kind' }),
    );
    expect(() => new TeamChannels({ team: 'b', channels: [m] })).toThrow(expect.objectContaining({ path: 'TeamChannels.channels[0].team' }));
    expect(() => new TeamChannels({ team: 'a', channels: [m], healthCheckIntervalMs: 0 })).toThrow(ConfigError);
    expect(() => new TeamChannels({ team: 'a', channels: [m], outbox: {} as MemoryStore })).toThrow(expect.objectContaining({ path: 'TeamChannels.outbox' }));
  });

  it('rejects a bad recipient or type with ConfigError', async () => {
    const { a } = await pair();
    await expect(a.send('../etc', 'x')).rejects.toMatchObject({ name: 'ConfigError', path: 'recipient' });
    await expect(a.send('b', '')).rejects.toMatchObject({ name: 'ConfigError', path: 'type' });
    expect(() => a.handle('', () => undefined)).toThrow(expect.objectContaining({ path: 'handle.type' }));
  });
});
