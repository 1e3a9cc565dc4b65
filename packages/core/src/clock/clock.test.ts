import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, systemClock } from './clock.js';

type NodeTimer = ReturnType<typeof setTimeout>;

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('foreground timers hold the process; background ones do not', () => {
    const fg = systemClock.setTimeout(() => undefined, 1_000) as NodeTimer;
    const bg = systemClock.setBackgroundTimeout(() => undefined, 1_000) as NodeTimer;
    expect(fg.hasRef()).toBe(true);
    expect(bg.hasRef()).toBe(false);
    systemClock.clearTimeout(fg);
    systemClock.clearTimeout(bg);
  });

  it('a delay above 2^31-1 ms fires at its time, not after 1 ms, and can be cleared', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let fired = 0;
    systemClock.setTimeout(() => fired++, 2 ** 31);
    const cleared = systemClock.setTimeout(() => fired++, 3 * MAX_TIMER_MS);
    vi.advanceTimersByTime(10);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(MAX_TIMER_MS - 20); // 2^31 - 11 ms in: the first chunk has fired and re-armed
    expect(fired).toBe(0);
    vi.advanceTimersByTime(11);
    expect(fired).toBe(1);
    systemClock.clearTimeout(cleared);
    vi.advanceTimersByTime(3 * MAX_TIMER_MS);
    expect(fired).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
