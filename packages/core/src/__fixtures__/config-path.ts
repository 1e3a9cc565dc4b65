import { ConfigError } from '../errors/config-error.js';

/** The `path` of the ConfigError `fn` throws; fails when it throws something else or nothing. */
export function configPath(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.path;
    throw e;
  }
  throw new Error('expected ConfigError');
}
