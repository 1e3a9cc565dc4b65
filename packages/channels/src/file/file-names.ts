import { createHash } from 'node:crypto';
import type { ChannelMessage } from '../message.js';

/** Suffix of a message file in `inbox/` (and `dead/`). */
export const MESSAGE_SUFFIX = '.msg';

const TIMESTAMP_DIGITS = 16;
const MAX_TIMESTAMP = 10 ** TIMESTAMP_DIGITS - 1;
const SEQUENCE_DIGITS = 10;
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

let sequence = 0;

/** The next send sequence number of this process (orders messages sent within one millisecond). */
export function nextSequence(): number {
  return sequence++;
}

/**
 * The inbox file name of `message`: a plain `sort()` of an inbox listing is the delivery order,
 * highest priority first, then oldest `timestamp`, then the sending process's send order
 * (`sequence`), then id. Shape: `<5-priority>-<timestamp:16>-<sequence base36:10>-<id>.msg`; an id
 * that is not short and file-name safe is replaced by a hash of it.
 */
export function messageFileName(message: Pick<ChannelMessage, 'priority' | 'timestamp' | 'id'>, sequenceNumber: number): string {
  const rank = 5 - message.priority;
  const timestamp = Math.min(MAX_TIMESTAMP, Math.max(0, Math.floor(message.timestamp)));
  const seq = sequenceNumber.toString(36).padStart(SEQUENCE_DIGITS, '0');
  const id = SAFE_ID.test(message.id) ? message.id : `h${createHash('sha256').update(message.id).digest('hex').slice(0, 40)}`;
  return `${rank}-${String(timestamp).padStart(TIMESTAMP_DIGITS, '0')}-${seq}-${id}${MESSAGE_SUFFIX}`;
}

/** Who holds a claimed file or writes a temporary file: a process and one channel instance in it. */
export interface Owner {
  pid: number;
  token: string;
}

export function ownerTag(owner: Owner): string {
  return `${owner.pid}-${owner.token}`;
}

/** The `processing/` name of an inbox file claimed by `owner`. */
export function claimedName(messageName: string, owner: Owner): string {
  return `${messageName}.${ownerTag(owner)}`;
}

const CLAIMED = /^(.+\.msg)\.(\d+)-([0-9a-f]+)$/;

/** The inbox name and owner of a `processing/` file, or undefined for a name this channel did not write. */
export function parseClaimedName(name: string): { messageName: string; owner: Owner } | undefined {
  const m = CLAIMED.exec(name);
  return m ? { messageName: m[1]!, owner: { pid: Number(m[2]), token: m[3]! } } : undefined;
}

const TEMPORARY = /^(\d+)-([0-9a-f]+)-[0-9a-z-]+\.tmp$/;

/** A `tmp/` file name owned by `owner` (`kind` tells message writes from health probes apart). */
export function temporaryName(owner: Owner, kind: 'msg' | 'probe', unique: string): string {
  return `${ownerTag(owner)}-${kind}-${unique}.tmp`;
}

/** The owner of a `tmp/` file, or undefined for a name this channel did not write. */
export function parseTemporaryName(name: string): Owner | undefined {
  const m = TEMPORARY.exec(name);
  return m ? { pid: Number(m[1]), token: m[2]! } : undefined;
}
