import { RampartError, type RampartErrorOptions } from './rampart-error.js';

const TIMEOUT = Object.freeze({ kind: 'timeout' } as const);

/** A call did not settle within its deadline. Classified as `timeout`. */
export class TimeoutError extends RampartError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, message?: string, options?: Pick<RampartErrorOptions, 'cause' | 'code'>) {
    super(message ?? `Operation timed out after ${timeoutMs} ms`, { cause: options?.cause, code: options?.code ?? 'TimeoutError', classification: TIMEOUT });
    this.timeoutMs = timeoutMs;
  }
}
