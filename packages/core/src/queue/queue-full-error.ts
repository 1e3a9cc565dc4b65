import { RampartError } from '../errors/rampart-error.js';

/** A request could not be queued: the queue already holds `maxQueueSize` requests. */
export class QueueFullError extends RampartError {
  readonly queue: string;
  readonly maxQueueSize: number;

  constructor(queue: string, maxQueueSize: number) {
    super(`Queue "${queue}" is full (${maxQueueSize} requests)`, { code: 'QueueFullError' });
    this.queue = queue;
    this.maxQueueSize = maxQueueSize;
  }
}
