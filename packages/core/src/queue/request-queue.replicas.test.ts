// Two RequestQueues sharing one store, as two replicas of a team share a RedisStateStore: leases,
// outcomes settled by the other replica, the idempotency key, and outcomes kept until written.
import { describe, expect, it } from 'vitest';
import { ResourceType } from '../resource/resource-types.js';
import { MemoryStore } from '../store/memory-store.js';
import type { StateStore } from '../store/state-store.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { currentReplay, type ReplayInfo } from './current-replay.js';
import type { QueueWarning } from './queue-entry.js';
import { RequestQueue } from './request-queue.js';

const NETWORK = ResourceType.NETWORK;
const identity = { className: 'Mailer', method: 'send' };

/** A MemoryStore whose writes fail while `down` (what a RedisStateStore does while Redis is unreachable). */
class FlakyStore extends MemoryStore implements StateStore {
  down = false;
  override async set(key: string, value: unknown): Promise<void> {
    if (this.down) throw new Error('store unreachable');
    return super.set(key, value);
  }
}

/**
 * A MemoryStore whose writes, while `timingOut`, reject (as a RedisStateStore's do after commandTimeoutMs)
 * but are applied later by {@link land} (as ioredis sends the commands it held once Redis is back).
 */
class LateStore extends MemoryStore implements StateStore {
  timingOut = false;
  readonly held: Array<() => Promise<void>> = [];
  override async set(key: string, value: unknown): Promise<void> {
    if (!this.timingOut) return super.set(key, value);
    this.held.push(() => super.set(key, value));
    throw new Error('SET got no answer within 2000 ms (commandTimeoutMs)');
  }
  /** Redis is back: the held writes land in the order they were sent. */
  async land(): Promise<void> {
    this.timingOut = false;
    for (const write of this.held.splice(0)) await write();
  }
}

/** A LateStore that is also unreachable for leases and reads while its writes time out. */
class DownLateStore extends LateStore {
  override async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.timingOut) throw new Error('store unreachable');
    return super.claim(key, owner, ttlMs);
  }
}

function replica(store: StateStore, clock: FakeClock, extra: { maxUnwrittenOutcomes?: number } = {}) {
  const warnings: QueueWarning[] = [];
  const queue = new RequestQueue({
    team: 't',
    maxQueueSize: 100,
    maxWaitMs: 60_000,
    retryIntervalMs: 100,
    resultRetentionMs: 60_000,
    maxRetainedResults: 100,
    store,
    pollOnTimer: () => false,
    replayDue: () => true,
    redact: (s) => s,
    clock,
    ...extra,
  });
  queue.onWarning((w) => warnings.push(w));
  return { queue, warnings };
}

const failing = async (): Promise<never> => Promise.reject(Object.assign(new Error('down'), { status: 503 }));

