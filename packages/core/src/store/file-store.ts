import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateStore } from './state-store.js';
import { syncDirectory, writeFileAtomic } from './write-file-atomic.js';
import type { OptionKeys } from '../config/known-keys.js';
import { optionsObject } from '../config/validate.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** Called for a file that cannot be read or parsed; the entry is skipped. */
  onCorruptEntry?: (file: string, error: unknown) => void;
}

/** Every option of {@link FileStoreOptions}: any other key is a ConfigError. */
const FILE_STORE_KEYS: OptionKeys<FileStoreOptions> = { onCorruptEntry: true };

const SUFFIX = '.json';
const MAX_NAME = 200;

/** A file name for a key: readable when short and safe, a hash otherwise. */
function fileNameFor(key: string): string {
  const encoded = encodeURIComponent(key).replace(/\./g, '%2E').replace(/\*/g, '%2A');
  if (encoded.length <= MAX_NAME) return encoded + SUFFIX;
  return `h-${createHash('sha256').update(key).digest('hex')}${SUFFIX}`;
}

/**
 * A {@link StateStore} with one JSON file per key in a directory. Writes are atomic and durable
 * ({@link writeFileAtomic}): data goes to a temporary file, is fsync'ed, renamed over the target,
 * and the directory is fsync'ed, so a crash (even SIGKILL) leaves either the old or the new value,
 * never a torn file. Writes to the same key are serialised in call order.
 */
export class FileStore implements StateStore {
  readonly directory: string;
  readonly #options: FileStoreOptions;
  readonly #pending = new Map<string, Promise<void>>();
  #ready: Promise<void> | undefined;

  constructor(directory: string, options: FileStoreOptions = {}) {
    this.directory = directory;
    this.#options = optionsObject('FileStore.options', options, FILE_STORE_KEYS);
  }

  #ensureDir(): Promise<void> {
    this.#ready ??= mkdir(this.directory, { recursive: true }).then(() => undefined);
    return this.#ready;
  }

  async get(key: string): Promise<unknown | undefined> {
    await this.#pending.get(key);
    try {
      const parsed = JSON.parse(await readFile(join(this.directory, fileNameFor(key)), 'utf8')) as { key: string; value: unknown };
      return parsed.value;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify({ key, value });
    return this.#serialise(key, () => this.#write(fileNameFor(key), text));
  }

  delete(key: string): Promise<void> {
    return this.#serialise(key, async () => {
      await rm(join(this.directory, fileNameFor(key)), { force: true });
      await syncDirectory(this.directory);
    });
  }

  async entries(prefix: string): Promise<Array<[string, unknown]>> {
    await Promise.all(this.#pending.values());
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: Array<[string, unknown]> = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX)) continue; // temporary files of interrupted writes
      const file = join(this.directory, name);
      try {
        const parsed = JSON.parse(await readFile(file, 'utf8')) as { key: unknown; value: unknown };
        if (typeof parsed.key === 'string' && parsed.key.startsWith(prefix)) out.push([parsed.key, parsed.value]);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted meanwhile
        this.#options.onCorruptEntry?.(file, err);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.#pending.values());
  }

  #serialise(key: string, op: () => Promise<void>): Promise<void> {
    const previous = this.#pending.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(op);
    const tracked = next.finally(() => {
      if (this.#pending.get(key) === tracked) this.#pending.delete(key);
    });
    this.#pending.set(key, tracked);
    return next;
  }

  async #write(name: string, text: string): Promise<void> {
    await this.#ensureDir();
    await writeFileAtomic(join(this.directory, name), text);
  }
}
