import { ConfigError } from '../errors/config-error.js';

/** The ConfigError `fn` throws; fails when it throws something else or nothing. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected ConfigError');
}

/** The `path` of the ConfigError `fn` throws; fails when it throws something else or nothing. */
export function configPath(fn: () => unknown): string {
  return configError(fn).path;
}