describe('RequestQueue replicas over one store', () => {
  it("a request replayed by another replica under its lease answers this replica's caller with the stored result, without running here", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const a = replica(store, clock);
    const b = replica(store, clock);
    let ranInA = 0;
    const answer = a.queue.enqueue({ resource: NETWORK, priority: 0, identity, argsJson: '["x"]', replay: async () => ++ranInA });
    await flushMicrotasks();
    await b.queue.restore(); // B holds A's stored request; its caller is in A
    const seen: Array<ReplayInfo | undefined> = [];
    b.queue.attachTarget(identity, async (args) => {
      seen.push(currentReplay());
      return `sent ${String(args[0])}`;
    });
    await b.queue.drain(NETWORK);
    const id = seen[0]!.requestId;
    expect(seen).toEqual([{ requestId: id, idempotencyKey: `t/${id}`, replay: 1 }]);
    expect(b.queue.get(id)).toMatchObject({ status: 'succeeded', result: 'sent x' });

    await a.queue.drain(NETWORK); // claims, re-reads: settled by B
    expect(await answer).toBe('sent x');
    expect(ranInA).toBe(0);
    expect(currentReplay()).toBeUndefined();
    await Promise.all([a.queue.stop(), b.queue.stop()]);
  });

  it('a replica skips a request another holds the lease on, and takes it once that lease is released', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const a = replica(store, clock);
    const b = replica(store, clock);
    let finish!: (v: string) => void;
    let runsInA = 0;
    const answer = a.queue.enqueue({
      resource: NETWORK,
      priority: 0,
      identity,
      argsJson: '[]',
      replay: () => (++runsInA === 1 ? failing() : new Promise<string>((resolve) => (finish = resolve))),
    });
    await flushMicrotasks();
    await b.queue.restore();
    await a.queue.drain(NETWORK); // first replay fails: still queued
    const draining = a.queue.drain(NETWORK); // second replay runs under A's lease
    for (let i = 0; i < 10 && runsInA < 2; i++) await flushMicrotasks();
    expect(runsInA).toBe(2);
    let runsInB = 0;
    b.queue.attachTarget(identity, async () => ++runsInB); // B drains its restored request: A holds the lease
    await b.queue.drain(NETWORK);
    expect(runsInB).toBe(0);
    finish('from A');
    await draining;
    expect(await answer).toBe('from A');
    await flushMicrotasks();
    await b.queue.drain(NETWORK); // the lease is free now, and the stored record says succeeded
    expect(runsInB).toBe(0);
    await Promise.all([a.queue.stop(), b.queue.stop()]);
  });

  it('an outcome the store refuses is kept and retried until written; beyond the bound it is reported, not kept', async () => {
    const clock = new FakeClock();
    const store = new FlakyStore();
    const a = replica(store, clock, { maxUnwrittenOutcomes: 1 });
    const first = a.queue.enqueue({ resource: NETWORK, priority: 0, identity, argsJson: '[1]', replay: async () => 'one' });
    const second = a.queue.enqueue({ resource: NETWORK, priority: 0, identity, argsJson: '[2]', replay: async () => 'two' });
    await flushMicrotasks();
    store.down = true;
    await a.queue.drain(NETWORK);
    expect([await first, await second]).toEqual(['one', 'two']); // callers are answered during the outage
    await flushMicrotasks();
    expect(a.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^could not record a queued request outcome; it is kept and retried until written/),
      expect.stringMatching(/^could not record a queued request outcome, and 1 others wait to be written: this one is not retried/),
    ]);
    const statuses = async () => (await store.entries('t/queue/')).map(([, v]) => (v as { status: string }).status).sort();
    clock.tick(1_000);
    await flushMicrotasks();
    expect(await statuses()).toEqual(['queued', 'queued']); // still down
    store.down = false;
    clock.tick(1_000);
    await flushMicrotasks();
    expect(await statuses()).toEqual(['queued', 'succeeded']); // the kept one is written; the reported one is not
    await a.queue.stop();
  });

  it('a request whose first write timed out but landed later is not replayed by another replica: its outcome is written after it', async () => {
    const clock = new FakeClock();
    const store = new LateStore();
    const a = replica(store, clock);
    store.timingOut = true;
    let runs = 0;
    const answer = a.queue.enqueue({ resource: NETWORK, priority: 0, identity, argsJson: '["x"]', replay: async () => `sent ${++runs}` });
    await flushMicrotasks();
    expect(a.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^could not persist a queued request/)]);
    await a.queue.drain(NETWORK); // answered here during the outage; its outcome write times out too
    expect(await answer).toBe('sent 1');
    await flushMicrotasks();
    await store.land(); // the record's first write lands, then the outcome's
    clock.tick(1_000); // the kept outcome is written again
    await flushMicrotasks();
    const records = (await store.entries('t/queue/')).map(([, v]) => v as { status: string; result: unknown });
    expect(records).toEqual([expect.objectContaining({ status: 'succeeded', result: 'sent 1' })]);

    const b = replica(store, clock); // another replica (or a restart) reads the store
    await b.queue.restore();
    let runsInB = 0;
    b.queue.attachTarget(identity, async () => `sent in B ${++runsInB}`);
    await b.queue.drain(NETWORK);
    expect(runsInB).toBe(0);
    expect(runs).toBe(1);
    await Promise.all([a.queue.stop(), b.queue.stop()]);
  });

  it('a request replayed here while the store was unreachable gets its lease once the store is back, so another replica reading its late record skips it', async () => {
    const clock = new FakeClock();
    const store = new DownLateStore();
    const a = replica(store, clock);
    store.timingOut = true;
    let finish!: (v: string) => void;
    let runsInA = 0;
    const answer = a.queue.enqueue({ resource: NETWORK, priority: 0, identity, argsJson: '["x"]', replay: () => (++runsInA, new Promise<string>((resolve) => (finish = resolve))) });
    await flushMicrotasks();
    const draining = a.queue.drain(NETWORK); // no lease to be had: replayed here, a long call
    for (let i = 0; i < 10 && runsInA < 1; i++) await flushMicrotasks();
    expect(runsInA).toBe(1);
    await store.land(); // the store is back and the first write lands: the record reads 'queued'
    clock.tick(1_000); // A claims the lease it could not take before
    await flushMicrotasks();

    const b = replica(store, clock);
    await b.queue.restore();
    let runsInB = 0;
    b.queue.attachTarget(identity, async () => `sent in B ${++runsInB}`);
    await b.queue.drain(NETWORK);
    expect(runsInB).toBe(0); // leased by A (without the pursued lease, B replayed it while A still ran it)

    finish('from A');
    await draining;
    expect(await answer).toBe('from A');
    await flushMicrotasks();
    await b.queue.drain(NETWORK); // the outcome is stored and the lease released: settled, not replayed
    expect(runsInB).toBe(0);
    const records = (await store.entries('t/queue/')).map(([, v]) => v as { status: string; result: unknown });
    expect(records).toEqual([expect.objectContaining({ status: 'succeeded', result: 'from A' })]);
    expect(a.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^could not persist a queued request/), expect.stringMatching(/^the store is unreachable: queued requests awaited here are replayed here without a lease/)]);
    await Promise.all([a.queue.stop(), b.queue.stop()]);
  });
});
