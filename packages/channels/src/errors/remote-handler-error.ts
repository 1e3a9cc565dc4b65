import { RampartError } from '@rampart/core';

/** The recipient of a `request()` answered with an error reply (its handler threw, or it had none). */
export class RemoteHandlerError extends RampartError {
  readonly recipient: string;
  /** The request's message type. */
  readonly type: string;
  readonly requestId: string;
  /** The remote error's name (`TypeError`, `NoHandler`, …). */
  readonly remoteName: string;
  /** The remote error's message, as the remote side redacted it. */
  readonly remoteMessage: string;

  constructor(recipient: string, type: string, requestId: string, remoteName: string, remoteMessage: string) {
    super(`"${recipient}" failed to handle "${type}": ${remoteName}: ${remoteMessage}`);
    this.recipient = recipient;
    this.type = type;
    this.requestId = requestId;
    this.remoteName = remoteName;
    this.remoteMessage = remoteMessage;
  }
}
