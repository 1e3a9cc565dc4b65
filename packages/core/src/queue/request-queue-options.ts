import type { Clock } from '../clock/clock.js';
import type { ResourceType } from '../resource/resource-types.js';
import type { StateStore } from '../store/state-store.js';

/** Options of the request queue (`RequestQueue`, request-queue.ts). */
export interface RequestQueueOptions {
  readonly team: string;
  readonly maxQueueSize: number;
  readonly maxWaitMs: number;
  readonly retryIntervalMs: number;
  readonly resultRetentionMs: number;
  /** Settled requests kept for get(id) at most (the oldest leaves first). */
  readonly maxRetainedResults: number;
  readonly clock: Clock;
  readonly store: StateStore | undefined;
  /**
   * Whether a resource's queue is replayed on the `retryIntervalMs` timer. The owner says no for a
   * resource whose monitors report its recovery (it calls drain() then), and yes for one without
   * monitors or with providers (a provider's cooldown or open breaker ends without any event).
   */
  readonly pollOnTimer: (resource: ResourceType) => boolean;
  /** At a timer tick, whether replaying is worth it now (e.g. some provider is available again). */
  readonly replayDue: (resource: ResourceType) => boolean;
  readonly redact: (text: string) => string;
  /**
   * With a store that has leases: how long a replica's claim on a stored request lasts unless
   * renewed (renewed every third of it while the replay runs), and how often the stored requests
   * are re-read. Default 15 000 ms.
   */
  readonly leaseMs?: number | undefined;
  /** Outcomes kept for retry at most when the store cannot take them. Default 10 000. */
  readonly maxUnwrittenOutcomes?: number | undefined;
}
