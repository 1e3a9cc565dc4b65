import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HedgeLostError } from '../errors/hedge-lost-error.js';
import { HedgingExhaustedError } from '../errors/hedging-exhausted-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { createHedging } from './hedging-policy.js';

/** What attempt n does: settle after `afterMs`, with a value, a transient or a permanent error. */
const planArb = fc.record({
  afterMs: fc.integer({ min: 0, max: 60 }),
  outcome: fc.constantFrom('ok', 'transient', 'permanent'),
});

describe('hedging properties', () => {
  it('never starts more than 1 + maxHedgedAttempts, settles once, leaves no timer, the earliest success wins', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(planArb, { minLength: 5, maxLength: 5 }),
        async (delayMs, maxHedgedAttempts, plans) => {
          const clock = new FakeClock();
          const policy = createHedging({ delayMs, maxHedgedAttempts, clock });
          const started: Array<{ attempt: number; at: number; signal: AbortSignal; settledAt: number }> = [];
          let settlements = 0;
          const p = policy.execute(({ attempt, signal }) => {
            const plan = plans[attempt - 1]!;
            const record = { attempt, at: clock.now(), signal, settledAt: clock.now() + plan.afterMs };
            started.push(record);
            return new Promise<number>((resolve, reject) => {
              clock.setTimeout(() => {
                if (plan.outcome === 'ok') resolve(attempt);
                else reject(Object.assign(new Error(plan.outcome), { status: plan.outcome === 'transient' ? 503 : 400 }));
              }, plan.afterMs);
            });
          });
          const result = p.then(
            (value) => (settlements++, { value }),
            (error: unknown) => (settlements++, { error }),
          );
          await clock.tickAsync(1_000);
          const r = await result;
          expect(settlements).toBe(1);
          expect(started.length).toBeGreaterThanOrEqual(1);
          expect(started.length).toBeLessThanOrEqual(1 + maxHedgedAttempts);
          expect(started.map((s) => s.attempt)).toEqual(started.map((_, i) => i + 1));
          expect(clock.pendingTimers).toBe(0);
          const okStarted = started.filter((s) => plans[s.attempt - 1]!.outcome === 'ok');
          if ('value' in r) {
            const winner = started[r.value! - 1]!;
            expect(plans[winner.attempt - 1]!.outcome).toBe('ok');
            // answers due at the same time come in the order the attempts started
            const later = (s: (typeof started)[number]) =>
              s.settledAt > winner.settledAt || (s.settledAt === winner.settledAt && s.attempt > winner.attempt);
            // no success that came earlier was ignored
            for (const s of okStarted) if (s !== winner) expect(later(s)).toBe(true);
            // exactly the attempts still running when the winner answered were told they lost
            for (const s of started) {
              const running = s !== winner && later(s);
              expect(s.signal.aborted, `attempt ${s.attempt}`).toBe(running);
              if (running) expect(s.signal.reason).toBeInstanceOf(HedgeLostError);
            }
          } else {
            expect(okStarted).toHaveLength(0);
            for (const s of started) expect(s.signal.aborted).toBe(false);
            if (started.length > 1) expect(r.error).toBeInstanceOf(HedgingExhaustedError);
            if (r.error instanceof HedgingExhaustedError) expect(r.error.attempts).toBe(started.length);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
