/**
 * Something with a deadline; the heap keeps its position in `heapIndex` (-1 when not in a heap).
 * `dueAt` may change only while the item is not in a heap (remove, change, push).
 */
export interface HeapItem {
  /** Monotonic ms (`clock.now()`). */
  readonly dueAt: number;
  heapIndex: number;
}

/**
 * A binary min-heap keyed by `dueAt`, earliest first. Each item records its own position, so
 * `push`, `pop` and `remove` of any item cost O(log n) comparisons and `peek` O(1); nothing scans
 * the items. Shared by the request queue (parked requests) and the deadline scheduler (deadlines of
 * one-off lengths). `comparisons` counts the key comparisons made so far (tests check the bound with it).
 */
export class DeadlineHeap<T extends HeapItem> {
  readonly #items: T[] = [];
  #comparisons = 0;

  get size(): number {
    return this.#items.length;
  }

  /** Key comparisons made since construction. */
  get comparisons(): number {
    return this.#comparisons;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    item.heapIndex = this.#items.length;
    this.#items.push(item);
    this.#up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Remove every item. */
  clear(): void {
    for (const item of this.#items) item.heapIndex = -1;
    this.#items.length = 0;
  }

  /** Remove `item` if it is in this heap; returns whether it was. */
  remove(item: T): boolean {
    const i = item.heapIndex;
    if (i < 0 || this.#items[i] !== item) return false;
    const last = this.#items.pop()!;
    item.heapIndex = -1;
    if (last !== item) {
      this.#items[i] = last;
      last.heapIndex = i;
      this.#down(i);
      this.#up(last.heapIndex);
    }
    return true;
  }

  #less(a: T, b: T): boolean {
    this.#comparisons++;
    return a.dueAt < b.dueAt;
  }

  #up(i: number): void {
    const items = this.#items;
    const item = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.#less(item, p)) break;
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#less(items[right]!, items[left]!) ? right : left;
      const c = items[child]!;
      if (!this.#less(c, item)) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}
