import { ConfigError } from '../errors/config-error.js';

/** A monitor name: a non-empty string (it becomes part of the key `<resourceType>:<name>`). */
export function monitorName(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(path, `must be a non-empty string, got ${typeof value === 'string' ? '""' : typeof value}`, value);
  }
  return value;
}

/** A non-empty string path (a file or directory). */
export function pathOption(path: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(path, 'must be a non-empty path string', value);
  }
  return value;
}

/** Round a percentage or a millisecond figure to two decimals for reports. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
