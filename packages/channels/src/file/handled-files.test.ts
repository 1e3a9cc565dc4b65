import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeClock } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, TempDirs } from '../__fixtures__/eventually.js';
import { createMessage } from '../message.js';
import { FileChannel } from './file-channel.js';

// A handled message whose delete fails must never reach a handler again. The delete is made to
// fail for real: the channel's directory is a symlink, which the handler swaps for a plain file
// (every path under it then fails with ENOTDIR; chmod would not stop root), and the test swaps back.

const dirs = new TempDirs();
const open: FileChannel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await dirs.cleanUp();
});

const POLL_MS = 100;

function fileChannel(team: string, directory: string, clock: FakeClock): FileChannel {
  const c = new FileChannel({ team, directory, clock, pollIntervalMs: POLL_MS, watch: false });
  open.push(c);
  return c;
}

const msg = (type: string) => createMessage({ sender: 'a', recipient: 'b', type });

/** `link` → `real`, a channel directory that can be made unreachable and brought back. */
async function swappableFolder(prefix: string) {
  const base = await dirs.make(prefix);
  const real = join(base, 'real');
  const link = join(base, 'link');
  await mkdir(real);
  await symlink(real, link);
  return {
    link,
    processing: join(real, 'b', 'processing'),
    async break() {
      await rm(link);
      await writeFile(link, 'not a folder');
    },
    async repair() {
      await rm(link);
      await symlink(real, link);
    },
  };
}

const errno = (e: unknown) => e as NodeJS.ErrnoException;
/** The delete of a claimed file failed (listing the inbox fails with `scandir` instead). */
const deleteFailed = (errors: unknown[]) => errors.some((e) => errno(e).code === 'ENOTDIR' && errno(e).path?.includes('/processing/'));

/** Start `a` and `b` on `folder`; b's handler records types and breaks the folder while handling 'first'. */
async function teamsWithBreakingHandler(folder: Awaited<ReturnType<typeof swappableFolder>>, clock: FakeClock) {
  const a = fileChannel('a', folder.link, clock);
  const b = fileChannel('b', folder.link, clock);
  await Promise.all([a.start(), b.start()]);
  const got: string[] = [];
  const errors: unknown[] = [];
  b.onPollError((e) => errors.push(e));
  const handler = b.onMessage(async (m) => {
    got.push(m.type);
    if (m.type === 'first') await folder.break();
  });
  await a.send(msg('first'));
  await eventually(() => deleteFailed(errors), { clock, tickMs: POLL_MS, what: 'the delete of the handled file failed' });
  expect(await readdir(folder.processing)).toHaveLength(1); // handled, still claimed
  return { a, b, got, errors, handler };
}

describe('FileChannel: a handled file whose delete failed', () => {
  it('is deleted on a later poll once the folder is back, and never handed out again', async () => {
    const folder = await swappableFolder('undeleted-poll');
    const clock = new FakeClock();
    const { a, b, got } = await teamsWithBreakingHandler(folder, clock);
    await clock.tickAsync(POLL_MS * 3); // polls while the folder is unreachable fail, and are retried
    await folder.repair();
    await eventually(async () => (await readdir(folder.processing)).length === 0, { clock, tickMs: POLL_MS });
    await a.send(msg('second'));
    await eventually(() => got.includes('second'), { clock, tickMs: POLL_MS });
    await clock.tickAsync(POLL_MS * 3);
    expect(got).toEqual(['first', 'second']);
    expect(await b.healthCheck()).toMatchObject({ healthy: true, details: { processing: 0, pendingDeletes: 0 } });
  });

  it('is not delivered again by a new FileChannel of the team started after the failure', async () => {
    const folder = await swappableFolder('undeleted-restart');
    const clock = new FakeClock();
    const { a, b } = await teamsWithBreakingHandler(folder, clock);
    await b.close(); // its last try to delete fails too: the folder is still unreachable
    await folder.repair();
    expect(await readdir(folder.processing)).toHaveLength(1); // owned by a closed instance, as after a restart
    const again = fileChannel('b', folder.link, clock);
    const got: string[] = [];
    again.onMessage((m) => void got.push(m.type));
    await again.start();
    await a.send(msg('second'));
    await eventually(() => got.includes('second'), { clock, tickMs: POLL_MS });
    await eventually(async () => (await readdir(folder.processing)).length === 0, { clock, tickMs: POLL_MS });
    expect(got).toEqual(['second']);
  });

  it('is deleted by close() when the folder is back before the next poll', async () => {
    const folder = await swappableFolder('undeleted-close');
    const clock = new FakeClock();
    const { b, errors } = await teamsWithBreakingHandler(folder, clock);
    // the poll the handler's end kicks off fails to list the inbox; after it, nothing polls until the clock moves
    await eventually(() => errors.some((e) => errno(e).syscall === 'scandir'));
    await folder.repair();
    expect(await readdir(folder.processing)).toHaveLength(1);
    await b.close();
    expect(await readdir(folder.processing)).toEqual([]);
  });
});
