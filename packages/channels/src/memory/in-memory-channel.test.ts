import { ConfigError } from '@rampart/core';
import { flushMicrotasks } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelHandlerError } from '../channel-handler-error.js';
import { ChannelClosedError } from '../errors/channel-closed-error.js';
import { InvalidMessageError } from '../errors/invalid-message-error.js';
import { RecipientUnavailableError } from '../errors/recipient-unavailable-error.js';
import { createMessage, MessagePriority, type ChannelMessage } from '../message.js';
import { InMemoryBus } from './in-memory-bus.js';
import { InMemoryChannel } from './in-memory-channel.js';

const open: InMemoryChannel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function channel(team: string, bus: InMemoryBus, options: { maxQueued?: number } = {}): Promise<InMemoryChannel> {
  const c = new InMemoryChannel({ team, bus, ...options });
  open.push(c);
  await c.start();
  return c;
}

function received(c: InMemoryChannel): ChannelMessage[] {
  const got: ChannelMessage[] = [];
  c.onMessage((m) => {
    got.push(m);
  });
  return got;
}

const msg = (type: string, priority: MessagePriority = MessagePriority.NORMAL, payload: unknown = null) =>
  createMessage({ sender: 'a', recipient: 'b', type, priority, payload });

describe('InMemoryChannel', () => {
  it('delivers to the recipient asynchronously, never inside send', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    const b = await channel('b', bus);
    const got = received(b);
    const sending = a.send(msg('hello'));
    expect(got).toEqual([]);
    await sending;
    await flushMicrotasks();
    expect(got.map((m) => m.type)).toEqual(['hello']);
  });

  it('delivers a burst highest priority first, then in send order', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    const b = await channel('b', bus);
    const got = received(b);
    await Promise.all([
      a.send(msg('low-1', MessagePriority.LOW)),
      a.send(msg('normal-1')),
      a.send(msg('critical-1', MessagePriority.CRITICAL)),
      a.send(msg('low-2', MessagePriority.LOW)),
      a.send(msg('high-1', MessagePriority.HIGH)),
      a.send(msg('normal-2')),
    ]);
    await flushMicrotasks();
    expect(got.map((m) => m.type)).toEqual(['critical-1', 'high-1', 'normal-1', 'normal-2', 'low-1', 'low-2']);
  });

  it('rejects with RecipientUnavailableError when the recipient has no open channel or no handler', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    await expect(a.send(msg('x'))).rejects.toMatchObject({ name: 'RecipientUnavailableError', recipient: 'b', reason: 'not_open' });
    const b = await channel('b', bus);
    await expect(a.send(msg('x'))).rejects.toBeInstanceOf(RecipientUnavailableError); // started, but nobody listens
    received(b);
    await expect(a.send(msg('x'))).resolves.toBeUndefined();
    await b.close();
    await expect(a.send(msg('x'))).rejects.toMatchObject({ reason: 'not_open' });
  });

  it('rejects with queue_full past maxQueued', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    const b = await channel('b', bus, { maxQueued: 2 });
    const got = received(b);
    const sends = [a.send(msg('1')), a.send(msg('2')), a.send(msg('3'))];
    await expect(sends[2]).rejects.toMatchObject({ reason: 'queue_full' });
    await Promise.all(sends.slice(0, 2));
    await flushMicrotasks();
    expect(got.map((m) => m.type)).toEqual(['1', '2']);
  });

  it('rejects with ChannelClosedError when the sending channel is not open', async () => {
    const bus = new InMemoryBus();
    const a = new InMemoryChannel({ team: 'a', bus });
    await expect(a.send(msg('x'))).rejects.toBeInstanceOf(ChannelClosedError);
    await a.start();
    await a.close();
    await expect(a.send(msg('x'))).rejects.toMatchObject({ kind: 'memory', team: 'a' });
  });

  it('delivers a copy: changing the payload after send changes nothing', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    const got = received(await channel('b', bus));
    const payload = { items: [1, 2] };
    const sending = a.send(msg('x', MessagePriority.NORMAL, payload));
    payload.items.push(3);
    await sending;
    await flushMicrotasks();
    expect(got[0]!.payload).toEqual({ items: [1, 2] });
  });

  it('rejects an invalid message with InvalidMessageError naming the field', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    received(await channel('b', bus));
    const bad = { ...msg('x'), priority: 7 } as unknown as ChannelMessage;
    await expect(a.send(bad)).rejects.toBeInstanceOf(InvalidMessageError);
    await expect(a.send(bad)).rejects.toThrow(/priority/);
  });

  it('close() hands messages already queued to the handler before it returns', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    const b = await channel('b', bus);
    const got = received(b);
    void a.send(msg('queued'));
    await b.close();
    expect(got.map((m) => m.type)).toEqual(['queued']);
  });

  it('reports a handler that throws or rejects through onHandlerError', async () => {
    const bus = new InMemoryBus();
    const a = await channel('a', bus);
    const b = await channel('b', bus);
    const errors: ChannelHandlerError[] = [];
    b.onHandlerError((e) => errors.push(e));
    b.onMessage(async (m) => {
      if (m.type === 'reject') throw new Error('rejected');
    });
    await a.send(msg('reject'));
    await a.send(msg('fine'));
    await flushMicrotasks();
    expect(errors.map((e) => [e.message.type, (e.error as Error).message, e.kind, e.team])).toEqual([['reject', 'rejected', 'memory', 'b']]);
  });

  it('one open channel per team on a bus; the default bus is shared', async () => {
    const bus = new InMemoryBus();
    await channel('a', bus);
    await expect(channel('a', bus)).rejects.toBeInstanceOf(ConfigError);
    expect(new InMemoryChannel({ team: 'z' }).bus).toBe(InMemoryBus.default);
    expect(bus.teams()).toEqual(['a']);
  });

  it('is healthy while started', async () => {
    const c = new InMemoryChannel({ team: 'a', bus: new InMemoryBus() });
    expect((await c.healthCheck()).healthy).toBe(false);
    await c.start();
    expect(await c.healthCheck()).toMatchObject({ healthy: true, details: { queued: 0 } });
    await c.close();
    expect(await c.healthCheck()).toMatchObject({ healthy: false, error: 'not started' });
  });

  it('allows one handler at a time', async () => {
    const c = await channel('a', new InMemoryBus());
    const sub = c.onMessage(() => undefined);
    expect(() => c.onMessage(() => undefined)).toThrow(ConfigError);
    sub.dispose();
    expect(() => c.onMessage(() => undefined)).not.toThrow();
  });

  it('validates its options with ConfigError naming the path', () => {
    expect(() => new InMemoryChannel({ team: '../x' })).toThrow(expect.objectContaining({ path: 'InMemoryChannel.team', value: '../x' }));
    expect(() => new InMemoryChannel({ team: 'a', maxQueued: 0 })).toThrow(expect.objectContaining({ path: 'InMemoryChannel.maxQueued' }));
    expect(() => new InMemoryChannel({ team: 'a', bus: {} as InMemoryBus })).toThrow(expect.objectContaining({ path: 'InMemoryChannel.bus' }));
  });
});
