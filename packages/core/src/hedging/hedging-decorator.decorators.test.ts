import { describe, expect, it } from 'vitest';
import { currentPolicyContext } from '../decorators/policy-call-context.js';
import { HedgeLostError } from '../errors/hedge-lost-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { hedging } from './hedging-decorator.js';

describe('@hedging (both decorator modes)', () => {
  it('races a second attempt of a slow method; the loser reads its aborted signal', async () => {
    const clock = new FakeClock();
    class Llm {
      signals: AbortSignal[] = [];
      @hedging({ delayMs: 500, clock })
      async complete(prompt: string): Promise<string> {
        const ctx = currentPolicyContext()!; // before the first await
        this.signals.push(ctx.signal);
        const slow = ctx.attempt === 1;
        await clock.sleep(slow ? 10_000 : 100, ctx.signal);
        return `${prompt} from attempt ${ctx.attempt}`;
      }
    }
    const llm = new Llm();
    const answer = llm.complete('hi');
    await clock.tickAsync(600);
    expect(await answer).toBe('hi from attempt 2');
    expect(llm.signals).toHaveLength(2);
    expect(llm.signals[0]!.reason).toBeInstanceOf(HedgeLostError);
    expect(Llm.prototype.complete.name).toBe('complete');
    expect(clock.pendingTimers).toBe(0);
  });

  it('wraps a free function: hedging(opts)(fn)', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const fetchQuote = hedging({ delayMs: 0, maxHedgedAttempts: 2, clock })(async (symbol: string) => {
      calls++;
      const { attempt } = currentPolicyContext()!;
      if (attempt < 3) throw Object.assign(new Error('503'), { status: 503 });
      return `${symbol}: 42`;
    });
    expect(await fetchQuote('ACME')).toBe('ACME: 42');
    expect(calls).toBe(3);
  });
});
