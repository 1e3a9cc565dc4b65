import { RampartError } from '../errors/rampart-error.js';

/** A queued request was not answered within `maxWaitMs`; `cause` is the last replay's error, if any. */
export class QueueTimeoutError extends RampartError {
  readonly queue: string;
  readonly maxWaitMs: number;
  /** The queued request's id (see `ResilienceManager.getQueuedRequest`). */
  readonly requestId: string;

  constructor(queue: string, requestId: string, maxWaitMs: number, options?: { cause?: unknown }) {
    super(`Queued request ${requestId} on "${queue}" was not answered within ${maxWaitMs} ms`, { cause: options?.cause, code: 'QueueTimeoutError' });
    this.queue = queue;
    this.maxWaitMs = maxWaitMs;
    this.requestId = requestId;
  }
}
