import { RampartError } from '../errors/rampart-error.js';

/**
 * A queued request this process held was settled by another replica (it replayed it under its
 * lease), and not with success: the stored outcome's error, by name and (redacted) message.
 */
export class QueuedRequestFailedError extends RampartError {
  readonly requestId: string;
  readonly status: 'failed' | 'cancelled';

  constructor(requestId: string, status: 'failed' | 'cancelled', error: { name: string; message: string } | undefined) {
    super(`Queued request ${requestId} ${status} in another replica: ${error ? `${error.name}: ${error.message}` : 'no error recorded'}`, { code: 'QueuedRequestFailedError' });
    this.requestId = requestId;
    this.status = status;
  }
}
