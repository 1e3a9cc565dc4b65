import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { writeCgroupTree, type CgroupTree } from './__fixtures__/cgroup-tree.js';
import { CpuMonitor } from './cpu-monitor.js';

const trees: CgroupTree[] = [];
const monitors: CpuMonitor[] = [];
afterEach(async () => {
  for (const m of monitors.splice(0)) m.close();
  await Promise.all(trees.splice(0).map((t) => t.remove()));
});

async function tree(proc: string, files: Record<string, string>): Promise<CgroupTree> {
  const t = await writeCgroupTree(proc, files);
  trees.push(t);
  return t;
}
function monitor(...args: ConstructorParameters<typeof CpuMonitor>): CpuMonitor {
  const m = new CpuMonitor(...args);
  monitors.push(m);
  return m;
}
const signal = () => new AbortController().signal;

/** Spend at least `ms` of real CPU time in this process. */
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(i + x);
    const d = process.cpuUsage(start);
    if ((d.user + d.system) / 1000 >= ms) break;
  }
}
/** Block the event loop for `ms` of real time. */
function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const quietLoop = { delayDegradedMs: 1e6, delayCriticalMs: 1e7, eluDegraded: 1 };

describe('CpuMonitor: effective CPUs from the cgroup quota', () => {
  it('reads cgroup v2 cpu.max (quota / period)', async () => {
    const t = await tree('0::/k8s/pod\n', { 'cgroup.controllers': 'cpu', 'k8s/pod/cpu.max': '50000 100000\n' });
    const r = await monitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup }).check(signal());
    expect(r.details).toMatchObject({ cpuQuota: 0.5, effectiveCpus: 0.5, availableParallelism: availableParallelism() });
  });

  it("treats 'max' as no quota, and applies a tighter ancestor quota", async () => {
    const none = await tree('0::/k8s/pod\n', { 'cgroup.controllers': 'cpu', 'k8s/pod/cpu.max': 'max 100000\n' });
    const r1 = await monitor({ cgroupRoot: none.cgroupRoot, procSelfCgroup: none.procSelfCgroup }).check(signal());
    expect(r1.details?.cpuQuota).toBeUndefined();
    expect(r1.details?.effectiveCpus).toBe(availableParallelism());

    const nested = await tree('0::/k8s/pod\n', {
      'cgroup.controllers': 'cpu',
      'k8s/cpu.max': '25000 100000',
      'k8s/pod/cpu.max': '200000 100000',
    });
    const r2 = await monitor({ cgroupRoot: nested.cgroupRoot, procSelfCgroup: nested.procSelfCgroup }).check(signal());
    expect(r2.details).toMatchObject({ cpuQuota: 0.25, effectiveCpus: 0.25 });
  });

  it('reads cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us (-1 = none)', async () => {
    const files = (quota: string) => ({
      'cpu,cpuacct/docker/abc/cpu.cfs_quota_us': quota,
      'cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000',
    });
    const proc = '4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n';
    const limited = await tree(proc, files('150000'));
    const r1 = await monitor({ cgroupRoot: limited.cgroupRoot, procSelfCgroup: limited.procSelfCgroup }).check(signal());
    expect(r1.details).toMatchObject({ cpuQuota: 1.5, effectiveCpus: Math.min(1.5, availableParallelism()) });
    const unlimited = await tree(proc, files('-1'));
    const r2 = await monitor({ cgroupRoot: unlimited.cgroupRoot, procSelfCgroup: unlimited.procSelfCgroup }).check(signal());
    expect(r2.details?.cpuQuota).toBeUndefined();
  });
});

