import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.js';
import type { QueuedRequest } from './queued-request.js';

/** Options of {@link SettledResults}. */
export interface SettledResultsOptions {
  /** A settled request stays readable this long after it settled, ms. */
  readonly retentionMs: number;
  /** At most this many settled requests are kept; the oldest goes first. */
  readonly max: number;
  readonly clock: Clock;
  /** A result left (its retention ran out, or it was pushed out by newer ones). */
  readonly onEvicted: (record: QueuedRequest) => void;
}

/**
 * The outcomes of settled queued requests, for `getQueuedRequest(id)`: an lru-cache bounded by
 * count (`max`) and time (`ttl`, measured on the clock's monotonic time). Reads use `peek`, so the
 * cache's order stays the order in which results settled, which is also the order they expire in:
 * the oldest is always at the cache's tail. Expired results are dropped from the tail, O(1) each,
 * on every write and read and at each {@link sweep} (the queue sweeps at every enqueue and health
 * report): time is checked lazily, no timer. Whatever happens, at most `max` results are held.
 */
export class SettledResults {
  readonly #o: SettledResultsOptions;
  readonly #lru: LRUCache<string, QueuedRequest>;

  constructor(options: SettledResultsOptions) {
    this.#o = options;
    this.#lru = new LRUCache<string, QueuedRequest>({
      max: options.max,
      ttl: Math.max(1, options.retentionMs),
      ttlResolution: 0, // no cached `now` (lru-cache would arm a real timer to reset it)
      allowStale: true, // so that rkeys() reaches expired entries; reads pass allowStale: false
      // lru-cache reads a start time of 0 as "no TTL": keep the clock's origin away from 0
      perf: { now: () => options.clock.now() + 1 },
      noDisposeOnSet: true,
      dispose: (record) => options.onEvicted(record),
    });
  }

  get size(): number {
    return this.#lru.size;
  }

  /** Keep a result for the full retention (`remainingMs` for one restored after a restart). */
  set(record: QueuedRequest, remainingMs = this.#o.retentionMs): void {
    this.sweep();
    if (remainingMs <= 0 || this.#o.retentionMs <= 0) {
      this.#o.onEvicted(record);
      return;
    }
    this.#lru.set(record.id, record, { ttl: remainingMs });
  }

  get(id: string): QueuedRequest | undefined {
    this.sweep();
    return this.#lru.peek(id, { allowStale: false });
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Drop expired results from the tail (the oldest first); stops at the first one still retained. */
  sweep(): void {
    for (;;) {
      const oldest = this.#lru.rkeys().next();
      if (oldest.done || this.#lru.getRemainingTTL(oldest.value) >= 0) return;
      this.#lru.delete(oldest.value);
    }
  }
}
