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
  /**
   * Take or renew a lease on `key` for `owner` until `ttlMs` from now: resolves true when `owner`
   * holds it afterwards (it was free, expired, or already `owner`'s), false when another owner holds
   * it. Atomic across every process sharing the store (RedisStateStore: one Lua script; MemoryStore
   * and FileStore: within one process only). The request queue claims each stored request with it
   * before replaying it, so one replica at a time replays a request. Optional: without it, a store
   * is taken to have one user.
   */
  claim?(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Give up `owner`'s lease on `key` (nothing happens when another owner holds it). */
  release?(key: string, owner: string): Promise<void>;
  /**
   * True when other processes use the same entries (RedisStateStore): the request queue then
   * re-reads its team's stored requests every lease period, to take over those of a replica that
   * died and to learn outcomes written by others.
   */
  readonly shared?: boolean;
  /**
   * For how long, in ms, the store has been reachable without interruption (0 while it is not;
   * RedisStateStore: since its connection was last ready). The request queue waits until the store
   * has been back for a few seconds before replaying a request whose caller is in another process,
   * so that process can first write the outcomes it kept during the outage. Optional: a store
   * without it is taken to be always reachable.
   */
  reachableForMs?(): number;
  /** How long a lease taken with {@link claim} lasts by default (the request queue's `leaseMs`), in ms. */
  readonly leaseMs?: number;
  /** Release connections or handles. */
  close?(): Promise<void>;
}
