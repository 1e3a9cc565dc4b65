import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TeamFolders } from './file-layout.js';

/** Why a message file went to `dead/`. */
export type DeadLetterReason = 'invalid_json' | 'invalid_message' | 'wrong_recipient' | 'handler_failed';

/** A message file moved to `<team>/dead/` (never silently deleted). */
export interface DeadLetter {
  team: string;
  /** Path of the file in `dead/`; its reason is in `<file>.reason.json`. */
  file: string;
  reason: DeadLetterReason;
  /** What was wrong (redacted; never the payload). */
  detail: string;
  /** The message id, when the file held a readable message. */
  messageId?: string;
}

/** Move a claimed file to `dead/` and write its reason beside it. Returns the new path. */
export async function moveToDead(
  folders: TeamFolders,
  claimedPath: string,
  messageName: string,
  reason: DeadLetterReason,
  detail: string,
  at: number,
): Promise<string> {
  const target = join(folders.dead, messageName);
  await rename(claimedPath, target);
  await writeFile(`${target}.reason.json`, `${JSON.stringify({ reason, detail, at })}\n`, { mode: 0o600 });
  return target;
}
