import type { ChannelKind } from '../channel.js';
import type { ChannelMessage } from '../message.js';

/** Why the preferred channel changed. */
export type ChannelSwitchReason = 'unhealthy' | 'circuit_open' | 'recovered';

/** The channel `TeamChannels` sends over first changed (`to` undefined: none is usable; messages queue). */
export interface ChannelSwitch {
  team: string;
  from: ChannelKind | undefined;
  to: ChannelKind | undefined;
  reason: ChannelSwitchReason;
  /** The last error of the channel switched away from (redacted). */
  error?: string;
}

/** A message that will not be delivered or handled: it expired (in the outbox, or on arrival). */
export interface UndeliverableMessage {
  team: string;
  message: ChannelMessage;
  reason: 'expired';
  /** `outbox`: expired while waiting to be sent; `inbound`: arrived after its `expiresAt`. */
  where: 'outbox' | 'inbound';
}

/** A delivered message nobody handled: no handler for its type, or a reply to no pending request. */
export interface UnhandledMessage {
  team: string;
  message: ChannelMessage;
  reason: 'no_handler' | 'orphan_reply';
}

/** A handler threw or rejected (or its reply could not be built). */
export interface HandlerFailure {
  team: string;
  message: ChannelMessage;
  error: unknown;
  /** An error reply was sent to the requester. */
  replied: boolean;
}
