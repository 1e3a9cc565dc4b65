import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import { CircuitBreakerRegistry, circuitBreakers } from '../breaker/circuit-breaker-registry.js';
import { testManager } from '../manager/__fixtures__/manager-fixtures.js';
import { FakeClock } from '../testing/fake-clock.js';
import { CircuitReportCache } from './circuit-report-cache.js';
import { circuitSection, type CircuitRow } from './circuit-section.js';

const fail = () => Promise.reject(Object.assign(new Error('upstream 503'), { status: 503 }));
const ok = () => Promise.resolve('ok');

/** How many times breakers' stats are read (each row read reads them once) while `fn` runs. */
function statsReads(fn: () => void): number {
  const spy = vi.spyOn(CircuitBreakerPolicy.prototype, 'stats', 'get');
  try {
    fn();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

/** The section as a full rebuild from every breaker gives it (what the report showed before the cache). */
function rebuilt(registry: CircuitBreakerRegistry, own: CircuitRow[] = []) {
  const rows: CircuitRow[] = [...own];
  for (const b of registry.list()) {
    const s = b.stats;
    rows.push({ name: b.name, state: s.state, successRate: s.successRate, failureRate: s.failureRate, calls: s.calls, failures: s.failures, rejections: s.rejections, halfOpenAt: b.halfOpenAt });
  }
  return circuitSection(rows);
}

function registryOf(n: number, clock: FakeClock) {
  const registry = new CircuitBreakerRegistry();
  for (let i = 0; i < n; i++) registry.getOrCreate(`named-${i}`, { failureThreshold: 1, recoveryTimeoutMs: 10_000, clock });
  return registry;
}

describe('CircuitReportCache', () => {
  it('reads only the breakers that changed: the same count at 100 and 10,000 named breakers', async () => {
    const reads: Record<number, number[]> = {};
    for (const n of [100, 10_000]) {
      const clock = new FakeClock();
      const registry = registryOf(n, clock);
      const cache = new CircuitReportCache(registry);
      cache.update([]);
      const counts: number[] = [];
      counts.push(statsReads(() => cache.update([]))); // nothing changed
      await registry.get('named-7')!.execute(ok);
      counts.push(statsReads(() => cache.update([]))); // one call through one breaker
      await registry.get('named-8')!.execute(fail).catch(() => undefined); // opens it
      counts.push(statsReads(() => cache.update([])));
      counts.push(statsReads(() => cache.update([]))); // open: read again, its half-open time may have come
      clock.tick(10_000);
      counts.push(statsReads(() => cache.update([]))); // half-open now
      counts.push(statsReads(() => cache.update([])));
      reads[n] = counts;
      expect(cache.update([])).toEqual(rebuilt(registry));
    }
    expect(reads[100]).toEqual([0, 1, 1, 1, 1, 0]);
    expect(reads[10_000]).toEqual(reads[100]);
  });

  it('shows what a full rebuild shows, through calls, opening, half-opening, removal, re-creation and clear()', async () => {
    const clock = new FakeClock();
    const registry = registryOf(20, clock);
    const cache = new CircuitReportCache(registry);
    const own: CircuitRow[] = [{ name: 'team/database', state: 'closed', successRate: 1, failureRate: 0, calls: 0, failures: 0, rejections: 0, halfOpenAt: undefined }];
    const check = () => {
      const section = cache.update(own);
      const expected = rebuilt(registry, own);
      expect(section).toEqual(expected);
      expect(Object.keys(section.record)).toEqual(Object.keys(expected.record)); // same order: own rows, then creation order
    };
    check();
    await registry.get('named-3')!.execute(fail).catch(() => undefined);
    await registry.get('named-3')!.execute(ok).catch(() => undefined); // rejected: counts a rejection
    await registry.get('named-4')!.execute(ok);
    check();
    clock.tick(10_000);
    check(); // named-3 half-open without a call
    await registry.get('named-3')!.execute(ok);
    registry.delete('named-5');
    registry.getOrCreate('named-21', { clock });
    check();
    registry.getOrCreate('named-5', { clock }); // re-created: after named-21, as the registry lists it
    registry.get('named-6')!.isolate();
    check();
    own.push({ name: 'team/database/primary', state: 'open', successRate: 0, failureRate: 1, calls: 1, failures: 1, rejections: 0, halfOpenAt: clock.wallNow() + 5 });
    check(); // the manager's own rows change their names: rebuilt in order
    registry.clear();
    registry.getOrCreate('after-clear', { clock });
    check();
  });

  it('stays correct when the change log is outrun (more changes than it keeps)', async () => {
    const clock = new FakeClock();
    const registry = registryOf(10, clock);
    const cache = new CircuitReportCache(registry);
    cache.update([]);
    for (let i = 0; i < 3_000; i++) registry.getOrCreate(`burst-${i}`, { clock });
    await registry.get('named-1')!.execute(fail).catch(() => undefined);
    expect(cache.update([])).toEqual(rebuilt(registry));
  });
});

describe('getHealthReport() with many named breakers', () => {
  const names: string[] = [];
  afterEach(() => {
    for (const name of names.splice(0)) circuitBreakers.delete(name);
  });

  it('reads the same number of breakers per report at 100 and 10,000 named breakers, changed or not', async () => {
    const reads: Record<number, number[]> = {};
    for (const n of [100, 10_000]) {
      const { manager, clock } = testManager();
      for (let i = 0; i < n; i++) {
        names.push(`report-cost-${n}-${i}`);
        circuitBreakers.getOrCreate(`report-cost-${n}-${i}`, { failureThreshold: 1, clock });
      }
      await manager.getHealthReport();
      const counts: number[] = [];
      const report = async () => {
        const spy = vi.spyOn(CircuitBreakerPolicy.prototype, 'stats', 'get');
        try {
          const r = await manager.getHealthReport();
          counts.push(spy.mock.calls.length);
          return r;
        } finally {
          spy.mockRestore();
        }
      };
      await report(); // nothing changed
      await circuitBreakers.get(`report-cost-${n}-3`)!.execute(fail).catch(() => undefined);
      const r = await report(); // one breaker opened
      expect(r.circuits[`report-cost-${n}-3`]).toMatchObject({ state: 'open', failures: 1, calls: 1 });
      expect(r.overall_health).toBe('degraded');
      expect(Object.keys(r.circuits).filter((k) => k.startsWith(`report-cost-${n}-`))).toHaveLength(n);
      reads[n] = counts;
      for (const name of names.splice(0)) circuitBreakers.delete(name);
      expect(Object.keys((await manager.getHealthReport()).circuits).some((k) => k.startsWith('report-cost-'))).toBe(false);
    }
    expect(reads[100]![0]).toBe(0);
    expect(reads[100]![1]).toBe(1);
    expect(reads[10_000]).toEqual(reads[100]);
  });
});

describe('each report keeps its own circuits', () => {
  it('an earlier report never changes; unchanged reports share one frozen record', async () => {
    const clock = new FakeClock();
    const registry = registryOf(3, clock);
    const cache = new CircuitReportCache(registry);
    const first = cache.update([]).record;
    expect(Object.isFrozen(first)).toBe(true);
    expect(cache.update([]).record).toBe(first); // nothing changed: no copy
    await registry.get('named-1')!.execute(fail).catch(() => undefined);
    const second = cache.update([]).record;
    expect(second).not.toBe(first);
    expect(first['named-1']).toMatchObject({ state: 'closed', failures: 0 }); // as it was then
    expect(second['named-1']).toMatchObject({ state: 'open', failures: 1 });
  });
});
