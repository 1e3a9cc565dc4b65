import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runTypeScript } from '../../../../test/support/child-process.js';
import type { TimerHandle } from '../clock/clock.js';
import { ResourceType } from '../resource/resource-types.js';
import { FileStore } from '../store/file-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import type { EnqueueRequest } from './queue-entry.js';
import { QueueTimeoutError } from './queue-timeout-error.js';
import type { QueuedRequest } from './queued-request.js';
import { EXPIRY_CHUNK, RequestQueue, type RequestQueueOptions } from './request-queue.js';

const NETWORK = ResourceType.NETWORK;

/** A FakeClock that counts how many requests each timer callback settles. */
class TurnClock extends FakeClock {
  turns: number[] = [];
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    return super.setTimeout(this.#counted(fn), ms);
  }
  override setBackgroundTimeout(fn: () => void, ms: number): TimerHandle {
    return super.setBackgroundTimeout(this.#counted(fn), ms);
  }
  settledOne(): void {
    if (this.turns.length > 0) this.turns[this.turns.length - 1]!++;
  }
  #counted(fn: () => void): () => void {
    return () => {
      this.turns.push(0);
      fn();
    };
  }
}

function setup(options: Partial<RequestQueueOptions> & { clock?: TurnClock } = {}) {
  const clock = options.clock ?? new TurnClock();
  const counts = { polls: 0 };
  const queue = new RequestQueue({
    team: 't',
    maxQueueSize: 100_000,
    maxWaitMs: 1_000,
    retryIntervalMs: 100,
    resultRetentionMs: 10_000,
    maxRetainedResults: 1_000,
    store: undefined,
    pollOnTimer: () => {
      counts.polls++;
      return false;
    },
    replayDue: () => true,
    redact: (s) => s,
    ...options,
    clock,
  });
  const queued: QueuedRequest[] = [];
  const settled: QueuedRequest[] = [];
  queue.onQueued((r) => queued.push(r));
  queue.onSettled((r) => {
    settled.push(r);
    clock.settledOne();
  });
  /** Park a call (its rejection is kept, not thrown); flush microtasks to let enqueue finish. */
  const park = (req: Partial<EnqueueRequest> = {}) => {
    queue.enqueue({ resource: NETWORK, priority: 0, replay: async () => 'ok', ...req }).catch(() => undefined);
  };
  return { clock, queue, queued, settled, counts, park };
}

/** The most heap comparisons one insertion or removal may make with `n` requests held. */
const bound = (n: number) => 2 * Math.ceil(Math.log2(n + 1)) + 2;

describe('RequestQueue: settled results are bounded', () => {
  it('keeps at most maxRetainedResults outcomes, the oldest leaving first; each is readable from the moment it settles', async () => {
    const { queue, queued, settled, park } = setup({ maxRetainedResults: 3 });
    for (let i = 0; i < 5; i++) park({ replay: async () => `r${i}` });
    await flushMicrotasks();
    const seen: unknown[] = [];
    queue.onSettled((r) => seen.push(queue.get(r.id)?.result)); // readable as soon as it settles
    await queue.drain(NETWORK);
    expect(seen).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(settled.map((r) => r.status)).toEqual(Array(5).fill('succeeded'));
    expect(queued.map((r) => queue.get(r.id)?.result)).toEqual([undefined, undefined, 'r2', 'r3', 'r4']);
    await queue.stop();
  });

  it('keeps an outcome resultRetentionMs (monotonic) after it settled, then drops it', async () => {
    const { clock, queue, queued, park } = setup({ resultRetentionMs: 5_000 });
    park();
    await flushMicrotasks();
    await queue.drain(NETWORK);
    clock.tick(5_000);
    expect(queue.get(queued[0]!.id)).toMatchObject({ status: 'succeeded', result: 'ok' });
    clock.tick(1);
    expect(queue.get(queued[0]!.id)).toBeUndefined();
    await queue.stop();
  });

  it('removes a persisted outcome from the store when it leaves the retention', async () => {
    const store = new MemoryStore();
    const { queue, queued, park } = setup({ store, maxRetainedResults: 1 });
    for (const n of [1, 2]) park({ identity: { className: 'Mailer', method: 'send' }, argsJson: `[${n}]` });
    await flushMicrotasks();
    await queue.drain(NETWORK);
    await flushMicrotasks();
    const stored = await store.entries('t/queue/');
    expect(stored.map(([k]) => k)).toEqual([`t/queue/${queued[1]!.id}`]);
    expect(stored[0]![1]).toMatchObject({ status: 'succeeded', result: 'ok' });
    await queue.stop();
  });
});

