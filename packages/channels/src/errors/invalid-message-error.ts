import { RampartError } from '@rampart/core';

/** A value is not a valid {@link ChannelMessage} (the wire format): names each bad field. */
export class InvalidMessageError extends RampartError {
  /** One line per problem: `path: what is wrong` (never the field's value). */
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid channel message: ${issues.join('; ')}`, options);
    this.issues = Object.freeze([...issues]);
  }
}
