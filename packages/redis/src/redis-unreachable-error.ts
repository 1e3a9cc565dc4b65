import { RampartError } from '@rampart/core';

const TRANSIENT = Object.freeze({ kind: 'transient' } as const);

/**
 * A store operation refused at once because its Redis connection is down (it was ready before and
 * ioredis is reconnecting): the command is not handed to ioredis, whose offline queue would hold it
 * for the whole outage and send it when Redis returns. Classified as `transient`.
 */
export class RedisUnreachableError extends RampartError {
  /** What was refused, e.g. `SET ops/queue/1`. */
  readonly operation: string;

  constructor(operation: string) {
    super(`Redis state store: ${operation} refused, the connection to Redis is down (ioredis is reconnecting)`, { code: 'RedisUnreachableError', classification: TRANSIENT });
    this.operation = operation;
  }
}