describe('RequestQueue: scheduling and expiry cost O(log n) per request', () => {
  it('an enqueue, a cancel and a replay compare O(log n) deadlines and ask about O(1) resources, at 1,000 and 16,000 held', async () => {
    const perEnqueuePolls: number[] = [];
    for (const n of [1_000, 16_000]) {
      const { queue, counts, park, clock } = setup();
      for (let i = 0; i < n; i++) {
        park();
        if (i % 100 === 0) clock.tick(1); // deadlines spread over time
      }
      await flushMicrotasks();
      let before = queue.deadlineComparisons;
      const polls = counts.polls;
      const abort = new AbortController();
      park({ signal: abort.signal });
      await flushMicrotasks();
      expect(queue.deadlineComparisons - before).toBeLessThanOrEqual(bound(n));
      perEnqueuePolls.push(counts.polls - polls);
      before = queue.deadlineComparisons;
      abort.abort(new Error('caller gave up'));
      expect(queue.deadlineComparisons - before).toBeLessThanOrEqual(bound(n));
      before = queue.deadlineComparisons;
      await queue.drain(NETWORK); // replays all n, in order
      expect(queue.deadlineComparisons - before).toBeLessThanOrEqual(n * bound(n));
      await queue.stop();
    }
    expect(perEnqueuePolls[0]).toBe(perEnqueuePolls[1]); // not one question per request held
    expect(perEnqueuePolls[0]).toBeLessThanOrEqual(1);
  });

  it('a batch reaching its deadline times out in chunks of EXPIRY_CHUNK per timer turn, O(n log n) comparisons in all', async () => {
    const n = 5_000;
    const { queue, clock, settled, park } = setup({ maxWaitMs: 1_000 });
    for (let i = 0; i < n; i++) park();
    await flushMicrotasks();
    const before = queue.deadlineComparisons;
    clock.tick(999);
    expect(settled).toHaveLength(0);
    clock.turns = [];
    clock.tick(1);
    expect(settled).toHaveLength(n);
    expect(settled.every((r) => r.status === 'failed' && r.error?.name === 'QueueTimeoutError')).toBe(true);
    expect(Math.max(...clock.turns)).toBe(EXPIRY_CHUNK);
    expect(clock.turns.filter((t) => t > 0)).toHaveLength(Math.ceil(n / EXPIRY_CHUNK));
    expect(queue.deadlineComparisons - before).toBeLessThanOrEqual(n * bound(n));
    expect(clock.pendingTimers).toBe(0);
    await queue.stop();
  });

  it('every request times out exactly at its deadline, never before, whatever the enqueue times and steps (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 300 }), priority: fc.integer({ min: -1, max: 1 }) }), { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 30 }),
        async (requests, maxWaitMs, steps) => {
          const { queue, clock, queued, park } = setup({ maxWaitMs });
          const dueAt: number[] = [];
          const rejected = new Map<number, unknown>();
          requests.forEach((r, i) => {
            clock.tick(r.gap);
            dueAt.push(clock.now() + maxWaitMs);
            queue.enqueue({ resource: NETWORK, priority: r.priority, replay: async () => 'ok' }).catch((e: unknown) => rejected.set(i, e));
          });
          await flushMicrotasks();
          for (const step of [...steps, maxWaitMs + 1]) {
            clock.tick(step);
            await flushMicrotasks();
            queued.forEach((r, i) => {
              const expired = dueAt[i]! <= clock.now();
              expect(queue.get(r.id)?.status).toBe(expired ? 'failed' : 'queued');
              expect(rejected.get(i) instanceof QueueTimeoutError).toBe(expired);
            });
          }
          expect(clock.pendingTimers).toBe(0);
          await queue.stop();
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('RequestQueue: time and timers', () => {
  it('holds the process (foreground timers) only while a caller in this process awaits a queued request', async () => {
    const { clock, queue, park } = setup();
    const abort = new AbortController();
    park({ signal: abort.signal });
    await flushMicrotasks();
    expect(clock.pendingForegroundTimers).toBe(1); // the deadline
    abort.abort(new Error('gave up'));
    expect(clock.pendingTimers).toBe(0);
    await queue.stop();
  });

  it('a restored request nobody awaits has a background timer, and its wall-clock deadline becomes monotonic time', async () => {
    const store = new MemoryStore();
    const first = setup({ store, maxWaitMs: 10_000, clock: new TurnClock({ now: 0, wallNow: 1_700_000_000_000 }) });
    first.park({ identity: { className: 'Mailer', method: 'send' }, argsJson: '["a"]' });
    await flushMicrotasks();
    const id = first.queued[0]!.id;
    await first.queue.stop();

    // a restart 3 s later (wall time), on a process whose monotonic clock starts elsewhere
    const clock = new TurnClock({ now: 987_654, wallNow: 1_700_000_003_000 });
    const second = setup({ store, maxWaitMs: 10_000, clock });
    await second.queue.restore();
    expect(second.queue.get(id)?.status).toBe('queued');
    expect(clock.pendingTimers).toBe(1);
    expect(clock.pendingForegroundTimers).toBe(0);
    clock.tick(6_999);
    expect(second.queue.get(id)?.status).toBe('queued');
    clock.tick(1);
    expect(second.queue.get(id)).toMatchObject({ status: 'failed', error: { name: 'QueueTimeoutError' } });
    expect(clock.pendingTimers).toBe(0);
    await second.queue.stop();
  });

  it("a caller's earlier deadline (deadlineAt) is the request's deadline, kept in the heap like the others", async () => {
    const { clock, queue, queued, park } = setup({ maxWaitMs: 10_000 });
    let error: unknown;
    queue.enqueue({ resource: NETWORK, priority: 0, replay: async () => 'ok', deadlineAt: clock.now() + 3_000 }).catch((e: unknown) => (error = e));
    park(); // maxWaitMs
    await flushMicrotasks();
    expect(queued[0]!.deadline - queued[0]!.enqueuedAt).toBe(3_000);
    clock.tick(2_999);
    expect(error).toBeUndefined();
    clock.tick(1);
    await flushMicrotasks();
    expect(error).toBeInstanceOf(QueueTimeoutError);
    expect(error).toMatchObject({ maxWaitMs: 3_000, requestId: queued[0]!.id });
    expect(queue.get(queued[1]!.id)?.status).toBe('queued');
    clock.tick(7_000);
    expect(queue.get(queued[1]!.id)).toMatchObject({ status: 'failed', error: { name: 'QueueTimeoutError' } });
    await queue.stop();
  });

  it('stop() leaves no timer behind', async () => {
    const { clock, queue, park } = setup({ pollOnTimer: () => true });
    for (let i = 0; i < 3; i++) park();
    await flushMicrotasks();
    expect(clock.pendingTimers).toBe(2); // one deadline timer and one retry timer, however many requests
    await queue.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});

// Each child compiles the sources with swc as it loads them: allow for a slow, busy machine.
describe('RequestQueue in a separate process', { timeout: 60_000 }, () => {
  it('restored requests nobody awaits do not hold the process; an awaited one does until it is answered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-queue-exit-'));
    try {
      const now = Date.now();
      const id = '0c5e2a4e-0000-4000-8000-000000000001';
      const record = { version: 1, id, team: 't', resource: 'network', className: 'Mailer', method: 'send', status: 'queued', priority: 0, enqueuedAt: now, deadline: now + 3_600_000, replays: 0, persisted: true, argsJson: '[]' };
      await new FileStore(dir).set(`t/queue/${id}`, record);
      const fixture = new URL('./__fixtures__/restored-exit.child.ts', import.meta.url);
      const alone = runTypeScript(fixture, [dir]);
      expect(await alone.exited).toMatchObject({ code: 0, stderr: '' });
      expect(alone.lines).toEqual(['restored 1']);
      const awaiting = runTypeScript(fixture, [dir, 'await']);
      expect(await awaiting.exited).toMatchObject({ code: 0, stderr: '' });
      expect(awaiting.lines).toEqual(['restored 1', 'replayed']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
