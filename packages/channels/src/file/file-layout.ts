import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Owner } from './file-names.js';
import { parseClaimedName, parseTemporaryName } from './file-names.js';
import { isHandled } from './handled-files.js';

/** The folders of one team under a FileChannel's directory. */
export interface TeamFolders {
  root: string;
  /** Delivered messages waiting to be claimed. */
  inbox: string;
  /** Messages claimed by a receiving process, deleted once handled. */
  processing: string;
  /** Files that could not be handled, each with a `.reason.json` beside it. */
  dead: string;
  /** Messages being written (renamed into `inbox/` once complete and fsync'ed). */
  tmp: string;
}

export function teamFolders(directory: string, team: string): TeamFolders {
  const root = join(directory, team);
  return { root, inbox: join(root, 'inbox'), processing: join(root, 'processing'), dead: join(root, 'dead'), tmp: join(root, 'tmp') };
}

export async function ensureFolders(folders: TeamFolders): Promise<void> {
  await Promise.all([folders.inbox, folders.processing, folders.dead, folders.tmp].map((d) => mkdir(d, { recursive: true })));
}

/** Channel instances of this process that are open (or still finishing handlers), by token. */
const liveTokens = new Set<string>();

/** A new owner identity for one channel instance of this process, live until {@link releaseOwner}. */
export function claimOwner(): Owner {
  const token = randomBytes(6).toString('hex');
  liveTokens.add(token);
  return { pid: process.pid, token };
}

export function releaseOwner(owner: Owner): void {
  liveTokens.delete(owner.token);
}

/** Whether the process (and, in this process, the channel instance) that owns a file is still running. */
export function ownerAlive(owner: Owner): boolean {
  if (owner.pid === process.pid) return liveTokens.has(owner.token);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/**
 * Put messages claimed by processes (or channel instances) that are gone back into the inbox, and
 * delete their half-written temporary files. Files this process has handled but could not delete
 * yet stay where they are (the receiver deletes them). Returns how many messages were recovered.
 */
export async function recoverAbandoned(folders: TeamFolders): Promise<number> {
  let recovered = 0;
  for (const name of await readdir(folders.processing)) {
    const claimed = parseClaimedName(name);
    if (claimed === undefined || ownerAlive(claimed.owner) || isHandled(folders.processing, name)) continue;
    try {
      await rename(join(folders.processing, name), join(folders.inbox, claimed.messageName));
      recovered++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // another process recovered it
    }
  }
  for (const name of await readdir(folders.tmp)) {
    const owner = parseTemporaryName(name);
    if (owner !== undefined && !ownerAlive(owner)) await rm(join(folders.tmp, name), { force: true });
  }
  return recovered;
}
