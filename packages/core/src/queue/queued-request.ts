import type { ResourceType } from '../resource/resource-types.js';

/** Lifecycle of a queued request. */
export type QueuedRequestStatus = 'queued' | 'succeeded' | 'failed' | 'cancelled';

/** What `ResilienceManager.getQueuedRequest(id)` tells about a request parked by QUEUE_REQUEST. */
export interface QueuedRequest {
  readonly id: string;
  readonly team: string;
  readonly resource: ResourceType;
  /** The decorated method's class and name, when the call came through `@withFallback`. */
  readonly className?: string | undefined;
  readonly method?: string | undefined;
  readonly status: QueuedRequestStatus;
  /** Higher is replayed first. */
  readonly priority: number;
  /** Wall-clock epoch ms. */
  readonly enqueuedAt: number;
  /** Wall-clock epoch ms after which the request fails with QueueTimeoutError. */
  readonly deadline: number;
  readonly settledAt?: number | undefined;
  /** Replays tried so far. */
  readonly replays: number;
  /** Whether it is in the store (survives a restart). */
  readonly persisted: boolean;
  /** The replay's result, when it succeeded and the result is plain JSON data. */
  readonly result?: unknown;
  /** Why it failed (or the last replay's failure while still queued); redacted. */
  readonly error?: { readonly name: string; readonly message: string } | undefined;
}

/** The stored form of a queued request (JSON). */
export interface StoredQueuedRequest extends QueuedRequest {
  readonly version: 1;
  /** Canonical JSON of the arguments. */
  readonly argsJson: string;
}

/** True when `value` read back from a store looks like a {@link StoredQueuedRequest}. */
export function isStoredQueuedRequest(value: unknown): value is StoredQueuedRequest {
  const v = value as Partial<StoredQueuedRequest> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.version === 1 &&
    typeof v.id === 'string' &&
    typeof v.team === 'string' &&
    typeof v.resource === 'string' &&
    typeof v.status === 'string' &&
    typeof v.argsJson === 'string' &&
    typeof v.enqueuedAt === 'number' &&
    typeof v.deadline === 'number'
  );
}
