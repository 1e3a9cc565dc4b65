import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { HedgeLostError } from '../errors/hedge-lost-error.js';
import { HedgingExhaustedError } from '../errors/hedging-exhausted-error.js';
import { classifyError } from '../classify/classify-error.js';
import type { PolicyContext } from '../policy/policy.js';
import { FakeClock } from '../testing/fake-clock.js';
import type { AttemptLostEvent, HedgeEvent } from './hedged-call.js';
import { createHedging, type HedgingOptions } from './hedging-policy.js';

const transient = (msg = 'overloaded') => Object.assign(new Error(msg), { status: 503 });
const permanent = (msg = 'bad request') => Object.assign(new Error(msg), { status: 400 });

/** An attempt the test settles by hand; records what its context looked like. */
interface Manual {
  ctx: PolicyContext;
  signal: AbortSignal;
  resolve(value: string): void;
  reject(error: unknown): void;
}

function setup(options: Omit<HedgingOptions, 'clock'>) {
  const clock = new FakeClock();
  const policy = createHedging({ ...options, clock });
  const attempts: Manual[] = [];
  const hedges: HedgeEvent[] = [];
  const lost: AttemptLostEvent[] = [];
  policy.onHedge((e) => hedges.push(e));
  policy.onAttemptLost((e) => lost.push(e));
  const fn = (ctx: PolicyContext) =>
    new Promise<string>((resolve, reject) => attempts.push({ ctx, signal: ctx.signal, resolve, reject }));
  return { clock, policy, attempts, hedges, lost, fn };
}

