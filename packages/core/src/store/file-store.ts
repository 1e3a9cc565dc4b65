import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OptionKeys } from '../config/known-keys.js';
import { optionsObject } from '../config/validate.js';
import { readableFields, type CorruptEntry } from './corrupt-entry.js';
import { assertDirectory, moveAside, notADirectory } from './quarantine-file.js';
import { LocalLeases } from './local-leases.js';
import type { StateStore } from './state-store.js';
import { syncDirectory, writeFileAtomic } from './write-file-atomic.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /**
   * Called once for a file that cannot be read back (not JSON, or not a stored entry): the entry
   * is skipped, and the file is moved aside (`entry.movedTo`), so the next start does not meet it
   * again. `entry.held` says what it held, as far as it is readable. Also called, without moving
   * anything, for a file that cannot be read at all (EACCES).
   */
  onCorruptEntry?: (file: string, error: unknown, entry: CorruptEntry) => void;
  /** The option path ConfigErrors about the directory name. Default `directory`. */
  configPath?: string;
}

/** Every option of {@link FileStoreOptions}: any other key is a ConfigError. */
const FILE_STORE_KEYS: OptionKeys<FileStoreOptions> = { onCorruptEntry: true, configPath: true };

const SUFFIX = '.json';
const MAX_NAME = 200;

/** The key a file name was made from, when it is not a hash. */
function keyOfFileName(name: string): string | undefined {
  if (name.startsWith('h-')) return undefined;
  try {
    return decodeURIComponent(name.slice(0, -SUFFIX.length));
  } catch {
    return undefined;
  }
}

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
 *
 * A directory that is a file is a ConfigError at construction. A file that does not read back as
 * an entry (damaged by hand, a full disk, another program) is moved aside to `<name>.corrupt` and
 * reported once through `onCorruptEntry`; the rest of the state loads as usual.
 */
export class FileStore implements StateStore {
  readonly directory: string;
  readonly #options: FileStoreOptions;
  readonly #pending = new Map<string, Promise<void>>();
  readonly #leases = new LocalLeases();
  #ready: Promise<void> | undefined;

  constructor(directory: string, options: FileStoreOptions = {}) {
    this.directory = directory;
    this.#options = optionsObject('FileStore.options', options, FILE_STORE_KEYS);
    assertDirectory(this.#configPath, directory);
  }

  get #configPath(): string {
    return this.#options.configPath ?? 'directory';
  }

  #ensureDir(): Promise<void> {
    this.#ready ??= mkdir(this.directory, { recursive: true }).then(
      () => undefined,
      (err: unknown) => {
        this.#ready = undefined;
        const code = (err as NodeJS.ErrnoException).code;
        throw code === 'ENOTDIR' || code === 'EEXIST' ? notADirectory(this.#configPath, this.directory, err) : err;
      },
    );
    return this.#ready;
  }

  async get(key: string): Promise<unknown | undefined> {
    await this.#pending.get(key);
    const name = fileNameFor(key);
    const entry = await this.#read(name);
    return entry?.[0] === key ? entry[1] : undefined;
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
      // temporary files of interrupted writes, and files moved aside (`.corrupt`)
      if (!name.endsWith(SUFFIX)) continue;
      const entry = await this.#read(name);
      if (entry !== undefined && entry[0].startsWith(prefix)) out.push(entry);
    }
    return out;
  }

  async quarantine(key: string, reason: unknown): Promise<void> {
    const name = fileNameFor(key);
    const text = await readFile(join(this.directory, name), 'utf8').catch(() => undefined);
    if (text !== undefined) await this.#quarantine(name, text, reason);
  }

  /** Leases within this process only: two processes sharing one directory do not see each other's. */
  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#leases.claim(key, owner, ttlMs);
  }

  async release(key: string, owner: string): Promise<void> {
    this.#leases.release(key, owner);
  }

  async close(): Promise<void> {
    await Promise.all(this.#pending.values());
  }

  #serialise(key: string, op: () => Promise<void>): Promise<void> {
    const previous = this.#pending.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(op);
    // what others wait on (reads, close): settles either way, never an unhandled rejection; the
    // caller of the write gets its error from `next`
    const tracked: Promise<void> = next.then(
      () => this.#settled(key, tracked),
      () => this.#settled(key, tracked),
    );
    this.#pending.set(key, tracked);
    return next;
  }

  /** The entry in file `name`; undefined when there is none, or it is damaged (then it is moved aside and reported). */
  async #read(name: string): Promise<[string, unknown] | undefined> {
    const file = join(this.directory, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // deleted meanwhile, or no directory yet
      this.#options.onCorruptEntry?.(file, err, { file, movedTo: undefined, held: {} });
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { key?: unknown; value?: unknown } | null;
      if (typeof parsed === 'object' && parsed !== null && typeof parsed.key === 'string' && 'value' in parsed) return [parsed.key, parsed.value];
      throw new SyntaxError('not a stored entry: expected {"key": string, "value": ...}');
    } catch (err) {
      await this.#quarantine(name, text, err);
      return undefined;
    }
  }

  /** Move a damaged file aside (in turn with writes to its key, so a fresh value is never moved) and report it once. */
  async #quarantine(name: string, text: string, error: unknown): Promise<void> {
    const file = join(this.directory, name);
    const held = readableFields(text);
    const key = keyOfFileName(name) ?? held.key;
    const move = async () => {
      // still the damaged text? (a write of the key may have replaced it since it was read)
      const now = await readFile(file, 'utf8').catch(() => undefined);
      if (now !== text) return;
      let movedTo: string | undefined;
      try {
        movedTo = await moveAside(this.directory, file);
        if (movedTo === undefined) return; // gone meanwhile
      } catch {
        movedTo = undefined; // could not move it: reported, and met again at the next start
      }
      this.#options.onCorruptEntry?.(file, error, { file, movedTo, held: key === undefined || held.key !== undefined ? held : { key, ...held } });
    };
    await (key === undefined ? move() : this.#serialise(key, move));
  }

  #settled(key: string, tracked: Promise<void>): void {
    if (this.#pending.get(key) === tracked) this.#pending.delete(key);
  }

  async #write(name: string, text: string): Promise<void> {
    await this.#ensureDir();
    await writeFileAtomic(join(this.directory, name), text);
  }
}
