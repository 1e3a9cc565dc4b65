import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaitQueue, type WaitQueueNode } from './wait-queue.js';

describe('WaitQueue', () => {
  it('behaves like an array with FIFO shift and removal of any entry', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant({ op: 'push' as const }), fc.constant({ op: 'shift' as const }), fc.record({ op: fc.constant('remove' as const), i: fc.nat() })), {
          maxLength: 100,
          size: 'max',
        }),
        (ops) => {
          const q = new WaitQueue<number>();
          const model: Array<WaitQueueNode<number>> = [];
          const removed: Array<WaitQueueNode<number>> = [];
          let n = 0;
          for (const o of ops) {
            if (o.op === 'push') model.push(q.push(n++));
            else if (o.op === 'shift') {
              const expected = model.shift();
              expect(q.shift()).toBe(expected?.value);
              if (expected) removed.push(expected);
            } else if (model.length > 0) {
              const [node] = model.splice(o.i % model.length, 1);
              expect(q.remove(node!)).toBe(true);
              removed.push(node!);
            }
            expect(q.size).toBe(model.length);
          }
          for (const r of removed) expect(q.remove(r)).toBe(false);
          expect(Array.from({ length: q.size }, () => q.shift())).toEqual(model.map((m) => m.value));
        },
      ),
    );
  });
});