/** Settle the promise's outcome into a value the test can inspect without unhandled rejections. */
function outcome<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('createHedging', () => {
  it('starts a hedge after delayMs when the first attempt is slow', async () => {
    const { clock, policy, attempts, hedges, fn } = setup({ delayMs: 100 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(99);
    expect(attempts).toHaveLength(1);
    await clock.tickAsync(1);
    expect(attempts).toHaveLength(2);
    expect(attempts.map((a) => a.ctx.attempt)).toEqual([1, 2]);
    expect(hedges).toEqual([{ attempt: 2, afterMs: 100, trigger: 'delay' }]);
    attempts[1]!.resolve('second');
    expect(await result).toEqual({ value: 'second' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not hedge when the first attempt answers within the delay', async () => {
    const { clock, policy, attempts, hedges, fn } = setup({ delayMs: 100 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(50);
    attempts[0]!.resolve('first');
    expect(await result).toEqual({ value: 'first' });
    expect(clock.pendingTimers).toBe(0);
    await clock.tickAsync(1000);
    expect(attempts).toHaveLength(1);
    expect(hedges).toHaveLength(0);
  });

  it('a handled failure starts the next attempt at once, and the delay restarts from it', async () => {
    const { clock, policy, attempts, hedges, fn } = setup({ delayMs: 100, maxHedgedAttempts: 2 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(10);
    attempts[0]!.reject(transient());
    await clock.tickAsync(0);
    expect(attempts).toHaveLength(2);
    expect(hedges[0]).toEqual({ attempt: 2, afterMs: 10, trigger: 'error' });
    await clock.tickAsync(99);
    expect(attempts).toHaveLength(2);
    await clock.tickAsync(1);
    expect(attempts).toHaveLength(3);
    expect(hedges[1]).toEqual({ attempt: 3, afterMs: 110, trigger: 'delay' });
    attempts[2]!.resolve('third');
    expect(await result).toEqual({ value: 'third' });
  });

  it('the first success wins; losers see their signal aborted with HedgeLostError', async () => {
    const { clock, policy, attempts, lost, fn } = setup({ delayMs: 10, maxHedgedAttempts: 2 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(20);
    expect(attempts).toHaveLength(3);
    attempts[1]!.resolve('middle');
    expect(await result).toEqual({ value: 'middle' });
    for (const i of [0, 2]) {
      expect(attempts[i]!.signal.aborted).toBe(true);
      expect(attempts[i]!.signal.reason).toBeInstanceOf(HedgeLostError);
      expect((attempts[i]!.signal.reason as HedgeLostError).winner).toBe(2);
    }
    expect(attempts[1]!.signal.aborted).toBe(false);
    expect(lost).toEqual([
      { attempt: 1, winner: 2 },
      { attempt: 3, winner: 2 },
    ]);
    // a loser's late answer or failure changes nothing
    attempts[0]!.resolve('late');
    attempts[2]!.reject(transient());
    await clock.tickAsync(100);
    expect(await result).toEqual({ value: 'middle' });
    expect(clock.pendingTimers).toBe(0);
    expect(classifyError(attempts[0]!.signal.reason).kind).toBe('permanent');
  });

  it('an attempt that never read its signal gets an aborted one if it reads it after losing', async () => {
    const clock = new FakeClock();
    const policy = createHedging({ delayMs: 10, clock });
    const contexts: PolicyContext[] = [];
    const resolvers: Array<(v: number) => void> = [];
    const p = policy.execute((ctx) => {
      contexts.push(ctx);
      return new Promise<number>((resolve) => resolvers.push(resolve));
    });
    await clock.tickAsync(10);
    resolvers[1]!(2);
    expect(await p).toBe(2);
    expect(contexts[0]!.signal.aborted).toBe(true);
    expect(contexts[0]!.signal.reason).toBeInstanceOf(HedgeLostError);
  });

  it('when every attempt fails it rejects with HedgingExhaustedError (errors in order, cause the last)', async () => {
    const { clock, policy, attempts, fn } = setup({ delayMs: 10, maxHedgedAttempts: 2 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(20);
    expect(attempts).toHaveLength(3);
    const e1 = transient('one');
    const e3 = transient('three');
    const e2 = transient('two');
    attempts[0]!.reject(e1);
    attempts[2]!.reject(e3);
    await clock.tickAsync(0);
    attempts[1]!.reject(e2);
    const { error } = await result;
    expect(error).toBeInstanceOf(HedgingExhaustedError);
    const err = error as HedgingExhaustedError;
    expect(err.errors).toEqual([e1, e3, e2]);
    expect(err.attempts).toBe(3);
    expect(err.reason).toBe('max_attempts');
    expect(err.cause).toBe(e2);
    expect(err.lastError).toBe(e2);
    expect(classifyError(err).kind).toBe('transient');
    expect(clock.pendingTimers).toBe(0);
  });

  it('fast failures use up the attempts without waiting', async () => {
    const clock = new FakeClock();
    const policy = createHedging({ delayMs: 1_000, maxHedgedAttempts: 3, clock });
    const seen: number[] = [];
    const error = await policy
      .execute(({ attempt }) => {
        seen.push(attempt);
        throw transient(`t${attempt}`);
      })
      .catch((e: unknown) => e);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(error).toBeInstanceOf(HedgingExhaustedError);
    expect((error as HedgingExhaustedError).attempts).toBe(4);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an unhandled (permanent) failure of the only attempt is rethrown as is and stops hedging', async () => {
    const { clock, policy, attempts, hedges, fn } = setup({ delayMs: 100 });
    const result = outcome(policy.execute(fn));
    const bad = permanent();
    attempts[0]!.reject(bad);
    expect(await result).toEqual({ error: bad });
    await clock.tickAsync(1000);
    expect(attempts).toHaveLength(1);
    expect(hedges).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an unhandled failure stops new hedges but lets the started ones finish', async () => {
    const { clock, policy, attempts, fn } = setup({ delayMs: 10, maxHedgedAttempts: 3 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(10);
    expect(attempts).toHaveLength(2);
    const bad = permanent();
    attempts[0]!.reject(bad);
    await clock.tickAsync(100);
    expect(attempts).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
    const late = transient();
    attempts[1]!.reject(late);
    const { error } = await result;
    expect(error).toBeInstanceOf(HedgingExhaustedError);
    expect((error as HedgingExhaustedError).reason).toBe('not_handled');
    expect((error as HedgingExhaustedError).errors).toEqual([bad, late]);
  });

  it('the started attempt may still win after an unhandled failure', async () => {
    const { clock, policy, attempts, fn } = setup({ delayMs: 10 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(10);
    attempts[1]!.reject(permanent());
    await clock.tickAsync(0);
    attempts[0]!.resolve('first');
    expect(await result).toEqual({ value: 'first' });
  });

  it('handle as error classes: only those start the next attempt at once', async () => {
    class Overloaded extends Error {}
    const { clock, policy, attempts, fn } = setup({ delayMs: 1_000, handle: [Overloaded] });
    const result = outcome(policy.execute(fn));
    attempts[0]!.reject(new Overloaded('529'));
    await clock.tickAsync(0);
    expect(attempts).toHaveLength(2);
    const other = transient();
    attempts[1]!.reject(other);
    const { error } = await result;
    expect((error as HedgingExhaustedError).reason).toBe('not_handled');
  });

  it('handle as a predicate gets the error and the failed attempt', async () => {
    const calls: Array<[unknown, number]> = [];
    const e = new Error('x');
    const { clock, policy, attempts, fn } = setup({ delayMs: 1_000, handle: (error, attempt) => (calls.push([error, attempt]), true) });
    const result = outcome(policy.execute(fn));
    attempts[0]!.reject(e);
    await clock.tickAsync(0);
    attempts[1]!.resolve('ok');
    expect(await result).toEqual({ value: 'ok' });
    expect(calls).toEqual([[e, 1]]);
  });

  it('the caller aborting aborts every attempt and rejects with the caller reason', async () => {
    const { clock, policy, attempts, fn } = setup({ delayMs: 10, maxHedgedAttempts: 3 });
    const controller = new AbortController();
    const result = outcome(policy.execute(fn, { signal: controller.signal }));
    await clock.tickAsync(10);
    expect(attempts).toHaveLength(2);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(await result).toEqual({ error: reason });
    for (const a of attempts) expect(a.signal.reason).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    await clock.tickAsync(1000);
    expect(attempts).toHaveLength(2);
  });

  it('an already aborted caller signal runs nothing', async () => {
    const { policy, attempts, fn } = setup({ delayMs: 10 });
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(policy.execute(fn, { signal: controller.signal })).rejects.toThrow('too late');
    expect(attempts).toHaveLength(0);
  });

  it('respects maxHedgedAttempts', async () => {
    const { clock, policy, attempts, fn } = setup({ delayMs: 10, maxHedgedAttempts: 2 });
    const result = outcome(policy.execute(fn));
    await clock.tickAsync(1_000);
    expect(attempts).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
    attempts[0]!.resolve('a');
    expect(await result).toEqual({ value: 'a' });
  });

  it('delayMs 0 starts every attempt at once, without a timer', async () => {
    const { clock, policy, attempts, hedges, fn } = setup({ delayMs: 0, maxHedgedAttempts: 2 });
    const result = outcome(policy.execute(fn));
    expect(attempts.map((a) => a.ctx.attempt)).toEqual([1, 2, 3]);
    expect(hedges.map((h) => h.afterMs)).toEqual([0, 0]);
    expect(clock.pendingTimers).toBe(0);
    attempts[2]!.resolve('c');
    expect(await result).toEqual({ value: 'c' });
  });

  it('delayMs Infinity hedges only on handled failures', async () => {
    const { clock, policy, attempts, fn } = setup({ delayMs: Number.POSITIVE_INFINITY });
    const result = outcome(policy.execute(fn));
    expect(clock.pendingTimers).toBe(0);
    attempts[0]!.reject(transient());
    await clock.tickAsync(0);
    expect(attempts).toHaveLength(2);
    attempts[1]!.resolve('b');
    expect(await result).toEqual({ value: 'b' });
  });

  it('a synchronous result settles at once, without a timer or a hedge', async () => {
    const clock = new FakeClock();
    const policy = createHedging({ delayMs: 10, clock });
    await expect(policy.execute(() => 7)).resolves.toBe(7);
    expect(clock.pendingTimers).toBe(0);
  });

  it('validates its options into a frozen object', () => {
    const options = { delayMs: 5 };
    const policy = createHedging(options);
    expect(policy.options.maxHedgedAttempts).toBe(1);
    expect(Object.isFrozen(policy.options)).toBe(true);
    expect(options).toEqual({ delayMs: 5 });
    const bad: Array<[unknown, string]> = [
      [undefined, 'hedging.delayMs'],
      [{ delayMs: -1 }, 'hedging.delayMs'],
      [{ delayMs: Number.NaN }, 'hedging.delayMs'],
      [{ delayMs: 1, maxHedgedAttempts: 0 }, 'hedging.maxHedgedAttempts'],
      [{ delayMs: 1, maxHedgedAttempts: 1.5 }, 'hedging.maxHedgedAttempts'],
      [{ delayMs: 1, maxHedgedAttempts: Number.POSITIVE_INFINITY }, 'hedging.maxHedgedAttempts'],
      [{ delayMs: 1, handle: [] }, 'hedging.handle'],
      [{ delayMs: 1, handle: ['x'] }, 'hedging.handle[0]'],
      [{ delayMs: 1, clock: {} }, 'hedging.clock'],
      ['fast', 'hedging'],
    ];
    for (const [value, path] of bad) {
      let caught: unknown;
      try {
        createHedging(value as HedgingOptions);
      } catch (e) {
        caught = e;
      }
      expect(caught, path).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).path).toBe(path);
    }
  });
});
