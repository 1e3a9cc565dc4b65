import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';
import { MemoryStore } from './memory-store.js';
import type { StateStore } from './state-store.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rampart-store-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const backends: Array<[string, () => Promise<StateStore>]> = [
  ['MemoryStore', async () => new MemoryStore()],
  ['FileStore', async () => new FileStore(join(await tempDir(), 'nested', 'team'))],
];

describe.each(backends)('%s', (_name, make) => {
  it('gets, sets, deletes and lists by prefix, returning copies', async () => {
    const store = await make();
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.entries('queue/')).toEqual([]);
    const value = { a: [1, 2], b: 'x' };
    await store.set('queue/1', value);
    await store.set('queue/2', 'two');
    await store.set('breaker/db', { state: 'open' });
    value.a.push(3);
    expect(await store.get('queue/1')).toEqual({ a: [1, 2], b: 'x' });
    const listed = (await store.entries('queue/')).sort(([a], [b]) => a.localeCompare(b));
    expect(listed).toEqual([
      ['queue/1', { a: [1, 2], b: 'x' }],
      ['queue/2', 'two'],
    ]);
    await store.delete('queue/1');
    await store.delete('queue/never');
    expect(await store.get('queue/1')).toBeUndefined();
    expect((await store.entries('')).length).toBe(2);
    await store.close?.();
  });

  it('keeps the last of several concurrent writes to one key', async () => {
    const store = await make();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set('k', i)));
    expect(await store.get('k')).toBe(19);
  });
});

describe('FileStore on disk', () => {
  it('survives a new instance (restart), with odd and very long keys', async () => {
    const dir = await tempDir();
    const long = `breaker/${'x'.repeat(300)}`;
    const a = new FileStore(dir);
    await a.set('../escape', 1);
    await a.set(long, { state: 'open' });
    await a.set('team/marketing:api_quota', true);
    const b = new FileStore(dir);
    expect(await b.get('../escape')).toBe(1);
    expect(await b.get(long)).toEqual({ state: 'open' });
    expect((await b.entries('breaker/')).map(([k]) => k)).toEqual([long]);
    const names = await readdir(dir);
    expect(names.every((n) => !n.includes('/') && n.length < 255 && n.endsWith('.json'))).toBe(true);
  });

  it('ignores temporary files of interrupted writes and reports corrupt ones', async () => {
    const dir = await tempDir();
    const corrupt: string[] = [];
    const store = new FileStore(dir, { onCorruptEntry: (file) => corrupt.push(file) });
    await store.set('ok', 1);
    await writeFile(join(dir, 'ok.json.123.abc.tmp'), '{"key":"ok","val');
    await writeFile(join(dir, 'bad.json'), 'not json');
    expect(await store.entries('')).toEqual([['ok', 1]]);
    expect(corrupt).toEqual([join(dir, 'bad.json')]);
  });
});
