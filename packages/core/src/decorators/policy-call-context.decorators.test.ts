import { afterEach, describe, expect, it } from 'vitest';
import { FixedBackoff } from '../backoff/fixed-backoff.js';
import { circuitBreakers } from '../breaker/circuit-breaker-registry.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { FakeClock } from '../testing/fake-clock.js';
import { currentPolicyContext } from './policy-call-context.js';
import { retry, timeout } from './policy-decorators.js';

const transient = () => Object.assign(new Error('reset'), { code: 'ECONNRESET' });

afterEach(() => circuitBreakers.clear());

describe('currentPolicyContext (both decorator modes)', () => {
  it('is undefined outside a decorated call', () => {
    expect(currentPolicyContext()).toBeUndefined();
  });

  it("gives a @timeout method the deadline's signal, so it can cancel its own work", async () => {
    const clock = new FakeClock();
    const seen: { aborted: boolean; reason: unknown }[] = [];
    class Slow {
      @timeout({ timeoutMs: 100, clock })
      async wait(): Promise<string> {
        const signal = currentPolicyContext()!.signal;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        seen.push({ aborted: signal.aborted, reason: signal.reason });
        return 'cancelled';
      }
    }
    const outcome = new Slow().wait().catch((e: unknown) => e);
    await clock.tickAsync(100);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives a @retry method its attempt number in its synchronous part, and nothing after an await', async () => {
    const clock = new FakeClock();
    const attempts: Array<number | undefined> = [];
    const afterAwait: unknown[] = [];
    class Api {
      @retry({ maxAttempts: 3, strategy: new FixedBackoff({ delayMs: 10 }), clock })
      async fetch(): Promise<string> {
        attempts.push(currentPolicyContext()?.attempt);
        await Promise.resolve();
        afterAwait.push(currentPolicyContext());
        if (attempts.length < 3) throw transient();
        return 'ok';
      }
    }
    const p = new Api().fetch();
    await clock.tickAsync(100);
    expect(await p).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(afterAwait).toEqual([undefined, undefined, undefined]);
    expect(currentPolicyContext()).toBeUndefined();
  });

  it('restores the outer context when a decorated call throws synchronously', async () => {
    const seen: Array<number | undefined> = [];
    class Api {
      @retry({ maxAttempts: 1 })
      inner(): Promise<void> {
        throw new TypeError('bad input');
      }
      @retry({ maxAttempts: 2 })
      async outer(): Promise<void> {
        const mine = currentPolicyContext();
        await this.inner().catch(() => undefined);
        seen.push(mine?.attempt);
      }
    }
    await new Api().outer();
    expect(seen).toEqual([1]);
    expect(currentPolicyContext()).toBeUndefined();
  });

  it('an outer @timeout that gives up stops the inner @retry: no attempt after the deadline', async () => {
    const clock = new FakeClock();
    let calls = 0;
    class Api {
      @timeout({ timeoutMs: 100, clock })
      @retry({ maxAttempts: 10, strategy: new FixedBackoff({ delayMs: 40 }), clock })
      async fetch(): Promise<string> {
        calls++;
        throw transient();
      }
    }
    const outcome = new Api().fetch().catch((e: unknown) => e);
    await clock.tickAsync(100);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    const atDeadline = calls;
    expect(atDeadline).toBe(3); // t = 0, 40, 80
    await clock.tickAsync(10_000);
    expect(calls).toBe(atDeadline);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a decorated method called from a decorated method is cancelled with it', async () => {
    const clock = new FakeClock();
    let innerCalls = 0;
    class Team {
      @retry({ maxAttempts: 10, strategy: new FixedBackoff({ delayMs: 40 }), clock })
      async lookup(): Promise<string> {
        innerCalls++;
        throw transient();
      }
      @timeout({ timeoutMs: 100, clock })
      async answer(): Promise<string> {
        return `found ${await this.lookup()}`;
      }
    }
    const outcome = new Team().answer().catch((e: unknown) => e);
    await clock.tickAsync(10_000);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(innerCalls).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
