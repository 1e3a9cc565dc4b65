import { HedgingExhaustedError } from '@rampart/core';
import { FakeClock } from '@rampart/core/testing';
import { describe, expect, it } from 'vitest';
import { HedgeBudget, hedgeDelayMs, LatencyWindow, lostRace, ProviderHedging, raceHedged, resolveHedging, type HedgedCall, type HedgeRace } from './hedging.js';

/** A target that answers (or fails) when the test says, and remembers how its request ended. */
class Target {
  signal: AbortSignal | undefined;
  #settle: { resolve: (v: string) => void; reject: (e: unknown) => void } | undefined;
  constructor(readonly name: string) {}
  request(signal: AbortSignal): Promise<string> {
    this.signal = signal;
    return new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
  answer(): void {
    this.#settle!.resolve(`${this.name} answered`);
  }
  fail(message: string): void {
    this.#settle!.reject(new Error(message));
  }
}

/** Let `ms` pass on the clock, then one turn of the event loop (a hedge starts after the turn's I/O). */
async function pass(clock: FakeClock, ms: number): Promise<void> {
  await clock.tickAsync(ms);
  await new Promise((resolve) => setImmediate(resolve));
}

function race(clock: FakeClock, targets: Target[], extra: Partial<HedgeRace<Target, string>> = {}): HedgeRace<Target, string> {
  return {
    clock,
    delayMs: 100,
    maxExtraRequests: 1,
    signal: undefined,
    first: targets[0]!,
    next: (tried) => targets.find((t) => !tried.includes(t)),
    request: (t, signal) => t.request(signal),
    name: (t) => t.name,
    ...extra,
  };
}

describe('raceHedged', () => {
  it('asks the next target only after the delay, returns the winner and aborts the loser as a lost race', async () => {
    const clock = new FakeClock();
    const [a, b] = [new Target('a'), new Target('b')];
    const call = raceHedged(race(clock, [a, b]));
    await pass(clock, 99);
    expect(b.signal).toBeUndefined();
    await pass(clock, 1);
    expect(b.signal).toBeDefined();
    b.answer();
    await expect(call).resolves.toBe('b answered');
    expect(lostRace(a.signal!)).toBe(true);
    expect(lostRace(b.signal!)).toBe(false);
  });

  it('a first request that answers within the delay is the only one', async () => {
    const clock = new FakeClock();
    const [a, b] = [new Target('a'), new Target('b')];
    const call = raceHedged(race(clock, [a, b]));
    await clock.tickAsync(50);
    a.answer();
    await expect(call).resolves.toBe('a answered');
    await clock.tickAsync(1000);
    expect(b.signal).toBeUndefined();
  });

  it('a failure before the delay is thrown as it is (the chain decides), with no hedge', async () => {
    const clock = new FakeClock();
    const [a, b] = [new Target('a'), new Target('b')];
    const call = raceHedged(race(clock, [a, b]));
    a.fail('a: 429');
    await expect(call).rejects.toThrow(/^a: 429$/);
    await clock.tickAsync(1000);
    expect(b.signal).toBeUndefined();
  });

  it('when every request fails, the error names each target and carries each error', async () => {
    const clock = new FakeClock();
    const [a, b] = [new Target('a'), new Target('b')];
    const call = raceHedged(race(clock, [a, b]));
    await pass(clock, 100);
    b.fail('overloaded');
    a.fail('server error');
    const err = await call.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HedgingExhaustedError);
    expect((err as Error).message).toBe('Every hedged request failed: b: overloaded; a: server error');
    expect((err as HedgingExhaustedError).errors).toHaveLength(2);
  });

  it('an answer read in the same turn as the delay timer (after a stall of the event loop) starts no hedge', async () => {
    const clock = new FakeClock();
    const [a, b] = [new Target('a'), new Target('b')];
    const call = raceHedged(race(clock, [a, b]));
    clock.tick(100); // the timer fires; the answer below arrives before the turn's I/O is done
    a.answer();
    await expect(call).resolves.toBe('a answered');
    await pass(clock, 1000);
    expect(b.signal).toBeUndefined();
  });

  it('no target at the delay: the first request goes on alone, and its failure is its own', async () => {
    const clock = new FakeClock();
    const a = new Target('a');
    const call = raceHedged(race(clock, [a]));
    await pass(clock, 100);
    a.fail('late failure');
    await expect(call).rejects.toThrow(/^late failure$/);
  });

  it('no target at the delay: it looks again after each delay while the first request runs', async () => {
    const clock = new FakeClock();
    const [a, b] = [new Target('a'), new Target('b')];
    let available = false;
    const call = raceHedged(race(clock, [a, b], { next: (tried) => (available && !tried.includes(b) ? b : undefined) }));
    await pass(clock, 100);
    await pass(clock, 100);
    expect(b.signal).toBeUndefined();
    available = true;
    await pass(clock, 100);
    expect(b.signal).toBeDefined();
    b.answer();
    await expect(call).resolves.toBe('b answered');
  });

  it('the call signal aborts every request, with its reason', async () => {
    const clock = new FakeClock();
    const [a, b] = [new Target('a'), new Target('b')];
    const caller = new AbortController();
    const call = raceHedged(race(clock, [a, b], { signal: caller.signal }));
    await pass(clock, 100);
    caller.abort(new Error('deadline'));
    await expect(call).rejects.toThrow('deadline');
    expect(a.signal!.aborted && b.signal!.aborted).toBe(true);
    expect(lostRace(a.signal!)).toBe(false);
  });

  it('maxExtraRequests 2: one more target after each delay, never the same one twice', async () => {
    const clock = new FakeClock();
    const [a, b, c] = [new Target('a'), new Target('b'), new Target('c')];
    const call = raceHedged(race(clock, [a, b, c], { maxExtraRequests: 2 }));
    await pass(clock, 100);
    expect(b.signal).toBeDefined();
    expect(c.signal).toBeUndefined();
    await pass(clock, 100);
    c.answer();
    await expect(call).resolves.toBe('c answered');
    expect([a, b].every((t) => lostRace(t.signal!))).toBe(true);
  });
});

