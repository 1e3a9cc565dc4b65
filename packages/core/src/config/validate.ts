import { systemClock, type Clock } from '../clock/clock.js';
import { ConfigError } from '../errors/config-error.js';
import { knownKeys, type OptionKeys } from './known-keys.js';

/** Options for the numeric validators. */
export interface NumberCheckOptions {
  /** Accept `Infinity` (e.g. "wait forever"). Default false. */
  allowInfinity?: boolean;
}

function finiteOrInfinity(path: string, value: unknown, options?: NumberCheckOptions): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ConfigError(path, `must be a number, got ${describe(value)}`, value);
  }
  if (!Number.isFinite(value) && !(options?.allowInfinity && value === Number.POSITIVE_INFINITY)) {
    throw new ConfigError(path, `must be a finite number, got ${describe(value)}`, value);
  }
  return value;
}

/** Short, secret-free description of a bad value for error messages. */
/** A bad value, shortly, for an error message: strings quoted and cut at 40 characters, objects named by kind. */
export function describeValue(value: unknown): string {
  return describe(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** A non-empty string. Throws {@link ConfigError} naming `path`. */
export function nonEmptyString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(path, `must be a non-empty string, got ${describe(value)}`, value);
  }
  return value;
}

/** A number > 0 (finite unless `allowInfinity`). Throws {@link ConfigError} naming `path`. */
export function positiveNumber(path: string, value: unknown, options?: NumberCheckOptions): number {
  const n = finiteOrInfinity(path, value, options);
  if (n <= 0) throw new ConfigError(path, `must be greater than 0, got ${n}`, value);
  return n;
}

/** A number ≥ 0 (finite unless `allowInfinity`). Throws {@link ConfigError} naming `path`. */
export function nonNegativeNumber(path: string, value: unknown, options?: NumberCheckOptions): number {
  const n = finiteOrInfinity(path, value, options);
  if (n < 0) throw new ConfigError(path, `must not be negative, got ${n}`, value);
  return n;
}

/** An integer ≥ 1 (finite unless `allowInfinity`). Throws {@link ConfigError} naming `path`. */
export function positiveInt(path: string, value: unknown, options?: NumberCheckOptions): number {
  const n = finiteOrInfinity(path, value, options);
  if (n !== Number.POSITIVE_INFINITY && !Number.isInteger(n)) {
    throw new ConfigError(path, `must be an integer, got ${n}`, value);
  }
  if (n < 1) throw new ConfigError(path, `must be at least 1, got ${n}`, value);
  return n;
}

/** An integer ≥ 0. Throws {@link ConfigError} naming `path`. */
export function nonNegativeInt(path: string, value: unknown, options?: NumberCheckOptions): number {
  const n = finiteOrInfinity(path, value, options);
  if (n !== Number.POSITIVE_INFINITY && !Number.isInteger(n)) {
    throw new ConfigError(path, `must be an integer, got ${n}`, value);
  }
  if (n < 0) throw new ConfigError(path, `must not be negative, got ${n}`, value);
  return n;
}

/** A number in [0, 1] (a rate or probability). Throws {@link ConfigError} naming `path`. */
export function fraction(path: string, value: unknown): number {
  const n = finiteOrInfinity(path, value);
  if (n < 0 || n > 1) throw new ConfigError(path, `must be between 0 and 1, got ${n}`, value);
  return n;
}

/** A function. Throws {@link ConfigError} naming `path`. */
export function functionValue<F = (...args: never[]) => unknown>(path: string, value: unknown): F {
  if (typeof value !== 'function') throw new ConfigError(path, `must be a function, got ${describe(value)}`, value);
  return value as F;
}

/**
 * A plain options object (or undefined → `{}`). With `keys` (every option of T, see
 * {@link OptionKeys}), a key not among them is rejected too: `retry.retries: unknown option; did you
 * mean maxAttempts?`. Throws {@link ConfigError} naming `path`.
 */
export function optionsObject<T extends object>(path: string, value: T | undefined, keys?: OptionKeys<NoInfer<T>>): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(path, `must be an options object, got ${describe(value)}`, value);
  }
  if (keys) knownKeys(path, value, keys);
  return value;
}

/** The methods every {@link Clock} has. */
export const CLOCK_METHODS = ['now', 'wallNow', 'setTimeout', 'setBackgroundTimeout', 'clearTimeout', 'sleep'] as const;

/** A {@link Clock} (default {@link systemClock}). Throws {@link ConfigError} naming `path`. */
export function clockOption(path: string, value: unknown): Clock {
  if (value === undefined) return systemClock;
  const c = value as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null || CLOCK_METHODS.some((m) => typeof c[m] !== 'function')) {
    throw new ConfigError(path, `must be a Clock (${CLOCK_METHODS.join(', ')})`, describe(value));
  }
  return value as Clock;
}

/** A boolean (default `fallback`). Throws {@link ConfigError} naming `path`. */
export function booleanOption(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(path, `must be a boolean, got ${describe(value)}`, value);
  return value;
}

/** A class of errors, matched with `instanceof`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClassLike = new (...args: any[]) => Error;

/**
 * Which errors a policy acts on: a predicate as it is, or a non-empty array of error classes turned
 * into an `instanceof` predicate; undefined stays undefined (the policy's default). Throws
 * {@link ConfigError} naming `path` (or `path[i]` for a bad class).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function errorFilterOption<P extends (error: unknown, ...rest: any[]) => boolean>(
  path: string,
  value: P | readonly ErrorClassLike[] | undefined,
): P | ((error: unknown) => boolean) | undefined {
  if (value === undefined || typeof value === 'function') return value;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(path, 'must be a predicate or a non-empty array of error classes', value);
  }
  const classes = value.map((c, i) => functionValue<ErrorClassLike>(`${path}[${i}]`, c));
  return (error: unknown) => classes.some((c) => error instanceof c);
}
