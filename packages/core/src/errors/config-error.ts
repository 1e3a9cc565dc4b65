import { RampartError } from './rampart-error.js';

/** Invalid configuration: names the option path (or environment variable) and the bad value. */
export class ConfigError extends RampartError {
  /** Option path (`fallbackStrategies.api_quota[0].strategy`) or environment variable name. */
  readonly path: string;
  readonly value: unknown;

  constructor(path: string, message: string, value?: unknown, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.path = path;
    this.value = value;
  }
}
