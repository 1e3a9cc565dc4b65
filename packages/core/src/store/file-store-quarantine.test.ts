import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { QueuePersistence } from '../queue/queue-persistence.js';
import { describeHeld, readableFields, type CorruptEntry } from './corrupt-entry.js';
import { FileStore } from './file-store.js';
import { MemoryStore } from './memory-store.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rampart-quarantine-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function recording(dir: string) {
  const reports: CorruptEntry[] = [];
  const store = new FileStore(dir, { onCorruptEntry: (_file, _error, entry) => reports.push(entry) });
  return { store, reports };
}

const QUEUED = {
  key: 'ops/queue/4f1c',
  value: { version: 1, id: '4f1c', team: 'ops', resource: 'network', className: 'Mailer', method: 'send', status: 'queued', argsJson: '["ops@example.test",{"id":"not-me","token":"s3cr3t"}]' },
};
const fileOf = (key: string) => `${encodeURIComponent(key).replace(/\./g, '%2E')}.json`;

describe('FileStore: a storage directory that is a file', () => {
  it('is a ConfigError naming the configured path, at construction', async () => {
    const file = join(await tempDir(), 'state.json');
    await writeFile(file, '{}');
    const err = (() => {
      try {
        new FileStore(file, { configPath: 'storagePath' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ path: 'storagePath', value: file });
    expect((err as Error).message).toBe(`storagePath: must be a directory, but "${file}" is a file or lies below one`);
    expect(() => new FileStore(join(file, 'team'))).toThrow(/^directory: must be a directory/); // below a file: ENOTDIR
  });

  it('a directory that does not exist yet is created on the first write', async () => {
    const dir = join(await tempDir(), 'a', 'b');
    const store = new FileStore(dir);
    await store.set('k', 1);
    expect(await new FileStore(dir).get('k')).toBe(1);
  });

  it('a file that appears where the directory should be after construction is a ConfigError at the first write', async () => {
    const dir = join(await tempDir(), 'later');
    const store = new FileStore(dir, { configPath: 'storagePath' });
    await writeFile(dir, 'oops');
    await expect(store.set('k', 1)).rejects.toMatchObject({ name: 'ConfigError', path: 'storagePath' });
  });
});

describe('FileStore: a damaged state file', () => {
  it('is moved aside to <name>.corrupt and reported once with what it held; the next start does not meet it', async () => {
    const dir = await tempDir();
    const name = fileOf(QUEUED.key);
    const text = JSON.stringify(QUEUED);
    await writeFile(join(dir, name), text.slice(0, text.indexOf('"status"') + 5)); // a torn write
    const first = recording(dir);
    await first.store.set('ops/queue/ok', { fine: true });
    expect(await first.store.entries('ops/')).toEqual([['ops/queue/ok', { fine: true }]]);
    expect(first.reports).toEqual([
      { file: join(dir, name), movedTo: join(dir, `${name}.corrupt`), held: { key: 'ops/queue/4f1c', id: '4f1c', team: 'ops', resource: 'network', className: 'Mailer', method: 'send' } },
    ]);
    expect(await first.store.entries('ops/')).toHaveLength(1);
    expect(first.reports).toHaveLength(1); // once

    const restarted = recording(dir);
    expect(await restarted.store.entries('')).toEqual([['ops/queue/ok', { fine: true }]]);
    expect(restarted.reports).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual([name + '.corrupt', fileOf('ops/queue/ok')].sort());
    expect(await readFile(join(dir, name + '.corrupt'), 'utf8')).toBe(text.slice(0, text.indexOf('"status"') + 5)); // kept for a human
  });

  it('a second damaged file of the same name gets a timestamped name instead of replacing the first', async () => {
    const dir = await tempDir();
    const { store, reports } = recording(dir);
    await writeFile(join(dir, 'k.json'), 'first');
    await store.entries('');
    await writeFile(join(dir, 'k.json'), 'second');
    expect(await store.get('k')).toBeUndefined();
    expect(reports.map((r) => r.movedTo)).toEqual([join(dir, 'k.json.corrupt'), expect.stringMatching(/\/k\.json\.\d+\.corrupt$/)]);
    expect(reports[1]!.held).toEqual({ key: 'k' }); // from the file name
    expect(await readFile(join(dir, 'k.json.corrupt'), 'utf8')).toBe('first');
  });

  it('valid JSON that is not a stored entry is damaged too; a file that reads back is never moved', async () => {
    const dir = await tempDir();
    const { store, reports } = recording(dir);
    await writeFile(join(dir, 'x.json'), '[1, 2, 3]');
    await store.set('y', { v: 1 });
    expect(await store.entries('')).toEqual([['y', { v: 1 }]]);
    expect(reports.map((r) => r.movedTo)).toEqual([join(dir, 'x.json.corrupt')]);
    expect(await store.get('y')).toEqual({ v: 1 });
  });
});

describe('FileStore.quarantine: an entry its reader does not understand', () => {
  it('an invalid queued request record is moved aside and reported once by the store, not warned about at every load', async () => {
    const dir = await tempDir();
    const { store, reports } = recording(dir);
    await store.set(QUEUED.key, { ...QUEUED.value, version: 99 }); // JSON, but not a record this version reads
    const persistence = new QueuePersistence(store, 'ops');
    expect(await persistence.load()).toEqual({ records: [], invalid: [] });
    expect(reports).toEqual([
      {
        file: join(dir, fileOf(QUEUED.key)),
        movedTo: join(dir, `${fileOf(QUEUED.key)}.corrupt`),
        held: { key: QUEUED.key, id: '4f1c', team: 'ops', resource: 'network', className: 'Mailer', method: 'send', status: 'queued' },
      },
    ]);
    expect(await new QueuePersistence(recording(dir).store, 'ops').load()).toEqual({ records: [], invalid: [] });
    expect(reports).toHaveLength(1);
  });

  it('a store without quarantine lists the invalid keys for its reader to skip', async () => {
    const store = new MemoryStore();
    await store.set('ops/queue/x', { nonsense: true });
    expect(await new QueuePersistence(store, 'ops').load()).toEqual({ records: [], invalid: ['ops/queue/x'] });
  });
});

describe('readableFields', () => {
  it('reads the identifying fields of a damaged record, never the arguments inside argsJson', () => {
    const text = JSON.stringify(QUEUED).slice(0, -30);
    expect(readableFields(text)).toEqual({ key: 'ops/queue/4f1c', id: '4f1c', team: 'ops', resource: 'network', className: 'Mailer', method: 'send', status: 'queued' });
    expect(readableFields('\u0000\u0001garbage')).toEqual({});
    expect(readableFields('{"key":"a\\"b"')).toEqual({ key: 'a"b' });
  });

  it('describes what a record held in one line', () => {
    expect(describeHeld({ key: 'ops/queue/1', id: '1', className: 'Mailer', method: 'send', resource: 'network' })).toBe('key ops/queue/1 (request 1, Mailer.send, network)');
    expect(describeHeld({ key: 'ops/breaker/db' })).toBe('key ops/breaker/db');
    expect(describeHeld({})).toBe('nothing readable');
  });
});
