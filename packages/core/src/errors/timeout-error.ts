import { RampartError } from './rampart-error.js';

/** A call did not settle within its deadline. Classified as `timeout`. */
export class TimeoutError extends RampartError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, message?: string, options?: { cause?: unknown }) {
    super(message ?? `Operation timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}
