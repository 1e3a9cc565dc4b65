import { ConfigError } from '@rampart/core';

/** Short, secret-free description of a bad value for error messages. */
function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** A non-empty string. */
export function nonEmptyString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(path, `must be a non-empty string, got ${describe(value)}`, value);
  }
  return value;
}

/** A finite number > 0. */
export function positiveNumber(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(path, `must be a finite number greater than 0, got ${describe(value)}`, value);
  }
  return value;
}

/** A number > 0, `Infinity` allowed (meaning "never"). */
export function positiveNumberOrInfinity(path: string, value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  return positiveNumber(path, value);
}

/** An integer ≥ 1. */
export function positiveInt(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(path, `must be an integer of at least 1, got ${describe(value)}`, value);
  }
  return value;
}

/** A plain object (or undefined → `{}`). */
export function optionsObject<T extends object>(path: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(path, `must be an options object, got ${describe(value)}`, value);
  }
  return value;
}
