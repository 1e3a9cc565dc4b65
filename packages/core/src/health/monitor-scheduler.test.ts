import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorCheckResult, ResourceMonitor } from '../resource/monitor.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { MonitorScheduler, type MonitorStatusChange } from './monitor-scheduler.js';

const { HEALTHY, DEGRADED, CRITICAL, UNAVAILABLE } = ResourceStatus;

/** A monitor whose next readings the test scripts; it records how often it was checked and closed. */
class ScriptedMonitor implements ResourceMonitor {
  checks = 0;
  closed = 0;
  readings: Array<MonitorCheckResult | 'hang' | Error> = [];
  last: MonitorCheckResult | 'hang' | Error = { status: HEALTHY };
  signals: AbortSignal[] = [];
  constructor(
    readonly name: string,
    readonly resourceType: ResourceType = ResourceType.API_QUOTA,
  ) {}
  async check(signal: AbortSignal): Promise<MonitorCheckResult> {
    this.checks++;
    this.signals.push(signal);
    const next = this.readings.shift() ?? this.last;
    this.last = next;
    if (next === 'hang') return new Promise<never>(() => undefined);
    if (next instanceof Error) throw next;
    return next;
  }
  close(): void {
    this.closed++;
  }
}

let scheduler: MonitorScheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

function make(clock: FakeClock, over: { recoverAfter?: number; worsenAfter?: number } = {}) {
  scheduler = new MonitorScheduler({
    intervalMs: 1_000,
    checkTimeoutMs: 100,
    hysteresis: { worsenAfter: over.worsenAfter ?? 1, recoverAfter: over.recoverAfter ?? 1 },
    clock,
  });
  return scheduler;
}