describe('ProviderHedging', () => {
  const targets = () => ({ a: new Target('a'), b: new Target('b'), windows: new Map<Target, LatencyWindow>() });
  function call(clock: FakeClock, t: ReturnType<typeof targets>, first: Target, other: Target): HedgedCall<Target, string> {
    return {
      clock,
      signal: undefined,
      first,
      next: (tried) => (tried.includes(other) ? undefined : other),
      request: (target, signal) => target.request(signal),
      name: (target) => target.name,
      latencies: (target) => t.windows.get(target) ?? t.windows.set(target, new LatencyWindow()).get(target)!,
    };
  }

  it('records a lost first request as taking the delay, and a winner as what it took', async () => {
    const clock = new FakeClock();
    const t = targets();
    const hedging = new ProviderHedging(resolveHedging({ delayMs: 100, maxExtraPercent: 100 })!);
    for (let i = 0; i < 10; i++) {
      const run = hedging.run(call(clock, t, t.a, t.b));
      await pass(clock, 100);
      await clock.tickAsync(7);
      t.b.answer();
      await expect(run).resolves.toBe('b answered');
    }
    expect(t.windows.get(t.a)!.percentile(100)).toBe(100); // the delay, never the (unknown) time it would have taken
    expect(t.windows.get(t.b)!.percentile(100)).toBe(7);
  });

  it('hedges in flight stay within maxExtraPercent of the calls in flight (a stall makes them all late at once)', async () => {
    const clock = new FakeClock();
    const pairs = Array.from({ length: 10 }, () => targets());
    const hedging = new ProviderHedging(resolveHedging({ delayMs: 100, maxExtraPercent: 1000 })!);
    const calls = pairs.map((t) => hedging.run(call(clock, t, t.a, t.b)));
    await pass(clock, 100);
    // 10 calls in flight, 20% by default would allow 2; here the cap of 1000% allows them all
    expect(pairs.filter((t) => t.b.signal !== undefined)).toHaveLength(10);
    for (const t of pairs) t.a.answer();
    await Promise.all(calls);

    const strict = new ProviderHedging(resolveHedging({ delayMs: 100, maxExtraPercent: 20 })!);
    for (let i = 0; i < 100; i++) strict.budget.call(); // calls enough for the budget of the last 100 calls
    const late = Array.from({ length: 10 }, () => targets());
    const runs = late.map((t) => strict.run(call(clock, t, t.a, t.b)));
    await pass(clock, 100);
    expect(late.filter((t) => t.b.signal !== undefined)).toHaveLength(2);
    for (const t of late) t.a.answer();
    await Promise.all(runs);
  });
});

describe('hedging delay and budget', () => {
  it("'auto' is 1,000 ms before 10 latencies, then their p90, at least 50 ms", () => {
    const w = new LatencyWindow();
    expect(hedgeDelayMs('auto', w)).toBe(1000);
    for (let i = 1; i <= 10; i++) w.record(i * 10);
    expect(hedgeDelayMs('auto', w)).toBe(90);
    expect(hedgeDelayMs(250, w)).toBe(250);
    const fast = new LatencyWindow();
    for (let i = 0; i < 20; i++) fast.record(3);
    expect(hedgeDelayMs('auto', fast)).toBe(50);
  });

  it('keeps only the last 100 latencies', () => {
    const w = new LatencyWindow();
    for (let i = 0; i < 100; i++) w.record(5000);
    for (let i = 0; i < 100; i++) w.record(20);
    expect(w.percentile(90)).toBe(20);
  });

  it('allows extra requests up to the percentage of the last 100 calls', () => {
    const b = new HedgeBudget(20);
    let taken = 0;
    for (let i = 0; i < 100; i++) {
      b.call();
      if (b.take()) taken++;
    }
    expect(taken).toBe(20);
    expect(b.extraPerCall).toBe(0.2);
    // the next 100 calls: the oldest calls' hedges leave the window as new calls come in
    let later = 0;
    for (let i = 0; i < 100; i++) {
      b.call();
      if (b.take()) later++;
    }
    expect(later).toBe(20);
  });

  it('credit from calls without hedges never lets a window of 100 calls exceed the cap', () => {
    const b = new HedgeBudget(20);
    for (let i = 0; i < 50; i++) b.call();
    let taken = 0;
    for (let i = 0; i < 100; i++) {
      b.call();
      while (b.take()) taken++;
    }
    expect(taken).toBe(20);
    expect(new HedgeBudget(0).take()).toBe(false);
  });
});