describe('CpuMonitor: process CPU usage between checks', () => {
  it('goes critical when the process used more CPU time than the quota allows, healthy when idle', async () => {
    const t = await tree('0::/\n', { 'cgroup.controllers': 'cpu', 'cpu.max': '100000 100000' }); // 1 CPU
    const clock = new FakeClock();
    const m = monitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup, clock, eventLoop: quietLoop });
    burnCpu(30);
    clock.tick(10); // ≥ 30 ms of CPU in 10 ms on 1 CPU: ≥ 300 %
    const busy = await m.check(signal());
    expect(busy.status).toBe(ResourceStatus.CRITICAL);
    expect(busy.usage).toBe(100);
    expect(busy.details?.processCpuPercent).toBeGreaterThanOrEqual(300);
    expect(busy.details?.reasons).toEqual(['cpu']);

    clock.tick(1e9); // no measurable share of 11 days
    const idle = await m.check(signal());
    expect(idle.status).toBe(ResourceStatus.HEALTHY);
    expect(idle.usage).toBeLessThan(1);
    expect(idle.details?.reasons).toBeUndefined();
  });

  it('honours custom thresholds', async () => {
    const t = await tree('0::/\n', { 'cgroup.controllers': 'cpu', 'cpu.max': '100000 100000' });
    const clock = new FakeClock();
    const m = monitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup, clock, eventLoop: quietLoop, thresholds: { degraded: 1, critical: 90 } });
    burnCpu(20);
    clock.tick(1000); // ≥ 20 ms of CPU in 1 s on 1 CPU: ≥ 2 %; reaching 90 % would take 900 ms of CPU
    const r = await m.check(signal());
    expect(r.status).toBe(ResourceStatus.DEGRADED);
  });

  it('reports no usage when the clock has not moved since the last check', async () => {
    const m = monitor({ clock: new FakeClock(), eventLoop: quietLoop });
    const r = await m.check(signal());
    expect(r.usage).toBeUndefined();
    expect(r.status).toBe(ResourceStatus.HEALTHY);
    expect(r.details?.loadAverage1m).toBeTypeOf('number');
  });
});

describe('CpuMonitor: event loop', () => {
  it('turns degraded when the p99 event-loop delay exceeds delayDegradedMs', async () => {
    const m = monitor({ eventLoop: { delayDegradedMs: 20, delayCriticalMs: 10_000, eluDegraded: 1 } });
    await m.check(signal()); // enables the histogram
    await pause(30);
    blockLoop(60);
    await pause(30);
    const r = await m.check(signal());
    expect(r.details?.eventLoopDelayP99Ms).toBeGreaterThan(20);
    expect(r.details?.reasons).toContain('event_loop_delay');
    expect([ResourceStatus.DEGRADED, ResourceStatus.CRITICAL]).toContain(r.status);
  });

  it('turns critical when the mean delay exceeds delayCriticalMs', async () => {
    const m = monitor({ eventLoop: { delayDegradedMs: 1, delayCriticalMs: 2, eluDegraded: 1 } });
    await m.check(signal());
    await pause(20);
    blockLoop(80);
    await pause(20);
    const r = await m.check(signal());
    expect(r.details?.eventLoopDelayMeanMs).toBeGreaterThan(2);
    expect(r.status).toBe(ResourceStatus.CRITICAL);
  });

  it('turns degraded when the event-loop utilisation exceeds eluDegraded, and resets each check', async () => {
    const m = monitor({ thresholds: { degraded: 99, critical: 100 }, eventLoop: { delayDegradedMs: 1e6, delayCriticalMs: 1e7, eluDegraded: 0.5 } });
    await m.check(signal());
    blockLoop(60);
    const busy = await m.check(signal());
    expect(busy.details?.eventLoopUtilization).toBeGreaterThan(0.5);
    expect(busy.details?.reasons).toContain('event_loop_utilization');
    await pause(100);
    const idle = await m.check(signal());
    expect(idle.details?.eventLoopUtilization).toBeLessThan(0.5);
  });
});

describe('CpuMonitor', () => {
  it('checks this machine for real', async () => {
    const m = monitor();
    expect(m.name).toBe('process');
    expect(m.resourceType).toBe(ResourceType.CPU);
    const r = await m.check(signal());
    expect(Object.values(ResourceStatus)).toContain(r.status);
    expect(r.details?.effectiveCpus).toBeGreaterThan(0);
  });

  it('rejects with the abort reason when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('gave up'));
    await expect(monitor().check(ac.signal)).rejects.toThrow('gave up');
  });

  it('validates its options with errors naming the path', () => {
    expect(() => new CpuMonitor({ eventLoop: { delayDegradedMs: 0 } })).toThrow(/eventLoop\.delayDegradedMs/);
    expect(() => new CpuMonitor({ eventLoop: { eluDegraded: 1.5 } })).toThrow(/eventLoop\.eluDegraded/);
    expect(() => new CpuMonitor({ eventLoop: { eluDegraded: 0 } })).toThrow(ConfigError);
    expect(() => new CpuMonitor({ thresholds: { critical: 50 } })).toThrow(/thresholds\.degraded/);
    const m = new CpuMonitor({ name: 'worker' });
    expect(m.options.eventLoop).toEqual({ delayDegradedMs: 100, delayCriticalMs: 1000, eluDegraded: 0.9 });
    expect(Object.isFrozen(m.options)).toBe(true);
    expect(m.name).toBe('worker');
  });
});
