import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import type { ExecuteOptions, Policy, PolicyContext } from '../policy/policy.js';
import { RetryExhaustedError } from '../errors/retry-exhausted-error.js';
import { RetryPolicy } from '../retry/retry-policy.js';
import { FakeClock } from '../testing/fake-clock.js';
import { DeadlineScheduler } from '../timeout/deadline-scheduler.js';
import { TimeoutPolicy } from '../timeout/timeout-policy.js';
import { wrap } from './wrap.js';
import { countControllers } from './__fixtures__/count-controllers.js';

/*
 * wrap(retry?, breaker?, timeout) runs its first attempt fused (see fused-chain.ts). A subclass is
 * never fused (it might override execute), so the same policies with a subclassed timeout take
 * the layered path: the reference every fused outcome is compared with.
 */
class LayeredTimeout extends TimeoutPolicy {}

type Step = 'ok' | 'okSync' | 'slowOk' | 'transient' | 'permanent' | 'throwSync' | 'hang' | 'late' | 'honoursSignal';
const STEPS: Step[] = ['ok', 'okSync', 'slowOk', 'transient', 'permanent', 'throwSync', 'hang', 'late', 'honoursSignal'];
type Shape = 'retry+breaker+timeout' | 'retry+timeout' | 'breaker+timeout';

interface Scenario {
  shape: Shape;
  cooperative: boolean;
  /** Subscribing to the breaker's success/failure events makes it time every call. */
  listen: boolean;
  steps: Step[];
  /** One entry per call: ms after which the caller aborts it (-1: before calling), or null for no caller signal. */
  calls: Array<number | null>;
}

const transient = () => Object.assign(new Error('flaky'), { status: 503 });
const permanent = () => Object.assign(new Error('bad'), { status: 400 });

async function play(s: Scenario, fused: boolean): Promise<string[]> {
  const clock = new FakeClock();
  const log: string[] = [];
  const retry = new RetryPolicy({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 5 }), clock });
  const breaker = new CircuitBreakerPolicy('fused', { failureThreshold: 2, recoveryTimeoutMs: 50, clock });
  const Timeout = fused ? TimeoutPolicy : LayeredTimeout;
  const timeout = new Timeout({ timeoutMs: 20, cooperative: s.cooperative, clock });
  retry.onRetry((e) => log.push(`retry ${e.attempt} ${(e.error as Error).name}`));
  retry.onGiveUp((e) => log.push(`give up ${e.reason} ${e.attempts}`));
  breaker.onStateChange((e) => log.push(`circuit ${e.from}->${e.to} ${e.reason}`));
  timeout.onTimeout(() => log.push('deadline'));
  if (s.listen) {
    breaker.onSuccess((e) => log.push(`success ${e.durationMs}`));
    breaker.onFailure((e) => log.push(`failure ${e.counted} ${e.durationMs}`));
  }
  const layers: Policy[] =
    s.shape === 'retry+breaker+timeout' ? [retry, breaker, timeout] : s.shape === 'retry+timeout' ? [retry, timeout] : [breaker, timeout];
  const policy = wrap(...layers);
  const steps = [...s.steps];
  const fn = (ctx: PolicyContext): unknown => {
    const step = steps.shift() ?? 'ok';
    const tag = `${step}#${ctx.attempt}@${clock.now()}`;
    log.push(`run ${tag}`);
    switch (step) {
      case 'ok':
        return Promise.resolve(tag);
      case 'okSync':
        return tag;
      case 'slowOk':
        return new Promise((resolve) => clock.setTimeout(() => resolve(tag), 10));
      case 'transient':
        return Promise.reject(transient());
      case 'permanent':
        return Promise.reject(permanent());
      case 'throwSync':
        throw transient();
      case 'hang':
        return new Promise(() => undefined);
      case 'late':
        return new Promise((resolve) => clock.setTimeout(() => resolve(tag), 30));
      case 'honoursSignal':
        return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    }
  };
  for (const abortAfterMs of s.calls) {
    let options: ExecuteOptions | undefined;
    if (abortAfterMs !== null) {
      const controller = new AbortController();
      const abort = () => controller.abort(new Error('caller gave up'));
      if (abortAfterMs < 0) abort();
      else clock.setTimeout(abort, abortAfterMs);
      options = { signal: controller.signal };
    }
    let outcome: string | undefined;
    policy.execute(fn, options).then(
      (v) => (outcome = `value ${String(v)}`),
      (e: unknown) => (outcome = `error ${(e as Error).name} ${(e as Error).message}${e instanceof RetryExhaustedError ? ` ${e.errors.length}` : ''}`),
    );
    // advance until the call settles, then past every pending timer of this call (abort, late results)
    for (let t = 0; outcome === undefined && t < 200; t += 5) await clock.tickAsync(5);
    await clock.tickAsync(60);
    log.push(outcome ?? 'unsettled');
  }
  const { lastTransitionAt: _, ...stats } = breaker.stats;
  log.push(`stats ${JSON.stringify(stats)}`);
  log.push(`scheduled ${DeadlineScheduler.for(clock).size}`);
  return log;
}

describe('fused wrap(retry?, breaker?, timeout)', () => {
  it('behaves exactly as the layered composition: outcomes, events, breaker stats (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          shape: fc.constantFrom<Shape>('retry+breaker+timeout', 'retry+timeout', 'breaker+timeout'),
          cooperative: fc.boolean(),
          listen: fc.boolean(),
          steps: fc.array(fc.constantFrom(...STEPS), { maxLength: 14 }),
          calls: fc.array(fc.option(fc.integer({ min: -1, max: 40 })), { minLength: 1, maxLength: 6 }),
        }),
        async (scenario) => {
          expect(await play(scenario, true)).toEqual(await play(scenario, false));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('counts every outcome in the breaker and releases every deadline', async () => {
    const log = await play(
      { shape: 'retry+breaker+timeout', cooperative: false, listen: false, steps: ['ok', 'transient', 'ok', 'hang', 'okSync'], calls: [null, null, null] },
      true,
    );
    expect(log).toContain('value ok#1@0');
    expect(log).toContain('retry 1 Error');
    expect(log).toContain('retry 1 TimeoutError');
    expect(log.at(-2)).toBe(`stats ${JSON.stringify({ calls: 5, successes: 3, failures: 2, ignored: 0, rejections: 0, slowCalls: 0, successRate: 0.6, failureRate: 0.4, state: 'closed' })}`);
    expect(log.at(-1)).toBe('scheduled 0');
  });

  it('creates no AbortController on the success path, with or without a caller signal', async () => {
    const clock = new FakeClock();
    const w = wrap(
      new RetryPolicy({ clock }),
      new CircuitBreakerPolicy('no-controller', { clock }),
      new TimeoutPolicy({ timeoutMs: 100, clock }),
    );
    const caller = new AbortController();
    const created = await countControllers(async () => {
      for (let i = 0; i < 50; i++) {
        await w.execute(async (ctx) => ctx.attempt);
        await w.execute(() => i, { signal: caller.signal });
      }
    });
    expect(created).toBe(0);
  });

  it('does not fuse subclasses: an overridden execute is still called', async () => {
    const clock = new FakeClock();
    let calls = 0;
    class CountingRetry extends RetryPolicy {
      override execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: ExecuteOptions): Promise<T> {
        calls++;
        return super.execute(fn, options);
      }
    }
    const w = wrap(new CountingRetry({ clock }), new CircuitBreakerPolicy('sub', { clock }), new TimeoutPolicy({ timeoutMs: 10, clock }));
    await expect(w.execute(async () => 'ok')).resolves.toBe('ok');
    expect(calls).toBe(1);
  });
});
