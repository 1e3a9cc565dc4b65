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
