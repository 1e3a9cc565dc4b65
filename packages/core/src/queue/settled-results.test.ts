import { describe, expect, it } from 'vitest';
import { ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import type { QueuedRequest } from './queued-request.js';
import { SettledResults } from './settled-results.js';

const record = (id: string): QueuedRequest =>
  Object.freeze({ id, team: 't', resource: ResourceType.NETWORK, status: 'succeeded', priority: 0, enqueuedAt: 0, deadline: 1, replays: 1, persisted: true, result: id });

function results(options: { retentionMs?: number; max?: number } = {}) {
  const clock = new FakeClock();
  const evicted: string[] = [];
  const r = new SettledResults({ retentionMs: options.retentionMs ?? 1_000, max: options.max ?? 100, clock, onEvicted: (rec) => evicted.push(rec.id) });
  return { r, clock, evicted };
}

describe('SettledResults', () => {
  it('keeps at most `max` results: the oldest leaves first, and is reported', () => {
    const { r, evicted } = results({ max: 3 });
    for (const id of ['a', 'b', 'c']) r.set(record(id));
    expect(r.get('a')?.result).toBe('a'); // a read does not make a result younger
    r.set(record('d'));
    r.set(record('e'));
    expect(r.size).toBe(3);
    expect([r.get('a'), r.get('b')]).toEqual([undefined, undefined]);
    expect(['c', 'd', 'e'].map((id) => r.get(id)?.result)).toEqual(['c', 'd', 'e']);
    expect(evicted).toEqual(['a', 'b']);
  });

  it('keeps a result for its retention on the clock, readable to the last millisecond, then drops it', () => {
    const { r, clock, evicted } = results({ retentionMs: 1_000 });
    r.set(record('a'));
    clock.tick(500);
    r.set(record('b'));
    clock.tick(500);
    expect(r.get('a')?.result).toBe('a');
    clock.tick(1);
    expect(r.get('a')).toBeUndefined();
    expect(r.get('b')?.result).toBe('b');
    expect(evicted).toEqual(['a']);
    clock.tick(500);
    r.sweep();
    expect(r.size).toBe(0); // memory follows the results still retained
    expect(evicted).toEqual(['a', 'b']);
    expect(clock.pendingTimers).toBe(0); // checked lazily: no timer
  });

  it('a sweep drops every expired result in one pass from the oldest, not only the one read', () => {
    const { r, clock } = results({ retentionMs: 100, max: 10_000 });
    for (let i = 0; i < 5_000; i++) r.set(record(`x${i}`));
    clock.tick(50);
    r.set(record('young'));
    clock.tick(51);
    r.sweep();
    expect(r.size).toBe(1);
    expect(r.get('young')?.result).toBe('young');
  });

  it('a restored result keeps only what is left of its retention; one past it is reported at once', () => {
    const { r, clock, evicted } = results({ retentionMs: 1_000 });
    r.set(record('old'), 0);
    r.set(record('half'), 400);
    expect(evicted).toEqual(['old']);
    clock.tick(400);
    expect(r.get('half')?.result).toBe('half');
    clock.tick(1);
    expect(r.get('half')).toBeUndefined();
  });

  it('with a retention of 0 keeps nothing', () => {
    const { r, evicted } = results({ retentionMs: 0 });
    r.set(record('a'));
    expect(r.get('a')).toBeUndefined();
    expect(evicted).toEqual(['a']);
  });
});
