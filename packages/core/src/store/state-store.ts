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
  /**
   * Move aside an entry its reader found invalid (not a record it understands), so that `entries()`
   * no longer lists it and it is reported once, not at every start. FileStore renames the file to
   * `<file>.corrupt` and reports it through `onCorruptEntry`. Optional: without it, readers skip
   * the entry (and warn) each time.
   */
  quarantine?(key: string, reason: unknown): Promise<void>;
  /** Release connections or handles. */
  close?(): Promise<void>;
}
