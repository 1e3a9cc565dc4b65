import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock, type Clock } from '../clock/clock.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import { createTimeout } from './timeout-policy.js';
import { countControllers } from '../wrap/__fixtures__/count-controllers.js';
import { configPath } from '../__fixtures__/config-path.js';

type Outcome<T> = { ok: true; value: T; at: number } | { ok: false; error: unknown; at: number };

/** Track a promise's outcome and when (fake time) it settled. */
function track<T>(p: Promise<T>, clock: FakeClock): { outcome?: Outcome<T> } {
  const box: { outcome?: Outcome<T> } = {};
  p.then(
    (value) => (box.outcome = { ok: true, value, at: clock.now() }),
    (error: unknown) => (box.outcome = { ok: false, error, at: clock.now() }),
  );
  return box;
}

const never = () => new Promise<never>(() => undefined);

afterEach(() => {
  vi.useRealTimers();
});

describe('createTimeout', () => {
  it('passes a value through and leaves nothing scheduled', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 100, clock });
    await expect(t.execute(async () => 'ok')).resolves.toBe('ok');
    await expect(t.execute(() => 42)).resolves.toBe(42);
    await expect(t.execute(() => Promise.reject(new Error('inner')))).rejects.toThrow('inner');
    await expect(
      t.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(DeadlineScheduler.for(clock).size).toBe(0);
    await clock.tickAsync(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with TimeoutError exactly at the deadline whether or not fn honours the signal', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 100, clock });
    const box = track(t.execute(never), clock);
    await clock.tickAsync(99);
    expect(box.outcome).toBeUndefined();
    await clock.tickAsync(1);
    expect(box.outcome).toMatchObject({ ok: false, at: 100 });
    const error = (box.outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborts ctx.signal at the deadline with the TimeoutError as reason', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 50, clock });
    let signal: AbortSignal | undefined;
    const box = track(
      t.execute(({ signal: s }) => {
        signal = s;
        return never();
      }),
      clock,
    );
    expect(signal!.aborted).toBe(false);
    await clock.tickAsync(50);
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toBe((box.outcome as { error: unknown }).error);
  });

  it('creates no AbortController unless fn reads ctx.signal', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 50, clock });
    expect(
      await countControllers(async () => {
        for (let i = 0; i < 100; i++) await t.execute(async (ctx) => ctx.attempt);
      }),
    ).toBe(0);
    expect(
      await countControllers(async () => {
        await t.execute(async (ctx) => ctx.signal.aborted);
      }),
    ).toBe(1);
  });

  it('cooperative: aborts at the deadline and waits for fn to settle', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 100, cooperative: true, clock });
    // honours the signal: rejects with its reason, which is the TimeoutError
    const honouring = track(
      t.execute(
        ({ signal }) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => clock.setTimeout(() => reject(signal.reason), 30))),
      ),
      clock,
    );
    // finishes its work anyway after the deadline: the value is delivered
    const late = track(t.execute(() => new Promise((resolve) => clock.setTimeout(() => resolve('late'), 120))), clock);
    // fails after the deadline with its own error: reported as the timeout, with the cause
    const failing = track(
      t.execute(() => new Promise((_, reject) => clock.setTimeout(() => reject(new Error('boom')), 110))),
      clock,
    );
    await clock.tickAsync(100);
    expect(honouring.outcome).toBeUndefined();
    await clock.tickAsync(30);
    expect(honouring.outcome).toMatchObject({ ok: false, at: 130 });
    expect((honouring.outcome as { error: unknown }).error).toBeInstanceOf(TimeoutError);
    expect(late.outcome).toEqual({ ok: true, value: 'late', at: 120 });
    const e = (failing.outcome as { error: TimeoutError }).error;
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e.cause as Error).message).toBe('boom');
  });

  it('rejects at once with the reason when the caller aborts, and removes its listener', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 1000, clock });
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const box = track(
      t.execute(
        (ctx) => {
          inner = ctx.signal;
          return never();
        },
        { signal: controller.signal },
      ),
      clock,
    );
    await clock.tickAsync(10);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await flushMicrotasks();
    expect(box.outcome).toEqual({ ok: false, error: reason, at: 10 });
    expect(inner!.aborted).toBe(true);
    expect(inner!.reason).toBe(reason);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
  });

  it('cooperative: a caller abort aborts fn and passes its outcome through', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 1000, cooperative: true, clock });
    const controller = new AbortController();
    const box = track(
      t.execute(({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('stopped'))), {
        signal: controller.signal,
      }),
      clock,
    );
    controller.abort();
    await flushMicrotasks();
    expect(box.outcome).toMatchObject({ ok: true, value: 'stopped' });
  });

  it('does not call fn when the signal is already aborted', async () => {
    const t = createTimeout({ timeoutMs: 10, clock: new FakeClock() });
    const fn = vi.fn(async () => 1);
    const reason = new Error('already');
    await expect(t.execute(fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('fires onTimeout', async () => {
    const clock = new FakeClock();
    const t = createTimeout({ timeoutMs: 5, clock });
    const seen: number[] = [];
    const sub = t.onTimeout((e) => seen.push(e.timeoutMs));
    const p = t.execute(never).catch(() => undefined);
    await clock.tickAsync(5);
    await p;
    sub.dispose();
    expect(seen).toEqual([5]);
  });

  it('validates its options into a frozen copy', () => {
    expect(configPath(() => createTimeout({ timeoutMs: 0 }))).toBe('timeout.timeoutMs');
    expect(configPath(() => createTimeout({ timeoutMs: -5 }))).toBe('timeout.timeoutMs');
    expect(configPath(() => createTimeout({ timeoutMs: Number.NaN }))).toBe('timeout.timeoutMs');
    expect(configPath(() => createTimeout({} as never))).toBe('timeout.timeoutMs');
    expect(configPath(() => createTimeout({ timeoutMs: 5, cooperative: 'yes' as never }))).toBe('timeout.cooperative');
    expect(configPath(() => createTimeout({ timeoutMs: 5, clock: {} as never }))).toBe('timeout.clock');
    const opts = { timeoutMs: 5 };
    const t = createTimeout(opts);
    expect(t.options).toEqual({ timeoutMs: 5, cooperative: false });
    expect(Object.isFrozen(t.options)).toBe(true);
    expect(opts).toEqual({ timeoutMs: 5 });
  });

  it('never fires early and at most 1 ms late, for any schedule of calls (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            startAt: fc.integer({ min: 0, max: 50 }),
            timeoutMs: fc.constantFrom(5, 10, 30),
            settleAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (calls) => {
          const clock = new FakeClock();
          const policies = new Map([5, 10, 30].map((ms) => [ms, createTimeout({ timeoutMs: ms, clock })]));
          const boxes: Array<{ outcome?: Outcome<string> }> = [];
          const sorted = [...calls].sort((a, b) => a.startAt - b.startAt);
          for (const c of sorted) {
            await clock.tickAsync(c.startAt - clock.now());
            const work =
              c.settleAfter === undefined
                ? never()
                : new Promise<string>((resolve) => clock.setTimeout(() => resolve('done'), c.settleAfter!));
            boxes.push(track(policies.get(c.timeoutMs)!.execute(() => work), clock));
          }
          await clock.tickAsync(200);
          sorted.forEach((c, i) => {
            const o = boxes[i]!.outcome!;
            const deadline = c.startAt + c.timeoutMs;
            if (c.settleAfter !== undefined && c.settleAfter < c.timeoutMs) {
              expect(o).toEqual({ ok: true, value: 'done', at: c.startAt + c.settleAfter });
            } else if (o.ok) {
              // settled in the last millisecond before the late deadline fired
              expect(c.settleAfter).toBeDefined();
              expect(o.at).toBeLessThanOrEqual(deadline + 1);
            } else {
              expect(o.error).toBeInstanceOf(TimeoutError);
              expect(o.at).toBeGreaterThanOrEqual(deadline);
              expect(o.at).toBeLessThanOrEqual(deadline + 1);
            }
          });
          expect(DeadlineScheduler.for(clock).size).toBe(0);
          expect(clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('works with vitest fake timers on the system clock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const t = createTimeout({ timeoutMs: 20 });
    let rejected: unknown;
    const p = t.execute(never).catch((e: unknown) => (rejected = e));
    await vi.advanceTimersByTimeAsync(19);
    expect(rejected).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2);
    await p;
    expect(rejected).toBeInstanceOf(TimeoutError);
  });

  it('holds the process while a call awaits its deadline, and releases it once nothing is pending', async () => {
    // a deadline is a foreground wait: an unref()ed one lets `await timeout.execute(...)` in a plain
    // script exit half-way (see test/waits for the child-process proof)
    const armed: string[] = [];
    const clock: Clock = {
      ...systemClock,
      setTimeout: (fn, ms) => (armed.push('foreground'), systemClock.setTimeout(fn, ms)),
      setBackgroundTimeout: (fn, ms) => (armed.push('background'), systemClock.setBackgroundTimeout(fn, ms)),
    };
    const t = createTimeout({ timeoutMs: 5, clock });
    const p = t.execute(never).catch((e: unknown) => e);
    expect(DeadlineScheduler.for(clock).timerPending).toBe(true);
    expect(armed).toContain('foreground');
    expect(armed).not.toContain('background');
    expect(await p).toBeInstanceOf(TimeoutError);
    expect(DeadlineScheduler.for(clock).size).toBe(0);
    expect(DeadlineScheduler.for(clock).timerPending).toBe(false);
  });
});
