import { ConfigError } from '@rampart/core';
import { describeValue } from '@rampart/core/internal';
import { teamIdSchema } from './message.js';

/** A team id (see `teamIdSchema`), or a {@link ConfigError} naming `path` and the bad value. */
export function teamOption(path: string, value: unknown): string {
  const result = teamIdSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(path, `must be a team id (1–128 of A-Z a-z 0-9 . _ -, starting with a letter or digit), got ${describeValue(value)}`, value);
  }
  return result.data;
}

