/**
 * Where the manager keeps state that must survive a restart (breaker snapshots, queued requests).
 * Async so that remote backends (Redis) can implement it. Values are plain JSON data; a backend
 * returns copies, never live references to what it holds.
 */
export interface StateStore {
  get(key: string): Promise<unknown | undefined>;
  /** Durable once the promise resolves (the file backend has fsync'ed the data). */
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`, in no particular order. */
  entries(prefix: string): Promise<Array<[key: string, value: unknown]>>;
  /** Release connections or handles. */
  close?(): Promise<void>;
}
