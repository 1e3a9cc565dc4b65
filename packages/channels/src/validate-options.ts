import { ConfigError, type Clock } from '@rampart/core';
import { teamIdSchema } from './message.js';

/** A team id (see `teamIdSchema`), or a {@link ConfigError} naming `path` and the bad value. */
export function teamOption(path: string, value: unknown): string {
  const result = teamIdSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(path, `must be a team id (1–128 of A-Z a-z 0-9 . _ -, starting with a letter or digit), got ${describeValue(value)}`, value);
  }
  return result.data;
}

/** A {@link Clock}, or a {@link ConfigError} naming `path`. */
export function clockOption(path: string, value: unknown): Clock | undefined {
  if (value === undefined) return undefined;
  const c = value as Partial<Clock> | null;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    typeof c.now === 'function' &&
    typeof c.wallNow === 'function' &&
    typeof c.setTimeout === 'function' &&
    typeof c.clearTimeout === 'function' &&
    typeof c.sleep === 'function';
  if (!ok) throw new ConfigError(path, 'must be a Clock (now, wallNow, setTimeout, clearTimeout, sleep)', typeof value);
  return value as Clock;
}

/** A boolean (or `fallback` when undefined), or a {@link ConfigError} naming `path`. */
export function booleanOption(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(path, `must be a boolean, got ${describeValue(value)}`, value);
  return value;
}

/** Short description of a bad value for error messages (strings are cut; objects named by type). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
