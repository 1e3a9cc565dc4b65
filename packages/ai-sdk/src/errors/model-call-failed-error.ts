import { classifyError, RampartError } from '@rampart/core';
import { isAiSdkError } from '@rampart/core/internal';

/**
 * The failure of a resilient model's call, when the last error was one the AI SDK itself would retry
 * (an `APICallError` with `isRetryable`): thrown in its place, with the same meaning and the original
 * as `cause`, so `generateText`'s own `maxRetries` loop does not stack on Rampart's (one loop decides).
 */
export class ModelCallFailedError extends RampartError {
  constructor(cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`Every model the fallback chain tried failed; the last error: ${message}`, { cause, code: 'ModelCallFailedError', classification: classifyError(cause) });
  }
}

/** The error a resilient model throws for `err`: unchanged unless the AI SDK would retry it. */
export function boundaryError(err: unknown): unknown {
  return isAiSdkError(err) && err.isRetryable === true ? new ModelCallFailedError(err) : err;
}
