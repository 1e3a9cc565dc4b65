// QUEUE_REQUEST at scale: what an enqueue, a replay (drain) and a time-out cost with 1k, 10k and 50k
// requests parked, through the public API (manager.execute on a network chain that only queues).
// Time is a FakeClock, so the bench controls when the retry poll and the deadlines come; every
// figure is real CPU time measured with performance.now(). "Turn" is one timer callback while a
// whole batch times out (the median, and the longest): how long the event loop is held at once. "Heap" is
// what one parked call holds (the caller's chain and promise included), after a forced GC: with
// 50k parked, the garbage collector's work on that heap is most of an enqueue's cost.
import { FallbackAction, FallbackStrategy, ResilienceManager, ResourceType, type TimerHandle } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { formatTable } from './harness.js';

/** Below the manager's default call deadline (300 s), so that the queue's own deadline ends the batch. */
const MAX_WAIT_MS = 120_000;
const RETRY_MS = 1_000;
/** Enqueues timed on top of the parked requests. */
const PROBE = 1_000;

/** A FakeClock that times each timer callback (one turn of the event loop in a real process). */
class TimedClock extends FakeClock {
  turnsMs: number[] = [];
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    return super.setTimeout(this.#timed(fn), ms);
  }
  override setBackgroundTimeout(fn: () => void, ms: number): TimerHandle {
    return super.setBackgroundTimeout(this.#timed(fn), ms);
  }
  #timed(fn: () => void): () => void {
    return () => {
      const t0 = performance.now();
      fn();
      this.turnsMs.push(performance.now() - t0);
    };
  }
}

class Backend {
  down = true;
  readonly call = async (): Promise<string> => {
    if (this.down) throw Object.assign(new Error('service unavailable'), { status: 503 });
    return 'ok';
  };
}

async function parkedManager(parked: number) {
  const clock = new TimedClock({ wallNow: Date.now() });
  const manager = new ResilienceManager('bench-queue', {
    env: { RAMPART_LOG_LEVEL: 'silent' },
    clock,
    queue: { maxQueueSize: parked + PROBE, maxWaitMs: MAX_WAIT_MS, retryIntervalMs: RETRY_MS },
    fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
  });
  await manager.start();
  const backend = new Backend();
  let queued = 0;
  let settled = 0;
  manager.onRequestQueued(() => queued++);
  manager.onQueuedRequestSettled(() => settled++);
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((r) => setImmediate(r));
  };
  /** Park `n` calls; resolves once all are queued. */
  const park = async (n: number) => {
    const target = queued + n;
    for (let i = 0; i < n; i++) manager.execute(ResourceType.NETWORK, backend.call).catch(() => undefined);
    await until(() => queued >= target);
  };
  await park(parked);
  return { clock, manager, backend, park, until, counts: () => ({ queued, settled }) };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface QueueFigures {
  parked: number;
  heapKbPerParked: number;
  enqueueUs: number;
  replayUs: number;
  expiryUs: number;
  medianTurnMs: number;
  longestTurnMs: number;
}

export async function measureQueue(parked: number): Promise<QueueFigures> {
  // enqueue and replay
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const a = await parkedManager(parked);
  gc();
  const heapKbPerParked = (process.memoryUsage().heapUsed - heapBefore) / parked / 1024;
  let t0 = performance.now();
  await a.park(PROBE);
  const enqueueUs = ((performance.now() - t0) * 1_000) / PROBE;
  const total = parked + PROBE;
  a.backend.down = false;
  t0 = performance.now();
  a.clock.tick(RETRY_MS); // the retry poll starts the drain
  await a.until(() => a.counts().settled >= total);
  const replayUs = ((performance.now() - t0) * 1_000) / total;
  await a.manager.stop();

  // a whole batch reaching its deadline at once
  const b = await parkedManager(parked);
  gc();
  b.clock.turnsMs = [];
  t0 = performance.now();
  b.clock.tick(MAX_WAIT_MS);
  await b.until(() => b.counts().settled >= parked);
  const expiryUs = ((performance.now() - t0) * 1_000) / parked;
  const turns = b.clock.turnsMs.sort((x, y) => x - y);
  const medianTurnMs = turns[turns.length >> 1] ?? 0;
  const longestTurnMs = turns[turns.length - 1] ?? 0;
  await b.manager.stop();
  return { parked, heapKbPerParked, enqueueUs, replayUs, expiryUs, medianTurnMs, longestTurnMs };
}

export async function benchQueue(sizes: readonly number[] = [1_000, 10_000, 50_000]): Promise<string> {
  const rows = [['parked', 'enqueue µs/op', 'replay µs/op', 'time-out µs/op', 'time-out turn ms: median', 'longest', 'heap KB/parked']];
  for (const n of sizes) {
    const f = await measureQueue(n);
    rows.push([n.toLocaleString('en-US'), f.enqueueUs.toFixed(1), f.replayUs.toFixed(1), f.expiryUs.toFixed(1), f.medianTurnMs.toFixed(2), f.longestTurnMs.toFixed(2), f.heapKbPerParked.toFixed(1)]);
  }
  return formatTable(rows);
}
