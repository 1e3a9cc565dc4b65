import { join } from 'node:path';
import { parseCgroupNumber, readCgroupFile, type CgroupLocation } from './cgroup.js';

async function readQuota(version: 1 | 2, dir: string, signal?: AbortSignal): Promise<number | undefined> {
  if (version === 2) {
    // cpu.max: "QUOTA PERIOD" or "max PERIOD" (no quota)
    const [quota, period] = ((await readCgroupFile(join(dir, 'cpu.max'), signal)) ?? '').split(/\s+/);
    return cpus(parseCgroupNumber(quota), parseCgroupNumber(period));
  }
  const [quota, period] = await Promise.all([
    readCgroupFile(join(dir, 'cpu.cfs_quota_us'), signal), // -1 = no quota: not a non-negative integer
    readCgroupFile(join(dir, 'cpu.cfs_period_us'), signal),
  ]);
  return cpus(parseCgroupNumber(quota), parseCgroupNumber(period));
}

function cpus(quota: number | undefined, period: number | undefined): number | undefined {
  if (quota === undefined || period === undefined || quota <= 0 || period <= 0) return undefined;
  return quota / period;
}

/**
 * The CPU quota of a located cgroup, in CPUs (`cpu.max` 50000/100000 = 0.5), the tightest among the
 * process's cgroup and its ancestors; `undefined` when no level sets one.
 */
export async function readCgroupCpuQuota(location: CgroupLocation, signal?: AbortSignal): Promise<number | undefined> {
  const quotas = await Promise.all(location.dirs.map((dir) => readQuota(location.version, dir, signal)));
  let tightest: number | undefined;
  for (const q of quotas) if (q !== undefined && (tightest === undefined || q < tightest)) tightest = q;
  return tightest;
}
