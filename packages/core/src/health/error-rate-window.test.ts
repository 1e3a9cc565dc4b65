import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.js';
import { ErrorRateWindow } from './error-rate-window.js';

describe('ErrorRateWindow', () => {
  it('counts calls and failures of the last minute only', () => {
    const clock = new FakeClock();
    const w = new ErrorRateWindow(clock);
    w.record(true);
    w.record(false);
    clock.tick(30_000);
    w.record(false);
    expect(w.totals()).toEqual({ calls: 3, failures: 2 });
    clock.tick(31_000);
    expect(w.totals()).toEqual({ calls: 1, failures: 1 });
    clock.tick(60_000);
    expect(w.totals()).toEqual({ calls: 0, failures: 0 });
    w.record(true);
    expect(w.totals()).toEqual({ calls: 1, failures: 0 });
  });
});
