/**
 * Leases held in process memory, for the stores whose users share one process (MemoryStore, and
 * FileStore, whose directory is not locked across processes). Expiry is on monotonic time.
 */
export class LocalLeases {
  readonly #held = new Map<string, { owner: string; until: number }>();

  claim(key: string, owner: string, ttlMs: number): boolean {
    const now = performance.now();
    const lease = this.#held.get(key);
    if (lease && lease.owner !== owner && lease.until > now) return false;
    this.#held.set(key, { owner, until: now + ttlMs });
    return true;
  }

  release(key: string, owner: string): void {
    if (this.#held.get(key)?.owner === owner) this.#held.delete(key);
  }
}
