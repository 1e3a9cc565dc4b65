import { LocalLeases } from './local-leases.js';
import type { StateStore } from './state-store.js';

/**
 * A {@link StateStore} in process memory (the default without a storage path). Values are copied
 * through JSON on the way in and out, so it behaves as a persistent backend would.
 */
export class MemoryStore implements StateStore {
  readonly #data = new Map<string, string>();
  readonly #leases = new LocalLeases();

  async get(key: string): Promise<unknown | undefined> {
    const raw = this.#data.get(key);
    return raw === undefined ? undefined : JSON.parse(raw);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#data.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.#data.delete(key);
  }

  async entries(prefix: string): Promise<Array<[string, unknown]>> {
    const out: Array<[string, unknown]> = [];
    for (const [k, raw] of this.#data) if (k.startsWith(prefix)) out.push([k, JSON.parse(raw)]);
    return out;
  }

  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#leases.claim(key, owner, ttlMs);
  }

  async release(key: string, owner: string): Promise<void> {
    this.#leases.release(key, owner);
  }
}
