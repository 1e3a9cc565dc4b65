import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where to find the cgroup file systems; both overridable so tests can point at fixture directories. */
export interface CgroupPaths {
  /** Mount point of the cgroup file systems. Default `/sys/fs/cgroup`. */
  cgroupRoot: string;
  /** The process's cgroup membership file. Default `/proc/self/cgroup`. */
  procSelfCgroup: string;
}

export const DEFAULT_CGROUP_PATHS: Readonly<CgroupPaths> = Object.freeze({
  cgroupRoot: '/sys/fs/cgroup',
  procSelfCgroup: '/proc/self/cgroup',
});

/** One line of `/proc/self/cgroup`: `hierarchy-id:controller,list:/path`. */
export interface CgroupEntry {
  hierarchyId: string;
  /** Empty for the cgroup v2 (unified) line `0::/path`. */
  controllers: readonly string[];
  path: string;
}

/** A located cgroup: its version and its directories, from the process's own up to the mount root. */
export interface CgroupLocation {
  version: 1 | 2;
  dirs: readonly string[];
}

export function parseProcSelfCgroup(text: string): CgroupEntry[] {
  const entries: CgroupEntry[] = [];
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (second < 0) continue;
    const list = line.slice(first + 1, second);
    entries.push({
      hierarchyId: line.slice(0, first),
      controllers: list === '' ? [] : list.split(','),
      path: line.slice(second + 1).trim() || '/',
    });
  }
  return entries;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EINVAL']);

/** Read a small cgroup/proc file; `undefined` when it does not exist or cannot be read. */
export async function readCgroupFile(path: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await readFile(path, { encoding: 'utf8', signal })).trim();
  } catch (err) {
    if (MISSING.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function existingAncestors(base: string, cgroupPath: string, signal?: AbortSignal): Promise<string[]> {
  const parts = cgroupPath.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  const dirs: string[] = [];
  for (let n = parts.length; n >= 0; n--) {
    signal?.throwIfAborted();
    const dir = join(base, ...parts.slice(0, n));
    // Without a cgroup namespace the process's own cgroup is often mounted at the root itself
    // (`/docker/<id>` in /proc/self/cgroup, its files at /sys/fs/cgroup): missing levels are skipped.
    if (await isDirectory(dir)) dirs.push(dir);
  }
  return dirs;
}

/**
 * Find the cgroup directories that govern `controller` for this process: a v1 hierarchy that lists
 * the controller when there is one (also in hybrid set-ups), else the v2 unified hierarchy
 * (at the root when `cgroup.controllers` is there, or under `unified/` in hybrid mode).
 * `undefined` when the process is not in a cgroup (not Linux, or /proc not mounted).
 */
export async function locateCgroup(
  controller: string,
  paths: Readonly<CgroupPaths>,
  signal?: AbortSignal,
): Promise<CgroupLocation | undefined> {
  const text = await readCgroupFile(paths.procSelfCgroup, signal);
  if (text === undefined) return undefined;
  const entries = parseProcSelfCgroup(text);
  const v1 = entries.find((e) => e.controllers.includes(controller));
  if (v1) {
    for (const name of [v1.controllers.join(','), controller]) {
      const base = join(paths.cgroupRoot, name);
      if (await isDirectory(base)) return { version: 1, dirs: await existingAncestors(base, v1.path, signal) };
    }
  }
  const v2 = entries.find((e) => e.hierarchyId === '0' && e.controllers.length === 0);
  if (!v2) return undefined;
  for (const base of [paths.cgroupRoot, join(paths.cgroupRoot, 'unified')]) {
    if ((await readCgroupFile(join(base, 'cgroup.controllers'), signal)) !== undefined) {
      return { version: 2, dirs: await existingAncestors(base, v2.path, signal) };
    }
  }
  return undefined;
}

/** Parse a non-negative integer from a cgroup file (`undefined` for anything else). */
export function parseCgroupNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** Read one field of a flat-keyed cgroup file (`memory.stat`, `memory.events`, `cpu.stat`). */
export function parseKeyedValue(text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === key) return parseCgroupNumber(v);
  }
  return undefined;
}
