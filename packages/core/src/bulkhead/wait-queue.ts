/** A node of a {@link WaitQueue}; callers keep it to remove the entry later in O(1). */
export interface WaitQueueNode<T> {
  readonly value: T;
  prev: WaitQueueNode<T> | undefined;
  next: WaitQueueNode<T> | undefined;
  /** False once shifted or removed. */
  queued: boolean;
}

/** FIFO queue with O(1) removal from the middle (a caller who aborts while waiting leaves at once). */
export class WaitQueue<T> {
  #head: WaitQueueNode<T> | undefined;
  #tail: WaitQueueNode<T> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(value: T): WaitQueueNode<T> {
    const node: WaitQueueNode<T> = { value, prev: this.#tail, next: undefined, queued: true };
    if (this.#tail) this.#tail.next = node;
    else this.#head = node;
    this.#tail = node;
    this.#size++;
    return node;
  }

  shift(): T | undefined {
    const node = this.#head;
    if (node === undefined) return undefined;
    this.remove(node);
    return node.value;
  }

  /** Remove `node`; false when it had already left the queue. */
  remove(node: WaitQueueNode<T>): boolean {
    if (!node.queued) return false;
    if (node.prev) node.prev.next = node.next;
    else this.#head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.#tail = node.prev;
    node.prev = node.next = undefined;
    node.queued = false;
    this.#size--;
    return true;
  }
}
