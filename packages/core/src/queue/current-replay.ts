import { AsyncLocalStorage } from 'node:async_hooks';

/** What a replayed queued request's method can read through {@link currentReplay}. */
export interface ReplayInfo {
  /** The queued request's id (`getQueuedRequest(id)`). */
  readonly requestId: string;
  /**
   * Stable for the request across every replay, every replica and every restart (`${team}/${id}`):
   * pass it to the upstream (an `Idempotency-Key` header, a unique column) so a side effect happens
   * once even when the request is delivered more than once.
   */
  readonly idempotencyKey: string;
  /** This replay's number, from 1. */
  readonly replay: number;
}

const storage = new AsyncLocalStorage<ReplayInfo>();

/**
 * Inside a replay of a queued request (QUEUE_REQUEST), what is replayed; undefined in any other
 * call. Entered only for replays (an AsyncLocalStorage `run` slows later awaits on Node 20).
 */
export function currentReplay(): ReplayInfo | undefined {
  return storage.getStore();
}

/** @internal Run one replay with its {@link ReplayInfo}. */
export function runReplay<T>(info: ReplayInfo, fn: () => Promise<T>): Promise<T> {
  return storage.run(info, fn);
}
