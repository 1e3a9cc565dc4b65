import type { ChannelKind } from '../channel.js';
import type { MessagePriority } from '../message.js';
import type { ChannelStatus } from './channel-slot.js';

export interface SendOptions {
  /** Default `MessagePriority.NORMAL`. */
  priority?: MessagePriority;
  /** The message expires this many ms from now (reported, never handled, after that). */
  ttlMs?: number;
  signal?: AbortSignal;
}

export interface RequestOptions {
  /** Reject with RequestTimeoutError when no reply came within this many ms. Default `requestTimeoutMs` (30 000). */
  timeoutMs?: number;
  priority?: MessagePriority;
  signal?: AbortSignal;
}

/** Where a sent message went: a channel, or the outbox (`queued`) when none could take it. */
export type SendResult = { id: string; channel: ChannelKind; queued: false } | { id: string; channel: undefined; queued: true };

/** Health of the whole set of channels (no I/O: the last checks' results). */
export interface TeamChannelsHealth {
  team: string;
  running: boolean;
  activeChannel: ChannelKind | undefined;
  channels: ChannelStatus[];
  outboxDepth: number;
  duplicatesDropped: number;
  pendingRequests: number;
}

/** What a team answers to `ping()` (the built-in `rampart.status` handler). */
export interface TeamStatus {
  team: string;
  status: 'online';
  activeChannel: ChannelKind | undefined;
  channels: ChannelKind[];
  outboxDepth: number;
  /** Epoch ms on the answering team's clock. */
  timestamp: number;
}
