import { QueueFullError } from './queue-full-error.js';

interface Slot<T> {
  readonly value: T;
  readonly priority: number;
  readonly seq: number;
}

/**
 * A bounded priority queue: higher `priority` first, first-in first-out among equal priorities.
 * `push` throws {@link QueueFullError} at capacity instead of dropping anything.
 */
export class BoundedPriorityQueue<T> {
  readonly name: string;
  readonly maxSize: number;
  #slots: Array<Slot<T>> = [];
  #seq = 0;

  constructor(name: string, maxSize: number) {
    this.name = name;
    this.maxSize = maxSize;
  }

  get size(): number {
    return this.#slots.length;
  }

  push(value: T, priority = 0): void {
    if (this.#slots.length >= this.maxSize) throw new QueueFullError(this.name, this.maxSize);
    const slot = { value, priority, seq: this.#seq++ };
    // binary search for the first slot that must come after the new one
    let lo = 0;
    let hi = this.#slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#slots[mid]!.priority >= priority) lo = mid + 1;
      else hi = mid;
    }
    this.#slots.splice(lo, 0, slot);
  }

  peek(): T | undefined {
    return this.#slots[0]?.value;
  }

  shift(): T | undefined {
    return this.#slots.shift()?.value;
  }

  /** Remove a specific value; returns whether it was queued. */
  remove(value: T): boolean {
    const i = this.#slots.findIndex((s) => s.value === value);
    if (i < 0) return false;
    this.#slots.splice(i, 1);
    return true;
  }

  /** The queued values, in the order they will be served. */
  values(): T[] {
    return this.#slots.map((s) => s.value);
  }
}
