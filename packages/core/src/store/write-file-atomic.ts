import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * Where the data is written before the rename: on the same file system as the target, and not
   * existing yet (it is created exclusively). Default: `<path>.<pid>.<random>.tmp` beside it.
   */
  tmpPath?: string;
  /** Checked once the data is on disk, before the rename: an aborted write leaves no file behind. */
  signal?: AbortSignal;
}

/**
 * Write `data` to `path` atomically and durably: the data goes to a temporary file (mode 0600),
 * is fsync'ed, renamed over `path`, and the folder is fsync'ed. A crash, even SIGKILL, leaves
 * either the old content or the new, never a torn file. On failure the temporary file is removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const tmpPath = options.tmpPath ?? `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmpPath, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmpPath, { force: true });
    throw error;
  }
  await handle.close();
  try {
    options.signal?.throwIfAborted();
    await rename(tmpPath, path);
  } catch (error) {
    await rm(tmpPath, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * fsync a folder, so that a rename or delete in it is durable. Best effort: some platforms cannot
 * fsync a folder (the rename is still atomic there).
 */
export async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // not supported here: nothing more to do
  } finally {
    await handle?.close();
  }
}
