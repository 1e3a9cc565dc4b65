import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFallback, type FallbackPredicate } from './fallback-policy.js';

class AError extends Error {}
class BError extends Error {}

type Outcome = { ok: true; value: number } | { ok: false; cls: 'A' | 'B'; sync: boolean };

const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  fc.record({ ok: fc.constant(true as const), value: fc.integer() }),
  fc.record({ ok: fc.constant(false as const), cls: fc.constantFrom('A' as const, 'B' as const), sync: fc.boolean() }),
);

type HandleKind = 'default' | 'classA' | 'predicateB';
const handles: Record<HandleKind, FallbackPredicate | Array<typeof AError> | undefined> = {
  default: undefined,
  classA: [AError],
  predicateB: (e) => e instanceof BError,
};
const accepts = (kind: HandleKind, cls: 'A' | 'B') => kind === 'default' || (kind === 'classA' ? cls === 'A' : cls === 'B');

describe('FallbackPolicy (property)', () => {
  it('resolves with the value, the fallback, or the same error, and fires one event per fallback', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcomeArb, { minLength: 1, maxLength: 20 }),
        fc.constantFrom<HandleKind>('default', 'classA', 'predicateB'),
        fc.boolean(),
        async (outcomes, kind, computed) => {
          const FALLBACK = -1;
          const handle = handles[kind];
          const policy = createFallback<number>({
            fallback: computed ? () => FALLBACK : FALLBACK,
            ...(handle === undefined ? {} : { handle }),
          });
          let events = 0;
          policy.onFallback(() => events++);
          let expectedEvents = 0;
          for (const o of outcomes) {
            if (o.ok) {
              await expect(policy.execute(() => Promise.resolve(o.value))).resolves.toBe(o.value);
              continue;
            }
            const error = o.cls === 'A' ? new AError('a') : new BError('b');
            const run = policy.execute(() => {
              if (o.sync) throw error;
              return Promise.reject(error);
            });
            if (accepts(kind, o.cls)) {
              expectedEvents++;
              await expect(run).resolves.toBe(FALLBACK);
            } else {
              await expect(run).rejects.toBe(error);
            }
          }
          expect(events).toBe(expectedEvents);
        },
      ),
      { numRuns: 200 },
    );
  });
});
