import { redactString } from '../health/redact.js';
import { isSecretPath, redactSecretFields } from '../redact/secret-path.js';
import { RampartError } from './rampart-error.js';

/**
 * What a ConfigError may hold of a bad value: nothing under a secret path (`apiKey`, `password`,
 * `headers.*`…); a string without URL passwords, bearer tokens or key-shaped words; a plain object or
 * array without its secret-looking keys. Anything else (a number, a function, an instance) as it is.
 */
function safeValue(path: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  return isSecretPath(path) ? '[redacted]' : redactSecretFields(value, redactString);
}

/**
 * Invalid configuration: names the option path (or environment variable) and the bad value. The
 * message and `value` never hold a secret: under a secret path the value is `[redacted]`, and
 * strings lose URL passwords and tokens.
 */
export class ConfigError extends RampartError {
  /** Option path (`fallbackStrategies.api_quota[0].strategy`) or environment variable name. */
  readonly path: string;
  readonly value: unknown;

  constructor(path: string, message: string, value?: unknown, options?: { cause?: unknown }) {
    super(`${path}: ${redactString(message)}`, { cause: options?.cause, code: 'ConfigError', classification: { kind: 'permanent' } });
    this.path = path;
    this.value = safeValue(path, value);
  }
}
