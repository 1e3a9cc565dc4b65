import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { refClock } from './ref-clock.js';

type NodeTimer = ReturnType<typeof setTimeout>;

describe('refClock', () => {
  it('keeps its background timers ref-ed too (they hold the process), unlike systemClock', () => {
    const held = refClock.setBackgroundTimeout(() => undefined, 60_000) as NodeTimer;
    const free = systemClock.setBackgroundTimeout(() => undefined, 60_000) as NodeTimer;
    const foreground = systemClock.setTimeout(() => undefined, 60_000) as NodeTimer;
    try {
      expect(held.hasRef()).toBe(true);
      expect(free.hasRef()).toBe(false);
      expect(foreground.hasRef()).toBe(true);
    } finally {
      refClock.clearTimeout(held);
      systemClock.clearTimeout(free);
      systemClock.clearTimeout(foreground);
    }
  });

  it('sleeps, and rejects with the reason when aborted', async () => {
    await refClock.sleep(0);
    const controller = new AbortController();
    const sleeping = refClock.sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
  });

  it('reads time from the system clock', () => {
    const before = Date.now();
    const wall = refClock.wallNow();
    expect(wall).toBeGreaterThanOrEqual(before);
    expect(wall).toBeLessThanOrEqual(Date.now());
    expect(refClock.now()).toBeGreaterThan(0);
  });
});
