import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeClock } from '@rampart/core/testing';

const realPause = () => new Promise<void>((resolve) => setTimeout(resolve, 2));

/**
 * Wait until `condition()` holds, letting real I/O progress between looks and, with a fake clock,
 * advancing it by `tickMs` each time (pollers and health checks run on it). Gives up with a
 * descriptive error after `maxLooks` looks; the test's own timeout is the real guard.
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  options: { clock?: FakeClock; tickMs?: number; what?: string; maxLooks?: number } = {},
): Promise<void> {
  const maxLooks = options.maxLooks ?? 5_000;
  for (let i = 0; i < maxLooks; i++) {
    if (await condition()) return;
    if (options.clock !== undefined) await options.clock.tickAsync(options.tickMs ?? 50);
    await realPause();
  }
  throw new Error(`condition not met after ${maxLooks} looks: ${options.what ?? condition.toString()}`);
}

/** Temporary folders, removed by {@link TempDirs.cleanUp}. */
export class TempDirs {
  readonly #dirs: string[] = [];

  async make(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `rampart-channels-${prefix}-`));
    this.#dirs.push(dir);
    return dir;
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.#dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}
