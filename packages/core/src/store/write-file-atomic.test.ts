import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rampart-write-atomic-'));
  dirs.push(d);
  return d;
}

describe('writeFileAtomic', () => {
  it('writes a new file readable only by its owner, and replaces an existing one, leaving no temporary file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, '{"v":1}');
    expect(await readFile(path, 'utf8')).toBe('{"v":1}');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFileAtomic(path, new TextEncoder().encode('{"v":2}'));
    expect(await readFile(path, 'utf8')).toBe('{"v":2}');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('writes through the given temporary path, which must not exist yet', async () => {
    const dir = await tempDir();
    const tmpPath = join(dir, 'writing.tmp');
    await writeFileAtomic(join(dir, 'a.msg'), 'first', { tmpPath });
    expect(await readdir(dir)).toEqual(['a.msg']);

    await writeFile(tmpPath, 'someone else is writing here');
    await expect(writeFileAtomic(join(dir, 'b.msg'), 'second', { tmpPath })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(tmpPath, 'utf8')).toBe('someone else is writing here');
    expect((await readdir(dir)).sort()).toEqual(['a.msg', 'writing.tmp']);
  });

  it('an aborted write leaves neither the target nor the temporary file, and rejects with the reason', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(writeFileAtomic(join(dir, 'x.json'), 'data', { signal: controller.signal })).rejects.toThrow('caller gave up');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a rename that fails removes the temporary file and leaves the target as it was', async () => {
    const dir = await tempDir();
    const target = join(dir, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true });
    // A file cannot be renamed over a folder.
    await expect(writeFileAtomic(target, 'new', { tmpPath: join(dir, 'pending.tmp') })).rejects.toMatchObject({ code: 'EISDIR' });
    expect(await readdir(dir)).toEqual(['occupied']);
    expect(await readdir(target)).toEqual(['child']);
  });
});
