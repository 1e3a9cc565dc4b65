import { FileStore } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TempDirs } from '../__fixtures__/eventually.js';
import { createMessage, MessagePriority } from '../message.js';
import { Outbox } from './outbox.js';

const dirs = new TempDirs();
afterEach(() => dirs.cleanUp());

describe('Outbox over a FileStore', () => {
  it('lists by priority, then timestamp, then the order of queueing, also after a reload', async () => {
    const store = new FileStore(await dirs.make('outbox'));
    const outbox = new Outbox(store, 'a');
    const at = 1_700_000_000_000;
    const make = (n: number, priority: MessagePriority, timestamp = at) =>
      createMessage({ sender: 'a', recipient: 'b', type: 'work', payload: n, priority }, timestamp);
    const queued = [make(1, 2), make(2, 2), make(3, 4, at + 5), make(4, 2), make(5, 2, at - 1), make(6, 1), make(7, 2)];
    for (const m of queued) await outbox.put(m);
    const order = [3, 5, 1, 2, 4, 7, 6];
    expect((await outbox.list()).entries.map((e) => e.message.payload)).toEqual(order);

    const reloaded = new Outbox(store, 'a');
    expect((await reloaded.list()).entries.map((e) => e.message.payload)).toEqual(order);
    expect(reloaded.depth).toBe(7);
    await reloaded.put(make(8, 2)); // queued after the reload: after the others of its priority and time
    expect((await reloaded.list()).entries.map((e) => e.message.payload)).toEqual([3, 5, 1, 2, 4, 7, 8, 6]);
  });

  it('leaves entries that are not messages in the store and names them', async () => {
    const store = new FileStore(await dirs.make('invalid'));
    await store.set('channels/a/outbox/x', { message: { id: 'x' }, seq: 1 });
    const outbox = new Outbox(store, 'a');
    expect(await outbox.list()).toEqual({ entries: [], invalid: ['channels/a/outbox/x'] });
    expect(await store.get('channels/a/outbox/x')).toBeDefined();
  });
});
