import { describe, expect, it } from 'vitest';
import { classifyError } from '../classify/classify-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { createChaos, type ChaosEvent } from './chaos-policy.js';
import { InjectedFaultError } from './injected-fault-error.js';
import { configPath } from '../__fixtures__/config-path.js';

async function outcomes(p: ReturnType<typeof createChaos>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await p.execute(async () => 'real').then(
        (v) => String(v),
        (e: unknown) => `error:${(e as Error).message}`,
      ),
    );
  }
  return out;
}

describe('createChaos', () => {
  it('passes everything through when not enabled (the default)', async () => {
    const chaos = createChaos({ faultRate: 1, resultRate: 1, result: 'fake' });
    expect(chaos.enabled).toBe(false);
    expect(await outcomes(chaos, 20)).toEqual(Array(20).fill('real'));
    await expect(chaos.execute((ctx) => ctx.attempt)).resolves.toBe(1);
  });

  it('injects faults at the configured rate, reproducibly with a seed', async () => {
    const make = () => createChaos({ enabled: true, faultRate: 0.3, seed: 42 });
    const a = await outcomes(make(), 1000);
    expect(await outcomes(make(), 1000)).toEqual(a);
    const faults = a.filter((o) => o.startsWith('error:')).length;
    expect(faults).toBeGreaterThan(240);
    expect(faults).toBeLessThan(360);
    expect(await outcomes(createChaos({ enabled: true, faultRate: 0.3, seed: 43 }), 1000)).not.toEqual(a);
  });

  it('throws a transient InjectedFaultError by default, or the configured fault', async () => {
    const chaos = createChaos({ enabled: true, faultRate: 1 });
    const e = await chaos.execute(async () => 1).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InjectedFaultError);
    expect(classifyError(e).kind).toBe('transient');
    const http = Object.assign(new Error('quota'), { status: 429 });
    await expect(createChaos({ enabled: true, faultRate: 1, fault: http }).execute(async () => 1)).rejects.toBe(http);
    await expect(
      createChaos({ enabled: true, faultRate: 1, fault: () => new Error('made') }).execute(async () => 1),
    ).rejects.toThrow('made');
  });

  it('injects canned results', async () => {
    const chaos = createChaos({ enabled: true, resultRate: 1, result: (ctx: { attempt: number }) => `cached#${ctx.attempt}` });
    await expect(chaos.execute(async () => 'real')).resolves.toBe('cached#1');
    await expect(createChaos({ enabled: true, resultRate: 1, result: null }).execute(async () => 'real')).resolves.toBeNull();
  });

  it('injects latency on the clock, abortably', async () => {
    const clock = new FakeClock();
    const events: ChaosEvent[] = [];
    const chaos = createChaos({ enabled: true, latencyRate: 1, latencyMs: [100, 200], seed: 1, clock });
    chaos.onInject((e) => events.push(e));
    let done: number | undefined;
    const p = chaos.execute(async () => (done = clock.now()));
    await clock.tickAsync(99);
    expect(done).toBeUndefined();
    await clock.tickAsync(101);
    await p;
    expect(done).toBeGreaterThanOrEqual(100);
    expect(done).toBeLessThanOrEqual(200);
    expect(events).toEqual([{ kind: 'latency', latencyMs: done }]);
    const controller = new AbortController();
    let rejected: unknown;
    const q = chaos.execute(async () => 1, { signal: controller.signal }).catch((e: unknown) => (rejected = e));
    controller.abort(new Error('stop'));
    await flushMicrotasks();
    await q;
    expect((rejected as Error).message).toBe('stop');
    expect(clock.pendingTimers).toBe(0);
  });

  it('can be switched on and off at run time', async () => {
    const chaos = createChaos({ faultRate: 1 });
    chaos.setEnabled(true);
    await expect(chaos.execute(async () => 1)).rejects.toBeInstanceOf(InjectedFaultError);
    chaos.setEnabled(false);
    await expect(chaos.execute(async () => 1)).resolves.toBe(1);
  });

  it('validates its options', () => {
    expect(configPath(() => createChaos({ faultRate: 1.5 }))).toBe('chaos.faultRate');
    expect(configPath(() => createChaos({ latencyRate: -0.1 }))).toBe('chaos.latencyRate');
    expect(configPath(() => createChaos({ latencyMs: -1 }))).toBe('chaos.latencyMs');
    expect(configPath(() => createChaos({ latencyMs: [5, 1] }))).toBe('chaos.latencyMs[1]');
    expect(configPath(() => createChaos({ resultRate: 0.5 }))).toBe('chaos.result');
    expect(configPath(() => createChaos({ seed: Number.NaN }))).toBe('chaos.seed');
    expect(configPath(() => createChaos({ enabled: 'yes' as never }))).toBe('chaos.enabled');
    expect(Object.isFrozen(createChaos().options)).toBe(true);
  });
});
