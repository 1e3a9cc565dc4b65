import { RampartError } from '../errors/rampart-error.js';

/**
 * The manager stopped while a request was queued. When `persisted` is true the request stays in the
 * store and is replayed after the next `start()`; its outcome is then available from
 * `getQueuedRequest(requestId)`. Otherwise it is dropped, and this error says so.
 */
export class QueueStoppedError extends RampartError {
  readonly requestId: string;
  readonly persisted: boolean;

  constructor(requestId: string, persisted: boolean) {
    super(
      persisted
        ? `Manager stopped; queued request ${requestId} is persisted and will be replayed after restart`
        : `Manager stopped; queued request ${requestId} was not persisted and is dropped`,
      { code: 'QueueStoppedError' },
    );
    this.requestId = requestId;
    this.persisted = persisted;
  }
}
