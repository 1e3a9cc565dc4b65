import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCgroupTree, type CgroupTree } from './__fixtures__/cgroup-tree.js';
import { locateCgroup, parseCgroupNumber, parseKeyedValue, parseProcSelfCgroup } from './cgroup.js';

const trees: CgroupTree[] = [];
afterEach(async () => {
  await Promise.all(trees.splice(0).map((t) => t.remove()));
});
async function tree(proc: string, files: Record<string, string>): Promise<CgroupTree> {
  const t = await writeCgroupTree(proc, files);
  trees.push(t);
  return t;
}

describe('parseProcSelfCgroup', () => {
  it('parses v1 controller lists, named hierarchies and the v2 line', () => {
    expect(parseProcSelfCgroup('4:memory:/process_api/x\n3:cpu,cpuacct:/\n9:name=systemd:/a\n0::/\n\n')).toEqual([
      { hierarchyId: '4', controllers: ['memory'], path: '/process_api/x' },
      { hierarchyId: '3', controllers: ['cpu', 'cpuacct'], path: '/' },
      { hierarchyId: '9', controllers: ['name=systemd'], path: '/a' },
      { hierarchyId: '0', controllers: [], path: '/' },
    ]);
  });

  it('keeps colons inside the path and skips malformed lines', () => {
    expect(parseProcSelfCgroup('0::/a:b\ngarbage\n')).toEqual([{ hierarchyId: '0', controllers: [], path: '/a:b' }]);
  });
});

describe('locateCgroup', () => {
  it('finds pure v2 at the root, listing the process cgroup first and its ancestors after', async () => {
    const t = await tree('0::/a/b\n', { 'cgroup.controllers': 'memory', 'a/b/memory.max': 'max' });
    const loc = await locateCgroup('memory', t);
    expect(loc).toEqual({ version: 2, dirs: [join(t.cgroupRoot, 'a/b'), join(t.cgroupRoot, 'a'), t.cgroupRoot] });
  });

  it('finds v2 under unified/ in hybrid mode when no v1 hierarchy has the controller', async () => {
    const t = await tree('4:memory:/\n0::/svc\n', { 'unified/cgroup.controllers': '', 'unified/svc/cpu.max': 'max 100000' });
    expect(await locateCgroup('cpu', t)).toEqual({ version: 2, dirs: [join(t.cgroupRoot, 'unified/svc'), join(t.cgroupRoot, 'unified')] });
  });

  it('prefers the v1 hierarchy holding the controller, by its joined or its own name', async () => {
    const joined = await tree('3:cpu,cpuacct:/d\n0::/\n', { 'cgroup.controllers': '', 'cpu,cpuacct/d/cpu.cfs_quota_us': '-1' });
    expect(await locateCgroup('cpu', joined)).toMatchObject({ version: 1, dirs: [join(joined.cgroupRoot, 'cpu,cpuacct/d'), join(joined.cgroupRoot, 'cpu,cpuacct')] });
    const own = await tree('3:cpu,cpuacct:/d\n', { 'cpu/d/cpu.cfs_quota_us': '-1' });
    expect(await locateCgroup('cpu', own)).toMatchObject({ version: 1, dirs: [join(own.cgroupRoot, 'cpu/d'), join(own.cgroupRoot, 'cpu')] });
  });

  it('is undefined without /proc/self/cgroup or without any matching hierarchy', async () => {
    const t = await tree('4:memory:/\n', {});
    expect(await locateCgroup('memory', { ...t, procSelfCgroup: `${t.procSelfCgroup}.missing` })).toBeUndefined();
    expect(await locateCgroup('cpu', t)).toBeUndefined();
  });

  it('honours an aborted signal', async () => {
    const t = await tree('0::/\n', { 'cgroup.controllers': '' });
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(locateCgroup('memory', t, ac.signal)).rejects.toThrow();
  });
});

describe('cgroup value parsing', () => {
  it('parses integers and keyed files, and nothing else', () => {
    expect(parseCgroupNumber('1024')).toBe(1024);
    expect(parseCgroupNumber('max')).toBeUndefined();
    expect(parseCgroupNumber('-1')).toBeUndefined();
    expect(parseCgroupNumber(undefined)).toBeUndefined();
    expect(parseKeyedValue('oom 1\noom_kill 7\n', 'oom_kill')).toBe(7);
    expect(parseKeyedValue('oom 1', 'oom_kill')).toBeUndefined();
  });
});
