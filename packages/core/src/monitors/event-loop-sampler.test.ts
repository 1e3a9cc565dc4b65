import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopSampler } from './event-loop-sampler.js';

const samplers: EventLoopSampler[] = [];
afterEach(() => {
  for (const s of samplers.splice(0)) s.close();
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventLoopSampler', () => {
  it('enables its histogram lazily, on the first sample, and close() disables it', async () => {
    const s = new EventLoopSampler();
    samplers.push(s);
    expect(s.enabled).toBe(false);
    expect(s.sample()).toEqual({}); // nothing measured yet
    expect(s.enabled).toBe(true);
    await pause(50);
    const second = s.sample();
    expect(second.delayP99Ms).toBeGreaterThanOrEqual(0);
    expect(second.utilization).toBeGreaterThanOrEqual(0);
    expect(second.utilization).toBeLessThanOrEqual(1);
    s.close();
    expect(s.enabled).toBe(false);
    expect(s.sample()).toEqual({}); // starts afresh
  });

  it('resets the histogram at each sample', async () => {
    const s = new EventLoopSampler();
    samplers.push(s);
    s.sample();
    await pause(20);
    const until = performance.now() + 300;
    while (performance.now() < until);
    await pause(20);
    expect(s.sample().delayMaxMs).toBeGreaterThan(250);
    await pause(40);
    // the 300 ms block is gone (it would read at least 290 with the 10 ms resolution off); the margin
    // leaves room for a GC pause or the process being descheduled on a busy CI machine
    expect(s.sample().delayMaxMs ?? 0).toBeLessThan(200);
  });
});
