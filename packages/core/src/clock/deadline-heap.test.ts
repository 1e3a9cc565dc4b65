import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineHeap, type HeapItem } from './deadline-heap.js';

interface Item extends HeapItem {
  readonly id: number;
}
const item = (id: number, dueAt: number): Item => ({ id, dueAt, heapIndex: -1 });

/** The most comparisons one push, pop or remove may make in a heap of `n` items. */
const bound = (n: number) => 2 * Math.ceil(Math.log2(n + 1)) + 2;

describe('DeadlineHeap', () => {
  it('pops earliest first, removes any item, and ignores items it does not hold', () => {
    const heap = new DeadlineHeap<Item>();
    const items = [item(0, 50), item(1, 10), item(2, 30), item(3, 20), item(4, 40)];
    for (const i of items) heap.push(i);
    expect(heap.peek()?.id).toBe(1);
    expect(heap.remove(items[3]!)).toBe(true);
    expect(heap.remove(items[3]!)).toBe(false);
    expect(heap.remove(item(9, 0))).toBe(false);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop(), heap.pop()].map((i) => i?.id)).toEqual([1, 2, 4, 0, undefined]);
    expect(items.every((i) => i.heapIndex === -1)).toBe(true);
  });

  it('matches a sorted model under any mix of push, pop and remove, within O(log n) comparisons each (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), dueAt: fc.integer({ min: 0, max: 1_000 }) }),
      fc.record({ kind: fc.constant('pop' as const) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const heap = new DeadlineHeap<Item>();
        let model: Item[] = [];
        let next = 0;
        for (const o of ops) {
          const before = heap.comparisons;
          const n = heap.size;
          if (o.kind === 'push') {
            const i = item(next++, o.dueAt);
            heap.push(i);
            model.push(i);
          } else if (o.kind === 'pop') {
            const popped = heap.pop();
            const earliest = Math.min(...model.map((m) => m.dueAt));
            expect(popped?.dueAt).toBe(model.length === 0 ? undefined : earliest);
            model = model.filter((m) => m !== popped);
          } else if (model.length > 0) {
            const victim = model[o.pick % model.length]!;
            expect(heap.remove(victim)).toBe(true);
            model = model.filter((m) => m !== victim);
          }
          expect(heap.comparisons - before).toBeLessThanOrEqual(bound(n + 1));
          expect(heap.size).toBe(model.length);
          expect(heap.peek()?.dueAt).toBe(model.length === 0 ? undefined : Math.min(...model.map((m) => m.dueAt)));
        }
      }),
    );
  });

  it('draining n items costs O(n log n) comparisons in total', () => {
    for (const n of [1_000, 50_000]) {
      const heap = new DeadlineHeap<Item>();
      for (let i = 0; i < n; i++) heap.push(item(i, (i * 7919) % n));
      const start = heap.comparisons;
      let last = -1;
      let ordered = true;
      for (let i = heap.pop(); i; i = heap.pop()) {
        ordered &&= i.dueAt >= last;
        last = i.dueAt;
      }
      expect(ordered).toBe(true);
      expect(heap.comparisons - start).toBeLessThanOrEqual(n * bound(n));
    }
  });
});
