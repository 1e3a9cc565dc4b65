import { describe, expect, it } from 'vitest';
import { CallCounters } from './call-counters.js';

describe('CallCounters', () => {
  it('records outcomes so that calls = successes + failures + ignored, with rates over counted calls', () => {
    const c = new CallCounters();
    expect([c.successRate, c.failureRate]).toEqual([1, 0]);
    c.record(true, true, false);
    c.record(false, true, true);
    c.record(false, false, false);
    c.record(true, true, true);
    c.rejections++;
    expect(c.toJSON()).toEqual({ calls: 4, successes: 2, failures: 1, ignored: 1, rejections: 1, slowCalls: 2 });
    expect(c.successRate).toBeCloseTo(2 / 3);
    expect(c.failureRate).toBeCloseTo(1 / 3);
    const d = new CallCounters();
    d.load(JSON.parse(JSON.stringify(c)));
    expect(d.toJSON()).toEqual(c.toJSON());
  });
});
