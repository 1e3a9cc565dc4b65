import { TimeoutError } from '@rampart/core';

/** No reply to a `request()` arrived within its `timeoutMs` (measured on the manager's clock). */
export class RequestTimeoutError extends TimeoutError {
  readonly recipient: string;
  /** The request's message type. */
  readonly type: string;
  /** The request's message id. */
  readonly messageId: string;

  constructor(recipient: string, type: string, messageId: string, timeoutMs: number) {
    super(timeoutMs, `No reply from "${recipient}" to "${type}" (${messageId}) within ${timeoutMs} ms`);
    this.recipient = recipient;
    this.type = type;
    this.messageId = messageId;
  }
}
