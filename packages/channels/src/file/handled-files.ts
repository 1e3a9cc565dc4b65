import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Claimed files whose handler finished but whose delete failed (the folder was briefly
 * unreachable), by `processing/` folder, for the whole process: every FileChannel instance of this
 * process retries these deletes on its polls and at `close()`, and `recoverAbandoned` never puts
 * them back into the inbox, so no instance of this process hands a handled message out again.
 */
const handled = new Map<string, Set<string>>();

/** Remember that `processing/<name>` was handled and still has to be deleted. */
export function rememberHandled(processing: string, name: string): void {
  let names = handled.get(processing);
  if (names === undefined) handled.set(processing, (names = new Set()));
  names.add(name);
}

/** Whether `processing/<name>` was handled by this process (its delete is still pending). */
export function isHandled(processing: string, name: string): boolean {
  return handled.get(processing)?.has(name) ?? false;
}

/** How many handled files of `processing/` are still waiting for their delete. */
export function pendingHandledDeletes(processing: string): number {
  return handled.get(processing)?.size ?? 0;
}

/**
 * Try again to delete every handled file remembered for `processing/`. Files deleted (or already
 * gone) are forgotten; the others stay remembered. Returns the errors of the deletes that failed.
 */
export async function deleteHandled(processing: string): Promise<unknown[]> {
  const names = handled.get(processing);
  if (names === undefined) return [];
  const errors: unknown[] = [];
  for (const name of [...names]) {
    try {
      await rm(join(processing, name), { force: true });
      names.delete(name);
    } catch (error) {
      errors.push(error);
    }
  }
  if (names.size === 0 && handled.get(processing) === names) handled.delete(processing);
  return errors;
}
