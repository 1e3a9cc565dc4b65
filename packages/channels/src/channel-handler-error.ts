import type { ChannelKind } from './channel.js';
import type { ChannelMessage } from './message.js';

/** A channel's handler threw or rejected for a delivered message (the receiving side's concern). */
export interface ChannelHandlerError {
  kind: ChannelKind;
  /** The local team. */
  team: string;
  message: ChannelMessage;
  error: unknown;
}
