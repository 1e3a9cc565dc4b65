import { FakeClock } from '@rampart/core/testing';
import { describe, expect, it } from 'vitest';
import { QuotaTracker } from './quota-tracker.js';

const window = (limit: number, remaining: number, resetMs?: number) => ({ limit, remaining, resetMs, usagePercent: ((limit - remaining) / limit) * 100 });

describe('QuotaTracker', () => {
  it('reports 0 usage before any response', () => {
    const t = new QuotaTracker(new FakeClock());
    expect(t.reading()).toBe(0);
    expect(t.usagePercent()).toBe(0);
  });

  it('reads the most-used window and treats a window past its reset as refilled', () => {
    const clock = new FakeClock();
    const t = new QuotaTracker(clock);
    t.record({ windows: { requests: window(100, 10, 1000), tokens: window(1000, 500, 60_000) }, usagePercent: 90 });
    expect(t.reading()).toEqual({ remaining: 10, limit: 100 });
    expect(t.usagePercent()).toBe(90);
    clock.tick(1000);
    expect(t.reading()).toEqual({ remaining: 500, limit: 1000 });
    clock.tick(59_000);
    expect(t.reading()).toBe(0);
  });
});
