import { RampartError } from '@rampart/core';
import type { ChannelKind } from '../channel.js';

/** Why a channel could not hand a message to its recipient. */
export type RecipientUnavailableReason = 'not_open' | 'queue_full';

/**
 * The recipient cannot be reached over this channel (no open channel for it on the in-memory
 * bus, or its queue is full). The channel itself is fine: `TeamChannels` fails over to the next
 * channel without counting this against the channel's circuit.
 */
export class RecipientUnavailableError extends RampartError {
  readonly kind: ChannelKind;
  readonly recipient: string;
  readonly reason: RecipientUnavailableReason;

  constructor(kind: ChannelKind, recipient: string, reason: RecipientUnavailableReason) {
    super(
      reason === 'not_open'
        ? `Team "${recipient}" has no open ${kind} channel`
        : `The ${kind} queue of team "${recipient}" is full`,
    );
    this.kind = kind;
    this.recipient = recipient;
    this.reason = reason;
  }
}
