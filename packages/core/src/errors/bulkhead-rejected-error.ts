import { RampartError } from './rampart-error.js';

const TRANSIENT = Object.freeze({ kind: 'transient' } as const);

/** The bulkhead is at `maxConcurrent` and its queue at `maxQueued`. */
export class BulkheadRejectedError extends RampartError {
  readonly maxConcurrent: number;
  readonly maxQueued: number;

  constructor(maxConcurrent: number, maxQueued: number) {
    super(`Bulkhead full: ${maxConcurrent} running and ${maxQueued} queued`, { code: 'BulkheadRejectedError', classification: TRANSIENT });
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
  }
}
