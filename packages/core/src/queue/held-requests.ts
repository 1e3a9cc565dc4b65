import type { ResourceType } from '../resource/resource-types.js';
import { BoundedPriorityQueue } from './bounded-priority-queue.js';
import { DeadlineHeap } from '../clock/deadline-heap.js';
import type { Entry } from './queue-entry.js';

/** A resource type's queue in the health report. */
export interface QueueStats {
  size: number;
  max_size: number;
  oldest_age_ms: number;
}

/**
 * The queued requests a {@link RequestQueue} holds, indexed three ways: per resource type in
 * replay order (a bounded priority queue each), by id, and by deadline (one heap for all). Adding
 * and removing an entry costs O(log n) in the entries held; nothing here scans them.
 */
export class HeldRequests {
  readonly #maxQueueSize: number;
  readonly #queues = new Map<ResourceType, BoundedPriorityQueue<Entry>>();
  readonly #byId = new Map<string, Entry>();
  readonly #deadlines = new DeadlineHeap<Entry>();
  /** Entries whose caller (in this process) awaits them. */
  #awaited = 0;

  constructor(maxQueueSize: number) {
    this.#maxQueueSize = maxQueueSize;
  }

  /** Whether a caller in this process awaits one of the entries (then the queue's timers hold the process). */
  get awaited(): boolean {
    return this.#awaited > 0;
  }

  /** The entry due first. */
  get earliest(): Entry | undefined {
    return this.#deadlines.peek();
  }

  /** Key comparisons made by the deadline heap so far. */
  get deadlineComparisons(): number {
    return this.#deadlines.comparisons;
  }

  get(id: string): Entry | undefined {
    return this.#byId.get(id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  size(resource: ResourceType): number {
    return this.#queues.get(resource)?.size ?? 0;
  }

  /** A resource's entries in replay order; iterating tolerates entries being removed meanwhile. */
  inOrder(resource: ResourceType): Iterable<Entry> {
    return this.#queues.get(resource) ?? [];
  }

  /** Every entry (for stop()). */
  all(): Entry[] {
    return [...this.#byId.values()];
  }

  /** The resource types holding entries (a handful: one queue per type). */
  *resources(): Iterable<ResourceType> {
    for (const [resource, q] of this.#queues) if (q.size > 0) yield resource;
  }

  /** Hold `entry`; throws QueueFullError (and holds nothing) when its resource's queue is full. */
  add(entry: Entry): void {
    const resource = entry.record.resource;
    let q = this.#queues.get(resource);
    if (!q) this.#queues.set(resource, (q = new BoundedPriorityQueue<Entry>(resource, this.#maxQueueSize)));
    q.push(entry, entry.record.priority);
    this.#byId.set(entry.record.id, entry);
    this.#deadlines.push(entry);
    if (entry.settle) this.#awaited++;
  }

  /** Stop holding `entry`; returns whether it was held. */
  remove(entry: Entry): boolean {
    if (this.#byId.get(entry.record.id) !== entry) return false;
    this.#byId.delete(entry.record.id);
    this.#queues.get(entry.record.resource)?.remove(entry);
    this.#deadlines.remove(entry);
    if (entry.settle) this.#awaited--;
    return true;
  }

  clear(): void {
    this.#byId.clear();
    this.#queues.clear();
    this.#deadlines.clear();
    this.#awaited = 0;
  }

  /** Per resource type with a queue: size, capacity and age of the oldest entry (wall-clock ms). */
  stats(wallNow: number): Record<string, QueueStats> {
    const out: Record<string, QueueStats> = {};
    for (const [resource, q] of this.#queues) {
      let oldest = wallNow;
      for (const e of q.heads()) oldest = Math.min(oldest, e.record.enqueuedAt); // each priority's first is its oldest
      out[resource] = { size: q.size, max_size: q.maxSize, oldest_age_ms: wallNow - oldest };
    }
    return out;
  }
}
