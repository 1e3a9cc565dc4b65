import { join } from 'node:path';
import { parseCgroupNumber, parseKeyedValue, readCgroupFile, type CgroupLocation } from './cgroup.js';

/**
 * cgroup v1 reports "no limit" as a huge number (9223372036854771712 = LONG_MAX rounded down to a
 * page); anything at or above 1 EiB is treated as no limit.
 */
export const CGROUP_V1_UNLIMITED_BYTES = 2 ** 60;

/** Memory facts of the process's cgroup. */
export interface CgroupMemory {
  version: 1 | 2;
  /** The tightest limit among the process's cgroup and its ancestors; `undefined` = no limit. */
  limitBytes?: number;
  /** Charged memory of the cgroup holding that limit (or of the process's own cgroup). */
  usageBytes?: number;
  /** `usageBytes` less inactive file cache, which the kernel reclaims before an OOM kill. */
  workingSetBytes?: number;
  /** Working set as a percentage of the limit (0–100+), when there is a limit. */
  usagePercent?: number;
  /** OOM kills counted in the process's cgroup (`memory.events` / `memory.oom_control`). */
  oomKills?: number;
}

interface Level {
  limitBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
}

async function readLevel(version: 1 | 2, dir: string, signal?: AbortSignal): Promise<Level> {
  const [limitText, usageText, statText] = await Promise.all(
    (version === 2
      ? ['memory.max', 'memory.current', 'memory.stat']
      : ['memory.limit_in_bytes', 'memory.usage_in_bytes', 'memory.stat']
    ).map((f) => readCgroupFile(join(dir, f), signal)),
  );
  let limitBytes = parseCgroupNumber(limitText); // v2 'max' parses as undefined
  if (limitBytes !== undefined && limitBytes >= CGROUP_V1_UNLIMITED_BYTES) limitBytes = undefined;
  const usageBytes = parseCgroupNumber(usageText);
  const inactive = parseKeyedValue(statText, version === 2 ? 'inactive_file' : 'total_inactive_file') ?? 0;
  const workingSetBytes = usageBytes === undefined ? undefined : Math.max(0, usageBytes - inactive);
  return { limitBytes, usageBytes, workingSetBytes };
}

/**
 * Read the memory limit and usage of a located cgroup. Limits of ancestors apply too, so every level
 * with a limit is read and the one closest to its limit wins.
 */
export async function readCgroupMemory(location: CgroupLocation, signal?: AbortSignal): Promise<CgroupMemory> {
  const { version, dirs } = location;
  const levels = await Promise.all(dirs.map((dir) => readLevel(version, dir, signal)));
  const result: CgroupMemory = { version };
  const own = levels[0];
  if (own?.usageBytes !== undefined) {
    result.usageBytes = own.usageBytes;
    result.workingSetBytes = own.workingSetBytes;
  }
  for (const level of levels) {
    if (level.limitBytes === undefined || level.workingSetBytes === undefined) continue;
    const percent = (level.workingSetBytes / level.limitBytes) * 100;
    if (result.usagePercent === undefined || percent > result.usagePercent) {
      result.usagePercent = percent;
      result.limitBytes = level.limitBytes;
      result.usageBytes = level.usageBytes;
      result.workingSetBytes = level.workingSetBytes;
    }
  }
  const leaf = dirs[0];
  if (leaf !== undefined) {
    const events = await readCgroupFile(join(leaf, version === 2 ? 'memory.events' : 'memory.oom_control'), signal);
    const oomKills = parseKeyedValue(events, 'oom_kill');
    if (oomKills !== undefined) result.oomKills = oomKills;
  }
  return result;
}
