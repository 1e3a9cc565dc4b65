import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A fake cgroup mount plus a fake /proc/self/cgroup, written to a temp directory by a test. */
export interface CgroupTree {
  cgroupRoot: string;
  procSelfCgroup: string;
  remove(): Promise<void>;
}

/**
 * Write `procSelfCgroup` (the text of /proc/self/cgroup) and `files` (paths relative to the cgroup
 * mount → contents) to a fresh temp directory.
 */
export async function writeCgroupTree(procSelfCgroup: string, files: Record<string, string>): Promise<CgroupTree> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-cgroup-'));
  const cgroupRoot = join(dir, 'sys-fs-cgroup');
  await mkdir(cgroupRoot);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(cgroupRoot, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  const procPath = join(dir, 'proc-self-cgroup');
  await writeFile(procPath, procSelfCgroup);
  return { cgroupRoot, procSelfCgroup: procPath, remove: () => rm(dir, { recursive: true, force: true }) };
}
