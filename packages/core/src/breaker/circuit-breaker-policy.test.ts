import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { RampartError } from '../errors/rampart-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { deferred, outcome, permanent, transient } from './__fixtures__/calls.js';
import type { CircuitStateChange } from './circuit-breaker-events.js';
import type { CircuitBreakerOptions } from './circuit-breaker-options.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { CircuitState } from './circuit-state.js';
import { SlidingWindowBreaker } from './sliding-window-breaker.js';

const WALL = 1_700_000_000_000;

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock({ now: 0, wallNow: WALL });
  const breaker = new CircuitBreakerPolicy('api', { failureThreshold: 2, recoveryTimeoutMs: 1000, clock, ...options });
  const changes: CircuitStateChange[] = [];
  breaker.onStateChange((c) => changes.push(c));
  const fail = async (error: unknown = transient()) => outcome(breaker.execute(() => Promise.reject(error)));
  const succeed = async (value: unknown = 'ok') => outcome(breaker.execute(() => value));
  return { clock, breaker, changes, fail, succeed };
}

async function trip(t: ReturnType<typeof setup>, times = 2) {
  for (let i = 0; i < times; i++) await t.fail();
  expect(t.breaker.state).toBe(CircuitState.Open);
}

describe('CircuitBreakerPolicy', () => {
  it('passes values and errors through unchanged while closed', async () => {
    const { breaker } = setup();
    await expect(breaker.execute(async () => 42)).resolves.toBe(42);
    expect(await breaker.execute(() => 'sync')).toBe('sync');
    const e = transient();
    await expect(breaker.execute(() => Promise.reject(e))).rejects.toBe(e);
    await expect(
      breaker.execute(() => {
        throw e;
      }),
    ).rejects.toBe(e);
  });

  it('opens after failureThreshold counted failures and then rejects without running the call', async () => {
    const t = setup();
    await t.fail();
    expect(t.breaker.state).toBe(CircuitState.Closed);
    await t.fail();
    expect(t.breaker.state).toBe(CircuitState.Open);
    expect(t.changes).toEqual([{ from: 'closed', to: 'open', at: WALL, reason: 'threshold' }]);
    let ran = false;
    const r = await outcome(
      t.breaker.execute(() => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(r.ok).toBe(false);
    const error = (r as { error: BrokenCircuitError }).error;
    expect(error).toBeInstanceOf(BrokenCircuitError);
    expect(RampartError.isInstance(error)).toBe(true);
    expect(error.breaker).toBe('api');
    expect(error.halfOpenAt).toBe(WALL + 1000);
    expect(t.breaker.halfOpenAt).toBe(WALL + 1000);
    expect(error.message).toBe('Circuit "api" is open');
    expect(error.stack?.split('\n')).toHaveLength(1); // no stack captured per rejection
  });

  it('reuses one rejection error per open period, and builds a new one for the next period', async () => {
    const t = setup();
    await trip(t);
    const a = (await t.succeed()) as { error: unknown };
    const b = (await t.succeed()) as { error: unknown };
    expect(a.error).toBe(b.error);
    t.clock.tick(1000);
    await t.fail(); // the probe fails: open again
    const c = (await t.succeed()) as { error: BrokenCircuitError };
    expect(c.error).not.toBe(a.error);
    expect(c.error.halfOpenAt).toBe(WALL + 2000);
  });

  it('does not count permanent errors (by default) and honours shouldCount', async () => {
    const t = setup();
    for (let i = 0; i < 5; i++) await t.fail(permanent());
    await t.fail(new TypeError('bug'));
    expect(t.breaker.state).toBe(CircuitState.Closed);
    expect(t.breaker.stats).toMatchObject({ calls: 6, failures: 0, ignored: 6 });

    const custom = setup({ shouldCount: (e) => (e as Error).message === 'counted' });
    await custom.fail(transient());
    await custom.fail(new Error('counted'));
    await custom.fail(new Error('counted'));
    expect(custom.breaker.state).toBe(CircuitState.Open);
    expect(custom.breaker.stats).toMatchObject({ calls: 3, failures: 2, ignored: 1 });

    const throwing = setup({
      shouldCount: () => {
        throw new Error('filter bug');
      },
    });
    await trip(throwing); // a failing filter counts the failure rather than hiding it
  });

  it('a success resets the consecutive count', async () => {
    const t = setup();
    await t.fail();
    await t.succeed();
    await t.fail();
    expect(t.breaker.state).toBe(CircuitState.Closed);
  });

  it('becomes half-open lazily once recoveryTimeoutMs has passed, with no timer', async () => {
    const t = setup();
    await trip(t);
    expect(t.clock.pendingTimers).toBe(0);
    t.clock.tick(999);
    expect((await t.succeed()).ok).toBe(false);
    t.clock.tick(1);
    expect(t.breaker.state).toBe(CircuitState.HalfOpen);
    expect(t.breaker.halfOpenAt).toBeUndefined();
    expect(t.changes.at(-1)).toEqual({ from: 'open', to: 'half_open', at: WALL + 1000, reason: 'recovery_timeout' });
    expect(await t.succeed('probe')).toEqual({ ok: true, value: 'probe' });
    expect(t.breaker.state).toBe(CircuitState.Closed);
    expect(t.changes.at(-1)).toMatchObject({ from: 'half_open', to: 'closed', reason: 'probe_succeeded' });
  });

  it('admits halfOpenMaxCalls probes at once, fails the rest fast, and closes after that many successes', async () => {
    const t = setup({ halfOpenMaxCalls: 2 });
    await trip(t);
    t.clock.tick(1000);
    const d1 = deferred();
    const d2 = deferred();
    const p1 = outcome(t.breaker.execute(() => d1.promise));
    const p2 = outcome(t.breaker.execute(() => d2.promise));
    t.clock.tick(10);
    const extra = (await t.succeed()) as { ok: false; error: BrokenCircuitError };
    expect(extra.ok).toBe(false);
    expect(extra.error.message).toContain('half-open');
    // The hint: when the oldest probe's slot could be reclaimed (60 s default probe timeout).
    expect(extra.error.halfOpenAt).toBe(WALL + 1000 + 60_000);
    d1.resolve('a');
    await p1;
    expect(t.breaker.state).toBe(CircuitState.HalfOpen); // 1 of 2 successes
    d2.resolve('b');
    await p2;
    expect(t.breaker.state).toBe(CircuitState.Closed);
  });

  it('reopens on the first failed probe; a probe with an uncounted error only frees its slot', async () => {
    const t = setup();
    await trip(t);
    t.clock.tick(1000);
    await t.fail(permanent());
    expect(t.breaker.state).toBe(CircuitState.HalfOpen);
    await t.fail();
    expect(t.breaker.state).toBe(CircuitState.Open);
    expect(t.changes.at(-1)).toMatchObject({ from: 'half_open', to: 'open', reason: 'probe_failed' });
    expect(t.breaker.halfOpenAt).toBe(WALL + 2000);
  });

  it('reclaims the slot of a probe that never settles after halfOpenProbeTimeoutMs, and ignores its late outcome', async () => {
    const t = setup({ halfOpenProbeTimeoutMs: 5000 });
    await trip(t);
    t.clock.tick(1000);
    const hung = deferred();
    const hungOutcome = outcome(t.breaker.execute(() => hung.promise));
    t.clock.tick(4999);
    expect((await t.succeed()).ok).toBe(false);
    t.clock.tick(1);
    const d = deferred();
    const next = outcome(t.breaker.execute(() => d.promise));
    hung.reject(transient()); // late: must not reopen the circuit
    await hungOutcome;
    expect(t.breaker.state).toBe(CircuitState.HalfOpen);
    d.resolve('ok');
    expect(await next).toEqual({ ok: true, value: 'ok' });
    expect(t.breaker.state).toBe(CircuitState.Closed);
    expect(t.breaker.stats).toMatchObject({ calls: 4, failures: 3, successes: 1 });
  });

  it('does not feed back outcomes of calls admitted before a transition', async () => {
    const t = setup();
    const slow = deferred();
    const slowOutcome = outcome(t.breaker.execute(() => slow.promise));
    await trip(t);
    t.clock.tick(1000);
    const probe = deferred();
    const probeOutcome = outcome(t.breaker.execute(() => probe.promise));
    slow.resolve('late success'); // admitted while closed: must not close the half-open circuit
    await slowOutcome;
    expect(t.breaker.state).toBe(CircuitState.HalfOpen);
    probe.resolve('ok');
    await probeOutcome;
    expect(t.breaker.state).toBe(CircuitState.Closed);
  });

  it('isolate() holds the circuit open until reset(), with no halfOpenAt', async () => {
    const t = setup();
    t.breaker.isolate();
    t.breaker.isolate(); // idempotent
    expect(t.breaker.state).toBe(CircuitState.Open);
    expect(t.breaker.isolated).toBe(true);
    expect(t.breaker.halfOpenAt).toBeUndefined();
    t.clock.tick(10 ** 9);
    const r = (await t.succeed()) as { error: BrokenCircuitError };
    expect(r.error.halfOpenAt).toBeUndefined();
    expect(r.error.message).toBe('Circuit "api" is isolated');
    expect(t.breaker.state).toBe(CircuitState.Open);
    t.breaker.reset();
    expect(t.breaker.state).toBe(CircuitState.Closed);
    expect(t.breaker.isolated).toBe(false);
    expect(t.changes.map((c) => [c.from, c.to, c.reason])).toEqual([
      ['closed', 'open', 'isolated'],
      ['open', 'closed', 'reset'],
    ]);
    expect((await t.succeed()).ok).toBe(true);
  });

  it('isolate() on an open circuit cancels its half-open time; reset() forgets recorded failures', async () => {
    const t = setup();
    await trip(t);
    t.breaker.isolate();
    expect(t.changes.at(-1)).toMatchObject({ from: 'open', to: 'open', reason: 'isolated' });
    t.clock.tick(5000);
    expect(t.breaker.state).toBe(CircuitState.Open);
    t.breaker.reset();
    await t.fail();
    t.breaker.reset(); // closed: clears the count without a transition
    await t.fail();
    expect(t.breaker.state).toBe(CircuitState.Closed);
    expect(t.changes).toHaveLength(3);
  });

  it('keeps stats: calls = successes + failures + ignored, rejections apart, rates over counted calls', async () => {
    const t = setup({ failureThreshold: 3 });
    expect(t.breaker.stats).toEqual({
      calls: 0,
      successes: 0,
      failures: 0,
      ignored: 0,
      rejections: 0,
      slowCalls: 0,
      successRate: 1,
      failureRate: 0,
      state: 'closed',
      lastTransitionAt: undefined,
    });
    await t.succeed();
    await t.fail(permanent());
    await t.fail();
    await t.fail();
    await t.fail();
    t.clock.tick(5);
    await t.succeed();
    await t.succeed();
    expect(t.breaker.stats).toEqual({
      calls: 5,
      successes: 1,
      failures: 3,
      ignored: 1,
      rejections: 2,
      slowCalls: 0,
      successRate: 0.25,
      failureRate: 0.75,
      state: 'open',
      lastTransitionAt: WALL,
    });
  });

  it('fires onSuccess, onFailure and onReject with payloads, measuring durations only for listeners', async () => {
    const t = setup();
    const seen: unknown[] = [];
    const subs = [
      t.breaker.onSuccess((e) => seen.push(['success', e])),
      t.breaker.onFailure((e) => seen.push(['failure', e.counted, e.durationMs])),
      t.breaker.onReject((e) => seen.push(['reject', e.state, e.error.breaker])),
    ];
    const d = deferred();
    const p = outcome(t.breaker.execute(() => d.promise));
    t.clock.tick(30);
    d.resolve(1);
    await p;
    await t.fail(permanent());
    await t.fail();
    await t.fail();
    await t.succeed();
    expect(seen).toEqual([
      ['success', { durationMs: 30 }],
      ['failure', false, 0],
      ['failure', true, 0],
      ['failure', true, 0],
      ['reject', 'open', 'api'],
    ]);
    for (const s of subs) s.dispose();
    await t.succeed();
    expect(seen).toHaveLength(5);
  });

  it('a state-change listener that isolates the circuit during the half-open transition wins', async () => {
    const t = setup();
    await trip(t);
    t.breaker.onStateChange((c) => {
      if (c.to === 'half_open') t.breaker.isolate();
    });
    t.clock.tick(1000);
    let ran = false;
    const r = await outcome(
      t.breaker.execute(() => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(r.ok).toBe(false);
    expect(t.breaker.isolated).toBe(true);
  });

  it('hands the caller signal to the call, creates one lazily without it, and rejects an aborted signal up front', async () => {
    const { breaker } = setup();
    const ac = new AbortController();
    await breaker.execute((ctx) => {
      expect(ctx.signal).toBe(ac.signal);
      expect(ctx.attempt).toBe(1);
    }, { signal: ac.signal });
    await breaker.execute((ctx) => {
      expect(ctx.signal.aborted).toBe(false);
      expect(ctx.attempt).toBe(1);
    });
    ac.abort(new Error('cancelled'));
    let ran = false;
    await expect(
      breaker.execute(() => {
        ran = true;
      }, { signal: ac.signal }),
    ).rejects.toThrow('cancelled');
    expect(ran).toBe(false);
    expect(breaker.stats).toMatchObject({ calls: 2, rejections: 0 });
  });

  it('with a time window, times calls on the clock: slow successes open the circuit and count in stats', async () => {
    const t = setup({
      failureThreshold: undefined,
      breaker: new SlidingWindowBreaker({ windowMs: 10_000, minimumCalls: 2, slowCallDurationMs: 100, slowCallRateThreshold: 1 }),
    });
    const slowCall = async () => {
      const p = outcome(t.breaker.execute(() => t.clock.sleep(150)));
      await t.clock.tickAsync(150);
      return p;
    };
    expect((await slowCall()).ok).toBe(true);
    await t.succeed(); // fast: 1 of 2 slow
    expect(t.breaker.state).toBe(CircuitState.Closed);
    await slowCall();
    await slowCall(); // window: slow, fast, slow, slow → 3/4 < 1
    expect(t.breaker.state).toBe(CircuitState.Closed);
    await t.clock.tickAsync(10_000); // the window empties
    await slowCall();
    await slowCall();
    expect(t.breaker.state).toBe(CircuitState.Open);
    expect(t.breaker.stats.slowCalls).toBe(5);
    // A slow probe counts as a failed probe.
    t.clock.tick(1000);
    await slowCall();
    expect(t.breaker.state).toBe(CircuitState.Open);
    expect(t.changes.at(-1)?.reason).toBe('probe_failed');
    await flushMicrotasks();
  });
});