describe('MonitorScheduler', () => {
  it('runs a first round on start, then one per interval, and stop() releases the timer and closes monitors', async () => {
    const clock = new FakeClock();
    const s = make(clock);
    const a = new ScriptedMonitor('openai');
    const b = new ScriptedMonitor('anthropic');
    b.readings = [{ status: DEGRADED, usage: 85.5, details: { remaining: 145, apiKey: 'sk-secret' } }];
    s.register(a);
    s.register(b);
    await s.start();
    expect([a.checks, b.checks]).toEqual([1, 1]);
    expect(s.get('api_quota:anthropic')).toMatchObject({
      status: DEGRADED,
      usage: 85.5,
      details: { remaining: 145, apiKey: '[redacted]' },
      checkedAt: clock.wallNow(),
    });
    expect(s.statusOf(ResourceType.API_QUOTA)).toBe(DEGRADED);
    expect(s.statusOf(ResourceType.API_QUOTA, (n) => n === 'openai')).toBe(HEALTHY);
    expect(s.statusOf(ResourceType.MEMORY)).toBe(HEALTHY);
    await clock.tickAsync(1); // start() awaited the round: its check deadlines' epoch closes after ≤ 1 ms
    expect(clock.pendingTimers).toBe(1);
    await clock.tickAsync(998);
    expect(a.checks).toBe(1);
    await clock.tickAsync(1);
    expect(a.checks).toBe(2);
    await clock.tickAsync(2_000);
    expect(a.checks).toBe(4);
    await s.stop();
    expect(clock.pendingTimers).toBe(0);
    expect([a.closed, b.closed]).toEqual([1, 1]);
    await clock.tickAsync(5_000);
    expect(a.checks).toBe(4);
  });

  it('a hung check reports unavailable after checkTimeoutMs and does not delay the others', async () => {
    const clock = new FakeClock();
    const s = make(clock);
    const hung = new ScriptedMonitor('hung', ResourceType.MCP_SERVER);
    hung.readings = ['hang'];
    const ok = new ScriptedMonitor('ok', ResourceType.MCP_SERVER);
    s.register(hung);
    s.register(ok);
    const started = s.start();
    await clock.tickAsync(0);
    expect(s.get('mcp_server:ok')?.status).toBe(HEALTHY);
    expect(s.get('mcp_server:hung')).toBeUndefined();
    await clock.tickAsync(100);
    await started;
    expect(s.get('mcp_server:hung')).toMatchObject({ status: UNAVAILABLE, error: 'Error: check timed out after 100 ms', durationMs: 100 });
    expect(hung.signals[0]!.aborted).toBe(true);
    expect(s.statusOf(ResourceType.MCP_SERVER)).toBe(UNAVAILABLE);
  });

  it('reports thrown errors and invalid results as unavailable, redacted', async () => {
    const clock = new FakeClock();
    const s = make(clock);
    const thrower = new ScriptedMonitor('db', ResourceType.DATABASE);
    thrower.readings = [new Error('connect postgres://u:hunter2@127.0.0.1 refused')];
    const invalid = new ScriptedMonitor('weird', ResourceType.DATABASE);
    invalid.readings = [{ status: 'bad' as ResourceStatus }];
    s.register(thrower);
    s.register(invalid);
    await s.start();
    expect(s.get('database:db')).toMatchObject({ status: UNAVAILABLE, error: 'Error: connect postgres://u:[redacted]@127.0.0.1 refused' });
    expect(s.get('database:weird')).toMatchObject({ status: UNAVAILABLE, error: 'check returned an invalid status "bad"' });
  });

  it('debounces with hysteresis: worsens at once, recovers after recoverAfter readings', async () => {
    const clock = new FakeClock();
    const s = make(clock, { recoverAfter: 2 });
    const m = new ScriptedMonitor('cpu', ResourceType.CPU);
    m.readings = [{ status: HEALTHY }, { status: CRITICAL }, { status: HEALTHY }, { status: CRITICAL }, { status: HEALTHY }, { status: HEALTHY }];
    const changes: MonitorStatusChange[] = [];
    s.onStatusChange((c) => changes.push(c));
    s.register(m);
    await s.start();
    const seen = [s.get('cpu:cpu')!.status];
    for (let i = 0; i < 5; i++) {
      await clock.tickAsync(1_000);
      seen.push(s.get('cpu:cpu')!.status);
    }
    expect(seen).toEqual([HEALTHY, CRITICAL, CRITICAL, CRITICAL, CRITICAL, HEALTHY]);
    expect(changes.map((c) => [c.from, c.to])).toEqual([
      [undefined, HEALTHY],
      [HEALTHY, CRITICAL],
      [CRITICAL, HEALTHY],
    ]);
  });

  it('checks a monitor registered while running at once; checkNow awaits it and runs a round', async () => {
    const clock = new FakeClock();
    const s = make(clock);
    await s.start();
    const late = new ScriptedMonitor('late', ResourceType.NETWORK);
    late.readings = [{ status: CRITICAL }, { status: DEGRADED }];
    s.register(late);
    await clock.tickAsync(0);
    expect(s.get('network:late')?.status).toBe(CRITICAL);
    await s.checkNow();
    expect(late.checks).toBe(2);
    expect(s.get('network:late')?.status).toBe(DEGRADED);
  });

  it('replacing or unregistering a monitor closes the old one', async () => {
    const clock = new FakeClock();
    const s = make(clock);
    const first = new ScriptedMonitor('x', ResourceType.DOCKER);
    s.register(first);
    s.register(new ScriptedMonitor('x', ResourceType.DOCKER));
    await clock.tickAsync(0);
    expect(first.closed).toBe(1);
    expect(s.size).toBe(1);
    expect(s.unregister('docker:x')).toBe(true);
    expect(s.unregister('docker:x')).toBe(false);
    expect(s.hasMonitors(ResourceType.DOCKER)).toBe(false);
  });

  it('reportView() is built once per completed check and shared until the next one', async () => {
    const clock = new FakeClock();
    const s = make(clock);
    const m = new ScriptedMonitor('db', ResourceType.DATABASE);
    m.readings = [{ status: DEGRADED, usage: 81.234, details: { password: 'x', pool: 10 } }, { status: CRITICAL }];
    s.register(m);
    expect(s.reportView().resources).toEqual({});
    await s.start();
    const view = s.reportView();
    expect(s.reportView()).toBe(view);
    expect(view.worst).toBe(DEGRADED);
    expect(view.resources).toEqual({
      'database:db': { status: 'degraded', usage: 81.23, checked_at: new Date(clock.wallNow()).toISOString(), duration_ms: 0, details: { password: '[redacted]', pool: 10 } },
    });
    expect(Object.isFrozen(view.resources) && Object.isFrozen(view.resources['database:db'])).toBe(true);
    await clock.tickAsync(1_000);
    expect(s.reportView()).not.toBe(view);
    expect(s.reportView().worst).toBe(CRITICAL);
  });
});
