import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceStatus, STATUS_SEVERITY } from '../resource/resource-types.js';
import { StatusHysteresis } from './hysteresis.js';

const statuses = fc.constantFrom(...Object.values(ResourceStatus));

describe('StatusHysteresis', () => {
  it('changes status only after worsenAfter / recoverAfter identical readings in a row (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(statuses, { minLength: 1, maxLength: 60 }),
        (worsenAfter, recoverAfter, readings) => {
          const h = new StatusHysteresis({ worsenAfter, recoverAfter });
          let reported: ResourceStatus | undefined;
          readings.forEach((reading, i) => {
            const next = h.next(reading);
            if (reported === undefined) expect(next).toBe(reading); // the first reading is adopted at once
            else if (next !== reported) {
              // a change always adopts the current reading, after enough identical readings in a row
              expect(next).toBe(reading);
              const needed = STATUS_SEVERITY[reading] > STATUS_SEVERITY[reported] ? worsenAfter : recoverAfter;
              const run = readings.slice(Math.max(0, i - needed + 1), i + 1);
              expect(run.length).toBe(needed);
              expect(run.every((r) => r === reading)).toBe(true);
            }
            reported = next;
          });
        },
      ),
    );
  });

  it('adopts a status once it was read enough times in a row, and a matching reading resets a pending change', () => {
    const h = new StatusHysteresis({ worsenAfter: 2, recoverAfter: 3 });
    const seq = (r: ResourceStatus[]) => r.map((x) => h.next(x));
    const { HEALTHY: H, DEGRADED: D, CRITICAL: C } = ResourceStatus;
    expect(seq([H, C, H, C, C])).toEqual([H, H, H, H, C]);
    expect(seq([H, H, D, H, H, H])).toEqual([C, C, C, C, C, H]);
  });
});
