import type { CircuitState, Event } from '@rampart/core';

// The parts of @rampart/channels' `TeamChannels` that instrumentTeamChannels reads, typed
// structurally so this package has no dependency on @rampart/channels. A `TeamChannels` fits.

/** One channel's counters and state, as `TeamChannels.getHealth().channels[i]` (a `ChannelStatus`) reports them. */
export interface ChannelStatusLike {
  readonly kind: string;
  readonly healthy: boolean;
  readonly circuit: CircuitState;
  /** Lifetime counts of messages sent, received (before dedupe), and failed sends over this channel. */
  readonly sent: number;
  readonly received: number;
  readonly failures: number;
}

/** What `TeamChannels.getHealth()` (a `TeamChannelsHealth`) gives. */
export interface TeamChannelsHealthLike {
  readonly activeChannel: string | undefined;
  readonly channels: readonly ChannelStatusLike[];
  readonly outboxDepth: number;
  readonly duplicatesDropped: number;
  readonly pendingRequests: number;
}

/** A team's channels with failover: `TeamChannels` from @rampart/channels. */
export interface TeamChannelsLike {
  readonly team: string;
  getHealth(): TeamChannelsHealthLike;
  /** The preferred channel changed (`to` undefined: none is usable). */
  readonly onChannelSwitch: Event<{ readonly from: string | undefined; readonly to: string | undefined; readonly reason: string }>;
  /** A message expired in the outbox or arrived expired. */
  readonly onUndeliverable: Event<{ readonly reason: string; readonly where: string }>;
  /** A message had no handler for its type, or was a reply nobody waited for. */
  readonly onUnhandled: Event<{ readonly reason: string }>;
  /** A handler threw (a request got an error reply). */
  readonly onHandlerError: Event<unknown>;
}
