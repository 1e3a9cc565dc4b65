import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedPriorityQueue } from './bounded-priority-queue.js';
import { QueueFullError } from './queue-full-error.js';

describe('BoundedPriorityQueue', () => {
  it('serves higher priority first, FIFO among equals', () => {
    const q = new BoundedPriorityQueue<string>('q', 10);
    q.push('a');
    q.push('b', 5);
    q.push('c');
    q.push('d', 5);
    q.push('e', -1);
    expect(q.values()).toEqual(['b', 'd', 'a', 'c', 'e']);
    expect(q.shift()).toBe('b');
    expect(q.remove('c')).toBe(true);
    expect(q.remove('c')).toBe(false);
    expect(q.values()).toEqual(['d', 'a', 'e']);
  });

  it('refuses pushes beyond maxSize with QueueFullError and keeps what it holds', () => {
    const q = new BoundedPriorityQueue<number>('api_quota', 2);
    q.push(1);
    q.push(2, 9);
    expect(() => q.push(3, 100)).toThrow(QueueFullError);
    expect(() => q.push(3)).toThrow('Queue "api_quota" is full (2 requests)');
    expect(q.values()).toEqual([2, 1]);
  });

  it('matches a stable sort by descending priority (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 50 }), (priorities) => {
        const q = new BoundedPriorityQueue<number>('p', 100);
        priorities.forEach((p, i) => q.push(i, p));
        const expected = priorities
          .map((p, i) => ({ p, i }))
          .sort((x, y) => y.p - x.p || x.i - y.i)
          .map((x) => x.i);
        expect(q.values()).toEqual(expected);
        expect(q.size).toBe(priorities.length);
      }),
    );
  });
});

describe('BoundedPriorityQueue iteration', () => {
  it('goes on after the value it stands on and those after it are removed, and into lower priorities', () => {
    const q = new BoundedPriorityQueue<string>('q', 10);
    for (const [v, p] of [['a', 2], ['b', 2], ['c', 2], ['d', 1], ['e', 0]] as const) q.push(v, p);
    const seen: string[] = [];
    for (const v of q) {
      seen.push(v);
      if (v === 'a') {
        q.remove('a'); // the one being visited (a replay that settled)
        q.remove('b'); // and the next one (timed out meanwhile)
      }
      if (v === 'c') q.remove('d'); // a whole priority emptied
    }
    expect(seen).toEqual(['a', 'c', 'e']);
    expect(q.values()).toEqual(['c', 'e']);
    expect(q.heads()).toEqual(['c', 'e']);
  });

  it('heads() lists the first value of each priority; emptied priorities disappear', () => {
    const q = new BoundedPriorityQueue<number>('q', 10);
    q.push(1, 5);
    q.push(2, 0);
    q.push(3, 5);
    expect(q.heads()).toEqual([1, 2]);
    q.remove(2);
    expect(q.heads()).toEqual([1]);
    expect(q.shift()).toBe(1);
    expect(q.peek()).toBe(3);
    expect(q.size).toBe(1);
  });

  it('iterating while removing any values visits exactly the values still queued, in order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.array(fc.nat(), { maxLength: 3 }), { maxLength: 40 }),
        (priorities, removals) => {
          const q = new BoundedPriorityQueue<number>('p', 100);
          priorities.forEach((p, i) => q.push(i, p));
          const removed = new Set<number>();
          const seen: number[] = [];
          let step = 0;
          for (const v of q) {
            expect(removed.has(v)).toBe(false);
            seen.push(v);
            for (const r of removals[step++] ?? []) {
              const victim = r % priorities.length;
              expect(q.remove(victim)).toBe(!removed.has(victim));
              removed.add(victim);
            }
          }
          const order = priorities
            .map((p, i) => ({ p, i }))
            .sort((x, y) => y.p - x.p || x.i - y.i)
            .map((x) => x.i);
          // every value not removed before its turn is visited, in serving order
          expect(seen).toEqual(order.filter((i) => seen.includes(i)));
          expect(order.filter((i) => !seen.includes(i)).every((i) => removed.has(i))).toBe(true);
          expect(q.values()).toEqual(order.filter((i) => !removed.has(i)));
        },
      ),
    );
  });
});
