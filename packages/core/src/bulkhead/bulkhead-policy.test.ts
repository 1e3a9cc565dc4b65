import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected-error.js';
import { ConfigError } from '../errors/config-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { BulkheadPolicy, createBulkhead, type BulkheadLimitChange } from './bulkhead-policy.js';

/** Settle into a tagged outcome so tests can await without unhandled rejections. */
function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function setup(maxConcurrent: number, maxQueued = 0) {
  const clock = new FakeClock();
  const bulkhead = createBulkhead({ maxConcurrent, maxQueued, clock });
  let active = 0;
  let peak = 0;
  const started: string[] = [];
  /** A call that runs for `ms` of fake time. */
  const work = (id: string, ms: number) =>
    outcome(
      bulkhead.execute(async () => {
        started.push(id);
        active++;
        peak = Math.max(peak, active);
        try {
          await clock.sleep(ms);
          return id;
        } finally {
          active--;
        }
      }),
    );
  return { clock, bulkhead, work, started, peak: () => peak };
}

describe('BulkheadPolicy', () => {
  it('runs at most maxConcurrent calls, queues maxQueued, and rejects the rest fast', async () => {
    const { clock, bulkhead, work, started } = setup(2, 1);
    const a = work('a', 100);
    const b = work('b', 100);
    const c = work('c', 100);
    const d = await work('d', 100);
    expect(started).toEqual(['a', 'b']);
    expect([bulkhead.running, bulkhead.queued]).toEqual([2, 1]);
    expect(d.ok).toBe(false);
    const error = (d as { error: BulkheadRejectedError }).error;
    expect(error).toBeInstanceOf(BulkheadRejectedError);
    expect([error.maxConcurrent, error.maxQueued]).toEqual([2, 1]);
    expect(error.stack?.split('\n')).toHaveLength(1);
    await clock.tickAsync(100);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(await a).toEqual({ ok: true, value: 'a' });
    expect(await b).toEqual({ ok: true, value: 'b' });
    await clock.tickAsync(100);
    expect(await c).toEqual({ ok: true, value: 'c' });
    expect([bulkhead.running, bulkhead.queued]).toEqual([0, 0]);
  });

  it('with the default maxQueued of 0, rejects as soon as every slot is taken, sharing one rejected promise', async () => {
    const { bulkhead, work } = setup(1);
    const a = work('a', 10);
    const r1 = bulkhead.execute(() => 1);
    const r2 = bulkhead.execute(() => 2);
    expect(r1).toBe(r2);
    await expect(r1).rejects.toBeInstanceOf(BulkheadRejectedError);
    expect(bulkhead.maxQueued).toBe(0);
    void a;
  });

  it('passes results and errors through, releasing the slot for sync throws and plain values too', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1 });
    const e = new Error('x');
    await expect(bulkhead.execute(() => Promise.reject(e))).rejects.toBe(e);
    await expect(
      bulkhead.execute(() => {
        throw e;
      }),
    ).rejects.toBe(e);
    expect(await bulkhead.execute(() => 5)).toBe(5);
    expect(bulkhead.running).toBe(0);
  });

  it('never exceeds maxConcurrent and serves the queue in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 15, size: 'max' }),
        async (max, queue, durations) => {
          const { clock, work, started, peak } = setup(max, queue);
          const results = await Promise.all([
            ...durations.map((ms, i) => work(String(i), ms)),
            clock.runAllAsync().then(() => undefined),
          ]);
          const ok = results.slice(0, -1).filter((r) => r?.ok).length;
          expect(peak()).toBeLessThanOrEqual(max);
          expect(ok).toBe(Math.min(durations.length, max + queue));
          expect(started).toEqual(started.map((_, i) => String(i))); // admitted in arrival order
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a queued call whose signal aborts leaves the queue at once and releases its listener', async () => {
    const { clock, bulkhead, work, started } = setup(1, 2);
    const a = work('a', 100);
    const ac = new AbortController();
    const queued = outcome(bulkhead.execute(() => 'never', { signal: ac.signal }));
    const kept = new AbortController();
    const c = outcome(bulkhead.execute(() => 'c', { signal: kept.signal }));
    expect(bulkhead.queued).toBe(2);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort(new Error('caller gave up'));
    const r = await queued;
    expect(r.ok).toBe(false);
    expect((r as { error: Error }).error.message).toBe('caller gave up');
    expect(bulkhead.queued).toBe(1);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    await clock.tickAsync(100);
    expect(await a).toEqual({ ok: true, value: 'a' });
    expect(await c).toEqual({ ok: true, value: 'c' });
    // Dequeued normally: its listener was removed too.
    expect(getEventListeners(kept.signal, 'abort')).toHaveLength(0);
    expect(started).toEqual(['a']);
  });

  it('rejects an already-aborted signal without queueing', async () => {
    const { bulkhead, work } = setup(1, 5);
    void work('a', 10);
    await expect(bulkhead.execute(() => 1, { signal: AbortSignal.abort(new Error('late')) })).rejects.toThrow('late');
    expect(bulkhead.queued).toBe(0);
  });

  it('lowering maxConcurrent lets running calls finish and admits new ones only below the new limit', async () => {
    const { clock, bulkhead, work, started } = setup(3, 10);
    const changes: BulkheadLimitChange[] = [];
    bulkhead.onLimitChange((c) => changes.push(c));
    const calls = ['a', 'b', 'c'].map((id) => work(id, 100));
    const queued = ['d', 'e'].map((id) => work(id, 100));
    bulkhead.setMaxConcurrent(1);
    expect(changes).toEqual([{ from: 3, to: 1 }]);
    expect(bulkhead.running).toBe(3); // nothing is cancelled
    await clock.tickAsync(100); // a, b, c finish; only d starts
    await Promise.all(calls);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(bulkhead.running).toBe(1);
    await clock.tickAsync(100);
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    await clock.tickAsync(100);
    expect((await Promise.all(queued)).every((r) => r.ok)).toBe(true);
  });

  it('raising maxConcurrent starts queued calls at once; the setter works too', async () => {
    const { clock, bulkhead, work, started } = setup(1, 10);
    const calls = ['a', 'b', 'c', 'd'].map((id) => work(id, 100));
    expect(started).toEqual(['a']);
    bulkhead.maxConcurrent = 3;
    await flushMicrotasks();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(bulkhead.maxConcurrent).toBe(3);
    bulkhead.setMaxConcurrent(Number.POSITIVE_INFINITY);
    await flushMicrotasks();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    await clock.tickAsync(100);
    await Promise.all(calls);
  });

  it('the rejection error follows the current limits', async () => {
    const { bulkhead, work } = setup(1);
    void work('a', 10);
    const first = (await outcome(bulkhead.execute(() => 1))) as { error: BulkheadRejectedError };
    bulkhead.setMaxConcurrent(1); // unchanged: no event, same error
    expect(((await outcome(bulkhead.execute(() => 1))) as { error: unknown }).error).toBe(first.error);
    bulkhead.setMaxConcurrent(2);
    void work('b', 10); // takes the new slot
    expect(bulkhead.running).toBe(2);
    const second = (await outcome(bulkhead.execute(() => 1))) as { error: BulkheadRejectedError };
    expect(second.error.maxConcurrent).toBe(2);
  });

  it('fires onReject and onDequeue (with the fake-clock wait)', async () => {
    const { clock, bulkhead, work } = setup(1, 1);
    const events: unknown[] = [];
    bulkhead.onReject((e) => events.push(['reject', e.running, e.queued, e.error.maxConcurrent]));
    bulkhead.onDequeue((e) => events.push(['dequeue', e.waitedMs, e.queued]));
    const a = work('a', 40);
    const b = work('b', 10);
    await work('c', 10);
    await clock.tickAsync(50);
    await Promise.all([a, b]);
    expect(events).toEqual([
      ['reject', 1, 1, 1],
      ['dequeue', 40, 0],
    ]);
  });

  it('validates its options', () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'bulkhead.maxConcurrent'],
      [{ maxConcurrent: 0 }, 'bulkhead.maxConcurrent'],
      [{ maxConcurrent: 1.5 }, 'bulkhead.maxConcurrent'],
      [{ maxConcurrent: 1, maxQueued: -1 }, 'bulkhead.maxQueued'],
      [{ maxConcurrent: 1, clock: 5 }, 'bulkhead.clock'],
      [null, 'bulkhead'],
    ];
    for (const [options, path] of cases) {
      let error: unknown;
      try {
        new BulkheadPolicy(options as never);
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(path);
    }
    const b = createBulkhead({ maxConcurrent: 2 });
    expect(() => b.setMaxConcurrent(0)).toThrow(ConfigError);
    expect(b.maxConcurrent).toBe(2);
  });
});
