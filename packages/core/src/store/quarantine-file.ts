import { statSync } from 'node:fs';
import { access, rename } from 'node:fs/promises';
import { ConfigError } from '../errors/config-error.js';
import { syncDirectory } from './write-file-atomic.js';

/**
 * Move a damaged file aside, beside itself: to `<file>.corrupt`, or `<file>.<epoch ms>.corrupt`
 * when an earlier one is there already. Returns where it went; undefined if it is gone already
 * (deleted or rewritten meanwhile). Throws when the rename fails for another reason.
 */
export async function moveAside(directory: string, file: string): Promise<string | undefined> {
  let target = `${file}.corrupt`;
  if (await exists(target)) target = `${file}.${Date.now()}.corrupt`;
  try {
    await rename(file, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  await syncDirectory(directory);
  return target;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * A storage directory that is a file, or below one, is a configuration mistake: a ConfigError
 * naming `path` (the option that gave the directory), not an ENOTDIR at the first write. A
 * directory that does not exist yet is fine (it is created on the first write).
 */
export function assertDirectory(path: string, directory: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw notADirectory(path, directory, err);
    return; // ENOENT: created on the first write; anything else (EACCES) surfaces on first use
  }
  if (!isDirectory) throw notADirectory(path, directory);
}

/** The ConfigError for a storage directory that is, or is below, a file. */
export function notADirectory(path: string, directory: string, cause?: unknown): ConfigError {
  return new ConfigError(path, `must be a directory, but "${directory}" is a file or lies below one`, directory, cause === undefined ? undefined : { cause });
}
