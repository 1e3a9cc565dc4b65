import { QueueFullError } from './queue-full-error.js';

interface Node<T> {
  readonly value: T;
  readonly bucket: Bucket<T>;
  prev: Node<T> | undefined;
  /** Kept when the node is removed, so an iteration standing on it can go on. */
  next: Node<T> | undefined;
  removed: boolean;
}

/** The values of one priority, first in first out (a doubly linked list). */
interface Bucket<T> {
  readonly priority: number;
  head: Node<T> | undefined;
  tail: Node<T> | undefined;
}

/**
 * A bounded priority queue: higher `priority` first, first-in first-out among equal priorities.
 * `push` throws {@link QueueFullError} at capacity instead of dropping anything.
 *
 * One FIFO list per distinct priority: `push`, `shift` and `remove` cost O(1) plus a binary search
 * among the distinct priorities (a new priority is inserted into that short sorted list). Iterating
 * (`for...of`) tolerates values being removed meanwhile, even the one it stands on: a replay loop
 * awaits each value while others time out or are cancelled.
 */
export class BoundedPriorityQueue<T> {
  readonly name: string;
  readonly maxSize: number;
  readonly #nodes = new Map<T, Node<T>>();
  /** Non-empty buckets, highest priority first. */
  readonly #buckets: Array<Bucket<T>> = [];

  constructor(name: string, maxSize: number) {
    this.name = name;
    this.maxSize = maxSize;
  }

  get size(): number {
    return this.#nodes.size;
  }

  push(value: T, priority = 0): void {
    if (this.#nodes.size >= this.maxSize) throw new QueueFullError(this.name, this.maxSize);
    const i = this.#search(priority);
    let bucket = this.#buckets[i];
    if (bucket?.priority !== priority) this.#buckets.splice(i, 0, (bucket = { priority, head: undefined, tail: undefined }));
    const node: Node<T> = { value, bucket, prev: bucket.tail, next: undefined, removed: false };
    if (bucket.tail) bucket.tail.next = node;
    else bucket.head = node;
    bucket.tail = node;
    this.#nodes.set(value, node);
  }

  peek(): T | undefined {
    return this.#buckets[0]?.head?.value;
  }

  shift(): T | undefined {
    const value = this.peek();
    if (value !== undefined) this.remove(value);
    return value;
  }

  /** Remove a specific value; returns whether it was queued. */
  remove(value: T): boolean {
    const node = this.#nodes.get(value);
    if (!node) return false;
    this.#nodes.delete(value);
    node.removed = true;
    const bucket = node.bucket;
    if (node.prev) node.prev.next = node.next;
    else bucket.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else bucket.tail = node.prev;
    node.prev = undefined; // `next` stays: see the iterator
    if (!bucket.head) this.#buckets.splice(this.#search(bucket.priority), 1);
    return true;
  }

  /** The first (oldest) value of each priority, highest priority first. */
  heads(): T[] {
    return this.#buckets.map((b) => b.head!.value);
  }

  /** The queued values, in the order they will be served. */
  values(): T[] {
    return [...this];
  }

  /** Values in serving order. Values pushed during the iteration may or may not be visited. */
  *[Symbol.iterator](): Iterator<T> {
    for (let node = this.#buckets[0]?.head; node; node = this.#after(node)) yield node.value;
  }

  /** The next queued node after `node` (which may have been removed since it was reached). */
  #after(node: Node<T>): Node<T> | undefined {
    let next = node.next;
    while (next?.removed) next = next.next;
    if (next) return next;
    // the rest of node's priority is done: the first bucket of a lower priority
    return this.#buckets[this.#search(node.bucket.priority, true)]?.head;
  }

  /** Index of the first bucket whose priority is ≤ `priority` (< with `below`); buckets are sorted high to low. */
  #search(priority: number, below = false): number {
    let lo = 0;
    let hi = this.#buckets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.#buckets[mid]!.priority;
      if (p > priority || (below && p === priority)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
