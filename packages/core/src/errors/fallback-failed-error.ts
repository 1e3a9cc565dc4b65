import { redactString } from '../health/redact.js';
import { RampartError } from './rampart-error.js';

/**
 * Thrown by a fallback policy when its fallback function itself fails: `cause` is the call's
 * original error (the one the fallback was meant to replace), `fallbackError` what the fallback threw.
 */
export class FallbackFailedError extends RampartError {
  /** What the fallback function threw (or rejected with). */
  readonly fallbackError: unknown;

  constructor(error: unknown, fallbackError: unknown) {
    const detail = fallbackError instanceof Error ? fallbackError.message : String(fallbackError);
    super(`The fallback failed after the call failed: ${redactString(detail)}`, { cause: error, code: 'FallbackFailedError' });
    this.fallbackError = fallbackError;
  }
}
