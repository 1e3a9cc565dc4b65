import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { writeCgroupTree, type CgroupTree } from './__fixtures__/cgroup-tree.js';
import { MemoryMonitor } from './memory-monitor.js';

const MiB = 1024 ** 2;
const GB = 1000 * MiB; // 1000 MiB: a round limit, so that percentages come out exact
const trees: CgroupTree[] = [];
afterEach(async () => {
  await Promise.all(trees.splice(0).map((t) => t.remove()));
});

async function tree(proc: string, files: Record<string, string>): Promise<CgroupTree> {
  const t = await writeCgroupTree(proc, files);
  trees.push(t);
  return t;
}

const signal = () => new AbortController().signal;
type Container = { version: number; limitBytes?: number; usageBytes?: number; workingSetBytes?: number; usagePercent?: number; oomKills?: number };
const containerOf = (details: Record<string, unknown> | undefined) => details?.container as Container | undefined;

describe('MemoryMonitor with cgroup v2', () => {
  const v2 = (max: string, current: number, extra: Record<string, string> = {}) =>
    tree('0::/app.slice/worker.service\n', {
      'cgroup.controllers': 'cpu memory pids',
      'app.slice/worker.service/memory.max': `${max}\n`,
      'app.slice/worker.service/memory.current': `${current}\n`,
      'app.slice/worker.service/memory.stat': `anon 1000\nfile 2000\ninactive_file ${100 * MiB}\nactive_file 5\n`,
      'app.slice/worker.service/memory.events': 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 2\n',
      ...extra,
    });

  it('reads memory.max and memory.current, counting the working set (less inactive file cache)', async () => {
    const t = await v2(String(GB), 950 * MiB);
    const m = new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup });
    const r = await m.check(signal());
    expect(containerOf(r.details)).toMatchObject({ version: 2, limitBytes: GB, usageBytes: 950 * MiB, workingSetBytes: 850 * MiB, usagePercent: 85, oomKills: 2 });
    expect(r.details?.source).toBe('container');
    expect(r.usage).toBe(85);
    expect(r.status).toBe(ResourceStatus.DEGRADED);
  });

  it('goes critical at the critical threshold and honours custom thresholds', async () => {
    const t = await v2(String(GB), 1070 * MiB); // working set 970 MiB = 97 %
    const paths = { cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup };
    expect((await new MemoryMonitor(paths).check(signal())).status).toBe(ResourceStatus.CRITICAL);
    const lenient = new MemoryMonitor({ ...paths, thresholds: { degraded: 98, critical: 99 } });
    expect((await lenient.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });

  it("treats 'max' as no limit: usage comes from the heap", async () => {
    const t = await v2('max', 5 * GB);
    const r = await new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup }).check(signal());
    const c = containerOf(r.details);
    expect(c?.limitBytes).toBeUndefined();
    expect(c?.usagePercent).toBeUndefined();
    expect(c?.usageBytes).toBe(5 * GB);
    expect(r.details?.source).toBe('heap');
    expect(r.usage).toBe(r.details?.heapPercent);
  });

  it('applies a tighter limit set on an ancestor cgroup', async () => {
    const t = await v2('max', 500 * MiB, {
      'app.slice/memory.max': String(GB),
      'app.slice/memory.current': String(1050 * MiB),
      'app.slice/memory.stat': 'inactive_file 0\n',
    });
    const r = await new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup }).check(signal());
    expect(containerOf(r.details)).toMatchObject({ limitBytes: GB, usagePercent: 105 });
    expect(r.usage).toBe(100);
    expect(r.status).toBe(ResourceStatus.CRITICAL);
  });

  it('finds the cgroup at the mount root when the process path is not mounted (no cgroup namespace)', async () => {
    const t = await tree('0::/docker/0123abcd\n', {
      'cgroup.controllers': 'memory',
      'memory.max': String(2 * GB),
      'memory.current': String(GB),
    });
    const r = await new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup }).check(signal());
    expect(containerOf(r.details)).toMatchObject({ version: 2, limitBytes: 2 * GB, usagePercent: 50 });
  });

  it('turns degraded when an OOM kill happened since the previous check', async () => {
    const t = await v2(String(GB), 200 * MiB);
    const m = new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup });
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY); // 2 kills before: the baseline
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${t.cgroupRoot}/app.slice/worker.service/memory.events`, 'oom 3\noom_kill 3\n');
    const r = await m.check(signal());
    expect(r.status).toBe(ResourceStatus.DEGRADED);
    expect(r.details?.oomKillsSinceLastCheck).toBe(1);
    expect((await m.check(signal())).status).toBe(ResourceStatus.HEALTHY);
  });
});

describe('MemoryMonitor with cgroup v1', () => {
  const v1 = (limit: string, usage: number) =>
    tree('12:pids:/docker/abc\n4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n', {
      'memory/docker/abc/memory.limit_in_bytes': `${limit}\n`,
      'memory/docker/abc/memory.usage_in_bytes': `${usage}\n`,
      'memory/docker/abc/memory.stat': `cache 10\ninactive_file 7\ntotal_inactive_file ${50 * MiB}\n`,
      'memory/docker/abc/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/memory.usage_in_bytes': String(8 * GB),
    });

  it('reads memory.limit_in_bytes and memory.usage_in_bytes', async () => {
    const t = await v1(String(2 * GB), 1050 * MiB);
    const r = await new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup }).check(signal());
    expect(containerOf(r.details)).toMatchObject({ version: 1, limitBytes: 2 * GB, workingSetBytes: GB, usagePercent: 50, oomKills: 0 });
    expect(r.status).toBe(ResourceStatus.HEALTHY);
  });

  it('treats the huge v1 value as no limit', async () => {
    const t = await v1('9223372036854771712', GB);
    const r = await new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: t.procSelfCgroup }).check(signal());
    expect(containerOf(r.details)?.limitBytes).toBeUndefined();
    expect(r.details?.source).toBe('heap');
  });
});

describe('MemoryMonitor', () => {
  it('works without any cgroup (no /proc/self/cgroup): heap only', async () => {
    const t = await tree('', {});
    const m = new MemoryMonitor({ cgroupRoot: t.cgroupRoot, procSelfCgroup: `${t.procSelfCgroup}-missing` });
    const r = await m.check(signal());
    expect(r.details?.container).toBeUndefined();
    expect(r.details?.heapLimitBytes).toBeGreaterThan(0);
    expect(r.details?.rssBytes).toBeGreaterThan(0);
  });

  it('checks this machine for real', async () => {
    const m = new MemoryMonitor();
    expect(m.name).toBe('process');
    expect(m.resourceType).toBe(ResourceType.MEMORY);
    const r = await m.check(signal());
    expect(r.usage).toBeGreaterThan(0);
    expect(r.usage).toBeLessThanOrEqual(100);
    expect(Object.values(ResourceStatus)).toContain(r.status);
    expect(r.details?.heapUsedBytes).toBeGreaterThan(0);
    if (existsSync('/proc/self/cgroup')) expect(r.details?.container).toBeDefined();
  });

  it('rejects with the abort reason when the signal is aborted', async () => {
    const ac = new AbortController();
    const reason = new Error('manager gave up');
    ac.abort(reason);
    await expect(new MemoryMonitor().check(ac.signal)).rejects.toBe(reason);
  });

  it('validates its options with errors naming the path, and freezes a resolved copy', () => {
    expect(() => new MemoryMonitor({ name: '' })).toThrow(ConfigError);
    expect(() => new MemoryMonitor({ thresholds: { degraded: 96 } })).toThrow(/thresholds\.degraded/);
    expect(() => new MemoryMonitor({ cgroupRoot: '' })).toThrow(/cgroupRoot/);
    const given = { name: 'api', thresholds: { degraded: 60 } };
    const m = new MemoryMonitor(given);
    expect(m.options).toEqual({ name: 'api', thresholds: { degraded: 60, critical: 95 }, cgroupRoot: '/sys/fs/cgroup', procSelfCgroup: '/proc/self/cgroup' });
    expect(Object.isFrozen(m.options)).toBe(true);
    expect(given).toEqual({ name: 'api', thresholds: { degraded: 60 } });
  });
});
