import { afterEach, describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { drive, httpError, rejection, SettableMonitor, testManager } from '../manager/__fixtures__/manager-fixtures.js';
import type { ConcurrencyChange } from '../manager/manager-events.js';
import type { ResilienceConfig } from '../manager/resilience-config.js';
import type { ResilienceManager } from '../manager/resilience-manager.js';
import { QueueFullError } from '../queue/queue-full-error.js';
import { QueueTimeoutError } from '../queue/queue-timeout-error.js';
import type { QueuedRequest } from '../queue/queued-request.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { currentFallback } from './fallback-context.js';
import { FallbackAction } from './fallback-action.js';
import { FallbackExhaustedError } from './fallback-exhausted-error.js';

const { QUEUE_REQUEST, USE_CACHE, SCALE_DOWN, CIRCUIT_BREAK, DEGRADE_SERVICE } = FallbackStrategy;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(config: ResilienceConfig) {
  const t = testManager(config);
  managers.push(t.manager);
  return t;
}

/** A flaky backend: fails while `down`, counts calls, answers `value:<arg>`. */
function backend() {
  const b = {
    down: false as boolean | Error,
    calls: 0,
    fn: async (arg: string) => {
      b.calls++;
      if (b.down) throw b.down === true ? httpError(503) : b.down;
      return `value:${arg}`;
    },
  };
  return b;
}

describe('QUEUE_REQUEST', () => {
  it('without monitors, replays every retryIntervalMs until the resource answers; the outcome is recorded', async () => {
    const { manager, clock } = setup({ queue: { retryIntervalMs: 1_000 }, fallbackStrategies: { network: [new FallbackAction(QUEUE_REQUEST)] } });
    const b = backend();
    const settled: QueuedRequest[] = [];
    manager.onQueuedRequestSettled((r) => settled.push(r));
    b.down = true;
    const p = manager.execute(ResourceType.NETWORK, b.fn, { args: ['a'] });
    await clock.tickAsync(1_000);
    expect(b.calls).toBe(2); // the call, then one failed replay: still queued
    b.down = false;
    await clock.tickAsync(1_000);
    await expect(p).resolves.toBe('value:a');
    expect(settled).toHaveLength(1);
    expect(settled[0]).toMatchObject({ status: 'succeeded', resource: 'network', replays: 2, result: 'value:a', persisted: false });
    expect(manager.getQueuedRequest(settled[0]!.id)).toEqual(settled[0]);
    expect(clock.pendingTimers).toBe(0); // nothing queued: no deadline or retry timer left
  });

  it('with monitors, waits for them to report the resource usable again, then replays', async () => {
    const { manager, clock } = setup({ queue: { retryIntervalMs: 100 }, fallbackStrategies: { database: [new FallbackAction(QUEUE_REQUEST)] } });
    const monitor = new SettableMonitor('primary', ResourceType.DATABASE);
    monitor.set(ResourceStatus.CRITICAL);
    manager.setProviders(ResourceType.DATABASE, []);
    manager.registerMonitor(monitor);
    await manager.start();
    const b = backend();
    const p = manager.execute(ResourceType.DATABASE, b.fn, { args: ['q'] });
    await clock.tickAsync(5_000);
    expect(b.calls).toBe(0); // proactive: not even tried, and not replayed while critical
    monitor.set(ResourceStatus.HEALTHY);
    await clock.tickAsync(1_000);
    await expect(p).resolves.toBe('value:q');
    expect(b.calls).toBe(1);
  });

  it('replays see strategy queue_request in their context', async () => {
    const { manager, clock } = setup({ queue: { retryIntervalMs: 100 }, fallbackStrategies: { network: [new FallbackAction(QUEUE_REQUEST)] } });
    const seen: unknown[] = [];
    let fail = true;
    const p = manager.execute(ResourceType.NETWORK, async () => {
      seen.push(currentFallback()?.strategy);
      if (fail) {
        fail = false;
        throw httpError(502);
      }
      return 'ok';
    });
    await expect(drive(clock, p)).resolves.toBe('ok');
    expect(seen).toEqual([undefined, 'queue_request']);
  });

  it('refuses beyond maxQueueSize (QueueFullError) and fails after maxWaitMs (QueueTimeoutError): never silently', async () => {
    const { manager, clock } = setup({
      queue: { maxQueueSize: 1, maxWaitMs: 5_000, retryIntervalMs: 1_000 },
      fallbackStrategies: { network: [new FallbackAction(QUEUE_REQUEST)] },
    });
    const b = backend();
    b.down = true;
    const first = rejection(manager.execute(ResourceType.NETWORK, b.fn, { args: ['1'] }));
    const second = (await rejection(manager.execute(ResourceType.NETWORK, b.fn, { args: ['2'] }))) as FallbackExhaustedError;
    expect(second).toBeInstanceOf(FallbackExhaustedError);
    expect(second.steps[1]!.error).toBeInstanceOf(QueueFullError);
    await clock.tickAsync(5_000);
    const timedOut = (await first) as FallbackExhaustedError;
    expect(timedOut.steps.map((s) => s.strategy)).toEqual(['primary', 'queue_request']);
    const qe = timedOut.steps[1]!.error as QueueTimeoutError;
    expect(qe).toBeInstanceOf(QueueTimeoutError);
    expect(manager.getQueuedRequest(qe.requestId)).toMatchObject({ status: 'failed', error: { name: 'QueueTimeoutError' } });
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('USE_CACHE', () => {
  it('answers a failed call with the last result for the same arguments, stale if need be', async () => {
    const { manager, clock } = setup({ cache: { ttlMs: 1_000, maxStaleMs: 10_000 }, fallbackStrategies: { memory: [new FallbackAction(USE_CACHE)] } });
    const b = backend();
    const get = (arg: string) => manager.execute(ResourceType.MEMORY, b.fn, { key: 'get', args: [arg] });
    await expect(get('a')).resolves.toBe('value:a');
    b.down = true;
    await clock.tickAsync(5_000);
    await expect(get('a')).resolves.toBe('value:a');
    const miss = (await rejection(get('b'))) as FallbackExhaustedError;
    expect(miss.steps[1]!.error).toMatchObject({ name: 'CacheMissError', message: 'Nothing cached for these arguments' });
    await clock.tickAsync(10_000);
    await expect(get('a')).rejects.toBeInstanceOf(FallbackExhaustedError);
  });

  it('proactively (memory critical) serves fresh entries without calling, and stale ones never', async () => {
    const { manager, clock } = setup({
      cache: { ttlMs: 1_000 },
      fallbackStrategies: { memory: [new FallbackAction(USE_CACHE), new FallbackAction(DEGRADE_SERVICE)] },
    });
    const b = backend();
    const get = () => manager.execute(ResourceType.MEMORY, async (x: string) => `${await b.fn(x)}@${currentFallback()?.degradation ?? 0}`, { key: 'k', args: ['x'] });
    await expect(get()).resolves.toBe('value:x@0');
    const monitor = new SettableMonitor('heap', ResourceType.MEMORY);
    monitor.set(ResourceStatus.CRITICAL, 97);
    manager.registerMonitor(monitor);
    await manager.start();
    await expect(get()).resolves.toBe('value:x@0');
    expect(b.calls).toBe(1);
    await clock.tickAsync(1_000);
    await expect(get()).resolves.toBe('value:x@1'); // stale: degraded call instead
    expect(b.calls).toBe(2);
  });

  it('coalesces identical concurrent calls into one', async () => {
    const { manager } = setup({ fallbackStrategies: { cpu: [new FallbackAction(USE_CACHE)] } });
    let calls = 0;
    let release!: (v: string) => void;
    const fn = (arg: { q: string; n: number }) => {
      calls++;
      return new Promise<string>((r) => (release = r)).then((v) => `${v}:${arg.q}`);
    };
    const a = manager.execute(ResourceType.CPU, fn, { key: 'f', args: [{ q: 'x', n: 1 }] });
    const b = manager.execute(ResourceType.CPU, fn, { key: 'f', args: [{ n: 1, q: 'x' }] });
    const other = manager.execute(ResourceType.CPU, async () => 'other', { key: 'f', args: [{ q: 'y', n: 1 }] });
    release('r');
    await expect(Promise.all([a, b, other])).resolves.toEqual(['r:x', 'r:x', 'other']);
    expect(calls).toBe(1);
  });
});

describe('SCALE_DOWN', () => {
  it('lowers the resource concurrency, re-invokes through it, and restores it once monitors report healthy', async () => {
    const { manager, clock } = setup({ concurrency: { cpu: 8 }, fallbackStrategies: { cpu: [new FallbackAction(SCALE_DOWN, { factor: 0.25 })] } });
    const changes: ConcurrencyChange[] = [];
    manager.onConcurrencyChange((c) => changes.push(c));
    const monitor = new SettableMonitor('load', ResourceType.CPU);
    manager.registerMonitor(monitor);
    await manager.start();
    let running = 0;
    let peak = 0;
    let failNext = true;
    const work = async () => {
      running++;
      peak = Math.max(peak, running);
      await clock.sleep(100);
      running--;
      if (failNext) {
        failNext = false;
        throw httpError(503, 'overloaded');
      }
      return currentFallback()?.strategy ?? 'plain';
    };
    await expect(drive(clock, manager.execute(ResourceType.CPU, work))).resolves.toBe('scale_down');
    expect(changes).toEqual([{ resource: 'cpu', from: 8, to: 2, reason: 'scale_down' }]);
    peak = 0;
    const burst = Promise.all(Array.from({ length: 6 }, () => manager.execute(ResourceType.CPU, work)));
    await drive(clock, burst);
    expect(peak).toBe(2);
    monitor.set(ResourceStatus.DEGRADED);
    await manager.checkNow();
    monitor.set(ResourceStatus.HEALTHY);
    await manager.checkNow();
    expect(changes.at(-1)).toEqual({ resource: 'cpu', from: 2, to: 8, reason: 'recovered' });
  });
});

describe('CIRCUIT_BREAK', () => {
  it('without providers, opens the resource breaker: later calls fail fast (or go to the cache) until a probe succeeds', async () => {
    const { manager, clock } = setup({
      circuitBreaker: { recoveryTimeoutMs: 10_000 },
      providers: { database: [] },
      fallbackStrategies: { database: [new FallbackAction(USE_CACHE), new FallbackAction(CIRCUIT_BREAK)] },
    });
    const b = backend();
    const transitions: string[] = [];
    manager.onCircuitStateChange((c) => transitions.push(`${c.name}: ${c.from}→${c.to} (${c.reason})`));
    const query = (arg: string) => manager.execute(ResourceType.DATABASE, b.fn, { key: 'q', args: [arg] });
    await expect(query('cached')).resolves.toBe('value:cached');
    b.down = true;
    const first = (await rejection(query('x'))) as FallbackExhaustedError;
    expect(first.steps.map((s) => s.strategy)).toEqual(['primary', 'use_cache', 'circuit_break']);
    expect(first.steps[2]!.error).toBeInstanceOf(BrokenCircuitError);
    const report = await manager.getHealthReport();
    expect(report.circuits['test-team/database']).toMatchObject({ state: 'open' });
    expect(report.overall_health).toBe('degraded');
    b.calls = 0;
    const fast = (await rejection(query('y'))) as FallbackExhaustedError;
    expect(fast.proactive).toBe(true);
    expect(b.calls).toBe(0);
    await expect(query('cached')).resolves.toBe('value:cached'); // straight to the cache
    expect(b.calls).toBe(0);
    b.down = false;
    await clock.tickAsync(10_000);
    await expect(query('z')).resolves.toBe('value:z'); // the half-open probe
    expect((await manager.getHealthReport()).circuits['test-team/database']!.state).toBe('closed');
    expect(transitions).toEqual([
      'test-team/database: closed→open (circuit_break_step)',
      'test-team/database: open→half_open (recovery_timeout)',
      'test-team/database: half_open→closed (probe_succeeded)',
    ]);
  });
});
